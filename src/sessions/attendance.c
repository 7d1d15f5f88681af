/* Attendance of group sessions: registered people and anonymous counts, which add up to
 * the session's total. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

#define MAX_MANY 500

static const char *const sexes[] = {"F", "M", "X", NULL};

static const json_field count_fields[] = {
    {"sex", JF_STRING, true, 2},
    {"age_group", JF_STRING, true, 16},
    {"count", JF_INT, true, 0},
};

herr *sess_check_counts(const json_t *counts) {
    if (!json_is_array(counts)) return err_invalid("counts", "counts must be a list");
    size_t i, j;
    json_t *c, *d;
    json_array_foreach(counts, i, c) {
        char field[48];
        snprintf(field, sizeof field, "counts[%zu]", i);
        herr *e = json_check(c, count_fields, sizeof count_fields / sizeof count_fields[0]);
        if (e) {
            char inner[sizeof e->field];
            snprintf(inner, sizeof inner, "%s", e->field);
            snprintf(e->field, sizeof e->field, "%.20s.%.40s", field, inner);
            return e;
        }
        if ((e = check_code("sex", json_str(c, "sex"), sexes))) {
            snprintf(e->field, sizeof e->field, "%s.sex", field);
            return e;
        }
        if (!sess_age_group_valid(json_str(c, "age_group"))) {
            e = err_invalid(NULL, "%s.age_group: no age group %s", field, json_str(c, "age_group"));
            snprintf(e->field, sizeof e->field, "%.30s.age_group", field);
            return e;
        }
        json_int_t n = json_integer_value(json_object_get(c, "count"));
        if (n < 0 || n > 10000)
            return err_invalid(field, "%s.count must be from 0 to 10000", field);
        json_array_foreach(counts, j, d) {
            if (j < i && !strcmp(json_str(c, "sex"), json_str(d, "sex")) &&
                !strcmp(json_str(c, "age_group"), json_str(d, "age_group")))
                return err_invalid(field, "%s repeats sex %s and age group %s", field,
                                   json_str(c, "sex"), json_str(c, "age_group"));
        }
    }
    return NULL;
}

static const char delete_counts_sql[] = "DELETE FROM group_session_counts WHERE session_id = :id";
static const char insert_count_sql[] =
    "INSERT INTO group_session_counts (session_id, sex, age_group, count)"
    " VALUES (:id, :sex, :age, :count)";

herr *sess_write_counts(store *s, const char *session_id, const json_t *counts) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, delete_counts_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", session_id);
    if ((e = store_run_done(&st))) return e;
    size_t i;
    json_t *c;
    json_array_foreach(counts, i, c) {
        json_int_t n = json_integer_value(json_object_get(c, "count"));
        if (n == 0) continue;
        if ((e = store_prepare(s, insert_count_sql, &st))) return e;
        store_bind_text(st, ":id", session_id);
        store_bind_text(st, ":sex", json_str(c, "sex"));
        store_bind_text(st, ":age", json_str(c, "age_group"));
        store_bind_int(st, ":count", n);
        if ((e = store_run_done(&st))) return e;
    }
    return NULL;
}

static const char touch_sql[] = "UPDATE group_sessions SET updated_at = :now WHERE id = :id";

herr *sess_touch(store *s, const char *session_id) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, touch_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", session_id);
    store_bind_text(st, ":now", now);
    return store_run_done(&st);
}

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_int_t old = json_integer_value(json_object_get(obj, key));
    json_object_set_new(obj, key, json_integer(old + n));
}

static const char counts_sql[] = "SELECT sex, age_group, count FROM group_session_counts"
                                 " WHERE session_id = :id ORDER BY sex, age_group";
static const char attendees_sql[] =
    "SELECT person_id, sex, age_group, added_at FROM group_session_attendees"
    " WHERE session_id = :id ORDER BY added_at, person_id";

herr *sess_add_attendance(store *s, const actor *a, json_t *session, bool with_people) {
    const char *id = json_str(session, "id");
    store_stmt *st = NULL;
    json_t *counts = json_array(), *by_sex = json_object(), *by_age = json_object();
    json_t *attendees = json_array();
    json_int_t registered = 0, anonymous = 0;
    bool row;
    herr *e = store_prepare(s, counts_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        json_int_t n = store_int(st, 2);
        json_array_append_new(counts, json_pack("{s:s,s:s,s:I}", "sex", store_text(st, 0),
                                                "age_group", store_text(st, 1), "count", n));
        add_to(by_sex, store_text(st, 0), n);
        add_to(by_age, store_text(st, 1), n);
        anonymous += n;
    }
    store_done(st);
    if (e) goto cleanup;
    if ((e = store_prepare(s, attendees_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        add_to(by_sex, store_text(st, 1), 1);
        add_to(by_age, store_text(st, 2), 1);
        registered++;
        if (with_people)
            json_array_append_new(attendees,
                                  json_pack("{s:s,s:s,s:s,s:s}", "person_id", store_text(st, 0),
                                            "sex", store_text(st, 1), "age_group",
                                            store_text(st, 2), "added_at", store_text(st, 3)));
    }
    store_done(st);
    if (e) goto cleanup;
    json_object_set_new(session, "counts", json_incref(counts));
    json_object_set_new(session, "attendance",
                        json_pack("{s:I,s:I,s:I,s:O,s:O}", "registered", registered, "anonymous",
                                  anonymous, "total", registered + anonymous, "by_sex", by_sex,
                                  "by_age_group", by_age));
    if (!with_people) goto cleanup;
    /* Names come from the registry, which applies its own visibility: a person the
     * reader may not see is counted above and left out here. */
    json_t *named = json_array();
    size_t i;
    json_t *att;
    json_array_foreach(attendees, i, att) {
        json_t *p = NULL;
        herr *pe = registry_person_get(s, a, json_str(att, "person_id"), &p);
        if (pe && pe->code == ERR_NOT_FOUND) {
            err_free(pe);
            continue;
        }
        if (pe) {
            e = pe;
            json_decref(named);
            goto cleanup;
        }
        json_set_str(att, "reg_no", json_str(p, "reg_no"));
        json_set_str(att, "given_name", json_str(p, "given_name"));
        json_set_str(att, "family_name", json_str(p, "family_name"));
        json_array_append(named, att);
        json_decref(p);
    }
    json_object_set_new(session, "attendees", named);
cleanup:
    json_decref(counts);
    json_decref(by_sex);
    json_decref(by_age);
    json_decref(attendees);
    return e;
}

/* The session for a write by the actor: visible and of a kind the actor may record. */
static herr *session_for_write(store *s, const actor *a, const char *session_id, json_t **row) {
    herr *e = sess_row(s, a, session_id, row);
    if (e) return e;
    if ((e = sess_check_kind_permission(a, json_str(*row, "kind")))) {
        json_decref(*row);
        *row = NULL;
    }
    return e;
}

/* The person as the registry shows them to the actor, followed to the survivor of a
 * merge; ERR_INVALID on field when unknown or not visible. */
static herr *person_for_attendance(store *s, const actor *a, const char *person_id,
                                   const char *field, json_t **out) {
    json_t *p = NULL;
    herr *e = check_id(field, person_id, true);
    if (!e) e = registry_person_get(s, a, person_id, &p);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_with(err_invalid(field, "no person with id %s among your sites", person_id),
                        "person_unknown", (const char *)NULL);
    }
    if (e) return e;
    const char *survivor = json_str(p, "merged_into");
    if (survivor) {
        char id[ID_LEN];
        snprintf(id, sizeof id, "%s", survivor);
        json_decref(p);
        return person_for_attendance(s, a, id, field, out);
    }
    *out = p;
    return NULL;
}

static const char exists_sql[] = "SELECT 1 FROM group_session_attendees"
                                 " WHERE session_id = :session AND person_id = :person";
static const char attend_sql[] =
    "INSERT INTO group_session_attendees (session_id, person_id, sex, age_group, added_at,"
    " by_id, by_name) VALUES (:session, :person, :sex, :age, :now, :by_id, :by_name)";

/* Inserts one attendance inside the caller's transaction; *added false when the person
 * was already recorded. */
static herr *insert_attendance(store *s, const actor *a, const json_t *session,
                               const json_t *person, bool *added) {
    char age[SESSIONS_AGE_GROUP_LEN], day[CLOCK_DATE_LEN], now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    bool row = false;
    *added = false;
    herr *e = store_prepare(s, exists_sql, &st);
    if (e) return e;
    store_bind_text(st, ":session", json_str(session, "id"));
    store_bind_text(st, ":person", json_str(person, "id"));
    e = store_step(st, &row);
    store_done(st);
    if (e || row) return e;
    snprintf(day, sizeof day, "%.10s", json_str(session, "starts_at"));
    sessions_age_group_of(json_str(person, "birth_date"), day, age);
    clock_format_iso(clock_now(), now);
    const char *sex = json_str(person, "sex");
    if ((e = store_prepare(s, attend_sql, &st))) return e;
    store_bind_text(st, ":session", json_str(session, "id"));
    store_bind_text(st, ":person", json_str(person, "id"));
    store_bind_text(st, ":sex", sex && (!strcmp(sex, "F") || !strcmp(sex, "M")) ? sex : "X");
    store_bind_text(st, ":age", age);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) return e;
    *added = true;
    return NULL;
}

herr *sessions_attend(store *s, const actor *a, const char *session_id, const char *person_id,
                      json_t **out) {
    json_t *g = NULL, *p = NULL, *detail = NULL;
    bool added = false;
    herr *e = session_for_write(s, a, session_id, &g);
    if (e) return e;
    if ((e = person_for_attendance(s, a, person_id, "person_id", &p))) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = insert_attendance(s, a, g, p, &added))) goto rollback;
    if (!added) {
        e = err_new(ERR_CONFLICT, "person_id", "%s is already recorded at this session",
                    json_str(p, "reg_no"));
        goto rollback;
    }
    if ((e = sess_touch(s, session_id))) goto rollback;
    detail = json_pack("{s:s}", "person_id", json_str(p, "id"));
    if ((e = audit_record(s, a, "attend", "group_session", session_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = sessions_get(s, a, session_id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(g);
    json_decref(p);
    json_decref(detail);
    return e;
}

static const json_field many_fields[] = {{"person_ids", JF_STRING_ARRAY, true, MAX_MANY}};

herr *sessions_attend_many(store *s, const actor *a, const char *session_id, const json_t *in,
                           json_t **out) {
    json_t *g = NULL, *people = json_array(), *ids = json_array(), *detail = NULL;
    herr *e = json_check(in, many_fields, 1);
    if (e) goto cleanup;
    if ((e = session_for_write(s, a, session_id, &g))) goto cleanup;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "person_ids"), i, v) {
        char field[48];
        snprintf(field, sizeof field, "person_ids[%zu]", i);
        json_t *p = NULL;
        if ((e = person_for_attendance(s, a, json_string_value(v), field, &p))) goto cleanup;
        json_array_append_new(people, p);
    }
    if ((e = store_begin(s))) goto cleanup;
    json_array_foreach(people, i, v) {
        bool added = false;
        if ((e = insert_attendance(s, a, g, v, &added))) goto rollback;
        if (added) json_array_append_new(ids, json_string(json_str(v, "id")));
    }
    if (json_array_size(ids) && (e = sess_touch(s, session_id))) goto rollback;
    detail = json_pack("{s:O}", "person_ids", ids);
    if ((e = audit_record(s, a, "attend", "group_session", session_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    if ((e = sessions_get(s, a, session_id, out))) goto cleanup;
    json_object_set_new(*out, "added", json_integer((json_int_t)json_array_size(ids)));
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(g);
    json_decref(people);
    json_decref(ids);
    json_decref(detail);
    return e;
}

static const char unattend_sql[] =
    "DELETE FROM group_session_attendees WHERE session_id = :session AND person_id = :person";

herr *sessions_unattend(store *s, const actor *a, const char *session_id, const char *person_id,
                        json_t **out) {
    json_t *g = NULL, *detail = NULL;
    store_stmt *st = NULL;
    herr *e = session_for_write(s, a, session_id, &g);
    if (e) return e;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, unattend_sql, &st))) goto rollback;
    store_bind_text(st, ":session", session_id);
    store_bind_text(st, ":person", person_id);
    if ((e = store_run_done(&st))) goto rollback;
    if (store_changes(s) == 0) {
        e = err_new(ERR_NOT_FOUND, "person_id", "that person is not recorded at this session");
        goto rollback;
    }
    if ((e = sess_touch(s, session_id))) goto rollback;
    detail = json_pack("{s:s}", "person_id", person_id);
    if ((e = audit_record(s, a, "unattend", "group_session", session_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = sessions_get(s, a, session_id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(g);
    json_decref(detail);
    return e;
}

static const json_field counts_body[] = {{"counts", JF_ARRAY, true, 64}};

herr *sessions_counts_set(store *s, const actor *a, const char *session_id, const json_t *in,
                          json_t **out) {
    json_t *g = NULL, *detail = NULL;
    herr *e = json_check(in, counts_body, 1);
    if (!e) e = sess_check_counts(json_object_get(in, "counts"));
    if (e) return e;
    if ((e = session_for_write(s, a, session_id, &g))) return e;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = sess_write_counts(s, session_id, json_object_get(in, "counts")))) goto rollback;
    if ((e = sess_touch(s, session_id))) goto rollback;
    detail = json_pack("{s:s}", "fields", "counts");
    if ((e = audit_record(s, a, "counts", "group_session", session_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = sessions_get(s, a, session_id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(g);
    json_decref(detail);
    return e;
}

static const char of_person_sql[] =
    "SELECT g.id, g.kind, g.topic, g.site_id, g.starts_at, g.language FROM group_sessions g"
    " JOIN group_session_attendees t ON t.session_id = g.id WHERE t.person_id = :person"
    " AND (:kind IS NULL OR g.kind = :kind) ORDER BY g.starts_at DESC";

herr *sessions_of_person(store *s, const actor *a, const char *person_id, const char *kind,
                         json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) goto cleanup;
    if (kind && !sessions_kind_valid(kind)) {
        e = err_invalid("kind", "no session kind %s", kind);
        goto cleanup;
    }
    if ((e = store_prepare(s, of_person_sql, &st))) goto cleanup;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":kind", kind);
    while (!(e = store_step(st, &row)) && row) {
        if (!actor_has_site(a, store_text(st, 3))) continue;
        json_array_append_new(items,
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", store_text(st, 0),
                                        "kind", store_text(st, 1), "topic", store_text(st, 2),
                                        "site_id", store_text(st, 3), "starts_at",
                                        store_text(st, 4), "language", store_text(st, 5)));
    }
    store_done(st);
    if (!e) *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(items);
    return e;
}
