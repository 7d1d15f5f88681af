/* Complaints and feedback, the PSEA channel and satisfaction surveys. PSEA routes are
 * opened by psea.record (everyone) and psea.read (focal points only); the module keeps
 * the recorder and other sites' focal points out. */
#include <string.h>

#include "api/api_internal.h"
#include "core/mem.h"
#include "feedback/feedback.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *get_codes(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, feedback_codes());
}

static herr *create(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_one(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *act(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_act(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *read_query(api_request *req, feedback_query *q) {
    const char *overdue = api_query(req, "overdue");
    *q =
        (feedback_query){.site_id = api_query(req, "site"),
                         .state = api_query(req, "state"),
                         .category = api_query(req, "category"),
                         .channel = api_query(req, "channel"),
                         .from = api_query(req, "from"),
                         .to = api_query(req, "to"),
                         .overdue = overdue && (!strcmp(overdue, "1") || !strcmp(overdue, "true"))};
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q->limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 10000000, &q->offset);
    return e;
}

static herr *list(api_request *req, api_response *res) {
    feedback_query q;
    json_t *out = NULL;
    herr *e = read_query(req, &q);
    if (!e) e = feedback_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *export_csv(api_request *req, api_response *res) {
    feedback_query q;
    char *csv = NULL;
    size_t len = 0;
    herr *e = read_query(req, &q);
    if (!e) e = feedback_export_csv(req->db, &req->actor, &q, &csv, &len);
    if (e) return e;
    res->raw = csv;
    res->raw_len = len;
    res->content_type = "text/csv; charset=utf-8";
    res->disposition = mem_strdup("attachment; filename=\"feedback.csv\"");
    return NULL;
}

static herr *figures(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_figures(req->db, &req->actor, api_query(req, "site"), api_query(req, "from"),
                               api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

static herr *psea_record(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_psea_record(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *psea_list(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_psea_list(req->db, &req->actor, &out);
    return reply_or(e, res, 200, out);
}

static herr *psea_get(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_psea_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *psea_act(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_psea_act(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *psea_audit(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_psea_audit(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *survey_answer(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_survey_answer(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *survey_results(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = feedback_survey_results(req->db, &req->actor, api_query(req, "form"),
                                      api_query(req, "site"), api_query(req, "from"),
                                      api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

const api_route api_routes_feedback[] = {
    {"GET", "/api/v1/feedback/codes", "psea.record", get_codes, NULL, 0},
    {"GET", "/api/v1/feedback/figures", "feedback.figures", figures, NULL, 0},
    {"GET", "/api/v1/feedback/export", "feedback.read", export_csv, NULL, 0},
    {"GET", "/api/v1/feedback", "feedback.read", list, NULL, 0},
    {"POST", "/api/v1/feedback", "feedback.record", create, NULL, 0},
    {"GET", "/api/v1/feedback/{}", "feedback.read", get_one, NULL, 0},
    {"POST", "/api/v1/feedback/{}/actions", "feedback.handle", act, NULL, 0},
    {"POST", "/api/v1/psea/reports", "psea.record", psea_record, NULL, 0},
    {"GET", "/api/v1/psea/reports", "psea.read", psea_list, NULL, 0},
    {"GET", "/api/v1/psea/reports/{}", "psea.read", psea_get, NULL, 0},
    {"POST", "/api/v1/psea/reports/{}/steps", "psea.handle", psea_act, NULL, 0},
    {"GET", "/api/v1/psea/reports/{}/audit", "psea.read", psea_audit, NULL, 0},
    {"POST", "/api/v1/surveys/responses", "survey.write", survey_answer, NULL, 0},
    {"GET", "/api/v1/surveys/results", "survey.read", survey_results, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
