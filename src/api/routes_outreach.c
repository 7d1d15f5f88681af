/* Outreach (src/outreach): locations, visits, transports, figures and XLSForm surveys.
 * Creating routes are idempotent for the phones' outbox: 201 the first time, 200 with
 * the stored record when the same id and body come again, 409 for the same id with
 * another body. */
#include <string.h>

#include "api/api_internal.h"
#include "core/mem.h"
#include "outreach/outreach.h"

static herr *reply_created(herr *e, api_response *res, bool replayed, json_t *out) {
    return e ? e : api_reply(res, replayed ? 200 : 201, out);
}

static herr *reply_or(herr *e, api_response *res, json_t *out) {
    return e ? e : api_reply(res, 200, out);
}

static bool query_flag(api_request *req, const char *name) {
    const char *v = api_query(req, name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static herr *list_locations(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_location_list(req->db, query_flag(req, "all"), &out);
    return reply_or(e, res, out);
}

static herr *create_location(api_request *req, api_response *res) {
    json_t *out = NULL;
    bool replayed = false;
    herr *e = outreach_location_create(req->db, &req->actor, req->body, &out, &replayed);
    return reply_created(e, res, replayed, out);
}

static herr *update_location(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_location_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, out);
}

static herr *list_visits(api_request *req, api_response *res) {
    outreach_visit_query q = {.location_id = api_query(req, "location"),
                              .month = api_query(req, "month")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = outreach_visit_list(req->db, &q, &out);
    return reply_or(e, res, out);
}

static herr *create_visit(api_request *req, api_response *res) {
    json_t *out = NULL;
    bool replayed = false;
    herr *e = outreach_visit_create(req->db, &req->actor, req->body, &out, &replayed);
    return reply_created(e, res, replayed, out);
}

static herr *get_visit(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_visit_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, out);
}

static herr *list_transports(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_transport_list(req->db, &req->actor, api_query(req, "site"),
                                      query_flag(req, "pending"), &out);
    return reply_or(e, res, out);
}

static herr *check_arrival(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_transport_arrival(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, out);
}

static herr *get_figures(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_figures(req->db, api_query(req, "month"), &out);
    return reply_or(e, res, out);
}

static herr *get_catalogue(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200,
                     json_pack("{s:o,s:o}", "location_kinds", outreach_location_kinds(), "services",
                               outreach_services()));
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A form Haven cannot use answers 400 with the usual error object plus every problem
 * found ({"sheet","row","column","message"}), so that its author can fix them at once. */
static herr *import_form(api_request *req, api_response *res) {
    json_t *out = NULL, *problems = NULL;
    herr *e =
        outreach_form_import(req->db, &req->actor, req->raw_body, req->raw_len, &out, &problems);
    if (e && problems) {
        json_t *body = json_pack("{s:{s:s,s:s,s:s},s:o}", "error", "code", err_code_name(e->code),
                                 "message", e->message, "field", e->field, "problems", problems);
        err_free(e);
        return api_reply(res, 400, body);
    }
    return e ? e : api_reply(res, 201, out);
}

static herr *list_forms(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_form_list(req->db, &out);
    return reply_or(e, res, out);
}

static herr *get_form(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_form_get(req->db, req->params[0], &out);
    return reply_or(e, res, out);
}

static herr *create_submission(api_request *req, api_response *res) {
    json_t *out = NULL;
    bool replayed = false;
    herr *e = outreach_submission_create(req->db, &req->actor, req->params[0], req->body, &out,
                                         &replayed);
    return reply_created(e, res, replayed, out);
}

static herr *list_submissions(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 100;
    herr *e = api_query_int(req, "limit", 100, 1, 1000, &limit);
    if (!e) e = outreach_submission_list(req->db, req->params[0], limit, &out);
    return reply_or(e, res, out);
}

static herr *get_summary(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = outreach_form_summary(req->db, req->params[0], &out);
    return reply_or(e, res, out);
}

static herr *export_submissions(api_request *req, api_response *res) {
    const char *format = api_query(req, "format");
    outreach_format f;
    if (!format || !strcmp(format, "csv"))
        f = OUTREACH_CSV;
    else if (!strcmp(format, "xlsx"))
        f = OUTREACH_XLSX;
    else
        return err_invalid("format", "format must be csv or xlsx");
    char *data = NULL, *name = NULL;
    size_t len = 0;
    herr *e = outreach_export(req->db, &req->actor, req->params[0], f, &data, &len, &name);
    if (e) return e;
    res->status = 200;
    res->raw = data;
    res->raw_len = len;
    res->content_type = f == OUTREACH_CSV ? "text/csv; charset=utf-8" : XLSX_TYPE;
    /* The name is the form_id, which the import allows only as letters, digits, _ - . */
    res->disposition = mem_printf("attachment; filename=\"%s\"", name);
    mem_free(name);
    return NULL;
}

const api_route api_routes_outreach[] = {
    {"GET", "/api/v1/outreach/catalogue", "outreach.read", get_catalogue, NULL, 0},
    {"GET", "/api/v1/outreach/locations", "outreach.read", list_locations, NULL, 0},
    {"POST", "/api/v1/outreach/locations", "outreach.write", create_location, NULL, 0},
    {"PATCH", "/api/v1/outreach/locations/{}", "outreach.write", update_location, NULL, 0},
    {"GET", "/api/v1/outreach/visits", "outreach.read", list_visits, NULL, 0},
    {"POST", "/api/v1/outreach/visits", "outreach.write", create_visit, NULL, 0},
    {"GET", "/api/v1/outreach/visits/{}", "outreach.read", get_visit, NULL, 0},
    {"GET", "/api/v1/outreach/transports", "outreach.arrival", list_transports, NULL, 0},
    {"POST", "/api/v1/outreach/transports/{}/arrival", "outreach.arrival", check_arrival, NULL, 0},
    {"GET", "/api/v1/outreach/figures", "outreach.read", get_figures, NULL, 0},
    {"GET", "/api/v1/outreach/forms", "outreach.read", list_forms, NULL, 0},
    {"POST", "/api/v1/outreach/forms", "outreach.forms", import_form, XLSX_TYPE, OUTREACH_XLSX_MAX},
    {"GET", "/api/v1/outreach/forms/{}", "outreach.read", get_form, NULL, 0},
    {"GET", "/api/v1/outreach/forms/{}/submissions", "outreach.export", list_submissions, NULL, 0},
    {"POST", "/api/v1/outreach/forms/{}/submissions", "outreach.write", create_submission, NULL, 0},
    {"GET", "/api/v1/outreach/forms/{}/summary", "outreach.read", get_summary, NULL, 0},
    {"GET", "/api/v1/outreach/forms/{}/export", "outreach.export", export_submissions, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
