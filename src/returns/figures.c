/* Counts for the statistics module (AVRR_COUNS, AVRR_RET): aggregates over groups of
 * people, never a row of one person. Grouped in SQL by recorded citizenship (or
 * destination), sex and birth date, then folded into the caller's age bands here. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

static const char first_use_sql[] =
    "SELECT MIN(t) FROM (SELECT MIN(held_at) AS t FROM return_counselling"
    " UNION ALL SELECT MIN(at) FROM return_transitions) AS u";

static const char counselling_sql[] =
    "SELECT COALESCE(m.citizenship, p.citizenship), COALESCE(m.sex, p.sex),"
    " COALESCE(m.birth_date, p.birth_date), COUNT(*) FROM return_counselling r"
    " JOIN persons p ON p.id = r.person_id LEFT JOIN persons m ON m.id = p.merged_into"
    " WHERE r.held_at >= :from AND r.held_at < :to GROUP BY 1, 2, 3";

/* Each traveller once per departure (a case departs once: the state machine has no way
 * back to departed). */
static const char departures_sql[] =
    "SELECT c.destination_country, COALESCE(m.sex, p.sex), COALESCE(m.birth_date, p.birth_date),"
    " COUNT(*) FROM return_transitions x JOIN return_cases c ON c.id = x.case_id"
    " JOIN return_travellers t ON t.case_id = c.id JOIN persons p ON p.id = t.person_id"
    " LEFT JOIN persons m ON m.id = p.merged_into"
    " WHERE x.to_state = 'departed' AND x.at >= :from AND x.at < :to GROUP BY 1, 2, 3";

static int age_band(const char *birth, const char *day, const int *age_from, size_t n_ages) {
    int by, bm, bd, y, m, d;
    if (!birth || !clock_parse_date(birth, &by, &bm, &bd) || !clock_parse_date(day, &y, &m, &d))
        return -1;
    int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
    if (age < 0) return -1;
    int band = -1;
    for (size_t i = 0; i < n_ages; i++)
        if (age >= age_from[i]) band = (int)i;
    return band;
}

/* Runs one grouped query and folds its rows into [{key_name,"sex","age_band","count"}]. */
static herr *grouped(store *s, const char *sql, const char *key_name, const char *from_iso,
                     const char *to_iso, const char *age_day, const int *age_from, size_t n_ages,
                     json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *groups = json_object();
    *out = NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":from", from_iso);
    store_bind_text(st, ":to", to_iso);
    while (!(e = store_step(st, &row)) && row) {
        const char *key = store_text(st, 0), *sex = store_text(st, 1);
        int band =
            age_band(store_is_null(st, 2) ? NULL : store_text(st, 2), age_day, age_from, n_ages);
        char *k = mem_printf("%s|%s|%d", key, sex, band);
        json_t *g = json_object_get(groups, k);
        if (!g) {
            g = json_pack("{s:s,s:s,s:i,s:I}", key_name, key, "sex", sex, "age_band", band, "count",
                          (json_int_t)0);
            json_object_set_new(groups, k, g);
        }
        json_object_set_new(
            g, "count",
            json_integer(json_integer_value(json_object_get(g, "count")) + store_int(st, 3)));
        mem_free(k);
    }
    if (e) goto cleanup;
    json_t *list = json_array();
    const char *k;
    json_t *g;
    json_object_foreach(groups, k, g) json_array_append(list, g);
    *out = list;
cleanup:
    store_done(st);
    json_decref(groups);
    return e;
}

herr *returns_period_breakdown(store *s, const char *from_iso, const char *to_iso,
                               const char *age_day, const int *age_from, size_t n_ages,
                               json_t **out) {
    store_stmt *st = NULL;
    json_t *counselling = NULL, *departures = NULL, *first = json_null();
    bool row;
    *out = NULL;
    herr *e = store_prepare(s, first_use_sql, &st);
    if (e) goto cleanup;
    if ((e = store_step(st, &row))) goto cleanup;
    if (row && !store_is_null(st, 0)) {
        json_decref(first);
        first = json_string(store_text(st, 0));
    }
    store_done(st);
    st = NULL;
    if ((e = grouped(s, counselling_sql, "citizenship", from_iso, to_iso, age_day, age_from, n_ages,
                     &counselling)))
        goto cleanup;
    if ((e = grouped(s, departures_sql, "destination", from_iso, to_iso, age_day, age_from, n_ages,
                     &departures)))
        goto cleanup;
    *out = json_pack("{s:O,s:O,s:O}", "first_use", first, "counselling", counselling, "departures",
                     departures);
cleanup:
    store_done(st);
    json_decref(first);
    json_decref(counselling);
    json_decref(departures);
    return e;
}
