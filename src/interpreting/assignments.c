/* Assignments: manual ones (locked, kept by re-runs), lists for the coordinator, and
 * the interpreter's own view with confirm or decline. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

#define S INTERP_SLOT_SECONDS

herr *interp_own_interpreter(store *s, const actor *a, char id[ID_LEN]) {
    static const char sql[] = "SELECT id FROM interpreters WHERE user_id = :user";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":user", a->user_id);
    e = store_step(st, &row);
    if (!e && !row)
        e = err_with(
            err_new(ERR_NOT_FOUND, "user_id", "this account is not linked to an interpreter"),
            "interp_not_linked", (const char *)NULL);
    if (!e) snprintf(id, ID_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

/* Day bounds of optional from/to dates as ISO times ("" when absent). */
static herr *day_bounds(const char *from, const char *to, char f_iso[CLOCK_ISO_LEN],
                        char t_iso[CLOCK_ISO_LEN]) {
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN];
    herr *e = check_date_text("from", from, false, f);
    if (!e) e = check_date_text("to", to, false, t);
    if (e) return e;
    int y, m, d;
    f_iso[0] = t_iso[0] = '\0';
    if (f[0]) {
        clock_parse_date(f, &y, &m, &d);
        clock_format_iso(clock_days_from_civil(y, m, d) * 86400, f_iso);
    }
    if (t[0]) {
        clock_parse_date(t, &y, &m, &d);
        clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, t_iso);
    }
    return NULL;
}

/* The no-show of an assignment, if any (columns 15-20), and the joins every list uses. */
#define NOSHOW_COLUMNS                                                                             \
    " n.who, n.reason, n.note, n.noticed_at, n.by_name, n.id"                                      \
    " FROM interp_assignments x JOIN interp_requests r ON r.id = x.request_id"                     \
    " JOIN interpreters i ON i.id = x.interpreter_id JOIN sites s ON s.id = r.site_id"             \
    " LEFT JOIN interp_noshows n ON n.assignment_id = x.id"

static const char list_sql[] =
    "SELECT x.id, x.request_id, x.interpreter_id, i.name, x.starts_at, x.ends_at, x.mode,"
    " x.status, x.locked, r.site_id, s.name, r.language, r.kind, r.unit, r.priority," NOSHOW_COLUMNS
    " WHERE x.status IN ('proposed', 'confirmed') AND (:from IS NULL OR x.starts_at >= :from)"
    " AND (:to IS NULL OR x.starts_at < :to)"
    " AND (:interpreter IS NULL OR x.interpreter_id = :interpreter)"
    " ORDER BY x.starts_at, i.name LIMIT 5000";

static json_t *assignment_row(store_stmt *st) {
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:I}", "id", store_text(st, 0),
        "request_id", store_text(st, 1), "interpreter_id", store_text(st, 2), "interpreter_name",
        store_text(st, 3), "starts_at", store_text(st, 4), "ends_at", store_text(st, 5), "mode",
        store_text(st, 6), "status", store_text(st, 7), "locked", (int)store_int(st, 8), "site_id",
        store_text(st, 9), "site_name", store_text(st, 10), "language", store_text(st, 11), "kind",
        store_text(st, 12), "unit", store_text(st, 13), "priority", (json_int_t)store_int(st, 14));
    json_object_set_new(o, "no_show",
                        store_is_null(st, 15)
                            ? json_null()
                            : json_pack("{s:s,s:s,s:s?,s:s,s:s}", "who", store_text(st, 15),
                                        "reason", store_text(st, 16), "note", store_text(st, 17),
                                        "noticed_at", store_text(st, 18), "by",
                                        store_text(st, 19)));
    return o;
}

/* Lists assignments; with own set, site scoping is not applied (the interpreter's own). */
static herr *list(store *s, const actor *a, const char *from, const char *to,
                  const char *interpreter, bool own, json_t **out) {
    char f[CLOCK_ISO_LEN], t[CLOCK_ISO_LEN];
    herr *e = day_bounds(from, to, f, t);
    if (e) return e;
    store_stmt *st = NULL;
    bool row = false;
    if ((e = store_prepare(s, list_sql, &st))) return e;
    store_bind_text(st, ":from", f[0] ? f : NULL);
    store_bind_text(st, ":to", t[0] ? t : NULL);
    store_bind_text(st, ":interpreter", interpreter);
    json_t *items = json_array();
    while (!(e = store_step(st, &row)) && row)
        if (own || actor_has_site(a, store_text(st, 9)))
            json_array_append_new(items, assignment_row(st));
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

herr *interp_assignment_list(store *s, const actor *a, const char *from, const char *to,
                             const char *interpreter_id, json_t **out) {
    herr *e = check_id("interpreter", interpreter_id, false);
    return e ? e : list(s, a, from, to, interpreter_id, false, out);
}

herr *interp_my_assignments(store *s, const actor *a, const char *from, const char *to,
                            json_t **out) {
    char id[ID_LEN];
    herr *e = interp_own_interpreter(s, a, id);
    return e ? e : list(s, a, from, to, id, true, out);
}

static herr *get_assignment(store *s, const char *id, json_t **out) {
    static const char sql[] =
        "SELECT x.id, x.request_id, x.interpreter_id, i.name, x.starts_at, x.ends_at, x.mode,"
        " x.status, x.locked, r.site_id, s.name, r.language, r.kind, r.unit, r.priority," NOSHOW_COLUMNS
        " WHERE x.id = :id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no assignment with id %s", id);
    if (!e) *out = assignment_row(st);
    store_done(st);
    return e;
}

static const json_field assign_fields[] = {{"request_id", JF_STRING, true, 40},
                                           {"interpreter_id", JF_STRING, true, 40},
                                           {"starts_at", JF_STRING, true, 40},
                                           {"mode", JF_STRING, true, 12}};

herr *interp_assign(store *s, const actor *a, const json_t *in, json_t **out) {
    static const char busy_sql[] =
        "SELECT 1 FROM interp_assignments WHERE interpreter_id = :interpreter"
        " AND status IN ('proposed', 'confirmed') AND request_id <> :request AND starts_at < :ends"
        " AND ends_at > :starts";
    static const char drop_sql[] =
        "UPDATE interp_assignments SET status = 'cancelled', updated_at = :now"
        " WHERE request_id = :request AND status IN ('proposed', 'confirmed')";
    static const char insert_sql[] =
        "INSERT INTO interp_assignments (id, request_id, interpreter_id, starts_at, ends_at,"
        " mode, status, locked, created_at, updated_at) VALUES (:id, :request, :interpreter,"
        " :starts, :ends, :mode, 'proposed', 1, :now, :now)";
    char starts[CLOCK_ISO_LEN], ends[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], id[ID_LEN];
    json_t *request = NULL, *interpreter = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool row = false;
    herr *e = json_check(in, assign_fields, 4);
    if (!e) e = check_time(in, "starts_at", -1, -1, starts);
    if (!e) e = interp_request_get(s, a, json_str(in, "request_id"), &request);
    if (e && e->code == ERR_NOT_FOUND) snprintf(e->field, sizeof e->field, "request_id");
    if (!e) e = interp_interpreter_get(s, a, json_str(in, "interpreter_id"), &interpreter);
    if (e && e->code == ERR_NOT_FOUND) snprintf(e->field, sizeof e->field, "interpreter_id");
    if (e) goto cleanup;
    if (strcmp(json_str(request, "status"), "open")) {
        e = err_with(err_new(ERR_CONFLICT, "request_id", "the request is cancelled"),
                     "interp_request_closed", (const char *)NULL);
        goto cleanup;
    }
    int64_t t0;
    clock_parse_iso(starts, &t0);
    if (t0 % S) {
        e = err_invalid("starts_at", "starts_at must be a whole hour (UTC)");
        goto cleanup;
    }
    unsigned mode = interp_mode_from_code(json_str(in, "mode"));
    bool allowed = false;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(request, "modes"), i, v) {
        if (interp_mode_from_code(json_string_value(v)) == mode) allowed = true;
    }
    if (!mode || !allowed) {
        e = err_invalid("mode", "the request does not allow the mode %s", json_str(in, "mode"));
        goto cleanup;
    }
    int64_t dur =
        (json_integer_value(json_object_get(request, "duration_minutes")) * 60 + S - 1) / S * S;
    clock_format_iso(t0 + dur, ends);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, busy_sql, &st))) goto rollback;
    store_bind_text(st, ":interpreter", json_str(in, "interpreter_id"));
    store_bind_text(st, ":request", json_str(in, "request_id"));
    store_bind_text(st, ":starts", starts);
    store_bind_text(st, ":ends", ends);
    e = store_step(st, &row);
    store_done(st);
    if (!e && row)
        e = err_with(err_new(ERR_CONFLICT, "starts_at", "%s is already booked at that time",
                             json_str(interpreter, "name")),
                     "interp_double_booked", "name", json_str(interpreter, "name"),
                     (const char *)NULL);
    if (e) goto rollback;
    if ((e = store_prepare(s, drop_sql, &st))) goto rollback;
    store_bind_text(st, ":request", json_str(in, "request_id"));
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    id_new(id);
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":request", json_str(in, "request_id"));
    store_bind_text(st, ":interpreter", json_str(in, "interpreter_id"));
    store_bind_text(st, ":starts", starts);
    store_bind_text(st, ":ends", ends);
    store_bind_text(st, ":mode", json_str(in, "mode"));
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    detail = json_pack("{s:s,s:s}", "request_id", json_str(in, "request_id"), "interpreter_id",
                       json_str(in, "interpreter_id"));
    if ((e = audit_record(s, a, "assign", "interp_assignment", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = get_assignment(s, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(request);
    json_decref(interpreter);
    json_decref(detail);
    return e;
}

herr *interp_my_answer(store *s, const actor *a, const char *assignment_id, const char *status,
                       json_t **out) {
    static const char *const answers[] = {"confirmed", "declined", NULL};
    static const char update_sql[] =
        "UPDATE interp_assignments SET status = :status, updated_at = :now WHERE id = :id";
    char own[ID_LEN], now[CLOCK_ISO_LEN];
    json_t *cur = NULL, *detail = NULL;
    store_stmt *st = NULL;
    herr *e = check_code("status", status, answers);
    if (!e) e = interp_own_interpreter(s, a, own);
    if (!e) e = get_assignment(s, assignment_id, &cur);
    if (e) return e;
    /* Someone else's assignment does not exist as far as this interpreter knows. */
    if (strcmp(json_str(cur, "interpreter_id"), own)) {
        json_decref(cur);
        return err_new(ERR_NOT_FOUND, "id", "no assignment with id %s", assignment_id);
    }
    bool live = !strcmp(json_str(cur, "status"), "proposed") ||
                !strcmp(json_str(cur, "status"), "confirmed");
    json_decref(cur);
    if (!live)
        return err_with(err_new(ERR_CONFLICT, "status", "the assignment is cancelled"),
                        "interp_assignment_cancelled", (const char *)NULL);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, update_sql, &st))) goto rollback;
    store_bind_text(st, ":status", status);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", assignment_id);
    if ((e = store_run_done(&st))) goto rollback;
    detail = json_pack("{s:s}", "answer", status);
    if ((e = audit_record(s, a, status, "interp_assignment", assignment_id, detail))) goto rollback;
    json_decref(detail);
    if ((e = store_commit(s))) return e;
    return get_assignment(s, assignment_id, out);
rollback:
    json_decref(detail);
    store_rollback(s);
    return e;
}

/* ---- no-shows ---- */

static const char *const noshow_who[] = {"interpreter", "client", NULL};
static const char *const noshow_reasons[] = {"no_notice",   "illness", "transport", "technical",
                                             "transferred", "other",   NULL};

static const json_field noshow_fields[] = {{"who", JF_STRING, true, 12},
                                           {"reason", JF_STRING, true, 20},
                                           {"note", JF_TEXT, false, 1000},
                                           {"noticed_at", JF_STRING, false, 40}};

herr *interp_noshow_record(store *s, const actor *a, const char *assignment_id, const json_t *in,
                           json_t **out) {
    static const char insert_sql[] =
        "INSERT INTO interp_noshows (id, assignment_id, interpreter_id, who, reason, note,"
        " noticed_at, by_id, by_name, created_at) VALUES (:id, :assignment, :interpreter, :who,"
        " :reason, :note, :noticed, :by_id, :by_name, :now)";
    /* A no-show is part of what happened: a re-run of the schedule keeps it. */
    static const char lock_sql[] =
        "UPDATE interp_assignments SET locked = 1, updated_at = :now WHERE id = :id";
    char noticed[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], id[ID_LEN];
    json_t *cur = NULL, *detail = NULL;
    store_stmt *st = NULL;
    herr *e = check_id("id", assignment_id, true);
    if (!e)
        e = json_is_object(in) ? json_check(in, noshow_fields, 4)
                               : err_invalid("body", "an object is expected");
    if (!e) e = check_code("who", json_str(in, "who"), noshow_who);
    if (!e) e = check_code("reason", json_str(in, "reason"), noshow_reasons);
    if (!e) e = check_not_blank(in, "note", !strcmp(json_str(in, "reason"), "other"));
    if (!e) e = check_time(in, "noticed_at", clock_now(), 0, noticed);
    if (!e) e = get_assignment(s, assignment_id, &cur);
    if (e) return e;
    /* The request's site decides who may see the assignment. */
    if (!actor_has_site(a, json_str(cur, "site_id"))) {
        json_decref(cur);
        return err_new(ERR_NOT_FOUND, "id", "no assignment with id %s", assignment_id);
    }
    const char *status = json_str(cur, "status");
    if (strcmp(status, "proposed") && strcmp(status, "confirmed"))
        e = err_with(err_new(ERR_CONFLICT, "id", "the assignment is cancelled"),
                     "interp_assignment_cancelled", (const char *)NULL);
    else if (!json_is_null(json_object_get(cur, "no_show")))
        e = err_with(err_new(ERR_CONFLICT, "id", "a no-show is already recorded for it"),
                     "interp_noshow_recorded", (const char *)NULL);
    else if (strcmp(noticed, json_str(cur, "starts_at")) < 0)
        e = err_with(err_invalid("noticed_at",
                                 "a no-show is noticed once the assignment has "
                                 "started (%s)",
                                 json_str(cur, "starts_at")),
                     "interp_noshow_early", (const char *)NULL);
    if (e) {
        json_decref(cur);
        return e;
    }
    clock_format_iso(clock_now(), now);
    id_new(id);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":assignment", assignment_id);
    store_bind_text(st, ":interpreter", json_str(cur, "interpreter_id"));
    store_bind_text(st, ":who", json_str(in, "who"));
    store_bind_text(st, ":reason", json_str(in, "reason"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":noticed", noticed);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    if (e && e->code == ERR_CONFLICT) {
        err_free(e);
        e = err_with(err_new(ERR_CONFLICT, "id", "a no-show is already recorded for it"),
                     "interp_noshow_recorded", (const char *)NULL);
    }
    if (e) goto rollback;
    if ((e = store_prepare(s, lock_sql, &st))) goto rollback;
    store_bind_text(st, ":id", assignment_id);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    detail = json_pack("{s:s,s:s,s:s,s:s}", "who", json_str(in, "who"), "reason",
                       json_str(in, "reason"), "interpreter_id", json_str(cur, "interpreter_id"),
                       "site_id", json_str(cur, "site_id"));
    if ((e = audit_record(s, a, "no_show", "interp_assignment", assignment_id, detail)))
        goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = get_assignment(s, assignment_id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(cur);
    json_decref(detail);
    return e;
}

static const json_field withdraw_fields[] = {{"reason", JF_TEXT, true, 500}};

herr *interp_noshow_withdraw(store *s, const actor *a, const char *assignment_id, const json_t *in,
                             json_t **out) {
    static const char delete_sql[] = "DELETE FROM interp_noshows WHERE assignment_id = :id";
    json_t *cur = NULL, *detail = NULL;
    store_stmt *st = NULL;
    herr *e = check_id("id", assignment_id, true);
    if (!e)
        e = json_is_object(in) ? json_check(in, withdraw_fields, 1)
                               : err_invalid("body", "an object is expected");
    if (!e) e = check_not_blank(in, "reason", true);
    if (!e) e = get_assignment(s, assignment_id, &cur);
    if (e) return e;
    if (!actor_has_site(a, json_str(cur, "site_id"))) {
        json_decref(cur);
        return err_new(ERR_NOT_FOUND, "id", "no assignment with id %s", assignment_id);
    }
    const json_t *ns = json_object_get(cur, "no_show");
    if (json_is_null(ns) || !ns) {
        json_decref(cur);
        return err_with(err_new(ERR_CONFLICT, "id", "no no-show is recorded for it"),
                        "interp_noshow_none", (const char *)NULL);
    }
    /* What is withdrawn stays in the audit log: who had not come, why, and why it was
     * a mistake. The assignment stays locked: it may have been locked before. */
    detail = json_pack("{s:s,s:s,s:s,s:s}", "who", json_str(ns, "who"), "reason_recorded",
                       json_str(ns, "reason"), "reason", json_str(in, "reason"), "site_id",
                       json_str(cur, "site_id"));
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, delete_sql, &st))) goto rollback;
    store_bind_text(st, ":id", assignment_id);
    if ((e = store_run_done(&st))) goto rollback;
    if ((e = audit_record(s, a, "no_show_withdrawn", "interp_assignment", assignment_id, detail)))
        goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = get_assignment(s, assignment_id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(cur);
    json_decref(detail);
    return e;
}
