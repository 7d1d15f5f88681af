/* Internal to api: what libmicrohttpd does not do against slow and greedy clients.
 *
 * libmicrohttpd's connection timeout starts again with every byte received, so a client
 * that sends one header byte every few seconds keeps its connection for ever. The guard
 * keeps its own record of every connection (libmicrohttpd's connection notifications)
 * and a thread that shuts down a connection whose request is late:
 *   - its headers are not complete header_seconds after the connection opened or the
 *     previous response was sent (an idle keep-alive connection is closed the same way);
 *   - its body is not complete body_seconds (plus one second per 64 KiB announced) after
 *     its headers.
 * A request being handled or answered has no deadline here (libmicrohttpd's own
 * timeout covers a client that does not read the answer). It also limits the open
 * connections per client address, except for the trusted proxy's address. */
#ifndef HAVEN_API_CONN_GUARD_H
#define HAVEN_API_CONN_GUARD_H

#include <microhttpd.h>
#include <stdint.h>

#include "core/err.h"

typedef struct {
    unsigned header_seconds; /* 0: 10 */
    unsigned body_seconds;   /* 0: 60 */
    unsigned per_address;    /* open connections per client address; 0: no limit */
    const char *exempt;      /* an address not limited (the trusted proxy), or NULL */
} conn_guard_config;

typedef struct conn_guard conn_guard;

/* Starts the guard's thread. ERR_INTERNAL when the thread cannot start. */
herr *conn_guard_start(const conn_guard_config *cfg, conn_guard **out);

/* Stops the thread and frees the guard; call after the daemon has stopped. NULL is fine. */
void conn_guard_stop(conn_guard *g);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the guard. */
void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

/* Called by the access handler: the headers of a request are in and body_length bytes of
 * body are announced (0 when none or unknown). */
void conn_guard_headers_done(struct MHD_Connection *conn, uint64_t body_length);

/* The whole request is in: no deadline while it is handled and answered. */
void conn_guard_request_received(struct MHD_Connection *conn);

/* The answer was sent: the next request's headers are awaited from now. */
void conn_guard_request_done(struct MHD_Connection *conn);

/* The connecting peer's address as text ("unknown" when libmicrohttpd has none). */
void api_peer_address(struct MHD_Connection *conn, char out[64]);

/* Connections open now, and those the guard has shut down or refused since start. */
void conn_guard_counts(conn_guard *g, unsigned *open, unsigned long *closed_late,
                       unsigned long *refused);

#endif
