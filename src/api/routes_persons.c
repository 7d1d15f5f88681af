/* Persons: registration, search, profile, correction, candidates. */
#include "api/api_internal.h"
#include "protection/protection.h"
#include "registry/registry.h"

static herr *register_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_person_register(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 201, out);
}

static herr *search_persons(api_request *req, api_response *res) {
    registry_person_query q = {.q = api_query(req, "q"),
                               .site_id = api_query(req, "site"),
                               .cursor = api_query(req, "cursor")};
    herr *e = api_query_int(req, "limit", 50, 1, 200, &q.limit);
    json_t *out = NULL;
    if (!e) e = registry_person_search(req->db, &req->actor, &q, &out);
    return e ? e : api_reply(res, 200, out);
}

/* The person, with the one protection fact everyone who may see them may know:
 * "protection_needs" (true: has protection needs, contact the protection team). The
 * details stay behind /api/v1/persons/{id}/protection. */
static herr *get_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    bool needs = false;
    herr *e = registry_person_get(req->db, &req->actor, req->params[0], &out);
    if (!e) e = protection_person_flag_group(req->db, out, &needs);
    if (e) {
        json_decref(out);
        return e;
    }
    json_object_set_new(out, "protection_needs", json_boolean(needs));
    return api_reply(res, 200, out);
}

static herr *patch_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_person_update(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_candidates(api_request *req, api_response *res) {
    json_t *person = NULL, *out = NULL;
    int limit = 0;
    herr *e = api_query_int(req, "limit", 0, 1, 200, &limit);
    if (!e) e = registry_person_get(req->db, &req->actor, req->params[0], &person);
    if (!e) e = registry_desk_candidates(req->db, &req->actor, person, req->params[0], limit, &out);
    json_decref(person);
    return e ? e : api_reply(res, 200, out);
}

/* Candidates for a registration being typed: the desk asks before saving. */
static herr *post_candidates(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 0;
    herr *e = api_query_int(req, "limit", 0, 1, 200, &limit);
    if (!e) e = registry_desk_candidates(req->db, &req->actor, req->body, NULL, limit, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *merge_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_person_merge(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *unmerge_person(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_person_unmerge(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *mark_distinct(api_request *req, api_response *res) {
    herr *e = registry_person_distinct(req->db, &req->actor, req->params[0], req->body);
    return e ? e : api_reply(res, 204, NULL);
}

const api_route api_routes_persons[] = {
    {"POST", "/api/v1/persons", "person.write", register_person, NULL, 0},
    {"GET", "/api/v1/persons", "person.read", search_persons, NULL, 0},
    {"POST", "/api/v1/persons/candidates", "person.write", post_candidates, NULL, 0},
    {"GET", "/api/v1/persons/{}", "person.read", get_person, NULL, 0},
    {"PATCH", "/api/v1/persons/{}", "person.write", patch_person, NULL, 0},
    {"GET", "/api/v1/persons/{}/candidates", "person.read", get_candidates, NULL, 0},
    {"POST", "/api/v1/persons/{}/merge", "person.merge", merge_person, NULL, 0},
    {"POST", "/api/v1/persons/{}/unmerge", "person.merge", unmerge_person, NULL, 0},
    {"POST", "/api/v1/persons/{}/distinct", "person.merge", mark_distinct, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
