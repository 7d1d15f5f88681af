/* The HTTP server: libmicrohttpd glue, authentication, CSRF defence, body limits,
 * and the one place where an error becomes an HTTP response. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "api/api.h"
#include "api/api_internal.h"
#include "api/static_files.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"

#define SESSION_COOKIE "haven_session"

struct api_server {
    struct MHD_Daemon *daemon;
    store_pool *pool;
    char *web_dir;
    bool secure_cookie;
    uint16_t port;
};

typedef struct {
    const api_route *route;
    bool is_api, path_known, too_large;
    char *body;
    size_t len, max;
    struct timespec started;
    api_request req;
} conn_ctx;

static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

void api_add_security_headers(struct MHD_Response *r) {
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]);
}

static json_t *error_body(const herr *e) {
    json_t *body =
        json_pack("{s:{s:s,s:s,s:o}}", "error", "code", err_code_name(e->code), "message",
                  e->message, "field", e->field[0] ? json_string(e->field) : json_null());
    json_t *inner = json_object_get(body, "error");
    if (inner && e->key[0]) {
        json_t *params = json_object();
        for (int i = 0; i < e->n_params; i++)
            json_object_set_new(params, e->params[i].name, json_string(e->params[i].value));
        json_object_set_new(inner, "key", json_string(e->key));
        json_object_set_new(inner, "params", params);
    }
    return body;
}

static void client_address(struct MHD_Connection *conn, char out[64]) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, 64, "unknown");
    if (!info || !info->client_addr) return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, 64);
}

static const char *header(struct MHD_Connection *conn, const char *name) {
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Cookie-authenticated writes must come from our own pages: the browser's Origin (or
 * failing that Referer) must name the host the request was sent to. */
static herr *check_same_origin(struct MHD_Connection *conn, bool required) {
    const char *host = header(conn, "Host");
    const char *origin = header(conn, "Origin");
    const char *referer = header(conn, "Referer");
    if (!origin && !referer) {
        if (!required) return NULL;
        return err_new(ERR_FORBIDDEN, NULL, "cross-site request refused: no Origin header");
    }
    if (!host) return err_new(ERR_FORBIDDEN, NULL, "cross-site request refused: no Host header");
    const char *seen = origin ? origin : referer;
    const char *schemes[] = {"http://", "https://"};
    for (int i = 0; i < 2; i++) {
        size_t ls = strlen(schemes[i]), lh = strlen(host);
        if (!strncmp(seen, schemes[i], ls) && !strncmp(seen + ls, host, lh) &&
            (seen[ls + lh] == '\0' || seen[ls + lh] == '/'))
            return NULL;
    }
    return err_new(ERR_FORBIDDEN, NULL, "cross-site request refused: origin %s is not this server",
                   seen);
}

static bool is_write(const char *method) {
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static herr *authenticate(api_request *req, const api_route *route) {
    const char *auth = header(req->conn, "Authorization");
    const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    bool bearer = auth && !strncasecmp(auth, "Bearer ", 7);
    const char *token = bearer ? auth + 7 : cookie;
    if (!route->permission) {
        /* Public routes: a login must not be forged by another site either. */
        return is_write(req->method) ? check_same_origin(req->conn, false) : NULL;
    }
    if (!token) return err_new(ERR_UNAUTHENTICATED, NULL, "please log in");
    snprintf(req->token, sizeof req->token, "%s", token);
    herr *e = auth_session_actor(req->db, token, req->address, &req->actor);
    if (e) return e;
    if (!bearer && is_write(req->method) && (e = check_same_origin(req->conn, true))) return e;
    if (!auth_allows(req->actor.role, route->permission))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not do this", req->actor.role);
    return NULL;
}

static herr *read_body(conn_ctx *ctx) {
    api_request *req = &ctx->req;
    if (!is_write(req->method)) return NULL;
    const char *expected = ctx->route->body_type ? ctx->route->body_type : "application/json";
    const char *type = header(req->conn, "Content-Type");
    req->raw_body = ctx->body ? ctx->body : "";
    req->raw_len = ctx->len;
    if (ctx->len == 0 && !ctx->route->body_type) {
        req->body = json_object(); /* POST with no body: same as {} */
        return NULL;
    }
    if (!type || strncasecmp(type, expected, strlen(expected)) != 0 ||
        (type[strlen(expected)] != '\0' && type[strlen(expected)] != ';'))
        return err_new(ERR_UNSUPPORTED, "body", "send the body as %s", expected);
    if (ctx->route->body_type) return NULL;
    return json_parse_body(ctx->body, ctx->len, &req->body);
}

static struct MHD_Response *json_response(json_t *body) {
    char *text = json_dumps(body, JSON_COMPACT);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    return r;
}

static int handle_api(api_server *srv, conn_ctx *ctx, struct MHD_Response **out) {
    api_request *req = &ctx->req;
    api_response res = {.status = 200};
    herr *e = NULL;
    if (!ctx->route)
        e = err_new(ERR_NOT_FOUND, NULL,
                    ctx->path_known ? "%s is not supported on %s" : "no endpoint %s %s",
                    req->method, req->path);
    else if (ctx->too_large)
        e = err_new(ERR_TOO_LARGE, "body", "the request body is larger than %zu bytes", ctx->max);
    if (!e) {
        req->db = store_pool_acquire(srv->pool);
        req->secure_cookie = srv->secure_cookie;
        e = authenticate(req, ctx->route);
        if (!e) e = read_body(ctx);
        if (!e) e = ctx->route->handler(req, &res);
        store_pool_release(srv->pool, req->db);
        req->db = NULL;
    }
    struct MHD_Response *r;
    int status;
    if (e) {
        status = err_http_status(e->code);
        json_t *body = error_body(e);
        r = json_response(body);
        json_decref(body);
        if (e->code == ERR_RATE_LIMITED) MHD_add_response_header(r, "Retry-After", "900");
        if (e->code == ERR_INTERNAL || e->code == ERR_IO)
            log_error("%s %s: %s", req->method, req->path, e->message);
        err_free(e);
    } else if (res.raw) {
        status = res.status;
        r = MHD_create_response_from_buffer(res.raw_len, res.raw, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type",
                                res.content_type ? res.content_type : "application/octet-stream");
        if (res.disposition) MHD_add_response_header(r, "Content-Disposition", res.disposition);
    } else {
        status = res.status;
        if (res.json) {
            r = json_response(res.json);
        } else {
            r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        }
    }
    if (res.set_cookie) MHD_add_response_header(r, "Set-Cookie", res.set_cookie);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    api_add_security_headers(r);
    json_decref(res.json);
    mem_free(res.raw);
    mem_free(res.set_cookie);
    mem_free(res.disposition);
    *out = r;
    return status;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    api_server *srv = cls;
    conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = mem_alloc(sizeof *ctx);
        clock_gettime(CLOCK_MONOTONIC, &ctx->started);
        ctx->req.conn = conn;
        ctx->req.method = method;
        ctx->req.path = url;
        client_address(conn, ctx->req.address);
        ctx->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/healthz");
        if (ctx->is_api) ctx->route = api_route_find(method, url, &ctx->req, &ctx->path_known);
        ctx->max = ctx->route && ctx->route->max_body ? ctx->route->max_body : API_DEFAULT_MAX_BODY;
        const char *length = header(conn, "Content-Length");
        if (length && strtoull(length, NULL, 10) > ctx->max) ctx->too_large = true;
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!ctx->too_large && ctx->len + *upload_data_size <= ctx->max) {
            ctx->body = mem_realloc(ctx->body, ctx->len + *upload_data_size + 1);
            memcpy(ctx->body + ctx->len, upload_data, *upload_data_size);
            ctx->len += *upload_data_size;
            ctx->body[ctx->len] = '\0';
        } else {
            ctx->too_large = true; /* keep reading and discarding, then answer 413 */
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r = NULL;
    int status =
        ctx->is_api ? handle_api(srv, ctx, &r) : api_static_file(srv->web_dir, method, url, &r);
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - ctx->started.tv_sec) * 1e3 +
                (double)(now.tv_nsec - ctx->started.tv_nsec) / 1e6;
    if (ctx->is_api) log_info("%s %s %d %.1fms", method, url, status, ms);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)conn;
    (void)code;
    conn_ctx *ctx = *con_cls;
    if (!ctx) return;
    json_decref(ctx->req.body);
    actor_clear(&ctx->req.actor);
    mem_free(ctx->body);
    mem_free(ctx);
    *con_cls = NULL;
}

herr *api_server_start(const api_config *cfg, api_server **out) {
    api_server *srv = mem_alloc(sizeof *srv);
    int threads = cfg->threads > 0 ? cfg->threads : 4;
    herr *e = store_pool_open(cfg->db_path, threads + 1, &srv->pool);
    if (e) goto fail;
    srv->web_dir = mem_strdup(cfg->web_dir);
    srv->secure_cookie = cfg->secure_cookie;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
    if (inet_pton(AF_INET, cfg->host ? cfg->host : "127.0.0.1", &addr.sin_addr) != 1) {
        e = err_invalid("listen", "listen address must be an IPv4 address such as 127.0.0.1");
        goto fail;
    }
    srv->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, cfg->port,
                                   NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
                                   (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
                                   (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                                   srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                                   MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_END);
    if (!srv->daemon) {
        e = err_new(ERR_IO, "listen", "cannot listen on %s:%u (in use, or not allowed)",
                    cfg->host ? cfg->host : "127.0.0.1", (unsigned)cfg->port);
        goto fail;
    }
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
    if (srv->daemon) MHD_stop_daemon(srv->daemon);
    store_pool_close(srv->pool);
    mem_free(srv->web_dir);
    mem_free(srv);
}
