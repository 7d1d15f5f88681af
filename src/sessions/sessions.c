/* Group sessions: create, change, read and list. Attendance is in attendance.c. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

#define YEAR_SECONDS (366 * 86400)

static const json_field session_fields[] = {
    {"kind", JF_STRING, false, 40},
    {"topic", JF_STRING, false, 200},
    {"site_id", JF_STRING, false, 40},
    {"starts_at", JF_STRING, false, 40},
    {"duration_minutes", JF_INT, false, 0},
    {"facilitator", JF_STRING, false, 120},
    {"language", JF_STRING, false, 8},
    {"interpreter", JF_STRING, false, 120},
    {"interpreted_languages", JF_STRING_ARRAY, false, 12},
    {"note", JF_TEXT, false, 2000},
    {"counts", JF_ARRAY, false, 64},
};

/* Checks every field given; on create the required ones must be there. starts_at is
 * normalised into at. */
static herr *check_session(const actor *a, const json_t *in, bool creating,
                           char at[CLOCK_ISO_LEN]) {
    herr *e = json_check(in, session_fields, sizeof session_fields / sizeof session_fields[0]);
    if (e) return e;
    if (!creating && (json_has(in, "kind") || json_has(in, "site_id")))
        return err_invalid(json_has(in, "kind") ? "kind" : "site_id",
                           "the kind and site of a session cannot change: record a new one");
    if (creating && (e = sess_check_kind_permission(a, json_str(in, "kind")))) return e;
    if ((e = check_not_blank(in, "topic", creating))) return e;
    if ((e = check_not_blank(in, "facilitator", creating))) return e;
    if (creating) {
        const char *site = json_str(in, "site_id");
        if (!site) return err_invalid("site_id", "site_id is required");
        if (!actor_has_site(a, site))
            return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                            "site_unknown", (const char *)NULL);
    }
    at[0] = '\0';
    if ((creating || json_has(in, "starts_at")) &&
        (e = check_time(in, "starts_at", -1, YEAR_SECONDS, at)))
        return e;
    json_t *d = json_object_get(in, "duration_minutes");
    if (json_is_integer(d) && (json_integer_value(d) < 1 || json_integer_value(d) > 1440))
        return err_invalid("duration_minutes", "duration_minutes must be from 1 to 1440");
    const char *lang = json_str(in, "language");
    if ((creating || json_has(in, "language")) && (!lang || !codes_language_valid(lang)))
        return err_with(
            err_invalid("language", "language must be an ISO 639 code such as fa, ar, ps"),
            "language_code", (const char *)NULL);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "interpreted_languages"), i, v) {
        if (!codes_language_valid(json_string_value(v)))
            return err_invalid("interpreted_languages", "%s is not an ISO 639 language code",
                               json_string_value(v));
    }
    if (json_has(in, "counts") && (e = sess_check_counts(json_object_get(in, "counts")))) return e;
    return NULL;
}

static char *languages_text(const json_t *list) {
    size_t i, n = 0;
    json_t *v;
    char *out = mem_strdup("");
    json_array_foreach(list, i, v) {
        char *next = mem_printf("%s%s%s", out, n++ ? " " : "", json_string_value(v));
        mem_free(out);
        out = next;
    }
    return out;
}

static const char insert_sql[] =
    "INSERT INTO group_sessions (id, kind, topic, site_id, starts_at, duration_minutes,"
    " facilitator, language, interpreter, interpreted_languages, note, by_id, by_name,"
    " created_at, updated_at) VALUES (:id, :kind, :topic, :site, :at, :duration, :facilitator,"
    " :language, :interpreter, :langs, :note, :by_id, :by_name, :now, :now)";

herr *sessions_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], id[ID_LEN];
    store_stmt *st = NULL;
    char *langs = NULL;
    json_t *detail = NULL;
    herr *e = check_session(a, in, true, at);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    langs = languages_text(json_object_get(in, "interpreted_languages"));
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_text(st, ":topic", json_str(in, "topic"));
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":at", at);
    json_t *d = json_object_get(in, "duration_minutes");
    if (json_is_integer(d))
        store_bind_int(st, ":duration", json_integer_value(d));
    else
        store_bind_null(st, ":duration");
    store_bind_text(st, ":facilitator", json_str(in, "facilitator"));
    store_bind_text(st, ":language", json_str(in, "language"));
    store_bind_text(st, ":interpreter", json_str(in, "interpreter"));
    store_bind_text(st, ":langs", langs);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (json_has(in, "counts") && (e = sess_write_counts(s, id, json_object_get(in, "counts"))))
        goto rollback;
    detail = check_field_names(in);
    json_object_set_new(detail, "kind", json_string(json_str(in, "kind")));
    json_object_set_new(detail, "site_id", json_string(json_str(in, "site_id")));
    if ((e = audit_record(s, a, "create", "group_session", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = sessions_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    mem_free(langs);
    json_decref(detail);
    return e;
}

static const char update_sql[] =
    "UPDATE group_sessions SET topic = COALESCE(:topic, topic),"
    " starts_at = COALESCE(:at, starts_at),"
    " duration_minutes = CASE WHEN :has_duration = 1 THEN :duration ELSE duration_minutes END,"
    " facilitator = COALESCE(:facilitator, facilitator), language = COALESCE(:language, language),"
    " interpreter = CASE WHEN :has_interpreter = 1 THEN :interpreter ELSE interpreter END,"
    " interpreted_languages = COALESCE(:langs, interpreted_languages),"
    " note = CASE WHEN :has_note = 1 THEN :note ELSE note END, updated_at = :now WHERE id = :id";

herr *sessions_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    char at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    char *langs = NULL;
    json_t *row = NULL, *detail = NULL;
    herr *e = check_session(a, in, false, at);
    if (e) return e;
    if ((e = sess_row(s, a, id, &row))) return e;
    if ((e = sess_check_kind_permission(a, json_str(row, "kind")))) goto cleanup;
    clock_format_iso(clock_now(), now);
    if (json_has(in, "interpreted_languages"))
        langs = languages_text(json_object_get(in, "interpreted_languages"));
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, update_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":topic", json_str(in, "topic"));
    store_bind_text(st, ":at", at[0] ? at : NULL);
    json_t *d = json_object_get(in, "duration_minutes");
    store_bind_int(st, ":has_duration", json_has(in, "duration_minutes"));
    if (json_is_integer(d))
        store_bind_int(st, ":duration", json_integer_value(d));
    else
        store_bind_null(st, ":duration");
    store_bind_text(st, ":facilitator", json_str(in, "facilitator"));
    store_bind_text(st, ":language", json_str(in, "language"));
    store_bind_int(st, ":has_interpreter", json_has(in, "interpreter"));
    store_bind_text(st, ":interpreter", json_str(in, "interpreter"));
    store_bind_text(st, ":langs", langs);
    store_bind_int(st, ":has_note", json_has(in, "note"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (json_has(in, "counts") && (e = sess_write_counts(s, id, json_object_get(in, "counts"))))
        goto rollback;
    detail = check_field_names(in);
    if ((e = audit_record(s, a, "update", "group_session", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = sessions_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    mem_free(langs);
    json_decref(row);
    json_decref(detail);
    return e;
}

#define SESSION_COLUMNS                                                                            \
    "g.id, g.kind, g.topic, g.site_id, g.starts_at, g.duration_minutes, g.facilitator,"            \
    " g.language, g.interpreter, g.interpreted_languages, g.note, g.by_name, g.created_at,"        \
    " g.updated_at"

static json_t *session_json(store_stmt *st) {
    json_t *g = json_object();
    static const char *const cols[] = {
        "id",       "kind",        "topic", NULL,   "starts_at", NULL,         "facilitator",
        "language", "interpreter", NULL,    "note", "by_name",   "created_at", "updated_at"};
    store_texts_to_json(st, g, cols, 14, 0);
    json_set_str(g, "site_id", store_text(st, 3));
    json_object_set_new(g, "duration_minutes",
                        store_is_null(st, 5) ? json_null() : json_integer(store_int(st, 5)));
    json_t *langs = json_array();
    char *copy = mem_strdup(store_text(st, 9) ? store_text(st, 9) : ""), *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(langs, json_string(tok));
    mem_free(copy);
    json_object_set_new(g, "interpreted_languages", langs);
    json_t *kind = sess_kind_find(store_text(st, 1));
    json_set_str(g, "owner", kind ? json_str(kind, "owner") : NULL);
    json_decref(kind);
    return g;
}

static const char row_sql[] = "SELECT " SESSION_COLUMNS " FROM group_sessions g WHERE g.id = :id";

herr *sess_row(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    if (!id || !id_is_valid(id)) return err_new(ERR_NOT_FOUND, "id", "no session with id %s", id);
    herr *e = store_prepare(s, row_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row || !actor_has_site(a, store_text(st, 3))) {
        e = err_new(ERR_NOT_FOUND, "id", "no session with id %s", id);
        goto cleanup;
    }
    *out = session_json(st);
cleanup:
    store_done(st);
    return e;
}

static herr *add_site_name(store *s, const actor *a, json_t *session) {
    json_t *site = NULL;
    herr *e = registry_site_get(s, a, json_str(session, "site_id"), &site);
    if (e) return e;
    json_set_str(session, "site_name", json_str(site, "name"));
    json_decref(site);
    return NULL;
}

herr *sessions_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *g = NULL;
    herr *e = sess_row(s, a, id, &g);
    if (e) return e;
    if ((e = add_site_name(s, a, g))) goto cleanup;
    if ((e = sess_add_attendance(s, a, g, true))) goto cleanup;
    json_t *detail = json_pack("{s:I}", "attendees",
                               (json_int_t)json_array_size(json_object_get(g, "attendees")));
    e = audit_record_read(s, a, "group_session", id, detail);
    json_decref(detail);
cleanup:
    if (e) {
        json_decref(g);
        return e;
    }
    *out = g;
    return NULL;
}

/* The actor's sites as ",a,b," for `(:all = 1 OR :sites LIKE '%,' || site_id || ',%')`. */
char *sess_scope(const actor *a) {
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    return scope;
}

static const char list_sql[] =
    "SELECT " SESSION_COLUMNS ", COUNT(*) OVER () FROM group_sessions g"
    " WHERE (:all = 1 OR :sites LIKE '%,' || g.site_id || ',%')"
    " AND (:site IS NULL OR g.site_id = :site) AND (:kind IS NULL OR g.kind = :kind)"
    " AND (:from IS NULL OR g.starts_at >= :from) AND (:to IS NULL OR g.starts_at < :to)"
    " ORDER BY g.starts_at DESC, g.id DESC LIMIT :limit OFFSET :offset";

/* to + 1 day as an ISO time bound ("" when to is ""). */
void sess_day_after(const char *date, char out[CLOCK_ISO_LEN]) {
    int y, m, d;
    out[0] = '\0';
    if (!date[0] || !clock_parse_date(date, &y, &m, &d)) return;
    clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, out);
}

herr *sessions_list(store *s, const actor *a, const sessions_query *q, json_t **out) {
    char from[CLOCK_DATE_LEN] = "", to[CLOCK_DATE_LEN] = "", to_bound[CLOCK_ISO_LEN];
    int limit = q->limit ? q->limit : 100;
    store_stmt *st = NULL;
    json_t *items = json_array(), *owned = NULL;
    char *scope = NULL;
    int64_t total = 0;
    bool row;
    herr *e = NULL;
    if (limit < 1 || limit > 500) e = err_invalid("limit", "limit must be from 1 to 500");
    if (!e && q->offset < 0)
        e = err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                     (const char *)NULL);
    if (!e && q->kind && !sessions_kind_valid(q->kind))
        e = err_invalid("kind", "no session kind %s", q->kind);
    if (!e && q->site_id && !actor_has_site(a, q->site_id))
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", q->site_id);
    if (!e) e = check_date_text("from", q->from, false, from);
    if (!e) e = check_date_text("to", q->to, false, to);
    if (!e && from[0] && to[0] && strcmp(from, to) > 0)
        e = err_with(err_invalid("from", "from must not be after to"), "date_range",
                     (const char *)NULL);
    if (e) goto cleanup;
    sess_day_after(to, to_bound);
    if (q->owner) owned = sessions_kinds(q->owner);
    scope = sess_scope(a);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":kind", q->kind);
    store_bind_text(st, ":from", from[0] ? from : NULL);
    store_bind_text(st, ":to", to_bound[0] ? to_bound : NULL);
    /* An owner filter is applied after the query (kinds are data, not a table); the
     * limit then counts the matching rows of one page only, so ask for everything. */
    store_bind_int(st, ":limit", owned ? 100000 : limit);
    store_bind_int(st, ":offset", owned ? 0 : q->offset);
    while (!(e = store_step(st, &row)) && row) {
        json_t *g = session_json(st);
        total = store_int(st, 14);
        json_array_append_new(items, g);
    }
    store_done(st);
    if (e) goto cleanup;
    if (owned) {
        json_t *kept = json_array();
        size_t i;
        json_t *g;
        json_array_foreach(items, i, g) {
            if (!q->owner || strcmp(json_str(g, "owner") ? json_str(g, "owner") : "", q->owner))
                continue;
            json_array_append(kept, g);
        }
        total = (int64_t)json_array_size(kept);
        json_t *page = json_array();
        for (size_t k = (size_t)q->offset;
             k < json_array_size(kept) && k < (size_t)(q->offset + limit); k++)
            json_array_append(page, json_array_get(kept, k));
        json_decref(kept);
        json_decref(items);
        items = page;
    }
    size_t i;
    json_t *g;
    json_array_foreach(items, i, g) {
        if ((e = add_site_name(s, a, g))) goto cleanup;
        if ((e = sess_add_attendance(s, a, g, false))) goto cleanup;
    }
    *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                     q->offset, "items", items);
cleanup:
    json_decref(items);
    json_decref(owned);
    mem_free(scope);
    return e;
}
