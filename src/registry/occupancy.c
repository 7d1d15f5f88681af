/* Occupancy, arrivals, departures and length of stay, derived from stays. Days are UTC
 * days; "present" on a day counts the people checked in at the end of that day. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define MAX_DAYS     366
#define DEFAULT_DAYS 30

typedef struct {
    int64_t first_day, n_days; /* days since the epoch */
    int64_t *present, *arrivals, *departures;
    double stay_days_sum;
    int64_t stays_ended;
} day_series;

static herr *parse_range(const char *from, const char *to, day_series *d) {
    int y, m, dd;
    int64_t last = clock_day_start(clock_now()) / 86400;
    if (to) {
        if (!clock_parse_date(to, &y, &m, &dd))
            return err_invalid("to", "to must be a date YYYY-MM-DD");
        last = clock_days_from_civil(y, m, dd);
    }
    int64_t first = last - (DEFAULT_DAYS - 1);
    if (from) {
        if (!clock_parse_date(from, &y, &m, &dd))
            return err_invalid("from", "from must be a date YYYY-MM-DD");
        first = clock_days_from_civil(y, m, dd);
    }
    if (first > last)
        return err_with(err_invalid("from", "from must not be after to"), "date_range",
                        (const char *)NULL);
    if (last - first + 1 > MAX_DAYS)
        return err_invalid("from", "at most %d days at once", MAX_DAYS);
    d->first_day = first;
    d->n_days = last - first + 1;
    d->present = mem_alloc((size_t)(d->n_days + 1) * sizeof(int64_t));
    d->arrivals = mem_alloc((size_t)d->n_days * sizeof(int64_t));
    d->departures = mem_alloc((size_t)d->n_days * sizeof(int64_t));
    return NULL;
}

static void series_free(day_series *d) {
    mem_free(d->present);
    mem_free(d->arrivals);
    mem_free(d->departures);
}

/* Adds one stay. present[] is filled as a difference array, summed in series_json. */
static void add_stay(day_series *d, const char *in_text, const char *out_text) {
    int64_t in_t = 0, out_t = 0;
    if (!clock_parse_iso(in_text, &in_t)) return;
    bool open = !out_text || !clock_parse_iso(out_text, &out_t);
    int64_t in_day = clock_day_start(in_t) / 86400 - d->first_day;
    int64_t out_day = open ? d->n_days : clock_day_start(out_t) / 86400 - d->first_day;
    if (in_day >= 0 && in_day < d->n_days) d->arrivals[in_day]++;
    if (!open && out_day >= 0 && out_day < d->n_days) {
        d->departures[out_day]++;
        d->stay_days_sum += (double)(out_t - in_t) / 86400.0;
        d->stays_ended++;
    }
    int64_t lo = in_day < 0 ? 0 : in_day;
    int64_t hi = out_day > d->n_days ? d->n_days : out_day; /* present on days lo..hi-1 */
    if (lo < hi) {
        d->present[lo]++;
        d->present[hi]--;
    }
}

static json_t *series_json(day_series *d) {
    json_t *days = json_array();
    int64_t running = 0;
    for (int64_t i = 0; i < d->n_days; i++) {
        running += d->present[i];
        int y, m, dd;
        char date[CLOCK_DATE_LEN + 8];
        clock_civil_from_days(d->first_day + i, &y, &m, &dd);
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, dd);
        json_array_append_new(days,
                              json_pack("{s:s,s:I,s:I,s:I}", "date", date, "present",
                                        (json_int_t)running, "arrivals", (json_int_t)d->arrivals[i],
                                        "departures", (json_int_t)d->departures[i]));
    }
    return days;
}

static json_t *average_stay(const day_series *d) {
    if (!d->stays_ended) return json_null();
    return json_real((double)(int64_t)(d->stay_days_sum / (double)d->stays_ended * 10 + 0.5) / 10);
}

static const char stays_in_range_sql[] =
    "SELECT t.checked_in_at, t.checked_out_at FROM stays t"
    " WHERE t.checked_in_at < :end AND (t.checked_out_at IS NULL OR t.checked_out_at >= :start)"
    " AND (:site IS NULL OR t.site_id = :site)"
    " AND (:all = 1 OR :sites LIKE '%,' || t.site_id || ',%')";

static herr *collect(store *s, const actor *a, const char *site_id, day_series *d) {
    store_stmt *st = NULL;
    char *scope = NULL;
    char start[CLOCK_ISO_LEN], end[CLOCK_ISO_LEN];
    clock_format_iso(d->first_day * 86400, start);
    clock_format_iso((d->first_day + d->n_days) * 86400, end);
    herr *e = store_prepare(s, stays_in_range_sql, &st);
    if (e) return e;
    store_bind_text(st, ":start", start);
    store_bind_text(st, ":end", end);
    store_bind_text(st, ":site", site_id);
    registry_bind_scope(st, a, &scope);
    bool row;
    while (!(e = store_step(st, &row)) && row) add_stay(d, store_text(st, 0), store_text(st, 1));
    store_done(st);
    mem_free(scope);
    return e;
}

herr *registry_site_occupancy(store *s, const actor *a, const char *site_id, const char *from,
                              const char *to, json_t **out) {
    day_series d = {0};
    json_t *site = NULL;
    herr *e = parse_range(from, to, &d);
    if (!e) e = registry_site_get(s, a, site_id, &site);
    if (!e) e = collect(s, a, site_id, &d);
    if (!e)
        *out = json_pack("{s:s,s:O,s:O,s:O,s:o,s:o}", "site_id", site_id, "capacity",
                         json_object_get(site, "capacity"), "present",
                         json_object_get(site, "present"), "beds_free",
                         json_object_get(site, "beds_free"), "average_length_of_stay_days",
                         average_stay(&d), "days", series_json(&d));
    json_decref(site);
    series_free(&d);
    return e;
}

static const char citizenships_sql[] =
    "SELECT p.citizenship, COUNT(*) AS n FROM stays t JOIN persons r ON r.id = t.person_id"
    " JOIN persons p ON p.id = COALESCE(r.merged_into, r.id)"
    " WHERE t.checked_in_at >= :start AND t.checked_in_at < :end"
    " AND (:all = 1 OR :sites LIKE '%,' || t.site_id || ',%')"
    " GROUP BY p.citizenship ORDER BY n DESC, p.citizenship LIMIT 10";

static herr *top_citizenships(store *s, const actor *a, const day_series *d, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    char start[CLOCK_ISO_LEN], end[CLOCK_ISO_LEN];
    clock_format_iso(d->first_day * 86400, start);
    clock_format_iso((d->first_day + d->n_days) * 86400, end);
    herr *e = store_prepare(s, citizenships_sql, &st);
    if (e) return e;
    store_bind_text(st, ":start", start);
    store_bind_text(st, ":end", end);
    registry_bind_scope(st, a, &scope);
    json_t *items = json_array();
    bool row;
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, json_pack("{s:s,s:I}", "citizenship", store_text(st, 0),
                                               "arrivals", (json_int_t)store_int(st, 1)));
    store_done(st);
    mem_free(scope);
    if (e)
        json_decref(items);
    else
        *out = items;
    return e;
}

herr *registry_summary(store *s, const actor *a, const char *from, const char *to, json_t **out) {
    day_series d = {0};
    json_t *sites = NULL, *citizenships = NULL;
    herr *e = parse_range(from, to, &d);
    if (!e) e = registry_site_list(s, a, &sites);
    if (!e) e = collect(s, a, NULL, &d);
    if (!e) e = top_citizenships(s, a, &d, &citizenships);
    if (e) goto cleanup;
    json_int_t present = 0, capacity = 0, arrivals = 0, departures = 0;
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(sites, "items"), i, site) {
        present += json_integer_value(json_object_get(site, "present"));
        if (json_is_true(json_object_get(site, "active")))
            capacity += json_integer_value(json_object_get(site, "capacity"));
    }
    for (int64_t k = 0; k < d.n_days; k++) {
        arrivals += d.arrivals[k];
        departures += d.departures[k];
    }
    json_t *days = series_json(&d);
    *out =
        json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o,s:O,s:o,s:o}", "from",
                  json_str(json_array_get(days, 0), "date"), "to",
                  json_str(json_array_get(days, json_array_size(days) - 1), "date"), "present",
                  present, "capacity", capacity, "arrivals", arrivals, "departures", departures,
                  "average_length_of_stay_days", average_stay(&d), "sites",
                  json_object_get(sites, "items"), "days", days, "top_citizenships", citizenships);
    citizenships = NULL;
cleanup:
    json_decref(sites);
    json_decref(citizenships);
    series_free(&d);
    return e;
}
