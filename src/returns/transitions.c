/* Moving a return case along its states, and the family members who travel on it.
 *
 * A transition is checked in this order, and nothing is written unless all pass: the
 * input's shape (400), the state machine (409: a skipped step names the one missing), the
 * time (400: not before the last transition, not in the future) and the details the new
 * state needs (400 naming "details.<name>"). The write is guarded by the state read, so
 * that two counsellors moving the same case at once cannot both succeed. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

#define CLOCK_SKEW_SECONDS 300

static const json_field transition_fields[] = {
    {"to", JF_STRING, true, 24},
    {"at", JF_STRING, false, 40},
    {"details", JF_OBJECT, false, 0},
};

static const char *const document_types[] = {"passport", "travel_document", "laissez_passer",
                                             "id_card", NULL};
static const char *const clearances[] = {"fit", "fit_with_assistance", NULL};
static const char *const escorts[] = {"none", "operational", "medical", "social", NULL};

/* True when name is an item of the comma list. */
static bool in_list(const char *list, const char *name) {
    size_t len = strlen(name);
    for (const char *p = list; (p = strstr(p, name)); p += len)
        if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0')) return true;
    return false;
}

static herr *check_detail_value(const char *name, const json_t *v, const char *at_date,
                                char *field) {
    const char *text = json_string_value(v);
    if (!json_is_string(v)) return err_invalid(field, "%s must be text", field);
    json_t *wrap = json_pack("{s:O}", "v", v);
    herr *e = check_not_blank(wrap, "v", true);
    json_decref(wrap);
    if (e) {
        err_free(e);
        return err_with(err_invalid(field, "%s cannot be empty", field), "empty",
                        (const char *)NULL);
    }
    size_t max = strcmp(name, "note") && strcmp(name, "itinerary") ? 200 : 2000;
    if (strlen(text) > max)
        return err_with(err_invalid(field, "%s is too long", field), "too_long", "max",
                        max == 200 ? "200" : "2000", (const char *)NULL);
    if (!strcmp(name, "document_type")) return check_code(field, text, document_types);
    if (!strcmp(name, "medical_clearance")) return check_code(field, text, clearances);
    if (!strcmp(name, "escort")) return check_code(field, text, escorts);
    if (!strcmp(name, "departure_date") || !strcmp(name, "arrival_date")) {
        char date[CLOCK_DATE_LEN];
        if ((e = check_date_text(field, text, true, date))) return e;
        if (strcmp(date, at_date) > 0)
            return err_invalid(field, "%s cannot be after the day of the transition (%s)", field,
                               at_date);
    }
    return NULL;
}

/* The details against the state's required and optional names. */
static herr *check_details(const ret_state *to, const json_t *details, const char *at) {
    char field[64], at_date[CLOCK_DATE_LEN];
    snprintf(at_date, sizeof at_date, "%.10s", at);
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)details, name, v) {
        snprintf(field, sizeof field, "details.%s", name);
        if (!in_list(to->required, name) && !in_list(to->optional, name))
            return err_invalid(field, "%s is not a detail of the state %s", name, to->state);
        if (json_is_null(v)) continue;
        herr *e = check_detail_value(name, v, at_date, field);
        if (e) return e;
    }
    char copy[96], *save = NULL;
    snprintf(copy, sizeof copy, "%s", to->required);
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        json_t *have = details ? json_object_get(details, tok) : NULL;
        if (!have || json_is_null(have)) {
            snprintf(field, sizeof field, "details.%s", tok);
            return err_with(
                err_invalid(field, "%s is required to move the case to %s", field, to->state),
                "returns_detail_required", "detail", tok, "state", to->state, (const char *)NULL);
        }
    }
    return NULL;
}

static const char move_sql[] =
    "UPDATE return_cases SET state = :to, state_at = :at, due_at = :due,"
    " closed_reason = COALESCE(:reason, closed_reason), updated_at = :now"
    " WHERE id = :id AND state = :from";

herr *returns_case_transition(store *s, const actor *a, const char *id, const json_t *in,
                              json_t **out) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    char at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], due[CLOCK_ISO_LEN];
    json_t *c = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, transition_fields, 3);
    if (e) return e;
    const char *to = json_str(in, "to");
    const ret_state *target = ret_state_find(states, n, to);
    if (!target) return err_invalid("to", "no state %s", to);
    if ((e = retc_row(s, a, id, &c))) return e;
    const char *from = json_str(c, "state");
    if ((e = ret_transition_check(states, n, from, to))) goto cleanup;
    if ((e = check_time(in, "at", clock_now(), CLOCK_SKEW_SECONDS, at))) goto cleanup;
    if (strcmp(at, json_str(c, "state_at")) < 0) {
        e = err_with(err_invalid("at", "at cannot be before the case entered %s (%s)", from,
                                 json_str(c, "state_at")),
                     "returns_before_last_step", "at", json_str(c, "state_at"), (const char *)NULL);
        goto cleanup;
    }
    const json_t *details = json_object_get(in, "details");
    if ((e = check_details(target, json_is_object(details) ? details : NULL, at))) goto cleanup;
    clock_format_iso(clock_now(), now);
    retc_due_at(to, at, due);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, move_sql, &st))) goto rollback;
    store_bind_text(st, ":to", to);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":due", due[0] ? due : NULL);
    store_bind_text(st, ":reason",
                    target->step == 0 && json_is_object(details) ? json_str(details, "reason")
                                                                 : NULL);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":from", from);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (store_changes(s) != 1) {
        e = err_with(err_new(ERR_CONFLICT, "to", "the case changed meanwhile: reload it"),
                     "returns_changed", (const char *)NULL);
        goto rollback;
    }
    if ((e = retc_insert_transition(s, a, id, from, to, at,
                                    json_is_object(details) ? details : NULL)))
        goto rollback;
    detail = json_pack("{s:s,s:s}", "from", from, "to", to);
    if (!strcmp(to, "departed")) {
        json_t *closed = NULL;
        if ((e = ret_departure_close_stays(s, a, id, at, &closed))) goto rollback;
        json_object_set_new(detail, "stays_checked_out", closed);
    }
    if (json_is_object(details)) {
        json_t *names = check_field_names(details);
        json_object_set(detail, "details", json_object_get(names, "fields"));
        json_decref(names);
    }
    if ((e = audit_record(s, a, "transition", "return_case", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}

/* ERR_CONFLICT unless travellers may still change: the case is open and not departed. */
static herr *check_travellers_open(const json_t *c) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    const char *state = json_str(c, "state");
    const ret_state *st = ret_state_find(states, n, state);
    const ret_state *departed = ret_state_find(states, n, "departed");
    if (ret_state_closed(states, n, state) || (st && departed && st->step >= departed->step))
        return err_with(
            err_new(ERR_CONFLICT, "person_id", "travellers cannot change on a case in %s", state),
            "returns_travellers_fixed", "state", state, (const char *)NULL);
    return NULL;
}

static const char remove_sql[] =
    "DELETE FROM return_travellers WHERE case_id = :case AND person_id = :person AND principal = 0";
static const char touch_sql[] = "UPDATE return_cases SET updated_at = :now WHERE id = :id";

static herr *touch(store *s, const char *id) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, touch_sql, &st);
    if (e) return e;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    return store_run_done(&st);
}

herr *returns_traveller_add(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out) {
    static const json_field fields[] = {{"person_id", JF_STRING, true, 40}};
    char site[ID_LEN], now[CLOCK_ISO_LEN];
    json_t *c = NULL, *detail = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, fields, 1);
    if (e) return e;
    const char *person = json_str(in, "person_id");
    if ((e = retc_row(s, a, id, &c))) return e;
    if ((e = check_travellers_open(c))) goto cleanup;
    if ((e = ret_person_site(s, a, "person_id", person, NULL, site, NULL))) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    /* On this case already, or on another open one: both refused. */
    if ((e = retc_check_not_on_open_case(s, "person_id", person, NULL))) goto rollback;
    if ((e = retc_insert_traveller(s, id, person, false, now))) goto rollback;
    if ((e = touch(s, id))) goto rollback;
    detail = json_pack("{s:s}", "person_id", person);
    if ((e = audit_record(s, a, "add_traveller", "return_case", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}

herr *returns_traveller_remove(store *s, const actor *a, const char *id, const char *person_id,
                               json_t **out) {
    json_t *c = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (e) return e;
    if ((e = retc_row(s, a, id, &c))) return e;
    if ((e = check_travellers_open(c))) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, remove_sql, &st))) goto rollback;
    store_bind_text(st, ":case", id);
    store_bind_text(st, ":person", person_id);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (store_changes(s) != 1) {
        e = err_new(ERR_NOT_FOUND, "person_id",
                    "person %s is not a family member travelling on this case", person_id);
        goto rollback;
    }
    if ((e = touch(s, id))) goto rollback;
    detail = json_pack("{s:s}", "person_id", person_id);
    if ((e = audit_record(s, a, "remove_traveller", "return_case", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}
