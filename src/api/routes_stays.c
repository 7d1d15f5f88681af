/* Stays: the list behind the dashboard's figures, check-in and check-out. */
#include <string.h>

#include "api/api_internal.h"
#include "registry/registry.h"

static herr *list_stays(api_request *req, api_response *res) {
    registry_stay_query q = {.site_id = api_query(req, "site"),
                             .arrived_from = api_query(req, "arrived_from"),
                             .arrived_to = api_query(req, "arrived_to"),
                             .departed_from = api_query(req, "departed_from"),
                             .departed_to = api_query(req, "departed_to"),
                             .citizenship = api_query(req, "citizenship")};
    const char *open = api_query(req, "open");
    if (open && strcmp(open, "true") && strcmp(open, "false"))
        return err_invalid("open", "open must be true or false");
    q.open = !open                   ? REGISTRY_STAYS_ANY
             : !strcmp(open, "true") ? REGISTRY_STAYS_OPEN
                                     : REGISTRY_STAYS_CLOSED;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &q.offset);
    json_t *out = NULL;
    if (!e) e = registry_stay_list(req->db, &req->actor, &q, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *check_in(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_stay_check_in(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 201, out);
}

static herr *get_stay(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_stay_get(req->db, &req->actor, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *check_out(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_stay_check_out(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_stays[] = {
    {"GET", "/api/v1/stays", "stay.read", list_stays, NULL, 0},
    {"POST", "/api/v1/stays", "stay.write", check_in, NULL, 0},
    {"GET", "/api/v1/stays/{}", "stay.read", get_stay, NULL, 0},
    {"POST", "/api/v1/stays/{}/checkout", "stay.write", check_out, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
