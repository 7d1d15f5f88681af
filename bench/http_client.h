/* A minimal HTTP/1.1 keep-alive client for the benchmarks only: enough to send JSON
 * to Haven on loopback and read the answer (Content-Length bodies). */
#ifndef HAVEN_BENCH_HTTP_CLIENT_H
#define HAVEN_BENCH_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int fd;
    char buf[1 << 16];
} http_conn;

static inline int http_connect(http_conn *c, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return connect(c->fd, (struct sockaddr *)&a, sizeof a);
}

/* Sends a request and reads the response; returns the status (or -1), copies up to
 * body_size-1 bytes of the body into body when not NULL. */
static inline int http_request(http_conn *c, const char *method, const char *path,
                               const char *token, const char *json, char *body, size_t body_size) {
    char head[1024];
    size_t len = json ? strlen(json) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%sContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, token ? "Authorization: Bearer " : "", token ? token : "",
                     token ? "\r\n" : "", len);
    if (write(c->fd, head, (size_t)n) != n) return -1;
    if (len && write(c->fd, json, len) != (ssize_t)len) return -1;
    size_t got = 0;
    char *end = NULL;
    while (!(end = memmem(c->buf, got, "\r\n\r\n", 4))) {
        ssize_t r = read(c->fd, c->buf + got, sizeof c->buf - got - 1);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    c->buf[got] = '\0';
    int status = atoi(c->buf + 9);
    char *cl = strcasestr(c->buf, "Content-Length:");
    size_t content = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
    size_t header_len = (size_t)(end - c->buf) + 4;
    while (got < header_len + content) {
        ssize_t r = read(c->fd, c->buf + got, sizeof c->buf - got - 1);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    if (body && body_size) {
        size_t k = content < body_size - 1 ? content : body_size - 1;
        memcpy(body, c->buf + header_len, k);
        body[k] = '\0';
    }
    return status;
}

#endif
