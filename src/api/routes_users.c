/* Accounts (administrators only). */
#include "api/api_internal.h"
#include "auth/auth.h"

static herr *list_users(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = auth_user_list(req->db, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *create_user(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = auth_user_create(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 201, out);
}

static herr *get_user(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = auth_user_get(req->db, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *patch_user(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = auth_user_update(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_users[] = {
    {"GET", "/api/v1/users", "user.read", list_users, NULL, 0},
    {"POST", "/api/v1/users", "user.write", create_user, NULL, 0},
    {"GET", "/api/v1/users/{}", "user.read", get_user, NULL, 0},
    {"PATCH", "/api/v1/users/{}", "user.write", patch_user, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
