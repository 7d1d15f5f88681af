/* Figures of complaints and feedback: received and closed per month and category, by
 * channel, what is open and overdue, and how long closing the loop takes. PSEA reports
 * are never counted here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "feedback/feedback.h"
#include "feedback/feedback_internal.h"

#define SCOPE                                                                                      \
    " (:all = 1 OR :sites LIKE '%,' || f.site_id || ',%') AND (:site IS NULL OR f.site_id = :site)"

static const char figures_sql[] =
    "SELECT substr(f.received_at, 1, 7), f.category, f.channel, f.state, f.received_at,"
    " f.closed_at, f.ack_due, f.response_due FROM feedback_items f WHERE" SCOPE
    " AND f.received_at >= :from AND f.received_at < :to ORDER BY f.received_at";

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + n));
}

static int by_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

herr *feedback_figures(store *s, const actor *a, const char *site_id, const char *from_in,
                       const char *to_in, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], fi[CLOCK_ISO_LEN], ti[CLOCK_ISO_LEN];
    char now[CLOCK_ISO_LEN];
    json_t *cells = json_object(), *channels = json_object(), *cats = json_object();
    double *days = NULL;
    size_t n_days = 0;
    json_int_t open = 0, overdue = 0;
    store_stmt *st = NULL;
    char *scope = fb_scope(a);
    bool row;
    herr *e = fb_period(from_in, to_in, from, to, fi, ti);
    if (!e && site_id && !actor_has_site(a, site_id))
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
    if (e) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_prepare(s, figures_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":from", fi);
    store_bind_text(st, ":to", ti);
    while (!(e = store_step(st, &row)) && row) {
        char key[80];
        snprintf(key, sizeof key, "%s|%s", store_text(st, 0), store_text(st, 1));
        json_t *c = json_object_get(cells, key);
        if (!c) {
            c = json_pack("{s:s,s:s,s:i,s:i,s:i}", "month", store_text(st, 0), "category",
                          store_text(st, 1), "received", 0, "closed", 0, "overdue", 0);
            json_object_set_new(cells, key, c);
        }
        const char *state = store_text(st, 3);
        bool late = (!strcmp(state, "received") && strcmp(store_text(st, 6), now) < 0) ||
                    ((!strcmp(state, "received") || !strcmp(state, "acknowledged")) &&
                     strcmp(store_text(st, 7), now) < 0);
        add_to(c, "received", 1);
        add_to(channels, store_text(st, 2), 1);
        add_to(cats, store_text(st, 1), 1);
        if (late) {
            add_to(c, "overdue", 1);
            overdue++;
        }
        if (strcmp(state, "closed")) {
            open++;
            continue;
        }
        add_to(c, "closed", 1);
        int64_t t0 = 0, t1 = 0;
        if (clock_parse_iso(store_text(st, 4), &t0) && clock_parse_iso(store_text(st, 5), &t1)) {
            days = mem_realloc(days, (n_days + 1) * sizeof *days);
            days[n_days++] = (double)(t1 - t0) / 86400.0;
        }
    }
    store_done(st);
    if (e) goto cleanup;
    json_t *months = json_array();
    const char *key;
    json_t *c;
    json_object_foreach(cells, key, c) json_array_append(months, c);
    double median = 0;
    if (n_days) {
        qsort(days, n_days, sizeof *days, by_double);
        median = n_days % 2 ? days[n_days / 2] : (days[n_days / 2 - 1] + days[n_days / 2]) / 2;
    }
    *out = json_pack("{s:s,s:s,s:o,s:O,s:O,s:I,s:I,s:o}", "from", from, "to", to, "months", months,
                     "by_channel", channels, "by_category", cats, "open", open, "overdue", overdue,
                     "median_days_to_close", n_days ? json_real(median) : json_null());
cleanup:
    json_decref(cells);
    json_decref(channels);
    json_decref(cats);
    mem_free(days);
    mem_free(scope);
    return e;
}
