/* The web interface's files, with revalidation and compression.
 *
 * Each file read is kept in a small cache keyed by its path and checked against the
 * file's inode, size and modification time on every request (an edited file is read
 * again). The cache holds the bytes, a content hash used as the ETag, and for text types
 * a gzip copy made once with zlib. Every answer carries ETag and Last-Modified, so a
 * reload costs a 304 without a body. Cache-Control is no-cache (revalidate every time),
 * except when the URL carries the content's version (?v=<the ETag's hash>): then the
 * answer may be kept for a year, since another content has another URL. */
#define _GNU_SOURCE /* strcasestr, strptime, timegm */
#include "api/static_files.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/crypto.h"
#include "core/mem.h"

#define CACHE_FILE_MAX  (4u * 1024 * 1024)  /* larger files are sent from disk as they are */
#define CACHE_TOTAL_MAX (32u * 1024 * 1024) /* bytes held by the cache, gzip copies included */
#define ETAG_HEX        32

/* No inline script or style, nothing from elsewhere: the interface works offline on a
 * LAN and an injected name cannot run code. 'wasm-unsafe-eval' lets the card scanner's
 * QR reader (WebAssembly served from here) compile; it allows no eval of strings. */
static const char csp[] =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

static const struct {
    const char *ext, *type;
    bool text; /* worth compressing */
} mime_types[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json; charset=utf-8", true},
    {".svg", "image/svg+xml", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".wasm", "application/wasm", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".md", "text/plain; charset=utf-8", true},
    {".map", "application/json", true},
    {".webmanifest", "application/manifest+json", true},
};

static const char *mime_type(const char *path, bool *text) {
    const char *dot = strrchr(path, '.');
    *text = false;
    for (size_t i = 0; dot && i < sizeof mime_types / sizeof mime_types[0]; i++)
        if (!strcmp(dot, mime_types[i].ext)) {
            *text = mime_types[i].text;
            return mime_types[i].type;
        }
    return "application/octet-stream";
}

typedef struct cached {
    struct cached *next;
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    char *data;
    char *gz; /* NULL when not text or not smaller */
    size_t gz_len;
    char etag[ETAG_HEX + 1];
} cached;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached *cache_head; /* guarded by cache_lock, with every entry's fields */
static size_t cache_bytes; /* guarded by cache_lock */

static bool same_file(const cached *c, const struct stat *sb) {
    return c->dev == sb->st_dev && c->ino == sb->st_ino && c->size == sb->st_size &&
           c->mtime.tv_sec == sb->st_mtim.tv_sec && c->mtime.tv_nsec == sb->st_mtim.tv_nsec;
}

/* A gzip copy of data (NULL when zlib fails or it would not be smaller). */
static char *gzip(const char *data, size_t len, size_t *out_len) {
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    char *out = mem_alloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || *out_len >= len) {
        mem_free(out);
        return NULL;
    }
    return out;
}

static void cached_free(cached *c) {
    if (!c) return;
    mem_free(c->path);
    mem_free(c->data);
    mem_free(c->gz);
    mem_free(c);
}

/* Reads the open file into a new entry (NULL on a short read). */
static cached *cached_read(const char *path, int fd, const struct stat *sb, bool text) {
    cached *c = mem_alloc(sizeof *c);
    c->path = mem_strdup(path);
    c->dev = sb->st_dev, c->ino = sb->st_ino, c->size = sb->st_size, c->mtime = sb->st_mtim;
    c->data = mem_alloc((size_t)sb->st_size + 1);
    size_t got = 0;
    while (got < (size_t)sb->st_size) {
        ssize_t n = pread(fd, c->data + got, (size_t)sb->st_size - got, (off_t)got);
        if (n <= 0) {
            cached_free(c);
            return NULL;
        }
        got += (size_t)n;
    }
    char hex[CRYPTO_HASH_HEX_LEN];
    crypto_hash_hex(c->data, got, hex);
    memcpy(c->etag, hex, ETAG_HEX);
    c->etag[ETAG_HEX] = '\0';
    if (text) c->gz = gzip(c->data, got, &c->gz_len);
    return c;
}

/* What a response takes from a cache entry, copied so that the entry may change. */
typedef struct {
    char *body;
    size_t len;
    bool gzipped;
    char etag[ETAG_HEX + 6];
} snapshot;

static void take_snapshot(const cached *c, bool want_gz, snapshot *out) {
    out->gzipped = want_gz && c->gz;
    snprintf(out->etag, sizeof out->etag, "\"%s%s\"", c->etag, out->gzipped ? "-gz" : "");
    out->len = out->gzipped ? c->gz_len : (size_t)c->size;
    out->body = mem_alloc(out->len + 1);
    memcpy(out->body, out->gzipped ? c->gz : c->data, out->len);
}

/* Fills out from the cache entry for path, reading the file into the cache when it is
 * not there or has changed. False when the file is too large to cache or unreadable. */
static bool cache_get(const char *path, int fd, const struct stat *sb, bool text, bool want_gz,
                      snapshot *out) {
    if (sb->st_size > (off_t)CACHE_FILE_MAX) return false;
    pthread_mutex_lock(&cache_lock);
    cached **link = &cache_head;
    while (*link && strcmp((*link)->path, path)) link = &(*link)->next;
    if (*link && same_file(*link, sb)) {
        take_snapshot(*link, want_gz, out);
        pthread_mutex_unlock(&cache_lock);
        return true;
    }
    if (*link) { /* edited since it was read: forget it */
        cached *old = *link;
        *link = old->next;
        cache_bytes -= (size_t)old->size + old->gz_len;
        cached_free(old);
    }
    pthread_mutex_unlock(&cache_lock);
    /* Read and compress outside the lock; if two threads do it at once, both answer and
     * the first to finish is kept. */
    cached *fresh = cached_read(path, fd, sb, text);
    if (!fresh) return false;
    take_snapshot(fresh, want_gz, out);
    pthread_mutex_lock(&cache_lock);
    cached *c = cache_head;
    while (c && strcmp(c->path, path)) c = c->next;
    if (!c && cache_bytes + (size_t)fresh->size + fresh->gz_len <= CACHE_TOTAL_MAX) {
        fresh->next = cache_head;
        cache_head = fresh;
        cache_bytes += (size_t)fresh->size + fresh->gz_len;
        fresh = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    cached_free(fresh);
    return true;
}

static int plain(int status, const char *text, struct MHD_Response **out) {
    *out = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(*out, "Content-Type", "text/plain; charset=utf-8");
    api_add_security_headers(*out);
    return status;
}

static bool safe_path(const char *url) {
    if (url[0] != '/' || strstr(url, "..") || strstr(url, "//") || strchr(url, '\\')) return false;
    return strlen(url) < 512;
}

static const char *request_header(struct MHD_Connection *conn, const char *name) {
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* True when Accept-Encoding lists gzip with a quality above 0. */
static bool accepts_gzip(struct MHD_Connection *conn) {
    const char *ae = request_header(conn, "Accept-Encoding");
    const char *p = ae ? strcasestr(ae, "gzip") : NULL;
    if (!p) return false;
    p += 4;
    while (*p == ' ') p++;
    if (*p != ';') return true;
    const char *q = strstr(p, "q=");
    const char *next = strchr(p, ',');
    if (!q || (next && q > next)) return true;
    return strtod(q + 2, NULL) > 0;
}

/* True when If-None-Match lists the entity (either encoding's tag) or is "*". */
static bool none_match_hits(const char *inm, const char *etag) {
    if (!strcmp(inm, "*")) return true;
    char bare[ETAG_HEX + 1];
    memcpy(bare, etag + 1, ETAG_HEX);
    bare[ETAG_HEX] = '\0';
    return strstr(inm, bare) != NULL;
}

static bool not_modified_since(const char *ims, time_t mtime) {
    struct tm tm = {0};
    const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end) return false;
    return timegm(&tm) >= mtime;
}

int api_static_file(struct MHD_Connection *conn, const char *web_dir, const char *method,
                    const char *url, struct MHD_Response **out) {
    if (!web_dir) return plain(404, "no web interface is served here\n", out);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return plain(405, "method not allowed\n", out);
    if (!safe_path(url)) return plain(404, "not found\n", out);
    char path[1024];
    const char *last = strrchr(url, '/');
    bool page = !strchr(last, '.'); /* "/", "/persons/123": the app decides */
    snprintf(path, sizeof path, "%s%s", web_dir, url);
    struct stat sb;
    int fd = open(path, O_RDONLY);
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 && last[1] == '\0') { /* a folder with a page of its own: /phrasebook/ */
        snprintf(path, sizeof path, "%s%sindex.html", web_dir, url);
        fd = open(path, O_RDONLY);
        if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0 && page) {
        snprintf(path, sizeof path, "%s/index.html", web_dir);
        fd = open(path, O_RDONLY);
        if (fd >= 0 && fstat(fd, &sb) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) return plain(404, "not found\n", out);
    bool text = false;
    const char *type = mime_type(path, &text);
    snapshot snap = {0};
    const char *inm = request_header(conn, "If-None-Match");
    const char *ims = request_header(conn, "If-Modified-Since");
    bool have = cache_get(path, fd, &sb, text, text && accepts_gzip(conn), &snap);
    int status = 200;
    if (have && ((inm && none_match_hits(inm, snap.etag)) ||
                 (!inm && ims && not_modified_since(ims, sb.st_mtim.tv_sec)))) {
        status = 304;
        *out = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        close(fd);
    } else if (have) {
        *out = MHD_create_response_from_buffer(snap.len, snap.body, MHD_RESPMEM_MUST_COPY);
        close(fd);
        if (snap.gzipped) MHD_add_response_header(*out, "Content-Encoding", "gzip");
    } else { /* too large for the cache: from disk as it is, tagged by size and time */
        *out = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
        snprintf(snap.etag, sizeof snap.etag, "W/\"%llx-%llx\"", (unsigned long long)sb.st_size,
                 (unsigned long long)sb.st_mtim.tv_sec);
    }
    mem_free(snap.body);
    char modified[64];
    struct tm tm;
    gmtime_r(&sb.st_mtim.tv_sec, &tm);
    strftime(modified, sizeof modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    /* ?v= names a version when it is (a prefix of at least 8 of) the content's hash. */
    const char *version = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "v");
    size_t vlen = version ? strlen(version) : 0;
    bool versioned =
        have && vlen >= 8 && vlen <= ETAG_HEX && !strncmp(snap.etag + 1, version, vlen);
    MHD_add_response_header(*out, "ETag", snap.etag);
    MHD_add_response_header(*out, "Last-Modified", modified);
    MHD_add_response_header(*out, "Cache-Control",
                            versioned ? "public, max-age=31536000, immutable" : "no-cache");
    if (text) MHD_add_response_header(*out, "Vary", "Accept-Encoding");
    if (status == 200) MHD_add_response_header(*out, "Content-Type", type);
    MHD_add_response_header(*out, "Content-Security-Policy", csp);
    api_add_security_headers(*out);
    return status;
}

void api_static_cache_clear(void) {
    pthread_mutex_lock(&cache_lock);
    while (cache_head) {
        cached *c = cache_head;
        cache_head = c->next;
        cached_free(c);
    }
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_lock);
}
