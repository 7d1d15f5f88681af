/* A record as the matcher holds it: validated, names normalised, skeletons and hashes
 * computed once, and the blocking keys that decide which records are compared.
 *
 * Blocking keys (a pair is compared when the two records share one; a key shared by
 * too many records is skipped at query time, so common names do not make every
 * Mohammad a candidate of every other):
 *   NAMES     both skeletons, order-free        (spelling variants, swapped names)
 *   NAMES_Y   both skeletons + birth year        (the same, when NAMES is crowded)
 *   ONE_Y     either skeleton + birth year       (typo or change in the other name)
 *   DATE      full birth date, when a real date  (typos in both names)
 *   PRE_Y     3-letter skeleton prefixes + year  (typos at the end of names)
 *   SUF_Y     3-letter skeleton suffixes + year  (typos at the start)
 * Queries also probe NAMES_Y and ONE_Y of the neighbouring years (a year one off and
 * a spelling change in one name at once). */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "match/match_internal.h"

enum { K_NAMES = 1, K_NAMES_Y, K_ONE_Y, K_DATE, K_PRE_Y, K_SUF_Y };

static uint64_t key_str2(int tag, const char *a, const char *b, int year) {
    /* Order-free: the smaller string first. */
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    uint64_t h = mhash_mix(mhash(a), (uint64_t)tag);
    h = mhash_mix(h, mhash(b));
    return mhash_mix(h, (uint64_t)year);
}

static uint64_t key_one(int tag, const char *a, int year) {
    return mhash_mix(mhash_mix(mhash(a), (uint64_t)tag), (uint64_t)year + 7919);
}

static void affix(const char *s, bool suffix, char out[4]) {
    size_t n = strlen(s);
    const char *p = suffix && n > 3 ? s + n - 3 : s;
    snprintf(out, 4, "%s", p);
}

/* Keys of r for year y (the record's own year, or a neighbour when probing): with
 * all, every key; otherwise those on whole names (NAMES_Y, ONE_Y). */
static size_t year_keys(const mrec *r, int y, bool all, uint64_t *out) {
    size_t n = 0;
    const char *g = r->given.skel, *f = r->family.skel;
    if (!y) return 0;
    out[n++] = key_str2(K_NAMES_Y, g, f, y);
    if (g[0]) out[n++] = key_one(K_ONE_Y, g, y);
    if (f[0] && strcmp(f, g) != 0) out[n++] = key_one(K_ONE_Y, f, y);
    if (!all) return n;
    if (g[0] && f[0]) {
        char pg[4], pf[4];
        affix(g, false, pg);
        affix(f, false, pf);
        out[n++] = key_str2(K_PRE_Y, pg, pf, y);
        affix(g, true, pg);
        affix(f, true, pf);
        out[n++] = key_str2(K_SUF_Y, pg, pf, y);
    }
    return n;
}

uint64_t mblock_key_names_of(const mfield *given, const mfield *family) {
    if (!given->skel[0] && !family->skel[0]) return 0;
    return key_str2(K_NAMES, given->skel, family->skel, 0);
}

uint64_t mblock_key_names(const mrec *r) { return mblock_key_names_of(&r->given, &r->family); }

uint64_t mblock_key_date(const mrec *r) {
    if (!r->year || r->year_only) return 0;
    return mhash_mix(mhash_mix((uint64_t)K_DATE, (uint64_t)r->year),
                     (uint64_t)(r->month * 32 + r->day));
}

size_t mblock_keys(const mrec *r, uint64_t *keys) {
    size_t n = 0;
    if (mblock_key_names(r)) keys[n++] = mblock_key_names(r);
    if (mblock_key_date(r)) keys[n++] = mblock_key_date(r);
    if (r->given.skel[0] || r->family.skel[0]) n += year_keys(r, r->year, true, keys + n);
    /* The native form's names, with and without the year, when they read differently. */
    const mnative *v = r->native;
    uint64_t kn = v ? mblock_key_names_of(&v->given, &v->family) : 0;
    if (kn && kn != mblock_key_names(r)) {
        keys[n++] = kn;
        if (r->year) keys[n++] = key_str2(K_NAMES_Y, v->given.skel, v->family.skel, r->year);
    }
    assert(n <= MATCH_MAX_KEYS);
    return n;
}

size_t mblock_probes(const mrec *r, uint64_t *out) {
    size_t n = mblock_keys(r, out);
    if (r->year && (r->given.skel[0] || r->family.skel[0])) {
        n += year_keys(r, r->year - 1, false, out + n);
        n += year_keys(r, r->year + 1, false, out + n);
    }
    return n;
}

static uint32_t letter_bits(const char *s);

/* Fills a field from its normalised words, appending strings to buf at *o. */
static void field_build(const char *norm, char *buf, size_t *o, mfield *f) {
    char compact[MATCH_NAME_MAX + 1], skel[2 * MATCH_NAME_MAX + 2], tok[3 * MATCH_NAME_MAX + 4];
    size_t c = 0, t = 0;
    const char *p = norm;
    while (*p) {
        char word[MATCH_NAME_MAX + 1], ws[2 * MATCH_NAME_MAX + 2];
        size_t w = 0;
        while (*p && *p != ' ') {
            compact[c++] = *p;
            word[w++] = *p++;
        }
        word[w] = '\0';
        if (*p == ' ') p++;
        mnorm_skeleton(word, ws);
        size_t k = strlen(ws);
        if (t) tok[t++] = ' ';
        memcpy(tok + t, ws, k);
        t += k;
    }
    compact[c] = '\0';
    tok[t] = '\0';
    mnorm_skeleton(norm, skel);
    const char *src[4] = {norm, compact, skel, tok};
    const char **dst[4] = {&f->norm, &f->compact, &f->skel, &f->tokskel};
    for (int i = 0; i < 4; i++) {
        size_t k = strlen(src[i]);
        memcpy(buf + *o, src[i], k + 1);
        *dst[i] = buf + *o;
        *o += k + 1;
    }
    f->h_compact = mhash(f->compact);
    f->h_skel = mhash(f->skel);
    f->lcompact = (uint16_t)strlen(f->compact);
    f->lskel = (uint16_t)strlen(f->skel);
    f->bits_c = letter_bits(f->compact);
    f->bits_s = letter_bits(f->skel);
    f->multi = strchr(f->tokskel, ' ') != NULL;
}

static bool valid_date(int y, int m, int d) {
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y == 0) return m == 0 && d == 0;
    if (y < 1900 || y > 2100 || m < 0 || m > 12 || d < 0 || d > 31) return false;
    if (m == 0) return d == 0;
    if (d > days[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

/* The native form of the names beside Latin ones: first word given, the rest family. */
static herr *native_build(const char *native, mrec *out) {
    char nn[MATCH_NAME_MAX + 1], gn[MATCH_NAME_MAX + 1], fn[MATCH_NAME_MAX + 1] = "";
    uint8_t script = SCRIPT_LATIN;
    herr *e = mnorm_name(native, nn, &script);
    if (e || !nn[0]) return e;
    char *sp = strchr(nn, ' ');
    if (sp) {
        *sp = '\0';
        snprintf(fn, sizeof fn, "%s", sp + 1);
    }
    snprintf(gn, sizeof gn, "%s", nn);
    mnative *v = mem_alloc(sizeof *v);
    v->buf = mem_alloc(7 * (strlen(gn) + strlen(fn)) + 32);
    size_t o = 0;
    field_build(gn, v->buf, &o, &v->given);
    field_build(fn, v->buf, &o, &v->family);
    v->script = script;
    out->native = v;
    return NULL;
}

herr *mrec_build(const match_record *r, mrec *out) {
    char gn[MATCH_NAME_MAX + 1], fn[MATCH_NAME_MAX + 1];
    uint8_t sg = SCRIPT_LATIN, sf = SCRIPT_LATIN;
    herr *e = NULL;
    memset(out, 0, sizeof *out);
    const char *id = r->id ? r->id : "";
    if (strlen(id) > 63) return err_invalid("id", "id is longer than 63 bytes");
    char sex = (char)toupper((unsigned char)r->sex);
    if (sex && sex != 'M' && sex != 'F' && sex != 'X')
        return err_with(err_invalid("sex", "sex must be M, F or X"), "one_of", (const char *)NULL);
    if (!valid_date(r->birth_year, r->birth_month, r->birth_day))
        return err_invalid("birth_date", "birth date is not a real date");
    e = mnorm_name(r->given_name, gn, &sg);
    if (!e) e = mnorm_name(r->family_name, fn, &sf);
    bool latin = gn[0] || fn[0];
    if (!e && !latin && r->native_name && r->native_name[0]) {
        /* Only a native-script name: its first word is taken as the given name. */
        char nn[MATCH_NAME_MAX + 1];
        e = mnorm_name(r->native_name, nn, &sg);
        char *sp = strchr(nn, ' ');
        if (sp) {
            *sp = '\0';
            snprintf(fn, sizeof fn, "%s", sp + 1);
        }
        snprintf(gn, sizeof gn, "%s", nn);
    }
    if (!e && latin && r->native_name && r->native_name[0]) e = native_build(r->native_name, out);
    if (e) {
        snprintf(e->field, sizeof e->field, "%s", "name");
        mrec_clear(out);
        return e;
    }
    size_t cap = strlen(id) + 1 + 7 * (strlen(gn) + strlen(fn)) + 32;
    out->buf = mem_alloc(cap);
    size_t o = strlen(id) + 1;
    memcpy(out->buf, id, o);
    out->id = out->buf;
    field_build(gn, out->buf, &o, &out->given);
    field_build(fn, out->buf, &o, &out->family);
    out->script = sg != SCRIPT_LATIN ? sg : sf;
    out->year = (int16_t)r->birth_year;
    if (r->birth_year) {
        out->year_only = r->precision == MATCH_DATE_YEAR || r->precision == MATCH_DATE_ESTIMATED ||
                         r->birth_month == 0 || r->birth_day == 0 ||
                         (r->birth_month == 1 && r->birth_day == 1);
        if (!out->year_only) {
            out->month = (int8_t)r->birth_month;
            out->day = (int8_t)r->birth_day;
        }
    }
    out->estimated = r->birth_year && r->precision == MATCH_DATE_ESTIMATED;
    for (size_t i = 0; i < r->n_documents && i < MATCH_MAX_DOCUMENTS; i++) {
        const match_document *d = &r->documents[i];
        if (!d->type || !d->type[0] || !d->number || !d->number[0]) continue;
        if (!out->docs) out->docs = mem_alloc(sizeof *out->docs);
        uint8_t k = out->docs->n++;
        out->docs->type[k] = mhash(d->type);
        out->docs->country[k] = d->country && d->country[0] ? mhash(d->country) : 0;
        out->docs->number[k] = mhash(d->number);
    }
    out->sex = sex == 'X' ? 0 : sex;
    if (r->citizenship && r->citizenship[0] && strcasecmp(r->citizenship, "unknown") != 0) {
        size_t k = 0;
        for (const char *p = r->citizenship; *p && k + 1 < sizeof out->cit; p++)
            out->cit[k++] = (char)toupper((unsigned char)*p);
        out->cit[k] = '\0';
    }
    return NULL;
}

static uint32_t letter_bits(const char *s) {
    uint32_t m = 0;
    for (; *s; s++) {
        unsigned c = (unsigned char)*s;
        unsigned bit = c >= 'a' && c <= 'z' ? c - 'a'
                       : c == 'A'           ? 26
                       : c == 'I'           ? 27
                       : c == 'J'           ? 28
                                            : 29;
        m |= 1u << bit;
    }
    return m;
}

void msketch_of(const mfield *f, msketch *k) {
    k->c = f->bits_c;
    k->s = f->bits_s;
    k->lc = (uint8_t)(f->lcompact < 255 ? f->lcompact : 255);
    k->ls = (uint8_t)(f->lskel < 255 ? f->lskel : 255);
    k->multi = f->multi;
    memset(k->pc, 0, sizeof k->pc);
    memset(k->ps, 0, sizeof k->ps);
    memcpy(k->pc, f->compact, f->lcompact < 4 ? f->lcompact : 4);
    memcpy(k->ps, f->skel, f->lskel < 4 ? f->lskel : 4);
}

void mhot_of(const mrec *r, mhot *out) {
    memset(out, 0, sizeof *out);
    out->hg = r->given.skel[0] ? (uint32_t)r->given.h_skel | 1 : 0;
    out->hf = r->family.skel[0] ? (uint32_t)r->family.h_skel | 1 : 0;
    out->hc = r->cit[0] ? (uint32_t)mhash(r->cit) | 1 : 0;
    out->year = r->year;
    out->month = r->month;
    out->day = r->day;
    out->year_only = r->year_only;
    out->sex = r->sex;
    out->native = r->native != NULL;
    out->docs = r->docs != NULL;
    msketch_of(&r->given, &out->g);
    msketch_of(&r->family, &out->f);
}

double mdocs_bits(const mrec *a, const mrec *b, int *level) {
    bool differ = false;
    *level = 0;
    if (!a->docs || !b->docs) return 0;
    for (int i = 0; i < a->docs->n; i++)
        for (int j = 0; j < b->docs->n; j++) {
            if (a->docs->type[i] != b->docs->type[j]) continue;
            uint64_t ca = a->docs->country[i], cb = b->docs->country[j];
            if (ca && cb && ca != cb) continue; /* another country's document */
            if (a->docs->number[i] == b->docs->number[j]) {
                *level = 1;
                return MDOC_AGREE_BITS;
            }
            if (ca && cb) differ = true;
        }
    if (!differ) return 0;
    *level = -1;
    return MDOC_DIFFER_BITS;
}

void mrec_clear(mrec *r) {
    mem_free(r->docs);
    if (r->native) mem_free(r->native->buf);
    mem_free(r->native);
    mem_free(r->buf);
    memset(r, 0, sizeof *r);
}

size_t mrec_memory(const mrec *r) {
    if (!r->buf) return 0;
    const char *end = r->family.tokskel + strlen(r->family.tokskel) + 1;
    size_t n = (size_t)(end - r->buf);
    if (r->docs) n += sizeof *r->docs;
    if (r->native) {
        const mfield *f = &r->native->family;
        n += sizeof *r->native + (size_t)(f->tokskel + strlen(f->tokskel) + 1 - r->native->buf);
    }
    return n;
}
