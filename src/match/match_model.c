/* The Fellegi-Sunter model and its estimation by EM.
 *
 * A pair of records is a vector of agreement levels, one per field. Under conditional
 * independence, P(levels | same person) = prod m_k(l_k) and P(levels | different) =
 * prod u_k(l_k); the weight of a level is log2(m/u) and the posterior that the pair is
 * one person is sigmoid(sum of weights + log2(lambda / (1 - lambda))), where lambda is
 * the share of true pairs among the compared (blocked) pairs.
 *
 * Nobody knows m, u or lambda for a new population, so match_index_train counts the
 * level patterns of the blocked pairs and fits all three by expectation-maximisation
 * (Winkler 1988), starting from the prior below. The prior is only a starting point and
 * the model of an index too small to learn from; EM moves away from it. A missing field
 * has its own level that is left out of both products (weight 0). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "match/match_internal.h"

int mpattern_index(const mcmp *c) {
    return c->lv[MF_GIVEN] +
           NL_COUNT * (c->lv[MF_FAMILY] +
                       NL_COUNT * (c->lv[MF_DATE] +
                                   DL_COUNT * (c->lv[MF_SEX] + BL_COUNT * c->lv[MF_CIT])));
}

void mpattern_levels(int index, mcmp *c) {
    c->lv[MF_GIVEN] = (uint8_t)(index % NL_COUNT);
    index /= NL_COUNT;
    c->lv[MF_FAMILY] = (uint8_t)(index % NL_COUNT);
    index /= NL_COUNT;
    c->lv[MF_DATE] = (uint8_t)(index % DL_COUNT);
    index /= DL_COUNT;
    c->lv[MF_SEX] = (uint8_t)(index % BL_COUNT);
    index /= BL_COUNT;
    c->lv[MF_CIT] = (uint8_t)index;
    c->swapped = c->native_a = c->native_b = false;
}

static bool is_missing(int field, int level) { return level == mlevel_count[field] - 1; }

void mmodel_default(mmodel *m) {
    static const double pm[MF_COUNT][MLEVELS_MAX] = {
        {0.55, 0.15, 0.10, 0.04, 0.05, 0.11},
        {0.55, 0.15, 0.10, 0.04, 0.05, 0.11},
        {0.35, 0.15, 0.10, 0.03, 0.05, 0.04, 0.05, 0.04, 0.01, 0.18},
        {0.98, 0.02},
        {0.93, 0.07}};
    static const double pu[MF_COUNT][MLEVELS_MAX] = {
        {0.05, 0.03, 0.04, 0.03, 0.07, 0.78},
        {0.05, 0.03, 0.04, 0.03, 0.07, 0.78},
        {0.002, 0.015, 0.035, 0.0005, 0.005, 0.03, 0.0003, 0.04, 0.04, 0.8322},
        {0.85, 0.15},
        {0.40, 0.60}};
    memset(m, 0, sizeof *m);
    memcpy(m->m, pm, sizeof pm);
    memcpy(m->u, pu, sizeof pu);
    memcpy(m->un, pu, sizeof pu);
    m->lambda = 0.05;
    m->rho = 1;
    m->threshold = 0.5;
    mmodel_weights(m);
}

void mmodel_weights(mmodel *m) {
    for (int k = 0; k < MF_COUNT; k++)
        for (int l = 0; l < mlevel_count[k]; l++)
            m->w[k][l] = is_missing(k, l) ? 0.0 : log2(m->m[k][l] / m->u[k][l]);
    for (int k = 0; k < MF_COUNT; k++)
        for (int l = 0; l < mlevel_count[k]; l++)
            m->wn[k][l] = k == MF_DATE       ? m->w[k][l]
                          : is_missing(k, l) ? 0.0
                                             : log2(m->m[k][l] / m->un[k][l]);
    m->prior_bits = log2(m->lambda / (1.0 - m->lambda));
}

double mmodel_u(const mmodel *m, const mcmp *c, int k) {
    return mcmp_names_agree(c) ? m->un[k][c->lv[k]] : m->u[k][c->lv[k]];
}

double mmodel_bits(const mmodel *m, const mcmp *c) {
    const double(*w)[MLEVELS_MAX] = mcmp_names_agree(c) ? m->wn : m->w;
    double b = 0;
    for (int k = 0; k < MF_COUNT; k++) b += w[k][c->lv[k]];
    return b;
}

double mmodel_prob(double bits) {
    if (bits > 60) return 1.0;
    if (bits < -60) return 0.0;
    return 1.0 / (1.0 + exp2(-bits));
}

/* Posterior of every pattern under the current parameters. */
static void posteriors(const mmodel *m, const double *counts, double *g) {
    for (int p = 0; p < MPATTERNS; p++) {
        if (counts[p] <= 0) {
            g[p] = 0;
            continue;
        }
        mcmp c;
        mpattern_levels(p, &c);
        double lm = log(m->lambda), lu = log(1.0 - m->lambda);
        for (int k = 0; k < MF_COUNT; k++) {
            if (is_missing(k, c.lv[k])) continue;
            lm += log(m->m[k][c.lv[k]]);
            lu += log(mmodel_u(m, &c, k));
        }
        g[p] = 1.0 / (1.0 + exp(lu - lm));
    }
}

int mmodel_em(mmodel *m, const double *counts, unsigned fields, unsigned update, bool fit_u,
              int max_iter) {
    double *g = mem_alloc(MPATTERNS * sizeof *g);
    /* A pseudo-count per level keeps a level never seen from getting probability 0 (u);
     * m is drawn towards its value on entry as if MMODEL_PRIOR_PAIRS matched pairs had
     * shown it, so a level that the few matches of a small sample never show keeps a
     * sensible m, and one more matched pair moves m by at most 1 / (matches + that). */
    const double alpha = 0.5;
    int it = 0;
    mmodel work = *m;
    double m0[MF_COUNT][MLEVELS_MAX];
    memcpy(m0, m->m, sizeof m0);
    /* Fields left out of this run count as missing: they carry no information. */
    for (int k = 0; k < MF_COUNT; k++)
        if (!(fields & (1u << k)))
            for (int l = 0; l < mlevel_count[k] - 1; l++)
                work.m[k][l] = work.u[k][l] = work.un[k][l] = 1;
    for (; it < max_iter; it++) {
        posteriors(&work, counts, g);
        double nm[MF_COUNT][MLEVELS_MAX] = {{0}}, nu[MF_COUNT][MLEVELS_MAX] = {{0}};
        double sm = 0, total = 0;
        for (int p = 0; p < MPATTERNS; p++) {
            if (counts[p] <= 0) continue;
            mcmp c;
            mpattern_levels(p, &c);
            double cm = counts[p] * g[p], cu = counts[p] * (1.0 - g[p]);
            sm += cm;
            total += counts[p];
            for (int k = 0; k < MF_COUNT; k++) {
                nm[k][c.lv[k]] += cm;
                nu[k][c.lv[k]] += cu;
            }
        }
        if (total <= 0) break;
        double change = fabs(sm / total - work.lambda);
        work.lambda = fmin(fmax(sm / total, 1e-9), 1 - 1e-9);
        for (int k = 0; k < MF_COUNT; k++) {
            if (!(fields & update & (1u << k))) continue;
            int L = mlevel_count[k] - 1; /* without the missing level */
            double dm = 0, du = 0, pm[MLEVELS_MAX], s0 = 0;
            for (int l = 0; l < L; l++) s0 += m0[k][l];
            for (int l = 0; l < L; l++) pm[l] = MMODEL_PRIOR_PAIRS * m0[k][l] / s0 + 1e-3;
            for (int l = 0; l < L; l++) dm += nm[k][l] + pm[l], du += nu[k][l] + alpha;
            for (int l = 0; l < L; l++) {
                double vm = (nm[k][l] + pm[l]) / dm, vu = (nu[k][l] + alpha) / du;
                change = fmax(change, fabs(vm - work.m[k][l]));
                work.m[k][l] = vm;
                if (fit_u) {
                    change = fmax(change, fabs(vu - work.u[k][l]));
                    work.u[k][l] = work.un[k][l] = vu;
                }
            }
        }
        if (change < 1e-7) {
            it++;
            break;
        }
    }
    mem_free(g);
    for (int k = 0; k < MF_COUNT; k++) {
        if (!(fields & update & (1u << k))) continue;
        memcpy(m->m[k], work.m[k], sizeof m->m[k]);
        memcpy(m->u[k], work.u[k], sizeof m->u[k]);
        memcpy(m->un[k], work.un[k], sizeof m->un[k]);
    }
    m->lambda = work.lambda;
    mmodel_weights(m);
    m->iterations += it;
    return it;
}

void mmodel_u_from_counts(mmodel *m, const double *counts) {
    double n[MF_COUNT][MLEVELS_MAX] = {{0}};
    for (int p = 0; p < MPATTERNS; p++) {
        if (counts[p] <= 0) continue;
        mcmp c;
        mpattern_levels(p, &c);
        for (int k = 0; k < MF_COUNT; k++) n[k][c.lv[k]] += counts[p];
    }
    for (int k = 0; k < MF_COUNT; k++) {
        int L = mlevel_count[k] - 1;
        double total = 0;
        for (int l = 0; l < L; l++) total += n[k][l] + 0.5;
        for (int l = 0; l < L; l++) m->u[k][l] = m->un[k][l] = (n[k][l] + 0.5) / total;
    }
    mmodel_weights(m);
}

static int by_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

double mthreshold_expected_f1(double *p, size_t n) {
    if (n == 0) return 0.5;
    qsort(p, n, sizeof *p, by_desc);
    double actual = 0;
    for (size_t i = 0; i < n; i++) actual += p[i];
    double tp = 0, best = -1, thr = 0.5;
    for (size_t i = 0; i < n; i++) {
        tp += p[i];
        /* Expected F1 when the pairs down to this one are predicted as matches. */
        double f1 = 2 * tp / ((double)(i + 1) + actual);
        if (f1 > best && (i + 1 == n || p[i + 1] < p[i])) {
            best = f1;
            thr = i + 1 < n ? (p[i] + p[i + 1]) / 2 : p[i];
        }
    }
    return fmin(fmax(thr, 0.05), 0.95);
}
