/* Deadlines and per-address limits for connections (see conn_guard.h). */
#include "api/conn_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"

enum phase { AWAIT_HEADERS, AWAIT_BODY, BUSY };

typedef struct guard_conn {
    struct guard_conn *prev, *next;
    conn_guard *guard;
    int fd;
    char address[64];
    enum phase phase;
    int64_t deadline_ms; /* monotonic; 0: none */
    bool counted;        /* counts towards its address's limit */
    bool shut;           /* already shut down by the guard */
} guard_conn;

struct conn_guard {
    conn_guard_config cfg;
    char exempt[64];
    pthread_t thread;
    bool running;
    /* lock guards everything below, and every guard_conn's fields */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    guard_conn *head;
    unsigned open;
    unsigned long closed_late, refused;
};

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void api_peer_address(struct MHD_Connection *conn, char out[64]) {
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

/* The deadline for the next request's headers, from now. */
static void await_headers(guard_conn *c) {
    c->phase = AWAIT_HEADERS;
    c->deadline_ms = now_ms() + (int64_t)c->guard->cfg.header_seconds * 1000;
}

static unsigned open_from(const conn_guard *g, const char *address) {
    unsigned n = 0;
    for (const guard_conn *c = g->head; c; c = c->next)
        if (c->counted && !strcmp(c->address, address)) n++;
    return n;
}

static void on_started(conn_guard *g, struct MHD_Connection *conn, void **socket_context) {
    guard_conn *c = mem_alloc(sizeof *c);
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    c->guard = g;
    c->fd = fd ? fd->connect_fd : -1;
    api_peer_address(conn, c->address);
    pthread_mutex_lock(&g->lock);
    await_headers(c);
    bool exempt = g->exempt[0] && !strcmp(g->exempt, c->address);
    if (g->cfg.per_address && !exempt && open_from(g, c->address) >= g->cfg.per_address) {
        /* Refused: libmicrohttpd reads the end of the stream and closes it. */
        if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
        c->shut = true;
        g->refused++;
    } else {
        c->counted = true;
    }
    c->next = g->head;
    if (g->head) g->head->prev = c;
    g->head = c;
    g->open++;
    pthread_mutex_unlock(&g->lock);
    *socket_context = c;
}

static void on_closed(conn_guard *g, void **socket_context) {
    guard_conn *c = *socket_context;
    if (!c) return;
    pthread_mutex_lock(&g->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->head = c->next;
    if (c->next) c->next->prev = c->prev;
    g->open--;
    pthread_mutex_unlock(&g->lock);
    mem_free(c);
    *socket_context = NULL;
}

void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code) {
    conn_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        on_started(g, conn, socket_context);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        on_closed(g, socket_context);
}

static guard_conn *record_of(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

void conn_guard_headers_done(struct MHD_Connection *conn, uint64_t body_length) {
    guard_conn *c = record_of(conn);
    if (!c) return;
    conn_guard *g = c->guard;
    /* A large upload on a slow line is allowed a second per 64 KiB on top. */
    int64_t allowed = (int64_t)g->cfg.body_seconds * 1000 + (int64_t)(body_length >> 16) * 1000;
    pthread_mutex_lock(&g->lock);
    c->phase = AWAIT_BODY;
    c->deadline_ms = now_ms() + allowed;
    pthread_mutex_unlock(&g->lock);
}

void conn_guard_request_received(struct MHD_Connection *conn) {
    guard_conn *c = record_of(conn);
    if (!c) return;
    pthread_mutex_lock(&c->guard->lock);
    c->phase = BUSY;
    c->deadline_ms = 0;
    pthread_mutex_unlock(&c->guard->lock);
}

void conn_guard_request_done(struct MHD_Connection *conn) {
    guard_conn *c = record_of(conn);
    if (!c) return;
    pthread_mutex_lock(&c->guard->lock);
    await_headers(c);
    pthread_mutex_unlock(&c->guard->lock);
}

/* Shuts down late connections four times a second. The fd is still open: libmicrohttpd
 * closes it only after the CLOSED notification, which waits for this lock. */
static void *sweep(void *arg) {
    conn_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        int64_t now = now_ms();
        for (guard_conn *c = g->head; c; c = c->next) {
            if (c->shut || !c->deadline_ms || c->deadline_ms > now || c->fd < 0) continue;
            shutdown(c->fd, SHUT_RDWR);
            c->shut = true;
            g->closed_late++;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

herr *conn_guard_start(const conn_guard_config *cfg, conn_guard **out) {
    conn_guard *g = mem_alloc(sizeof *g);
    g->cfg = *cfg;
    if (!g->cfg.header_seconds) g->cfg.header_seconds = 10;
    if (!g->cfg.body_seconds) g->cfg.body_seconds = 60;
    if (cfg->exempt) snprintf(g->exempt, sizeof g->exempt, "%s", cfg->exempt);
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->thread, NULL, sweep, g) != 0) {
        conn_guard_stop(g);
        *out = NULL;
        return err_new(ERR_INTERNAL, NULL, "cannot start the connection guard thread");
    }
    g->running = true;
    *out = g;
    return NULL;
}

void conn_guard_stop(conn_guard *g) {
    if (!g) return;
    if (g->running) {
        pthread_mutex_lock(&g->lock);
        g->stopping = true;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->thread, NULL);
    }
    if (g->closed_late || g->refused)
        log_info("connection guard: %lu late connections closed, %lu refused over the "
                 "per-address limit",
                 g->closed_late, g->refused);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->wake);
    mem_free(g);
}

void conn_guard_counts(conn_guard *g, unsigned *open, unsigned long *closed_late,
                       unsigned long *refused) {
    pthread_mutex_lock(&g->lock);
    *open = g->open;
    *closed_late = g->closed_late;
    *refused = g->refused;
    pthread_mutex_unlock(&g->lock);
}
