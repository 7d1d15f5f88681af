/* Return counselling and return cases (src/returns). The route permission opens the
 * door; the returns module scopes every record to the reader's sites and audits. */
#include <string.h>

#include "api/api_internal.h"
#include "core/json.h"
#include "returns/returns.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *get_states(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "states", returns_states()));
}

/* ?overdue=1|true|0|false */
static herr *query_bool(api_request *req, const char *name, bool *out) {
    const char *v = api_query(req, name);
    *out = false;
    if (!v || !*v || !strcmp(v, "0") || !strcmp(v, "false")) return NULL;
    if (!strcmp(v, "1") || !strcmp(v, "true")) {
        *out = true;
        return NULL;
    }
    return err_invalid(name, "%s must be true or false", name);
}

static herr *list_cases(api_request *req, api_response *res) {
    returns_query q = {.state = api_query(req, "state"),
                       .site_id = api_query(req, "site"),
                       .destination = api_query(req, "destination"),
                       .counsellor_id = api_query(req, "counsellor"),
                       .person_id = api_query(req, "person")};
    json_t *out = NULL;
    herr *e = query_bool(req, "overdue", &q.overdue_only);
    if (!e) e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &q.offset);
    if (!e) e = returns_case_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_case_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_case_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *transition(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_case_transition(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_traveller(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_traveller_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *remove_traveller(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_traveller_remove(req->db, &req->actor, req->params[0], req->params[1], &out);
    return reply_or(e, res, 200, out);
}

static herr *list_counselling(api_request *req, api_response *res) {
    int limit = 100, offset = 0;
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &offset);
    if (!e)
        e = returns_counselling_list(req->db, &req->actor, api_query(req, "person"),
                                     api_query(req, "counsellor"), api_query(req, "from"),
                                     api_query(req, "to"), limit, offset, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_counselling(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_counselling_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *create_plan(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_plan_create(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *add_visit(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_visit_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *visits_due(api_request *req, api_response *res) {
    bool overdue = false;
    json_t *out = NULL;
    herr *e = query_bool(req, "overdue", &overdue);
    if (!e) e = returns_visits_due(req->db, &req->actor, overdue, &out);
    return reply_or(e, res, 200, out);
}

static herr *monitoring_questions(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "questions", returns_monitoring_questions()));
}

/* ---- readmission ---- */

static herr *list_readmissions(api_request *req, api_response *res) {
    bool overdue = false;
    int limit = 100, offset = 0;
    json_t *out = NULL;
    herr *e = query_bool(req, "overdue", &overdue);
    if (!e) e = api_query_int(req, "limit", 100, 1, 500, &limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &offset);
    if (!e)
        e = returns_readmission_list(req->db, &req->actor, api_query(req, "status"),
                                     api_query(req, "state"), overdue, limit, offset, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_readmission(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_readmission_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_readmission(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_readmission_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *move_readmission(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_readmission_move(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *readmission_agreements(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "agreements", returns_readmission_agreements()));
}

/* ---- forced-return monitoring ---- */

static herr *list_operations(api_request *req, api_response *res) {
    bool open = false;
    int limit = 100, offset = 0;
    json_t *out = NULL;
    herr *e = query_bool(req, "open_findings", &open);
    if (!e) e = api_query_int(req, "limit", 100, 1, 500, &limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &offset);
    if (!e)
        e = returns_operation_list(req->db, &req->actor, api_query(req, "status"), open, limit,
                                   offset, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_operation(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_operation_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_operation(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_operation_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *report_operation(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_operation_report(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_finding(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_finding_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *follow_up_finding(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_finding_follow_up(req->db, &req->actor, req->params[0], req->params[1],
                                        req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *operation_checklist(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "items", returns_operation_checklist()));
}

/* ---- instalments, dashboard ---- */

static herr *add_instalment(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_instalment_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *act_instalment(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = returns_instalment_act(req->db, &req->actor, req->params[0], req->params[1],
                                     req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *dashboard(api_request *req, api_response *res) {
    int months = 12;
    json_t *out = NULL;
    herr *e = api_query_int(req, "months", 12, 1, 36, &months);
    if (!e) e = returns_dashboard(req->db, &req->actor, months, &out);
    return reply_or(e, res, 200, out);
}

const api_route api_routes_returns[] = {
    {"GET", "/api/v1/returns/dashboard", "returns.read", dashboard, NULL, 0},
    {"GET", "/api/v1/returns/readmission-agreements", "returns.read", readmission_agreements, NULL,
     0},
    {"GET", "/api/v1/returns/readmissions", "returns.read", list_readmissions, NULL, 0},
    {"POST", "/api/v1/returns/readmissions", "returns.write", create_readmission, NULL, 0},
    {"GET", "/api/v1/returns/readmissions/{}", "returns.read", get_readmission, NULL, 0},
    {"POST", "/api/v1/returns/readmissions/{}/status", "returns.write", move_readmission, NULL, 0},
    {"GET", "/api/v1/returns/operation-checklist", "returns.monitoring.read", operation_checklist,
     NULL, 0},
    {"GET", "/api/v1/returns/operations", "returns.monitoring.read", list_operations, NULL, 0},
    {"POST", "/api/v1/returns/operations", "returns.monitoring.write", create_operation, NULL, 0},
    {"GET", "/api/v1/returns/operations/{}", "returns.monitoring.read", get_operation, NULL, 0},
    {"POST", "/api/v1/returns/operations/{}/report", "returns.monitoring.write", report_operation,
     NULL, 0},
    {"POST", "/api/v1/returns/operations/{}/findings", "returns.monitoring.write", add_finding,
     NULL, 0},
    {"POST", "/api/v1/returns/operations/{}/findings/{}", "returns.monitoring.write",
     follow_up_finding, NULL, 0},
    {"POST", "/api/v1/returns/{}/plan/instalments", "returns.write", add_instalment, NULL, 0},
    {"POST", "/api/v1/returns/{}/plan/instalments/{}", "returns.write", act_instalment, NULL, 0},
    {"GET", "/api/v1/returns/visits", "returns.read", visits_due, NULL, 0},
    {"GET", "/api/v1/returns/monitoring-questions", "returns.read", monitoring_questions, NULL, 0},
    {"POST", "/api/v1/returns/{}/plan", "returns.write", create_plan, NULL, 0},
    {"POST", "/api/v1/returns/{}/plan/visits", "returns.write", add_visit, NULL, 0},
    {"GET", "/api/v1/returns/states", "returns.read", get_states, NULL, 0},
    {"GET", "/api/v1/returns/counselling", "returns.read", list_counselling, NULL, 0},
    {"POST", "/api/v1/returns/counselling", "returns.write", create_counselling, NULL, 0},
    {"GET", "/api/v1/returns", "returns.read", list_cases, NULL, 0},
    {"POST", "/api/v1/returns", "returns.write", create_case, NULL, 0},
    {"GET", "/api/v1/returns/{}", "returns.read", get_case, NULL, 0},
    {"POST", "/api/v1/returns/{}/transitions", "returns.write", transition, NULL, 0},
    {"POST", "/api/v1/returns/{}/travellers", "returns.write", add_traveller, NULL, 0},
    {"DELETE", "/api/v1/returns/{}/travellers/{}", "returns.write", remove_traveller, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
