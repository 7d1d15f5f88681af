/* Monthly figures of group sessions: sessions held and people reached, by kind, with
 * the sex and age breakdown the annual reports give ("34 mine-risk education sessions
 * for 330 migrants"). Aggregates only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

#define SCOPE_WHERE                                                                                \
    " WHERE (:all = 1 OR :sites LIKE '%,' || g.site_id || ',%')"                                   \
    " AND (:site IS NULL OR g.site_id = :site) AND g.starts_at >= :from AND g.starts_at < :to"

static const char sessions_sql[] =
    "SELECT substr(g.starts_at, 1, 7), g.kind, COUNT(*) FROM group_sessions g" SCOPE_WHERE
    " GROUP BY substr(g.starts_at, 1, 7), g.kind";
static const char attendees_sql[] =
    "SELECT substr(g.starts_at, 1, 7), g.kind, t.sex, t.age_group, COUNT(*)"
    " FROM group_session_attendees t JOIN group_sessions g ON g.id = t.session_id" SCOPE_WHERE
    " GROUP BY substr(g.starts_at, 1, 7), g.kind, t.sex, t.age_group";
static const char counts_sql[] =
    "SELECT substr(g.starts_at, 1, 7), g.kind, c.sex, c.age_group, SUM(c.count)"
    " FROM group_session_counts c JOIN group_sessions g ON g.id = c.session_id" SCOPE_WHERE
    " GROUP BY substr(g.starts_at, 1, 7), g.kind, c.sex, c.age_group";

static const char *const figure_names[] = {"sessions", "registered", "anonymous", "total",
                                           "female",   "male",       "other",     "children"};

static json_t *cell_of(json_t *cells, const char *month, const char *kind) {
    char key[80];
    snprintf(key, sizeof key, "%s|%s", month, kind);
    json_t *c = json_object_get(cells, key);
    if (c) return c;
    c = json_pack("{s:s,s:s}", "month", month, "kind", kind);
    for (size_t i = 0; i < sizeof figure_names / sizeof figure_names[0]; i++)
        json_object_set_new(c, figure_names[i], json_integer(0));
    json_object_set_new(cells, key, c);
    return c;
}

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_int_t old = json_integer_value(json_object_get(obj, key));
    json_object_set_new(obj, key, json_integer(old + n));
}

/* True when the age group's upper bound is under 18. */
static bool is_child_group(const json_t *groups, const char *code) {
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        if (strcmp(json_str(g, "code"), code)) continue;
        return json_integer_value(json_object_get(g, "min")) >= 0 &&
               json_integer_value(json_object_get(g, "max")) < 18;
    }
    return false;
}

typedef struct {
    bool all;
    const char *scope, *site, *from, *to; /* from, to: ISO bounds */
} figure_scope;

static void bind_scope(store_stmt *st, const figure_scope *f) {
    store_bind_int(st, ":all", f->all);
    store_bind_text(st, ":sites", f->scope);
    store_bind_text(st, ":site", f->site);
    store_bind_text(st, ":from", f->from);
    store_bind_text(st, ":to", f->to);
}

static herr *collect(store *s, const figure_scope *f, json_t *cells) {
    store_stmt *st = NULL;
    json_t *groups = sessions_age_groups();
    bool row;
    herr *e = store_prepare(s, sessions_sql, &st);
    if (e) goto cleanup;
    bind_scope(st, f);
    while (!(e = store_step(st, &row)) && row)
        add_to(cell_of(cells, store_text(st, 0), store_text(st, 1)), "sessions", store_int(st, 2));
    store_done(st);
    if (e) goto cleanup;
    for (int pass = 0; pass < 2; pass++) {
        if ((e = store_prepare(s, pass ? counts_sql : attendees_sql, &st))) goto cleanup;
        bind_scope(st, f);
        while (!(e = store_step(st, &row)) && row) {
            json_t *c = cell_of(cells, store_text(st, 0), store_text(st, 1));
            const char *sex = store_text(st, 2);
            json_int_t n = store_int(st, 4);
            add_to(c, pass ? "anonymous" : "registered", n);
            add_to(c, "total", n);
            add_to(c, !strcmp(sex, "F") ? "female" : !strcmp(sex, "M") ? "male" : "other", n);
            if (is_child_group(groups, store_text(st, 3))) add_to(c, "children", n);
        }
        store_done(st);
        if (e) goto cleanup;
    }
cleanup:
    json_decref(groups);
    return e;
}

static int by_month_kind(const void *x, const void *y) {
    const json_t *a = *(const json_t *const *)x, *b = *(const json_t *const *)y;
    int c = strcmp(json_str(a, "month"), json_str(b, "month"));
    return c ? c : strcmp(json_str(a, "kind"), json_str(b, "kind"));
}

static herr *figures(store *s, const figure_scope *f, const char *from, const char *to,
                     json_t **out) {
    json_t *cells = json_object();
    herr *e = collect(s, f, cells);
    if (e) {
        json_decref(cells);
        return e;
    }
    size_t n = json_object_size(cells), k = 0;
    json_t **sorted = mem_alloc((n ? n : 1) * sizeof *sorted);
    const char *key;
    json_t *c;
    json_object_foreach(cells, key, c) sorted[k++] = c;
    qsort(sorted, n, sizeof *sorted, by_month_kind);
    json_t *months = json_array(), *totals = json_object();
    for (size_t i = 0; i < sizeof figure_names / sizeof figure_names[0]; i++)
        json_object_set_new(totals, figure_names[i], json_integer(0));
    for (size_t i = 0; i < n; i++) {
        json_array_append(months, sorted[i]);
        for (size_t j = 0; j < sizeof figure_names / sizeof figure_names[0]; j++)
            add_to(totals, figure_names[j],
                   json_integer_value(json_object_get(sorted[i], figure_names[j])));
    }
    mem_free(sorted);
    json_decref(cells);
    *out =
        json_pack("{s:s,s:s,s:o,s:o}", "from", from, "to", to, "months", months, "totals", totals);
    return NULL;
}

/* from..to with defaults (the last 12 months) and their ISO bounds. */
herr *sess_period(const char *from_in, const char *to_in, char from[CLOCK_DATE_LEN],
                  char to[CLOCK_DATE_LEN], char from_iso[CLOCK_ISO_LEN],
                  char to_iso[CLOCK_ISO_LEN]) {
    herr *e = check_date_text("from", from_in, false, from);
    if (!e) e = check_date_text("to", to_in, false, to);
    if (e) return e;
    if (!to[0]) clock_format_date(clock_now(), to);
    if (!from[0]) {
        int y, m, d;
        clock_parse_date(to, &y, &m, &d);
        clock_format_date(clock_days_from_civil(y - 1, m, 1) * 86400 + 31 * 86400, from);
        snprintf(from + 8, 3, "01");
    }
    if (strcmp(from, to) > 0)
        return err_with(err_invalid("from", "from must not be after to"), "date_range",
                        (const char *)NULL);
    snprintf(from_iso, CLOCK_ISO_LEN, "%sT00:00:00Z", from);
    sess_day_after(to, to_iso);
    return NULL;
}

herr *sessions_figures(store *s, const actor *a, const char *site_id, const char *from,
                       const char *to, json_t **out) {
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN], fi[CLOCK_ISO_LEN], ti[CLOCK_ISO_LEN];
    herr *e = sess_period(from, to, f, t, fi, ti);
    if (e) return e;
    if (site_id && !actor_has_site(a, site_id))
        return err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
    char *scope = sess_scope(a);
    figure_scope fs = {a->all_sites, scope, site_id, fi, ti};
    e = figures(s, &fs, f, t, out);
    mem_free(scope);
    return e;
}

herr *sessions_period_figures(store *s, const char *from, const char *to, json_t **out) {
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN], fi[CLOCK_ISO_LEN], ti[CLOCK_ISO_LEN];
    herr *e = sess_period(from, to, f, t, fi, ti);
    if (e) return e;
    figure_scope fs = {true, ",", NULL, fi, ti};
    return figures(s, &fs, f, t, out);
}
