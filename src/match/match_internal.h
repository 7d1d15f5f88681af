/* Internal to src/match (and its unit tests): normalised records, comparison levels,
 * the Fellegi-Sunter model. Nothing here is part of the public interface. */
#ifndef HAVEN_MATCH_INTERNAL_H
#define HAVEN_MATCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match/match.h"

#define MATCH_MAX_KEYS 10
#define MATCH_NAME_MAX 127 /* bytes of a normalised name kept */

/* One name field after normalisation. */
typedef struct {
    const char *norm;    /* "mohammad ali": words after particle joining */
    const char *compact; /* "mohammadali" */
    const char *skel;    /* skeleton of the whole name: "mhmdlI" */
    const char *tokskel; /* skeleton of each word, space separated: "mhmd AlI" */
    uint64_t h_compact, h_skel;
    uint16_t lcompact, lskel; /* strlen of compact and skel */
    uint32_t bits_c, bits_s;  /* letters that occur in compact and skel (msketch) */
    bool multi;               /* several words */
} mfield;

enum { SCRIPT_LATIN, SCRIPT_CYRILLIC, SCRIPT_ARABIC, SCRIPT_OTHER };

/* The names as written in the person's own script (native_name), transliterated, when
 * the record has Latin names too: first word given name, the rest family name. */
typedef struct {
    mfield given, family;
    uint8_t script;
    char *buf;
} mnative;

/* Identity documents as hashes of type, issuing country (0: unknown) and number. */
typedef struct mdocs {
    uint64_t type[MATCH_MAX_DOCUMENTS], country[MATCH_MAX_DOCUMENTS], number[MATCH_MAX_DOCUMENTS];
    uint8_t n;
} mdocs;

typedef struct {
    char *id;
    mfield given, family;
    int16_t year;
    int8_t month, day; /* 0 when unknown or year-only */
    bool year_only;
    bool estimated; /* the year is an estimate (from an age) */
    char sex;       /* 'M', 'F' or 0 */
    char cit[12];
    uint8_t script;     /* of the names as written: SCRIPT_* */
    mnative *native;    /* NULL unless native_name is given beside Latin names */
    struct mdocs *docs; /* NULL unless the record has identity documents */
    bool indexed;       /* held by an index (counted in its name frequencies) */
    char *buf;          /* the strings above */
} mrec;

/* What the cheap bound before a full comparison reads, packed so that a candidate
 * costs one cache line: the birth date, sex, and 32-bit hashes of the name skeletons
 * and the citizenship (0: missing). */
/* A sketch of one name from which a level "different" can often be told without
 * reading the strings: which letters occur (one bit per letter) in the compact form
 * and the skeleton, their lengths and first four characters, and whether the name has
 * several words (then it may share one). */
typedef struct {
    uint32_t c, s;
    uint8_t lc, ls;
    bool multi;
    char pc[4], ps[4];
} msketch;

typedef struct {
    uint32_t hg, hf, hc;
    int16_t year;
    int8_t month, day;
    bool year_only;
    char sex;
    bool native; /* the record has a native form of its names */
    bool docs;   /* the record has identity documents */
    msketch g, f;
} mhot;

/* Evidence (bits) of two records' documents: MDOC_AGREE_BITS when a number agrees on
 * the same type and country, MDOC_DIFFER_BITS when none agrees and a document of the
 * same type and country has another number, 0 otherwise. *level: 1, -1 or 0. Fixed
 * weights: documents are too rare in the data for EM to estimate them. */
#define MDOC_AGREE_BITS  12.0
#define MDOC_DIFFER_BITS (-10.0)
double mdocs_bits(const mrec *a, const mrec *b, int *level);

void mhot_of(const mrec *r, mhot *out);

/* The sketch of a name field. */
void msketch_of(const mfield *f, msketch *out);

/* False when the sketches show that two names compare as NL_DIFF (or better, equal
 * skeletons aside): no Jaro-Winkler similarity, one-edit distance or shared word can
 * reach the levels between. True when they might. */
bool msketch_may_be_similar(const msketch *a, const msketch *b);

/* Birth-date level (DL_*) of two dates: year 0 = unknown; year_only = day and month
 * unknown (month and day are then 0). */
int mdate_level(int ya, int ma, int da, bool yoa, int yb, int mb, int db, bool yob);

/* Normalises a record; out is overwritten. ERR_INVALID for bad input. */
herr *mrec_build(const match_record *r, mrec *out);
void mrec_clear(mrec *r);
size_t mrec_memory(const mrec *r);

/* Normalises one name into norm (lower-case ASCII words, particles joined); *script
 * receives the script it was written in. out has MATCH_NAME_MAX + 1 bytes. */
herr *mnorm_name(const char *name, char *out, uint8_t *script);

/* Skeleton of a normalised name (spaces only stop digraphs, so "zabih ullah" and
 * "zabihullah" agree). out has at least 2 * strlen(in) + 1 bytes. */
void mnorm_skeleton(const char *in, char *out);

/* The blocking keys under which r is stored (at most MATCH_MAX_KEYS); computed, not
 * kept, so a record costs no memory for them. */
size_t mblock_keys(const mrec *r, uint64_t *out);

/* Blocking keys to probe for r: its own keys and those of neighbouring years. */
#define MATCH_MAX_PROBES 20
size_t mblock_probes(const mrec *r, uint64_t *out);

/* The record's key on both name skeletons, and on its full birth date (0: none). */
uint64_t mblock_key_names(const mrec *r);
uint64_t mblock_key_names_of(const mfield *given, const mfield *family);
uint64_t mblock_key_date(const mrec *r);

uint64_t mhash(const char *s);
uint64_t mhash_mix(uint64_t h, uint64_t v);

/* ---- comparison -------------------------------------------------------------- */

enum { MF_GIVEN, MF_FAMILY, MF_DATE, MF_SEX, MF_CIT, MF_COUNT };
enum {
    NL_EXACT,    /* same compact form */
    NL_PHONETIC, /* same skeleton */
    NL_SIMILAR,  /* Jaro-Winkler high, or the same words in another order */
    NL_CLOSE,    /* one edit apart: one sound of the skeleton or one letter */
    NL_PARTIAL,  /* a word in common */
    NL_DIFF,
    NL_MISSING,
    NL_COUNT
};
enum {
    DL_EXACT,       /* same day, month and year (both real dates) */
    DL_YEAR_ONLY,   /* same year, day and month unknown (or 1 January) on both */
    DL_PLACEHOLDER, /* same year, day and month unknown (or 1 January) on one */
    DL_SWAP,        /* same year, day and month swapped */
    DL_ONE_PART,    /* same year, either day or month differs */
    DL_SAME_YEAR,   /* same year, day and month both differ */
    DL_YEAR_TYPO,   /* same day and month (real dates), year one apart or one digit
                       mistyped or two digits swapped */
    DL_NEAR,        /* years one apart, only the year on one record or both */
    DL_NEAR_FULL,   /* years one apart and day and month differ (two real dates) */
    DL_DIFF,
    DL_MISSING,
    DL_COUNT
};
enum { BL_AGREE, BL_DIFF, BL_MISSING, BL_COUNT };

#define MLEVELS_MAX 11
extern const int mlevel_count[MF_COUNT];

typedef struct {
    uint8_t lv[MF_COUNT];
    bool swapped; /* given matched family and family matched given */
    /* Which names were compared: the Latin ones (false) or the native ones (true) of
     * a and of b, whichever reading agreed best. */
    bool native_a, native_b;
} mcmp;

/* The name fields of r that a comparison used (native or Latin). */
static inline const mfield *mcmp_given(const mrec *r, bool native) {
    return native && r->native ? &r->native->given : &r->given;
}
static inline const mfield *mcmp_family(const mrec *r, bool native) {
    return native && r->native ? &r->native->family : &r->family;
}

void mcompare(const mrec *a, const mrec *b, mcmp *out);

/* True when a and b are at most one edit apart (a letter replaced, inserted or
 * deleted, or two neighbours swapped). */
bool mwithin_one_edit(const char *a, const char *b);

/* Compares two name fields into an NL_* level. */
int mcompare_name(const mfield *a, const mfield *b);

/* Compares two birth dates into a DL_* level. */
int mcompare_date(const mrec *a, const mrec *b);

/* ---- model ------------------------------------------------------------------- */

#define MPATTERNS (NL_COUNT * NL_COUNT * DL_COUNT * BL_COUNT * BL_COUNT)

typedef struct {
    double lambda; /* prior: probability that two records taken at random match */
    double m[MF_COUNT][MLEVELS_MAX], u[MF_COUNT][MLEVELS_MAX];
    double w[MF_COUNT][MLEVELS_MAX]; /* log2(m/u); 0 for the missing level */
    /* u and weights among different people whose names agree (both exact or
     * phonetic): names go with origin, so there citizenship agrees far more often than
     * between two people taken at random and says much less; and namesakes of one
     * origin spell alike, so an exact spelling says less than among random pairs. For
     * the names only the exact and phonetic levels are used. Equal to u and w until
     * training measures them. */
    double un[MF_COUNT][MLEVELS_MAX], wn[MF_COUNT][MLEVELS_MAX];
    double prior_bits; /* log2(lambda / (1 - lambda)) */
    /* Share of one person's pairs among pairs of records sharing both names, by how
     * many records share them (mname_bucket): a name pair on three records is mostly
     * one person's, one on three hundred mostly namesakes'. */
    double lambda_names[4];
    /* How much more often two people taken at random share both name skeletons than
     * if given and family names were independent (names go with origin and family):
     * the share of random pairs whose names both agree over the product of the shares
     * for each name. 1 until training measures it. */
    double rho;
    double threshold;
    bool trained;
    size_t train_pairs;
    int iterations;
} mmodel;

int mpattern_index(const mcmp *c);
void mpattern_levels(int index, mcmp *c);

/* Bucket (0..3) of a name pair held by c records, for lambda_names. */
static inline int mname_bucket(double c) { return c <= 3 ? 0 : c <= 10 ? 1 : c <= 40 ? 2 : 3; }

/* The built-in prior model (used before training and as EM's starting point). */
void mmodel_default(mmodel *m);

/* Recomputes w and prior_bits from m, u and lambda. */
void mmodel_weights(mmodel *m);

/* EM over counts[MPATTERNS] of comparison patterns. The likelihood uses the fields in
 * the bit mask `fields` (1 << MF_*; the others are ignored); m (and u when fit_u) of the
 * fields also in `update` are re-estimated, the rest stay fixed. The m that m holds on
 * entry is also the prior of the estimate, worth MMODEL_PRIOR_PAIRS matched pairs (a
 * Dirichlet prior): a sample with few matches (a small registry) stays near it instead
 * of following its last few pairs. Sets lambda to the share of matches among the
 * counted pairs. Returns the iterations run. */
#define MMODEL_PRIOR_PAIRS 60.0
int mmodel_em(mmodel *m, const double *counts, unsigned fields, unsigned update, bool fit_u,
              int max_iter);

/* Sets u of every field to the level frequencies of counts (random pairs). */
void mmodel_u_from_counts(mmodel *m, const double *counts);

/* The threshold that maximises the expected F1 when p[0..n) are the posteriors of the
 * candidate pairs (sorted in place, best first): predicting the pairs above it as
 * matches finds sum(p above) true pairs out of sum(p) expected in all. 0.5 when n is 0. */
double mthreshold_expected_f1(double *p, size_t n);

/* True when both names agree (exact or phonetic): then sex and citizenship take their
 * weights conditional on the names (un, wn). */
static inline bool mcmp_names_agree(const mcmp *c) {
    return c->lv[MF_GIVEN] <= NL_PHONETIC && c->lv[MF_FAMILY] <= NL_PHONETIC;
}

/* u of field k at level l for a pair with these levels (un when the names agree). */
double mmodel_u(const mmodel *m, const mcmp *c, int k);

/* Match weight (bits) of a comparison, without frequency adjustment. */
double mmodel_bits(const mmodel *m, const mcmp *c);

/* Posterior probability from total bits (prior included by the caller). */
double mmodel_prob(double bits);

/* ---- reasons ----------------------------------------------------------------- */

void mreasons(const mrec *a, const mrec *b, const mcmp *c, double given_tf, double family_tf,
              match_candidate *out);

#endif
