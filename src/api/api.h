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
    const char *host;          /* "127.0.0.1" */
    uint16_t port;             /* 0: any free port */
    const char *web_dir;       /* NULL: serve no web interface */
    const char *tiles;         /* a PMTiles file served at /tiles/region.pmtiles, or NULL */
    int threads;               /* 0: 4 */
    bool secure_cookie;        /* always add Secure to the session cookie (it follows TLS anyway) */
    const char *tls_cert;      /* PEM text of the certificate chain: serve HTTPS; NULL: HTTP */
    const char *tls_key;       /* PEM text of its private key */
    const char *trusted_proxy; /* a reverse proxy's address whose X-Forwarded-For and
                                  X-Forwarded-Proto are believed; NULL: none */
    unsigned header_timeout;   /* seconds a request's headers may take; 0: 10 */
    unsigned per_address;      /* open connections per client address; 0: 256 */
    unsigned max_connections;  /* 0: 4096 (lowered to what the open-file limit allows) */
    size_t inflight_bytes;     /* request bodies held in memory, all together; 0: 64 MiB */
    int hash_threads;          /* password hashes at once (64 MiB each); 0: 2 */
    uint64_t min_free_disk;    /* /healthz fails below this many bytes free beside the
                                  database; 0: 64 MiB */
} api_config;

typedef struct api_server api_server;

/* Starts serving; the port actually bound is returned by api_server_port. */
herr *api_server_start(const api_config *cfg, api_server **out);
uint16_t api_server_port(const api_server *srv);
void api_server_stop(api_server *srv);

/* Every route as [{"method","path","permission"}] (permission null: public). */
json_t *api_routes_json(void);

#endif
