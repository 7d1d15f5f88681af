/* Who was given access to protection and PSEA data (the grants, for the staff of those
 * data to see), and the candidate references a supervisor opens (docs/security-auth.md). */
#include "api/api_internal.h"
#include "audit/audit.h"
#include "registry/registry.h"

#define MAX_GRANTS 200

static herr *list_grants(api_request *req, api_response *res, const char *action) {
    json_t *out = NULL;
    herr *e = audit_list_action(req->db, action, MAX_GRANTS, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *protection_grants(api_request *req, api_response *res) {
    return list_grants(req, res, "protection.access_granted");
}

static herr *psea_grants(api_request *req, api_response *res) {
    return list_grants(req, res, "psea.access_granted");
}

static herr *open_candidate_ref(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = registry_candidate_ref_open(req->db, &req->actor, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_access[] = {
    {"GET", "/api/v1/protection/access-grants", "protection.dashboard", protection_grants, NULL, 0},
    {"GET", "/api/v1/psea/access-grants", "psea.read", psea_grants, NULL, 0},
    {"GET", "/api/v1/candidate-refs/{}", "person.read", open_candidate_ref, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
