/* Protection: screening, consent, providers, referrals, cases, figures, break-glass.
 * The route permission opens the door; the protection module decides need to know
 * (sites, break-glass) and audits every read of details. Lists span many people, so
 * they need protection.details: break-glass opens one person's file, never a list. */
#include <string.h>

#include "api/api_internal.h"
#include "protection/protection.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *get_questionnaire(api_request *req, api_response *res) {
    (void)req;
    json_t *q = protection_questionnaire();
    json_object_set_new(q, "service_types", protection_service_types());
    return api_reply(res, 200, q);
}

static herr *get_person_file(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_person_summary(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *list_screenings(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_screening_list(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *create_screening(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_screening_create(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *list_consents(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_consent_list(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *create_consent(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_consent_record(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *list_providers(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_provider_list(req->db, &req->actor, api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *create_provider(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_provider_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *update_provider(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_provider_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *list_referrals(api_request *req, api_response *res) {
    protection_referral_query q = {.state = api_query(req, "state"),
                                   .provider_id = api_query(req, "provider"),
                                   .site_id = api_query(req, "site")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "overdue_days", 0, 0, 3650, &q.overdue_days);
    if (!e) e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = protection_referral_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

/* Sent referrals with no answer after ?days= (default 7). */
static herr *list_overdue(api_request *req, api_response *res) {
    protection_referral_query q = {.site_id = api_query(req, "site"), .limit = 500};
    json_t *out = NULL;
    herr *e = api_query_int(req, "days", PROTECTION_DEFAULT_OVERDUE_DAYS, 1, 3650, &q.overdue_days);
    if (!e) e = protection_referral_list(req->db, &req->actor, &q, &out);
    if (!e) json_object_set_new(out, "days", json_integer(q.overdue_days));
    return reply_or(e, res, 200, out);
}

static herr *create_referral(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_referral_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_referral(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_referral_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *move_referral(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_referral_transition(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *list_cases(api_request *req, api_response *res) {
    const char *mine = api_query(req, "mine");
    json_t *out = NULL;
    herr *e = protection_case_list(req->db, &req->actor, api_query(req, "state"),
                                   mine && (!strcmp(mine, "1") || !strcmp(mine, "true")), &out);
    return reply_or(e, res, 200, out);
}

static herr *open_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_open(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_action(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_action_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *update_action(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_action_update(req->db, &req->actor, req->params[0], req->params[1],
                                            req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_note(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_note_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *transfer_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_transfer(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *close_case(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_close(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_bia(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_case_bia_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *list_workers(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_worker_list(req->db, &req->actor, api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *get_worklist(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_worklist(req->db, &req->actor, api_query(req, "site"), &out);
    return reply_or(e, res, 200, out);
}

static herr *get_dashboard(api_request *req, api_response *res) {
    json_t *out = NULL;
    int days = 0;
    herr *e = api_query_int(req, "overdue_days", PROTECTION_DEFAULT_OVERDUE_DAYS, 1, 3650, &days);
    if (!e)
        e = protection_dashboard(req->db, &req->actor, api_query(req, "from"), api_query(req, "to"),
                                 days, &out);
    return reply_or(e, res, 200, out);
}

static herr *break_glass(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = protection_break_glass_open(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

const api_route api_routes_protection[] = {
    {"GET", "/api/v1/protection/questionnaire", "protection.read", get_questionnaire, NULL, 0},
    {"GET", "/api/v1/persons/{}/protection", "protection.read", get_person_file, NULL, 0},
    {"GET", "/api/v1/persons/{}/screenings", "protection.read", list_screenings, NULL, 0},
    {"POST", "/api/v1/persons/{}/screenings", "protection.write", create_screening, NULL, 0},
    {"GET", "/api/v1/persons/{}/consents", "protection.read", list_consents, NULL, 0},
    {"POST", "/api/v1/persons/{}/consents", "protection.write", create_consent, NULL, 0},
    {"GET", "/api/v1/protection/providers", "protection.directory", list_providers, NULL, 0},
    {"POST", "/api/v1/protection/providers", "protection.directory", create_provider, NULL, 0},
    {"PATCH", "/api/v1/protection/providers/{}", "protection.directory", update_provider, NULL, 0},
    {"GET", "/api/v1/protection/referrals", "protection.details", list_referrals, NULL, 0},
    {"POST", "/api/v1/protection/referrals", "protection.write", create_referral, NULL, 0},
    {"GET", "/api/v1/protection/referrals/overdue", "protection.details", list_overdue, NULL, 0},
    {"GET", "/api/v1/protection/referrals/{}", "protection.read", get_referral, NULL, 0},
    {"POST", "/api/v1/protection/referrals/{}/transitions", "protection.write", move_referral, NULL,
     0},
    {"GET", "/api/v1/protection/cases", "protection.details", list_cases, NULL, 0},
    {"POST", "/api/v1/protection/cases", "protection.write", open_case, NULL, 0},
    {"GET", "/api/v1/protection/cases/{}", "protection.read", get_case, NULL, 0},
    {"PATCH", "/api/v1/protection/cases/{}", "protection.write", update_case, NULL, 0},
    {"POST", "/api/v1/protection/cases/{}/actions", "protection.write", add_action, NULL, 0},
    {"PATCH", "/api/v1/protection/cases/{}/actions/{}", "protection.write", update_action, NULL, 0},
    {"POST", "/api/v1/protection/cases/{}/notes", "protection.write", add_note, NULL, 0},
    {"POST", "/api/v1/protection/cases/{}/transfer", "protection.write", transfer_case, NULL, 0},
    {"POST", "/api/v1/protection/cases/{}/close", "protection.write", close_case, NULL, 0},
    {"POST", "/api/v1/protection/cases/{}/best-interests", "protection.write", add_bia, NULL, 0},
    {"GET", "/api/v1/protection/workers", "protection.details", list_workers, NULL, 0},
    {"GET", "/api/v1/protection/worklist", "protection.details", get_worklist, NULL, 0},
    {"GET", "/api/v1/protection/dashboard", "protection.dashboard", get_dashboard, NULL, 0},
    {"POST", "/api/v1/protection/break-glass", "protection.break_glass", break_glass, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
