/* Pairwise comparison: agreement levels per field, and the reasons a registrar reads.
 *
 * Names: exact (normalised, compact) > phonetic (same skeleton) > similar (Jaro-Winkler
 * of the compact form or of the skeleton, or the same words in another order) >
 * partial (a word in common, e.g. "Mohammad Ali" and "Ali") > different. Given and
 * family names are compared straight and crossed; the better reading wins and a
 * crossed win is reported as a swap. A missing name, date, sex or citizenship is
 * never a disagreement: it gets its own level, which carries no weight. */
#include <stdio.h>
#include <string.h>

#include "match/match_internal.h"

const int mlevel_count[MF_COUNT] = {NL_COUNT, NL_COUNT, DL_COUNT, BL_COUNT, BL_COUNT};

double match_jaro_winkler(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la == 0 || lb == 0) return 0.0;
    if (la > 64) la = 64;
    if (lb > 64) lb = 64;
    size_t range = (la > lb ? la : lb) / 2;
    range = range > 0 ? range - 1 : 0;
    uint64_t ma = 0, mb = 0;
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0, hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!(mb >> j & 1) && a[i] == b[j]) {
                ma |= 1ULL << i;
                mb |= 1ULL << j;
                m++;
                break;
            }
        }
    }
    if (m == 0) return 0.0;
    size_t t = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
        if (!(ma >> i & 1)) continue;
        while (!(mb >> j & 1)) j++;
        if (a[i] != b[j]) t++;
        j++;
    }
    double md = (double)m;
    double jaro = (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

typedef struct {
    const char *p;
    size_t n;
} word;

/* Words of a space-separated string, in place. */
static size_t words_of(const char *s, word *w, size_t max) {
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ' ') e++;
        w[n].p = s;
        w[n++].n = (size_t)(e - s);
        s = e;
    }
    return n;
}

/* True when the two skeleton word lists hold the same words in another order (and
 * there is more than one word), or when they share a word of 2+ letters (*partial). */
static void word_sets(const mfield *a, const mfield *b, bool *same_set, bool *partial) {
    *same_set = *partial = false;
    /* One word each: sharing it would have made the skeletons equal. */
    if (!strchr(a->tokskel, ' ') && !strchr(b->tokskel, ' ')) return;
    word wa[16], wb[16];
    size_t na = words_of(a->tokskel, wa, 16), nb = words_of(b->tokskel, wb, 16);
    size_t common = 0, equal = 0;
    bool used[16] = {0};
    for (size_t i = 0; i < na; i++) {
        for (size_t j = 0; j < nb; j++) {
            if (!used[j] && wa[i].n == wb[j].n && !memcmp(wa[i].p, wb[j].p, wa[i].n)) {
                used[j] = true;
                equal++;
                if (wa[i].n >= 2) common++;
                break;
            }
        }
    }
    *same_set = na > 1 && na == nb && equal == na && common == na;
    *partial = common > 0;
}

bool mwithin_one_edit(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la < lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t k = la;
        la = lb;
        lb = k;
    }
    if (la - lb > 1) return false;
    size_t i = 0;
    while (i < lb && a[i] == b[i]) i++;
    if (i == lb) return true; /* equal, or one letter added at the end */
    if (la > lb) return !strcmp(a + i + 1, b + i);
    /* Same length: one letter replaced, or two neighbours swapped. */
    if (!strcmp(a + i + 1, b + i + 1)) return true;
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !strcmp(a + i + 2, b + i + 2);
}

/* True when the Jaro-Winkler similarity of a and b (lengths la, lb) reaches t. Cheap
 * bounds first: with a common prefix of p letters it needs a Jaro similarity of
 * (t - p/10) / (1 - p/10), and no Jaro similarity exceeds (2 + shorter/longer) / 3, so
 * lengths far apart settle most pairs before any letter is matched. */
static bool jw_at_least(const char *a, size_t la, const char *b, size_t lb, double t) {
    if (la > 64) la = 64;
    if (lb > 64) lb = 64;
    size_t p = 0;
    while (p < 4 && p < la && p < lb && a[p] == b[p]) p++;
    double need = (t - 0.1 * (double)p) / (1 - 0.1 * (double)p);
    double mn = (double)(la < lb ? la : lb), mx = (double)(la < lb ? lb : la);
    if (mx == 0 || (2 + mn / mx) / 3 < need - 1e-9) return false;
    return match_jaro_winkler(a, b) >= t;
}

/* At most how many characters two strings can have in common (as multisets), from
 * their letter bits and lengths: one per letter both have, plus the repeated letters
 * of the one with fewer repeats. */
/* Bits set in x (without the library call a portable build makes of the builtin). */
static inline unsigned bit_count(uint32_t x) {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}

static unsigned common_bound(uint32_t ma, unsigned la, uint32_t mb, unsigned lb) {
    unsigned ra = la - bit_count(ma), rb = lb - bit_count(mb);
    unsigned m = bit_count(ma & mb) + (ra < rb ? ra : rb);
    unsigned mn = la < lb ? la : lb;
    return m < mn ? m : mn;
}

/* Upper bound of the Jaro-Winkler similarity from the number of characters that can
 * match (no transpositions) and the common prefix: first as if the first four agreed,
 * then, only when that bound passes, with the prefix read from pa and pb. */
static bool jw_may_reach(const char *pa, unsigned la, const char *pb, unsigned lb, unsigned m,
                         double t) {
    if (la > 64 || lb > 64) return true; /* the similarity reads the first 64 only */
    if (m == 0) return false;
    double jaro = ((double)m / la + (double)m / lb + 1) / 3;
    if (jaro + 0.4 * (1 - jaro) < t - 1e-9) return false;
    unsigned p = 0;
    while (p < 4 && p < la && p < lb && pa[p] == pb[p]) p++;
    return jaro + 0.1 * p * (1 - jaro) >= t - 1e-9;
}

/* The sketch test on its parts: letter bits, lengths and first characters (of the
 * compact form and the skeleton), and whether either name has several words. */
static bool may_be_similar(uint32_t ca, unsigned lca, const char *pca, uint32_t cb, unsigned lcb,
                           const char *pcb, uint32_t sa, unsigned lsa, const char *psa, uint32_t sb,
                           unsigned lsb, const char *psb, bool multi) {
    if (!lca || !lcb) return false; /* missing */
    if (multi) return true;         /* may share a word or be reordered */
    if (lca >= 255 || lcb >= 255 || lsa >= 255 || lsb >= 255) return true;
    unsigned mc = common_bound(ca, lca, cb, lcb);
    if (jw_may_reach(pca, lca, pcb, lcb, mc, 0.92)) return true;
    unsigned xc = lca > lcb ? lca : lcb;
    if (lca >= 4 && mc + 1 >= xc) return true; /* one letter apart */
    unsigned ms = common_bound(sa, lsa, sb, lsb);
    if (lsa >= 3 && lsb >= 3 && jw_may_reach(psa, lsa, psb, lsb, ms, 0.90)) return true;
    unsigned xs = lsa > lsb ? lsa : lsb;
    return lsa >= 3 && lsb >= 3 && ms + 1 >= xs; /* one sound apart */
}

bool msketch_may_be_similar(const msketch *a, const msketch *b) {
    return may_be_similar(a->c, a->lc, a->pc, b->c, b->lc, b->pc, a->s, a->ls, a->ps, b->s, b->ls,
                          b->ps, a->multi || b->multi);
}

/* The same test on two fields: their strings are read only for the prefix, and only
 * when the lengths and letters leave the question open. */
static bool field_may_be_similar(const mfield *a, const mfield *b) {
    return may_be_similar(a->bits_c, a->lcompact, a->compact, b->bits_c, b->lcompact, b->compact,
                          a->bits_s, a->lskel, a->skel, b->bits_s, b->lskel, b->skel,
                          a->multi || b->multi);
}

int mcompare_name(const mfield *a, const mfield *b) {
    if (!a->lcompact || !b->lcompact) return NL_MISSING; /* without reading the strings */
    if (a->h_compact == b->h_compact && !strcmp(a->compact, b->compact)) return NL_EXACT;
    if (a->h_skel == b->h_skel && !strcmp(a->skel, b->skel)) return NL_PHONETIC;
    /* Most names compared are plainly different: the sketches tell at once. */
    if (!field_may_be_similar(a, b)) return NL_DIFF;
    if (jw_at_least(a->compact, a->lcompact, b->compact, b->lcompact, 0.92)) return NL_SIMILAR;
    size_t ls = a->lskel, lt = b->lskel;
    if (ls >= 3 && lt >= 3 && jw_at_least(a->skel, ls, b->skel, lt, 0.90)) return NL_SIMILAR;
    bool same_set, partial;
    word_sets(a, b, &same_set, &partial);
    if (same_set) return NL_SIMILAR;
    /* One sound apart (Ahmadzada/Ahmetzada, Rachid/Reshid, Qasim/Ghasem), or one letter
     * of a longer spelling: too short a skeleton would make every pair close. */
    /* Skeletons are short: one sound apart means little unless the first sound agrees
     * or there are five or more (Mohammad mhmt and Ahmad Ahmt are not close). */
    size_t lmin = ls < lt ? ls : lt;
    if ((lmin >= 5 || (lmin >= 3 && a->skel[0] == b->skel[0])) &&
        mwithin_one_edit(a->skel, b->skel))
        return NL_CLOSE;
    if (a->lcompact >= 4 && mwithin_one_edit(a->compact, b->compact)) return NL_CLOSE;
    return partial ? NL_PARTIAL : NL_DIFF;
}

/* Years that one slip of the pen turns into each other: one apart, one digit
 * different, or two neighbouring digits swapped (1995/1959). */
static bool year_slip(int a, int b) {
    if (a - b == 1 || b - a == 1) return true;
    int x[4], y[4]; /* digits, thousands first */
    for (int i = 3; i >= 0; i--, a /= 10, b /= 10) x[i] = a % 10, y[i] = b % 10;
    int diff = 0, first = -1;
    for (int i = 0; i < 4; i++)
        if (x[i] != y[i]) {
            if (first < 0) first = i;
            diff++;
        }
    if (diff == 1) return true;
    return diff == 2 && first < 3 && x[first] == y[first + 1] && x[first + 1] == y[first];
}

int mdate_level(int ya, int ma, int da, bool yoa, int yb, int mb, int db, bool yob) {
    if (!ya || !yb) return DL_MISSING;
    int dy = ya - yb;
    if (dy != 0) {
        /* A full date whose year alone differs by a slip is one date mistyped. */
        if (!yoa && !yob && ma == mb && da == db && year_slip(ya, yb)) return DL_YEAR_TYPO;
        if (dy != 1 && dy != -1) return DL_DIFF;
        /* An age given roughly is often a year off; two real dates a year and a day
         * apart are two slips at once. */
        return yoa || yob ? DL_NEAR : DL_NEAR_FULL;
    }
    /* Who does not know their birth date says so every time: only the year on both
     * records is more alike than a full date on one and the year on the other. */
    if (yoa && yob) return DL_YEAR_ONLY;
    if (yoa || yob) return DL_PLACEHOLDER;
    if (ma == mb && da == db) return DL_EXACT;
    if (ma == db && da == mb) return DL_SWAP;
    if (ma == mb || da == db) return DL_ONE_PART;
    return DL_SAME_YEAR;
}

int mcompare_date(const mrec *a, const mrec *b) {
    return mdate_level(a->year, a->month, a->day, a->year_only, b->year, b->month, b->day,
                       b->year_only);
}

static int simple_level(bool a_known, bool b_known, bool equal) {
    if (!a_known || !b_known) return BL_MISSING;
    return equal ? BL_AGREE : BL_DIFF;
}

/* Missing counts as worst when readings are ranked. */
static int rank(int level) { return level == NL_MISSING ? NL_COUNT : level; }

/* Levels of two pairs of name fields, straight or crossed, whichever agrees better. */
static void compare_names(const mfield *ag, const mfield *af, const mfield *bg, const mfield *bf,
                          int *g, int *f, bool *swapped) {
    *g = mcompare_name(ag, bg);
    *f = mcompare_name(af, bf);
    *swapped = false;
    /* Crossed reading only when the straight one is not already good on both. */
    if (*g > NL_PHONETIC || *f > NL_PHONETIC) {
        int xg = mcompare_name(ag, bf);
        int xf = mcompare_name(af, bg);
        if (rank(xg) + rank(xf) < rank(*g) + rank(*f) && xg != NL_MISSING && xf != NL_MISSING) {
            *g = xg;
            *f = xf;
            *swapped = true;
        }
    }
}

void mcompare(const mrec *a, const mrec *b, mcmp *out) {
    int g, f;
    compare_names(&a->given, &a->family, &b->given, &b->family, &g, &f, &out->swapped);
    out->native_a = out->native_b = false;
    /* A record written in both scripts is compared in each; the reading that agrees
     * best counts (a Latin spelling may be far from another record's while the
     * Arabic or Cyrillic forms agree). */
    if ((a->native || b->native) && (g > NL_PHONETIC || f > NL_PHONETIC)) {
        for (int k = 1; k < 4; k++) {
            bool na = k & 1, nb = k & 2;
            if ((na && !a->native) || (nb && !b->native)) continue;
            int xg, xf;
            bool sw;
            compare_names(mcmp_given(a, na), mcmp_family(a, na), mcmp_given(b, nb),
                          mcmp_family(b, nb), &xg, &xf, &sw);
            if (rank(xg) + rank(xf) < rank(g) + rank(f)) {
                g = xg;
                f = xf;
                out->swapped = sw;
                out->native_a = na;
                out->native_b = nb;
            }
        }
    }
    out->lv[MF_GIVEN] = (uint8_t)g;
    out->lv[MF_FAMILY] = (uint8_t)f;
    out->lv[MF_DATE] = (uint8_t)mcompare_date(a, b);
    out->lv[MF_SEX] = (uint8_t)simple_level(a->sex != 0, b->sex != 0, a->sex == b->sex);
    out->lv[MF_CIT] =
        (uint8_t)simple_level(a->cit[0] != 0, b->cit[0] != 0, !strcmp(a->cit, b->cit));
}

/* ---- reasons ----------------------------------------------------------------- */

/* Adds a reason whose text is the parts joined (NULL parts are left out); no format
 * strings, so a name can never be read as one. */
static void add_reason(match_candidate *c, const char *code, const char *p1, const char *p2,
                       const char *p3) {
    if (c->n_reasons >= MATCH_MAX_REASONS) return;
    snprintf(c->reason_codes[c->n_reasons], sizeof c->reason_codes[0], "%s", code);
    snprintf(c->reasons[c->n_reasons], sizeof c->reasons[0], "%s%s%s", p1, p2 ? p2 : "",
             p3 ? p3 : "");
    c->n_reasons++;
}

static void name_reason(match_candidate *c, int level, const char *field, const char *code,
                        double tf_bits) {
    char codebuf[48];
    static const char *const suffix[] = {"equal", "phonetic", "similar",
                                         "close", "partial",  "differs"};
    static const char *const text[] = {
        " equal",         " sounds alike", " spelled similarly", " one sound or letter apart",
        " shares a part", " differs"};
    if (level == NL_MISSING) {
        snprintf(codebuf, sizeof codebuf, "%s_missing", code);
        add_reason(c, codebuf, field, " missing on one record", NULL);
        return;
    }
    snprintf(codebuf, sizeof codebuf, "%s_%s", code, suffix[level]);
    add_reason(c, codebuf, field, text[level], NULL);
    if ((level == NL_EXACT || level == NL_PHONETIC) && tf_bits < -0.5) {
        snprintf(codebuf, sizeof codebuf, "%s_common", code);
        add_reason(c, codebuf, field, " is common (weighs less)", NULL);
    } else if ((level == NL_EXACT || level == NL_PHONETIC) && tf_bits > 1.5) {
        snprintf(codebuf, sizeof codebuf, "%s_rare", code);
        add_reason(c, codebuf, field, " is rare (weighs more)", NULL);
    }
}

static const char *script_name(uint8_t s) {
    return s == SCRIPT_CYRILLIC ? "Cyrillic" : s == SCRIPT_ARABIC ? "Arabic" : "another";
}

void mreasons(const mrec *a, const mrec *b, const mcmp *c, double given_tf, double family_tf,
              match_candidate *out) {
    static const char *const date_code[] = {"birth_date_equal",
                                            "birth_year_equal_year_only",
                                            "birth_year_equal_date_unknown",
                                            "birth_date_day_month_swapped",
                                            "birth_date_one_part",
                                            "birth_year_equal",
                                            "birth_date_year_mistyped",
                                            "birth_year_one_apart",
                                            "birth_year_one_apart",
                                            "birth_date_differs",
                                            "birth_date_missing"};
    static const char *const date_text[] = {
        "birth date equal",
        "birth year equal, only the year known on both records",
        "birth year equal, day and month not known on one record",
        "birth year equal, day and month swapped",
        "birth year equal, day or month differs",
        "birth year equal, day and month differ",
        "birth day and month equal, year one apart or mistyped",
        "birth year one apart",
        "birth year one apart",
        "birth dates differ",
        "birth date missing on one record"};
    out->n_reasons = 0;
    name_reason(out, c->lv[MF_FAMILY], "family name", "family_name", family_tf);
    name_reason(out, c->lv[MF_GIVEN], "given name", "given_name", given_tf);
    if (c->swapped) add_reason(out, "names_swapped", "given and family names swapped", NULL, NULL);
    uint8_t sa = c->native_a ? a->native->script : a->script;
    uint8_t sb = c->native_b ? b->native->script : b->script;
    if (c->native_a || c->native_b)
        add_reason(out, "name_native_form", "names agree as written in the person's own script",
                   NULL, NULL);
    else if (sa != sb) {
        uint8_t s = sa != SCRIPT_LATIN ? sa : sb;
        add_reason(out, "name_other_script", "name written in ", script_name(s),
                   " script on one record");
    }
    add_reason(out, date_code[c->lv[MF_DATE]], date_text[c->lv[MF_DATE]], NULL, NULL);
    if (c->lv[MF_SEX] == BL_DIFF) add_reason(out, "sex_differs", "sex differs", NULL, NULL);
    if (c->lv[MF_CIT] == BL_AGREE)
        add_reason(out, "citizenship_equal", "citizenship equal", NULL, NULL);
    else if (c->lv[MF_CIT] == BL_DIFF)
        add_reason(out, "citizenship_differs", "citizenship differs", NULL, NULL);
    else
        add_reason(out, "citizenship_missing", "citizenship unknown on one record", NULL, NULL);
    if (c->lv[MF_SEX] == BL_AGREE) add_reason(out, "sex_equal", "sex equal", NULL, NULL);
}
