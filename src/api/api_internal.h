/* Internal to the api module: requests, responses, routes, helpers for handlers. */
#ifndef HAVEN_API_INTERNAL_H
#define HAVEN_API_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

#define API_MAX_PARAMS       4
#define API_DEFAULT_MAX_BODY (1024 * 1024)

/* What /healthz checks beyond the database connection. */
typedef struct {
    const char *db_path;
    uint64_t min_free_disk; /* bytes */
} api_health_config;

typedef struct api_request {
    const char *method;
    const char *path;
    char params[API_MAX_PARAMS][128]; /* the {} parts of the route, in order */
    json_t *body;                     /* parsed JSON body, or NULL */
    const char *raw_body;             /* the bytes, for non-JSON routes */
    size_t raw_len;
    struct MHD_Connection *conn;
    store *db;
    actor actor;           /* filled for routes with a permission */
    char token[TOKEN_LEN]; /* the session token used, if any */
    char address[64];      /* the client's (through a trusted proxy: the one it names) */
    bool secure_cookie;    /* the client reached us over HTTPS (or Secure is forced) */
    const api_health_config *health;
} api_request;

typedef struct api_response {
    int status;   /* 200 unless set */
    json_t *json; /* the body, owned by the response */
    char *raw;    /* or raw bytes (exports), mem_alloc'ed */
    size_t raw_len;
    const char *content_type;
    char *set_cookie;
    char *disposition; /* Content-Disposition for downloads */
    /* Cache-Control for an answer clients may keep (NULL: no-store, as for every other),
     * and its ETag (mem_alloc'ed, or NULL). */
    const char *cache_control;
    char *etag;
} api_response;

typedef herr *(*api_handler)(api_request *req, api_response *res);

typedef struct api_route {
    const char *method;
    const char *pattern;    /* "/api/v1/sites/{}": each {} is one path segment */
    const char *permission; /* from data/permissions.tsv; NULL: no session needed */
    api_handler handler;
    const char *body_type; /* NULL: application/json */
    size_t max_body;       /* 0: API_DEFAULT_MAX_BODY */
} api_route;

/* Each file of routes ends its table with an entry whose method is NULL. */
extern const api_route api_routes_meta[];
extern const api_route api_routes_session[];
extern const api_route api_routes_sites[];
extern const api_route api_routes_persons[];
extern const api_route api_routes_stays[];
extern const api_route api_routes_users[];
extern const api_route api_routes_audit[];
extern const api_route api_routes_protection[];
extern const api_route api_routes_stats[];
extern const api_route api_routes_sessions[];
extern const api_route api_routes_distributions[];
extern const api_route api_routes_feedback[];
extern const api_route api_routes_outreach[];
extern const api_route api_routes_screening[];
extern const api_route api_routes_phrasebook[];
extern const api_route api_routes_access[];
extern const api_route api_routes_interp[];
extern const api_route api_routes_returns[];
extern const api_route api_routes_families[];
extern const api_route api_routes_documents[];
extern const api_route api_routes_sync[];

/* Finds the route for method and path, filling req->params. *path_known is true when
 * the path exists with another method (405 rather than 404). */
const api_route *api_route_find(const char *method, const char *path, api_request *req,
                                bool *path_known);

/* A query-string argument, or NULL. */
const char *api_query(api_request *req, const char *name);

/* An integer query argument within [min, max]; def when absent; ERR_INVALID naming it. */
herr *api_query_int(api_request *req, const char *name, int def, int min, int max, int *out);

/* Sets the response: status and JSON body (stolen). Returns NULL for tail calls. */
herr *api_reply(api_response *res, int status, json_t *body);

#endif
