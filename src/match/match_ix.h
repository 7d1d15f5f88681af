/* Internal to src/match: the index's layout, shared by the index, training and batch
 * deduplication. */
#ifndef HAVEN_MATCH_IX_H
#define HAVEN_MATCH_IX_H

#include <pthread.h>

#include "match/match_internal.h"
#include "match/match_map.h"

/* Posting lists longer than this are skipped when looking for candidates: such a key
 * (a very common name in a common year) says little, and other keys are narrower. */
#define MATCH_BLOCK_CAP 100

struct match_index {
    /* Guards every field below: queries and training's sampling hold it shared; add,
     * remove and installing a trained model hold it alone. Readers of single fields
     * (match_index_size, match_default_threshold) take it too. */
    pthread_rwlock_t lock;
    mrec *recs; /* by slot; a free slot has id == NULL */
    mhot *hot;  /* by slot: what mix_may_reach reads */
    size_t n_slots, cap_slots, n_live;
    uint32_t *free_slots;
    size_t n_free, cap_free;
    mmap64 ids;  /* mhash(id) -> slot */
    mmap64 post; /* blocking key -> index into lists */
    mlist *lists;
    size_t n_lists, cap_lists;
    mmap64 freq[2];       /* skeleton hash -> number of records, given and family */
    double s2[2], tot[2]; /* sum of counts squared, and of counts, per field */
    mmap64 freq_cit[2];   /* mhash_mix(skeleton hash, citizenship hash) -> records */
    mmap64 cit_n;         /* citizenship hash -> records */
    mmodel model;
    size_t block_cap;
    bool unsorted; /* a posting list may be out of slot order (after a removal) */
};

/* Adds a built record, taking ownership; replaces a record with the same id. The
 * caller holds the write lock. Returns the slot. */
uint32_t mix_insert(match_index *ix, mrec *r);

/* Position in ix->ids of the record with this id, or -1. */
long mix_find_id(const match_index *ix, const char *id);

/* The posting list of a key, or NULL. */
mlist *mix_list(const match_index *ix, uint64_t key);

/* Scores a pair: fills c and the frequency adjustments (bits) of the two names; returns
 * the posterior probability. */
double mix_score(const match_index *ix, const mrec *a, const mrec *b, mcmp *c, double *tf_given,
                 double *tf_family);

/* True when the pair might still score at least bits_needed (log2 odds): a cheap
 * bound from the date, sex, citizenship and name hashes, before any string work. */
bool mix_may_reach(const match_index *ix, const mhot *a, const mhot *b, double bits_needed);
double mix_threshold_bits(double threshold);

/* Largest frequency adjustment (bits) of one agreeing name; twice that for both. */
#define MATCH_TF_MAX 5.0

/* Frequency adjustment (bits) of a compared pair, returned: a name that agrees weighs
 * less the more common it is; when both agree, the count of the pair of names decides
 * (names are not independent). *tf_given and *tf_family receive each name's own
 * adjustment, for the reasons. */
double mix_tf(const match_index *ix, const mrec *a, const mrec *b, const mcmp *c, double *tf_given,
              double *tf_family);

/* The same with model m instead of the index's own (training, before installing m). */
double mix_tf_with(const match_index *ix, const mmodel *m, const mrec *a, const mrec *b,
                   const mcmp *c, double *tf_given, double *tf_family);

/* Marks r (built outside the index) as counted in the index's name frequencies when
 * the index holds a record with its id, names and citizenship: the frequencies then
 * leave it out as they leave out an indexed record compared. The caller holds the
 * lock. */
void mix_mark_counted(const match_index *ix, mrec *r);

/* Candidates of q: calls fn for every slot below `below` sharing a probe key (each
 * slot once, lists longer than block_cap skipped). seen is a per-caller stamp array of
 * n_slots entries or NULL (then a local set is used); stamp is a value not yet in it. */
typedef void (*mix_visit)(void *ctx, uint32_t slot);
void mix_candidates(const match_index *ix, const mrec *q, uint32_t *seen, uint32_t stamp,
                    uint32_t below, mix_visit fn, void *ctx);

#endif
