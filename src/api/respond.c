/* From a request to a response: who is asking, may they, and the one place where an
 * error becomes an HTTP response (one that cannot fail: see api_error_response). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/conn_guard.h"
#include "api/server_internal.h"
#include "api/static_files.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"

#define SESSION_COOKIE "haven_session"

static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

void api_add_security_headers(struct MHD_Response *r) {
    for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]);
}

static const char *header(struct MHD_Connection *conn, const char *name) {
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* The last entry of X-Forwarded-For is the one the trusted proxy added itself; those
 * before it are whatever the client claimed. */
static bool forwarded_for(const char *xff, char out[64]) {
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t') last++;
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= 64) return false;
    char candidate[64];
    memcpy(candidate, last, n);
    candidate[n] = '\0';
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, candidate, buf) != 1 && inet_pton(AF_INET6, candidate, buf) != 1)
        return false;
    memcpy(out, candidate, n + 1);
    return true;
}

void api_client_identity(struct MHD_Connection *conn, const char *trusted_proxy, bool tls,
                         api_request *req) {
    api_peer_address(conn, req->address);
    req->secure_cookie = tls;
    if (!trusted_proxy || !trusted_proxy[0] || strcmp(trusted_proxy, req->address)) return;
    const char *xff = header(conn, "X-Forwarded-For");
    const char *proto = header(conn, "X-Forwarded-Proto");
    char client[64];
    if (xff && forwarded_for(xff, client)) memcpy(req->address, client, strlen(client) + 1);
    if (proto) req->secure_cookie = !strcasecmp(proto, "https");
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

herr *api_authenticate(api_request *req, const api_route *route, store_pool *pool) {
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
    bool borrowed = !req->db;
    if (borrowed) req->db = store_pool_acquire(pool);
    herr *e = auth_session_actor(req->db, token, req->address, &req->actor);
    if (borrowed) {
        store_pool_release(pool, req->db);
        req->db = NULL;
    }
    if (e) return e;
    if (!bearer && is_write(req->method) && (e = check_same_origin(req->conn, true))) return e;
    if (!auth_allows(req->actor.role, route->permission))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not do this", req->actor.role);
    return NULL;
}

static herr *read_body(api_request *req, const api_route *route) {
    if (!is_write(req->method)) return NULL;
    const char *expected = route->body_type ? route->body_type : "application/json";
    const char *type = header(req->conn, "Content-Type");
    if (req->raw_len == 0 && !route->body_type) {
        req->body = json_object(); /* POST with no body: same as {} */
        return NULL;
    }
    if (!type || strncasecmp(type, expected, strlen(expected)) != 0 ||
        (type[strlen(expected)] != '\0' && type[strlen(expected)] != ';'))
        return err_new(ERR_UNSUPPORTED, "body", "send the body as %s", expected);
    if (route->body_type) return NULL;
    return json_parse_body(req->raw_body, req->raw_len, &req->body);
}

/* NULL when the body cannot be serialised or the response not made. */
static struct MHD_Response *json_response(json_t *body) {
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (!text) return NULL;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return NULL;
    }
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    return r;
}

static const char fallback_body[] = "{\"error\":{\"code\":\"internal\",\"message\":"
                                    "\"the error could not be reported\",\"field\":null}}";

int api_error_response(const herr *e, struct MHD_Response **out) {
    int status = err_http_status(e->code);
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
    struct MHD_Response *r = json_response(body);
    json_decref(body);
    if (!r) {
        log_error("an error response could not be built (%s); answered 500",
                  err_code_name(e->code));
        status = 500;
        r = MHD_create_response_from_buffer(sizeof fallback_body - 1, (void *)fallback_body,
                                            MHD_RESPMEM_PERSISTENT);
        if (r) MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    } else if (e->code == ERR_RATE_LIMITED) {
        /* A login delay names its own wait (auth's "login_wait" key, param seconds). */
        const char *wait = "900";
        for (int i = 0; i < e->n_params; i++)
            if (!strcmp(e->params[i].name, "seconds")) wait = e->params[i].value;
        MHD_add_response_header(r, "Retry-After", wait);
    } else if (e->code == ERR_UNAVAILABLE) {
        MHD_add_response_header(r, "Retry-After", "2");
    }
    *out = r;
    return status;
}

void api_finish_response(struct MHD_Response *r, const char *set_cookie) {
    if (!r) return;
    if (set_cookie) MHD_add_response_header(r, "Set-Cookie", set_cookie);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    api_add_security_headers(r);
}

int api_handle(api_request *req, const api_route *route, store_pool *pool, bool authenticated,
               herr *e, struct MHD_Response **out) {
    api_response res = {.status = 200};
    struct MHD_Response *r = NULL;
    int status;
    if (!e && !route) e = err_new(ERR_NOT_FOUND, NULL, "no endpoint %s %s", req->method, req->path);
    if (!e) {
        req->db = store_pool_acquire(pool);
        if (!authenticated) e = api_authenticate(req, route, pool);
        if (!e) e = read_body(req, route);
        if (!e) e = route->handler(req, &res);
        store_pool_release(pool, req->db);
        req->db = NULL;
    }
    if (e) {
        status = api_error_response(e, &r);
        if (e->code == ERR_INTERNAL || e->code == ERR_IO)
            log_error("%s %s: %s", req->method, req->path, e->message);
        err_free(e);
    } else if (res.raw) {
        status = res.status;
        r = MHD_create_response_from_buffer(res.raw_len, res.raw, MHD_RESPMEM_MUST_COPY);
        if (r)
            MHD_add_response_header(r, "Content-Type",
                                    res.content_type ? res.content_type
                                                     : "application/octet-stream");
        if (r && res.disposition)
            MHD_add_response_header(r, "Content-Disposition", res.disposition);
    } else {
        status = res.status;
        r = res.json ? json_response(res.json)
                     : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r) { /* the success body could not be made: say so rather than drop it */
        herr *fail = err_new(ERR_INTERNAL, NULL, "the response could not be built");
        status = api_error_response(fail, &r);
        err_free(fail);
    }
    api_finish_response(r, res.set_cookie);
    if (r && res.cache_control) { /* a route that lets clients keep its answer */
        MHD_del_response_header(r, "Cache-Control", "no-store");
        MHD_add_response_header(r, "Cache-Control", res.cache_control);
    }
    if (r && res.etag) MHD_add_response_header(r, "ETag", res.etag);
    mem_free(res.etag);
    json_decref(res.json);
    mem_free(res.raw);
    mem_free(res.set_cookie);
    mem_free(res.disposition);
    *out = r;
    return status;
}
