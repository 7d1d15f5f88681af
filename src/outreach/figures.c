/* Figures of the mobile teams per month and location: what the donors' reports and the
 * map show. Counts only; no person is named. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"

static const char totals_sql[] = "SELECT COUNT(*), COALESCE(SUM(people), 0) FROM outreach_visits"
                                 " WHERE visited_on >= :from AND visited_on < :to";
static const char groups_sql[] =
    "SELECT p.sex, p.age_group, SUM(p.count) FROM outreach_visit_people p"
    " JOIN outreach_visits v ON v.id = p.visit_id"
    " WHERE v.visited_on >= :from AND v.visited_on < :to GROUP BY p.sex, p.age_group";
static const char nationality_sql[] =
    "SELECT p.nationality, SUM(p.count) FROM outreach_visit_people p"
    " JOIN outreach_visits v ON v.id = p.visit_id"
    " WHERE v.visited_on >= :from AND v.visited_on < :to GROUP BY p.nationality"
    " ORDER BY SUM(p.count) DESC, p.nationality";
static const char registered_sql[] =
    "SELECT COUNT(*) FROM outreach_visit_persons p JOIN outreach_visits v ON v.id = p.visit_id"
    " WHERE v.visited_on >= :from AND v.visited_on < :to";
static const char services_sql[] =
    "SELECT s.service, SUM(s.people) FROM outreach_visit_services s"
    " JOIN outreach_visits v ON v.id = s.visit_id"
    " WHERE v.visited_on >= :from AND v.visited_on < :to GROUP BY s.service ORDER BY s.service";
static const char transports_sql[] =
    "SELECT COALESCE(SUM(t.people), 0), COALESCE(SUM(t.arrived), 0),"
    " COALESCE(SUM(CASE WHEN t.checked_at IS NULL THEN t.people ELSE 0 END), 0)"
    " FROM outreach_transports t JOIN outreach_visits v ON v.id = t.visit_id"
    " WHERE v.visited_on >= :from AND v.visited_on < :to";
static const char locations_sql[] =
    "SELECT l.id, l.name, l.kind, l.municipality, l.latitude, l.longitude, l.active,"
    " (SELECT COUNT(*) FROM outreach_visits v WHERE v.location_id = l.id"
    "  AND v.visited_on >= :from AND v.visited_on < :to),"
    " (SELECT COALESCE(SUM(v.people), 0) FROM outreach_visits v WHERE v.location_id = l.id"
    "  AND v.visited_on >= :from AND v.visited_on < :to),"
    " (SELECT COALESCE(SUM(t.people), 0) FROM outreach_transports t"
    "  JOIN outreach_visits v ON v.id = t.visit_id WHERE v.location_id = l.id"
    "  AND v.visited_on >= :from AND v.visited_on < :to)"
    " FROM outreach_locations l ORDER BY l.name, l.id";
static const char months_sql[] =
    "SELECT substr(visited_on, 1, 7), COUNT(*), SUM(people) FROM outreach_visits"
    " WHERE visited_on >= :from AND visited_on < :to GROUP BY substr(visited_on, 1, 7)"
    " ORDER BY substr(visited_on, 1, 7)";

typedef struct {
    store *s;
    const char *from, *to;
} range;

static herr *run(const range *r, const char *sql, store_stmt **st) {
    herr *e = store_prepare(r->s, sql, st);
    if (e) return e;
    store_bind_text(*st, ":from", r->from);
    store_bind_text(*st, ":to", r->to);
    return NULL;
}

static herr *totals(const range *r, json_t *t) {
    store_stmt *st = NULL;
    bool row;
    herr *e = run(r, totals_sql, &st);
    if (!e && !(e = store_step(st, &row)) && row) {
        json_object_set_new(t, "visits", json_integer(store_int(st, 0)));
        json_object_set_new(t, "people", json_integer(store_int(st, 1)));
    }
    store_done(st);
    st = NULL;
    json_t *groups = json_object();
    json_object_set_new(t, "by_sex_age", groups);
    if (!e && !(e = run(r, groups_sql, &st)))
        while (!(e = store_step(st, &row)) && row) {
            char key[16];
            snprintf(key, sizeof key, "%s_%s", store_text(st, 0), store_text(st, 1));
            json_object_set_new(groups, key, json_integer(store_int(st, 2)));
        }
    store_done(st);
    st = NULL;
    json_t *nat = json_array();
    json_object_set_new(t, "by_nationality", nat);
    if (!e && !(e = run(r, nationality_sql, &st)))
        while (!(e = store_step(st, &row)) && row)
            json_array_append_new(nat, json_pack("{s:s,s:I}", "nationality", store_text(st, 0),
                                                 "people", (json_int_t)store_int(st, 1)));
    store_done(st);
    st = NULL;
    if (!e && !(e = run(r, registered_sql, &st)) && !(e = store_step(st, &row)) && row)
        json_object_set_new(t, "registered", json_integer(store_int(st, 0)));
    store_done(st);
    st = NULL;
    json_t *svc = json_object();
    json_object_set_new(t, "services", svc);
    if (!e && !(e = run(r, services_sql, &st)))
        while (!(e = store_step(st, &row)) && row)
            json_object_set_new(svc, store_text(st, 0), json_integer(store_int(st, 1)));
    store_done(st);
    st = NULL;
    if (!e && !(e = run(r, transports_sql, &st)) && !(e = store_step(st, &row)) && row) {
        json_object_set_new(t, "transported", json_integer(store_int(st, 0)));
        json_object_set_new(t, "arrived", json_integer(store_int(st, 1)));
        json_object_set_new(t, "awaiting_check", json_integer(store_int(st, 2)));
    }
    store_done(st);
    return e;
}

static herr *per_location(const range *r, json_t *items) {
    store_stmt *st = NULL;
    bool row;
    herr *e = run(r, locations_sql, &st);
    if (e) return e;
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:b,s:I,s:I,s:I}", "id", store_text(st, 0),
                             "name", store_text(st, 1), "kind", store_text(st, 2), "municipality",
                             store_text(st, 3), "latitude", store_double(st, 4), "longitude",
                             store_double(st, 5), "active", (int)store_int(st, 6), "visits",
                             (json_int_t)store_int(st, 7), "people", (json_int_t)store_int(st, 8),
                             "transported", (json_int_t)store_int(st, 9)));
    store_done(st);
    return e;
}

herr *outreach_figures(store *s, const char *month, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], label[8], year_from[CLOCK_DATE_LEN];
    herr *e = or_month_range(month, from, to, label);
    if (e) return e;
    int y = 0, m = 0, d = 0;
    clock_parse_date(from, &y, &m, &d);
    /* Twelve months ending with this one. */
    y = m == 12 ? y : y - 1;
    m = m == 12 ? 1 : m + 1;
    snprintf(year_from, sizeof year_from, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)m % 100u);
    range r = {s, from, to}, year = {s, year_from, to};
    json_t *t = json_object(), *locations = json_array(), *months = json_array();
    store_stmt *st = NULL;
    bool row;
    if ((e = totals(&r, t))) goto cleanup;
    if ((e = per_location(&r, locations))) goto cleanup;
    if ((e = run(&year, months_sql, &st))) goto cleanup;
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(months, json_pack("{s:s,s:I,s:I}", "month", store_text(st, 0),
                                                "visits", (json_int_t)store_int(st, 1), "people",
                                                (json_int_t)store_int(st, 2)));
cleanup:
    store_done(st);
    if (e) {
        json_decref(t);
        json_decref(locations);
        json_decref(months);
        return e;
    }
    *out = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "month", label, "from", from, "to", to, "totals",
                     t, "locations", locations, "months", months);
    return NULL;
}
