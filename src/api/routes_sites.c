/* Sites, their occupancy and residents, and the dashboard summary. */
#include <string.h>

#include "api/api_internal.h"
#include "protection/protection.h"
#include "registry/registry.h"

static herr *list_sites(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_site_list(req->db, &req->actor, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *create_site(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_site_create(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 201, out);
}

static herr *get_site(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_site_get(req->db, &req->actor, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *patch_site(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_site_update(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_occupancy(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_site_occupancy(req->db, &req->actor, req->params[0], api_query(req, "from"),
                                      api_query(req, "to"), &out);
    return e ? e : api_reply(res, 200, out);
}

/* Each resident gets the one protection fact the desk may know (as GET /persons/{id}
 * does): "protection_needs", yes or no, so that a flagged person is not checked out
 * unnoticed. No detail, so not audited. */
static herr *add_protection_flags(api_request *req, json_t *residents) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(residents, "items"), i, item) {
        json_t *person = json_object_get(item, "person");
        bool needs = false;
        herr *e = protection_person_flag_group(req->db, person, &needs);
        if (e) return e;
        json_object_set_new(person, "protection_needs", json_boolean(needs));
    }
    return NULL;
}

static herr *get_residents(api_request *req, api_response *res) {
    registry_residents_query q = {.q = api_query(req, "q"), .sort = api_query(req, "sort")};
    const char *order = api_query(req, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return err_invalid("order", "order must be asc or desc");
    q.descending = order && !strcmp(order, "desc");
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &q.offset);
    json_t *out = NULL;
    if (!e) e = registry_site_residents(req->db, &req->actor, req->params[0], &q, &out);
    if (!e) e = add_protection_flags(req, out);
    if (e) {
        json_decref(out);
        return e;
    }
    return api_reply(res, 200, out);
}

static herr *get_summary(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e =
        registry_summary(req->db, &req->actor, api_query(req, "from"), api_query(req, "to"), &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_sites[] = {
    {"GET", "/api/v1/sites", "site.read", list_sites, NULL, 0},
    {"POST", "/api/v1/sites", "site.write", create_site, NULL, 0},
    {"GET", "/api/v1/sites/{}", "site.read", get_site, NULL, 0},
    {"PATCH", "/api/v1/sites/{}", "site.write", patch_site, NULL, 0},
    {"GET", "/api/v1/sites/{}/occupancy", "occupancy.read", get_occupancy, NULL, 0},
    {"GET", "/api/v1/sites/{}/residents", "stay.read", get_residents, NULL, 0},
    {"GET", "/api/v1/summary", "report.read", get_summary, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
