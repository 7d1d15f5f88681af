/* URL paths and query strings, through the real server: libmicrohttpd's parsing and
 * decoding, server.c (what it does with the path), the router (api_route_find and the
 * {} parameters), authentication, each handler's query arguments (api_query,
 * api_query_int, dates, cursors, search words) and the static files' path checks.
 *
 * Input: "[METHOD ]TARGET", e.g. "GET /api/v1/persons?q=ahm&limit=5". Bytes that cannot
 * stand in a request line (controls, space, non-ASCII, '#') are sent percent-encoded,
 * so the server sees them decoded, as it would from curl; "@site0", "@person", "@stay",
 * "@provider" in the target become the world's ids. The request is sent over loopback
 * with an admin's bearer token to a server on the shared fuzz database.
 *
 * Invariants: the server answers every request (never drops the connection or
 * crashes); never 500; every /api answer is JSON, and an error is
 * {"error":{"code","message","field"}}. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/mem.h"
#include "fuzzutil.h"

static api_server *srv;
static uint16_t port;
static char token[TOKEN_LEN];

static void server_stop(void) { api_server_stop(srv); }

static void server_start(fuzz_world *w) {
    json_t *in = json_pack("{s:s,s:s,s:s}", "username", "fuzzadmin", "role", "admin", "password",
                           "correct horse battery staple");
    json_t *user = NULL;
    herr *e = auth_user_create(w->s, &w->admin, in, &user);
    json_decref(user);
    user = NULL;
    if (!e)
        e = auth_login(w->s, "fuzzadmin", "correct horse battery staple", "127.0.0.1", token,
                       &user);
    json_decref(user);
    json_decref(in);
    api_config cfg = {.db_path = store_path(w->s), .host = "127.0.0.1", .threads = 2};
    const char *web = getenv("HAVEN_WEB");
    cfg.web_dir = web ? web : FUZZ_SOURCE_DIR "/web";
    if (!e) e = api_server_start(&cfg, &srv);
    if (e) {
        fprintf(stderr, "fuzz_url: cannot start the server: %s\n", e->message);
        abort();
    }
    port = api_server_port(srv);
    atexit(server_stop);
}

static void put(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = mem_realloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* The target with placeholders replaced and unsendable bytes percent-encoded. */
static void add_target(char **buf, size_t *len, size_t *cap, const char *t, size_t n,
                       fuzz_world *w) {
    static const char *const names[] = {"@site0", "@site1", "@person", "@stay", "@provider"};
    const char *ids[] = {w->site[0], w->site[1], w->person, w->stay, w->provider};
    for (size_t i = 0; i < n;) {
        bool replaced = false;
        for (size_t k = 0; k < 5 && !replaced; k++) {
            size_t l = strlen(names[k]);
            if (n - i >= l && !memcmp(t + i, names[k], l)) {
                put(buf, len, cap, ids[k], strlen(ids[k]));
                i += l;
                replaced = true;
            }
        }
        if (replaced) continue;
        unsigned char c = (unsigned char)t[i++];
        if (c <= 0x20 || c >= 0x7f || c == '#') {
            char hex[4];
            snprintf(hex, sizeof hex, "%%%02X", c);
            put(buf, len, cap, hex, 3);
        } else {
            put(buf, len, cap, (const char *)&c, 1);
        }
    }
}

static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    if (!srv) server_start(w);
    const char *in = (const char *)data;
    const char *method = "GET";
    for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
        size_t l = strlen(methods[k]);
        if (size > l && !memcmp(in, methods[k], l) && in[l] == ' ') {
            method = methods[k];
            in += l + 1;
            size -= l + 1;
            break;
        }
    }
    if (size == 0 || in[0] != '/') return 0; /* not a request target libmicrohttpd routes */
    if (!strcmp(method, "DELETE") && size >= 15 && !memcmp(in, "/api/v1/session", 15))
        return 0; /* logging the fuzzer out would end the run's usefulness */
    char *req = NULL;
    size_t len = 0, cap = 0;
    put(&req, &len, &cap, method, strlen(method));
    put(&req, &len, &cap, " ", 1);
    add_target(&req, &len, &cap, in, size, w);
    char head[256];
    snprintf(head, sizeof head,
             " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
             "Content-Length: 0\r\nConnection: close\r\n\r\n",
             token);
    put(&req, &len, &cap, head, strlen(head));

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    FUZZ_ASSERT(fd >= 0, "socket");
    struct timeval tv = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    FUZZ_ASSERT(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect");
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) break; /* the server may answer and close early (414) */
        off += (size_t)n;
    }
    char *res = NULL;
    size_t rlen = 0, rcap = 0;
    char chunk[8192];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0) put(&res, &rlen, &rcap, chunk, (size_t)n);
    close(fd);
    FUZZ_ASSERT(rlen > 12 && !memcmp(res, "HTTP/1.1 ", 9), "no answer to %s", req);
    int status = atoi(res + 9);
    FUZZ_ASSERT(status != 500, "500 for %s", req);
    /* libmicrohttpd itself refuses some request lines (400, 414) before Haven sees them;
     * what reached the router under /api must answer JSON. */
    const char *body = strstr(res, "\r\n\r\n");
    bool api = (size >= 5 && !memcmp(in, "/api/", 5)) || (size >= 8 && !memcmp(in, "/healthz", 8));
    if (body && api && strstr(res, "application/json") && strcmp(method, "HEAD")) {
        json_error_t jerr;
        json_t *j = json_loads(body + 4, 0, &jerr);
        FUZZ_ASSERT(j != NULL, "answer to %s is not JSON: %s", req, jerr.text);
        if (status >= 400) {
            json_t *err = json_object_get(j, "error");
            FUZZ_ASSERT(json_is_string(json_object_get(err, "code")) &&
                            json_is_string(json_object_get(err, "message")),
                        "error answer without code and message for %s", req);
        }
        json_decref(j);
    }
    mem_free(res);
    mem_free(req);
    return 0;
}
