/* Exports: SDMX-CSV 1.0 (the regional exchange format), JSON, and XLSX (stats_xlsx.c).
 *
 * Every export goes through disclosure control first, and carries cells only: counts
 * or averages over groups with their OBS_STATUS and CONF_STATUS, never a name, an id,
 * a date of birth or a single person's values. SDMX-CSV carries the figures of the
 * whole administration (the exchange template has no site dimension); JSON and XLSX
 * add the per-site tables of indicators broken down by site. Rows come in a fixed
 * order (stats_set_sort), so an export of the same figures is byte-identical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

typedef struct {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s) {
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = mem_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void stats_format_value(const stats_cell *c, char *out, size_t size) {
    if (c->state != CELL_VALUE) {
        out[0] = '\0';
        return;
    }
    bool mean = stats_cat_get()->ind[c->ind].measure == MEASURE_MEAN;
    snprintf(out, size, mean ? "%.1f" : "%.0f", c->value);
    if (!strcmp(out, "-0") || !strcmp(out, "-0.0")) snprintf(out, size, mean ? "0.0" : "0");
}

static const char csv_header[] = "DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,"
                                 "TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n";

herr *stats_write_csv(const stats_set *set, char **out, size_t *len) {
    const stats_cat *cat = stats_cat_get();
    buf b = {0};
    buf_add(&b, csv_header);
    for (size_t i = 0; i < set->n; i++) {
        const stats_cell *c = &set->cells[i];
        if (c->key[DIM_SITE][0]) continue;
        const stats_indicator *in = &cat->ind[c->ind];
        char value[32], line[256];
        stats_format_value(c, value, sizeof value);
        snprintf(line, sizeof line, "%s,%c,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", cat->dataflow,
                 set->period.freq, set->ref_area, in->code, c->key[DIM_CITIZEN], c->key[DIM_SEX],
                 c->key[DIM_AGE], in->unit, set->period.text, value, c->obs, c->conf);
        buf_add(&b, line);
    }
    *out = b.data;
    *len = b.len;
    return NULL;
}

herr *stats_write_json(const stats_set *set, char **out, size_t *len) {
    const stats_cat *cat = stats_cat_get();
    json_t *inds = json_array();
    json_t *cells = NULL;
    int current = -1;
    for (size_t i = 0; i < set->n; i++) {
        const stats_cell *c = &set->cells[i];
        const stats_indicator *in = &cat->ind[c->ind];
        if (c->ind != current) {
            current = c->ind;
            cells = json_array();
            json_array_append_new(
                inds,
                json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "code", in->code, "title_en", in->title_en,
                          "title_bs", in->title_bs, "unit", in->unit, "article",
                          in->article ? json_string(in->article) : json_null(), "cells", cells));
        }
        /* Most of a complete cube is zeros (every citizenship by sex, age and site): a
         * published zero is left out, and the file says so ("omitted": "zero"), so that
         * a month's file is the figures, not megabytes of zeros. */
        if (c->state == CELL_VALUE && c->value == 0 && !strcmp(c->obs, "A") &&
            !strcmp(c->conf, "F"))
            continue;
        json_t *value = c->state != CELL_VALUE ? json_null()
                        : in->measure == MEASURE_MEAN
                            ? json_real((double)(long long)(c->value * 10 + 0.5) / 10)
                            : json_integer((json_int_t)c->value);
        json_array_append_new(
            cells,
            json_pack("{s:o,s:s,s:s,s:s,s:o,s:s,s:s}", "site",
                      c->key[DIM_SITE][0] ? json_string(c->key[DIM_SITE]) : json_null(), "citizen",
                      c->key[DIM_CITIZEN], "sex", c->key[DIM_SEX], "age", c->key[DIM_AGE], "value",
                      value, "obs_status", c->obs, "conf_status", c->conf));
    }
    char freq[2] = {set->period.freq, 0};
    json_t *root =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "dataflow", cat->dataflow, "ref_area", set->ref_area,
                  "period", set->period.text, "freq", freq, "omitted", "zero", "indicators", inds);
    /* Compact: indenting every cell's seven members tripled the file. */
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (!text) return err_new(ERR_INTERNAL, NULL, "cannot serialise the export");
    *out = mem_strdup(text);
    *len = strlen(*out);
    free(text);
    return NULL;
}

herr *stats_format_parse(const char *text, stats_format *out) {
    if (text && !strcmp(text, "sdmx-csv"))
        *out = STATS_SDMX_CSV;
    else if (text && !strcmp(text, "xlsx"))
        *out = STATS_XLSX;
    else if (text && !strcmp(text, "json"))
        *out = STATS_JSON;
    else
        return err_invalid("format", "format must be sdmx-csv, xlsx or json");
    return NULL;
}

herr *stats_export(store *s, const actor *a, const char *ref_area, const char *period,
                   stats_format format, char **out, size_t *len) {
    const stats_cat *cat = stats_cat_get();
    stats_period per;
    stats_conf conf;
    stats_set set = {0};
    json_t *detail = NULL;
    *out = NULL;
    *len = 0;
    herr *e = stats_period_parse(period, "period", &per);
    if (!e) e = stats_conf_load(s, &conf);
    if (e) return e;
    if (!ref_area) ref_area = conf.ref_area;
    if (!stats_cat_ref_area_valid(cat, ref_area))
        return err_with(err_invalid("ref_area", "ref_area must be one of BA, RS, ME, MK, AL, XK"),
                        "one_of", (const char *)NULL);
    e = stats_set_load(s, ref_area, &per, &set);
    if (e) return e;
    if (set.n == 0) {
        e = err_new(ERR_NOT_FOUND, "period",
                    "no figures of %s for %s: compute, enter or import them first", ref_area,
                    per.text);
        goto cleanup;
    }
    stats_disclose(&set, conf.threshold);
    e = format == STATS_SDMX_CSV ? stats_write_csv(&set, out, len)
        : format == STATS_JSON   ? stats_write_json(&set, out, len)
                                 : stats_write_xlsx(&set, out, len);
    if (e) goto cleanup;
    /* Figures leaving Haven are worth a line in the audit log, even aggregated. */
    char entity_id[16];
    snprintf(entity_id, sizeof entity_id, "%s:%s", ref_area, per.text);
    detail = json_pack("{s:s,s:I}", "format",
                       format == STATS_SDMX_CSV ? "sdmx-csv"
                       : format == STATS_JSON   ? "json"
                                                : "xlsx",
                       "bytes", (json_int_t)*len);
    e = store_begin(s);
    if (!e) e = audit_record(s, a, "export", "stats_period", entity_id, detail);
    if (!e) e = store_commit(s);
    if (e) store_rollback(s);
cleanup:
    json_decref(detail);
    stats_set_free(&set);
    if (e) {
        mem_free(*out);
        *out = NULL;
        *len = 0;
    }
    return e;
}
