/* Matching a request to its route. The tables of routes are listed once, here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/api_internal.h"

static const api_route *const route_tables[] = {
    api_routes_meta,     api_routes_session,  api_routes_sites,         api_routes_persons,
    api_routes_stays,    api_routes_users,    api_routes_audit,         api_routes_protection,
    api_routes_stats,    api_routes_sessions, api_routes_distributions, api_routes_feedback,
    api_routes_outreach, api_routes_access,   api_routes_screening,     api_routes_phrasebook,
    api_routes_interp,   api_routes_returns,  api_routes_families,      api_routes_documents,
    api_routes_sync,
};

/* Compares a pattern with a path segment by segment; {} matches one non-empty
 * segment, copied into params. */
static bool match_pattern(const char *pattern, const char *path, api_request *req) {
    size_t n_params = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(u, '/');
            size_t len = end ? (size_t)(end - u) : strlen(u);
            if (len == 0 || len >= sizeof req->params[0] || n_params == API_MAX_PARAMS)
                return false;
            memcpy(req->params[n_params], u, len);
            req->params[n_params][len] = '\0';
            n_params++;
            p += 2;
            u += len;
        } else if (*p == *u) {
            p++;
            u++;
        } else {
            return false;
        }
    }
    return *p == '\0' && *u == '\0';
}

const api_route *api_route_find(const char *method, const char *path, api_request *req,
                                bool *path_known) {
    *path_known = false;
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++) {
        for (const api_route *r = route_tables[t]; r->method; r++) {
            if (!match_pattern(r->pattern, path, req)) continue;
            *path_known = true;
            if (!strcmp(r->method, method) ||
                (!strcmp(method, "HEAD") && !strcmp(r->method, "GET")))
                return r;
        }
    }
    return NULL;
}

json_t *api_routes_json(void) {
    json_t *all = json_array();
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++)
        for (const api_route *r = route_tables[t]; r->method; r++)
            json_array_append_new(
                all,
                json_pack("{s:s,s:s,s:o}", "method", r->method, "path", r->pattern, "permission",
                          r->permission ? json_string(r->permission) : json_null()));
    return all;
}

const char *api_query(api_request *req, const char *name) {
    const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    return v && v[0] ? v : NULL;
}

herr *api_query_int(api_request *req, const char *name, int def, int min, int max, int *out) {
    const char *v = api_query(req, name);
    *out = def;
    if (!v) return NULL;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (*end || n < min || n > max)
        return err_invalid(name, "%s must be a whole number from %d to %d", name, min, max);
    *out = (int)n;
    return NULL;
}

herr *api_reply(api_response *res, int status, json_t *body) {
    res->status = status;
    json_decref(res->json);
    res->json = body;
    return NULL;
}
