/* Reading figures (internal view, comparison between administrations) and entering
 * the aggregates Haven holds no case data for. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/json.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

static herr *resolve(store *s, const char **ref_area, const char *period, stats_period *per,
                     stats_conf *conf) {
    herr *e = stats_period_parse(period, "period", per);
    if (!e) e = stats_conf_load(s, conf);
    if (e) return e;
    if (!*ref_area) *ref_area = conf->ref_area;
    if (!stats_cat_ref_area_valid(stats_cat_get(), *ref_area))
        return err_with(err_invalid("ref_area", "ref_area must be one of BA, RS, ME, MK, AL, XK"),
                        "one_of", (const char *)NULL);
    return NULL;
}

/* A code as it may appear in a message: printable ASCII of at most 16 characters, or
 * "?" (a message must stay valid UTF-8 however it is cut). */
static const char *shown(const char *code) {
    size_t n = 0;
    for (const char *c = code; c && *c; c++, n++)
        if (*c < 0x20 || *c > 0x7e || n >= 16) return "?";
    return code && *code ? code : "?";
}

static json_t *number_or_null(const stats_cell *c) {
    if (!c || c->state != CELL_VALUE) return json_null();
    if (stats_cat_get()->ind[c->ind].measure == MEASURE_MEAN)
        return json_real((double)(long long)(c->value * 10 + 0.5) / 10);
    return json_integer((json_int_t)c->value);
}

static json_t *indicator_json(const stats_indicator *in, json_t *cells) {
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "code", in->code, "title_en", in->title_en,
                     "title_bs", in->title_bs, "unit", in->unit, "source",
                     in->computed ? "computed" : "entered", "cells", cells);
}

herr *stats_get(store *s, const char *ref_area, const char *period, const char *indicator,
                json_t **out) {
    const stats_cat *cat = stats_cat_get();
    stats_period per;
    stats_conf conf;
    stats_set raw = {0}, pub = {0};
    herr *e = resolve(s, &ref_area, period, &per, &conf);
    if (e) return e;
    int only = -1;
    if (indicator) {
        only = stats_cat_indicator(cat, indicator);
        if (only < 0) return err_invalid("indicator", "unknown indicator (see the catalogue)");
    }
    e = stats_set_load(s, ref_area, &per, &raw);
    if (!e) e = stats_set_load(s, ref_area, &per, &pub);
    if (e) goto cleanup;
    stats_disclose(&pub, conf.threshold); /* same order as raw: disclosure never reorders */
    json_t *inds = json_array(), *cells = NULL;
    int current = -1;
    for (size_t i = 0; i < raw.n; i++) {
        const stats_cell *c = &raw.cells[i], *p = &pub.cells[i];
        if (only >= 0 && c->ind != only) continue;
        if (c->ind != current) {
            current = c->ind;
            cells = json_array();
            json_array_append_new(inds, indicator_json(&cat->ind[c->ind], cells));
        }
        json_array_append_new(
            cells, json_pack("{s:o,s:s,s:s,s:s,s:o,s:s,s:s,s:o}", "site",
                             c->key[DIM_SITE][0] ? json_string(c->key[DIM_SITE]) : json_null(),
                             "citizen", c->key[DIM_CITIZEN], "sex", c->key[DIM_SEX], "age",
                             c->key[DIM_AGE], "value", number_or_null(c), "obs_status", p->obs,
                             "conf_status", p->conf, "published", number_or_null(p)));
    }
    *out = json_pack("{s:s,s:s,s:o}", "ref_area", ref_area, "period", per.text, "indicators", inds);
cleanup:
    stats_set_free(&raw);
    stats_set_free(&pub);
    return e;
}

void stats_protection_published(json_t *got) {
    const stats_cat *cat = stats_cat_get();
    size_t i, k;
    json_t *ind, *cell;
    json_array_foreach(json_object_get(got, "indicators"), i, ind) {
        int n = stats_cat_indicator(cat, json_string_value(json_object_get(ind, "code")));
        if (n < 0 || !cat->ind[n].computed || cat->ind[n].from == FROM_REGISTRY) continue;
        json_t *cells = json_object_get(ind, "cells");
        if (json_is_array(cells)) {
            json_array_foreach(cells, k, cell) {
                json_t *pub = json_object_get(cell, "published");
                json_object_set(cell, "value", pub ? pub : json_null());
            }
            json_object_set_new(ind, "values_published", json_true());
        }
        if (json_object_get(ind, "total")) {
            json_object_set_new(ind, "total", json_null());
            json_object_set_new(ind, "total_hidden", json_true());
        }
    }
}

/* ---- entering aggregates ------------------------------------------------------------------ */

static herr *cell_code(const json_t *cell, size_t i, const char *name, bool wanted, char out[8],
                       const char *total) {
    char field[48];
    snprintf(field, sizeof field, "cells[%zu].%s", i, name);
    json_t *v = json_object_get(cell, name);
    if (!wanted) {
        if (v) return err_invalid(field, "%s: this indicator has no %s dimension", field, name);
        snprintf(out, 8, "%s", total);
        return NULL;
    }
    const char *code = json_string_value(v);
    if (!code) return err_required(field);
    const stats_cat *cat = stats_cat_get();
    bool ok = !strcmp(name, "citizen") ? stats_citizen_valid(code)
              : !strcmp(name, "sex")   ? stats_cat_sex(cat, code) >= 0
                                       : stats_cat_age(cat, code) >= 0;
    if (!ok) return err_invalid(field, "%s: unknown code %s", field, shown(code));
    if (!strcmp(code, total))
        return err_invalid(field, "%s: enter the detail only; totals (%s) are derived", field,
                           total);
    snprintf(out, 8, "%s", code);
    return NULL;
}

static herr *check_cells(const stats_indicator *in, const json_t *cells, stats_detail *det) {
    static const char *const names[] = {"citizen", "sex", "age"};
    static const int dims[] = {DIM_CITIZEN, DIM_SEX, DIM_AGE};
    size_t i;
    json_t *cell;
    json_array_foreach(cells, i, cell) {
        char field[48];
        snprintf(field, sizeof field, "cells[%zu]", i);
        if (!json_is_object(cell)) return err_invalid(field, "%s must be an object", field);
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)cell, key, v) {
            if (strcmp(key, "citizen") && strcmp(key, "sex") && strcmp(key, "age") &&
                strcmp(key, "value"))
                return err_invalid(field, "%s: unknown field %s", field, key);
        }
        stats_detail *d = &det[i];
        memset(d, 0, sizeof *d);
        for (int k = 0; k < 3; k++) {
            herr *e = cell_code(cell, i, names[k], in->dims & DIMBIT(dims[k]), d->key[dims[k]],
                                stats_total_code(dims[k]));
            if (e) return e;
        }
        json_t *value = json_object_get(cell, "value");
        snprintf(field, sizeof field, "cells[%zu].value", i);
        if (!json_is_integer(value) || json_integer_value(value) < 0 ||
            json_integer_value(value) > 100000000)
            return err_invalid(field, "%s must be a whole number from 0", field);
        d->value = (double)json_integer_value(value);
        for (size_t j = 0; j < i; j++)
            if (!memcmp(det[j].key, d->key, sizeof d->key))
                return err_invalid(field, "cells[%zu] repeats cells[%zu]", i, j);
    }
    return NULL;
}

herr *stats_enter(store *s, const actor *a, const char *period, const json_t *in, json_t **out) {
    static const json_field fields[] = {{"indicator", JF_STRING, true, 24},
                                        {"cells", JF_ARRAY, true, 20000}};
    const stats_cat *cat = stats_cat_get();
    stats_period per;
    stats_conf conf;
    stats_set set = {0};
    stats_detail *det = NULL;
    bool *which = NULL;
    json_t *detail = NULL;
    herr *e = stats_period_parse(period, "period", &per);
    if (!e) e = json_check(in, fields, sizeof fields / sizeof fields[0]);
    if (!e) e = stats_conf_load(s, &conf);
    if (e) return e;
    int ind = stats_cat_indicator(cat, json_str(in, "indicator"));
    if (ind < 0)
        return err_invalid("indicator", "unknown indicator %s", shown(json_str(in, "indicator")));
    const stats_indicator *si = &cat->ind[ind];
    /* Figures of the returns module are entered by hand for the periods before it was
     * used, and computed from its records after. */
    if (si->computed && STATS_FROM_RETURNS(si->from)) {
        if ((e = stats_returns_entry_allowed(s, si, &per))) return e;
    } else if (si->computed) {
        return err_new(ERR_CONFLICT, "indicator",
                       "%s is computed from case data; it cannot be entered", si->code);
    }
    if (!stats_period_allows(&per, si->periodicity))
        return err_invalid("period", "%s is reported %s; %s is too short a period", si->code,
                           si->periodicity == 'Q' ? "quarterly" : "annually", per.text);
    const json_t *cells = json_object_get(in, "cells");
    det = mem_alloc((json_array_size(cells) + 1) * sizeof *det);
    e = check_cells(si, cells, det);
    if (e) goto cleanup;
    stats_set_init(&set, conf.ref_area, &per);
    stats_cube_fill(&set, ind, det, json_array_size(cells), 'e');
    stats_set_sort(&set);
    which = mem_alloc(cat->n_ind * sizeof *which);
    which[ind] = true;
    char entity_id[16];
    snprintf(entity_id, sizeof entity_id, "%s:%s", conf.ref_area, per.text);
    detail = json_pack("{s:s,s:s,s:I}", "indicator", si->code, "source", "entered", "cells",
                       (json_int_t)set.n);
    e = store_begin(s);
    if (e) goto cleanup;
    e = stats_set_replace(s, &set, which);
    if (!e) e = audit_record(s, a, "enter", "stats_period", entity_id, detail);
    if (!e) e = store_commit(s);
    if (e) {
        store_rollback(s);
        goto cleanup;
    }
    e = stats_get(s, conf.ref_area, per.text, si->code, out);
cleanup:
    json_decref(detail);
    mem_free(det);
    mem_free(which);
    stats_set_free(&set);
    return e;
}

/* ---- comparison ---------------------------------------------------------------------------- */

herr *stats_compare(store *s, const char *indicator, const char *period, const char *sex,
                    const char *age, json_t **out) {
    const stats_cat *cat = stats_cat_get();
    stats_period per;
    stats_conf conf;
    herr *e = stats_period_parse(period, "period", &per);
    if (!e) e = stats_conf_load(s, &conf);
    if (e) return e;
    int ind = stats_cat_indicator(cat, indicator);
    if (ind < 0) return err_invalid("indicator", "unknown indicator (see the catalogue)");
    if (!sex) sex = "T";
    if (!age) age = "TOTAL";
    /* Query values are not echoed: they need not be valid UTF-8. */
    if (stats_cat_sex(cat, sex) < 0) return err_invalid("sex", "sex must be F, M, UNK or T");
    if (stats_cat_age(cat, age) < 0)
        return err_invalid("age",
                           "age must be Y_LT14, Y14-17, Y18-34, Y35-64, Y_GE65, UNK or TOTAL");
    /* Rows by citizen in export order, one column per administration with figures. */
    stats_set rows;
    stats_set_init(&rows, "", &per);
    json_t *areas = json_array();
    for (size_t r = 0; r < cat->n_ref_areas && !e; r++) {
        stats_set set;
        e = stats_set_load(s, cat->ref_areas[r], &per, &set);
        if (e) break;
        if (!strcmp(cat->ref_areas[r], conf.ref_area)) stats_disclose(&set, conf.threshold);
        bool any = false;
        for (size_t i = 0; i < set.n; i++) {
            const stats_cell *c = &set.cells[i];
            if (c->ind != ind || c->key[DIM_SITE][0] || strcmp(c->key[DIM_SEX], sex) ||
                strcmp(c->key[DIM_AGE], age))
                continue;
            any = true;
            stats_cell *row = stats_set_add(&rows, ind, "", c->key[DIM_CITIZEN], sex, age);
            *row = *c;
            snprintf(row->key[DIM_SITE], 8, "%s", cat->ref_areas[r]); /* which administration */
        }
        if (any) json_array_append_new(areas, json_string(cat->ref_areas[r]));
        stats_set_free(&set);
    }
    if (e) {
        json_decref(areas);
        stats_set_free(&rows);
        return e;
    }
    /* Group by citizen: sort with the administration (in the site slot) last. */
    for (size_t i = 0; i < rows.n; i++) {
        char tmp[8];
        memcpy(tmp, rows.cells[i].key[DIM_SITE], 8);
        memcpy(rows.cells[i].key[DIM_SITE], "", 1);
        memcpy(rows.cells[i].key[DIM_AGE], tmp, 8); /* age is fixed: reuse it for the area */
    }
    stats_set_sort(&rows);
    json_t *list = json_array(), *values = NULL;
    const char *current = NULL;
    for (size_t i = 0; i < rows.n; i++) {
        const stats_cell *c = &rows.cells[i];
        if (!current || strcmp(current, c->key[DIM_CITIZEN])) {
            current = c->key[DIM_CITIZEN];
            values = json_object();
            size_t a;
            json_t *area;
            json_array_foreach(areas, a, area) {
                json_object_set_new(values, json_string_value(area), json_null());
            }
            json_array_append_new(list,
                                  json_pack("{s:s,s:o}", "citizen", current, "values", values));
        }
        json_object_set_new(values, c->key[DIM_AGE], number_or_null(c));
    }
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "indicator", cat->ind[ind].code, "unit",
                     cat->ind[ind].unit, "period", per.text, "sex", sex, "age", age, "ref_areas",
                     areas, "rows", list);
    stats_set_free(&rows);
    return NULL;
}
