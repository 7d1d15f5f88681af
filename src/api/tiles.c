/* The map's tile file: one PMTiles archive of OpenStreetMap for the region, configured
 * with `haven serve --tiles PATH` and read by the browser in byte ranges (PMTiles is
 * made for HTTP range requests). Kept apart from static_files.c: one file, one range
 * per request, no index.html fallback. Tiles are public map data: no session needed. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/static_files.h"
#include "api/tiles.h"

static int plain(int status, const char *text, struct MHD_Response **out) {
    *out = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(*out, "Content-Type", "text/plain; charset=utf-8");
    api_add_security_headers(*out);
    return status;
}

/* "bytes=A-B", "bytes=A-" or "bytes=-N" against size into [*from, *to]; false when the
 * header is not one satisfiable range. */
bool api_tiles_parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to) {
    if (strncmp(h, "bytes=", 6) != 0 || size == 0) return false;
    const char *p = h + 6;
    char *end = NULL;
    if (*p == '-') {
        if (p[1] < '0' || p[1] > '9') return false;
        unsigned long long n = strtoull(p + 1, &end, 10);
        if (*end || n == 0) return false;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return true;
    }
    if (*p < '0' || *p > '9') return false;
    unsigned long long a = strtoull(p, &end, 10);
    if (*end != '-') return false;
    p = end + 1;
    unsigned long long b = size - 1;
    if (*p) {
        if (*p < '0' || *p > '9') return false;
        b = strtoull(p, &end, 10);
        if (*end) return false; /* one range only */
    }
    if (a >= size || b < a) return false;
    *from = a;
    *to = b >= size ? size - 1 : b;
    return true;
}

int api_tiles_file(const char *path, const char *method, const char *range,
                   struct MHD_Response **out) {
    if (!path) return plain(404, "no tile file is configured (haven serve --tiles)\n", out);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return plain(405, "method not allowed\n", out);
    struct stat sb;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        return plain(404, "the tile file cannot be read\n", out);
    }
    uint64_t size = (uint64_t)sb.st_size, from = 0, to = size ? size - 1 : 0;
    int status = 200;
    if (range) {
        if (!api_tiles_parse_range(range, size, &from, &to)) {
            close(fd);
            int s = plain(416, "range not satisfiable\n", out);
            char cr[64];
            snprintf(cr, sizeof cr, "bytes */%" PRIu64, size);
            MHD_add_response_header(*out, "Content-Range", cr);
            return s;
        }
        status = 206;
    }
    *out = MHD_create_response_from_fd_at_offset64(size ? to - from + 1 : 0, fd, from);
    if (!*out) {
        close(fd);
        return plain(500, "cannot read the tile file\n", out);
    }
    if (status == 206) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to, size);
        MHD_add_response_header(*out, "Content-Range", cr);
    }
    MHD_add_response_header(*out, "Accept-Ranges", "bytes");
    MHD_add_response_header(*out, "Content-Type", "application/vnd.pmtiles");
    char etag[64];
    snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "\"", (uint64_t)sb.st_mtime, size);
    MHD_add_response_header(*out, "ETag", etag);
    MHD_add_response_header(*out, "Cache-Control", "no-cache");
    api_add_security_headers(*out);
    return status;
}
