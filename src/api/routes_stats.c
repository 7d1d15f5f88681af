/* Statistics (src/stats): catalogue, computation, entered aggregates, validation,
 * exports, imports of neighbours' files and comparison. Statistician and admin only
 * (stats.read, stats.write in data/permissions.tsv). The literal paths come before
 * /api/v1/stats/{period}, which would otherwise match them. */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "core/mem.h"
#include "stats/stats.h"

static herr *get_catalogue(api_request *req, api_response *res) {
    (void)req;
    json_t *out = NULL;
    herr *e = stats_catalogue_json(&out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_settings(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_settings_get(req->db, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *patch_settings(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_settings_set(req->db, &req->actor, req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_compare(api_request *req, api_response *res) {
    const char *indicator = api_query(req, "indicator"), *period = api_query(req, "period");
    if (!indicator) return err_required("indicator");
    if (!period) return err_required("period");
    json_t *out = NULL;
    herr *e = stats_compare(req->db, indicator, period, api_query(req, "sex"),
                            api_query(req, "age"), &out);
    return e ? e : api_reply(res, 200, out);
}

/* A file with errors answers 400 with the usual error object plus every error found
 * ({"line","column","field","message"}), so that the sender can fix them all at once. */
static herr *post_import(api_request *req, api_response *res) {
    json_t *report = NULL;
    herr *e = stats_import(req->db, &req->actor, req->raw_body, req->raw_len, &report);
    if (e && e->code == ERR_INVALID) {
        json_t *body =
            json_pack("{s:{s:s,s:s,s:s},s:O}", "error", "code", err_code_name(e->code), "message",
                      e->message, "field", e->field, "errors", json_object_get(report, "errors"));
        json_decref(report);
        err_free(e);
        return api_reply(res, 400, body);
    }
    if (e) {
        json_decref(report);
        return e;
    }
    json_object_del(report, "errors");
    return api_reply(res, 201, report);
}

static herr *get_period(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_get(req->db, api_query(req, "ref_area"), req->params[0],
                        api_query(req, "indicator"), &out);
    if (e) return e;
    stats_protection_published(out); /* no count the published export hides */
    return api_reply(res, 200, out);
}

static herr *post_compute(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_compute(req->db, &req->actor, req->params[0], &out);
    if (e) return e;
    stats_protection_published(out);
    return api_reply(res, 200, out);
}

static herr *post_enter(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_enter(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_validation(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = stats_validate(req->db, api_query(req, "ref_area"), req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_export(api_request *req, api_response *res) {
    static const char *const types[] = {
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/json; charset=utf-8"};
    static const char *const extensions[] = {"csv", "xlsx", "json"};
    const char *format = api_query(req, "format");
    stats_format f;
    herr *e = stats_format_parse(format ? format : "sdmx-csv", &f);
    if (e) return e;
    const char *ref_area = api_query(req, "ref_area");
    char *data = NULL;
    size_t len = 0;
    e = stats_export(req->db, &req->actor, ref_area, req->params[0], f, &data, &len);
    if (e) return e;
    res->status = 200;
    res->raw = data;
    res->raw_len = len;
    res->content_type = types[f];
    /* The period was validated by stats_export: it is safe in a header. */
    res->disposition = mem_printf("attachment; filename=\"haven-stats-%s-%s.%s\"",
                                  ref_area ? ref_area : "local", req->params[0], extensions[f]);
    return NULL;
}

const api_route api_routes_stats[] = {
    {"GET", "/api/v1/stats/catalogue", "stats.read", get_catalogue, NULL, 0},
    {"GET", "/api/v1/stats/settings", "stats.read", get_settings, NULL, 0},
    {"PATCH", "/api/v1/stats/settings", "stats.write", patch_settings, NULL, 0},
    {"GET", "/api/v1/stats/compare", "stats.read", get_compare, NULL, 0},
    {"POST", "/api/v1/stats/import", "stats.write", post_import, "text/csv", 64 * 1024 * 1024},
    {"GET", "/api/v1/stats/{}", "stats.read", get_period, NULL, 0},
    {"POST", "/api/v1/stats/{}/compute", "stats.write", post_compute, NULL, 0},
    {"POST", "/api/v1/stats/{}/enter", "stats.write", post_enter, NULL, 0},
    {"GET", "/api/v1/stats/{}/validation", "stats.read", get_validation, NULL, 0},
    {"GET", "/api/v1/stats/{}/export", "stats.read", get_export, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
