/* The return dashboard's figures over the actor's sites: open and closed cases by state,
 * people who departed per month by destination, readmission requests by status and the
 * counts of what is overdue. Aggregates only: no person is named. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

#define SCOPE(col) "(:all = 1 OR :sites LIKE '%,' || " col " || ',%')"

static const char by_state_sql[] =
    "SELECT state, COUNT(*) FROM return_cases c WHERE " SCOPE("c.site_id") " GROUP BY state";
static const char departures_sql[] =
    "SELECT substr(x.at, 1, 7), c.destination_country, COUNT(*) FROM return_transitions x"
    " JOIN return_cases c ON c.id = x.case_id JOIN return_travellers t ON t.case_id = c.id"
    " WHERE x.to_state = 'departed' AND x.at >= :from AND " SCOPE(
        "c.site_id") " GROUP BY 1, 2 ORDER BY 1, 3 DESC";
static const char readm_sql[] =
    "SELECT status, COUNT(*), SUM(status = 'pending' AND deadline < :today)"
    " FROM return_readmissions r WHERE " SCOPE("r.site_id") " GROUP BY status";
static const char counselling_sql[] =
    "SELECT substr(held_at, 1, 7), COUNT(*) FROM return_counselling r WHERE held_at >= :from AND"
    " " SCOPE("r.site_id") " GROUP BY 1 ORDER BY 1";
static const char findings_sql[] =
    "SELECT COUNT(*) FROM return_findings f JOIN return_operations o ON o.id = f.operation_id"
    " WHERE f.follow_up IN ('open', 'in_progress') AND " SCOPE("o.site_id");

/* Runs sql with the scope, :from and :today bound, calling row for each row. */
static herr *each(store *s, const actor *a, const char *sql, const char *from, const char *today,
                  void (*row_fn)(store_stmt *st, json_t *into), json_t *into) {
    char *scope = ret_scope(a);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, sql, &st);
    if (!e) {
        store_bind_int(st, ":all", a->all_sites);
        store_bind_text(st, ":sites", scope);
        if (strstr(sql, ":from")) store_bind_text(st, ":from", from);
        if (strstr(sql, ":today")) store_bind_text(st, ":today", today);
        while (!(e = store_step(st, &row)) && row) row_fn(st, into);
    }
    store_done(st);
    mem_free(scope);
    return e;
}

static void state_row(store_stmt *st, json_t *into) {
    json_object_set_new(into, store_text(st, 0), json_integer(store_int(st, 1)));
}

static void departure_row(store_stmt *st, json_t *into) {
    json_array_append_new(into,
                          json_pack("{s:s,s:s,s:I}", "month", store_text(st, 0), "destination",
                                    store_text(st, 1), "count", (json_int_t)store_int(st, 2)));
}

static void readm_row(store_stmt *st, json_t *into) {
    json_object_set_new(json_object_get(into, "by_status"), store_text(st, 0),
                        json_integer(store_int(st, 1)));
    json_t *o = json_object_get(into, "overdue");
    json_object_set_new(into, "overdue", json_integer(json_integer_value(o) + store_int(st, 2)));
}

static void month_row(store_stmt *st, json_t *into) {
    json_array_append_new(into, json_pack("{s:s,s:I}", "month", store_text(st, 0), "count",
                                          (json_int_t)store_int(st, 1)));
}

static void count_row(store_stmt *st, json_t *into) {
    json_object_set_new(into, "open_findings", json_integer(store_int(st, 0)));
}

/* The first day of the month months - 1 before today's, as an ISO time. */
static void months_back(int months, char out[CLOCK_ISO_LEN], json_t *list) {
    int y, m, d;
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    clock_parse_date(today, &y, &m, &d);
    int idx = y * 12 + (m - 1) - (months - 1);
    /* unsigned and bounded so that the compiler sees the 20 characters fit */
    snprintf(out, CLOCK_ISO_LEN, "%04u-%02u-01T00:00:00Z", (unsigned)(idx / 12) % 10000u,
             (unsigned)(idx % 12 + 1) % 13u);
    for (int i = 0; i < months; i++, idx++) {
        char month[16];
        snprintf(month, sizeof month, "%04u-%02u", (unsigned)(idx / 12) % 10000u,
                 (unsigned)(idx % 12 + 1) % 13u);
        json_array_append_new(list, json_string(month));
    }
}

herr *returns_dashboard(store *s, const actor *a, int months, json_t **out) {
    char from[CLOCK_ISO_LEN], today[CLOCK_DATE_LEN];
    json_t *res = NULL, *overdue = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (e) return e;
    if (months == 0) months = 12;
    if (months < 1 || months > 36) return err_invalid("months", "months must be from 1 to 36");
    clock_format_date(clock_now(), today);
    json_t *month_list = json_array();
    months_back(months, from, month_list);
    json_t *states = returns_states(), *by_state = json_object(), *departures = json_array(),
           *counselling = json_array(), *readm = json_pack("{s:{},s:i}", "by_status", "overdue", 0),
           *other = json_object();
    res = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "months", month_list, "states", states,
                    "by_state", by_state, "departures", departures, "counselling", counselling,
                    "readmissions", readm, "monitoring", other);
    if ((e = each(s, a, by_state_sql, from, today, state_row, by_state))) goto cleanup;
    if ((e = each(s, a, departures_sql, from, today, departure_row, departures))) goto cleanup;
    if ((e = each(s, a, counselling_sql, from, today, month_row, counselling))) goto cleanup;
    if ((e = each(s, a, readm_sql, from, today, readm_row, readm))) goto cleanup;
    if ((!a->user_id[0] || auth_allows(a->role, "returns.monitoring.read")) &&
        (e = each(s, a, findings_sql, from, today, count_row, other)))
        goto cleanup;
    returns_query q = {.state = "open", .overdue_only = true, .limit = 1};
    if ((e = returns_case_list(s, a, &q, &overdue))) goto cleanup;
    json_object_set(res, "overdue_cases", json_object_get(overdue, "total"));
    json_decref(overdue);
    overdue = NULL;
    if ((e = returns_visits_due(s, a, true, &overdue))) goto cleanup;
    json_object_set_new(
        res, "overdue_visits",
        json_integer((json_int_t)json_array_size(json_object_get(overdue, "items"))));
    *out = res;
    res = NULL;
cleanup:
    json_decref(res);
    json_decref(overdue);
    return e;
}
