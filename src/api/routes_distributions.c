/* Distributions: the catalogue, stock and its ledger, the desk (entitlements, giving,
 * bulk), the list and the reports. The module checks the finer permissions
 * (distribution.catalogue, stock.write, distribution.flags) and the reader's sites. */
#include <string.h>

#include "api/api_internal.h"
#include "core/json.h"
#include "distributions/distributions.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static bool query_true(api_request *req, const char *name) {
    const char *v = api_query(req, name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static herr *get_catalogue(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_catalogue(req->db, query_true(req, "all"), &out);
    return reply_or(e, res, 200, out);
}

static herr *create_item(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_item_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *update_item(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_item_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *get_stock(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_stock(req->db, &req->actor, api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *move_stock(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_stock_move(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_ledger(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 100;
    herr *e = api_query_int(req, "limit", 100, 1, 1000, &limit);
    if (!e)
        e = distributions_ledger(req->db, &req->actor, api_query(req, "site"),
                                 api_query(req, "item"), limit, &out);
    return reply_or(e, res, 200, out);
}

static herr *get_entitlements(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_entitlements(req->db, &req->actor, req->params[0],
                                         api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *give(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_give(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *bulk(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_bulk(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *list(api_request *req, api_response *res) {
    distributions_query q = {.site_id = api_query(req, "site"),
                             .person_id = api_query(req, "person"),
                             .item_id = api_query(req, "item"),
                             .from = api_query(req, "from"),
                             .to = api_query(req, "to"),
                             .overrides_only = query_true(req, "overrides")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 10000000, &q.offset);
    if (!e) e = distributions_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *report(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_report(req->db, &req->actor, api_query(req, "site"),
                                   api_query(req, "from"), api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

static herr *nothing_received(api_request *req, api_response *res) {
    json_t *out = NULL;
    int days = 0;
    herr *e = api_query_int(req, "days", DISTRIBUTIONS_NOTHING_DAYS, 1, 365, &days);
    if (!e)
        e = distributions_nothing_received(req->db, &req->actor, api_query(req, "site"), days,
                                           &out);
    return reply_or(e, res, 200, out);
}

static herr *set_flag(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_flag_set(req->db, &req->actor, req->params[0], req->params[1],
                                     req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *clear_flag(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = distributions_flag_clear(req->db, &req->actor, req->params[0], req->params[1], &out);
    return reply_or(e, res, 200, out);
}

const api_route api_routes_distributions[] = {
    {"GET", "/api/v1/distributions/items", "distribution.read", get_catalogue, NULL, 0},
    {"POST", "/api/v1/distributions/items", "distribution.catalogue", create_item, NULL, 0},
    {"PATCH", "/api/v1/distributions/items/{}", "distribution.catalogue", update_item, NULL, 0},
    {"GET", "/api/v1/distributions/stock", "distribution.read", get_stock, NULL, 0},
    {"POST", "/api/v1/distributions/stock/movements", "stock.write", move_stock, NULL, 0},
    {"GET", "/api/v1/distributions/stock/ledger", "distribution.read", get_ledger, NULL, 0},
    {"GET", "/api/v1/distributions/report", "distribution.read", report, NULL, 0},
    {"GET", "/api/v1/distributions/nothing-received", "distribution.read", nothing_received, NULL,
     0},
    {"POST", "/api/v1/distributions/bulk", "distribution.write", bulk, NULL, 0},
    {"GET", "/api/v1/distributions", "distribution.read", list, NULL, 0},
    {"POST", "/api/v1/distributions", "distribution.write", give, NULL, 0},
    {"GET", "/api/v1/persons/{}/entitlements", "distribution.read", get_entitlements, NULL, 0},
    {"PUT", "/api/v1/persons/{}/distribution-flags/{}", "distribution.flags", set_flag, NULL, 0},
    {"DELETE", "/api/v1/persons/{}/distribution-flags/{}", "distribution.flags", clear_flag, NULL,
     0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
