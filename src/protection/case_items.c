/* What a case holds: the plan (actions with due dates), notes and follow-ups,
 * best-interests assessments for children, and the history of events. Every text is
 * sealed. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_cases.h"
#include "registry/registry.h"

static const char *const action_statuses[] = {"open", "done", "cancelled", NULL};
static const char *const note_kinds[] = {"note", "follow_up", NULL};
static const char *const bia_outcomes[] = {"remain_in_care",
                                           "family_tracing",
                                           "family_reunification",
                                           "alternative_care",
                                           "specialised_services",
                                           "other",
                                           NULL};

/* ---- reading ------------------------------------------------------------------------ */

static const char actions_sql[] =
    "SELECT id, description, due_date, status, created_at, by_name, done_at, done_by_name"
    " FROM protection_case_actions WHERE case_id = :id ORDER BY due_date, id";
static const char notes_sql[] =
    "SELECT id, text, kind, next_follow_up, written_at, by_name FROM protection_case_notes"
    " WHERE case_id = :id ORDER BY written_at DESC, id DESC";
static const char bia_sql[] =
    "SELECT id, summary, assessed_at, outcome, by_name FROM protection_bia WHERE case_id = :id"
    " ORDER BY assessed_at DESC, id DESC";
static const char events_sql[] =
    "SELECT id, note, kind, from_site_id, to_site_id, worker_id, at, by_name"
    " FROM protection_case_events WHERE case_id = :id ORDER BY at, id";

typedef struct {
    const char *sql, *key, *table, *sealed_column;
    const char *const *columns; /* JSON keys of columns 2.. (NULL-terminated) */
} item_list;

static const char *const action_keys[] = {"due_date", "status",  "created_at", "created_by",
                                          "done_at",  "done_by", NULL};
static const char *const note_keys[] = {"kind", "next_follow_up", "written_at", "written_by", NULL};
static const char *const bia_keys[] = {"assessed_at", "outcome", "assessed_by", NULL};
static const char *const event_keys[] = {"kind", "from_site_id", "to_site_id", "worker_id",
                                         "at",   "by",           NULL};

static const item_list item_lists[] = {
    {actions_sql, "actions", "protection_case_actions", "description", action_keys},
    {notes_sql, "notes", "protection_case_notes", "text", note_keys},
    {bia_sql, "best_interests", "protection_bia", "summary", bia_keys},
    {events_sql, "events", "protection_case_events", "note", event_keys},
};

/* Rows are (id, sealed value, other columns...). */
static herr *read_items(store *s, const char *case_id, const item_list *l, json_t *c) {
    store_stmt *st = NULL;
    bool row;
    json_t *items = json_array();
    json_object_set_new(c, l->key, items);
    herr *e = store_prepare(s, l->sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", case_id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *item = json_pack("{s:s}", "id", store_text(st, 0));
        for (int i = 0; l->columns[i]; i++) prot_set_col(item, l->columns[i], st, i + 2);
        json_array_append_new(items, item);
        if ((e = prot_open_into(st, 1, l->table, store_text(st, 0), l->sealed_column, item,
                                l->sealed_column)))
            break;
    }
    store_done(st);
    return e;
}

herr *prot_case_items(store *s, json_t *c) {
    const char *id = json_str(c, "id");
    for (size_t i = 0; i < sizeof item_lists / sizeof item_lists[0]; i++) {
        herr *e = read_items(s, id, &item_lists[i], c);
        if (e) return e;
    }
    return NULL;
}

/* ---- writing ------------------------------------------------------------------------ */

/* Audits a case item write and commits it. */
static herr *finish(store *s, const actor *a, const char *action, const char *entity,
                    const char *item_id, const json_t *c, const json_t *in) {
    json_t *detail = check_field_names(in);
    json_object_set_new(detail, "case_id", json_string(json_str(c, "id")));
    json_object_set_new(detail, "person_id", json_string(json_str(c, "person_id")));
    herr *e = audit_record(s, a, action, entity, item_id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
    return e;
}

static const json_field action_add_fields[] = {
    {"description", JF_TEXT, true, 1000},
    {"due_date", JF_STRING, true, 10},
};

static const char action_insert_sql[] =
    "INSERT INTO protection_case_actions (id, case_id, description, due_date, status,"
    " created_at, by_id, by_name) VALUES (:id, :case_id, :description, :due_date, 'open',"
    " :now, :by_id, :by_name)";

herr *protection_case_action_add(store *s, const actor *a, const char *case_id, const json_t *in,
                                 json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL;
    bool began = false;
    herr *e =
        json_check(in, action_add_fields, sizeof action_add_fields / sizeof action_add_fields[0]);
    char due[CLOCK_DATE_LEN], id[ID_LEN], now[CLOCK_ISO_LEN];
    if (!e) e = check_not_blank(in, "description", true);
    if (!e) e = check_date(in, "due_date", true, due);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, case_id, &c))) goto cleanup;
    if ((e = store_prepare(s, action_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case_id", case_id);
    store_bind_text(st, ":due_date", due);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = prot_bind_sealed(st, ":description", "protection_case_actions", id, "description",
                              json_str(in, "description"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = finish(s, a, "create", "protection_case_action", id, c, in))) goto cleanup;
    began = false;
    e = prot_case_full(s, case_id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    return e;
}

static const json_field action_update_fields[] = {
    {"status", JF_STRING, false, 10},
    {"due_date", JF_STRING, false, 10},
    {"description", JF_TEXT, false, 1000},
};

static const char action_get_sql[] =
    "SELECT status, due_date FROM protection_case_actions WHERE id = :id AND case_id = :case_id";
static const char action_update_sql[] =
    "UPDATE protection_case_actions SET status = :status, due_date = :due_date,"
    " description = COALESCE(:description, description),"
    " done_at = CASE WHEN :status = 'done' AND status <> 'done' THEN :now"
    "  WHEN :status = 'done' THEN done_at ELSE NULL END,"
    " done_by_name = CASE WHEN :status = 'done' AND status <> 'done' THEN :by_name"
    "  WHEN :status = 'done' THEN done_by_name ELSE NULL END WHERE id = :id";

herr *protection_case_action_update(store *s, const actor *a, const char *case_id,
                                    const char *action_id, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL;
    bool began = false, row = false;
    herr *e = json_check(in, action_update_fields,
                         sizeof action_update_fields / sizeof action_update_fields[0]);
    char due[CLOCK_DATE_LEN], status[16] = "", old_due[CLOCK_DATE_LEN] = "", now[CLOCK_ISO_LEN];
    if (!e && json_object_size(in) == 0)
        e = err_invalid("body", "give at least one field to change");
    if (!e && json_has(in, "status"))
        e = check_code("status", json_str(in, "status"), action_statuses);
    if (!e) e = check_date(in, "due_date", false, due);
    if (!e) e = check_not_blank(in, "description", false);
    if (e) return e;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, case_id, &c))) goto cleanup;
    if ((e = store_prepare(s, action_get_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", action_id);
    store_bind_text(st, ":case_id", case_id);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(status, sizeof status, "%s", store_text(st, 0));
        snprintf(old_due, sizeof old_due, "%s", store_text(st, 1));
    }
    store_done(st);
    st = NULL;
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "action_id", "no action %s in this case", action_id);
    if (e) goto cleanup;
    if ((e = store_prepare(s, action_update_sql, &st))) goto cleanup;
    store_bind_text(st, ":status", json_str(in, "status") ? json_str(in, "status") : status);
    store_bind_text(st, ":due_date", due[0] ? due : old_due);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":id", action_id);
    if ((e = prot_bind_sealed(st, ":description", "protection_case_actions", action_id,
                              "description", json_str(in, "description"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = finish(s, a, "update", "protection_case_action", action_id, c, in))) goto cleanup;
    began = false;
    e = prot_case_full(s, case_id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    return e;
}

static const json_field note_fields[] = {
    {"kind", JF_STRING, false, 10},
    {"text", JF_TEXT, true, 8000},
    {"next_follow_up", JF_STRING, false, 10},
};

static const char note_insert_sql[] =
    "INSERT INTO protection_case_notes (id, case_id, kind, text, next_follow_up, written_at,"
    " by_id, by_name) VALUES (:id, :case_id, :kind, :text, :next, :now, :by_id, :by_name)";
static const char follow_up_sql[] =
    "UPDATE protection_cases SET next_follow_up = :next, updated_at = :now WHERE id = :id";

herr *protection_case_note_add(store *s, const actor *a, const char *case_id, const json_t *in,
                               json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL;
    bool began = false;
    herr *e = json_check(in, note_fields, sizeof note_fields / sizeof note_fields[0]);
    const char *kind = json_str(in, "kind") ? json_str(in, "kind") : "note";
    char next[CLOCK_DATE_LEN], id[ID_LEN], now[CLOCK_ISO_LEN];
    if (!e) e = check_code("kind", kind, note_kinds);
    if (!e) e = check_not_blank(in, "text", true);
    if (!e) e = check_date(in, "next_follow_up", false, next);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, case_id, &c))) goto cleanup;
    if ((e = store_prepare(s, note_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case_id", case_id);
    store_bind_text(st, ":kind", kind);
    store_bind_text(st, ":next", next[0] ? next : NULL);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = prot_bind_sealed(st, ":text", "protection_case_notes", id, "text",
                              json_str(in, "text"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if (next[0]) {
        if ((e = store_prepare(s, follow_up_sql, &st))) goto cleanup;
        store_bind_text(st, ":next", next);
        store_bind_text(st, ":now", now);
        store_bind_text(st, ":id", case_id);
        if ((e = store_run_done(&st))) goto cleanup;
        st = NULL;
    }
    if ((e = finish(s, a, "create", "protection_case_note", id, c, in))) goto cleanup;
    began = false;
    e = prot_case_full(s, case_id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    return e;
}

static const json_field bia_fields[] = {
    {"assessed_at", JF_STRING, false, 40},
    {"outcome", JF_STRING, true, 30},
    {"summary", JF_TEXT, true, 8000},
};

/* A best-interests assessment is for children. The case's person is an adult when even
 * the latest birth date the record allows (the date itself; 31 December of a year given
 * alone or of an estimated age) is 18 years or more before today. A person without a
 * birth date keeps the assessment: age is often what is in doubt. ERR_INVALID naming
 * "person_id" for an adult. */
static herr *check_child(store *s, const actor *a, const char *person_id) {
    json_t *p = NULL;
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) return e;
    const char *birth = json_str(p, "birth_date");
    const char *precision = json_str(p, "birth_date_precision");
    int y = 0, m = 0, d = 0, ty = 0, tm = 0, td = 0;
    if (birth && clock_parse_date(birth, &y, &m, &d)) {
        if (precision && strcmp(precision, "exact") != 0) m = 12, d = 31;
        clock_civil_from_days(clock_now() / 86400, &ty, &tm, &td);
        int age = ty - y - ((tm < m || (tm == m && td < d)) ? 1 : 0);
        if (age >= 18)
            e = err_with(err_invalid("person_id",
                                     "a best-interests assessment is for children; the person "
                                     "of this case was born %s and is an adult",
                                     birth),
                         "bia_adult", (const char *)NULL);
    }
    json_decref(p);
    return e;
}

static const char bia_insert_sql[] =
    "INSERT INTO protection_bia (id, case_id, assessed_at, outcome, summary, by_id, by_name,"
    " created_at) VALUES (:id, :case_id, :assessed_at, :outcome, :summary, :by_id, :by_name,"
    " :now)";

herr *protection_case_bia_add(store *s, const actor *a, const char *case_id, const json_t *in,
                              json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL;
    bool began = false;
    herr *e = json_check(in, bia_fields, sizeof bia_fields / sizeof bia_fields[0]);
    char at[CLOCK_ISO_LEN], id[ID_LEN], now[CLOCK_ISO_LEN];
    if (!e) e = check_code("outcome", json_str(in, "outcome"), bia_outcomes);
    if (!e) e = check_not_blank(in, "summary", true);
    if (!e) e = check_time(in, "assessed_at", clock_now(), 86400, at);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, case_id, &c))) goto cleanup;
    if ((e = check_child(s, a, json_str(c, "person_id")))) goto cleanup;
    if ((e = store_prepare(s, bia_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case_id", case_id);
    store_bind_text(st, ":assessed_at", at);
    store_bind_text(st, ":outcome", json_str(in, "outcome"));
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = prot_bind_sealed(st, ":summary", "protection_bia", id, "summary",
                              json_str(in, "summary"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = finish(s, a, "create", "protection_bia", id, c, in))) goto cleanup;
    began = false;
    e = prot_case_full(s, case_id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    return e;
}
