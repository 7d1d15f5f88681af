/* Internal to api: what server.c shares with respond.c (requests to responses). */
#ifndef HAVEN_API_SERVER_INTERNAL_H
#define HAVEN_API_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <stdbool.h>

#include "api/api_internal.h"
#include "store/store.h"

/* Fills req->address and req->secure_cookie: the peer's address and whether it came
 * over TLS; when the peer is trusted_proxy (non-empty), the last address of its
 * X-Forwarded-For and its X-Forwarded-Proto instead. */
void api_client_identity(struct MHD_Connection *conn, const char *trusted_proxy, bool tls,
                         api_request *req);

/* Session, role and same-origin checks for route. Uses req->db, or a connection from
 * pool for the time of the check when req->db is NULL. Fills req->actor. */
herr *api_authenticate(api_request *req, const api_route *route, store_pool *pool);

/* Runs a complete request: authentication unless already done, the body's type and
 * JSON, the handler; or answers the error e (taken) found before. Sets *out to the
 * response (NULL only when not even a fixed 500 could be made) and returns the status. */
int api_handle(api_request *req, const api_route *route, store_pool *pool, bool authenticated,
               herr *e, struct MHD_Response **out);

/* The JSON error response for e (e is not freed). If the JSON cannot be built, a fixed
 * 500 body; *out is NULL only when no response at all could be made. Returns the status. */
int api_error_response(const herr *e, struct MHD_Response **out);

/* Adds the headers every API response carries, and set_cookie when not NULL. NULL r is
 * fine. */
void api_finish_response(struct MHD_Response *r, const char *set_cookie);

#endif
