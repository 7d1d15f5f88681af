/* The HTTP server: libmicrohttpd glue, authentication, CSRF defence, body limits,
 * and the one place where an error becomes an HTTP response.
 *
 * A request is judged as soon as its headers are in, before any of its body is read:
 * unknown route, announced body over the route's limit, no or bad session, no room in
 * the memory budget for bodies: each is answered at once and the body is never read
 * (libmicrohttpd then closes the connection). Bodies are held in memory within a budget
 * shared by all connections (past it: 503 with Retry-After); the statistics import
 * streams to an unlinked temporary file instead. Logins run on a few worker threads of
 * their own while their connection is suspended, so that Argon2id (64 MiB, ~0.1 s each)
 * never occupies libmicrohttpd's threads and never runs more than hash_threads at once.
 * Slow clients are the connection guard's business (conn_guard.h). */
#define _GNU_SOURCE /* POLLRDHUP */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/api_internal.h"
#include "api/conn_guard.h"
#include "api/server_internal.h"
#include "api/static_files.h"
#include "api/tiles.h"
#include "api/workers.h"
#include "auth/auth.h"
#include "core/tempfile.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/mem.h"

#define DEFAULT_INFLIGHT  (64u * 1024 * 1024)
#define STREAM_THRESHOLD  (API_DEFAULT_MAX_BODY * 2) /* bodies allowed larger go to a file */
#define MAX_STREAMING     4                          /* uploads to temporary files at once */
#define LOGIN_QUEUE       64                         /* logins waiting for a hash thread */
#define DEFAULT_PER_ADDR  256
#define TOO_LARGE_DRAIN   4 /* a body up to 4 times its limit is read, dropped, then 413 */
#define DEFAULT_MAX_CONNS 4096

struct api_server {
    struct MHD_Daemon *daemon;
    store_pool *pool;
    conn_guard *guard;
    api_workers *workers;
    char *web_dir;
    char *tiles;              /* the map's tile file, or NULL */
    char *tls_cert, *tls_key; /* PEM, kept while the daemon runs */
    bool force_secure, tls;
    char trusted_proxy[64];
    api_health_config health;
    size_t inflight_max;
    _Atomic size_t inflight; /* body bytes held in memory by all connections */
    atomic_int streaming;    /* uploads being written to temporary files */
    uint16_t port;
};

typedef struct {
    api_server *srv;
    const api_route *route;
    bool is_api, path_known;
    bool authenticated; /* at the headers, for a request with a body */
    bool too_large, busy, io_failed;
    char *body; /* in memory ... */
    size_t len, cap, reserved, max;
    int fd; /* ... or in an unlinked temporary file (-1: none) */
    bool streaming;
    void *map;
    /* A worker's answer, queued when the connection is resumed. */
    bool queued, answered;
    struct MHD_Response *answer;
    int answer_status;
    struct timespec started;
    api_request req;
} conn_ctx;

/* ---- the memory budget for bodies ------------------------------------------------ */

static bool budget_take(api_server *srv, size_t n) {
    size_t was = atomic_fetch_add(&srv->inflight, n);
    if (was + n <= srv->inflight_max) return true;
    atomic_fetch_sub(&srv->inflight, n);
    return false;
}

static void budget_give(api_server *srv, size_t n) {
    if (n) atomic_fetch_sub(&srv->inflight, n);
}

static void drop_body(conn_ctx *ctx) {
    mem_free(ctx->body);
    ctx->body = NULL;
    ctx->len = ctx->cap = 0;
    budget_give(ctx->srv, ctx->reserved);
    ctx->reserved = 0;
}

/* ---- at the headers ------------------------------------------------------------ */

static const char *header(struct MHD_Connection *conn, const char *name) {
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* True when a body follows the headers; *length is the announced size (0: unknown). */
static bool body_announced(struct MHD_Connection *conn, uint64_t *length) {
    const char *cl = header(conn, "Content-Length");
    *length = cl ? strtoull(cl, NULL, 10) : 0;
    return *length > 0 || header(conn, "Transfer-Encoding");
}

static bool streams_to_file(const api_route *route) {
    return route && route->max_body > STREAM_THRESHOLD;
}

/* Whatever can be decided before the body: the route, its size limit, the session and
 * room for the body. NULL when the request may go on. */
static herr *judge_headers(conn_ctx *ctx, uint64_t length, bool has_length) {
    api_request *req = &ctx->req;
    if (!ctx->route)
        return err_new(ERR_NOT_FOUND, NULL,
                       ctx->path_known ? "%s is not supported on %s" : "no endpoint %s %s",
                       req->method, req->path);
    if (has_length && length > ctx->max) {
        /* At once when the client waits for our go (Expect: 100-continue) or the body is
         * far over the limit. A body a little over it is read and dropped, then answered:
         * a client that sends without waiting (a browser, fetch) then reads the 413, where
         * an early answer would often reach it as a reset connection (libmicrohttpd closes
         * the socket with the body still arriving). */
        const char *expect = header(req->conn, "Expect");
        if ((expect && !strcasecmp(expect, "100-continue")) || length > TOO_LARGE_DRAIN * ctx->max)
            return err_new(ERR_TOO_LARGE, "body", "the request body is larger than %zu bytes",
                           ctx->max);
        ctx->too_large = true;
    }
    herr *e = api_authenticate(req, ctx->route, ctx->srv->pool);
    if (e) return e;
    ctx->authenticated = true;
    if (ctx->too_large) return NULL; /* nothing of it is kept */
    if (streams_to_file(ctx->route)) {
        if (atomic_fetch_add(&ctx->srv->streaming, 1) >= MAX_STREAMING) {
            atomic_fetch_sub(&ctx->srv->streaming, 1);
            return err_new(ERR_UNAVAILABLE, NULL, "too many uploads at once; try again shortly");
        }
        ctx->streaming = true;
        return NULL;
    }
    if (has_length) {
        if (!budget_take(ctx->srv, (size_t)length))
            return err_new(ERR_UNAVAILABLE, NULL, "the server is busy; try again shortly");
        ctx->reserved = (size_t)length;
    }
    return NULL;
}

/* ---- the body ------------------------------------------------------------------ */

static void take_in_memory(conn_ctx *ctx, const char *data, size_t n) {
    size_t need = ctx->len + n;
    if (need > ctx->reserved) { /* no or a wrong Content-Length: reserve as it comes */
        size_t more = need - ctx->reserved;
        if (more < 16384 && ctx->reserved + 16384 <= ctx->max) more = 16384;
        if (!budget_take(ctx->srv, more)) {
            ctx->busy = true;
            drop_body(ctx);
            return;
        }
        ctx->reserved += more;
    }
    if (need + 1 > ctx->cap) {
        /* With a Content-Length the whole body is reserved: one allocation of that size. */
        size_t cap = ctx->cap ? ctx->cap * 2 : ctx->reserved ? ctx->reserved + 1 : 4096;
        while (cap < need + 1) cap *= 2;
        if (cap > ctx->reserved + 1) cap = ctx->reserved + 1;
        ctx->body = mem_realloc(ctx->body, cap);
        ctx->cap = cap;
    }
    memcpy(ctx->body + ctx->len, data, n);
    ctx->len = need;
    ctx->body[ctx->len] = '\0';
}

static void take_in_file(conn_ctx *ctx, const char *data, size_t n) {
    if (ctx->fd < 0) {
        char *path = NULL;
        ctx->fd = tempfile_create("upload", &path);
        if (ctx->fd >= 0) unlink(path); /* gone with the descriptor, whatever happens */
        mem_free(path);
        if (ctx->fd < 0) {
            ctx->io_failed = true;
            return;
        }
    }
    while (n) {
        ssize_t w = write(ctx->fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            ctx->io_failed = true;
            return;
        }
        data += w, n -= (size_t)w, ctx->len += (size_t)w;
    }
}

static void take_chunk(conn_ctx *ctx, const char *data, size_t n) {
    if (ctx->too_large || ctx->busy || ctx->io_failed) return; /* read and dropped */
    if (ctx->len + n > ctx->max) {
        ctx->too_large = true;
        drop_body(ctx);
        return;
    }
    if (ctx->streaming)
        take_in_file(ctx, data, n);
    else
        take_in_memory(ctx, data, n);
}

/* The body as the handler sees it: the buffer, or the temporary file mapped. */
static herr *body_ready(conn_ctx *ctx) {
    if (ctx->too_large)
        return err_new(ERR_TOO_LARGE, "body", "the request body is larger than %zu bytes",
                       ctx->max);
    if (ctx->busy) return err_new(ERR_UNAVAILABLE, NULL, "the server is busy; try again shortly");
    if (ctx->io_failed)
        return err_new(ERR_IO, NULL, "the upload could not be stored: %s", strerror(errno));
    if (ctx->fd >= 0 && ctx->len) {
        ctx->map = mmap(NULL, ctx->len, PROT_READ, MAP_PRIVATE, ctx->fd, 0);
        if (ctx->map == MAP_FAILED) {
            ctx->map = NULL;
            return err_new(ERR_IO, NULL, "the upload could not be read back");
        }
    }
    ctx->req.raw_body = ctx->map ? ctx->map : ctx->body ? ctx->body : "";
    ctx->req.raw_len = ctx->len;
    return NULL;
}

/* ---- answering ------------------------------------------------------------------ */

static double ms_since(const struct timespec *t0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static enum MHD_Result answer(struct MHD_Connection *conn, conn_ctx *ctx, int status,
                              struct MHD_Response *r) {
    if (!r) return MHD_NO; /* not even the fixed 500 body: close the connection */
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    if (ctx->is_api)
        log_info("%s %s %d %.1fms", ctx->req.method, ctx->req.path, status,
                 ms_since(&ctx->started));
    return ok;
}

static int run_api(conn_ctx *ctx, struct MHD_Response **out) {
    return api_handle(&ctx->req, ctx->route, ctx->srv->pool, ctx->authenticated, body_ready(ctx),
                      out);
}

/* True when the client has closed its side (a login it no longer waits for). */
static bool client_gone(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!fd) return false;
    struct pollfd p = {.fd = fd->connect_fd, .events = POLLRDHUP};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static void login_job(void *arg) {
    conn_ctx *ctx = arg;
    /* A queued login whose client has given up is not worth 64 MiB and 0.1 s of a core. */
    if (client_gone(ctx->req.conn)) {
        herr *e = err_new(ERR_UNAVAILABLE, NULL, "the client left before its login ran");
        ctx->answer_status = api_error_response(e, &ctx->answer);
        api_finish_response(ctx->answer, NULL);
        err_free(e);
        ctx->answered = true;
        MHD_resume_connection(ctx->req.conn);
        return;
    }
    ctx->answer_status = run_api(ctx, &ctx->answer);
    ctx->answered = true;
    MHD_resume_connection(ctx->req.conn); /* the access handler runs again and answers */
}

/* Routes whose handler hashes a password run on the hash threads. */
static bool hashes_password(const api_route *route) {
    return route && !strcmp(route->method, "POST") && !strcmp(route->pattern, "/api/v1/session");
}

static conn_ctx *new_ctx(api_server *srv, struct MHD_Connection *conn, const char *url,
                         const char *method) {
    conn_ctx *ctx = mem_alloc(sizeof *ctx);
    clock_gettime(CLOCK_MONOTONIC, &ctx->started);
    ctx->srv = srv;
    ctx->fd = -1;
    ctx->req.conn = conn;
    ctx->req.method = method;
    ctx->req.path = url;
    ctx->req.health = &srv->health;
    api_client_identity(conn, srv->trusted_proxy, srv->tls, &ctx->req);
    ctx->req.secure_cookie = ctx->req.secure_cookie || srv->force_secure;
    ctx->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/healthz");
    if (ctx->is_api) ctx->route = api_route_find(method, url, &ctx->req, &ctx->path_known);
    ctx->max = ctx->route && ctx->route->max_body ? ctx->route->max_body : API_DEFAULT_MAX_BODY;
    return ctx;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    api_server *srv = cls;
    conn_ctx *ctx = *con_cls;
    struct MHD_Response *r = NULL;
    int status;
    if (!ctx) { /* the headers are in; nothing of the body is read yet */
        ctx = *con_cls = new_ctx(srv, conn, url, method);
        uint64_t length = 0;
        bool body = body_announced(conn, &length);
        conn_guard_headers_done(conn, length);
        if (!body) return MHD_YES; /* answered below, when the request is complete */
        if (!ctx->is_api) {        /* the web interface takes no bodies */
            status = api_static_file(conn, srv->web_dir, method, url, &r);
            return answer(conn, ctx, status, r);
        }
        herr *e = judge_headers(ctx, length, header(conn, "Content-Length") != NULL);
        if (!e) return MHD_YES;
        status = api_error_response(e, &r);
        api_finish_response(r, NULL);
        err_free(e);
        return answer(conn, ctx, status, r);
    }
    if (*upload_data_size) {
        take_chunk(ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ctx->answered) { /* resumed: the worker's answer */
        ctx->answered = false;
        r = ctx->answer;
        ctx->answer = NULL;
        return answer(conn, ctx, ctx->answer_status, r);
    }
    conn_guard_request_received(conn);
    if (!ctx->is_api && !strcmp(url, API_TILES_URL)) {
        status = api_tiles_file(srv->tiles, method, header(conn, "Range"), &r);
        return answer(conn, ctx, status, r);
    }
    if (!ctx->is_api) {
        status = api_static_file(conn, srv->web_dir, method, url, &r);
        return answer(conn, ctx, status, r);
    }
    if (hashes_password(ctx->route) && !ctx->queued) {
        ctx->queued = true;
        MHD_suspend_connection(conn);
        if (api_workers_submit(srv->workers, login_job, ctx)) return MHD_YES;
        herr *busy = err_new(ERR_UNAVAILABLE, NULL, "too many logins at once; try again shortly");
        ctx->answer_status = api_error_response(busy, &ctx->answer);
        api_finish_response(ctx->answer, NULL);
        err_free(busy);
        ctx->answered = true;
        MHD_resume_connection(conn);
        return MHD_YES;
    }
    status = run_api(ctx, &r);
    return answer(conn, ctx, status, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)code;
    conn_ctx *ctx = *con_cls;
    conn_guard_request_done(conn);
    if (!ctx) return;
    json_decref(ctx->req.body);
    actor_clear(&ctx->req.actor);
    if (ctx->answer) MHD_destroy_response(ctx->answer);
    drop_body(ctx);
    if (ctx->map) munmap(ctx->map, ctx->len);
    if (ctx->fd >= 0) close(ctx->fd);
    if (ctx->streaming) atomic_fetch_sub(&ctx->srv->streaming, 1);
    mem_free(ctx);
    *con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------------------- */

/* As many connections as the open-file limit allows, keeping room for the database,
 * the web files and uploads; the soft limit is raised to the hard one first. */
static unsigned connection_limit(unsigned wanted) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 256;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > 192 ? rl.rlim_cur - 128 : 64;
    return room < wanted ? (unsigned)room : wanted;
}

static herr *start_daemon(api_server *srv, const api_config *cfg, unsigned threads) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
    if (inet_pton(AF_INET, cfg->host ? cfg->host : "127.0.0.1", &addr.sin_addr) != 1)
        return err_invalid("listen", "listen address must be an IPv4 address such as 127.0.0.1");
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_OptionItem tls[3] = {{MHD_OPTION_END, 0, NULL}};
    if (srv->tls) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
            return err_invalid("tls", "this libmicrohttpd is built without TLS");
        flags |= MHD_USE_TLS;
        tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert};
        tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key};
        tls[2] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    }
    unsigned max_conns =
        connection_limit(cfg->max_connections ? cfg->max_connections : DEFAULT_MAX_CONNS);
    srv->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, srv->guard,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, max_conns,
        MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (!srv->daemon)
        return err_new(ERR_IO, "listen",
                       "cannot listen on %s:%u (in use, not allowed, or a bad "
                       "TLS certificate or key)",
                       cfg->host ? cfg->host : "127.0.0.1", (unsigned)cfg->port);
    return NULL;
}

herr *api_server_start(const api_config *cfg, api_server **out) {
    api_server *srv = mem_alloc(sizeof *srv);
    int threads = cfg->threads > 0 ? cfg->threads : 4;
    int hashers = cfg->hash_threads > 0 ? cfg->hash_threads : 2;
    /* One connection per server thread and hash thread, one for the odd extra. */
    herr *e = store_pool_open(cfg->db_path, threads + hashers + 1, &srv->pool);
    if (e) goto fail;
    srv->web_dir = mem_strdup(cfg->web_dir);
    srv->tiles = mem_strdup(cfg->tiles);
    srv->force_secure = cfg->secure_cookie;
    srv->tls = cfg->tls_cert && cfg->tls_key;
    if (srv->tls) {
        srv->tls_cert = mem_strdup(cfg->tls_cert);
        srv->tls_key = mem_strdup(cfg->tls_key);
    }
    if (cfg->trusted_proxy)
        snprintf(srv->trusted_proxy, sizeof srv->trusted_proxy, "%s", cfg->trusted_proxy);
    srv->health.db_path = cfg->db_path;
    srv->health.min_free_disk = cfg->min_free_disk ? cfg->min_free_disk : 64u * 1024 * 1024;
    srv->inflight_max = cfg->inflight_bytes ? cfg->inflight_bytes : DEFAULT_INFLIGHT;
    crypto_password_concurrency(hashers);
    /* Bodies of 256 KiB and more are mapped and unmapped on their own rather than left in
     * malloc's arenas: memory goes back to the system when a burst of uploads is over
     * (glibc would otherwise raise this threshold after the first large free). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    conn_guard_config gc = {.header_seconds = cfg->header_timeout,
                            .per_address = cfg->per_address ? cfg->per_address : DEFAULT_PER_ADDR,
                            .exempt = cfg->trusted_proxy};
    if ((e = conn_guard_start(&gc, &srv->guard))) goto fail;
    if ((e = api_workers_start(hashers, LOGIN_QUEUE, &srv->workers))) goto fail;
    if ((e = start_daemon(srv, cfg, (unsigned)threads))) goto fail;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return NULL;
fail:
    api_server_stop(srv);
    *out = NULL;
    return e;
}

uint16_t api_server_port(const api_server *srv) { return srv->port; }

void api_server_stop(api_server *srv) {
    if (!srv) return;
    /* Stop accepting, let the queued logins answer (they resume their connections),
     * then stop the daemon, which closes every connection, then the guard. */
    if (srv->daemon) MHD_quiesce_daemon(srv->daemon);
    api_workers_stop(srv->workers);
    if (srv->daemon) MHD_stop_daemon(srv->daemon);
    conn_guard_stop(srv->guard);
    store_pool_close(srv->pool);
    api_static_cache_clear();
    mem_free(srv->web_dir);
    mem_free(srv->tiles);
    mem_free(srv->tls_cert);
    if (srv->tls_key) crypto_wipe(srv->tls_key, strlen(srv->tls_key));
    mem_free(srv->tls_key);
    mem_free(srv);
}
