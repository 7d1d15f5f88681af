/* The indicators computed from the returns module: individual return counselling
 * sessions (AVRR_COUNS, by the counselled person's citizenship, sex and age) and
 * assisted voluntary returns (AVRR_RET, persons who departed, by destination, sex and
 * age; the CITIZEN dimension holds the destination, as in RET_DEST) and readmission
 * requests (READM_REQ, each request once by its first person's citizenship).
 *
 * Why a cut-over date: these figures were typed in by hand before the module was used.
 * A period that ends before the module's first record keeps what was entered (compute
 * leaves it alone, entry is allowed); from the period of the first record on, the figures
 * are computed and can no longer be entered. Readmission has its own first record (it
 * may be taken into use later than counselling). As for protection, the counts come from the
 * module's public function (returns_period_breakdown), never from its tables. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "returns/returns.h"
#include "stats/stats_internal.h"

/* The age bands in code-list order, as stats_protection.c builds them. */
static size_t age_bands(const stats_cat *cat, int age_from[STATS_MAX_CODES],
                        int age_code[STATS_MAX_CODES]) {
    size_t n = 0;
    for (size_t b = 0; b < cat->n_age; b++) {
        if (cat->age[b].min_age < 0) continue;
        age_from[n] = cat->age[b].min_age;
        age_code[n++] = (int)b;
    }
    return n;
}

static herr *breakdown(store *s, const stats_period *per, json_t **out) {
    const stats_cat *cat = stats_cat_get();
    int age_from[STATS_MAX_CODES], age_code[STATS_MAX_CODES];
    size_t n = age_bands(cat, age_from, age_code);
    return returns_period_breakdown(s, per->start_iso, per->end_iso, per->last_day, age_from, n,
                                    out);
}

/* The breakdown an indicator's figures come from: readmissions or the rest. */
static herr *breakdown_for(store *s, const stats_indicator *in, const stats_period *per,
                           json_t **out) {
    if (in->from == FROM_RETURNS_READMISSIONS)
        return returns_readmission_breakdown(s, per->start_iso, per->end_iso, out);
    return breakdown(s, per, out);
}

/* True when the period ends after the module's first record. */
static bool period_computed(const json_t *b, const stats_period *per) {
    const char *first = json_string_value(json_object_get(b, "first_use"));
    return first && strcmp(per->end_iso, first) > 0;
}

static void add_tables(stats_set *set, int ind, const json_t *groups, const char *key_name) {
    const stats_cat *cat = stats_cat_get();
    int age_from[STATS_MAX_CODES], age_code[STATS_MAX_CODES];
    json_int_t n_ages = (json_int_t)age_bands(cat, age_from, age_code);
    int age_unk = stats_cat_age(cat, "UNK");
    size_t n = json_array_size(groups), i;
    stats_detail *det = mem_alloc((n + 1) * sizeof *det);
    const json_t *g;
    json_array_foreach(groups, i, g) {
        stats_detail *d = &det[i];
        memset(d, 0, sizeof *d);
        json_int_t b = json_integer_value(json_object_get(g, "age_band"));
        int age = b >= 0 && b < n_ages ? age_code[b] : age_unk;
        stats_citizen_code(json_string_value(json_object_get(g, key_name)), d->key[DIM_CITIZEN]);
        snprintf(d->key[DIM_SEX], 8, "%s",
                 cat->sex[stats_sex_index(json_string_value(json_object_get(g, "sex")))].code);
        snprintf(d->key[DIM_AGE], 8, "%s", cat->age[age].code);
        d->value = (double)json_integer_value(json_object_get(g, "count"));
    }
    stats_cube_fill(set, ind, det, n, 'c');
    mem_free(det);
}

herr *stats_returns_add(store *s, const stats_period *per, stats_set *set, bool *which) {
    const stats_cat *cat = stats_cat_get();
    json_t *b = NULL, *r = NULL;
    herr *e = NULL;
    for (size_t i = 0; i < cat->n_ind; i++) {
        const stats_indicator *in = &cat->ind[i];
        if (!which[i] || !STATS_FROM_RETURNS(in->from)) continue;
        bool readm = in->from == FROM_RETURNS_READMISSIONS;
        json_t **have = readm ? &r : &b;
        if (!*have && (e = breakdown_for(s, in, per, have))) break;
        if (!period_computed(*have, per)) {
            which[i] = false;
            continue;
        }
        if (readm)
            add_tables(set, (int)i, json_object_get(r, "requests"), "citizenship");
        else if (in->from == FROM_RETURNS_COUNSELLING)
            add_tables(set, (int)i, json_object_get(b, "counselling"), "citizenship");
        else
            add_tables(set, (int)i, json_object_get(b, "departures"), "destination");
    }
    json_decref(b);
    json_decref(r);
    return e;
}

herr *stats_returns_entry_allowed(store *s, const stats_indicator *in, const stats_period *per) {
    json_t *b = NULL;
    herr *e = breakdown_for(s, in, per, &b);
    if (e) return e;
    if (period_computed(b, per))
        e = err_with(err_new(ERR_CONFLICT, "indicator",
                             "%s is computed from the return records since %.10s; it cannot be "
                             "entered for %s",
                             in->code, json_string_value(json_object_get(b, "first_use")),
                             per->text),
                     "stats_computed_since", "since",
                     json_string_value(json_object_get(b, "first_use")), (const char *)NULL);
    json_decref(b);
    return e;
}
