/* Stays: check-in and check-out. */
#include "api/api_internal.h"
#include "registry/registry.h"

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
    {"POST", "/api/v1/stays", "stay.write", check_in, NULL, 0},
    {"GET", "/api/v1/stays/{}", "stay.read", get_stay, NULL, 0},
    {"POST", "/api/v1/stays/{}/checkout", "stay.write", check_out, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
