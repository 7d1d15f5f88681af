/* Name normalisation and phonetic skeletons.
 *
 * A name goes through three steps:
 *  1. transliteration to lower-case ASCII with ICU and the rules in
 *     data/match_translit.txt (NFKC, case fold, name-aware Cyrillic/Arabic/Persian
 *     tables, ICU Any-Latin for the rest, diacritics removed). Plain ASCII input, the
 *     common case, skips ICU.
 *  2. word rules for particles: the articles al/el/ul are dropped, abd/abdul/abdel,
 *     abu and bin/ibn are joined with the next word, and a joined "abdul..." prefix is
 *     written "abd", so "Abd al-Rahman", "Abdul Rahman" and "Abdulrahman" agree.
 *  3. the skeleton: consonant classes of the compact name (kh=h, q=k, w=v, p=b, j=dž,
 *     ph=f, dh=z), vowels dropped except a leading one ("A") and diphthongs and final
 *     i/y ("I", which keeps Hussain apart from Hassan), doubled letters collapsed and a
 *     final d read as t, so Mohammad, Muhammad, Mohamed and Mehmed give "mhmt".
 *
 * ICU transliterators are not safe to share between threads, so a small pool of
 * clones is kept behind a mutex. */
#include <pthread.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "core/embedded.h"
#include "core/mem.h"
#include "core/text.h"
#include "match/match_internal.h"

#define POOL_MAX 16

/* Transliterators are not thread-safe: each thread takes one from the pool (or a
 * clone of master) and gives it back. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *master;         /* guarded by pool_lock */
static UTransliterator *pool[POOL_MAX]; /* guarded by pool_lock */
static int pool_n;                      /* guarded by pool_lock */

static herr *translit_take(UTransliterator **out) {
    herr *e = NULL;
    UChar *rules = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool_n > 0) {
        *out = pool[--pool_n];
        goto cleanup;
    }
    UErrorCode st = U_ZERO_ERROR;
    if (!master) {
        size_t len = 0;
        const char *text = embedded_find("match_translit.txt", &len);
        if (!text) {
            e = err_new(ERR_INTERNAL, NULL, "data/match_translit.txt is missing");
            goto cleanup;
        }
        int32_t ulen = 0;
        rules = mem_alloc((len + 1) * sizeof(UChar));
        u_strFromUTF8(rules, (int32_t)len + 1, &ulen, text, (int32_t)len, &st);
        UParseError pe;
        UChar id[] = {'h', 'a', 'v', 'e', 'n', '-', 'n', 'a', 'm', 'e', 's', 0};
        if (U_SUCCESS(st)) master = utrans_openU(id, -1, UTRANS_FORWARD, rules, ulen, &pe, &st);
        if (U_FAILURE(st)) {
            master = NULL;
            e = err_new(ERR_INTERNAL, NULL, "name transliteration rules: %s (line %d)",
                        u_errorName(st), (int)pe.line);
            goto cleanup;
        }
    }
    *out = utrans_clone(master, &st);
    if (U_FAILURE(st)) e = err_new(ERR_INTERNAL, NULL, "ICU clone failed: %s", u_errorName(st));
cleanup:
    pthread_mutex_unlock(&pool_lock);
    mem_free(rules);
    return e;
}

static void translit_give(UTransliterator *t) {
    pthread_mutex_lock(&pool_lock);
    if (pool_n < POOL_MAX) {
        pool[pool_n++] = t;
        t = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (t) utrans_close(t);
}

void match_shutdown(void) {
    pthread_mutex_lock(&pool_lock);
    while (pool_n > 0) utrans_close(pool[--pool_n]);
    if (master) utrans_close(master);
    master = NULL;
    pthread_mutex_unlock(&pool_lock);
}

/* Script of the first non-Latin letter, by code point block. */
static uint8_t detect_script(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        unsigned cp = 0;
        int n = 0;
        if ((*p & 0xe0) == 0xc0)
            cp = *p & 0x1f, n = 1;
        else if ((*p & 0xf0) == 0xe0)
            cp = *p & 0x0f, n = 2;
        else
            cp = *p & 0x07, n = 3;
        p++;
        for (int k = 0; k < n && (*p & 0xc0) == 0x80; k++, p++) cp = (cp << 6) | (*p & 0x3f);
        if (cp >= 0x400 && cp <= 0x52f) return SCRIPT_CYRILLIC;
        if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) ||
            (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff))
            return SCRIPT_ARABIC;
        if (cp >= 0x370 && !(cp >= 0x1e00 && cp <= 0x1eff) && !(cp >= 0x2000 && cp <= 0x206f) &&
            cp != 0x2bf && cp != 0x2be && cp != 0x2bc)
            return SCRIPT_OTHER;
    }
    return SCRIPT_LATIN;
}

/* Runs the ICU rules over " " + s; writes lower-case text (may hold spaces, hyphens). */
static herr *transliterate(const char *s, char *out, size_t out_size) {
    herr *e = NULL;
    UTransliterator *t = NULL;
    UChar *buf = NULL;
    UErrorCode st = U_ZERO_ERROR;
    size_t n = strlen(s);
    int32_t cap = (int32_t)(n * 4 + 16), len = 0;
    bool bad_utf8 = false;
    e = translit_take(&t);
    if (e) goto cleanup;
    /* NFKC alone can make 18 characters of one (U+FDFA), and transliteration adds more:
     * on overflow start again with a larger buffer (found by fuzz_names). */
    for (int attempt = 0; attempt < 4; attempt++, cap *= 4) {
        st = U_ZERO_ERROR;
        mem_free(buf);
        buf = mem_alloc((size_t)cap * sizeof(UChar));
        buf[0] = ' ';
        u_strFromUTF8(buf + 1, cap - 1, &len, s, (int32_t)n, &st);
        if ((bad_utf8 = U_FAILURE(st))) break;
        len += 1;
        int32_t limit = len;
        utrans_transUChars(t, buf, &len, cap, 0, &limit, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR) break;
    }
    translit_give(t);
    if (bad_utf8) {
        e = err_invalid("name", "name is not valid UTF-8");
        goto cleanup;
    }
    if (U_FAILURE(st)) {
        e = err_new(ERR_INTERNAL, NULL, "transliteration failed: %s", u_errorName(st));
        goto cleanup;
    }
    int32_t n8 = 0;
    u_strToUTF8(out, (int32_t)out_size - 1, &n8, buf, len, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) {
        n8 = (int32_t)out_size - 1;
        st = U_ZERO_ERROR;
    }
    if (U_FAILURE(st)) n8 = 0;
    out[n8] = '\0';
cleanup:
    mem_free(buf);
    return e;
}

/* Lower-case ASCII letters kept, apostrophes and non-ASCII bytes (left-over marks such
 * as the ayn) dropped, anything else becomes a word break. */
static size_t split_words(const char *s, char words[][MATCH_NAME_MAX + 1], size_t max) {
    size_t n = 0, len = 0;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z') {
            if (n < max && len < MATCH_NAME_MAX) words[n][len++] = (char)c;
            continue;
        }
        if (c == '\'' || c == '`' || c >= 0x80) continue;
        if (len > 0 && n < max) {
            words[n][len] = '\0';
            n++;
        }
        len = 0;
        if (!c) break;
    }
    return n;
}

static bool in_list(const char *w, const char *const *list) {
    for (; *list; list++)
        if (!strcmp(w, *list)) return true;
    return false;
}

static const char *const articles[] = {"al", "el", "ul", "ar", "as", "ash", "ad",
                                       "at", "az", "an", "ud", "ur", NULL};
static const char *const joiners[] = {"abd",  "abdul", "abdel", "abdal", "abdol", "abdoul",
                                      "abdu", "abu",   "abou",  "abo",   "bin",   "ibn",
                                      "bn",   "ben",   "bint",  "bou",   "bu",    NULL};
/* Longest first: the prefix is rewritten "abd". */
static const char *const abd_prefixes[] = {"abdoul", "abdul", "abdel", "abdal",
                                           "abdol",  "abdu",  NULL};
/* Abbreviations registrars write for Muhammad. */
static const char *const muhammad_short[] = {"md", "mohd", "muhd", "mhd", NULL};

/* Rewrites until nothing changes, so that a normal form normalises to itself: "abd" +
 * "ulaziz" is "abdulaziz" again, whose prefix goes too (found by fuzz_names). */
static void canonical_word(char *w) {
    if (in_list(w, muhammad_short)) {
        strcpy(w, "muhammad");
        return;
    }
    for (bool again = true; again;) {
        again = false;
        for (const char *const *p = abd_prefixes; *p && !again; p++) {
            size_t k = strlen(*p);
            if (!strncmp(w, *p, k) && strlen(w + k) >= 3) {
                memmove(w + 3, w + k, strlen(w + k) + 1);
                again = true;
            }
        }
    }
}

/* Applies the particle rules to words and writes them space-separated into out. */
static void join_particles(char words[][MATCH_NAME_MAX + 1], size_t n, char *out) {
    char joined[MATCH_NAME_MAX + 1];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && in_list(words[i], articles)) continue;
        const char *w = words[i];
        joined[0] = '\0';
        /* A joiner takes the next word (skipping an article between them); so does a
         * joined word that is itself a joiner ("abd" + "ul" is "abdul"), or the normal
         * form would join again when normalised (found by fuzz_names). */
        while (i + 1 < n && (in_list(w, joiners) || in_list(joined, joiners))) {
            size_t j = i + 1;
            if (j + 1 < n && in_list(words[j], articles)) j++;
            const char *head = !strcmp(w, "ibn") || !strcmp(w, "bn") ? "bin" : w;
            if (strlen(joined) + strlen(words[j]) + 4 > MATCH_NAME_MAX) break;
            if (!joined[0]) strcpy(joined, head);
            strcat(joined, words[j]);
            i = j;
            w = words[j];
        }
        char word[MATCH_NAME_MAX + 1];
        strcpy(word, joined[0] ? joined : w);
        canonical_word(word);
        size_t k = strlen(word);
        if (o + k + 2 > MATCH_NAME_MAX) break;
        if (o) out[o++] = ' ';
        memcpy(out + o, word, k + 1);
        o += k;
    }
}

static bool is_ascii(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

herr *mnorm_name(const char *name, char *out, uint8_t *script) {
    char latin[4 * MATCH_NAME_MAX + 8];
    char words[16][MATCH_NAME_MAX + 1];
    out[0] = '\0';
    *script = SCRIPT_LATIN;
    if (!name || !name[0]) return NULL;
    size_t len = strlen(name);
    if (!text_utf8_valid(name, len)) return err_invalid("name", "name is not valid UTF-8");
    if (is_ascii(name)) {
        snprintf(latin, sizeof latin, "%s", name);
    } else {
        *script = detect_script(name);
        /* Very long input is cut: no real name needs more. */
        char cut[4 * MATCH_NAME_MAX + 8];
        snprintf(cut, sizeof cut, "%s", name);
        size_t k = strlen(cut);
        if (k < len) { /* cut inside a character: drop its partial bytes */
            while (k > 0 && ((unsigned char)cut[k - 1] & 0xc0) == 0x80) k--;
            if (k > 0 && (unsigned char)cut[k - 1] >= 0xc0) cut[k - 1] = '\0';
        }
        herr *e = transliterate(cut, latin, sizeof latin);
        if (e) return e;
    }
    size_t n = split_words(latin, words, 16);
    join_particles(words, n, out);
    return NULL;
}

static bool vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

void mnorm_skeleton(const char *s, char *out) {
    size_t o = 0, n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i], nx = s[i + 1];
        char k = 0;
        if (c == ' ') continue; /* a word break only stops digraphs ("muhamed huseini") */
        if (vowel(c) && c != 'y') {
            if (i == 0)
                k = 'A';
            else if ((nx == 'i' || nx == 'y') && c != 'i') {
                k = 'I';
                i++;
                while (i + 1 < n && vowel(s[i + 1])) i++;
            } else if (i + 1 == n && c == 'i')
                k = 'I';
            else if (i + 1 == n - 1 && c == 'e' && nx == 'e')
                k = 'I', i++;
            else
                continue;
        } else if (c == 'y') {
            if (i == 0)
                k = 'J';
            else if (i + 1 == n || (i > 0 && vowel(s[i - 1])))
                k = 'I';
            else
                continue;
        } else if (c == 'k' && nx == 'h')
            k = 'h', i++;
        else if (c == 'g' && nx == 'h')
            k = 'g', i++;
        else if (c == 'p' && nx == 'h')
            k = 'f', i++;
        else if (c == 's' && nx == 'h')
            k = 's', i++;
        else if (c == 'z' && nx == 'h')
            k = 'z', i++;
        else if (c == 'c' && nx == 'h')
            k = 'c', i++;
        else if (c == 't' && nx == 'h')
            k = 't', i++;
        else if (c == 'd' && nx == 'h')
            k = 'z', i++;
        else if (c == 'd' && nx == 'j')
            k = 'J', i++;
        else if (c == 'c' && nx == 'k')
            k = 'k', i++;
        else if (c == 'c')
            k = 'c'; /* c, ch, č and ć are one sound class in the region */
        else if (c == 'j')
            k = 'J';
        else if (c == 'q')
            k = 'k';
        else if (c == 'w')
            k = 'v';
        else if (c == 'p')
            k = 'b';
        else if (c == 'x') {
            if (o == 0 || out[o - 1] != 'k') out[o++] = 'k';
            k = 's';
        } else if (c == 'h' && i + 1 == n && o >= 2)
            continue; /* Abdullah, Fatimah */
        else
            k = c;
        if (o > 0 && out[o - 1] == k) continue;
        out[o++] = k;
    }
    if (o > 1 && out[o - 1] == 'd') out[o - 1] = 't';
    out[o] = '\0';
}

uint64_t mhash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return mhash_mix(h, 0);
}

uint64_t mhash_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

herr *match_normalize_name(const char *name, char **out) {
    char buf[MATCH_NAME_MAX + 1];
    uint8_t script;
    *out = NULL;
    herr *e = mnorm_name(name, buf, &script);
    if (e) return e;
    *out = mem_strdup(buf);
    return NULL;
}

herr *match_phonetic_key(const char *name, char **out) {
    char buf[MATCH_NAME_MAX + 1], skel[2 * MATCH_NAME_MAX + 2];
    uint8_t script;
    *out = NULL;
    herr *e = mnorm_name(name, buf, &script);
    if (e) return e;
    mnorm_skeleton(buf, skel);
    *out = mem_strdup(skel);
    return NULL;
}
