/* Families (households registered together, their members, the whole family's check-in,
 * check-out and transfer) and tracing requests. Tracing routes need tracing.read or
 * tracing.write; the module checks the role and the request's site again. */
#include <string.h>

#include "api/api_internal.h"
#include "families/families.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *create(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *list(api_request *req, api_response *res) {
    families_query q = {.site_id = api_query(req, "site"), .q = api_query(req, "q")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 50, 1, 200, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 10000000, &q.offset);
    if (!e) e = families_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *get_one(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *member_add(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_member_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *member_update(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_member_update(req->db, &req->actor, req->params[0], req->params[1],
                                     req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *member_remove(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_member_remove(req->db, &req->actor, req->params[0], req->params[1], &out);
    return reply_or(e, res, 200, out);
}

static herr *check_in(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_check_in(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *check_out(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_check_out(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *transfer(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_transfer(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *of_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = families_of_person(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_create(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *tr_list(api_request *req, api_response *res) {
    tracing_query q = {.site_id = api_query(req, "site"), .status = api_query(req, "status")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 50, 1, 200, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 10000000, &q.offset);
    if (!e) e = tracing_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_get(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_rematch_one(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_rematch(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_rematch_all(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_rematch(req->db, &req->actor, NULL, &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_decide(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_decide(req->db, &req->actor, req->params[0], req->params[1], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_consent(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_consent(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *tr_close(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = tracing_close(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

const api_route api_routes_families[] = {
    {"GET", "/api/v1/families", "family.read", list, NULL, 0},
    {"POST", "/api/v1/families", "family.write", create, NULL, 0},
    {"GET", "/api/v1/families/{}", "family.read", get_one, NULL, 0},
    {"PATCH", "/api/v1/families/{}", "family.write", update, NULL, 0},
    {"POST", "/api/v1/families/{}/members", "family.write", member_add, NULL, 0},
    {"PATCH", "/api/v1/families/{}/members/{}", "family.write", member_update, NULL, 0},
    {"DELETE", "/api/v1/families/{}/members/{}", "family.write", member_remove, NULL, 0},
    {"POST", "/api/v1/families/{}/check-in", "family.stays", check_in, NULL, 0},
    {"POST", "/api/v1/families/{}/check-out", "family.stays", check_out, NULL, 0},
    {"POST", "/api/v1/families/{}/transfer", "family.stays", transfer, NULL, 0},
    {"GET", "/api/v1/persons/{}/family", "family.read", of_person, NULL, 0},
    {"GET", "/api/v1/tracing", "tracing.read", tr_list, NULL, 0},
    {"POST", "/api/v1/tracing", "tracing.write", tr_create, NULL, 0},
    {"POST", "/api/v1/tracing/rematch", "tracing.write", tr_rematch_all, NULL, 0},
    {"GET", "/api/v1/tracing/{}", "tracing.read", tr_get, NULL, 0},
    {"POST", "/api/v1/tracing/{}/rematch", "tracing.write", tr_rematch_one, NULL, 0},
    {"POST", "/api/v1/tracing/{}/matches/{}", "tracing.write", tr_decide, NULL, 0},
    {"POST", "/api/v1/tracing/{}/consent", "tracing.write", tr_consent, NULL, 0},
    {"POST", "/api/v1/tracing/{}/close", "tracing.write", tr_close, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
