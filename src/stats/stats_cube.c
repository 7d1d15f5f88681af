/* Cubes: the cells of one indicator laid out densely over the codes of its four
 * dimensions (site, citizen, sex, age), so that totals, lines of parts and their
 * total, disclosure control and the validation of sums are simple index arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "stats/stats_internal.h"

/* qsort has no context argument; the server builds cubes on several threads at once. */
static _Thread_local int cube_dim;

static bool is_total(int dim, const char *code) { return !strcmp(code, stats_total_code(dim)); }

/* The total last; otherwise the export order. */
static int dim_cmp(int dim, const char *a, const char *b) {
    bool ta = is_total(dim, a), tb = is_total(dim, b);
    if (ta || tb) return ta - tb;
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

static int code_qsort_cmp(const void *a, const void *b) { return dim_cmp(cube_dim, a, b); }

/* Sorts and de-duplicates n codes in place; returns the new count. */
static int unique_codes(int dim, char (*codes)[8], int n) {
    cube_dim = dim;
    qsort(codes, (size_t)n, sizeof *codes, code_qsort_cmp);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || strcmp(codes[k - 1], codes[i])) memmove(codes[k++], codes[i], 8);
    return k;
}

static int find_code(int dim, char (*codes)[8], int n, const char *code) {
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = dim_cmp(dim, codes[mid], code);
        if (!c) return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static void set_totals(stats_cube *cube) {
    cube->size = 1;
    for (int d = 0; d < DIM_COUNT; d++) {
        cube->total[d] =
            cube->n[d] > 0 && is_total(d, cube->codes[d][cube->n[d] - 1]) ? cube->n[d] - 1 : -1;
        cube->size *= (size_t)cube->n[d];
    }
}

size_t stats_cube_index(const stats_cube *cube, const int at[DIM_COUNT]) {
    size_t i = 0;
    for (int d = 0; d < DIM_COUNT; d++) i = i * (size_t)cube->n[d] + (size_t)at[d];
    return i;
}

void stats_cube_build(stats_cube *cube, stats_set *set, int ind) {
    memset(cube, 0, sizeof *cube);
    cube->ind = ind;
    size_t count = 0;
    for (size_t i = 0; i < set->n; i++) count += set->cells[i].ind == ind;
    for (int d = 0; d < DIM_COUNT; d++) {
        cube->codes[d] = mem_alloc((count ? count : 1) * sizeof *cube->codes[d]);
        int k = 0;
        for (size_t i = 0; i < set->n; i++)
            if (set->cells[i].ind == ind) memcpy(cube->codes[d][k++], set->cells[i].key[d], 8);
        cube->n[d] = unique_codes(d, cube->codes[d], k);
    }
    set_totals(cube);
    cube->cell = mem_alloc((cube->size ? cube->size : 1) * sizeof *cube->cell);
    for (size_t i = 0; i < set->n; i++) {
        stats_cell *c = &set->cells[i];
        if (c->ind != ind) continue;
        int at[DIM_COUNT];
        for (int d = 0; d < DIM_COUNT; d++)
            at[d] = find_code(d, cube->codes[d], cube->n[d], c->key[d]);
        cube->cell[stats_cube_index(cube, at)] = c;
    }
}

void stats_cube_free(stats_cube *cube) {
    for (int d = 0; d < DIM_COUNT; d++) mem_free(cube->codes[d]);
    mem_free(cube->cell);
    memset(cube, 0, sizeof *cube);
}

int stats_cube_lines(const stats_cube *cube, stats_line_fn fn, void *ctx) {
    int max_n = 1;
    for (int d = 0; d < DIM_COUNT; d++)
        if (cube->n[d] > max_n) max_n = cube->n[d];
    stats_cell **members = mem_alloc((size_t)max_n * sizeof *members);
    int rc = 0;
    for (int d = 0; d < DIM_COUNT && !rc; d++) {
        if (cube->total[d] < 0 || cube->n[d] < 2) continue;
        /* Walk every combination of the other dimensions' codes. */
        int at[DIM_COUNT] = {0};
        for (;;) {
            int k = 0;
            for (int i = 0; i < cube->n[d]; i++) {
                if (i == cube->total[d]) continue;
                at[d] = i;
                members[k++] = cube->cell[stats_cube_index(cube, at)];
            }
            at[d] = cube->total[d];
            members[k++] = cube->cell[stats_cube_index(cube, at)];
            at[d] = 0;
            rc = fn(cube, d, members, k, ctx);
            if (rc) break;
            int o = DIM_COUNT - 1;
            for (; o >= 0; o--) {
                if (o == d) continue;
                if (++at[o] < cube->n[o]) break;
                at[o] = 0;
            }
            if (o < 0) break;
        }
    }
    mem_free(members);
    return rc;
}

void stats_cube_fill(stats_set *set, int ind, const stats_detail *det, size_t n, char source) {
    const stats_cat *cat = stats_cat_get();
    const stats_indicator *in = &cat->ind[ind];
    stats_cube cube;
    memset(&cube, 0, sizeof cube);
    for (int d = 0; d < DIM_COUNT; d++) {
        bool has = in->dims & DIMBIT(d);
        cube.codes[d] = mem_alloc((n + 1 + STATS_MAX_CODES) * sizeof *cube.codes[d]);
        int k = 0;
        for (size_t i = 0; has && i < n; i++) memcpy(cube.codes[d][k++], det[i].key[d], 8);
        /* Sex and age tables always have every column of the template. */
        const stats_code *list = d == DIM_SEX ? cat->sex : d == DIM_AGE ? cat->age : NULL;
        size_t n_list = d == DIM_SEX ? cat->n_sex : d == DIM_AGE ? cat->n_age : 0;
        for (size_t i = 0; has && list && i < n_list; i++)
            snprintf(cube.codes[d][k++], 8, "%s", list[i].code);
        memcpy(cube.codes[d][k++], stats_total_code(d), strlen(stats_total_code(d)) + 1);
        cube.n[d] = unique_codes(d, cube.codes[d], k);
    }
    set_totals(&cube);
    double *sum = mem_alloc(cube.size * sizeof *sum),
           *weight = mem_alloc(cube.size * sizeof *weight);
    for (size_t i = 0; i < n; i++) {
        int at[DIM_COUNT], own[DIM_COUNT];
        bool known = true;
        for (int d = 0; d < DIM_COUNT; d++) {
            own[d] = in->dims & DIMBIT(d) ? find_code(d, cube.codes[d], cube.n[d], det[i].key[d])
                                          : cube.total[d];
            known = known && own[d] >= 0;
        }
        if (!known) continue; /* cannot happen: every detail code was collected above */
        /* Add the figure to its own cell and to every total above it. */
        for (unsigned mask = 0; mask < (1u << DIM_COUNT); mask++) {
            bool skip = false;
            for (int d = 0; d < DIM_COUNT; d++) {
                bool up = mask & (1u << d);
                if (up && own[d] == cube.total[d]) skip = true; /* counted by mask without d */
                at[d] = up ? cube.total[d] : own[d];
            }
            if (skip) continue;
            size_t k = stats_cube_index(&cube, at);
            sum[k] += det[i].value;
            weight[k] += det[i].weight;
        }
    }
    int at[DIM_COUNT] = {0};
    for (size_t k = 0; k < cube.size; k++) {
        size_t rest = k;
        for (int d = DIM_COUNT - 1; d >= 0; d--) {
            at[d] = (int)(rest % (size_t)cube.n[d]);
            rest /= (size_t)cube.n[d];
        }
        if (in->measure == MEASURE_MEAN && weight[k] <= 0) continue;
        stats_cell *c = stats_set_add(
            set, ind, cube.codes[DIM_SITE][at[DIM_SITE]], cube.codes[DIM_CITIZEN][at[DIM_CITIZEN]],
            cube.codes[DIM_SEX][at[DIM_SEX]], cube.codes[DIM_AGE][at[DIM_AGE]]);
        c->source = source;
        if (in->measure == MEASURE_MEAN) {
            c->value = sum[k] / weight[k];
            c->weight = weight[k];
        } else {
            c->value = sum[k];
        }
    }
    mem_free(sum);
    mem_free(weight);
    stats_cube_free(&cube);
}
