/* Training (EM over blocked pairs) and batch deduplication on several threads.
 *
 * Both walk the same candidate pairs as a query does: for record i, every record that
 * shares a blocking key. Deduplication keeps the pairs (j, i) with j < i, so each pair
 * is scored once; every thread has its own stamp array to see each candidate once. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "match/match_ix.h"

#define COUNT_RECORDS   50000  /* records whose birth year and date-mates are counted */
#define TRAIN_MAX_PAIRS 300000 /* pairs in each sample: candidates, same date, same names */
#define RANDOM_PAIRS    400000
#define FIELD(k)        (1u << (k))

typedef struct {
    const match_index *ix;
    uint32_t self;
    double *counts;
    size_t pairs;
    uint32_t (*keep)[2]; /* when not NULL, the pairs counted (pairs of them) */
} train_ctx;

static void count_pair(train_ctx *c, uint32_t slot) {
    mcmp cmp;
    mcompare(&c->ix->recs[c->self], &c->ix->recs[slot], &cmp);
    c->counts[mpattern_index(&cmp)] += 1;
    if (c->keep) {
        c->keep[c->pairs][0] = c->self;
        c->keep[c->pairs][1] = slot;
    }
    c->pairs++;
}

static void train_visit(void *p, uint32_t slot) {
    train_ctx *c = p;
    if (slot != c->self) count_pair(c, slot);
}

/* Pairs of the sampled record with the other records of one posting list. With
 * dated/apart, also how many of them have two birth years and years apart, by the
 * bucket of the list's length. */
static void count_list(train_ctx *c, uint64_t key, double *dated, double *apart) {
    mlist *l = key ? mix_list(c->ix, key) : NULL;
    if (!l) return;
    uint32_t *items = mlist_items(l);
    uint32_t n = l->n < 1000 ? l->n : 1000;
    int b = mname_bucket(l->n);
    for (uint32_t k = 0; k < n; k++) {
        if (items[k] == c->self) continue;
        count_pair(c, items[k]);
        if (!dated) continue;
        int d = mcompare_date(&c->ix->recs[c->self], &c->ix->recs[items[k]]);
        dated[b] += d != DL_MISSING;
        apart[b] += d == DL_DIFF;
    }
}

typedef struct {
    double *all, *rand, *date, *names; /* pattern counts */
    size_t n_all, n_date, n_names;
    double names_dated[4], names_apart[4]; /* same-names pairs with two birth years, and
                                              those years apart (DL_DIFF), by bucket */
    uint32_t (*all_pairs)[2];              /* the candidate pairs behind `all` */
    double date_pairs; /* unordered pairs of records with the same real birth date */
    double year_known; /* share of records with a birth year */
} samples;

/* Counts comparison patterns of random pairs, of pairs blocked on the birth date, of
 * pairs blocked on both names, and of all candidate pairs. Records are taken in a
 * random order until each sample is full, so training costs about the same at 100,000
 * records as at 10 million, and what it sees is a random part of the index. */
static void sample_pairs(const match_index *ix, samples *s) {
    uint32_t *live = mem_alloc(ix->n_live * sizeof *live);
    size_t n = 0;
    for (size_t i = 0; i < ix->n_slots; i++)
        if (ix->recs[i].id) live[n++] = (uint32_t)i;
    uint64_t state = 0x853c49e6748fea9bULL;
    for (size_t k = n; k > 1; k--) {
        state = mhash_mix(state, k);
        size_t j = state % k;
        uint32_t t = live[k - 1];
        live[k - 1] = live[j];
        live[j] = t;
    }
    /* How many records have a birth year, and how many pairs share a real date. */
    size_t m = n < COUNT_RECORDS ? n : COUNT_RECORDS;
    double known = 0, date_pairs = 0;
    for (size_t k = 0; k < m; k++) {
        const mrec *r = &ix->recs[live[k]];
        known += r->year != 0;
        mlist *l = mix_list(ix, mblock_key_date(r));
        if (l) date_pairs += (double)(l->n - 1) / 2;
    }
    s->year_known = known / (double)m;
    s->date_pairs = date_pairs * (double)n / (double)m;
    train_ctx c = {.ix = ix, .counts = s->rand};
    double all_pairs = (double)n * (double)(n - 1) / 2;
    size_t R = all_pairs < RANDOM_PAIRS ? (size_t)all_pairs : RANDOM_PAIRS;
    for (size_t k = 0; k < R; k++) {
        state = mhash_mix(state, k);
        uint32_t a = live[state % n], b = live[(state >> 32) % n];
        if (a == b) continue;
        c.self = a;
        count_pair(&c, b);
    }
    uint32_t *seen = mem_alloc(ix->n_slots * sizeof *seen);
    train_ctx ca = {.ix = ix, .counts = s->all, .keep = s->all_pairs},
              cd = {.ix = ix, .counts = s->date}, cn = {.ix = ix, .counts = s->names};
    for (size_t k = 0; k < n; k++) {
        /* A record's candidates are at most the probes' lists, each at most block_cap
         * long, so keep can always take them. */
        bool more_all = ca.pairs + MATCH_MAX_PROBES * ix->block_cap <= TRAIN_MAX_PAIRS;
        if (!more_all && cd.pairs >= TRAIN_MAX_PAIRS && cn.pairs >= TRAIN_MAX_PAIRS) break;
        uint32_t i = live[k];
        const mrec *r = &ix->recs[i];
        ca.self = cd.self = cn.self = i;
        if (more_all) mix_candidates(ix, r, seen, (uint32_t)k + 1, UINT32_MAX, train_visit, &ca);
        if (cd.pairs < TRAIN_MAX_PAIRS) count_list(&cd, mblock_key_date(r), NULL, NULL);
        if (cn.pairs < TRAIN_MAX_PAIRS)
            count_list(&cn, mblock_key_names(r), s->names_dated, s->names_apart);
    }
    s->n_all = ca.pairs;
    s->n_date = cd.pairs;
    s->n_names = cn.pairs;
    mem_free(seen);
    mem_free(live);
}

/* m of the birth date from pairs sharing both names. Namesakes are common (a few
 * names cover most arrivals) and their dates are as unrelated as those of any two
 * people, while one person's records almost never have unrelated dates. So the level
 * "different" anchors the two-class mixture q = lambda m + (1 - lambda) u: with u from
 * random pairs, lambda = 1 - q(different) / u(different), and m follows level by level.
 * (With one free field the mixture likelihood is flat along a ridge, so EM alone would
 * stop wherever it started.) False when the sample is too small to say anything. */
static bool fit_date(mmodel *m, const double *counts) {
    double q[DL_COUNT] = {0}, total = 0;
    for (int p = 0; p < MPATTERNS; p++) {
        if (counts[p] <= 0) continue;
        mcmp c;
        mpattern_levels(p, &c);
        if (c.lv[MF_DATE] == DL_MISSING) continue;
        q[c.lv[MF_DATE]] += counts[p];
        total += counts[p];
    }
    if (total < 100) return false;
    const double *u = m->u[MF_DATE];
    double lambda = 1.0 - (q[DL_DIFF] / total) / u[DL_DIFF];
    lambda = fmin(fmax(lambda, 0.01), 1.0);
    /* The matched pairs' share at each level, drawn towards the m on entry (the
     * built-in prior) as if MMODEL_PRIOR_PAIRS matched pairs had shown it, as in EM:
     * a small registry has few such pairs and one more must not move m far. */
    double sum = 0, v[DL_COUNT], s0 = 0;
    for (int l = 0; l < DL_MISSING; l++) s0 += m->m[MF_DATE][l];
    for (int l = 0; l < DL_MISSING; l++) {
        v[l] = fmax(q[l] / total - (1 - lambda) * u[l], 0) + 0.5 / total +
               MMODEL_PRIOR_PAIRS * m->m[MF_DATE][l] / s0 / total;
        sum += v[l];
    }
    /* The anchor would say "never"; typing slips make it rare, not impossible. */
    v[DL_DIFF] = fmax(v[DL_DIFF], 0.01 * sum);
    sum = 0;
    for (int l = 0; l < DL_MISSING; l++) sum += v[l];
    for (int l = 0; l < DL_MISSING; l++) m->m[MF_DATE][l] = v[l] / sum;
    mmodel_weights(m);
    return true;
}

/* u of sex and citizenship among different people whose names agree: pairs sharing
 * both name skeletons whose birth years are far apart (namesakes, almost never one
 * person). Names go with origin (and families with names), so citizenship agrees
 * there much more often than between two random people; with the plain u an agreeing
 * citizenship would count a second time what the names already said. */
static void fit_un(mmodel *m, const double *counts) {
    for (int k = MF_SEX; k <= MF_CIT; k++) {
        double n[BL_COUNT] = {0}, total = 0;
        for (int p = 0; p < MPATTERNS; p++) {
            if (counts[p] <= 0) continue;
            mcmp c;
            mpattern_levels(p, &c);
            if (c.lv[MF_DATE] != DL_DIFF || !mcmp_names_agree(&c) || c.lv[k] == BL_MISSING)
                continue;
            n[c.lv[k]] += counts[p];
            total += counts[p];
        }
        if (total < 100) continue; /* too few namesakes to say: keep u */
        for (int l = 0; l < BL_MISSING; l++) m->un[k][l] = (n[l] + 0.5) / (total + 1.0);
    }
    /* Names: the chance that two people who share a name's skeleton (u exact + u
     * phonetic, from random pairs) spell it alike, read among namesakes. */
    for (int k = MF_GIVEN; k <= MF_FAMILY; k++) {
        double n[2] = {0};
        for (int p = 0; p < MPATTERNS; p++) {
            if (counts[p] <= 0) continue;
            mcmp c;
            mpattern_levels(p, &c);
            if (c.lv[MF_DATE] == DL_DIFF && mcmp_names_agree(&c)) n[c.lv[k]] += counts[p];
        }
        if (n[0] + n[1] < 100) continue;
        double top = m->u[k][NL_EXACT] + m->u[k][NL_PHONETIC];
        for (int l = NL_EXACT; l <= NL_PHONETIC; l++)
            m->un[k][l] = top * (n[l] + 0.5) / (n[0] + n[1] + 1.0);
    }
    mmodel_weights(m);
}

/* rho: how much more often two random people share both names than one name and the
 * other independently, from the random pairs. Left at 1 when too few pairs share both
 * to say. */
static void fit_rho(mmodel *m, const double *counts) {
    double n = 0, g = 0, f = 0, both = 0;
    for (int p = 0; p < MPATTERNS; p++) {
        if (counts[p] <= 0) continue;
        mcmp c;
        mpattern_levels(p, &c);
        if (c.lv[MF_GIVEN] == NL_MISSING || c.lv[MF_FAMILY] == NL_MISSING) continue;
        n += counts[p];
        g += counts[p] * (c.lv[MF_GIVEN] <= NL_PHONETIC);
        f += counts[p] * (c.lv[MF_FAMILY] <= NL_PHONETIC);
        both += counts[p] * mcmp_names_agree(&c);
    }
    if (both < 20) return;
    m->rho = fmax(both * n / (g * f), 1.0);
}

/* u from random pairs (almost all of them are two different people); m of the names,
 * sex and citizenship by EM over pairs that share a birth date (where the names carry
 * the evidence, and the date is left out as Splink does for a blocked field); m of the
 * birth date from pairs that share both names (fit_date). The prior follows from the
 * share of matches among pairs sharing a birth date, their number, and how often a
 * true pair shares one. */
static bool fit_model(const match_index *ix, const samples *s, mmodel *m) {
    if (s->n_date < 100) return false;
    mmodel_default(m);
    m->iterations = 0;
    mmodel_u_from_counts(m, s->rand);
    fit_rho(m, s->rand);
    fit_un(m, s->names);
    unsigned a = FIELD(MF_GIVEN) | FIELD(MF_FAMILY) | FIELD(MF_SEX) | FIELD(MF_CIT);
    mmodel_em(m, s->date, a, a, false, 1000);
    double lambda_date = m->lambda;
    if (!fit_date(m, s->names)) return false;
    /* The same anchor, by how many records share the names. */
    for (int b = 0; b < 4; b++) {
        double l = s->names_dated[b] >= 50
                       ? 1.0 - (s->names_apart[b] / s->names_dated[b]) / m->u[MF_DATE][DL_DIFF]
                       : 0;
        m->lambda_names[b] = fmin(fmax(l, 0), 0.99);
    }
    double recall = m->m[MF_DATE][DL_EXACT] * s->year_known * s->year_known;
    double n = (double)ix->n_live, matches = lambda_date * s->date_pairs / recall;
    m->lambda = fmin(fmax(matches / (n * (n - 1) / 2), 1e-12), 0.5);
    mmodel_weights(m);
    m->trained = true;
    m->train_pairs = s->n_all + s->n_date + s->n_names + RANDOM_PAIRS;
    return true;
}

/* The default threshold: the one that maximises the expected F1 over the sampled
 * candidate pairs, each scored with model m as a query scores it (frequencies
 * included), so that the posterior of the fitted model is read as the chance that the
 * pair is one person. */
static void pick_threshold(const match_index *ix, const samples *s, mmodel *m) {
    double *p = mem_alloc((s->n_all ? s->n_all : 1) * sizeof *p);
    for (size_t k = 0; k < s->n_all; k++) {
        const mrec *a = &ix->recs[s->all_pairs[k][0]], *b = &ix->recs[s->all_pairs[k][1]];
        mcmp c;
        double tg, tf;
        mcompare(a, b, &c);
        double tf_bits = mix_tf_with(ix, m, a, b, &c, &tg, &tf);
        p[k] = mmodel_prob(m->prior_bits + mmodel_bits(m, &c) + tf_bits);
    }
    m->threshold = mthreshold_expected_f1(p, s->n_all);
    mem_free(p);
}

/* Sampling and fitting read the index under the shared lock, so queries go on while
 * the model is trained; only installing the new model takes the lock alone. */
herr *match_index_train(match_index *ix) {
    pthread_rwlock_rdlock(&ix->lock);
    if (ix->n_live < 50) {
        pthread_rwlock_unlock(&ix->lock);
        return NULL;
    }
    samples s = {0};
    s.all = mem_alloc(4 * MPATTERNS * sizeof(double));
    s.rand = s.all + MPATTERNS;
    s.date = s.all + 2 * MPATTERNS;
    s.names = s.all + 3 * MPATTERNS;
    s.all_pairs = mem_alloc(TRAIN_MAX_PAIRS * sizeof *s.all_pairs);
    sample_pairs(ix, &s);
    mmodel m;
    bool fitted = fit_model(ix, &s, &m);
    if (fitted) pick_threshold(ix, &s, &m);
    pthread_rwlock_unlock(&ix->lock);
    if (fitted) {
        pthread_rwlock_wrlock(&ix->lock);
        ix->model = m;
        pthread_rwlock_unlock(&ix->lock);
    }
    mem_free(s.all);
    mem_free(s.all_pairs);
    return NULL;
}

/* ---- batch deduplication ------------------------------------------------------ */

typedef struct {
    const match_record *recs;
    mrec *built;
    size_t n;
    atomic_size_t next;
    atomic_size_t done;
    herr *err;
    size_t err_index;
    pthread_mutex_t lock;
    /* scoring */
    match_index *ix;
    double threshold, bits_needed;
    bool progress;
    time_t started;
} job;

typedef struct {
    job *j;
    int worker;
    match_pair *pairs;
    size_t n, cap;
    uint32_t self;
    uint32_t *seen;
} worker;

static void *build_worker(void *p) {
    worker *w = p;
    job *j = w->j;
    for (;;) {
        size_t start = atomic_fetch_add(&j->next, 1024);
        if (start >= j->n) break;
        size_t end = start + 1024 < j->n ? start + 1024 : j->n;
        for (size_t i = start; i < end; i++) {
            match_record r = j->recs[i];
            char idbuf[24];
            if (!r.id || !r.id[0]) {
                snprintf(idbuf, sizeof idbuf, "%zu", i);
                r.id = idbuf;
            }
            herr *e = mrec_build(&r, &j->built[i]);
            if (e) {
                pthread_mutex_lock(&j->lock);
                if (!j->err || i < j->err_index) {
                    err_free(j->err);
                    j->err = e;
                    j->err_index = i;
                } else {
                    err_free(e);
                }
                pthread_mutex_unlock(&j->lock);
            }
        }
    }
    return NULL;
}

static void dedup_visit(void *p, uint32_t slot) {
    worker *w = p;
    if (slot >= w->self) return;
    const match_index *ix = w->j->ix;
    if (!mix_may_reach(ix, &ix->hot[slot], &ix->hot[w->self], w->j->bits_needed)) return;
    mcmp c;
    double s = mix_score(ix, &ix->recs[slot], &ix->recs[w->self], &c, NULL, NULL);
    if (s < w->j->threshold) return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1024;
        w->pairs = mem_realloc(w->pairs, w->cap * sizeof *w->pairs);
    }
    w->pairs[w->n].a = slot;
    w->pairs[w->n].b = w->self;
    w->pairs[w->n].score = s;
    w->n++;
}

static void *score_worker(void *p) {
    worker *w = p;
    job *j = w->j;
    size_t next_report = j->n / 10;
    for (;;) {
        size_t start = atomic_fetch_add(&j->next, 512);
        if (start >= j->n) break;
        size_t end = start + 512 < j->n ? start + 512 : j->n;
        for (size_t i = start; i < end; i++) {
            w->self = (uint32_t)i;
            /* Each pair once: the candidates indexed before this record. */
            mix_candidates(j->ix, &j->ix->recs[i], w->seen, (uint32_t)i + 1, (uint32_t)i,
                           dedup_visit, w);
        }
        size_t done = atomic_fetch_add(&j->done, end - start) + (end - start);
        if (j->progress && w->worker == 0 && done >= next_report) {
            fprintf(stderr, "match: compared %zu of %zu records (%lds)\n", done, j->n,
                    (long)(time(NULL) - j->started));
            while (next_report <= done) next_report += j->n / 10 + 1;
        }
    }
    return NULL;
}

static int by_ab(const void *x, const void *y);

static int by_score(const void *x, const void *y) {
    const match_pair *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    return by_ab(x, y);
}

#define CLUSTER_MAX 24

typedef struct {
    uint32_t *parent;
    uint32_t **members;
    uint32_t *size;
} clusters;

static uint32_t cl_find(clusters *c, uint32_t x) {
    while (c->parent[x] != x) x = c->parent[x] = c->parent[c->parent[x]];
    return x;
}

/* Mean score over every pair across two clusters. */
static double cl_link(const match_index *ix, const clusters *c, uint32_t a, uint32_t b) {
    double sum = 0;
    for (uint32_t i = 0; i < c->size[a]; i++)
        for (uint32_t j = 0; j < c->size[b]; j++) {
            mcmp cmp;
            sum += mix_score(ix, &ix->recs[c->members[a][i]], &ix->recs[c->members[b][j]], &cmp,
                             NULL, NULL);
        }
    return sum / ((double)c->size[a] * (double)c->size[b]);
}

/* Groups the records by average linkage: pairs are taken best first and two groups
 * merge only when the mean score over all their cross pairs reaches the threshold, so
 * one spurious link cannot chain two people's records together. Replaces *pairs with
 * every pair inside a group (with its own score), sorted by (a, b). */
static void cluster_pairs(const match_index *ix, size_t n, double threshold, match_pair **pairs,
                          size_t *n_pairs) {
    clusters c;
    c.parent = mem_alloc((n ? n : 1) * sizeof *c.parent);
    c.members = mem_alloc((n ? n : 1) * sizeof *c.members);
    c.size = mem_alloc((n ? n : 1) * sizeof *c.size);
    for (size_t i = 0; i < n; i++) c.parent[i] = (uint32_t)i, c.size[i] = 1;
    match_pair *p = *pairs;
    qsort(p, *n_pairs, sizeof *p, by_score);
    for (size_t k = 0; k < *n_pairs; k++) {
        uint32_t a = cl_find(&c, (uint32_t)p[k].a), b = cl_find(&c, (uint32_t)p[k].b);
        if (a == b || c.size[a] + c.size[b] > CLUSTER_MAX) continue;
        for (int side = 0; side < 2; side++) {
            uint32_t r = side ? b : a;
            if (!c.members[r]) {
                c.members[r] = mem_alloc(CLUSTER_MAX * sizeof **c.members);
                c.members[r][0] = r;
            }
        }
        /* Two single records: their own score already passed. */
        if ((c.size[a] > 1 || c.size[b] > 1) && cl_link(ix, &c, a, b) < threshold) continue;
        if (c.size[a] < c.size[b]) {
            uint32_t t = a;
            a = b;
            b = t;
        }
        memcpy(c.members[a] + c.size[a], c.members[b], c.size[b] * sizeof **c.members);
        c.size[a] += c.size[b];
        c.parent[b] = a;
        mem_free(c.members[b]);
        c.members[b] = NULL;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (c.parent[i] == i && c.size[i] > 1) total += (size_t)c.size[i] * (c.size[i] - 1) / 2;
    match_pair *out = mem_alloc((total ? total : 1) * sizeof *out);
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        if (c.parent[r] != r || c.size[r] < 2) continue;
        for (uint32_t i = 0; i < c.size[r]; i++)
            for (uint32_t j = i + 1; j < c.size[r]; j++) {
                uint32_t x = c.members[r][i], y = c.members[r][j];
                mcmp cmp;
                out[k].a = x < y ? x : y;
                out[k].b = x < y ? y : x;
                out[k].score =
                    mix_score(ix, &ix->recs[out[k].a], &ix->recs[out[k].b], &cmp, NULL, NULL);
                k++;
            }
    }
    for (size_t i = 0; i < n; i++) mem_free(c.members[i]);
    mem_free(c.members);
    mem_free(c.parent);
    mem_free(c.size);
    mem_free(p);
    qsort(out, total, sizeof *out, by_ab);
    *pairs = out;
    *n_pairs = total;
}

static int by_ab(const void *x, const void *y) {
    const match_pair *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* Runs fn on nthreads workers (the calling thread is worker 0). */
static void run_workers(worker *ws, int nthreads, void *(*fn)(void *)) {
    pthread_t *t = mem_alloc((size_t)nthreads * sizeof *t);
    for (int i = 1; i < nthreads; i++) pthread_create(&t[i], NULL, fn, &ws[i]);
    fn(&ws[0]);
    for (int i = 1; i < nthreads; i++) pthread_join(t[i], NULL);
    mem_free(t);
}

herr *match_dedup(const match_record *recs, size_t n, const match_dedup_options *opt,
                  match_pair **pairs, size_t *n_pairs, double *threshold_used,
                  match_index **ix_out) {
    herr *e = NULL;
    match_dedup_options dflt = {.threshold = -1, .train = true, .cluster = true};
    if (!opt) opt = &dflt;
    int nthreads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1) nthreads = 1;
    if (nthreads > 64) nthreads = 64;
    *pairs = NULL;
    *n_pairs = 0;
    if (ix_out) *ix_out = NULL;
    job j = {.recs = recs, .n = n, .progress = opt->progress, .started = time(NULL)};
    pthread_mutex_init(&j.lock, NULL);
    worker *ws = mem_alloc((size_t)nthreads * sizeof *ws);
    for (int i = 0; i < nthreads; i++) ws[i].j = &j, ws[i].worker = i;
    j.built = mem_alloc((n ? n : 1) * sizeof *j.built);
    match_index *ix = NULL;
    match_index_new(&ix);

    run_workers(ws, nthreads, build_worker);
    if (j.err) {
        e = j.err;
        char msg[200];
        memcpy(msg, e->message, sizeof msg);
        msg[sizeof msg - 1] = '\0';
        snprintf(e->message, sizeof e->message, "record %zu: %s", j.err_index + 1, msg);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        if (mix_find_id(ix, j.built[i].id) >= 0) {
            e = err_invalid("id", "record %zu: id '%s' appears twice", i + 1, j.built[i].id);
            goto cleanup;
        }
        mix_insert(ix, &j.built[i]);
    }
    if (opt->progress)
        fprintf(stderr, "match: %zu records indexed (%lds)\n", n, (long)(time(NULL) - j.started));
    if (opt->train) e = match_index_train(ix);
    if (e) goto cleanup;
    if (opt->progress)
        fprintf(stderr, "match: model trained (%lds)\n", (long)(time(NULL) - j.started));
    j.ix = ix;
    j.threshold = opt->threshold >= 0 ? opt->threshold : ix->model.threshold;
    if (threshold_used) *threshold_used = j.threshold;
    j.bits_needed = mix_threshold_bits(j.threshold) - 1e-9;
    atomic_store(&j.next, 0);
    for (int i = 0; i < nthreads; i++) ws[i].seen = mem_alloc((n ? n : 1) * sizeof(uint32_t));
    pthread_rwlock_rdlock(&ix->lock);
    run_workers(ws, nthreads, score_worker);
    pthread_rwlock_unlock(&ix->lock);
    size_t total = 0;
    for (int i = 0; i < nthreads; i++) total += ws[i].n;
    match_pair *all = mem_alloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < nthreads; i++) {
        if (ws[i].n) memcpy(all + k, ws[i].pairs, ws[i].n * sizeof *all);
        k += ws[i].n;
    }
    if (opt->progress)
        fprintf(stderr, "match: %zu pairs scored above the threshold (%lds)\n", total,
                (long)(time(NULL) - j.started));
    if (opt->cluster) {
        cluster_pairs(ix, n, j.threshold, &all, &total);
        if (opt->progress)
            fprintf(stderr, "match: grouped (%lds)\n", (long)(time(NULL) - j.started));
    } else {
        qsort(all, total, sizeof *all, by_ab);
    }
    *pairs = all;
    *n_pairs = total;
    if (ix_out) {
        *ix_out = ix;
        ix = NULL;
    }
cleanup:
    for (size_t i = 0; i < n; i++) mrec_clear(&j.built[i]);
    mem_free(j.built);
    for (int i = 0; i < nthreads; i++) {
        mem_free(ws[i].pairs);
        mem_free(ws[i].seen);
    }
    mem_free(ws);
    match_index_free(ix);
    pthread_mutex_destroy(&j.lock);
    return e;
}
