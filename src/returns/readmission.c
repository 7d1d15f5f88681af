/* Readmission requests under the agreements of data/readmission_agreements.tsv: which
 * state asks which to take people back, who (registered people, or people described as
 * the other state's request names them), when, the legal deadline for the answer (the
 * request's day plus the agreement's days), the answer and the handover at a border
 * crossing.
 *
 * Status: pending -> accepted | refused | withdrawn; accepted -> handed_over | withdrawn.
 * refused, handed_over and withdrawn are closed. A move the table does not allow is
 * ERR_CONFLICT ("returns_readmission_status") and changes nothing.
 *
 * The people's sex, birth date and citizenship are kept on the request as the request
 * gave them (for a registered person: as the registry had them that day), so that the
 * READM_REQ statistic reads this module's tables only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

#define MAX_PERSONS 50

/* ---- agreements ---- */

static void add_agreement(char *line, void *ctx) {
    char *f[6];
    if (datafile_split_tabs(line, f, 6) != 6) return;
    json_t *states = json_array();
    char *save = NULL;
    for (char *tok = strtok_r(f[1], ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        json_array_append_new(states, json_string(tok));
    json_array_append_new(ctx,
                          json_pack("{s:s,s:o,s:i,s:s,s:s,s:s}", "code", f[0], "states", states,
                                    "answer_days", atoi(f[2]), "en", f[3], "bs", f[4], "sr", f[5]));
}

json_t *returns_readmission_agreements(void) {
    json_t *list = json_array();
    datafile_each_line("readmission_agreements.tsv", add_agreement, list);
    return list;
}

/* The agreement of that code (borrowed from list), or NULL. */
static json_t *agreement_find(json_t *list, const char *code) {
    size_t i;
    json_t *g;
    json_array_foreach(list, i, g) if (code && !strcmp(json_str(g, "code"), code)) return g;
    return NULL;
}

static bool agreement_has_state(const json_t *g, const char *state) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(g, "states"), i,
                       v) if (!strcmp(json_string_value(v), state)) return true;
    return false;
}

/* ---- people on a request ---- */

static const json_field person_fields[] = {
    {"person_id", JF_STRING, false, 40},    {"given_name", JF_STRING, false, 120},
    {"family_name", JF_STRING, false, 120}, {"sex", JF_STRING, false, 2},
    {"birth_date", JF_STRING, false, 10},   {"citizenship", JF_STRING, false, 12},
};
static const char *const sexes[] = {"M", "F", "X", NULL};

/* Checks one person of the request (field "persons[i]") and fills *out with the row to
 * keep: a registered person's data from the registry, or the data given. */
static herr *check_person(store *s, const actor *a, size_t i, const json_t *p, json_t **out) {
    char field[48], date[CLOCK_DATE_LEN];
    *out = NULL;
    snprintf(field, sizeof field, "persons[%zu]", i);
    if (!json_is_object(p)) return err_invalid(field, "%s must be an object", field);
    herr *e = json_check(p, person_fields, sizeof person_fields / sizeof person_fields[0]);
    if (e) {
        /* "persons[3].sex": the field inside the list, cut to the error's field size. */
        char inner[sizeof e->field];
        int n = snprintf(inner, sizeof inner, "persons[%zu].", i);
        if (n > 0 && (size_t)n < sizeof inner)
            snprintf(inner + n, sizeof inner - (size_t)n, "%.*s",
                     (int)(sizeof inner - (size_t)n - 1), e->field);
        memcpy(e->field, inner, sizeof inner);
        return e;
    }
    const char *pid = json_str(p, "person_id");
    if (pid) {
        char site[ID_LEN];
        json_t *reg = NULL;
        snprintf(field, sizeof field, "persons[%zu].person_id", i);
        if ((e = ret_person_site(s, a, field, pid, NULL, site, &reg))) return e;
        *out = json_pack("{s:s,s:s,s:s,s:s*,s:s*,s:s*,s:s}", "person_id", pid, "given_name",
                         json_str(reg, "given_name"), "family_name", json_str(reg, "family_name"),
                         "sex", json_str(reg, "sex"), "birth_date", json_str(reg, "birth_date"),
                         "citizenship", json_str(reg, "citizenship"), "site_id", site);
        json_decref(reg);
        return NULL;
    }
    static const char *const required[] = {"given_name", "family_name", "sex", "citizenship"};
    for (size_t k = 0; k < 4; k++)
        if (!json_str(p, required[k]) || !*json_str(p, required[k])) {
            snprintf(field, sizeof field, "persons[%zu].%s", i, required[k]);
            return err_with(
                err_invalid(field, "%s is required for a person not registered here", field),
                "required", (const char *)NULL);
        }
    snprintf(field, sizeof field, "persons[%zu].sex", i);
    if ((e = check_code(field, json_str(p, "sex"), sexes))) return e;
    snprintf(field, sizeof field, "persons[%zu].citizenship", i);
    if (!codes_country_valid(json_str(p, "citizenship")))
        return err_invalid(field, "%s must be an ISO 3166 code such as AF, PK, MA", field);
    snprintf(field, sizeof field, "persons[%zu].birth_date", i);
    /* A birth date is older than check_date's years allow. */
    const char *birth = json_str(p, "birth_date");
    int y, m, d;
    date[0] = '\0';
    if (birth && (!clock_parse_date(birth, &y, &m, &d) || y < 1900 || strlen(birth) != 10))
        return err_with(err_invalid(field, "%s must be a date YYYY-MM-DD", field), "date_format",
                        (const char *)NULL);
    if (birth) snprintf(date, sizeof date, "%s", birth);
    *out =
        json_pack("{s:s,s:s,s:s,s:s*,s:s}", "given_name", json_str(p, "given_name"), "family_name",
                  json_str(p, "family_name"), "sex", json_str(p, "sex"), "birth_date",
                  date[0] ? date : NULL, "citizenship", json_str(p, "citizenship"));
    return NULL;
}

/* ---- create ---- */

static const json_field create_fields[] = {
    {"agreement", JF_STRING, true, 16},      {"requesting_state", JF_STRING, true, 4},
    {"requested_state", JF_STRING, true, 4}, {"requested_on", JF_STRING, true, 10},
    {"reference", JF_STRING, false, 80},     {"site_id", JF_STRING, false, 40},
    {"persons", JF_ARRAY, true, 0},          {"note", JF_TEXT, false, 2000},
};

static const char insert_sql[] =
    "INSERT INTO return_readmissions (id, site_id, agreement, requesting_state,"
    " requested_state, reference, requested_on, deadline, status, note, by_id, by_name,"
    " created_at, updated_at) VALUES (:id, :site, :agreement, :requesting, :requested,"
    " :reference, :on, :deadline, 'pending', :note, :by_id, :by_name, :now, :now)";
static const char insert_person_sql[] =
    "INSERT INTO return_readmission_persons (request_id, seq, person_id, given_name,"
    " family_name, sex, birth_date, citizenship) VALUES (:id, :seq, :person, :given, :family,"
    " :sex, :birth, :citizenship)";

/* day + days into out. */
static void add_days(const char *day, int days, char out[CLOCK_DATE_LEN]) {
    int y, m, d;
    out[0] = '\0';
    if (!clock_parse_date(day, &y, &m, &d)) return;
    clock_format_date((clock_days_from_civil(y, m, d) + days) * 86400, out);
}

/* Checks the request's states and day against the agreement; fills deadline. */
static herr *check_request(const json_t *in, json_t *agreements, char on[CLOCK_DATE_LEN],
                           char deadline[CLOCK_DATE_LEN]) {
    const json_t *g = agreement_find(agreements, json_str(in, "agreement"));
    if (!g)
        return err_invalid("agreement", "no readmission agreement %s", json_str(in, "agreement"));
    static const char *const sides[] = {"requesting_state", "requested_state"};
    for (int k = 0; k < 2; k++) {
        const char *st = json_str(in, sides[k]);
        if (!agreement_has_state(g, st))
            return err_invalid(sides[k], "%s is not a party to the agreement %s", st,
                               json_str(g, "code"));
    }
    if (!strcmp(json_str(in, "requesting_state"), json_str(in, "requested_state")))
        return err_invalid("requested_state",
                           "the requested state must differ from the requesting one");
    herr *e = check_date_text("requested_on", json_str(in, "requested_on"), true, on);
    if (e) return e;
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now() + 300, today);
    if (strcmp(on, today) > 0)
        return err_invalid("requested_on", "requested_on cannot be in the future");
    add_days(on, (int)json_integer_value(json_object_get(g, "answer_days")), deadline);
    return NULL;
}

static herr *insert_persons(store *s, const char *id, const json_t *rows) {
    size_t i;
    json_t *r;
    herr *e = NULL;
    json_array_foreach(rows, i, r) {
        store_stmt *st = NULL;
        if ((e = store_prepare(s, insert_person_sql, &st))) return e;
        store_bind_text(st, ":id", id);
        store_bind_int(st, ":seq", (int64_t)i);
        store_bind_text(st, ":person", json_str(r, "person_id"));
        store_bind_text(st, ":given", json_str(r, "given_name"));
        store_bind_text(st, ":family", json_str(r, "family_name"));
        store_bind_text(st, ":sex", json_str(r, "sex"));
        store_bind_text(st, ":birth", json_str(r, "birth_date"));
        store_bind_text(st, ":citizenship", json_str(r, "citizenship"));
        if ((e = store_run_done(&st))) return e;
    }
    return NULL;
}

/* The people checked, and the site of the request: site_id given, else the first
 * registered person's. */
static herr *check_people(store *s, const actor *a, const json_t *in, json_t **rows,
                          char site[ID_LEN]) {
    const json_t *list = json_object_get(in, "persons");
    size_t i, n = json_array_size(list);
    json_t *p;
    herr *e = NULL;
    *rows = NULL;
    site[0] = '\0';
    if (n == 0) return err_invalid("persons", "persons needs at least one person");
    if (n > MAX_PERSONS)
        return err_invalid("persons", "at most %d persons on one request", MAX_PERSONS);
    json_t *out = json_array();
    json_array_foreach(list, i, p) {
        json_t *row = NULL;
        if ((e = check_person(s, a, i, p, &row))) break;
        if (!site[0] && json_str(row, "site_id"))
            snprintf(site, ID_LEN, "%s", json_str(row, "site_id"));
        json_object_del(row, "site_id");
        json_array_append_new(out, row);
    }
    const char *site_in = json_str(in, "site_id");
    if (!e && site_in) {
        if (!actor_has_site(a, site_in))
            e = err_with(err_invalid("site_id", "no site with id %s among your sites", site_in),
                         "site_unknown", (const char *)NULL);
        else
            snprintf(site, ID_LEN, "%s", site_in);
    }
    if (!e && !site[0])
        e = err_invalid("site_id",
                        "site_id is required when no person on the request is registered");
    if (e) {
        json_decref(out);
        return e;
    }
    *rows = out;
    return NULL;
}

herr *returns_readmission_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char on[CLOCK_DATE_LEN], deadline[CLOCK_DATE_LEN], site[ID_LEN], id[ID_LEN], now[CLOCK_ISO_LEN];
    json_t *agreements = returns_readmission_agreements(), *rows = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, create_fields, sizeof create_fields / sizeof create_fields[0]);
    if (!e) e = check_request(in, agreements, on, deadline);
    if (!e) e = check_people(s, a, in, &rows, site);
    if (e) goto cleanup;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":agreement", json_str(in, "agreement"));
    store_bind_text(st, ":requesting", json_str(in, "requesting_state"));
    store_bind_text(st, ":requested", json_str(in, "requested_state"));
    store_bind_text(st, ":reference", json_str(in, "reference"));
    store_bind_text(st, ":on", on);
    store_bind_text(st, ":deadline", deadline);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    if ((e = insert_persons(s, id, rows))) goto rollback;
    detail = check_field_names(in);
    json_object_set_new(detail, "persons", json_integer((json_int_t)json_array_size(rows)));
    json_object_set_new(detail, "site_id", json_string(site));
    if ((e = audit_record(s, a, "create", "readmission", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_readmission_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(agreements);
    json_decref(rows);
    json_decref(detail);
    return e;
}

/* ---- read ---- */

#define REQUEST_COLUMNS                                                                            \
    "r.id, r.site_id, s.name, r.agreement, r.requesting_state, r.requested_state, r.reference,"    \
    " r.requested_on, r.deadline, r.status, r.answered_on, r.outcome, r.handover_on,"              \
    " r.border_crossing, r.note, r.by_name, r.created_at, r.updated_at,"                           \
    " (SELECT COUNT(*) FROM return_readmission_persons x WHERE x.request_id = r.id),"              \
    " (SELECT citizenship FROM return_readmission_persons x WHERE x.request_id = r.id"             \
    "  ORDER BY seq LIMIT 1)"

static const char one_sql[] =
    "SELECT " REQUEST_COLUMNS " FROM return_readmissions r JOIN sites s ON s.id = r.site_id"
    " WHERE r.id = :id AND (:all = 1 OR :sites LIKE '%,' || r.site_id || ',%')";
static const char persons_sql[] =
    "SELECT person_id, given_name, family_name, sex, birth_date, citizenship"
    " FROM return_readmission_persons WHERE request_id = :id ORDER BY seq";

static json_t *request_json(store_stmt *st, const char *today) {
    static const char *const cols[] = {"id",          "site_id",          "site_name",
                                       "agreement",   "requesting_state", "requested_state",
                                       "reference",   "requested_on",     "deadline",
                                       "status",      "answered_on",      "outcome",
                                       "handover_on", "border_crossing",  "note",
                                       "by_name",     "created_at",       "updated_at"};
    json_t *r = json_object();
    store_texts_to_json(st, r, cols, 18, 0);
    json_object_set_new(r, "persons_count", json_integer(store_int(st, 18)));
    json_set_str(r, "citizenship", store_is_null(st, 19) ? NULL : store_text(st, 19));
    bool overdue =
        !strcmp(json_str(r, "status"), "pending") && strcmp(json_str(r, "deadline"), today) < 0;
    json_object_set_new(r, "overdue", json_boolean(overdue));
    json_object_set_new(r, "next", json_array());
    return r;
}

/* The statuses a request in status may move to. */
static const struct {
    const char *from, *to;
} moves[] = {
    {"pending", "accepted"},     {"pending", "refused"},    {"pending", "withdrawn"},
    {"accepted", "handed_over"}, {"accepted", "withdrawn"},
};

static void set_next(json_t *r) {
    json_t *next = json_object_get(r, "next");
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, json_str(r, "status")))
            json_array_append_new(next, json_string(moves[i].to));
}

static herr *load_request(store *s, const actor *a, const char *id, json_t **out) {
    char today[CLOCK_DATE_LEN];
    char *scope = ret_scope(a);
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    clock_format_date(clock_now(), today);
    herr *e = store_prepare(s, one_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        store_bind_int(st, ":all", a->all_sites);
        store_bind_text(st, ":sites", scope);
        if (!(e = store_step(st, &row)) && row) *out = request_json(st, today);
    }
    store_done(st);
    mem_free(scope);
    if (!e && !*out) e = err_new(ERR_NOT_FOUND, "id", "no readmission request with id %s", id);
    if (!e) set_next(*out);
    return e;
}

herr *returns_readmission_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *r = NULL;
    bool row;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (!e) e = load_request(s, a, id, &r);
    if (e) return e;
    json_t *persons = json_array();
    json_object_set_new(r, "persons", persons);
    if ((e = store_prepare(s, persons_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        static const char *const cols[] = {"person_id", "given_name", "family_name",
                                           "sex",       "birth_date", "citizenship"};
        json_t *p = json_object();
        store_texts_to_json(st, p, cols, 6, 0);
        json_array_append_new(persons, p);
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if ((e = audit_record_read(s, a, "readmission", id, NULL))) goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    store_done(st);
    json_decref(r);
    return e;
}

static const char list_sql[] =
    "SELECT " REQUEST_COLUMNS ", COUNT(*) OVER () FROM return_readmissions r"
    " JOIN sites s ON s.id = r.site_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || r.site_id || ',%')"
    " AND (:status IS NULL OR r.status = :status OR (:status = 'open'"
    "  AND r.status IN ('pending', 'accepted')))"
    " AND (:overdue = 0 OR (r.status = 'pending' AND r.deadline < :today))"
    " AND (:state IS NULL OR r.requesting_state = :state OR r.requested_state = :state)"
    " ORDER BY r.status = 'pending' DESC, r.deadline, r.id LIMIT :limit OFFSET :offset";

static const char *const statuses[] = {"open",        "pending",   "accepted", "refused",
                                       "handed_over", "withdrawn", NULL};

herr *returns_readmission_list(store *s, const actor *a, const char *status, const char *state,
                               bool overdue_only, int limit, int offset, json_t **out) {
    char today[CLOCK_DATE_LEN];
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    bool row;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (!e && status) e = check_code("status", status, statuses);
    if (!e && state && !codes_country_valid(state))
        e = err_invalid("state", "state must be an ISO 3166 code such as HR, RS");
    if (e) return e;
    if (limit == 0) limit = 100;
    if (limit < 1 || limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    if (offset < 0)
        return err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                        (const char *)NULL);
    clock_format_date(clock_now(), today);
    scope = ret_scope(a);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":status", status);
    store_bind_int(st, ":overdue", overdue_only);
    store_bind_text(st, ":today", today);
    store_bind_text(st, ":state", state);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", offset);
    items = json_array();
    while (!(e = store_step(st, &row)) && row) {
        json_t *r = request_json(st, today);
        set_next(r);
        json_array_append_new(items, r);
        total = store_int(st, 20);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                     offset, "items", items);
cleanup:
    store_done(st);
    json_decref(items);
    mem_free(scope);
    return e;
}

/* ---- status ---- */

static const json_field status_fields[] = {
    {"to", JF_STRING, true, 16},
    {"on", JF_STRING, false, 10},
    {"outcome", JF_TEXT, false, 2000},
    {"border_crossing", JF_STRING, false, 120},
};

static const char move_sql[] =
    "UPDATE return_readmissions SET status = :to,"
    " answered_on = CASE WHEN :to IN ('accepted', 'refused') THEN :on ELSE answered_on END,"
    " outcome = COALESCE(:outcome, outcome),"
    " handover_on = CASE WHEN :to = 'handed_over' THEN :on ELSE handover_on END,"
    " border_crossing = COALESCE(:crossing, border_crossing), updated_at = :now"
    " WHERE id = :id AND status = :from";

/* The move's own checks: allowed from the status, the day, the details it needs. */
static herr *check_move(const json_t *r, const json_t *in, char on[CLOCK_DATE_LEN]) {
    const char *from = json_str(r, "status"), *to = json_str(in, "to");
    bool allowed = false;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        allowed = allowed || (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to));
    static const char *const targets[] = {"accepted", "refused", "handed_over", "withdrawn", NULL};
    herr *e = check_code("to", to, targets);
    if (e) return e;
    if (!allowed)
        return err_with(
            err_new(ERR_CONFLICT, "to", "a readmission request %s cannot become %s", from, to),
            "returns_readmission_status", "state", from, "to", to, (const char *)NULL);
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now() + 300, today);
    if ((e = check_date_text("on", json_str(in, "on"), false, on))) return e;
    if (!on[0]) clock_format_date(clock_now(), on);
    if (strcmp(on, today) > 0) return err_invalid("on", "on cannot be in the future");
    if (strcmp(on, json_str(r, "requested_on")) < 0)
        return err_invalid("on", "on cannot be before the request (%s)",
                           json_str(r, "requested_on"));
    if (!strcmp(to, "refused") && !json_str(in, "outcome"))
        return err_with(
            err_invalid("outcome", "outcome (the reason given) is required for a refusal"),
            "required", (const char *)NULL);
    if (!strcmp(to, "handed_over") && !json_str(in, "border_crossing") &&
        !json_str(r, "border_crossing"))
        return err_with(
            err_invalid("border_crossing", "border_crossing is required for a handover"),
            "required", (const char *)NULL);
    return NULL;
}

herr *returns_readmission_move(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out) {
    char on[CLOCK_DATE_LEN], now[CLOCK_ISO_LEN];
    json_t *r = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, status_fields, sizeof status_fields / sizeof status_fields[0]);
    if (!e) e = load_request(s, a, id, &r);
    if (!e) e = check_move(r, in, on);
    if (e) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, move_sql, &st))) goto rollback;
    store_bind_text(st, ":to", json_str(in, "to"));
    store_bind_text(st, ":on", on);
    store_bind_text(st, ":outcome", json_str(in, "outcome"));
    store_bind_text(st, ":crossing", json_str(in, "border_crossing"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":from", json_str(r, "status"));
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    if (store_changes(s) != 1) {
        e = err_with(err_new(ERR_CONFLICT, "to", "the request changed meanwhile: reload it"),
                     "returns_changed", (const char *)NULL);
        goto rollback;
    }
    detail = json_pack("{s:s,s:s,s:s}", "from", json_str(r, "status"), "to", json_str(in, "to"),
                       "on", on);
    if ((e = audit_record(s, a, "status", "readmission", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_readmission_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(r);
    json_decref(detail);
    return e;
}

/* ---- figures ---- */

static const char first_sql[] = "SELECT MIN(requested_on) FROM return_readmissions";
/* Each request once, under its first person's citizenship. */
static const char figures_sql[] =
    "SELECT p.citizenship, p.sex, COUNT(*) FROM return_readmissions r"
    " JOIN return_readmission_persons p ON p.request_id = r.id AND p.seq = 0"
    " WHERE r.requested_on >= substr(:from, 1, 10) AND r.requested_on < substr(:to, 1, 10)"
    " GROUP BY 1, 2";

herr *returns_readmission_breakdown(store *s, const char *from_iso, const char *to_iso,
                                    json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *first = json_null(), *groups = json_array();
    *out = NULL;
    herr *e = store_prepare(s, first_sql, &st);
    if (!e && !(e = store_step(st, &row)) && row && !store_is_null(st, 0)) {
        char t[CLOCK_ISO_LEN];
        snprintf(t, sizeof t, "%.10sT00:00:00Z", store_text(st, 0));
        json_decref(first);
        first = json_string(t);
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if ((e = store_prepare(s, figures_sql, &st))) goto cleanup;
    store_bind_text(st, ":from", from_iso);
    store_bind_text(st, ":to", to_iso);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(groups,
                              json_pack("{s:s,s:s,s:i,s:I}", "citizenship", store_text(st, 0),
                                        "sex", store_text(st, 1), "age_band", -1, "count",
                                        (json_int_t)store_int(st, 2)));
    if (e) goto cleanup;
    *out = json_pack("{s:O,s:O}", "first_use", first, "requests", groups);
cleanup:
    store_done(st);
    json_decref(first);
    json_decref(groups);
    return e;
}
