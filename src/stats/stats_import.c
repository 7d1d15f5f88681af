/* Import of a neighbour's SDMX-CSV file (the format of stats_write_csv).
 *
 * Strict by design: figures that cross a border must mean the same on both sides. The
 * whole file is checked before anything is written and every error is reported with
 * its line and column; a file with any error imports nothing. A correct file replaces
 * that administration's figures for that period in one audited transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

enum { N_COLS = 12, MAX_ERRORS = 1000, MAX_FIELD = 64 };
#define MAX_FILE (64u * 1024 * 1024)

static const char *const columns[N_COLS] = {
    "DATAFLOW", "FREQ",         "REF_AREA",    "INDICATOR", "CITIZEN",    "SEX",
    "AGE",      "UNIT_MEASURE", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "CONF_STATUS"};
enum {
    C_DATAFLOW,
    C_FREQ,
    C_REF_AREA,
    C_INDICATOR,
    C_CITIZEN,
    C_SEX,
    C_AGE,
    C_UNIT,
    C_PERIOD,
    C_VALUE,
    C_OBS,
    C_CONF
};

typedef struct {
    json_t *errors;
    int count;
} errors;

/* Records one error at line and column: the English message, and for the web interface
 * a message key (errors.key.<key>) with its parameters (params, taken over; NULL for
 * none) so that the user reads it in their own language. */
static void error_at(errors *err, int line, int col, const char *key, json_t *params,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void error_at(errors *err, int line, int col, const char *key, json_t *params,
                     const char *fmt, ...) {
    err->count++;
    if (json_array_size(err->errors) >= MAX_ERRORS) {
        json_decref(params);
        return;
    }
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(
        err->errors, json_pack("{s:i,s:i,s:s,s:s,s:s,s:o}", "line", line, "column", col, "field",
                               col >= 1 && col <= N_COLS ? columns[col - 1] : "", "message", msg,
                               "key", key, "params", params ? params : json_object()));
}

/* The parameters of an import error: name/value string pairs. */
static json_t *P1(const char *n1, const char *v1) { return json_pack("{s:s}", n1, v1); }
static json_t *P2(const char *n1, const char *v1, const char *n2, const char *v2) {
    return json_pack("{s:s,s:s}", n1, v1, n2, v2);
}
static json_t *P3(const char *n1, const char *v1, const char *n2, const char *v2, const char *n3,
                  const char *v3) {
    return json_pack("{s:s,s:s,s:s}", n1, v1, n2, v2, n3, v3);
}

/* Splits one line into fields (RFC 4180 quoting allowed); returns the number of
 * fields, or -1 when a quote is not closed. Over-long fields are cut: they are wrong
 * anyway and are reported by the checks that follow. */
static int split(const char *p, const char *end, char fields[][MAX_FIELD], int max) {
    int n = 0;
    for (;;) {
        char *f = n < max ? fields[n] : NULL;
        size_t k = 0;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) return -1;
                if (*p == '"' && p + 1 < end && p[1] == '"')
                    p++;
                else if (*p == '"')
                    break;
                if (f && k + 1 < MAX_FIELD) f[k++] = *p;
                p++;
            }
            p++;
        }
        while (p < end && *p != ',') {
            if (f && k + 1 < MAX_FIELD) f[k++] = *p;
            p++;
        }
        if (f) f[k] = '\0';
        n++;
        if (p >= end) return n;
        p++; /* the comma */
    }
}

/* A count: digits only. A mean: digits with at most one decimal. */
static bool parse_value(const char *s, bool mean, double *out) {
    const char *p = s;
    if (!*p) return false;
    while (*p >= '0' && *p <= '9') p++;
    if (p == s || p - s > 12) return false;
    if (*p == '.' && mean && p[1] >= '0' && p[1] <= '9' && !p[2]) p += 2;
    if (*p) return false;
    *out = strtod(s, NULL);
    return true;
}

typedef struct {
    stats_set set;
    char ref_area[4];
    char period[8];
} parsed;

static void check_row(parsed *ps, char f[][MAX_FIELD], int line, errors *err) {
    const stats_cat *cat = stats_cat_get();
    bool ok = true;
    if (strcmp(f[C_DATAFLOW], cat->dataflow)) {
        error_at(err, line, C_DATAFLOW + 1, "stats_import_dataflow",
                 P2("value", f[C_DATAFLOW], "expected", cat->dataflow),
                 "unknown dataflow %s (expected %s)", f[C_DATAFLOW], cat->dataflow);
        ok = false;
    }
    if (!stats_cat_ref_area_valid(cat, f[C_REF_AREA])) {
        error_at(err, line, C_REF_AREA + 1, "stats_import_code",
                 P2("column", "REF_AREA", "value", f[C_REF_AREA]), "unknown REF_AREA code %s",
                 f[C_REF_AREA]);
        ok = false;
    } else if (!ps->ref_area[0]) {
        snprintf(ps->ref_area, sizeof ps->ref_area, "%s", f[C_REF_AREA]);
    } else if (strcmp(ps->ref_area, f[C_REF_AREA])) {
        error_at(err, line, C_REF_AREA + 1, "stats_import_area_mixed",
                 P2("value", f[C_REF_AREA], "file", ps->ref_area),
                 "REF_AREA %s, but the file is for %s: one administration per file", f[C_REF_AREA],
                 ps->ref_area);
        ok = false;
    }
    int ind = stats_cat_indicator(cat, f[C_INDICATOR]);
    const stats_indicator *in = ind >= 0 ? &cat->ind[ind] : NULL;
    if (!in) {
        error_at(err, line, C_INDICATOR + 1, "stats_import_code",
                 P2("column", "INDICATOR", "value", f[C_INDICATOR]), "unknown INDICATOR code %s",
                 f[C_INDICATOR]);
        ok = false;
    }
    static const int dims[] = {DIM_CITIZEN, DIM_SEX, DIM_AGE};
    for (int k = 0; k < 3; k++) {
        int col = C_CITIZEN + k;
        const char *code = f[col];
        bool valid = k == 0   ? stats_citizen_valid(code)
                     : k == 1 ? stats_cat_sex(cat, code) >= 0
                              : stats_cat_age(cat, code) >= 0;
        if (!valid) {
            error_at(err, line, col + 1, "stats_import_code",
                     P2("column", columns[col], "value", code), "unknown %s code %s", columns[col],
                     code);
            ok = false;
        } else if (in && !(in->dims & DIMBIT(dims[k])) && strcmp(code, stats_total_code(dims[k]))) {
            error_at(err, line, col + 1, "stats_import_breakdown",
                     P3("indicator", in->code, "column", columns[col], "total",
                        stats_total_code(dims[k])),
                     "%s has no %s breakdown: only %s is allowed", in->code, columns[col],
                     stats_total_code(dims[k]));
            ok = false;
        }
    }
    if (in && strcmp(f[C_UNIT], in->unit)) {
        error_at(err, line, C_UNIT + 1, "stats_import_unit",
                 P3("indicator", in->code, "unit", in->unit, "value", f[C_UNIT]),
                 "UNIT_MEASURE of %s is %s, not %s", in->code, in->unit, f[C_UNIT]);
        ok = false;
    }
    stats_period per;
    herr *pe = stats_period_parse(f[C_PERIOD], "TIME_PERIOD", &per);
    bool freq_ok = strlen(f[C_FREQ]) == 1 && strchr("MQA", f[C_FREQ][0]);
    if (!freq_ok) {
        error_at(err, line, C_FREQ + 1, "stats_import_code",
                 P2("column", "FREQ", "value", f[C_FREQ]), "unknown FREQ code %s", f[C_FREQ]);
        ok = false;
    }
    if (pe) {
        error_at(err, line, C_PERIOD + 1, "stats_import_period", P1("value", f[C_PERIOD]),
                 "wrong period %s: %s", f[C_PERIOD], pe->message);
        err_free(pe);
        ok = false;
    } else {
        char start_now[CLOCK_ISO_LEN];
        clock_format_iso(clock_now(), start_now);
        if (freq_ok && per.freq != f[C_FREQ][0]) {
            error_at(err, line, C_PERIOD + 1, "stats_import_period_freq",
                     P2("value", f[C_PERIOD], "freq", f[C_FREQ]), "wrong period %s for FREQ %s",
                     f[C_PERIOD], f[C_FREQ]);
            ok = false;
        } else if (strcmp(per.start_iso, start_now) > 0) {
            error_at(err, line, C_PERIOD + 1, "stats_import_period_future",
                     P1("value", f[C_PERIOD]), "wrong period %s: it has not started yet",
                     f[C_PERIOD]);
            ok = false;
        } else if (!ps->period[0]) {
            snprintf(ps->period, sizeof ps->period, "%s", per.text);
        } else if (strcmp(ps->period, per.text)) {
            error_at(err, line, C_PERIOD + 1, "stats_import_period_mixed",
                     P2("value", f[C_PERIOD], "file", ps->period),
                     "wrong period %s: the file is for %s, one period per file", f[C_PERIOD],
                     ps->period);
            ok = false;
        }
        if (in && !stats_period_allows(&per, in->periodicity)) {
            error_at(err, line, C_PERIOD + 1, "stats_import_period_short",
                     P2("value", f[C_PERIOD], "indicator", in->code),
                     "wrong period %s: %s is not reported for periods that short", f[C_PERIOD],
                     in->code);
            ok = false;
        }
    }
    bool obs_ok = !strcmp(f[C_OBS], "A") || !strcmp(f[C_OBS], "R");
    if (!obs_ok) {
        error_at(err, line, C_OBS + 1, "stats_import_code",
                 P2("column", "OBS_STATUS", "value", f[C_OBS]), "unknown OBS_STATUS code %s",
                 f[C_OBS]);
        ok = false;
    }
    bool conf_ok = !strcmp(f[C_CONF], "F") || !strcmp(f[C_CONF], "C") || !strcmp(f[C_CONF], "D");
    if (!conf_ok) {
        error_at(err, line, C_CONF + 1, "stats_import_code",
                 P2("column", "CONF_STATUS", "value", f[C_CONF]), "unknown CONF_STATUS code %s",
                 f[C_CONF]);
        ok = false;
    }
    bool hidden = conf_ok && f[C_CONF][0] != 'F';
    double value = 0;
    if (hidden && f[C_VALUE][0]) {
        error_at(err, line, C_VALUE + 1, "stats_import_confidential", P1("conf", f[C_CONF]),
                 "a confidential cell (CONF_STATUS %s) must have no value", f[C_CONF]);
        ok = false;
    } else if (!hidden && !parse_value(f[C_VALUE], in && in->measure == MEASURE_MEAN, &value)) {
        error_at(err, line, C_VALUE + 1,
                 in && in->measure == MEASURE_MEAN ? "stats_import_mean" : "stats_import_count",
                 P1("value", f[C_VALUE]), "value not a number: '%s' (%s)", f[C_VALUE],
                 in && in->measure == MEASURE_MEAN
                     ? "a non-negative number with at most one decimal"
                     : "a whole number from 0");
        ok = false;
    }
    if (!ok) return;
    stats_cell *c = stats_set_add(&ps->set, ind, "", f[C_CITIZEN], f[C_SEX], f[C_AGE]);
    c->state = hidden ? CELL_SUPPRESSED : CELL_VALUE;
    c->value = value;
    snprintf(c->obs, sizeof c->obs, "%s", f[C_OBS]);
    snprintf(c->conf, sizeof c->conf, "%s", f[C_CONF]);
    c->source = 'i';
    c->line = line;
}

static void parse(const char *data, size_t len, parsed *ps, errors *err) {
    const char *p = data, *end = data + len;
    char f[N_COLS + 1][MAX_FIELD];
    int line = 0;
    bool header_seen = false;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        const char *next = eol ? eol + 1 : end;
        if (stop > p && stop[-1] == '\r') stop--;
        line++;
        if (stop == p && !header_seen) {
            error_at(err, line, 1, "stats_import_header_first", NULL,
                     "the first line must be the header");
            header_seen = true;
        } else if (stop == p) {
            if (next < end) error_at(err, line, 1, "stats_import_empty_line", NULL, "empty line");
        } else {
            int n = split(p, stop, f, N_COLS + 1);
            /* Every valid value is printable ASCII; anything else is wrong and is shown
             * as '?' so that messages stay valid UTF-8. */
            for (int i = 0; i < n && i <= N_COLS; i++)
                for (char *c = f[i]; *c; c++)
                    if (*c < 0x20 || *c > 0x7e) *c = '?';
            if (n < 0) {
                error_at(err, line, 1, "stats_import_quote", NULL, "a quoted field is not closed");
            } else if (!header_seen) {
                header_seen = true;
                for (int i = 0; i < N_COLS; i++)
                    if (i >= n || strcmp(f[i], columns[i])) {
                        error_at(err, line, i + 1, "stats_import_header_column",
                                 json_pack("{s:i,s:s}", "column", i + 1, "expected", columns[i]),
                                 "header: column %d must be %s", i + 1, columns[i]);
                        break;
                    }
                if (n > N_COLS)
                    error_at(err, line, N_COLS + 1, "stats_import_header_extra",
                             json_pack("{s:i}", "max", N_COLS), "header: more than %d columns",
                             N_COLS);
            } else if (n != N_COLS) {
                error_at(err, line, n < N_COLS ? n : N_COLS + 1, "stats_import_columns",
                         json_pack("{s:i,s:i}", "expected", N_COLS, "found", n),
                         "expected %d columns, found %d", N_COLS, n);
            } else {
                check_row(ps, f, line, err);
            }
        }
        p = next;
    }
    if (!header_seen)
        error_at(err, 1, 1, "stats_import_file_empty", NULL, "the file is empty");
    else if (ps->set.n == 0 && err->count == 0)
        error_at(err, line, 1, "stats_import_no_figures", NULL, "the file has no figures");
}

/* Duplicate keys among the well-formed rows, then totals if the file is otherwise
 * correct. */
static void check_set(parsed *ps, errors *err) {
    stats_set *set = &ps->set;
    stats_set_sort(set);
    for (size_t i = 1; i < set->n; i++)
        if (!stats_cell_cmp(&set->cells[i - 1], &set->cells[i])) {
            const stats_cell *a = &set->cells[i - 1], *b = &set->cells[i];
            const stats_cell *later = a->line > b->line ? a : b, *first = a->line > b->line ? b : a;
            error_at(err, later->line, C_INDICATOR + 1, "stats_import_duplicate",
                     json_pack("{s:i}", "line", first->line),
                     "duplicate key: the same cell as line %d", first->line);
        }
    /* Sums are only meaningful once every row is well-formed and unique. */
    if (err->count) return;
    json_t *v = json_array();
    stats_check_totals(set, v);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        json_t *cell = json_object_get(item, "cell");
        const stats_cell *c = stats_set_find(
            set, stats_cat_indicator(stats_cat_get(), json_str(item, "indicator")), "",
            json_str(cell, "citizen"), json_str(cell, "sex"), json_str(cell, "age"));
        error_at(err, c ? c->line : 0, C_VALUE + 1, "stats_import_totals",
                 P1("detail", json_str(item, "message")), "totals do not add up: %s",
                 json_str(item, "message"));
    }
    json_decref(v);
}

static int error_order(const void *a, const void *b) {
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t lx = json_integer_value(json_object_get(x, "line")),
               ly = json_integer_value(json_object_get(y, "line"));
    if (lx != ly) return lx < ly ? -1 : 1;
    json_int_t cx = json_integer_value(json_object_get(x, "column")),
               cy = json_integer_value(json_object_get(y, "column"));
    return cx < cy ? -1 : cx > cy;
}

/* Errors in file order, whichever check found them. */
static void sort_errors(errors *err) {
    size_t n = json_array_size(err->errors);
    if (n < 2) return;
    json_t **items = mem_alloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = json_incref(json_array_get(err->errors, i));
    qsort(items, n, sizeof *items, error_order);
    json_array_clear(err->errors);
    for (size_t i = 0; i < n; i++) json_array_append_new(err->errors, items[i]);
    mem_free(items);
}

herr *stats_import(store *s, const actor *a, const char *data, size_t len, json_t **report) {
    parsed ps;
    errors err = {json_array(), 0};
    stats_conf conf;
    stats_period per;
    json_t *detail = NULL;
    herr *e = NULL;
    memset(&ps, 0, sizeof ps);
    stats_period_parse("2000", "period", &per);
    stats_set_init(&ps.set, "", &per);
    *report = NULL;
    if (len > MAX_FILE) {
        e = err_new(ERR_TOO_LARGE, "file", "the file is larger than %u MB", MAX_FILE >> 20);
        goto done;
    }
    parse(data ? data : "", data ? len : 0, &ps, &err);
    check_set(&ps, &err);
    sort_errors(&err);
    if (err.count) {
        json_t *first = json_array_get(err.errors, 0);
        e = err_new(
            ERR_INVALID, "file",
            "the file has %d error%s; nothing was imported (line %d, column %d: %s)", err.count,
            err.count == 1 ? "" : "s", (int)json_integer_value(json_object_get(first, "line")),
            (int)json_integer_value(json_object_get(first, "column")), json_str(first, "message"));
        goto done;
    }
    e = stats_conf_load(s, &conf);
    if (e) goto done;
    if (!strcmp(conf.ref_area, ps.ref_area)) {
        e = err_new(
            ERR_CONFLICT, "file",
            "the file is for %s, this installation's own administration: its figures are computed or entered here",
            ps.ref_area);
        goto done;
    }
    snprintf(ps.set.ref_area, sizeof ps.set.ref_area, "%s", ps.ref_area);
    stats_period_parse(ps.period, "period", &ps.set.period);
    char entity_id[16];
    snprintf(entity_id, sizeof entity_id, "%s:%s", ps.ref_area, ps.period);
    detail = json_pack("{s:s,s:I}", "source", "imported", "cells", (json_int_t)ps.set.n);
    e = store_begin(s);
    if (e) goto done;
    e = stats_set_replace(s, &ps.set, NULL);
    if (!e) e = audit_record(s, a, "import", "stats_period", entity_id, detail);
    if (!e) e = store_commit(s);
    if (e) store_rollback(s);
done:
    *report = json_pack("{s:s,s:s,s:I,s:o}", "ref_area", ps.ref_area, "period", ps.period, "cells",
                        (json_int_t)(e ? 0 : ps.set.n), "errors", err.errors);
    json_decref(detail);
    stats_set_free(&ps.set);
    return e;
}
