/* Identity matching benchmark. Every figure is printed beside a baseline measured in
 * the same run.
 *   (a) quality on BENCH_MATCH_QUALITY_N (default 100,000) generated records at the
 *       engine's default threshold, against exact match on normalised name + birth
 *       date and Jaro-Winkler on full names within birth-year blocks;
 *   (b) dedup time of BENCH_MATCH_SCALE_N (default 1,000,000) records against the
 *       exact-match baseline (the PostgreSQL baseline is bench/match_pg.bench.sh);
 *   (c) query latency for one new record against the 1M index, and memory per record,
 *       against a linear scan of one birth-year block;
 *   (d) watch-list screening of 10,000 travellers against a list of 100,000, against
 *       exact match on normalised name + birth date.
 * Usage: bench_match [quality|scale|screen|all] (default all). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "match/match.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct {
    size_t a, b;
} upair;

typedef struct {
    double precision, recall, f1, cluster_f1;
    size_t predicted;
} quality;

static size_t *uf;
static size_t uf_find(size_t x) {
    while (uf[x] != x) x = uf[x] = uf[uf[x]];
    return x;
}

static int by_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static int by_size(const void *x, const void *y) {
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

/* Pairwise and cluster precision/recall/F1 of predicted pairs against the truth. */
static quality evaluate(const match_demo *d, const upair *p, size_t n) {
    quality q = {0};
    double truth = 0;
    size_t *count = mem_alloc(d->n_persons * sizeof *count);
    for (size_t i = 0; i < d->n; i++) count[d->person[i]]++;
    for (size_t i = 0; i < d->n_persons; i++)
        truth += (double)count[i] * (double)(count[i] - 1) / 2;
    double tp = 0;
    for (size_t i = 0; i < n; i++) tp += d->person[p[i].a] == d->person[p[i].b];
    q.predicted = n;
    q.precision = n ? tp / (double)n : 1;
    q.recall = truth > 0 ? tp / truth : 1;
    q.f1 = q.precision + q.recall > 0 ? 2 * q.precision * q.recall / (q.precision + q.recall) : 0;
    /* Clusters: connected components of the predicted pairs. */
    uf = mem_alloc(d->n * sizeof *uf);
    for (size_t i = 0; i < d->n; i++) uf[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t a = uf_find(p[i].a), b = uf_find(p[i].b);
        if (a != b) uf[a] = b;
    }
    /* Sort (component, person) keys to count pairs inside components. */
    size_t *key = mem_alloc(d->n * 2 * sizeof *key);
    for (size_t i = 0; i < d->n; i++) key[2 * i] = uf_find(i), key[2 * i + 1] = d->person[i];
    /* Sort indices by component then person with a simple two-pass approach. */
    size_t *idx = mem_alloc(d->n * sizeof *idx);
    for (size_t i = 0; i < d->n; i++) idx[i] = key[2 * i] * (d->n_persons + 1) + key[2 * i + 1];
    qsort(idx, d->n, sizeof *idx, by_size);
    double cpred = 0, ctp = 0;
    size_t run_c = 0, run_cp = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t comp = idx[i] / (d->n_persons + 1);
        if (i == 0 || comp != idx[i - 1] / (d->n_persons + 1)) run_c = 0;
        if (i == 0 || idx[i] != idx[i - 1]) run_cp = 0;
        cpred += (double)run_c;
        ctp += (double)run_cp;
        run_c++;
        run_cp++;
    }
    double cp = cpred > 0 ? ctp / cpred : 1, cr = truth > 0 ? ctp / truth : 1;
    q.cluster_f1 = cp + cr > 0 ? 2 * cp * cr / (cp + cr) : 0;
    mem_free(idx);
    mem_free(key);
    mem_free(uf);
    mem_free(count);
    return q;
}

static void print_quality(const char *name, quality q, double secs) {
    printf("  %-34s P=%.3f R=%.3f F1=%.3f clusterF1=%.3f pairs=%zu time=%.2fs\n", name, q.precision,
           q.recall, q.f1, q.cluster_f1, q.predicted, secs);
}

typedef struct {
    char *key;
    size_t i;
} keyed;

static int by_key(const void *x, const void *y) {
    const keyed *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->i < b->i ? -1 : a->i > b->i);
}

static char *full_norm(const match_record *r) {
    char *g = NULL, *f = NULL;
    herr *e = match_normalize_name(r->given_name, &g);
    if (!e) e = match_normalize_name(r->family_name, &f);
    err_free(e);
    char *s = mem_printf("%s %s", g ? g : "", f ? f : "");
    mem_free(g);
    mem_free(f);
    return s;
}

/* Baseline 1: same normalised given + family name and same birth date. */
static upair *baseline_exact(const match_demo *d, size_t *n_out, double *secs) {
    double t0 = now();
    keyed *k = mem_alloc(d->n * sizeof *k);
    for (size_t i = 0; i < d->n; i++) {
        char *full = full_norm(&d->recs[i]);
        k[i].key = mem_printf("%s|%s", full, d->birth_dates[i]);
        k[i].i = i;
        mem_free(full);
    }
    qsort(k, d->n, sizeof *k, by_key);
    upair *p = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < d->n;) {
        size_t e = s + 1;
        while (e < d->n && !strcmp(k[e].key, k[s].key)) e++;
        for (size_t i = s; i < e; i++)
            for (size_t j = i + 1; j < e; j++) {
                if (n == cap) cap = cap ? cap * 2 : 1024, p = mem_realloc(p, cap * sizeof *p);
                p[n].a = k[i].i;
                p[n++].b = k[j].i;
            }
        s = e;
    }
    for (size_t i = 0; i < d->n; i++) mem_free(k[i].key);
    mem_free(k);
    *n_out = n;
    *secs = now() - t0;
    return p;
}

/* Baseline 2: Jaro-Winkler of the normalised full names >= t within a birth year; the
 * best of several thresholds is kept (the baseline gets its best chance). */
static upair *baseline_jw(const match_demo *d, size_t *n_out, double *secs, double *best_t) {
    static const double ts[] = {0.85, 0.88, 0.90, 0.92, 0.94, 0.96};
    enum { NT = sizeof ts / sizeof ts[0] };
    double t0 = now();
    keyed *k = mem_alloc(d->n * sizeof *k);
    char **full = mem_alloc(d->n * sizeof *full);
    size_t *len = mem_alloc(d->n * sizeof *len);
    for (size_t i = 0; i < d->n; i++) {
        full[i] = full_norm(&d->recs[i]);
        len[i] = strlen(full[i]) ? strlen(full[i]) : 1;
        k[i].key = mem_printf("%d", d->recs[i].birth_year);
        k[i].i = i;
    }
    qsort(k, d->n, sizeof *k, by_key);
    upair *p = NULL;
    float *sc = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < d->n;) {
        size_t e = s + 1;
        while (e < d->n && !strcmp(k[e].key, k[s].key)) e++;
        if (d->recs[k[s].i].birth_year != 0)
            for (size_t i = s; i < e; i++)
                for (size_t j = i + 1; j < e; j++) {
                    /* Jaro-Winkler cannot reach ts[0] when the lengths differ too much. */
                    double la = (double)len[k[i].i], lb = (double)len[k[j].i];
                    double mn = la < lb ? la : lb, jaro = (mn / la + mn / lb + 1) / 3;
                    if (jaro + 0.4 * (1 - jaro) < ts[0]) continue;
                    double v = match_jaro_winkler(full[k[i].i], full[k[j].i]);
                    if (v < ts[0]) continue;
                    if (n == cap) {
                        cap = cap ? cap * 2 : 1024;
                        p = mem_realloc(p, cap * sizeof *p);
                        sc = mem_realloc(sc, cap * sizeof *sc);
                    }
                    p[n].a = k[i].i;
                    p[n].b = k[j].i;
                    sc[n++] = (float)v;
                }
        s = e;
    }
    double best = -1;
    size_t best_n = 0;
    upair *bp = mem_alloc((n ? n : 1) * sizeof *bp);
    for (int t = 0; t < NT; t++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (sc[i] >= ts[t]) bp[m++] = p[i];
        quality q = evaluate(d, bp, m);
        if (q.f1 > best) best = q.f1, *best_t = ts[t], best_n = m;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sc[i] >= *best_t) bp[m++] = p[i];
    for (size_t i = 0; i < d->n; i++) mem_free(k[i].key), mem_free(full[i]);
    mem_free(k);
    mem_free(full);
    mem_free(len);
    mem_free(p);
    mem_free(sc);
    *n_out = best_n;
    *secs = now() - t0;
    return bp;
}

static upair *to_upairs(const match_pair *mp, size_t n) {
    upair *p = mem_alloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i].a = mp[i].a, p[i].b = mp[i].b;
    return p;
}

/* Cross-person pairs identical on every field (no matcher can separate them). */
static size_t identical_cross_pairs(const match_demo *d) {
    keyed *k = mem_alloc(d->n * sizeof *k);
    for (size_t i = 0; i < d->n; i++) {
        const match_record *r = &d->recs[i];
        char *full = full_norm(r);
        k[i].key = mem_printf("%s|%s|%c|%s", full, d->birth_dates[i], r->sex ? r->sex : '-',
                              r->citizenship);
        k[i].i = i;
        mem_free(full);
    }
    qsort(k, d->n, sizeof *k, by_key);
    size_t cross = 0;
    for (size_t s = 0; s < d->n;) {
        size_t e = s + 1;
        while (e < d->n && !strcmp(k[e].key, k[s].key)) e++;
        for (size_t i = s; i < e; i++)
            for (size_t j = i + 1; j < e; j++) cross += d->person[k[i].i] != d->person[k[j].i];
        s = e;
    }
    for (size_t i = 0; i < d->n; i++) mem_free(k[i].key);
    mem_free(k);
    return cross;
}

static int run_quality(size_t n) {
    match_demo *d = NULL;
    herr *e = match_demo_generate(n, 42, &d);
    if (e) {
        fprintf(stderr, "generate: %s\n", e->message);
        return 1;
    }
    printf("(a) quality on %zu generated records (%zu people), seed 42\n", n, d->n_persons);
    printf("  cross-person pairs identical on every field: %zu\n", identical_cross_pairs(d));
    double t_ex, t_jw, jw_t = 0;
    size_t n_ex, n_jw;
    upair *ex = baseline_exact(d, &n_ex, &t_ex);
    quality q_ex = evaluate(d, ex, n_ex);
    upair *jw = baseline_jw(d, &n_jw, &t_jw, &jw_t);
    quality q_jw = evaluate(d, jw, n_jw);
    double t0 = now();
    match_pair *mp = NULL;
    size_t n_mp = 0;
    double thr = 0;
    match_index *ix = NULL;
    match_dedup_options opt = {.threshold = -1, .train = true, .cluster = true};
    e = match_dedup(d->recs, d->n, &opt, &mp, &n_mp, &thr, &ix);
    double t_hv = now() - t0;
    if (e) {
        fprintf(stderr, "dedup: %s\n", e->message);
        return 1;
    }
    upair *hv = to_upairs(mp, n_mp);
    quality q_hv = evaluate(d, hv, n_mp);
    print_quality("baseline exact name+date", q_ex, t_ex);
    char label[64];
    snprintf(label, sizeof label, "baseline JW>=%.2f in year blocks", jw_t);
    print_quality(label, q_jw, t_jw);
    snprintf(label, sizeof label, "haven match (threshold %.3f)", thr);
    print_quality(label, q_hv, t_hv);
    double best = fmax(q_ex.f1, q_jw.f1);
    printf("  F1 gain over the better baseline: %+.3f (target >= +0.35); ratio %.2fx\n",
           q_hv.f1 - best, q_hv.f1 / best);
    printf("  cluster F1 - pairwise F1: %+.3f (target within 0.03)\n", q_hv.cluster_f1 - q_hv.f1);
    if (getenv("BENCH_MATCH_MODEL")) match_index_describe_model(ix, stdout);
    /* Threshold sweep, to show the default is near the best: the whole deduplication
     * (grouping included) at each threshold. */
    printf("  threshold sweep (dedup and grouping at each):");
    static const double sweep[] = {0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
    for (size_t s = 0; s < sizeof sweep / sizeof sweep[0]; s++) {
        match_pair *sp = NULL;
        size_t n_sp = 0;
        match_dedup_options so = opt;
        so.threshold = sweep[s];
        e = match_dedup(d->recs, d->n, &so, &sp, &n_sp, NULL, NULL);
        if (e) {
            err_free(e);
            continue;
        }
        upair *up = to_upairs(sp, n_sp);
        printf(" %.1f:F1=%.3f", sweep[s], evaluate(d, up, n_sp).f1);
        mem_free(up);
        mem_free(sp);
    }
    printf("\n");
    match_index_free(ix);
    mem_free(mp);
    mem_free(hv);
    mem_free(ex);
    mem_free(jw);
    match_demo_free(d);
    return 0;
}

static int run_scale(size_t n) {
    match_demo *d = NULL;
    herr *e = match_demo_generate(n, 7, &d);
    if (e) {
        fprintf(stderr, "generate: %s\n", e->message);
        return 1;
    }
    printf("(b) dedup of %zu generated records (%zu people) on 2 threads\n", n, d->n_persons);
    double t_ex;
    size_t n_ex;
    upair *ex = baseline_exact(d, &n_ex, &t_ex);
    double t0 = now();
    match_pair *mp = NULL;
    size_t n_mp = 0;
    double thr = 0;
    match_index *ix = NULL;
    match_dedup_options opt = {.threshold = -1, .train = true, .threads = 2, .cluster = true};
    e = match_dedup(d->recs, d->n, &opt, &mp, &n_mp, &thr, &ix);
    double t_hv = now() - t0;
    if (e) {
        fprintf(stderr, "dedup: %s\n", e->message);
        return 1;
    }
    upair *hv = to_upairs(mp, n_mp);
    quality q_hv = evaluate(d, hv, n_mp), q_ex = evaluate(d, ex, n_ex);
    print_quality("baseline exact name+date (1 thread)", q_ex, t_ex);
    print_quality("haven match dedup", q_hv, t_hv);
    printf(
        "  haven dedup: %.1f s for %zu records (target < 60 s); %.2fx the exact baseline's time\n",
        t_hv, n, t_hv / t_ex);
    /* (c) queries: records of the data set's people, as if they arrived again. */
    size_t mem = match_index_memory(ix);
    printf("(c) candidate query against %zu indexed records\n", match_index_size(ix));
    printf("  index memory: %.1f MB, %.0f bytes per record\n", (double)mem / 1e6,
           (double)mem / (double)n);
    enum { Q = 2000 };
    double *lat = mem_alloc(Q * sizeof *lat), *scan = mem_alloc(Q * sizeof *scan);
    size_t found = 0;
    for (int i = 0; i < Q; i++) {
        match_record r = d->recs[(size_t)i * 499 % n];
        r.id = NULL;
        match_candidate *c = NULL;
        size_t nc = 0;
        double q0 = now();
        e = match_index_query(ix, &r, thr, 10, &c, &nc);
        lat[i] = now() - q0;
        if (e) {
            err_free(e);
            continue;
        }
        found += nc > 0;
        mem_free(c);
    }
    /* Baseline: Jaro-Winkler scan of the record's birth year (what a plain SQL LIKE or
     * trigram query over a year would do), for a few hundred queries. */
    enum { QS = 200 };
    char **full = NULL;
    full = mem_alloc(n * sizeof *full);
    for (size_t i = 0; i < n; i++) full[i] = full_norm(&d->recs[i]);
    for (int i = 0; i < QS; i++) {
        size_t qi = (size_t)i * 499 % n;
        double q0 = now();
        volatile size_t hits = 0;
        for (size_t j = 0; j < n; j++)
            if (d->recs[j].birth_year == d->recs[qi].birth_year &&
                match_jaro_winkler(full[qi], full[j]) >= 0.9)
                hits++;
        scan[i] = now() - q0;
    }
    for (size_t i = 0; i < n; i++) mem_free(full[i]);
    mem_free(full);
    qsort(lat, Q, sizeof *lat, by_double);
    qsort(scan, QS, sizeof *scan, by_double);
    double p50 = lat[Q / 2], p99 = lat[Q * 99 / 100], s50 = scan[QS / 2], s99 = scan[QS * 99 / 100];
    printf(
        "  haven query: p50 %.3f ms, p99 %.3f ms (target p99 < 2 ms); %zu of %d found a candidate\n",
        p50 * 1e3, p99 * 1e3, found, Q);
    printf(
        "  baseline JW scan of the birth year: p50 %.3f ms, p99 %.3f ms; haven is %.0fx faster at p50\n",
        s50 * 1e3, s99 * 1e3, s50 / p50);
    /* The registry's path: a registration adds the record after asking for candidates,
     * and the model is retrained when the index has doubled. */
    double *add = mem_alloc(Q * sizeof *add);
    for (int i = 0; i < Q; i++) {
        match_record r = d->recs[(size_t)i * 733 % n];
        char id[32];
        snprintf(id, sizeof id, "new%d", i);
        r.id = id;
        double q0 = now();
        e = match_index_add(ix, &r);
        add[i] = now() - q0;
        err_free(e);
    }
    qsort(add, Q, sizeof *add, by_double);
    double t_train = now();
    e = match_index_train(ix);
    t_train = now() - t_train;
    err_free(e);
    printf("  registry path: add p50 %.3f ms, p99 %.3f ms; retraining at %zu records %.2f s"
           " (queries go on meanwhile)\n",
           add[Q / 2] * 1e3, add[Q * 99 / 100] * 1e3, match_index_size(ix), t_train);
    mem_free(add);
    mem_free(lat);
    mem_free(scan);
    match_index_free(ix);
    mem_free(mp);
    mem_free(hv);
    mem_free(ex);
    match_demo_free(d);
    return 0;
}

/* (d) Watch-list screening: the last BENCH_MATCH_SCREEN_INPUT (default 10,000) of a
 * generated set are the travellers, the first BENCH_MATCH_SCREEN_LIST (default 100,000)
 * the list; against exact match on normalised name + birth date over the same records.
 * Recall counts travellers whose person is on the list. */
static int run_screen(size_t n_list, size_t n_input) {
    match_demo *d = NULL;
    herr *e = match_demo_generate(n_list + n_input, 5, &d);
    if (e) {
        fprintf(stderr, "generate: %s\n", e->message);
        err_free(e);
        return 1;
    }
    printf("(d) screening %zu travellers against a list of %zu (2 threads)\n", n_input, n_list);
    bool *listed = mem_alloc(d->n_persons * sizeof *listed);
    for (size_t i = 0; i < n_list; i++) listed[d->person[i]] = true;
    size_t expected = 0;
    for (size_t i = n_list; i < d->n; i++) expected += listed[d->person[i]];

    size_t n_ex = 0;
    double t_ex = 0;
    upair *ex = baseline_exact(d, &n_ex, &t_ex);
    bool *hit_ex = mem_alloc(n_input * sizeof *hit_ex),
         *right_ex = mem_alloc(n_input * sizeof *right_ex);
    for (size_t k = 0; k < n_ex; k++) {
        size_t a = ex[k].a < ex[k].b ? ex[k].a : ex[k].b, b = ex[k].a ^ ex[k].b ^ a;
        if (a >= n_list || b < n_list) continue; /* a on the list, b a traveller */
        hit_ex[b - n_list] = true;
        right_ex[b - n_list] |= d->person[a] == d->person[b];
    }
    size_t found_ex = 0, ok_ex = 0;
    for (size_t i = 0; i < n_input; i++) found_ex += hit_ex[i], ok_ex += right_ex[i];

    match_screen_options o = {.threshold = -1, .threads = 2};
    match_hit *hits = NULL;
    size_t n_hits = 0;
    double used = 0, t0 = now();
    e = match_screen(d->recs, n_list, d->recs + n_list, n_input, &o, &hits, &n_hits, &used, NULL);
    double t_hv = now() - t0;
    if (e) {
        fprintf(stderr, "screen: %s\n", e->message);
        err_free(e);
        return 1;
    }
    size_t found = 0, ok = 0;
    for (size_t h = 0; h < n_hits; h++) {
        if (h && hits[h].input == hits[h - 1].input) continue; /* the best hit of each */
        found++;
        ok += d->person[n_list + hits[h].input] == d->person[hits[h].list];
    }
    printf("  travellers on the list: %zu of %zu\n", expected, n_input);
    printf("  %-34s precision=%.3f recall=%.3f time=%.2fs\n", "exact name + date",
           found_ex ? (double)ok_ex / (double)found_ex : 0,
           expected ? (double)ok_ex / (double)expected : 0, t_ex);
    printf("  %-34s precision=%.3f recall=%.3f time=%.2fs (threshold %.3f; target < 1 s)\n",
           "haven match screen", found ? (double)ok / (double)found : 0,
           expected ? (double)ok / (double)expected : 0, t_hv, used);
    printf("  time ratio to the exact baseline: %.1fx (index build and training included)\n",
           t_ex > 0 ? t_hv / t_ex : 0);
    /* The share of that time spent on building and training the index alone: a server
     * keeps the list's index, so a manifest pays only the rest. */
    match_index *ix = NULL;
    t0 = now();
    e = match_index_new(&ix);
    for (size_t i = 0; !e && i < d->n; i++) {
        char id[32];
        snprintf(id, sizeof id, "%zu", i);
        match_record r = d->recs[i];
        r.id = id;
        e = match_index_add(ix, &r);
    }
    if (!e) e = match_index_train(ix);
    double t_build = now() - t0;
    err_free(e);
    match_index_free(ix);
    printf("  of which index build + training of the %zu records: %.2fs; queries: %.2fs\n", d->n,
           t_build, t_hv - t_build);
    mem_free(hits);
    mem_free(ex);
    mem_free(hit_ex);
    mem_free(right_ex);
    mem_free(listed);
    match_demo_free(d);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *what = argc > 1 ? argv[1] : "all";
    const char *qn = getenv("BENCH_MATCH_QUALITY_N"), *sn = getenv("BENCH_MATCH_SCALE_N");
    size_t nq = qn ? (size_t)atol(qn) : 100000, ns = sn ? (size_t)atol(sn) : 1000000;
    int rc = 0;
    if (!strcmp(what, "quality") || !strcmp(what, "all")) rc |= run_quality(nq);
    if (!strcmp(what, "scale") || !strcmp(what, "all")) rc |= run_scale(ns);
    if (!strcmp(what, "screen") || !strcmp(what, "all")) {
        const char *ln = getenv("BENCH_MATCH_SCREEN_LIST"),
                   *in = getenv("BENCH_MATCH_SCREEN_INPUT");
        rc |= run_screen(ln ? (size_t)atol(ln) : 100000, in ? (size_t)atol(in) : 10000);
    }
    match_shutdown();
    return rc;
}
