/* The incremental in-memory index: records by slot, an id map, posting lists per
 * blocking key, name frequencies, and the model. One rwlock guards it all: queries
 * share it, add/remove/train take it alone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "match/match_ix.h"

herr *match_index_new(match_index **out) {
    match_index *ix = mem_alloc(sizeof *ix);
    pthread_rwlock_init(&ix->lock, NULL);
    mmodel_default(&ix->model);
    ix->block_cap = MATCH_BLOCK_CAP;
    *out = ix;
    return NULL;
}

void match_index_free(match_index *ix) {
    if (!ix) return;
    for (size_t i = 0; i < ix->n_slots; i++) mrec_clear(&ix->recs[i]);
    for (size_t i = 0; i < ix->n_lists; i++) mlist_free(&ix->lists[i]);
    mem_free(ix->recs);
    mem_free(ix->hot);
    mem_free(ix->free_slots);
    mem_free(ix->lists);
    mmap_free(&ix->ids);
    mmap_free(&ix->post);
    mmap_free(&ix->freq[0]);
    mmap_free(&ix->freq[1]);
    mmap_free(&ix->freq_cit[0]);
    mmap_free(&ix->freq_cit[1]);
    mmap_free(&ix->cit_n);
    pthread_rwlock_destroy(&ix->lock);
    mem_free(ix);
}

long mix_find_id(const match_index *ix, const char *id) {
    uint64_t h = mhash(id);
    for (long p = mmap_find(&ix->ids, h, -1); p >= 0; p = mmap_find(&ix->ids, h, p))
        if (!strcmp(ix->recs[ix->ids.t[p].val].id, id)) return p;
    return -1;
}

mlist *mix_list(const match_index *ix, uint64_t key) {
    long p = mmap_find(&ix->post, key, -1);
    return p < 0 ? NULL : &ix->lists[ix->post.t[p].val];
}

/* Changes the count under key h by delta (+1/-1); returns the count before. */
static double count_change(mmap64 *m, uint64_t h, int delta) {
    long p = mmap_find(m, h, -1);
    double c = p < 0 ? 0 : m->t[p].val;
    double n = c + delta;
    if (p < 0)
        mmap_put(m, h, 1);
    else if (n <= 0)
        mmap_del_at(m, p);
    else
        m->t[p].val = (uint32_t)n;
    return c;
}

static double count_of(const mmap64 *m, uint64_t h) {
    long p = mmap_find(m, h, -1);
    return p < 0 ? 0 : m->t[p].val;
}

static uint64_t cit_hash(const mrec *r) { return r->cit[0] ? mhash(r->cit) : 0; }

/* Counts a record's name skeletons (delta +1) or stops counting them (-1): per field,
 * per field and citizenship, and records per citizenship; keeps the sums. */
static void name_counts(match_index *ix, const mrec *r, int delta) {
    uint64_t hc = cit_hash(r);
    if (hc) count_change(&ix->cit_n, hc, delta);
    for (int f = 0; f < 2; f++) {
        const mfield *v = f ? &r->family : &r->given;
        if (!v->skel[0]) continue;
        double c = count_change(&ix->freq[f], v->h_skel, delta), n = c + delta;
        ix->s2[f] += n * n - c * c;
        ix->tot[f] += delta;
        if (hc) count_change(&ix->freq_cit[f], mhash_mix(v->h_skel, hc), delta);
    }
}

static void unlink_slot(match_index *ix, uint32_t slot) {
    mrec *r = &ix->recs[slot];
    ix->unsorted = true; /* swap-removal, and the slot will be reused */
    uint64_t keys[MATCH_MAX_KEYS];
    size_t nkeys = mblock_keys(r, keys);
    for (size_t k = 0; k < nkeys; k++) {
        mlist *l = mix_list(ix, keys[k]);
        if (l) mlist_remove(l, slot);
    }
    name_counts(ix, r, -1);
    mmap_del_at(&ix->ids, mix_find_id(ix, r->id));
    mrec_clear(r);
    if (ix->n_free == ix->cap_free) {
        ix->cap_free = ix->cap_free ? ix->cap_free * 2 : 64;
        ix->free_slots = mem_realloc(ix->free_slots, ix->cap_free * sizeof *ix->free_slots);
    }
    ix->free_slots[ix->n_free++] = slot;
    ix->n_live--;
}

uint32_t mix_insert(match_index *ix, mrec *r) {
    long old = mix_find_id(ix, r->id);
    if (old >= 0) unlink_slot(ix, ix->ids.t[old].val);
    uint32_t slot;
    if (ix->n_free > 0) {
        slot = ix->free_slots[--ix->n_free];
    } else {
        if (ix->n_slots == ix->cap_slots) {
            ix->cap_slots = ix->cap_slots ? ix->cap_slots * 2 : 1024;
            ix->recs = mem_realloc(ix->recs, ix->cap_slots * sizeof *ix->recs);
            ix->hot = mem_realloc(ix->hot, ix->cap_slots * sizeof *ix->hot);
        }
        slot = (uint32_t)ix->n_slots++;
    }
    ix->recs[slot] = *r;
    memset(r, 0, sizeof *r);
    mrec *s = &ix->recs[slot];
    s->indexed = true;
    mhot_of(s, &ix->hot[slot]);
    mmap_put(&ix->ids, mhash(s->id), slot);
    uint64_t keys[MATCH_MAX_KEYS];
    size_t nkeys = mblock_keys(s, keys);
    for (size_t k = 0; k < nkeys; k++) {
        mlist *l = mix_list(ix, keys[k]);
        if (!l) {
            if (ix->n_lists == ix->cap_lists) {
                ix->cap_lists = ix->cap_lists ? ix->cap_lists * 2 : 1024;
                ix->lists = mem_realloc(ix->lists, ix->cap_lists * sizeof *ix->lists);
            }
            memset(&ix->lists[ix->n_lists], 0, sizeof *ix->lists);
            mmap_put(&ix->post, keys[k], (uint32_t)ix->n_lists);
            l = &ix->lists[ix->n_lists++];
        }
        /* A record may have the same key twice (a name equal to the other). */
        uint32_t *items = mlist_items(l);
        if (l->n == 0 || items[l->n - 1] != slot) mlist_add(l, slot);
    }
    name_counts(ix, s, +1);
    ix->n_live++;
    return slot;
}

herr *match_index_add(match_index *ix, const match_record *r) {
    if (!r->id || !r->id[0]) return err_invalid("id", "a record needs an id");
    mrec m;
    herr *e = mrec_build(r, &m);
    if (e) return e;
    pthread_rwlock_wrlock(&ix->lock);
    mix_insert(ix, &m);
    pthread_rwlock_unlock(&ix->lock);
    return NULL;
}

herr *match_index_remove(match_index *ix, const char *id) {
    herr *e = NULL;
    pthread_rwlock_wrlock(&ix->lock);
    long p = id ? mix_find_id(ix, id) : -1;
    if (p < 0)
        e = err_new(ERR_NOT_FOUND, "id", "no record with this id in the index");
    else
        unlink_slot(ix, ix->ids.t[p].val);
    pthread_rwlock_unlock(&ix->lock);
    return e;
}

/* Chance that two different records taken at random share a name of field f. */
static double u_average(const match_index *ix, int f) {
    double t = ix->tot[f];
    return t > 1 ? (ix->s2[f] - t) / (t * (t - 1)) : 0;
}

/* Whether r is counted in the index's frequencies under skeleton hash h in field f
 * (0 given, 1 family), and under the name-pair key. A record being queried is counted
 * when the index holds it under its id with the same names and citizenship (the
 * registry adds a registration and then asks for its candidates). */
static bool holds_name(const mrec *r, int f, uint64_t h) {
    const mfield *v = f ? &r->family : &r->given;
    return r->indexed && v->skel[0] && v->h_skel == h;
}

static bool holds_pair(const mrec *r, uint64_t key) {
    if (!r->indexed) return false;
    if (mblock_key_names(r) == key) return true;
    return r->native && mblock_key_names_of(&r->native->given, &r->native->family) == key;
}

/* Records other than a and b among the c that hold a value (held_a, held_b: whether a
 * and b are among them). */
static double others(double c, bool held_a, bool held_b) {
    return fmax(c - (held_a ? 1 : 0) - (held_b ? 1 : 0), 0);
}

/* The chance that a record has a name held by `people` of n records, drawn towards the
 * average chance u_avg as if TF_PRIOR records had been seen with it: a small index
 * says little about how rare a name is. */
#define TF_PRIOR 50.0
static double u_rate(double people, double n, double u_avg) {
    return (people + TF_PRIOR * u_avg) / (n + TF_PRIOR);
}

/* The chance that a record shares name v of field f with a person other than a, who
 * is b if they are two people: one plus the records other than a and b that hold it,
 * over the records (within citizenship hc when not 0). */
static double name_rate(const match_index *ix, int f, const mfield *v, const mrec *a, const mrec *b,
                        uint64_t hc, double u_avg) {
    double n_cit = hc ? count_of(&ix->cit_n, hc) : 0;
    bool ha = holds_name(a, f, v->h_skel), hb = holds_name(b, f, v->h_skel);
    if (n_cit > 0)
        return u_rate(1 + others(count_of(&ix->freq_cit[f], mhash_mix(v->h_skel, hc)), ha, hb),
                      n_cit, u_avg);
    return u_rate(1 + others(count_of(&ix->freq[f], v->h_skel), ha, hb), ix->tot[f], u_avg);
}

/* Frequency adjustment in bits for a name skeleton that agrees: log2 of the chance
 * that two records taken at random share a name (the model's u) over name_rate, so a
 * name shared by many weighs less and a rare one more (bounded). When the citizenship
 * agrees too, the name's frequency among people of that citizenship is the one that
 * counts: Yoandri is rare among all arrivals but not among Cubans, and the
 * citizenship's own weight has already said "both Cuban". */
static double tf_bits(const match_index *ix, int f, const mfield *v, const mrec *a, const mrec *b,
                      bool cit_agrees) {
    double u_avg = u_average(ix, f);
    if (u_avg <= 0) return 0;
    double b2 = log2(u_avg / name_rate(ix, f, v, a, b, cit_agrees ? cit_hash(a) : 0, u_avg));
    return fmin(fmax(b2, -MATCH_TF_MAX), MATCH_TF_MAX);
}

/* Slot of r in the index, or -1: r itself when it is one of the index's records, or
 * the record with its id when r is counted (mix_mark_counted). */
static long slot_of(const match_index *ix, const mrec *r) {
    uintptr_t p0 = (uintptr_t)ix->recs, pr = (uintptr_t)r;
    if (pr >= p0 && pr < p0 + ix->n_slots * sizeof *ix->recs)
        return (long)((pr - p0) / sizeof *ix->recs);
    long p = r->indexed ? mix_find_id(ix, r->id) : -1;
    return p < 0 ? -1 : (long)ix->ids.t[p].val;
}

/* Chance that a record h sharing r's names is r's person again, from the prior odds
 * of that and how well their birth dates agree (m / u of the date level). */
static double same_person(const mmodel *m, double odds, const mrec *r, const mhot *h) {
    int d = mdate_level(r->year, r->month, r->day, r->year_only, h->year, h->month, h->day,
                        h->year_only);
    if (d != DL_MISSING) odds *= exp2(m->w[MF_DATE][d]);
    return odds / (1 + odds);
}

/* Lists of a name pair up to this long are read holder by holder (namesakes). */
#define NAMESAKE_SCAN 40

/* People other than the persons of a and b among the records holding the name pair
 * key (list l): each record other than a and b counts as another person unless it is
 * a's or b's again. The prior odds of that are those of pairs sharing names held by as
 * many records (lambda_names), or, for a pair its names make rarer than that, one
 * person's expected other records (lambda x records) over the records of other people
 * expected to carry the pair (n x mu, from the names' own frequencies); for a pair held
 * by few records, they are weighed by the birth dates. A third record of "Qudratullah
 * Ghaznawi", a pair nobody else has, is his again; the tenth "Ali Ahmadi" with another
 * birth year is a namesake. */
static double namesakes(const match_index *ix, const mmodel *m, mlist *l, uint64_t key,
                        const mrec *a, const mrec *b, double mu) {
    if (!l) return 0;
    double lambda = m->lambda_names[mname_bucket(l->n)];
    /* The built-in prior's lambda is a starting point for EM, not a share of one
     * person's records: only a trained model says how many of them to expect. */
    if (l->n > NAMESAKE_SCAN || (lambda <= 0 && !m->trained))
        return others(l->n, holds_pair(a, key), holds_pair(b, key)) * (1 - lambda);
    double n = (double)ix->n_live, own = m->trained ? m->lambda * (n - 1) : 0;
    double odds = fmax(lambda / (1 - lambda), own / fmax(n * mu, 1e-12));
    long sa = holds_pair(a, key) ? slot_of(ix, a) : -1;
    long sb = holds_pair(b, key) ? slot_of(ix, b) : -1;
    const uint32_t *items = mlist_items(l);
    double people = 0;
    for (uint32_t k = 0; k < l->n; k++) {
        if ((long)items[k] == sa || (long)items[k] == sb) continue;
        const mhot *h = &ix->hot[items[k]];
        people += 1 - fmax(same_person(m, odds, a, h), same_person(m, odds, b, h));
    }
    return people;
}

/* Adjustment in bits when both names agree. The model's weights assume that two
 * people share a given name and a family name independently; they do not (names go
 * with origin, language and family: two people called Yoandri are likely both Cuban,
 * and then sharing a Cuban family name is no coincidence). So the chance that a person
 * other than a shares this pair of names is read from the index's count of the pair
 * itself (the order-free blocking key on both skeletons): the records other than a and
 * b that hold it, less those that are the same person again (namesakes), and b if
 * another person.
 *
 * One record says little about how rare a pair is: counted as one person in n, a pair
 * nobody else has would be as common as one in n, however rare its names. So b's own
 * share, and the value the count is drawn towards in a small index, is what the names'
 * own frequencies say of the pair: the product of the two, times how much more often
 * two people share both names than if they were independent (the model's rho), and at
 * most the rarer name's. Pairs of common names are unchanged (b counts as one person);
 * "Qudratullah Ghaznawi", two names nobody else has, is rarer than one in n. The
 * adjustment is log2 of (average chance for the given name x for the family name) over
 * that chance. */
static double tf_joint_bits(const match_index *ix, const mmodel *m, const mrec *a, const mrec *b,
                            const mcmp *c, const mfield *given, const mfield *family) {
    double ug = u_average(ix, 0), uf = u_average(ix, 1), n = (double)ix->n_live;
    if (ug <= 0 || uf <= 0 || n == 0) return 0;
    double rg = name_rate(ix, 0, given, a, b, 0, ug), rf = name_rate(ix, 1, family, a, b, 0, uf);
    if (c->swapped) {
        /* As for one name: the reading where the names are commoner counts. */
        rg = fmax(rg, name_rate(ix, 1, given, a, b, 0, uf));
        rf = fmax(rf, name_rate(ix, 0, family, a, b, 0, ug));
    }
    double mu = fmin(m->rho * rg * rf, fmin(rg, rf));
    uint64_t key = mblock_key_names_of(given, family);
    double people = namesakes(ix, m, mix_list(ix, key), key, a, b, mu);
    double u_pair = (fmin(1, n * mu) + people + TF_PRIOR * mu) / (n + TF_PRIOR);
    double bits = log2(ug * uf / u_pair);
    return fmin(fmax(bits, -2 * MATCH_TF_MAX), 2 * MATCH_TF_MAX);
}

double mix_score(const match_index *ix, const mrec *a, const mrec *b, mcmp *c, double *tf_given,
                 double *tf_family) {
    mcompare(a, b, c);
    double bits = ix->model.prior_bits + mmodel_bits(&ix->model, c);
    double tg, tf;
    int doc_level;
    bits += mix_tf(ix, a, b, c, &tg, &tf);
    bits += mdocs_bits(a, b, &doc_level);
    if (tf_given) *tf_given = tg;
    if (tf_family) *tf_family = tf;
    return mmodel_prob(bits);
}

double mix_tf(const match_index *ix, const mrec *a, const mrec *b, const mcmp *c, double *tf_given,
              double *tf_family) {
    return mix_tf_with(ix, &ix->model, a, b, c, tf_given, tf_family);
}

double mix_tf_with(const match_index *ix, const mmodel *m, const mrec *a, const mrec *b,
                   const mcmp *c, double *tf_given, double *tf_family) {
    bool cit = c->lv[MF_CIT] == BL_AGREE;
    /* The names of a that were compared (Latin or native). */
    const mfield *g = mcmp_given(a, c->native_a), *f = mcmp_family(a, c->native_a);
    *tf_given = c->lv[MF_GIVEN] <= NL_PHONETIC ? tf_bits(ix, 0, g, a, b, cit) : 0;
    *tf_family = c->lv[MF_FAMILY] <= NL_PHONETIC ? tf_bits(ix, 1, f, a, b, cit) : 0;
    if (c->swapped) {
        /* One record has the names the other way round, so either field may hold
         * them: a family name written as given name is not a rare given name. The
         * field where the name is more common counts. */
        if (c->lv[MF_GIVEN] <= NL_PHONETIC)
            *tf_given = fmin(*tf_given, tf_bits(ix, 1, g, a, b, cit));
        if (c->lv[MF_FAMILY] <= NL_PHONETIC)
            *tf_family = fmin(*tf_family, tf_bits(ix, 0, f, a, b, cit));
    }
    if (mcmp_names_agree(c)) return tf_joint_bits(ix, m, a, b, c, g, f);
    return *tf_given + *tf_family;
}

void mix_mark_counted(const match_index *ix, mrec *r) {
    long p = r->id && r->id[0] ? mix_find_id(ix, r->id) : -1;
    if (p < 0) return;
    const mrec *s = &ix->recs[ix->ids.t[p].val];
    uint64_t kr = r->native ? mblock_key_names_of(&r->native->given, &r->native->family) : 0;
    uint64_t ks = s->native ? mblock_key_names_of(&s->native->given, &s->native->family) : 0;
    r->indexed = r->given.h_skel == s->given.h_skel && r->family.h_skel == s->family.h_skel &&
                 !strcmp(r->given.skel, s->given.skel) && !strcmp(r->family.skel, s->family.skel) &&
                 !strcmp(r->cit, s->cit) && kr == ks;
}

double mix_threshold_bits(double threshold) {
    if (threshold <= 0) return -1e9;
    if (threshold >= 1) return 1e9;
    return log2(threshold / (1 - threshold));
}

/* Best weight a name field can still reach: the top levels (exact, phonetic) need equal
 * skeletons, straight or crossed, which hashes tell at once. */
/* The largest weight of field k at level l in any of the model's tables. */
static double wmax(const mmodel *m, int k, int l) { return fmax(m->w[k][l], m->wn[k][l]); }

static double name_bound(const mmodel *m, int k, bool top_possible) {
    if (top_possible) return wmax(m, k, NL_EXACT) + MATCH_TF_MAX; /* the largest bonus */
    double b = wmax(m, k, NL_SIMILAR);
    b = fmax(b, wmax(m, k, NL_CLOSE));
    b = fmax(b, wmax(m, k, NL_PARTIAL));
    return fmax(b, wmax(m, k, NL_DIFF));
}

bool mix_may_reach(const match_index *ix, const mhot *a, const mhot *b, double bits_needed) {
    const mmodel *m = &ix->model;
    double bits =
        m->prior_bits + m->w[MF_DATE][mdate_level(a->year, a->month, a->day, a->year_only, b->year,
                                                  b->month, b->day, b->year_only)];
    /* Sex and citizenship weigh differently when the names agree: take the larger; a
     * citizenship hash that agrees may still hide two different strings. */
    int ls = !a->sex || !b->sex ? BL_MISSING : a->sex == b->sex ? BL_AGREE : BL_DIFF;
    bits += wmax(m, MF_SEX, ls);
    if (a->hc && b->hc) {
        double c = wmax(m, MF_CIT, BL_DIFF);
        if (a->hc == b->hc) c = fmax(c, wmax(m, MF_CIT, BL_AGREE));
        bits += c;
    }
    /* With a native form on either side any reading may agree: no bound from hashes. */
    if (a->docs && b->docs) bits += MDOC_AGREE_BITS;
    bool any = a->native || b->native;
    bool g_top = any || (a->hg && (a->hg == b->hg || a->hg == b->hf));
    bool f_top = any || (a->hf && (a->hf == b->hf || a->hf == b->hg));
    bits += any || (a->hg && b->hg) ? name_bound(m, MF_GIVEN, g_top) : 0;
    bits += any || (a->hf && b->hf) ? name_bound(m, MF_FAMILY, f_top) : 0;
    if (bits < bits_needed) return false;
    /* A name that does not agree may still be similar, one edit away or share a word;
     * the sketches often show it cannot (straight or crossed), and then it differs. */
    if (!g_top && a->hg && b->hg && !msketch_may_be_similar(&a->g, &b->g) &&
        !(b->hf && msketch_may_be_similar(&a->g, &b->f)))
        bits += wmax(m, MF_GIVEN, NL_DIFF) - name_bound(m, MF_GIVEN, false);
    if (!f_top && a->hf && b->hf && !msketch_may_be_similar(&a->f, &b->f) &&
        !(b->hg && msketch_may_be_similar(&a->f, &b->g)))
        bits += wmax(m, MF_FAMILY, NL_DIFF) - name_bound(m, MF_FAMILY, false);
    return bits >= bits_needed;
}

/* A small set of slots for one query. */
typedef struct {
    uint32_t *t;
    size_t mask;
} slotset;

static bool slotset_add(slotset *s, uint32_t v) {
    size_t i = (v * 2654435761u) & s->mask;
    while (s->t[i]) {
        if (s->t[i] == v + 1) return false;
        i = (i + 1) & s->mask;
    }
    s->t[i] = v + 1;
    return true;
}

void mix_candidates(const match_index *ix, const mrec *q, uint32_t *seen, uint32_t stamp,
                    uint32_t below, mix_visit fn, void *ctx) {
    uint64_t probes[MATCH_MAX_PROBES];
    mlist *lists[MATCH_MAX_PROBES];
    size_t np = mblock_probes(q, probes), nl = 0, total = 0;
    for (size_t i = 0; i < np; i++) {
        mlist *l = mix_list(ix, probes[i]);
        if (!l || l->n == 0 || l->n > ix->block_cap) continue;
        lists[nl++] = l;
        total += l->n;
    }
    slotset set = {0};
    if (!seen && total > 0) {
        size_t cap = 16;
        while (cap < total * 2) cap *= 2;
        set.t = mem_alloc(cap * sizeof *set.t);
        set.mask = cap - 1;
    }
    for (size_t i = 0; i < nl; i++) {
        uint32_t *items = mlist_items(lists[i]);
        for (uint32_t k = 0; k < lists[i]->n; k++) {
            uint32_t s = items[k];
            if (s >= below) {
                /* Lists are in slot order until a record is removed. */
                if (!ix->unsorted) break;
                continue;
            }
            if (seen) {
                if (seen[s] == stamp) continue;
                seen[s] = stamp;
            } else if (!slotset_add(&set, s)) {
                continue;
            }
            fn(ctx, s);
        }
    }
    mem_free(set.t);
}

typedef struct {
    const match_index *ix;
    const mrec *q;
    mhot qhot;
    double threshold, bits_needed;
    struct hit {
        uint32_t slot;
        double score;
    } * hits;
    size_t n, cap;
} query_ctx;

static void query_visit(void *p, uint32_t slot) {
    query_ctx *c = p;
    const mrec *r = &c->ix->recs[slot];
    if (c->q->id[0] && !strcmp(r->id, c->q->id)) return;
    if (!mix_may_reach(c->ix, &c->qhot, &c->ix->hot[slot], c->bits_needed)) return;
    mcmp cmp;
    double s = mix_score(c->ix, c->q, r, &cmp, NULL, NULL);
    if (s < c->threshold) return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->hits = mem_realloc(c->hits, c->cap * sizeof *c->hits);
    }
    c->hits[c->n].slot = slot;
    c->hits[c->n].score = s;
    c->n++;
}

static int by_score_desc(const void *a, const void *b) {
    const struct hit *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static void fill_candidate(const match_index *ix, const mrec *q, const mrec *r,
                           match_candidate *out) {
    mcmp c;
    double tg, tf;
    memset(out, 0, sizeof *out);
    out->score = mix_score(ix, q, r, &c, &tg, &tf);
    snprintf(out->id, sizeof out->id, "%s", r->id);
    mreasons(q, r, &c, tg, tf, out);
    int doc_level;
    mdocs_bits(q, r, &doc_level);
    if (doc_level) {
        /* The strongest reason first. */
        size_t n = out->n_reasons < MATCH_MAX_REASONS ? out->n_reasons : MATCH_MAX_REASONS - 1;
        memmove(out->reasons[1], out->reasons[0], n * sizeof out->reasons[0]);
        memmove(out->reason_codes[1], out->reason_codes[0], n * sizeof out->reason_codes[0]);
        snprintf(out->reasons[0], sizeof out->reasons[0], "%s",
                 doc_level > 0 ? "identity document number agrees"
                               : "identity document of the same type has another number");
        snprintf(out->reason_codes[0], sizeof out->reason_codes[0], "%s",
                 doc_level > 0 ? "document_equal" : "document_differs");
        out->n_reasons = n + 1;
    }
}

herr *match_index_query(match_index *ix, const match_record *r, double threshold, size_t max,
                        match_candidate **out, size_t *n) {
    *out = NULL;
    *n = 0;
    mrec q;
    herr *e = mrec_build(r, &q);
    if (e) return e;
    query_ctx c = {.ix = ix,
                   .q = &q,
                   .threshold = threshold,
                   .bits_needed = mix_threshold_bits(threshold) - 1e-9};
    mhot_of(&q, &c.qhot);
    pthread_rwlock_rdlock(&ix->lock);
    mix_mark_counted(ix, &q);
    mix_candidates(ix, &q, NULL, 0, UINT32_MAX, query_visit, &c);
    if (c.n > 1) qsort(c.hits, c.n, sizeof *c.hits, by_score_desc);
    size_t k = max && c.n > max ? max : c.n;
    if (k > 0) {
        *out = mem_alloc(k * sizeof **out);
        for (size_t i = 0; i < k; i++)
            fill_candidate(ix, &q, &ix->recs[c.hits[i].slot], &(*out)[i]);
    }
    pthread_rwlock_unlock(&ix->lock);
    *n = k;
    mem_free(c.hits);
    mrec_clear(&q);
    return NULL;
}

/* Birth data that may belong to one person, as the desk sees it. */
static bool desk_dates_compatible(const mrec *a, const mrec *b) {
    if (!a->year || !b->year) return true;
    if ((a->estimated || b->estimated) && abs(a->year - b->year) <= 2) return true;
    switch (mcompare_date(a, b)) {
    case DL_EXACT:
    case DL_YEAR_ONLY:
    case DL_PLACEHOLDER:
    case DL_SWAP:
    case DL_ONE_PART:
    case DL_YEAR_TYPO:
    case DL_NEAR:
    case DL_MISSING: return true;
    default: return false;
    }
}

typedef struct {
    query_ctx q;   /* hits, and the threshold for names that do not agree */
    slotset names; /* slots already judged by the walk over the names lists */
} desk_ctx;

static void desk_add(query_ctx *c, uint32_t slot, double score) {
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->hits = mem_realloc(c->hits, c->cap * sizeof *c->hits);
    }
    c->hits[c->n].slot = slot;
    c->hits[c->n].score = score;
    c->n++;
}

static bool slotset_has(const slotset *s, uint32_t v) {
    size_t i = (v * 2654435761u) & s->mask;
    while (s->t[i]) {
        if (s->t[i] == v + 1) return true;
        i = (i + 1) & s->mask;
    }
    return false;
}

/* The usual blocked query, for the records the names walk did not already judge
 * (mix_candidates visits each slot once; the set, sized for the names walk, is only
 * read here). */
static void desk_visit(void *p, uint32_t slot) {
    desk_ctx *d = p;
    if (slotset_has(&d->names, slot)) return;
    query_visit(&d->q, slot);
}

herr *match_index_desk(match_index *ix, const match_record *r, double threshold, size_t max,
                       match_candidate **out, size_t *n, match_desk_counts *counts) {
    *out = NULL;
    *n = 0;
    if (counts) memset(counts, 0, sizeof *counts);
    mrec q;
    herr *e = mrec_build(r, &q);
    if (e) return e;
    desk_ctx d = {.q = {.ix = ix,
                        .q = &q,
                        .threshold = threshold,
                        .bits_needed = mix_threshold_bits(threshold) - 1e-9}};
    size_t namesakes = 0;
    mhot_of(&q, &d.q.qhot);
    pthread_rwlock_rdlock(&ix->lock);
    mix_mark_counted(ix, &q);
    /* Every record filed under the same two skeletons (order-free), whole lists. */
    uint64_t keys[2];
    size_t nk = 0;
    if (mblock_key_names(&q)) keys[nk++] = mblock_key_names(&q);
    if (q.native) {
        uint64_t kn = mblock_key_names_of(&q.native->given, &q.native->family);
        if (kn && (nk == 0 || kn != keys[0])) keys[nk++] = kn;
    }
    size_t total = 0;
    for (size_t i = 0; i < nk; i++) {
        mlist *l = mix_list(ix, keys[i]);
        total += l ? l->n : 0;
    }
    size_t cap = 16;
    while (cap < total * 2) cap *= 2;
    d.names.t = mem_alloc(cap * sizeof *d.names.t);
    d.names.mask = cap - 1;
    for (size_t i = 0; i < nk; i++) {
        mlist *l = mix_list(ix, keys[i]);
        if (!l) continue;
        uint32_t *items = mlist_items(l);
        for (uint32_t k = 0; k < l->n; k++) {
            uint32_t s = items[k];
            const mrec *rec = &ix->recs[s];
            if (!rec->id || (q.id[0] && !strcmp(rec->id, q.id))) continue;
            if (!slotset_add(&d.names, s)) continue;
            mcmp cmp;
            double score = mix_score(ix, &q, rec, &cmp, NULL, NULL);
            if (mcmp_names_agree(&cmp)) {
                namesakes++;
                if (desk_dates_compatible(&q, rec) || score >= threshold) desk_add(&d.q, s, score);
            } else if (score >= threshold) {
                desk_add(&d.q, s, score);
            }
        }
    }
    mix_candidates(ix, &q, NULL, 0, UINT32_MAX, desk_visit, &d);
    if (d.q.n > 1) qsort(d.q.hits, d.q.n, sizeof *d.q.hits, by_score_desc);
    size_t k = max && d.q.n > max ? max : d.q.n;
    if (k > 0) {
        *out = mem_alloc(k * sizeof **out);
        for (size_t i = 0; i < k; i++)
            fill_candidate(ix, &q, &ix->recs[d.q.hits[i].slot], &(*out)[i]);
    }
    pthread_rwlock_unlock(&ix->lock);
    *n = k;
    if (counts) {
        counts->total = d.q.n;
        counts->namesakes = namesakes;
    }
    mem_free(d.q.hits);
    mem_free(d.names.t);
    mrec_clear(&q);
    return NULL;
}

herr *match_index_explain(match_index *ix, const match_record *a, const match_record *b,
                          match_candidate *out) {
    mrec ra, rb;
    herr *e = mrec_build(a, &ra);
    if (e) return e;
    e = mrec_build(b, &rb);
    if (e) {
        mrec_clear(&ra);
        return e;
    }
    pthread_rwlock_rdlock(&ix->lock);
    mix_mark_counted(ix, &ra);
    mix_mark_counted(ix, &rb);
    fill_candidate(ix, &ra, &rb, out);
    pthread_rwlock_unlock(&ix->lock);
    mrec_clear(&ra);
    mrec_clear(&rb);
    return NULL;
}

/* Both read under the shared lock: additions write n_live and training installs a new
 * model while the registry asks (a data race ThreadSanitizer found under concurrent
 * registrations; tests/tsan/tsan_match_index.c). The lock is not const; the index
 * is, as far as the caller can tell. */
double match_default_threshold(const match_index *ix) {
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&ix->lock;
    pthread_rwlock_rdlock(lock);
    double t = ix->model.threshold;
    pthread_rwlock_unlock(lock);
    return t;
}

size_t match_index_size(const match_index *ix) {
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&ix->lock;
    pthread_rwlock_rdlock(lock);
    size_t n = ix->n_live;
    pthread_rwlock_unlock(lock);
    return n;
}

size_t match_index_memory(const match_index *ix) {
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&ix->lock;
    pthread_rwlock_rdlock(lock);
    size_t b = sizeof *ix + ix->cap_slots * (sizeof *ix->recs + sizeof *ix->hot) +
               ix->cap_free * sizeof *ix->free_slots + ix->cap_lists * sizeof *ix->lists +
               mmap_memory(&ix->ids) + mmap_memory(&ix->post) + mmap_memory(&ix->freq[0]) +
               mmap_memory(&ix->freq[1]) + mmap_memory(&ix->freq_cit[0]) +
               mmap_memory(&ix->freq_cit[1]) + mmap_memory(&ix->cit_n);
    for (size_t i = 0; i < ix->n_slots; i++) b += mrec_memory(&ix->recs[i]);
    for (size_t i = 0; i < ix->n_lists; i++)
        if (ix->lists[i].cap) b += ix->lists[i].cap * sizeof(uint32_t);
    pthread_rwlock_unlock(lock);
    return b;
}

void match_index_describe_model(const match_index *ix, FILE *f) {
    static const char *const fields[MF_COUNT] = {"given name", "family name", "birth date", "sex",
                                                 "citizenship"};
    static const char *const names[] = {"exact",          "phonetic", "similar",
                                        "one edit apart", "partial",  "different"};
    static const char *const dates[] = {"exact",
                                        "year, only year on both",
                                        "year, day/month unknown",
                                        "day-month swap",
                                        "day or month differs",
                                        "year only equal",
                                        "day+month, year slip",
                                        "year +-1",
                                        "year +-1, day/month differ",
                                        "different"};
    static const char *const simple[] = {"agree", "differ"};
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&ix->lock;
    pthread_rwlock_rdlock(lock);
    mmodel model = ix->model; /* a copy: training may install another meanwhile */
    pthread_rwlock_unlock(lock);
    const mmodel *m = &model;
    fprintf(f, "model: %s, %zu pairs, %d EM iterations, lambda %.3g, threshold %.3f\n",
            m->trained ? "trained by EM" : "prior (untrained)", m->train_pairs, m->iterations,
            m->lambda, m->threshold);
    fprintf(f,
            "  same person among pairs sharing both names (<=3, <=10, <=40, more records):"
            " %.2f %.2f %.2f %.2f\n",
            m->lambda_names[0], m->lambda_names[1], m->lambda_names[2], m->lambda_names[3]);
    fprintf(f, "  both names shared by two random people: %.2f times as often as by chance\n",
            m->rho);
    for (int k = 0; k < MF_COUNT; k++) {
        for (int l = 0; l < mlevel_count[k] - 1; l++) {
            /* sex and citizenship have two levels besides "missing": l is 0 or 1 there */
            const char *ln = k <= MF_FAMILY ? names[l]
                             : k == MF_DATE ? dates[l]
                                            : simple[l < 2 ? l : 1];
            fprintf(f, "  %-12s %-24s m=%.4f u=%.4f weight=%+.2f bits", fields[k], ln, m->m[k][l],
                    m->u[k][l], m->w[k][l]);
            if (k == MF_SEX || k == MF_CIT || (k <= MF_FAMILY && l <= NL_PHONETIC))
                fprintf(f, " (names agree: u=%.4f weight=%+.2f)", m->un[k][l], m->wn[k][l]);
            fputc('\n', f);
        }
    }
}
