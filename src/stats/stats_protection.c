/* The indicators computed from protection data: screenings, persons screened, persons
 * with risks (any, and by kind of risk) and referrals, by citizenship, sex and age.
 *
 * Why through protection's public function and not with SQL of our own over its
 * tables: the risk categories are sealed under the protection key, and only the
 * protection module opens them. Statistics ask it for counts per group of persons with
 * the same recorded citizenship, sex and age band (protection_period_breakdown), never
 * for a person's categories; the groups are then coded like every other indicator
 * (stats_citizen_code, stats_sex_index, the catalogue's age bands) and become complete
 * tables with every total (stats_cube_fill). The catalogue says which figure an
 * indicator is ("protection") and, for a kind of risk, which of the questionnaire's
 * categories it counts ("risk_categories"): changing the mapping is a change of data.
 *
 * Every table of these indicators lists every citizenship screened or referred in the
 * period, zeros included, so that the mere presence of a row in, say, the trafficking
 * table reveals nothing the table of screenings does not. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "stats/stats_internal.h"

/* The figure of one group for an indicator. */
static double figure(const json_t *g, const stats_indicator *in) {
    const char *key = in->from == FROM_SCREENINGS           ? "screenings"
                      : in->from == FROM_PERSONS_SCREENED   ? "persons_screened"
                      : in->from == FROM_PERSONS_WITH_RISKS ? "persons_with_risks"
                      : in->from == FROM_REFERRALS          ? "referrals"
                                                            : NULL;
    const json_t *v = key ? json_object_get(g, key)
                          : json_object_get(json_object_get(g, "risk_groups"), in->code);
    return (double)json_integer_value(v);
}

/* The detail cells of one indicator: one per group, zeros included (see above). */
static void add_tables(stats_set *set, int ind, const json_t *groups, const int *age_code,
                       json_int_t n_ages, int age_unk) {
    const stats_cat *cat = stats_cat_get();
    size_t n = json_array_size(groups), i;
    stats_detail *det = mem_alloc((n + 1) * sizeof *det);
    const json_t *g;
    json_array_foreach(groups, i, g) {
        stats_detail *d = &det[i];
        memset(d, 0, sizeof *d);
        json_t *band = json_object_get(g, "age_band");
        json_int_t b = json_is_integer(band) ? json_integer_value(band) : -1;
        int age = b >= 0 && b < n_ages ? age_code[b] : age_unk;
        stats_citizen_code(json_string_value(json_object_get(g, "citizenship")),
                           d->key[DIM_CITIZEN]);
        snprintf(d->key[DIM_SEX], 8, "%s",
                 cat->sex[stats_sex_index(json_string_value(json_object_get(g, "sex")))].code);
        snprintf(d->key[DIM_AGE], 8, "%s", cat->age[age].code);
        d->value = figure(g, &cat->ind[ind]);
    }
    stats_cube_fill(set, ind, det, n, 'c');
    mem_free(det);
}

herr *stats_protection_add(store *s, const stats_period *per, stats_set *set) {
    const stats_cat *cat = stats_cat_get();
    int age_from[STATS_MAX_CODES], age_code[STATS_MAX_CODES];
    size_t n_ages = 0;
    bool any = false;
    json_t *risk_groups = json_object(), *out = NULL;
    for (size_t i = 0; i < cat->n_ind; i++) {
        const stats_indicator *in = &cat->ind[i];
        if (!STATS_FROM_PROTECTION(in->from) || !stats_period_allows(per, in->periodicity))
            continue;
        any = true;
        if (in->from == FROM_RISK) json_object_set(risk_groups, in->code, in->risk_categories);
    }
    /* Bands in code-list order, which is by age; UNK and TOTAL have no lower bound. */
    for (size_t b = 0; b < cat->n_age; b++) {
        if (cat->age[b].min_age < 0) continue;
        age_from[n_ages] = cat->age[b].min_age;
        age_code[n_ages++] = (int)b;
    }
    herr *e = NULL;
    if (!any) goto cleanup;
    char from[CLOCK_DATE_LEN];
    snprintf(from, sizeof from, "%.10s", per->start_iso);
    protection_breakdown_query q = {.from = from,
                                    .to = per->last_day,
                                    .age_from = age_from,
                                    .n_ages = n_ages,
                                    .risk_groups = risk_groups};
    if ((e = protection_period_breakdown(s, &q, &out))) goto cleanup;
    const json_t *groups = json_object_get(out, "groups");
    for (size_t i = 0; i < cat->n_ind; i++)
        if (STATS_FROM_PROTECTION(cat->ind[i].from) &&
            stats_period_allows(per, cat->ind[i].periodicity))
            add_tables(set, (int)i, groups, age_code, (json_int_t)n_ages,
                       stats_cat_age(cat, "UNK"));
cleanup:
    json_decref(risk_groups);
    json_decref(out);
    return e;
}
