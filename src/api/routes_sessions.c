/* Group sessions and their attendance. The route permission opens the door; the
 * sessions module checks the permission of each session kind (data/session_kinds.tsv)
 * for writes, and the reader's sites for everything. */
#include <string.h>

#include "api/api_internal.h"
#include "core/json.h"
#include "core/mem.h"
#include "sessions/sessions.h"

static herr *reply_or(herr *e, api_response *res, int status, json_t *out) {
    return e ? e : api_reply(res, status, out);
}

static herr *get_kinds(api_request *req, api_response *res) {
    return api_reply(res, 200,
                     json_pack("{s:o,s:o}", "kinds", sessions_kinds(api_query(req, "owner")),
                               "age_groups", sessions_age_groups()));
}

static herr *list_sessions(api_request *req, api_response *res) {
    sessions_query q = {.kind = api_query(req, "kind"),
                        .owner = api_query(req, "owner"),
                        .site_id = api_query(req, "site"),
                        .from = api_query(req, "from"),
                        .to = api_query(req, "to")};
    json_t *out = NULL;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &q.limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &q.offset);
    if (!e) e = sessions_list(req->db, &req->actor, &q, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_session(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *get_figures(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_figures(req->db, &req->actor, api_query(req, "site"), api_query(req, "from"),
                               api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

static herr *get_session(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update_session(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

/* {"person_id"} for one person, {"person_ids":[...]} for several. */
static herr *add_attendees(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e;
    if (json_has(req->body, "person_ids")) {
        e = sessions_attend_many(req->db, &req->actor, req->params[0], req->body, &out);
    } else {
        static const json_field fields[] = {{"person_id", JF_STRING, true, 40}};
        e = json_check(req->body, fields, 1);
        if (!e)
            e = sessions_attend(req->db, &req->actor, req->params[0],
                                json_str(req->body, "person_id"), &out);
    }
    return reply_or(e, res, 201, out);
}

static herr *remove_attendee(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_unattend(req->db, &req->actor, req->params[0], req->params[1], &out);
    return reply_or(e, res, 200, out);
}

static herr *set_counts(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_counts_set(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *person_sessions(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e =
        sessions_of_person(req->db, &req->actor, req->params[0], api_query(req, "kind"), &out);
    return reply_or(e, res, 200, out);
}

/* ---- trainings for officials ---- */

static herr *list_trainings(api_request *req, api_response *res) {
    json_t *out = NULL;
    int limit = 100, offset = 0;
    herr *e = api_query_int(req, "limit", 100, 1, 500, &limit);
    if (!e) e = api_query_int(req, "offset", 0, 0, 1000000, &offset);
    if (!e)
        e = sessions_training_list(req->db, &req->actor, api_query(req, "from"),
                                   api_query(req, "to"), limit, offset, &out);
    return reply_or(e, res, 200, out);
}

static herr *create_training(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_training_create(req->db, &req->actor, req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *training_figures(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_training_figures(req->db, &req->actor, api_query(req, "from"),
                                        api_query(req, "to"), &out);
    return reply_or(e, res, 200, out);
}

static herr *evaluation_form(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, sessions_evaluation_form());
}

static herr *get_training(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_training_get(req->db, &req->actor, req->params[0], &out);
    return reply_or(e, res, 200, out);
}

static herr *update_training(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_training_update(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_agenda(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_training_agenda_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *remove_agenda(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e =
        sessions_training_agenda_remove(req->db, &req->actor, req->params[0], req->params[1], &out);
    return reply_or(e, res, 200, out);
}

static herr *add_participant(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_participant_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *update_participant(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_participant_update(req->db, &req->actor, req->params[0], req->params[1],
                                          req->body, &out);
    return reply_or(e, res, 200, out);
}

static herr *add_evaluation(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = sessions_evaluation_add(req->db, &req->actor, req->params[0], req->body, &out);
    return reply_or(e, res, 201, out);
}

static herr *certificates(api_request *req, api_response *res) {
    char *pdf = NULL;
    size_t len = 0;
    herr *e = sessions_certificates_pdf(req->db, &req->actor, req->params[0],
                                        api_query(req, "participant"), &pdf, &len);
    if (e) return e;
    res->raw = pdf;
    res->raw_len = len;
    res->content_type = "application/pdf";
    res->disposition = mem_strdup("inline; filename=\"certificates.pdf\"");
    return NULL;
}

const api_route api_routes_sessions[] = {
    {"GET", "/api/v1/trainings", "training.read", list_trainings, NULL, 0},
    {"POST", "/api/v1/trainings", "training.write", create_training, NULL, 0},
    {"GET", "/api/v1/trainings/figures", "training.read", training_figures, NULL, 0},
    {"GET", "/api/v1/trainings/evaluation-form", "training.read", evaluation_form, NULL, 0},
    {"GET", "/api/v1/trainings/{}", "training.read", get_training, NULL, 0},
    {"PATCH", "/api/v1/trainings/{}", "training.write", update_training, NULL, 0},
    {"POST", "/api/v1/trainings/{}/agenda", "training.write", add_agenda, NULL, 0},
    {"DELETE", "/api/v1/trainings/{}/agenda/{}", "training.write", remove_agenda, NULL, 0},
    {"POST", "/api/v1/trainings/{}/participants", "training.write", add_participant, NULL, 0},
    {"PATCH", "/api/v1/trainings/{}/participants/{}", "training.write", update_participant, NULL,
     0},
    {"POST", "/api/v1/trainings/{}/evaluations", "training.write", add_evaluation, NULL, 0},
    {"GET", "/api/v1/trainings/{}/certificates", "training.write", certificates, NULL, 0},
    {"GET", "/api/v1/sessions/kinds", "sessions.read", get_kinds, NULL, 0},
    {"GET", "/api/v1/sessions/figures", "sessions.read", get_figures, NULL, 0},
    {"GET", "/api/v1/sessions", "sessions.read", list_sessions, NULL, 0},
    {"POST", "/api/v1/sessions", "sessions.write", create_session, NULL, 0},
    {"GET", "/api/v1/sessions/{}", "sessions.read", get_session, NULL, 0},
    {"PATCH", "/api/v1/sessions/{}", "sessions.write", update_session, NULL, 0},
    {"POST", "/api/v1/sessions/{}/attendees", "sessions.write", add_attendees, NULL, 0},
    {"DELETE", "/api/v1/sessions/{}/attendees/{}", "sessions.write", remove_attendee, NULL, 0},
    {"PUT", "/api/v1/sessions/{}/counts", "sessions.write", set_counts, NULL, 0},
    {"GET", "/api/v1/persons/{}/sessions", "sessions.read", person_sessions, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
