/* Interpreting: interpreters, requests, scheduling runs, assignments, the interpreter's
 * own view, and the iCalendar feed (public: the secret in the URL is the credential). */
#include <string.h>

#include "api/api_internal.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *list_interpreters(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_interpreter_list(req->db, &req->actor, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_interpreter(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_interpreter_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_interpreter(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_interpreter_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update_interpreter(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_interpreter_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *issue_feed(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_feed_issue(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 201, out);
}

static herr *revoke_feed(api_request *req, api_response *res) {
    herr *e = interp_feed_revoke(req->db, &req->actor, req->params[0]);
    return e ? e : api_reply(res, 200, json_pack("{s:b}", "revoked", 1));
}

static herr *list_requests(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_request_list(req->db, &req->actor, api_query(req, "from"),
                                  api_query(req, "to"), api_query(req, "status"), &out);
    return reply_or(e, res, 200, out);
}

static herr *create_request(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_request_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_request(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_request_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update_request(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_request_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *cancel_request(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_request_cancel(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

/* {"from","to"[,"time_limit" seconds 1-30]} */
static herr *run_schedule(api_request *req, api_response *res) {
    static const json_field fields[] = {{"from", JF_STRING, true, 10},
                                        {"to", JF_STRING, true, 10},
                                        {"time_limit", JF_INT, false, 0}};
    json_t *out = NULL;
    herr *e = json_check(req->body, fields, 3);
    if (e) return e;
    json_t *tl = json_object_get(req->body, "time_limit");
    json_int_t limit = json_is_integer(tl) ? json_integer_value(tl) : 10;
    if (limit < 1 || limit > 30)
        return err_invalid("time_limit", "time_limit must be from 1 to 30 seconds");
    e = interp_schedule(req->db, &req->actor, json_str(req->body, "from"),
                        json_str(req->body, "to"), (double)limit, &out);
    return reply_or(e, res, 200, out);
}

static herr *list_assignments(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_assignment_list(req->db, &req->actor, api_query(req, "from"),
                                     api_query(req, "to"), api_query(req, "interpreter"), &out);
    return reply_or(e, res, 200, out);
}

static herr *create_assignment(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_assign(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

/* {who, reason, note, noticed_at} */
static herr *record_noshow(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_noshow_record(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

/* {reason}: a no-show recorded by mistake. */
static herr *withdraw_noshow(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_noshow_withdraw(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

/* ?from&to[&site][&format=csv] */
static herr *hours_report(api_request *req, api_response *res) {
    const char *format = api_query(req, "format");
    if (format && strcmp(format, "csv") && strcmp(format, "json"))
        return err_invalid("format", "format must be json or csv");
    if (format && !strcmp(format, "csv")) {
        char *csv = NULL;
        size_t len = 0;
        herr *e = interp_hours_csv(req->db, &req->actor, api_query(req, "from"),
                                   api_query(req, "to"), api_query(req, "site"), &csv, &len);
        if (e) return e;
        res->raw = csv;
        res->raw_len = len;
        res->content_type = "text/csv; charset=utf-8";
        res->disposition = mem_strdup("attachment; filename=\"interpreting-hours.csv\"");
        return NULL;
    }
    json_t *out = NULL;
    herr *e = interp_hours_report(req->db, &req->actor, api_query(req, "from"),
                                  api_query(req, "to"), api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *my_assignments(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_my_assignments(req->db, &req->actor, api_query(req, "from"),
                                    api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

/* {"status":"confirmed"|"declined"} */
static herr *my_answer(api_request *req, api_response *res) {
    static const json_field fields[] = {{"status", JF_STRING, true, 12}};
    json_t *out = NULL;
    herr *e = json_check(req->body, fields, 1);
    if (!e)
        e = interp_my_answer(req->db, &req->actor, req->params[0], json_str(req->body, "status"),
                             &out);
    return reply_or(e, res, 200, out);
}

static herr *my_feed_issue(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = interp_feed_issue(req->db, &req->actor, NULL, &out);
    return reply_or(e, res, 201, out);
}

static herr *my_feed_revoke(api_request *req, api_response *res) {
    herr *e = interp_feed_revoke(req->db, &req->actor, NULL);
    return e ? e : api_reply(res, 200, json_pack("{s:b}", "revoked", 1));
}

static herr *feed(api_request *req, api_response *res) {
    char *ics = NULL;
    size_t len = 0;
    herr *e = interp_feed_ics(req->db, req->params[0], &ics, &len);
    if (e) return e;
    res->raw = ics;
    res->raw_len = len;
    res->content_type = "text/calendar; charset=utf-8";
    res->disposition = mem_strdup("inline; filename=\"haven-interpreting.ics\"");
    return NULL;
}

const api_route api_routes_interp[] = {
    {"GET", "/api/v1/interp/interpreters", "interp.read", list_interpreters, NULL, 0},
    {"POST", "/api/v1/interp/interpreters", "interp.write", create_interpreter, NULL, 0},
    {"GET", "/api/v1/interp/interpreters/{}", "interp.read", get_interpreter, NULL, 0},
    {"PATCH", "/api/v1/interp/interpreters/{}", "interp.write", update_interpreter, NULL, 0},
    {"POST", "/api/v1/interp/interpreters/{}/feed", "interp.write", issue_feed, NULL, 0},
    {"DELETE", "/api/v1/interp/interpreters/{}/feed", "interp.write", revoke_feed, NULL, 0},
    {"GET", "/api/v1/interp/requests", "interp.read", list_requests, NULL, 0},
    {"POST", "/api/v1/interp/requests", "interp.write", create_request, NULL, 0},
    {"GET", "/api/v1/interp/requests/{}", "interp.read", get_request, NULL, 0},
    {"PATCH", "/api/v1/interp/requests/{}", "interp.write", update_request, NULL, 0},
    {"DELETE", "/api/v1/interp/requests/{}", "interp.write", cancel_request, NULL, 0},
    {"POST", "/api/v1/interp/schedule", "interp.schedule", run_schedule, NULL, 0},
    {"GET", "/api/v1/interp/assignments", "interp.read", list_assignments, NULL, 0},
    {"POST", "/api/v1/interp/assignments", "interp.write", create_assignment, NULL, 0},
    {"GET", "/api/v1/interp/my/assignments", "interp.own", my_assignments, NULL, 0},
    {"POST", "/api/v1/interp/my/assignments/{}/answer", "interp.own", my_answer, NULL, 0},
    {"POST", "/api/v1/interp/my/feed", "interp.own", my_feed_issue, NULL, 0},
    {"DELETE", "/api/v1/interp/my/feed", "interp.own", my_feed_revoke, NULL, 0},
    {"GET", "/api/v1/interp/feed/{}", NULL, feed, NULL, 0},
    {"POST", "/api/v1/interp/assignments/{}/no-show", "interp.write", record_noshow, NULL, 0},
    {"POST", "/api/v1/interp/assignments/{}/no-show/withdraw", "interp.write", withdraw_noshow,
     NULL, 0},
    {"GET", "/api/v1/interp/reports/hours", "interp.read", hours_report, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
