/* The audit log (administrators only). */
#include <stdlib.h>

#include "api/api_internal.h"
#include "audit/audit.h"

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
    json_t *out = NULL;
    e = audit_list(req->db, api_query(req, "entity"), api_query(req, "id"), limit, before, &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_audit[] = {
    {"GET", "/api/v1/audit", "audit.read", list_audit, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
