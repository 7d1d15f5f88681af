/* Sync: what field sites push and pull, and the conflicts and duplicates people decide. */
#include <stdlib.h>

#include "api/api_internal.h"
#include "sync/sync.h"

static herr *get_status(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_status(req->db, &req->actor, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *post_push(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_receive(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_changes(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 0;
    const char *after_text = api_query(req, "after");
    char *end = NULL;
    long long after = after_text ? strtoll(after_text, &end, 10) : 0;
    if (after_text && (!*after_text || *end || after < 0))
        return err_invalid("after", "after must be a change number (0 or more)");
    herr *e = api_query_int(req, "limit", 200, 1, SYNC_MAX_BATCH, &limit);
    if (!e)
        e = sync_changes_since(req->db, &req->actor, api_query(req, "origin"), after, limit, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_snapshot(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 0;
    herr *e = api_query_int(req, "limit", 200, 1, SYNC_MAX_BATCH, &limit);
    if (!e)
        e = sync_snapshot(req->db, &req->actor, api_query(req, "table"), api_query(req, "after"),
                          limit, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *post_reserve(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_reserve(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_conflicts(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_conflict_list(req->db, &req->actor, api_query(req, "status"), &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *post_resolve(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_conflict_resolve(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_duplicates(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sync_duplicate_list(req->db, &req->actor, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *post_duplicate_close(api_request *req, api_response *res) {
    herr *e = sync_duplicate_close(req->db, &req->actor, req->params[0], req->body);
    return e ? e : api_reply(res, 204, NULL);
}

const api_route api_routes_sync[] = {
    {"GET", "/api/v1/sync/status", "sync.run", get_status, NULL, 0},
    {"POST", "/api/v1/sync/push", "sync.run", post_push, NULL, 2 * 1024 * 1024},
    {"GET", "/api/v1/sync/changes", "sync.run", get_changes, NULL, 0},
    {"GET", "/api/v1/sync/snapshot", "sync.run", get_snapshot, NULL, 0},
    {"POST", "/api/v1/sync/reserve", "sync.run", post_reserve, NULL, 0},
    {"GET", "/api/v1/sync/conflicts", "sync.conflicts", get_conflicts, NULL, 0},
    {"POST", "/api/v1/sync/conflicts/{}/resolve", "sync.conflicts", post_resolve, NULL, 0},
    {"GET", "/api/v1/sync/duplicates", "person.merge", get_duplicates, NULL, 0},
    {"POST", "/api/v1/sync/duplicates/{}/close", "person.merge", post_duplicate_close, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
