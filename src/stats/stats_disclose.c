/* Disclosure control: what may leave Haven.
 *
 * A small count describes a few identifiable people (three Eritrean women aged 18-34
 * in one centre), so cells below the threshold (default 5, zero excepted) are either
 * suppressed or, per indicator, the whole table is rounded to base 5.
 *
 * Suppression alone is not enough: a suppressed cell can be recovered by subtracting
 * the published parts from the published total. The tables are complete cubes over
 * site, citizenship, sex and age with a total in every dimension, so every "line" (the
 * cells that vary along one dimension, plus their total) is an equation. Secondary
 * suppression repeats until no line holds exactly one suppressed cell: each time the
 * smallest non-zero part of the offending line (or, failing that, another part, or the
 * total) is suppressed too. Then no cell can be derived by subtraction along a line,
 * which is the attack the unit tests run. Rounding is applied to every cell of a table,
 * totals included, for the same reason: rounding only the small cells would leave them
 * recoverable from the exact totals.
 *
 * A mean (length of stay) reveals as much as its count: it is suppressed wherever its
 * count is suppressed or below the threshold. */
#include <string.h>

#include "stats/stats_internal.h"

static bool suppressed(const stats_cell *c) { return c && c->state == CELL_SUPPRESSED; }

static void suppress(stats_cell *c, const char *conf) {
    c->state = CELL_SUPPRESSED;
    memcpy(c->conf, conf, 2);
}

static double round5(double v) {
    double r = (double)(long long)((v + 2.5) / 5.0) * 5.0;
    return v < 0 ? -round5(-v) : r;
}

static int secondary(const stats_cube *cube, int dim, stats_cell **m, int n, void *ctx) {
    (void)cube;
    (void)dim;
    int count = 0;
    for (int i = 0; i < n; i++) count += suppressed(m[i]);
    if (count != 1) return 0;
    /* Prefer the smallest non-zero part: it hides the most for the least lost. */
    stats_cell *pick = NULL;
    for (int pass = 0; pass < 2 && !pick; pass++)
        for (int i = 0; i < n - 1; i++) {
            stats_cell *c = m[i];
            if (!c || suppressed(c) || (pass == 0 && c->value <= 0)) continue;
            if (!pick || c->value < pick->value) pick = c;
        }
    if (!pick && m[n - 1] && !suppressed(m[n - 1])) pick = m[n - 1];
    if (pick) {
        suppress(pick, "D");
        *(bool *)ctx = true;
    }
    return 0;
}

static void control_counts(stats_set *set, int ind, const stats_indicator *in, int threshold) {
    stats_cube cube;
    stats_cube_build(&cube, set, ind);
    bool imported = false;
    for (size_t k = 0; k < cube.size; k++)
        if (cube.cell[k] && cube.cell[k]->source == 'i') imported = true;
    if (imported) goto cleanup;
    for (size_t k = 0; k < cube.size; k++) {
        stats_cell *c = cube.cell[k];
        if (!c || c->state != CELL_VALUE) continue;
        if (in->disclosure == DISC_ROUND5) {
            c->value = round5(c->value);
            memcpy(c->obs, "R", 2);
        } else if (c->value > 0 && c->value < threshold) {
            suppress(c, "C");
        }
    }
    if (in->disclosure == DISC_SUPPRESS) {
        bool changed = true;
        while (changed) {
            changed = false;
            stats_cube_lines(&cube, secondary, &changed);
        }
    }
cleanup:
    stats_cube_free(&cube);
}

static void control_means(stats_set *set, int ind, const stats_indicator *in, int threshold) {
    for (size_t k = 0; k < set->n; k++) {
        stats_cell *c = &set->cells[k];
        if (c->ind != ind || c->source == 'i' || c->state != CELL_VALUE) continue;
        const stats_cell *count =
            stats_set_find(set, in->weight, c->key[0], c->key[1], c->key[2], c->key[3]);
        if (suppressed(count))
            suppress(c, count->conf);
        else if (!count || c->weight < threshold)
            suppress(c, "C");
    }
}

void stats_disclose(stats_set *set, int threshold) {
    const stats_cat *cat = stats_cat_get();
    stats_set_sort(set);
    for (size_t i = 0; i < cat->n_ind; i++)
        if (cat->ind[i].disclosure != DISC_FOLLOW_WEIGHT)
            control_counts(set, (int)i, &cat->ind[i], threshold);
    for (size_t i = 0; i < cat->n_ind; i++)
        if (cat->ind[i].disclosure == DISC_FOLLOW_WEIGHT)
            control_means(set, (int)i, &cat->ind[i], threshold);
}
