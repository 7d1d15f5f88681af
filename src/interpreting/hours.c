/* Hours of interpreting per month, site and language from completed assignments (the
 * interpreter confirmed it, it has ended, and nobody recorded a no-show), with the
 * no-shows counted beside them, by who did not come; the interpreters with no-shows in
 * the period; and the same as CSV. Only the actor's sites are counted. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

#define MAX_DAYS (5 * 366)

static const char rows_sql[] =
    "SELECT substr(x.starts_at, 1, 7), r.site_id, s.name, r.language,"
    " SUM(x.status = 'confirmed' AND x.ends_at <= :now AND n.id IS NULL),"
    " SUM(CASE WHEN x.status = 'confirmed' AND x.ends_at <= :now AND n.id IS NULL"
    "  THEN r.duration_minutes ELSE 0 END),"
    " SUM(n.who = 'interpreter'), SUM(n.who = 'client')"
    " FROM interp_assignments x JOIN interp_requests r ON r.id = x.request_id"
    " JOIN sites s ON s.id = r.site_id LEFT JOIN interp_noshows n ON n.assignment_id = x.id"
    " WHERE x.status IN ('proposed', 'confirmed') AND x.starts_at >= :from AND x.starts_at < :to"
    " AND (:site IS NULL OR r.site_id = :site)"
    " GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4";

static const char noshow_sql[] =
    "SELECT n.interpreter_id, i.name, r.site_id FROM interp_noshows n"
    " JOIN interp_assignments x ON x.id = n.assignment_id"
    " JOIN interp_requests r ON r.id = x.request_id JOIN interpreters i ON i.id = n.interpreter_id"
    " WHERE n.who = 'interpreter' AND x.starts_at >= :from AND x.starts_at < :to"
    " AND (:site IS NULL OR r.site_id = :site) ORDER BY i.name, n.interpreter_id";

static double hours_of(json_int_t minutes) { return round(minutes / 60.0 * 100.0) / 100.0; }

static json_t *counts(json_int_t done, json_int_t minutes, json_int_t by_interp,
                      json_int_t by_client) {
    return json_pack("{s:I,s:I,s:f,s:I,s:I}", "assignments", done, "minutes", minutes, "hours",
                     hours_of(minutes), "interpreter_no_shows", by_interp, "client_no_shows",
                     by_client);
}

/* Adds the counts of row into o. */
static void add_counts(json_t *o, const json_t *row) {
    static const char *const fields[] = {"assignments", "minutes", "interpreter_no_shows",
                                         "client_no_shows"};
    for (size_t f = 0; f < 4; f++)
        json_object_set_new(o, fields[f],
                            json_integer(json_integer_value(json_object_get(o, fields[f])) +
                                         json_integer_value(json_object_get(row, fields[f]))));
    json_object_set_new(o, "hours",
                        json_real(hours_of(json_integer_value(json_object_get(o, "minutes")))));
}

/* Adds a row's counts into the member key of the object sums (made on first use). */
static void add_into(json_t *sums, const char *key, const json_t *row, const char *label,
                     const char *label_value) {
    json_t *o = json_object_get(sums, key);
    if (!o) {
        o = counts(0, 0, 0, 0);
        json_object_set_new(o, label, json_string(label_value));
        json_object_set_new(sums, key, o);
    }
    add_counts(o, row);
}

static json_t *values(json_t *sums) {
    json_t *list = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(sums, key, v) { json_array_append(list, v); }
    json_decref(sums);
    return list;
}

herr *interp_hours_report(store *s, const actor *a, const char *from, const char *to,
                          const char *site, json_t **out) {
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN], f_iso[CLOCK_ISO_LEN], t_iso[CLOCK_ISO_LEN],
        now[CLOCK_ISO_LEN];
    herr *e = check_date_text("from", from, true, f);
    if (!e) e = check_date_text("to", to, true, t);
    if (!e) e = check_id("site", site, false);
    if (e) return e;
    int y, m, d;
    clock_parse_date(f, &y, &m, &d);
    int64_t d0 = clock_days_from_civil(y, m, d);
    clock_parse_date(t, &y, &m, &d);
    int64_t d1 = clock_days_from_civil(y, m, d);
    if (d1 < d0)
        return err_with(err_invalid("to", "to must not be before from"), "date_range",
                        (const char *)NULL);
    if (d1 - d0 > MAX_DAYS) return err_invalid("to", "a report covers at most five years");
    if (site && !actor_has_site(a, site))
        return err_with(err_invalid("site", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    clock_format_iso(d0 * 86400, f_iso);
    clock_format_iso((d1 + 1) * 86400, t_iso);
    clock_format_iso(clock_now(), now);

    store_stmt *st = NULL;
    bool row = false;
    if ((e = store_prepare(s, rows_sql, &st))) return e;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":from", f_iso);
    store_bind_text(st, ":to", t_iso);
    store_bind_text(st, ":site", site);
    json_t *rows = json_array(), *by_language = json_object(), *by_site = json_object(),
           *total = counts(0, 0, 0, 0), *noshows = json_object();
    while (!(e = store_step(st, &row)) && row) {
        if (!actor_has_site(a, store_text(st, 1))) continue;
        json_t *o = counts(store_int(st, 4), store_int(st, 5), store_int(st, 6), store_int(st, 7));
        json_object_set_new(o, "month", json_string(store_text(st, 0)));
        json_object_set_new(o, "site_id", json_string(store_text(st, 1)));
        json_object_set_new(o, "site_name", json_string(store_text(st, 2)));
        json_object_set_new(o, "language", json_string(store_text(st, 3)));
        add_into(by_language, store_text(st, 3), o, "language", store_text(st, 3));
        add_into(by_site, store_text(st, 1), o, "site_id", store_text(st, 1));
        json_object_set_new(json_object_get(by_site, store_text(st, 1)), "site_name",
                            json_string(store_text(st, 2)));
        add_counts(total, o);
        json_array_append_new(rows, o);
    }
    store_done(st);
    if (!e && !(e = store_prepare(s, noshow_sql, &st))) {
        store_bind_text(st, ":from", f_iso);
        store_bind_text(st, ":to", t_iso);
        store_bind_text(st, ":site", site);
        while (!(e = store_step(st, &row)) && row) {
            if (!actor_has_site(a, store_text(st, 2))) continue;
            json_t *o = json_object_get(noshows, store_text(st, 0));
            if (!o) {
                o = json_pack("{s:s,s:s,s:i}", "interpreter_id", store_text(st, 0), "name",
                              store_text(st, 1), "no_shows", 0);
                json_object_set_new(noshows, store_text(st, 0), o);
            }
            json_object_set_new(
                o, "no_shows",
                json_integer(json_integer_value(json_object_get(o, "no_shows")) + 1));
        }
        store_done(st);
    }
    if (e) {
        json_decref(rows);
        json_decref(by_language);
        json_decref(by_site);
        json_decref(total);
        json_decref(noshows);
        return e;
    }
    *out = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "from", f, "to", t, "rows", rows,
                     "by_language", values(by_language), "by_site", values(by_site), "total", total,
                     "interpreter_no_shows", values(noshows));
    json_object_set_new(*out, "site", site ? json_string(site) : json_null());
    return NULL;
}

/* A CSV field: quoted, quotes doubled, a leading =, +, - or @ defused with a '. */
static char *csv_add(char *buf, const char *v) {
    const char *text = v ? v : "";
    size_t n = strlen(buf), extra = 3;
    for (const char *p = text; *p; p++) extra += *p == '"' ? 2 : 1;
    char *out = mem_alloc(n + extra + 2);
    memcpy(out, buf, n);
    char *w = out + n;
    *w++ = '"';
    if (text[0] && strchr("=+-@", text[0])) *w++ = '\'';
    for (const char *p = text; *p; p++) {
        *w++ = *p;
        if (*p == '"') *w++ = '"';
    }
    *w++ = '"';
    *w = '\0';
    mem_free(buf);
    return out;
}

herr *interp_hours_csv(store *s, const actor *a, const char *from, const char *to, const char *site,
                       char **out, size_t *len) {
    json_t *report = NULL;
    herr *e = interp_hours_report(s, a, from, to, site, &report);
    if (e) return e;
    char *buf = mem_strdup(
        "month,site,language,assignments,hours,interpreter_no_shows,client_no_shows\r\n");
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(report, "rows"), i, r) {
        buf = csv_add(buf, json_str(r, "month"));
        char *next = mem_printf("%s,", buf);
        mem_free(buf);
        buf = csv_add(next, json_str(r, "site_name"));
        next = mem_printf("%s,", buf);
        mem_free(buf);
        buf = csv_add(next, json_str(r, "language"));
        next = mem_printf("%s,%lld,%.2f,%lld,%lld\r\n", buf,
                          (long long)json_integer_value(json_object_get(r, "assignments")),
                          json_real_value(json_object_get(r, "hours")),
                          (long long)json_integer_value(json_object_get(r, "interpreter_no_shows")),
                          (long long)json_integer_value(json_object_get(r, "client_no_shows")));
        mem_free(buf);
        buf = next;
    }
    json_t *detail = json_pack("{s:s,s:s,s:I}", "from", from, "to", to, "rows",
                               (json_int_t)json_array_size(json_object_get(report, "rows")));
    json_decref(report);
    e = audit_record_read(s, a, "interp_hours_export", "", detail);
    json_decref(detail);
    if (e) {
        mem_free(buf);
        return e;
    }
    *out = buf;
    *len = strlen(buf);
    return NULL;
}
