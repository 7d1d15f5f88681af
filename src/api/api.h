/* api: Haven's HTTP interface: JSON under /api/v1 and the web interface's files.
 *
 * The server runs on libmicrohttpd's internal thread pool; each request takes a
 * database connection from a pool for its duration. Every error leaves as
 * {"error":{"code","message","field"}} with the status of its code (core/err.h). */
#ifndef HAVEN_API_API_H
#define HAVEN_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

typedef struct {
    const char *db_path;
    const char *host;    /* "127.0.0.1" */
    uint16_t port;       /* 0: any free port */
    const char *web_dir; /* NULL: serve no web interface */
    int threads;         /* 0: 4 */
    bool secure_cookie;  /* add Secure to the session cookie (behind HTTPS) */
} api_config;

typedef struct api_server api_server;

/* Starts serving; the port actually bound is returned by api_server_port. */
herr *api_server_start(const api_config *cfg, api_server **out);
uint16_t api_server_port(const api_server *srv);
void api_server_stop(api_server *srv);

/* Every route as [{"method","path","permission"}] (permission null: public). */
json_t *api_routes_json(void);

#endif
