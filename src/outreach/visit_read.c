/* Reading visits and transports, and the desk's check of a transport's arrival. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"

static const char visit_sql[] =
    "SELECT v.id, v.location_id, l.name, v.visited_on, v.team, v.people, v.notes, v.created_at,"
    " v.by_name FROM outreach_visits v JOIN outreach_locations l ON l.id = v.location_id"
    " WHERE v.id = :id";
static const char people_sql[] =
    "SELECT nationality, sex, age_group, count FROM outreach_visit_people WHERE visit_id = :id"
    " ORDER BY nationality, sex, age_group";
static const char persons_sql[] =
    "SELECT reg_no FROM outreach_visit_persons WHERE visit_id = :id ORDER BY reg_no";
static const char services_sql[] =
    "SELECT service, people FROM outreach_visit_services WHERE visit_id = :id ORDER BY service";
static const char transports_sql[] =
    "SELECT id, site_id, people, arrived, checked_at, checked_by_name FROM outreach_transports"
    " WHERE visit_id = :id ORDER BY id";

static json_t *transport_row(store_stmt *st, int c) {
    json_t *t = json_pack("{s:s,s:s,s:I}", "id", store_text(st, c), "site_id",
                          store_text(st, c + 1), "people", (json_int_t)store_int(st, c + 2));
    json_object_set_new(
        t, "arrived", store_is_null(st, c + 3) ? json_null() : json_integer(store_int(st, c + 3)));
    or_set_col(t, "checked_at", st, c + 4);
    or_set_col(t, "checked_by", st, c + 5);
    return t;
}

/* Runs sql (":id" bound) and appends what row() makes of each row to arr. */
static herr *collect(store *s, const char *sql, const char *id, json_t *arr,
                     json_t *(*row)(store_stmt *)) {
    store_stmt *st = NULL;
    bool more;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &more)) && more) json_array_append_new(arr, row(st));
    store_done(st);
    return e;
}

static json_t *people_row(store_stmt *st) {
    return json_pack("{s:s,s:s,s:s,s:I}", "nationality", store_text(st, 0), "sex",
                     store_text(st, 1), "age_group", store_text(st, 2), "count",
                     (json_int_t)store_int(st, 3));
}
static json_t *reg_row(store_stmt *st) { return json_string(store_text(st, 0)); }
static json_t *service_row(store_stmt *st) {
    return json_pack("[s,I]", store_text(st, 0), (json_int_t)store_int(st, 1));
}
static json_t *transport_row0(store_stmt *st) { return transport_row(st, 0); }

herr *outreach_visit_get(store *s, const actor *a, const char *id, json_t **out) {
    (void)a;
    store_stmt *st = NULL;
    bool row = false;
    json_t *v = NULL, *people = json_array(), *regs = json_array(), *svc = json_array(),
           *transports = json_array();
    herr *e = store_prepare(s, visit_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, NULL, "no visit %s", id);
        goto cleanup;
    }
    json_t *team = json_loads(store_text(st, 4), 0, NULL);
    v = json_pack("{s:s,s:s,s:s,s:s,s:o,s:I}", "id", store_text(st, 0), "location_id",
                  store_text(st, 1), "location_name", store_text(st, 2), "visited_on",
                  store_text(st, 3), "team", team ? team : json_array(), "people_total",
                  (json_int_t)store_int(st, 5));
    or_set_col(v, "notes", st, 6);
    or_set_col(v, "created_at", st, 7);
    or_set_col(v, "recorded_by", st, 8);
    store_done(st);
    st = NULL;
    if ((e = collect(s, people_sql, id, people, people_row))) goto cleanup;
    if ((e = collect(s, persons_sql, id, regs, reg_row))) goto cleanup;
    if ((e = collect(s, services_sql, id, svc, service_row))) goto cleanup;
    if ((e = collect(s, transports_sql, id, transports, transport_row0))) goto cleanup;
    json_t *services = json_object();
    size_t i;
    json_t *pair;
    json_array_foreach(svc, i, pair) json_object_set(
        services, json_string_value(json_array_get(pair, 0)), json_array_get(pair, 1));
    json_object_set_new(v, "people", people);
    json_object_set_new(v, "registration_numbers", regs);
    json_object_set_new(v, "services", services);
    json_object_set_new(v, "transports", transports);
    people = regs = transports = NULL;
    *out = v;
    v = NULL;
cleanup:
    store_done(st);
    json_decref(v);
    json_decref(people);
    json_decref(regs);
    json_decref(svc);
    json_decref(transports);
    return e;
}

static const char list_sql[] =
    "SELECT v.id, v.location_id, l.name, v.visited_on, v.people, v.team, v.by_name,"
    " (SELECT COALESCE(SUM(t.people), 0) FROM outreach_transports t WHERE t.visit_id = v.id)"
    " FROM outreach_visits v JOIN outreach_locations l ON l.id = v.location_id"
    " WHERE (:location IS NULL OR v.location_id = :location)"
    " AND (:from IS NULL OR (v.visited_on >= :from AND v.visited_on < :to))"
    " ORDER BY v.visited_on DESC, v.created_at DESC, v.id DESC LIMIT :limit";

herr *outreach_visit_list(store *s, const outreach_visit_query *q, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], label[8];
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = NULL;
    if (q->month && (e = or_month_range(q->month, from, to, label))) goto cleanup;
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_text(st, ":location", q->location_id);
    store_bind_text(st, ":from", q->month ? from : NULL);
    store_bind_text(st, ":to", q->month ? to : NULL);
    store_bind_int(st, ":limit", q->limit > 0 ? q->limit : 100);
    while (!(e = store_step(st, &row)) && row) {
        json_t *team = json_loads(store_text(st, 5), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{s:s,s:s,s:s,s:s,s:I,s:o,s:s,s:I}", "id", store_text(st, 0), "location_id",
                      store_text(st, 1), "location_name", store_text(st, 2), "visited_on",
                      store_text(st, 3), "people", (json_int_t)store_int(st, 4), "team",
                      team ? team : json_array(), "recorded_by", store_text(st, 6), "transported",
                      (json_int_t)store_int(st, 7)));
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

/* ---- transports ------------------------------------------------------------------ */

static const char transport_list_sql[] =
    "SELECT t.id, t.site_id, t.people, t.arrived, t.checked_at, t.checked_by_name, v.id,"
    " v.visited_on, l.name FROM outreach_transports t"
    " JOIN outreach_visits v ON v.id = t.visit_id"
    " JOIN outreach_locations l ON l.id = v.location_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || t.site_id || ',%')"
    " AND (:site IS NULL OR t.site_id = :site) AND (:pending = 0 OR t.checked_at IS NULL)"
    " ORDER BY v.visited_on DESC, t.id DESC LIMIT 500";

/* The actor's sites as ",a,b," for the LIKE scope test. */
static char *site_scope(const actor *a) {
    or_buf b = {0};
    or_buf_str(&b, ",");
    for (size_t i = 0; i < a->n_sites; i++) {
        or_buf_str(&b, a->site_ids[i]);
        or_buf_str(&b, ",");
    }
    return b.data;
}

herr *outreach_transport_list(store *s, const actor *a, const char *site_id, bool pending,
                              json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    char *scope = site_scope(a);
    bool row;
    herr *e = NULL;
    if (site_id && !actor_has_site(a, site_id)) {
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s", site_id);
        goto cleanup;
    }
    if ((e = store_prepare(s, transport_list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", site_id);
    store_bind_int(st, ":pending", pending);
    while (!(e = store_step(st, &row)) && row) {
        json_t *t = transport_row(st, 0);
        json_object_set_new(t, "visit_id", json_string(store_text(st, 6)));
        json_object_set_new(t, "visited_on", json_string(store_text(st, 7)));
        json_object_set_new(t, "location_name", json_string(store_text(st, 8)));
        json_array_append_new(items, t);
    }
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

static const char transport_get_sql[] =
    "SELECT id, site_id, people, arrived, checked_at, checked_by_name FROM outreach_transports"
    " WHERE id = :id";
static const char arrival_sql[] =
    "UPDATE outreach_transports SET arrived = :arrived, arrival_note = :note, checked_at = :now,"
    " checked_by_id = :by_id, checked_by_name = :by_name WHERE id = :id AND checked_at IS NULL";

static herr *transport_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, transport_get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && (!row || !actor_has_site(a, store_text(st, 1))))
        e = err_new(ERR_NOT_FOUND, NULL, "no transport %s to your sites", id);
    if (!e) *out = transport_row(st, 0);
    store_done(st);
    return e;
}

herr *outreach_transport_arrival(store *s, const actor *a, const char *id, const json_t *in,
                                 json_t **out) {
    static const json_field f[] = {{"arrived", JF_INT, true, 0}, {"note", JF_TEXT, false, 500}};
    store_stmt *st = NULL;
    json_t *t = NULL, *detail = NULL;
    bool began = false;
    char now[CLOCK_ISO_LEN];
    if (!auth_allows(a->role, "outreach.arrival"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not check arrivals", a->role);
    herr *e = json_check(in, f, 2);
    if (e) return e;
    json_int_t arrived = json_integer_value(json_object_get(in, "arrived"));
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = transport_get(s, a, id, &t))) goto cleanup;
    if (!json_is_null(json_object_get(t, "arrived"))) {
        e = err_new(ERR_CONFLICT, "arrived", "the arrival was already checked at %s by %s",
                    json_str(t, "checked_at"), json_str(t, "checked_by"));
        goto cleanup;
    }
    if (arrived < 0 || arrived > json_integer_value(json_object_get(t, "people"))) {
        e = err_invalid("arrived", "arrived must be from 0 to the %lld people transported",
                        (long long)json_integer_value(json_object_get(t, "people")));
        goto cleanup;
    }
    if ((e = store_prepare(s, arrival_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_int(st, ":arrived", arrived);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:I}", "arrived", arrived);
    if ((e = audit_record(s, a, "arrival", "outreach_transport", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    json_decref(t);
    t = NULL;
    e = transport_get(s, a, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(t);
    json_decref(detail);
    return e;
}
