/* Cell sets: the figures of one administration and period in memory, their order, and
 * their storage in stats_cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

void stats_set_init(stats_set *set, const char *ref_area, const stats_period *p) {
    memset(set, 0, sizeof *set);
    snprintf(set->ref_area, sizeof set->ref_area, "%s", ref_area);
    set->period = *p;
}

void stats_set_free(stats_set *set) {
    mem_free(set->cells);
    set->cells = NULL;
    set->n = set->cap = 0;
}

stats_cell *stats_set_add(stats_set *set, int ind, const char *site, const char *citizen,
                          const char *sex, const char *age) {
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 256;
        set->cells = mem_realloc(set->cells, set->cap * sizeof *set->cells);
    }
    stats_cell *c = &set->cells[set->n++];
    memset(c, 0, sizeof *c);
    c->ind = ind;
    const char *key[DIM_COUNT] = {site, citizen, sex, age};
    for (int d = 0; d < DIM_COUNT; d++) snprintf(c->key[d], sizeof c->key[d], "%s", key[d]);
    c->state = CELL_VALUE;
    memcpy(c->obs, "A", 2);
    memcpy(c->conf, "F", 2);
    c->source = 'c';
    return c;
}

static int code_order(int dim, const char *a, const char *b) {
    const stats_cat *cat = stats_cat_get();
    switch (dim) {
    case DIM_CITIZEN: {
        int ra = stats_citizen_rank(a), rb = stats_citizen_rank(b);
        return ra != rb ? ra - rb : strcmp(a, b);
    }
    case DIM_SEX: return stats_cat_sex(cat, a) - stats_cat_sex(cat, b);
    case DIM_AGE: return stats_cat_age(cat, a) - stats_cat_age(cat, b);
    default: return strcmp(a, b);
    }
}

int stats_cell_cmp(const stats_cell *x, const stats_cell *y) {
    if (x->ind != y->ind) return x->ind - y->ind;
    for (int d = 0; d < DIM_COUNT; d++) {
        int c = code_order(d, x->key[d], y->key[d]);
        if (c) return c;
    }
    return 0;
}

static int cell_qsort_cmp(const void *a, const void *b) { return stats_cell_cmp(a, b); }

void stats_set_sort(stats_set *set) {
    if (set->n > 1) qsort(set->cells, set->n, sizeof *set->cells, cell_qsort_cmp);
}

stats_cell *stats_set_find(const stats_set *set, int ind, const char *site, const char *citizen,
                           const char *sex, const char *age) {
    if (set->n == 0) return NULL;
    stats_cell probe;
    memset(&probe, 0, sizeof probe);
    probe.ind = ind;
    const char *key[DIM_COUNT] = {site, citizen, sex, age};
    for (int d = 0; d < DIM_COUNT; d++) snprintf(probe.key[d], sizeof probe.key[d], "%s", key[d]);
    return bsearch(&probe, set->cells, set->n, sizeof *set->cells, cell_qsort_cmp);
}

static const char load_sql[] =
    "SELECT indicator, site, citizen, sex, age, value, obs_status, conf_status, source"
    " FROM stats_cells WHERE ref_area = :ref_area AND period = :period";

herr *stats_set_load(store *s, const char *ref_area, const stats_period *p, stats_set *out) {
    const stats_cat *cat = stats_cat_get();
    store_stmt *st = NULL;
    stats_set_init(out, ref_area, p);
    herr *e = store_prepare(s, load_sql, &st);
    if (e) return e;
    store_bind_text(st, ":ref_area", ref_area);
    store_bind_text(st, ":period", p->text);
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        int ind = stats_cat_indicator(cat, store_text(st, 0));
        if (ind < 0) continue; /* an indicator since removed from the catalogue */
        stats_cell *c = stats_set_add(out, ind, store_text(st, 1), store_text(st, 2),
                                      store_text(st, 3), store_text(st, 4));
        c->state = store_is_null(st, 5) ? CELL_SUPPRESSED : CELL_VALUE;
        c->value = store_is_null(st, 5) ? 0 : store_double(st, 5);
        snprintf(c->obs, sizeof c->obs, "%s", store_text(st, 6));
        snprintf(c->conf, sizeof c->conf, "%s", store_text(st, 7));
        const char *src = store_text(st, 8);
        c->source = src[0] == 'c' ? 'c' : src[0] == 'e' ? 'e' : 'i';
        if (cat->ind[ind].measure == MEASURE_MEAN) c->weight = 1;
    }
    store_done(st);
    if (e) {
        stats_set_free(out);
        return e;
    }
    stats_set_sort(out);
    /* A mean's weight is its count, when stored: disclosure control needs it. */
    for (size_t i = 0; i < out->n; i++) {
        stats_cell *c = &out->cells[i];
        int w = cat->ind[c->ind].weight;
        if (w < 0) continue;
        stats_cell *count = stats_set_find(out, w, c->key[0], c->key[1], c->key[2], c->key[3]);
        c->weight = count && count->state == CELL_VALUE ? count->value : 0;
    }
    return NULL;
}

static const char delete_sql[] =
    "DELETE FROM stats_cells WHERE ref_area = :ref_area AND period = :period"
    " AND indicator = :indicator";
static const char insert_sql[] =
    "INSERT INTO stats_cells (ref_area, period, indicator, site, citizen, sex, age, value,"
    " obs_status, conf_status, source, updated_at) VALUES (:ref_area, :period, :indicator,"
    " :site, :citizen, :sex, :age, :value, :obs, :conf, :source, :at)";

herr *stats_set_replace(store *s, const stats_set *set, const bool *which) {
    const stats_cat *cat = stats_cat_get();
    store_stmt *st = NULL;
    herr *e = NULL;
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), at);
    for (size_t i = 0; i < cat->n_ind && !e; i++) {
        if (which && !which[i]) continue;
        e = store_prepare(s, delete_sql, &st);
        if (e) break;
        store_bind_text(st, ":ref_area", set->ref_area);
        store_bind_text(st, ":period", set->period.text);
        store_bind_text(st, ":indicator", cat->ind[i].code);
        e = store_run_done(&st);
    }
    for (size_t i = 0; i < set->n && !e; i++) {
        const stats_cell *c = &set->cells[i];
        if (which && !which[c->ind]) continue;
        e = store_prepare(s, insert_sql, &st);
        if (e) break;
        store_bind_text(st, ":ref_area", set->ref_area);
        store_bind_text(st, ":period", set->period.text);
        store_bind_text(st, ":indicator", cat->ind[c->ind].code);
        store_bind_text(st, ":site", c->key[DIM_SITE]);
        store_bind_text(st, ":citizen", c->key[DIM_CITIZEN]);
        store_bind_text(st, ":sex", c->key[DIM_SEX]);
        store_bind_text(st, ":age", c->key[DIM_AGE]);
        if (c->state == CELL_VALUE)
            store_bind_double(st, ":value", c->value);
        else
            store_bind_null(st, ":value");
        store_bind_text(st, ":obs", c->obs);
        store_bind_text(st, ":conf", c->conf);
        store_bind_text(st, ":source",
                        c->source == 'c'   ? "computed"
                        : c->source == 'e' ? "entered"
                                           : "imported");
        store_bind_text(st, ":at", at);
        e = store_run_done(&st);
    }
    return e;
}
