/* Case management for people at high risk: a case belongs to one site's protection
 * team and one case worker; it is transferred when the person moves, and closed with
 * a reason. Its plan, notes and assessments are in case_items.c. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_cases.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

static const char *const risk_levels[] = {"high", "medium", NULL};
static const char *const close_reasons[] = {
    "goals_met",         "moved_on",     "transferred_out", "returned",
    "no_longer_at_risk", "lost_contact", "other",           NULL};

#define CASE_COLUMNS                                                                               \
    "c.id, c.person_id, c.site_id, c.state, c.risk_level, c.worker_id, c.worker_name,"             \
    " c.next_follow_up, c.opened_at, c.by_name, c.closed_at, c.close_reason, c.updated_at,"        \
    " (SELECT COUNT(*) FROM protection_case_actions x WHERE x.case_id = c.id"                      \
    "  AND x.status = 'open'),"                                                                    \
    " (SELECT COUNT(*) FROM protection_case_actions x WHERE x.case_id = c.id"                      \
    "  AND x.status = 'open' AND x.due_date < :today),"                                            \
    " c.guardian, c.summary, c.close_note"

static json_t *case_row(store_stmt *st) {
    static const char *const keys[] = {"id",         "person_id", "site_id",     "state",
                                       "risk_level", "worker_id", "worker_name", "next_follow_up",
                                       "opened_at",  "opened_by", "closed_at",   "close_reason",
                                       "updated_at"};
    json_t *c = json_object();
    for (int i = 0; i < 13; i++) prot_set_col(c, keys[i], st, i);
    json_object_set_new(c, "open_actions", json_integer(store_int(st, 13)));
    json_object_set_new(c, "overdue_actions", json_integer(store_int(st, 14)));
    return c;
}

static void bind_today(store_stmt *st) {
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    store_bind_text(st, ":today", today);
}

static const char case_sql[] = "SELECT " CASE_COLUMNS " FROM protection_cases c WHERE c.id = :id";

/* The case row with its sealed fields opened; no checks. */
static herr *load_case(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *c = NULL;
    *out = NULL;
    herr *e = store_prepare(s, case_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    bind_today(st);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no case with id %s", id);
        goto cleanup;
    }
    c = case_row(st);
    if ((e = prot_open_into(st, 15, "protection_cases", id, "guardian", c, "guardian")))
        goto cleanup;
    if ((e = prot_open_into(st, 16, "protection_cases", id, "summary", c, "summary"))) goto cleanup;
    e = prot_open_into(st, 17, "protection_cases", id, "close_note", c, "close_note");
cleanup:
    store_done(st);
    if (e) {
        json_decref(c);
        return e;
    }
    *out = c;
    return NULL;
}

herr *prot_visible_case(store *s, const actor *a, const char *id, prot_access *acc, json_t **out) {
    acc->break_glass_id[0] = '\0';
    if (!auth_allows(a->role, "protection.details") &&
        !auth_allows(a->role, "protection.break_glass"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read protection details",
                       a->role);
    if (!id_is_valid(id)) return err_new(ERR_NOT_FOUND, "id", "no case with id %s", id);
    json_t *c = NULL;
    herr *e = load_case(s, id, &c);
    if (e) return e;
    if (auth_allows(a->role, "protection.details")) {
        /* A case belongs to its site's team: after a transfer the old team loses it. */
        if (!actor_has_site(a, json_str(c, "site_id")))
            e = err_new(ERR_NOT_FOUND, "id", "no case with id %s", id);
    } else {
        e = prot_check_person_read(s, a, json_str(c, "person_id"), acc);
    }
    if (e) {
        json_decref(c);
        return e;
    }
    *out = c;
    return NULL;
}

herr *prot_writable_case(store *s, const actor *a, const char *id, json_t **out) {
    prot_access acc;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change cases", a->role);
    herr *e = prot_visible_case(s, a, id, &acc, out);
    if (e) return e;
    if (strcmp(json_str(*out, "state"), "open") != 0) {
        json_decref(*out);
        *out = NULL;
        return err_new(ERR_CONFLICT, "state", "the case is closed; open a new case instead");
    }
    return NULL;
}

static const char event_sql[] =
    "INSERT INTO protection_case_events (id, case_id, kind, from_site_id, to_site_id,"
    " worker_id, at, by_id, by_name, note) VALUES (:id, :case_id, :kind, :from_site,"
    " :to_site, :worker_id, :at, :by_id, :by_name, :note)";

herr *prot_case_event(store *s, const actor *a, const char *case_id, const char *kind,
                      const char *from_site, const char *to_site, const char *worker_id,
                      const char *note) {
    store_stmt *st = NULL;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, event_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case_id", case_id);
    store_bind_text(st, ":kind", kind);
    store_bind_text(st, ":from_site", from_site);
    store_bind_text(st, ":to_site", to_site);
    store_bind_text(st, ":worker_id", worker_id);
    store_bind_text(st, ":at", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = prot_bind_sealed(st, ":note", "protection_case_events", id, "note", note))) {
        store_done(st);
        return e;
    }
    return store_run_done(&st);
}

/* The display name of a worker (already checked), or "". */
static void worker_name(store *s, const char *worker_id, char out[128]) {
    json_t *u = NULL;
    out[0] = '\0';
    herr *e = worker_id && worker_id[0] ? auth_user_get(s, worker_id, &u) : NULL;
    if (!e && u) snprintf(out, 128, "%s", json_str(u, "display_name"));
    err_free(e);
    json_decref(u);
}

static const json_field open_fields[] = {
    {"person_id", JF_STRING, true, 36},  {"site_id", JF_STRING, false, 36},
    {"worker_id", JF_STRING, false, 36}, {"risk_level", JF_STRING, false, 10},
    {"guardian", JF_TEXT, false, 1000},  {"summary", JF_TEXT, false, 4000},
};

static const char open_exists_sql[] =
    "SELECT id FROM protection_cases WHERE person_id = :person AND state = 'open'";
static const char insert_sql[] =
    "INSERT INTO protection_cases (id, person_id, site_id, state, risk_level, worker_id,"
    " worker_name, guardian, summary, opened_at, by_id, by_name, updated_at) VALUES (:id,"
    " :person_id, :site_id, 'open', :risk_level, :worker_id, :worker_name, :guardian,"
    " :summary, :now, :by_id, :by_name, :now)";

static herr *check_no_open_case(store *s, const char *person_id) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, open_exists_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    e = store_step(st, &row);
    if (!e && row)
        e = err_new(ERR_CONFLICT, "person_id", "the person already has an open case (%s)",
                    store_text(st, 0));
    store_done(st);
    return e;
}

herr *protection_case_open(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not open cases", a->role);
    herr *e = json_check(in, open_fields, sizeof open_fields / sizeof open_fields[0]);
    if (e) return e;
    const char *level = json_str(in, "risk_level") ? json_str(in, "risk_level") : "high";
    if ((e = check_code("risk_level", level, risk_levels))) return e;
    const char *person = json_str(in, "person_id");
    const char *worker = json_str(in, "worker_id") ? json_str(in, "worker_id") : a->user_id;
    char id[ID_LEN], now[CLOCK_ISO_LEN], site[ID_LEN] = "", wname[128];
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_check_person_write(s, a, person))) goto cleanup;
    if (json_str(in, "site_id")) {
        if (!actor_has_site(a, json_str(in, "site_id"))) {
            e = err_with(err_invalid("site_id", "no site with id %s among your sites",
                                     json_str(in, "site_id")),
                         "site_unknown", (const char *)NULL);
            goto cleanup;
        }
        snprintf(site, sizeof site, "%s", json_str(in, "site_id"));
    } else if ((e = prot_current_site(s, a, person, site))) {
        goto cleanup;
    } else if (!site[0]) {
        e = err_invalid("site_id", "give site_id: the person is not staying at one of your "
                                   "sites now");
        goto cleanup;
    }
    if ((e = prot_check_worker(s, worker, site, "worker_id"))) goto cleanup;
    if ((e = check_no_open_case(s, person))) goto cleanup;
    worker_name(s, worker, wname);
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person_id", person);
    store_bind_text(st, ":site_id", site);
    store_bind_text(st, ":risk_level", level);
    store_bind_text(st, ":worker_id", worker);
    store_bind_text(st, ":worker_name", wname);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = prot_bind_sealed(st, ":guardian", "protection_cases", id, "guardian",
                              json_str(in, "guardian"))) ||
        (e = prot_bind_sealed(st, ":summary", "protection_cases", id, "summary",
                              json_str(in, "summary"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = prot_case_event(s, a, id, "opened", NULL, site, worker, NULL))) goto cleanup;
    detail = json_pack("{s:s,s:s,s:s}", "person_id", person, "site_id", site, "worker_id", worker);
    if ((e = audit_record(s, a, "create", "protection_case", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = prot_case_full(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    return e;
}

static const json_field update_fields[] = {
    {"worker_id", JF_STRING, false, 36},
    {"risk_level", JF_STRING, false, 10},
    {"guardian", JF_TEXT, false, 1000},
    {"summary", JF_TEXT, false, 4000},
};

static const char update_sql[] =
    "UPDATE protection_cases SET worker_id = :worker_id, worker_name = :worker_name,"
    " risk_level = :risk_level, guardian = :guardian, summary = :summary, updated_at = :now"
    " WHERE id = :id";

herr *protection_case_update(store *s, const actor *a, const char *id, const json_t *in,
                             json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL, *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change cases", a->role);
    herr *e = json_check(in, update_fields, sizeof update_fields / sizeof update_fields[0]);
    if (e) return e;
    if (json_object_size(in) == 0) return err_invalid("body", "give at least one field to change");
    if (json_has(in, "risk_level") &&
        (e = check_code("risk_level", json_str(in, "risk_level"), risk_levels)))
        return e;
    if (json_has(in, "worker_id") && !json_str(in, "worker_id"))
        return err_invalid("worker_id", "a case always has a worker");
    char now[CLOCK_ISO_LEN], wname[128];
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, id, &c))) goto cleanup;
    const char *worker =
        json_str(in, "worker_id") ? json_str(in, "worker_id") : json_str(c, "worker_id");
    if (json_str(in, "worker_id") &&
        (e = prot_check_worker(s, worker, json_str(c, "site_id"), "worker_id")))
        goto cleanup;
    worker_name(s, worker, wname);
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":worker_id", worker);
    store_bind_text(st, ":worker_name", wname);
    store_bind_text(st, ":risk_level",
                    json_str(in, "risk_level") ? json_str(in, "risk_level")
                                               : json_str(c, "risk_level"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    const char *guardian =
        json_has(in, "guardian") ? json_str(in, "guardian") : json_str(c, "guardian");
    const char *summary =
        json_has(in, "summary") ? json_str(in, "summary") : json_str(c, "summary");
    if ((e = prot_bind_sealed(st, ":guardian", "protection_cases", id, "guardian", guardian)) ||
        (e = prot_bind_sealed(st, ":summary", "protection_cases", id, "summary", summary)))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if (json_str(in, "worker_id") &&
        (e = prot_case_event(s, a, id, "assigned", NULL, NULL, worker, NULL)))
        goto cleanup;
    detail = check_field_names(in);
    if ((e = audit_record(s, a, "update", "protection_case", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = prot_case_full(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    json_decref(detail);
    return e;
}

herr *protection_case_get(store *s, const actor *a, const char *id, json_t **out) {
    prot_access acc;
    json_t *c = NULL;
    herr *e = prot_visible_case(s, a, id, &acc, &c);
    if (!e) e = prot_audit_read(s, a, &acc, "protection_case", id, json_str(c, "person_id"));
    json_decref(c);
    if (!e) e = prot_case_full(s, id, out);
    return e;
}

static const json_field transfer_fields[] = {
    {"site_id", JF_STRING, true, 36},
    {"worker_id", JF_STRING, false, 36},
    {"note", JF_TEXT, false, 2000},
};

static const char transfer_sql[] =
    "UPDATE protection_cases SET site_id = :site_id, worker_id = :worker_id,"
    " worker_name = :worker_name, updated_at = :now WHERE id = :id";
static const char sharing_sql[] =
    "SELECT given FROM protection_consents WHERE person_id = :person AND kind = 'data_sharing'"
    " ORDER BY given_at DESC, created_at DESC, id DESC LIMIT 1";

static herr *check_sharing_consent(store *s, const char *person_id) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sharing_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    e = store_step(st, &row);
    bool given = !e && row && store_int(st, 0);
    store_done(st);
    if (!e && !given)
        e = err_invalid("consent", "the person has not consented to sharing their data for a "
                                   "case transfer: record consent of kind data_sharing first");
    return e;
}

herr *protection_case_transfer(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL, *site = NULL, *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not transfer cases", a->role);
    herr *e = json_check(in, transfer_fields, sizeof transfer_fields / sizeof transfer_fields[0]);
    if (e) return e;
    const char *to = json_str(in, "site_id"), *worker = json_str(in, "worker_id");
    char now[CLOCK_ISO_LEN], wname[128] = "";
    clock_format_iso(clock_now(), now);
    actor sys;
    actor_system(&sys, "check");
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, id, &c))) goto cleanup;
    if (!strcmp(to, json_str(c, "site_id"))) {
        e = err_invalid("site_id", "the case is already with that site's team");
        goto cleanup;
    }
    if ((e = registry_site_get(s, &sys, to, &site))) {
        e->code = ERR_INVALID;
        snprintf(e->field, sizeof e->field, "site_id");
        goto cleanup;
    }
    if (worker && (e = prot_check_worker(s, worker, to, "worker_id"))) goto cleanup;
    if ((e = check_sharing_consent(s, json_str(c, "person_id")))) goto cleanup;
    worker_name(s, worker, wname);
    if ((e = store_prepare(s, transfer_sql, &st))) goto cleanup;
    store_bind_text(st, ":site_id", to);
    store_bind_text(st, ":worker_id", worker ? worker : "");
    store_bind_text(st, ":worker_name", wname);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = prot_case_event(s, a, id, "transferred", json_str(c, "site_id"), to, worker,
                             json_str(in, "note"))))
        goto cleanup;
    detail = json_pack("{s:s,s:s,s:s}", "person_id", json_str(c, "person_id"), "from_site_id",
                       json_str(c, "site_id"), "to_site_id", to);
    if ((e = audit_record(s, a, "transfer", "protection_case", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    /* The old team may no longer read the case: answer with what they may know. */
    *out = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "state", "open", "site_id", to,
                     "transferred_at", now);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    json_decref(site);
    json_decref(detail);
    return e;
}

static const json_field close_fields[] = {
    {"reason", JF_STRING, true, 30},
    {"note", JF_TEXT, false, 2000},
};

static const char close_sql[] =
    "UPDATE protection_cases SET state = 'closed', closed_at = :now, close_reason = :reason,"
    " close_note = :note, updated_at = :now WHERE id = :id AND state = 'open'";

herr *protection_case_close(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out) {
    store_stmt *st = NULL;
    json_t *c = NULL, *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not close cases", a->role);
    herr *e = json_check(in, close_fields, sizeof close_fields / sizeof close_fields[0]);
    if (e) return e;
    if ((e = check_code("reason", json_str(in, "reason"), close_reasons))) return e;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_writable_case(s, a, id, &c))) goto cleanup;
    if ((e = store_prepare(s, close_sql, &st))) goto cleanup;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":reason", json_str(in, "reason"));
    store_bind_text(st, ":id", id);
    if ((e = prot_bind_sealed(st, ":note", "protection_cases", id, "close_note",
                              json_str(in, "note"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = prot_case_event(s, a, id, "closed", NULL, NULL, NULL, NULL))) goto cleanup;
    detail = json_pack("{s:s,s:s}", "person_id", json_str(c, "person_id"), "reason",
                       json_str(in, "reason"));
    if ((e = audit_record(s, a, "close", "protection_case", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = prot_case_full(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(c);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT " CASE_COLUMNS " FROM protection_cases c"
    " WHERE (:all = 1 OR :sites LIKE '%,' || c.site_id || ',%')"
    " AND (:state IS NULL OR c.state = :state) AND (:worker IS NULL OR c.worker_id = :worker)"
    " ORDER BY c.opened_at DESC, c.id DESC LIMIT 500";
static const char person_cases_sql[] =
    "SELECT " CASE_COLUMNS " FROM protection_cases c WHERE c.person_id = :person"
    " AND (:all = 1 OR :sites LIKE '%,' || c.site_id || ',%') ORDER BY c.opened_at DESC";

/* Case summaries (no sealed fields) of a statement already bound. */
static herr *case_rows(store_stmt *st, json_t *items) {
    bool row;
    herr *e;
    while (!(e = store_step(st, &row)) && row) json_array_append_new(items, case_row(st));
    return e;
}

herr *protection_case_list(store *s, const actor *a, const char *state, bool mine, json_t **out) {
    static const char *const case_states[] = {"open", "closed", NULL};
    store_stmt *st = NULL;
    json_t *items = json_array();
    char *scope = NULL;
    herr *e = prot_check_lists(a);
    if (!e && state) e = check_code("state", state, case_states);
    if (!e) e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    prot_bind_scope(st, a, &scope);
    bind_today(st);
    store_bind_text(st, ":state", state);
    store_bind_text(st, ":worker", mine ? a->user_id : NULL);
    e = case_rows(st, items);
    store_done(st);
    st = NULL;
    if (!e) e = prot_add_people(s, a, items);
    if (!e) e = prot_audit_list(s, a, "protection_cases", items);
cleanup:
    store_done(st);
    mem_free(scope);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

herr *prot_cases_of_person(store *s, const actor *a, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    char *scope = NULL;
    herr *e = store_prepare(s, person_cases_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    /* Break-glass shows every case of the one person; officers see their sites' cases. */
    if (!auth_allows(a->role, "protection.details")) {
        store_bind_int(st, ":all", 1);
        store_bind_text(st, ":sites", "");
    } else {
        prot_bind_scope(st, a, &scope);
    }
    bind_today(st);
    e = case_rows(st, items);
cleanup:
    store_done(st);
    mem_free(scope);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = items;
    return NULL;
}

/* Adds login -> display name to names for a login not there yet (the login itself when
 * the account is gone). */
static void add_name(store *s, json_t *names, const char *login) {
    if (!login || !login[0] || json_object_get(names, login)) return;
    char uid[ID_LEN];
    json_t *u = NULL;
    herr *e = auth_user_id(s, login, uid);
    if (!e) e = auth_user_get(s, uid, &u);
    const char *shown = !e && u && json_str(u, "display_name") && json_str(u, "display_name")[0]
                            ? json_str(u, "display_name")
                            : login;
    json_object_set_new(names, login, json_string(shown));
    err_free(e);
    json_decref(u);
}

/* "names": the display name of every login that wrote something on the case (opened it,
 * wrote a note, planned or did an action, assessed, moved it), so that the page names
 * officers, including those of a site the case has left, not their logins. */
static void add_names(store *s, json_t *c) {
    static const char *const lists[] = {"actions", "notes", "best_interests", "events"};
    static const char *const fields[] = {"created_by", "done_by", "written_by", "assessed_by",
                                         "by"};
    json_t *names = json_object();
    add_name(s, names, json_str(c, "opened_by"));
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(c, lists[l]), i, item) {
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
                add_name(s, names, json_str(item, fields[f]));
        }
    }
    json_object_set_new(c, "names", names);
}

herr *prot_case_full(store *s, const char *id, json_t **out) {
    json_t *c = NULL;
    herr *e = load_case(s, id, &c);
    if (!e) e = prot_case_items(s, c);
    if (!e) add_names(s, c);
    if (e) {
        json_decref(c);
        return e;
    }
    *out = c;
    return NULL;
}
