/* Health, code lists, the permission matrix. */
#include <string.h>

#include "api/api_internal.h"
#include "auth/auth.h"
#include "core/codes.h"
#include "registry/registry.h"

static herr *get_health(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:s}", "status", "ok"));
}

static const char *locale_param(api_request *req) {
    const char *lang = api_query(req, "lang");
    if (!lang) return "en";
    if (!strcmp(lang, "sr-Cyrl")) return "sr_Cyrl";
    if (!strcmp(lang, "bs")) return "bs";
    return "en";
}

static herr *get_countries(api_request *req, api_response *res) {
    return api_reply(res, 200,
                     json_pack("{s:o}", "items", codes_countries_json(locale_param(req))));
}

static herr *get_languages(api_request *req, api_response *res) {
    return api_reply(res, 200,
                     json_pack("{s:o}", "items", codes_languages_json(locale_param(req))));
}

static herr *get_site_kinds(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "items", registry_site_kinds()));
}

static herr *get_permissions(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, auth_matrix_json());
}

const api_route api_routes_meta[] = {
    {"GET", "/healthz", NULL, get_health, NULL, 0},
    {"GET", "/api/v1/codes/countries", "codes.read", get_countries, NULL, 0},
    {"GET", "/api/v1/codes/languages", "codes.read", get_languages, NULL, 0},
    {"GET", "/api/v1/codes/site-kinds", "codes.read", get_site_kinds, NULL, 0},
    {"GET", "/api/v1/permissions", "session.own", get_permissions, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
