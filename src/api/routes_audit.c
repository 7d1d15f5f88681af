/* The audit log (administrators only). */
#include <stdlib.h>

#include "api/api_internal.h"
#include "audit/audit.h"
#include "auth/auth.h"

static herr *list_audit(api_request *req, api_response *res) {
    int limit = 0;
    herr *e = api_query_int(req, "limit", 100, 1, 1000, &limit);
    if (e) return e;
    const char *cursor = api_query(req, "cursor");
    long long before = 0;
    if (cursor) {
        char *end = NULL;
        before = strtoll(cursor, &end, 10);
        if (*end || before < 1)
            return err_invalid("cursor", "cursor is not one this server gave out");
    }
    /* Protection facts are need to know: the audit view must not tell an administrator
     * who was referred where. Readers without protection details see such entries as
     * "a protection record was changed", and cannot ask for one record's entries. */
    bool details = auth_allows(req->actor.role, "protection.details");
    const char *entity = api_query(req, "entity");
    if (!details && audit_is_protection_fact(entity) && api_query(req, "id"))
        return err_new(ERR_FORBIDDEN, "id",
                       "the entries of one protection record are need to know");
    json_t *out = NULL;
    e = audit_list(req->db, entity, api_query(req, "id"), limit, before, &out);
    if (!e && !details) audit_redact_protection(out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_audit[] = {
    {"GET", "/api/v1/audit", "audit.read", list_audit, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
