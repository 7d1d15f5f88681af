/* Return cases: create, read and list. Transitions and travellers are in
 * transitions.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

#define MAX_TRAVELLERS 20

static const json_field case_fields[] = {
    {"person_id", JF_STRING, true, 40},
    {"destination_country", JF_STRING, true, 16},
    {"destination_place", JF_STRING, false, 120},
    {"counsellor_id", JF_STRING, false, 40},
    {"site_id", JF_STRING, false, 40},
    {"travellers", JF_STRING_ARRAY, false, MAX_TRAVELLERS},
    {"note", JF_TEXT, false, 2000},
    {"opened_at", JF_STRING, false, 40},
};

#define CLOCK_SKEW_SECONDS 300

char *retc_closed_list(void) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    char *list = mem_strdup(",");
    for (int i = 0; i < n; i++) {
        if (!ret_state_closed(states, n, states[i].state)) continue;
        char *next = mem_printf("%s%s,", list, states[i].state);
        mem_free(list);
        list = next;
    }
    return list;
}

static const char open_case_sql[] =
    "SELECT c.id FROM return_travellers t JOIN return_cases c ON c.id = t.case_id"
    " WHERE t.person_id = :person AND :closed NOT LIKE '%,' || c.state || ',%'"
    " AND (:except IS NULL OR c.id <> :except) LIMIT 1";

herr *retc_check_not_on_open_case(store *s, const char *field, const char *person_id,
                                  const char *except_case) {
    store_stmt *st = NULL;
    char *closed = retc_closed_list();
    bool row = false;
    herr *e = store_prepare(s, open_case_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":closed", closed);
    store_bind_text(st, ":except", except_case);
    if ((e = store_step(st, &row))) goto cleanup;
    if (row)
        e = err_with(err_new(ERR_CONFLICT, field, "person %s is already on open return case %s",
                             person_id, store_text(st, 0)),
                     "returns_already_on_case", (const char *)NULL);
cleanup:
    store_done(st);
    mem_free(closed);
    return e;
}

void retc_due_at(const char *state, const char *state_at, char out[CLOCK_ISO_LEN]) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    const ret_state *st = ret_state_find(states, n, state);
    int64_t t;
    out[0] = '\0';
    if (!st || st->overdue_days <= 0 || ret_state_closed(states, n, state)) return;
    if (!clock_parse_iso(state_at, &t)) return;
    clock_format_iso(t + (int64_t)st->overdue_days * 86400, out);
}

static const char insert_case_sql[] =
    "INSERT INTO return_cases (id, person_id, site_id, destination_country, destination_place,"
    " counsellor_id, counsellor_name, state, state_at, due_at, note, by_id, by_name, created_at,"
    " updated_at) VALUES (:id, :person, :site, :country, :place, :counsellor, :counsellor_name,"
    " 'intention', :opened, :due, :note, :by_id, :by_name, :now, :now)";
static const char insert_traveller_sql[] =
    "INSERT INTO return_travellers (case_id, person_id, principal, added_at)"
    " VALUES (:case, :person, :principal, :at)";
static const char insert_transition_sql[] =
    "INSERT INTO return_transitions (id, case_id, from_state, to_state, at, details, by_id,"
    " by_name, recorded_at) VALUES (:id, :case, :from, :to, :at, :details, :by_id, :by_name,"
    " :now)";

herr *retc_insert_traveller(store *s, const char *case_id, const char *person_id, bool principal,
                            const char *at) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, insert_traveller_sql, &st);
    if (e) return e;
    store_bind_text(st, ":case", case_id);
    store_bind_text(st, ":person", person_id);
    store_bind_int(st, ":principal", principal);
    store_bind_text(st, ":at", at);
    return store_run_done(&st);
}

herr *retc_insert_transition(store *s, const actor *a, const char *case_id, const char *from,
                             const char *to, const char *at, const json_t *details) {
    store_stmt *st = NULL;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    id_new(id);
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, insert_transition_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case", case_id);
    store_bind_text(st, ":from", from);
    store_bind_text(st, ":to", to);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":details", text ? text : "{}");
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
cleanup:
    free(text);
    return e;
}

/* Checks the family members: visible to the actor, not the principal, each once, on no
 * open case. */
static herr *check_travellers(store *s, const actor *a, const json_t *list, const char *principal) {
    size_t i, j;
    json_t *v;
    char field[48], site[ID_LEN];
    json_array_foreach(list, i, v) {
        const char *pid = json_string_value(v);
        snprintf(field, sizeof field, "travellers[%zu]", i);
        herr *e = ret_person_site(s, a, field, pid, NULL, site, NULL);
        if (e) return e;
        if (!strcmp(pid, principal))
            return err_invalid(field, "the principal returnee is a traveller already");
        for (j = 0; j < i; j++)
            if (!strcmp(json_string_value(json_array_get(list, j)), pid))
                return err_invalid(field, "person %s is listed twice", pid);
        if ((e = retc_check_not_on_open_case(s, field, pid, NULL))) return e;
    }
    return NULL;
}

herr *returns_case_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char site[ID_LEN], cid[ID_LEN], cname[72], id[ID_LEN], now[CLOCK_ISO_LEN], due[CLOCK_ISO_LEN],
        opened[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    json_t *detail = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, case_fields, sizeof case_fields / sizeof case_fields[0]);
    if (e) return e;
    const char *person = json_str(in, "person_id");
    const char *country = json_str(in, "destination_country");
    if (!codes_country_valid(country))
        return err_invalid("destination_country",
                           "destination_country must be an ISO 3166 code such as MA, TR, PK");
    if ((e = check_time(in, "opened_at", clock_now(), CLOCK_SKEW_SECONDS, opened))) return e;
    if ((e = ret_person_site(s, a, "person_id", person, json_str(in, "site_id"), site, NULL)))
        return e;
    if ((e = ret_counsellor(s, a, json_str(in, "counsellor_id"), false, cid, cname))) return e;
    if ((e = check_travellers(s, a, json_object_get(in, "travellers"), person))) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    retc_due_at("intention", opened, due);
    if ((e = store_begin(s))) return e;
    /* Checked inside the transaction too: two counsellors may open a case at once. */
    if ((e = retc_check_not_on_open_case(s, "person_id", person, NULL))) goto rollback;
    if ((e = store_prepare(s, insert_case_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", person);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":country", country);
    store_bind_text(st, ":place", json_str(in, "destination_place"));
    store_bind_text(st, ":counsellor", cid[0] ? cid : NULL);
    store_bind_text(st, ":counsellor_name", cname[0] ? cname : NULL);
    store_bind_text(st, ":opened", opened);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":due", due[0] ? due : NULL);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if ((e = retc_insert_traveller(s, id, person, true, now))) goto rollback;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "travellers"), i, v) {
        if ((e = retc_insert_traveller(s, id, json_string_value(v), false, now))) goto rollback;
    }
    if ((e = retc_insert_transition(s, a, id, NULL, "intention", opened, NULL))) goto rollback;
    detail = check_field_names(in);
    json_object_set_new(detail, "site_id", json_string(site));
    json_object_set_new(detail, "person_id", json_string(person));
    if ((e = audit_record(s, a, "create", "return_case", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(detail);
    return e;
}

#define CASE_COLUMNS                                                                               \
    "c.id, c.person_id, p.reg_no, p.given_name, p.family_name, p.sex, c.site_id, si.name,"         \
    " c.destination_country, c.destination_place, c.counsellor_id, c.counsellor_name, c.state,"    \
    " c.state_at, c.due_at, c.closed_reason, c.note, c.created_at, c.updated_at,"                  \
    " (SELECT COUNT(*) FROM return_travellers t WHERE t.case_id = c.id)"
#define CASE_FROM                                                                                  \
    " FROM return_cases c JOIN persons p ON p.id = c.person_id JOIN sites si ON si.id = c.site_id"

static json_t *case_json(store_stmt *st, const ret_state *states, int n, const char *now) {
    static const char *const cols[] = {"id",
                                       "person_id",
                                       "reg_no",
                                       "given_name",
                                       "family_name",
                                       "sex",
                                       "site_id",
                                       "site_name",
                                       "destination_country",
                                       "destination_place",
                                       "counsellor_id",
                                       "counsellor_name",
                                       "state",
                                       "state_at",
                                       "due_at",
                                       "closed_reason",
                                       "note",
                                       "created_at",
                                       "updated_at"};
    json_t *c = json_object();
    store_texts_to_json(st, c, cols, 19, 0);
    json_object_set_new(c, "travellers_count", json_integer(store_int(st, 19)));
    const char *due = json_str(c, "due_at");
    json_object_set_new(c, "overdue", json_boolean(due && strcmp(due, now) < 0));
    json_object_set_new(c, "closed",
                        json_boolean(ret_state_closed(states, n, json_str(c, "state"))));
    json_object_set_new(c, "next", ret_next_states(states, n, json_str(c, "state")));
    return c;
}

static const char row_sql[] =
    "SELECT " CASE_COLUMNS CASE_FROM " WHERE c.id = :id AND (:all = 1 OR :sites LIKE '%,' ||"
    " c.site_id || ',%')";

herr *retc_row(store *s, const actor *a, const char *id, json_t **out) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    bool row = false;
    char *scope = NULL;
    *out = NULL;
    if (!id || !id_is_valid(id))
        return err_new(ERR_NOT_FOUND, "id", "no return case with id %s", id ? id : "");
    clock_format_iso(clock_now(), now);
    scope = ret_scope(a);
    herr *e = store_prepare(s, row_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no return case with id %s", id);
        goto cleanup;
    }
    *out = case_json(st, states, n, now);
cleanup:
    store_done(st);
    mem_free(scope);
    return e;
}

static const char travellers_sql[] =
    "SELECT p.id, p.reg_no, p.given_name, p.family_name, p.sex, p.birth_date, t.principal"
    " FROM return_travellers t JOIN persons p ON p.id = t.person_id WHERE t.case_id = :id"
    " ORDER BY t.principal DESC, t.added_at, p.given_name";
static const char history_sql[] =
    "SELECT from_state, to_state, at, by_name, details, recorded_at FROM return_transitions"
    " WHERE case_id = :id ORDER BY at, recorded_at, rowid";

/* Travellers with the child mark; the case is vulnerable when one of them is a child or
 * has protection needs (protection's yes/no flag: no detail is read). */
static herr *add_travellers(store *s, json_t *c) {
    store_stmt *st = NULL;
    bool row, child_any = false, needs_any = false;
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    json_t *list = json_array();
    json_object_set_new(c, "travellers", list);
    herr *e = store_prepare(s, travellers_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", json_str(c, "id"));
    while (!(e = store_step(st, &row)) && row) {
        const char *birth = store_is_null(st, 5) ? NULL : store_text(st, 5);
        bool child = ret_is_child(birth, today);
        child_any |= child;
        json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "person_id", store_text(st, 0),
                              "reg_no", store_text(st, 1), "given_name", store_text(st, 2),
                              "family_name", store_text(st, 3), "sex", store_text(st, 4), "child",
                              child, "principal", (int)store_int(st, 6));
        json_set_str(t, "birth_date", birth);
        json_array_append_new(list, t);
    }
    store_done(st);
    if (e) return e;
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        bool needs = false;
        if ((e = protection_person_flag(s, json_str(t, "person_id"), &needs))) return e;
        needs_any |= needs;
    }
    json_t *reasons = json_array();
    if (child_any) json_array_append_new(reasons, json_string("child"));
    if (needs_any) json_array_append_new(reasons, json_string("protection_needs"));
    json_object_set_new(c, "vulnerable", json_boolean(child_any || needs_any));
    json_object_set_new(c, "vulnerable_reasons", reasons);
    return NULL;
}

static herr *add_history(store *s, json_t *c) {
    store_stmt *st = NULL;
    bool row;
    json_t *list = json_array();
    json_object_set_new(c, "history", list);
    herr *e = store_prepare(s, history_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", json_str(c, "id"));
    while (!(e = store_step(st, &row)) && row) {
        json_t *h = json_object();
        json_set_str(h, "from", store_is_null(st, 0) ? NULL : store_text(st, 0));
        json_set_str(h, "to", store_text(st, 1));
        json_set_str(h, "at", store_text(st, 2));
        json_set_str(h, "by_name", store_text(st, 3));
        json_t *d = json_loads(store_text(st, 4), 0, NULL);
        json_object_set_new(h, "details", d ? d : json_object());
        json_set_str(h, "recorded_at", store_text(st, 5));
        json_array_append_new(list, h);
    }
    store_done(st);
    return e;
}

herr *returns_case_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *c = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (!e) e = retc_row(s, a, id, &c);
    if (!e) e = add_travellers(s, c);
    if (!e) e = add_history(s, c);
    if (!e) {
        json_t *plan = NULL;
        e = returns_plan_of_case(s, id, &plan);
        if (!e) json_object_set_new(c, "plan", plan);
    }
    if (!e) e = audit_record_read(s, a, "return_case", id, NULL);
    if (e) {
        json_decref(c);
        return e;
    }
    *out = c;
    return NULL;
}

static const char list_sql[] =
    "SELECT " CASE_COLUMNS ", COUNT(*) OVER ()" CASE_FROM
    " WHERE (:all = 1 OR :sites LIKE '%,' || c.site_id || ',%')"
    " AND (:site IS NULL OR c.site_id = :site)"
    " AND (:state IS NULL OR c.state = :state OR (:state = 'open' AND :closed NOT LIKE"
    "  '%,' || c.state || ',%'))"
    " AND (:dest IS NULL OR c.destination_country = :dest)"
    " AND (:counsellor IS NULL OR c.counsellor_id = :counsellor)"
    " AND (:person IS NULL OR EXISTS (SELECT 1 FROM return_travellers t WHERE t.case_id = c.id"
    "  AND t.person_id = :person))"
    " AND (:overdue = 0 OR (c.due_at IS NOT NULL AND c.due_at < :now))"
    " ORDER BY c.state_at, c.id LIMIT :limit OFFSET :offset";

herr *returns_case_list(store *s, const actor *a, const returns_query *q, json_t **out) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    char *scope = NULL, *closed = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    bool row;
    int limit = q->limit ? q->limit : 100;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (e) return e;
    if (limit < 1 || limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    if (q->offset < 0)
        return err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                        (const char *)NULL);
    if (q->state && strcmp(q->state, "open") && !ret_state_find(states, n, q->state))
        return err_invalid("state", "no state %s", q->state);
    if (q->site_id && !actor_has_site(a, q->site_id))
        return err_with(err_invalid("site", "no site with id %s among your sites", q->site_id),
                        "site_unknown", (const char *)NULL);
    if (q->destination && !codes_country_valid(q->destination))
        return err_invalid("destination", "destination must be an ISO 3166 code");
    clock_format_iso(clock_now(), now);
    scope = ret_scope(a);
    closed = retc_closed_list();
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":state", q->state);
    store_bind_text(st, ":closed", closed);
    store_bind_text(st, ":dest", q->destination);
    store_bind_text(st, ":counsellor", q->counsellor_id);
    store_bind_text(st, ":person", q->person_id);
    store_bind_int(st, ":overdue", q->overdue_only);
    store_bind_text(st, ":now", now);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    items = json_array();
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, case_json(st, states, n, now));
        total = store_int(st, 20);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                     q->offset, "items", items);
cleanup:
    store_done(st);
    json_decref(items);
    mem_free(scope);
    mem_free(closed);
    return e;
}
