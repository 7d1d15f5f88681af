/* Validation: the catalogue's rules run over the stored figures of one administration
 * and period (before disclosure control for the local administration; as imported
 * for the others). Each violation names its rule, indicator, cell and values.
 *
 * Figures from a neighbour may carry suppressed cells (no value) and cells rounded to
 * base 5: a sum with a suppressed member only checks that the known parts do not
 * exceed the total, and each rounded member widens the tolerance by 2 (the largest
 * error of rounding an integer to base 5). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stats/stats_internal.h"

typedef struct {
    const stats_set *set, *prev, *year_ago;
    const stats_conf *conf;
    const stats_rule *rule;
    int rule_index;
    json_t *out;
    int checked;
} checker;

static const char *dim_name(int d) {
    static const char *const names[] = {"SITE", "CITIZEN", "SEX", "AGE"};
    return names[d];
}

static void violation(checker *k, int ind, const stats_cell *cell, json_t *values, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

static void violation(checker *k, int ind, const stats_cell *cell, json_t *values, const char *fmt,
                      ...) {
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *where =
        cell ? json_pack("{s:o,s:s,s:s,s:s}", "site",
                         cell->key[DIM_SITE][0] ? json_string(cell->key[DIM_SITE]) : json_null(),
                         "citizen", cell->key[DIM_CITIZEN], "sex", cell->key[DIM_SEX], "age",
                         cell->key[DIM_AGE])
             : json_null();
    json_array_append_new(k->out, json_pack("{s:s,s:s,s:s,s:o,s:o,s:s}", "rule", k->rule->id,
                                            "severity", k->rule->warning ? "warning" : "error",
                                            "indicator", stats_cat_get()->ind[ind].code, "cell",
                                            where, "values", values, "message", msg));
}

static bool has_value(const stats_cell *c) { return c && c->state == CELL_VALUE; }

static double tolerance(const stats_cell *c) { return c && c->obs[0] == 'R' ? 2 : 0; }

/* ---- totals ----------------------------------------------------------------------------- */

static int check_line(const stats_cube *cube, int dim, stats_cell **m, int n, void *ctx) {
    checker *k = ctx;
    stats_cell *total = m[n - 1];
    if (!has_value(total)) return 0;
    double sum = 0, tol = tolerance(total);
    bool any_part = false, hidden = false;
    for (int i = 0; i < n - 1; i++) {
        if (!m[i]) continue;
        any_part = true;
        tol += tolerance(m[i]);
        if (has_value(m[i]))
            sum += m[i]->value;
        else
            hidden = true;
    }
    if (!any_part) return 0;
    k->checked++;
    bool bad = hidden ? sum > total->value + tol : fabs(total->value - sum) > tol;
    if (bad)
        violation(k, cube->ind, total,
                  json_pack("{s:f,s:f}", "total", total->value, "sum_of_parts", sum),
                  "%s: total %.0f, but its parts along %s add up to %.0f%s",
                  stats_cat_get()->ind[cube->ind].code, total->value, dim_name(dim), sum,
                  hidden ? " (published parts only)" : "");
    return 0;
}

static void check_totals(checker *k, int ind) {
    if (stats_cat_get()->ind[ind].measure == MEASURE_MEAN) return;
    stats_cube cube;
    stats_cube_build(&cube, (stats_set *)k->set, ind);
    stats_cube_lines(&cube, check_line, k);
    stats_cube_free(&cube);
}

/* ---- single cells ------------------------------------------------------------------------- */

static void check_non_negative(checker *k, int ind) {
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        if (c->ind != ind || !has_value(c)) continue;
        k->checked++;
        if (c->value < 0)
            violation(k, ind, c, json_pack("{s:f}", "value", c->value), "%s: negative value %g",
                      stats_cat_get()->ind[ind].code, c->value);
    }
}

static bool is_row_total(const stats_cell *c) {
    return !c->key[DIM_SITE][0] && !strcmp(c->key[DIM_SEX], "T") &&
           !strcmp(c->key[DIM_AGE], "TOTAL");
}

static void check_jump(checker *k, int ind) {
    const stats_set *other = k->rule->year_ago ? k->year_ago : k->prev;
    const char *what = k->rule->year_ago ? "a year ago" : "the previous period";
    double f = k->conf->jump_factor;
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        if (c->ind != ind || !has_value(c) || !is_row_total(c)) continue;
        const stats_cell *o = stats_set_find(other, ind, "", c->key[DIM_CITIZEN], "T", "TOTAL");
        if (!has_value(o)) continue;
        k->checked++;
        double now = c->value, then = o->value;
        if (fmax(now, then) < k->conf->jump_min) continue;
        if (now > then * f || now * f < then)
            violation(k, ind, c,
                      json_pack("{s:f,s:f,s:s}", "value", now, "compared_with", then,
                                "compared_period", other->period.text),
                      "%s %s: %g against %g %s (%s), more than a factor %g",
                      stats_cat_get()->ind[ind].code, c->key[DIM_CITIZEN], now, then, what,
                      other->period.text, f);
    }
}

/* ---- across indicators ---------------------------------------------------------------------- */

static double value_of(const stats_set *set, int ind, const stats_cell *key, bool *hidden,
                       double *tol) {
    const stats_cell *c = stats_set_find(set, ind, key->key[DIM_SITE], key->key[DIM_CITIZEN],
                                         key->key[DIM_SEX], key->key[DIM_AGE]);
    if (c && !has_value(c)) *hidden = true;
    *tol += tolerance(c);
    return has_value(c) ? c->value : 0;
}

static bool indicator_present(const stats_set *set, int ind) {
    for (size_t i = 0; i < set->n; i++)
        if (set->cells[i].ind == ind) return true;
    return false;
}

static void check_stock_flow(checker *k, int ind) {
    const stats_rule *r = k->rule;
    if (!indicator_present(k->set, r->a)) return;
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        if (c->ind != r->b || !has_value(c)) continue;
        bool hidden = false;
        double tol = tolerance(c);
        double start = value_of(k->set, r->a, c, &hidden, &tol), in = 0, out = 0;
        for (int p = 0; p < r->n_parts; p++) in += value_of(k->set, r->parts[p], c, &hidden, &tol);
        for (int p = 0; p < r->n_minus; p++) out += value_of(k->set, r->minus[p], c, &hidden, &tol);
        if (hidden) continue;
        k->checked++;
        if (fabs(start + in - out - c->value) > tol)
            violation(k, ind, c,
                      json_pack("{s:f,s:f,s:f,s:f}", "stock_start", start, "inflows", in,
                                "outflows", out, "stock_end", c->value),
                      "stock at end %g, but start %g + inflows %g - outflows %g = %g", c->value,
                      start, in, out, start + in - out);
    }
}

static void check_continuity(checker *k, int ind) {
    const stats_rule *r = k->rule;
    if (!indicator_present(k->prev, r->b)) return;
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        /* Age bands move with time; only totals over age are comparable. */
        if (c->ind != r->a || !has_value(c) || strcmp(c->key[DIM_AGE], "TOTAL")) continue;
        const stats_cell *o = stats_set_find(k->prev, r->b, c->key[DIM_SITE], c->key[DIM_CITIZEN],
                                             c->key[DIM_SEX], "TOTAL");
        if (o && o->state != CELL_VALUE) continue; /* suppressed: nothing to compare */
        double then = o ? o->value : 0;
        k->checked++;
        if (fabs(then - c->value) > tolerance(c) + tolerance(o))
            violation(k, ind, c,
                      json_pack("{s:f,s:f,s:s}", "stock_start", c->value, "previous_stock_end",
                                then, "previous_period", k->prev->period.text),
                      "stock at start %g differs from the stock at the end of %s (%g)", c->value,
                      k->prev->period.text, then);
    }
}

static void check_sum_of_indicators(checker *k, int ind) {
    const stats_rule *r = k->rule;
    bool any = false;
    for (int p = 0; p < r->n_parts; p++) any = any || indicator_present(k->set, r->parts[p]);
    if (!any) return;
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        if (c->ind != r->a || !has_value(c)) continue;
        bool hidden = false;
        double tol = tolerance(c), sum = 0;
        for (int p = 0; p < r->n_parts; p++) sum += value_of(k->set, r->parts[p], c, &hidden, &tol);
        k->checked++;
        if (hidden ? sum > c->value + tol : fabs(sum - c->value) > tol)
            violation(k, ind, c, json_pack("{s:f,s:f}", "total", c->value, "sum_of_parts", sum),
                      "%s %g, but its breakdown adds up to %g", stats_cat_get()->ind[ind].code,
                      c->value, sum);
    }
}

static void check_same_total(checker *k, int ind) {
    const stats_rule *r = k->rule;
    const stats_cell *a = stats_set_find(k->set, r->a, "", "TOTAL", "T", "TOTAL");
    const stats_cell *b = stats_set_find(k->set, r->b, "", "TOTAL", "T", "TOTAL");
    if (!has_value(a) || !has_value(b)) return;
    k->checked++;
    if (fabs(a->value - b->value) > tolerance(a) + tolerance(b))
        violation(k, ind, a, json_pack("{s:f,s:f}", "a", a->value, "b", b->value),
                  "%s total %g differs from %s total %g", stats_cat_get()->ind[r->a].code, a->value,
                  stats_cat_get()->ind[r->b].code, b->value);
}

/* Each cell of the indicator is at most the same cell of the limit (persons with a
 * risk among the persons screened): a cell the limit's table lacks counts as zero. */
static void check_at_most(checker *k, int ind) {
    const stats_rule *r = k->rule;
    if (!indicator_present(k->set, r->b)) return;
    for (size_t i = 0; i < k->set->n; i++) {
        const stats_cell *c = &k->set->cells[i];
        if (c->ind != ind || !has_value(c)) continue;
        bool hidden = false;
        double tol = tolerance(c), limit = value_of(k->set, r->b, c, &hidden, &tol);
        if (hidden) continue;
        k->checked++;
        if (c->value > limit + tol)
            violation(k, ind, c, json_pack("{s:f,s:f}", "value", c->value, "limit", limit),
                      "%s %g is more than %s %g", stats_cat_get()->ind[ind].code, c->value,
                      stats_cat_get()->ind[r->b].code, limit);
    }
}

int stats_check_totals(const stats_set *set, json_t *violations) {
    const stats_cat *cat = stats_cat_get();
    size_t before = json_array_size(violations);
    int totals = -1;
    for (size_t r = 0; r < cat->n_rules; r++)
        if (cat->rules[r].type == RULE_TOTALS) totals = (int)r;
    if (totals < 0) return 0;
    checker k = {
        .set = set, .prev = set, .year_ago = set, .out = violations, .rule = &cat->rules[totals]};
    for (size_t i = 0; i < cat->n_ind; i++)
        if (indicator_present(set, (int)i)) check_totals(&k, (int)i);
    return (int)(json_array_size(violations) - before);
}

herr *stats_check(store *s, const stats_set *set, const stats_conf *conf, json_t *violations,
                  int *checked) {
    const stats_cat *cat = stats_cat_get();
    stats_set prev = {0}, year_ago = {0};
    stats_period pp, py;
    stats_period_back(&set->period, 1, &pp);
    stats_period_back(&set->period,
                      set->period.freq == 'M'   ? 12
                      : set->period.freq == 'Q' ? 4
                                                : 1,
                      &py);
    herr *e = stats_set_load(s, set->ref_area, &pp, &prev);
    if (!e) e = stats_set_load(s, set->ref_area, &py, &year_ago);
    if (e) goto cleanup;
    checker k = {.set = set, .prev = &prev, .year_ago = &year_ago, .conf = conf, .out = violations};
    for (size_t i = 0; i < cat->n_ind; i++) {
        if (!indicator_present(set, (int)i)) continue;
        for (size_t r = 0; r < cat->n_rules; r++) {
            if (!(cat->ind[i].rules & (1u << r))) continue;
            k.rule = &cat->rules[r];
            switch (k.rule->type) {
            case RULE_TOTALS: check_totals(&k, (int)i); break;
            case RULE_NON_NEGATIVE: check_non_negative(&k, (int)i); break;
            case RULE_JUMP: check_jump(&k, (int)i); break;
            case RULE_STOCK_FLOW: check_stock_flow(&k, (int)i); break;
            case RULE_CONTINUITY: check_continuity(&k, (int)i); break;
            case RULE_SUM_OF_INDICATORS: check_sum_of_indicators(&k, (int)i); break;
            case RULE_SAME_TOTAL: check_same_total(&k, (int)i); break;
            case RULE_AT_MOST: check_at_most(&k, (int)i); break;
            }
        }
    }
    *checked = k.checked;
cleanup:
    stats_set_free(&prev);
    stats_set_free(&year_ago);
    return e;
}

herr *stats_validate(store *s, const char *ref_area, const char *period, json_t **out) {
    stats_period per;
    stats_conf conf;
    stats_set set = {0};
    herr *e = stats_period_parse(period, "period", &per);
    if (!e) e = stats_conf_load(s, &conf);
    if (e) return e;
    if (!ref_area) ref_area = conf.ref_area;
    if (!stats_cat_ref_area_valid(stats_cat_get(), ref_area))
        return err_with(err_invalid("ref_area", "ref_area must be one of BA, RS, ME, MK, AL, XK"),
                        "one_of", (const char *)NULL);
    e = stats_set_load(s, ref_area, &per, &set);
    if (e) return e;
    json_t *violations = json_array();
    int checked = 0;
    e = stats_check(s, &set, &conf, violations, &checked);
    stats_set_free(&set);
    if (e) {
        json_decref(violations);
        return e;
    }
    int errors = 0, warnings = 0;
    size_t i;
    json_t *v;
    json_array_foreach(violations, i, v) {
        if (!strcmp(json_string_value(json_object_get(v, "severity")), "warning"))
            warnings++;
        else
            errors++;
    }
    *out =
        json_pack("{s:s,s:s,s:i,s:i,s:i,s:o}", "ref_area", ref_area, "period", per.text, "checked",
                  checked, "errors", errors, "warnings", warnings, "violations", violations);
    return NULL;
}
