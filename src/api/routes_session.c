/* Logging in and out, and the logged-in user's own account. */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"

static const json_field login_fields[] = {
    {"username", JF_STRING, true, 64},
    {"password", JF_STRING, true, 200},
};

static herr *post_session(api_request *req, api_response *res) {
    herr *e = json_check(req->body, login_fields, 2);
    if (e) return e;
    char token[TOKEN_LEN];
    json_t *user = NULL;
    if ((e = auth_login(req->db, json_str(req->body, "username"), json_str(req->body, "password"),
                        req->address, token, &user)))
        return e;
    res->set_cookie =
        mem_printf("haven_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
                   AUTH_SESSION_MAX_SECONDS, req->secure_cookie ? "; Secure" : "");
    return api_reply(res, 201, json_pack("{s:s,s:o}", "token", token, "user", user));
}

static herr *delete_session(api_request *req, api_response *res) {
    herr *e = auth_logout(req->db, &req->actor, req->token);
    if (e) return e;
    res->set_cookie = mem_printf("haven_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return api_reply(res, 204, NULL);
}

static herr *get_me(api_request *req, api_response *res) {
    json_t *user = NULL;
    herr *e = auth_user_get(req->db, req->actor.user_id, &user);
    if (e) return e;
    json_t *perms = json_array();
    json_t *matrix = auth_matrix_json();
    const char *name;
    json_t *roles;
    json_object_foreach(json_object_get(matrix, "permissions"), name, roles) {
        if (auth_allows(req->actor.role, name)) json_array_append_new(perms, json_string(name));
    }
    json_decref(matrix);
    json_object_set_new(user, "permissions", perms);
    return api_reply(res, 200, user);
}

static herr *patch_me(api_request *req, api_response *res) {
    /* People may change how they see Haven, not what they may do in it. */
    const char *key;
    json_t *v;
    if (!json_is_object(req->body))
        return err_invalid("body", "the request body must be a JSON object");
    json_object_foreach(req->body, key, v) {
        if (strcmp(key, "locale") && strcmp(key, "display_name"))
            return err_invalid(key, "%s cannot be changed here; ask an administrator", key);
    }
    json_t *user = NULL;
    herr *e = auth_user_update(req->db, &req->actor, req->actor.user_id, req->body, &user);
    if (e) return e;
    return api_reply(res, 200, user);
}

/* Changing one's own password; the other sessions of the user end, this one stays. */
static herr *post_my_password(api_request *req, api_response *res) {
    herr *e = auth_password_change(req->db, &req->actor, req->token, req->body);
    return e ? e : api_reply(res, 204, NULL);
}

const api_route api_routes_session[] = {
    {"POST", "/api/v1/session", NULL, post_session, NULL, 4096},
    {"DELETE", "/api/v1/session", "session.own", delete_session, NULL, 0},
    {"GET", "/api/v1/me", "session.own", get_me, NULL, 0},
    {"PATCH", "/api/v1/me", "session.own", patch_me, NULL, 0},
    {"POST", "/api/v1/me/password", "session.own", post_my_password, NULL, 4096},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
