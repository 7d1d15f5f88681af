/* Names in any script: the matching module's normalisation (ICU NFKC, case fold,
 * transliteration, particles), consonant skeletons, Jaro-Winkler, the search folding
 * of core/text.c, and a record with these names added to and queried from a match
 * index. Invariants: normalised names and folded text are lower-case ASCII words with
 * single spaces; normalisation and folding are idempotent; the skeleton of a name is
 * the skeleton of its normal form; similarity is in [0, 1] and 1 for a name with
 * itself. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "fuzzutil.h"
#include "match/match.h"

static void check_words(const char *what, const char *in, const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ',
                    "%s of '%s' has byte 0x%02x: '%s'", what, in, (unsigned char)c, s);
    }
    FUZZ_ASSERT(n == 0 || (s[0] != ' ' && s[n - 1] != ' ' && !strstr(s, "  ")),
                "%s of '%s' has stray spaces: '%s'", what, in, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 512) return 0;
    char *name = fuzz_cstr(data, size);
    bool valid = text_utf8_valid(name, strlen(name));
    char *norm = NULL, *again = NULL, *key = NULL, *key_norm = NULL, *fold = NULL, *fold2 = NULL;
    herr *e = match_normalize_name(name, &norm);
    if (e && e->code == ERR_INVALID && !valid) {
        err_free(e); /* invalid UTF-8 is refused, as it should be */
    } else {
        fuzz_check_err(e);
    }
    if (norm) {
        check_words("normal form", name, norm);
        fuzz_check_err(match_normalize_name(norm, &again));
        FUZZ_ASSERT(again && !strcmp(norm, again), "normalising '%s' twice: '%s' then '%s'", name,
                    norm, again ? again : "(error)");
        herr *ke = match_phonetic_key(name, &key);
        fuzz_check_err(ke);
        fuzz_check_err(match_phonetic_key(norm, &key_norm));
        if (key && key_norm)
            FUZZ_ASSERT(!strcmp(key, key_norm), "skeleton of '%s' is '%s', of its normal form '%s'",
                        name, key, key_norm);
        double jw = match_jaro_winkler(norm, norm);
        FUZZ_ASSERT(!norm[0] || fabs(jw - 1.0) < 1e-9, "jaro-winkler of '%s' with itself %f", norm,
                    jw);
        double jx = match_jaro_winkler(norm, name);
        FUZZ_ASSERT(jx >= 0.0 && jx <= 1.0, "jaro-winkler %f", jx);
    }
    if (valid) {
        fuzz_check_err(text_fold(name, &fold));
        if (fold) {
            check_words("folded text", name, fold);
            fuzz_check_err(text_fold(fold, &fold2));
            FUZZ_ASSERT(fold2 && !strcmp(fold, fold2), "folding '%s' twice: '%s' then '%s'", name,
                        fold, fold2 ? fold2 : "(error)");
        }
        /* The same name as a record: added, found again, removed. */
        match_index *ix = NULL;
        fuzz_check_err(match_index_new(&ix));
        match_record r = {.id = "a", .given_name = name, .family_name = name, .sex = 'M'};
        herr *ae = match_index_add(ix, &r);
        if (ae && ae->code == ERR_INVALID)
            err_free(ae); /* names the index cannot hold are refused with a reason */
        else
            fuzz_check_err(ae);
        match_candidate *c = NULL;
        size_t nc = 0;
        match_record q = {.given_name = name, .family_name = name, .sex = 'M'};
        herr *qe = match_index_query(ix, &q, 0.0, 3, &c, &nc);
        if (qe && qe->code == ERR_INVALID)
            err_free(qe);
        else
            fuzz_check_err(qe);
        for (size_t i = 0; i < nc; i++) {
            FUZZ_ASSERT(c[i].score >= 0.0 && c[i].score <= 1.0, "score %f", c[i].score);
            for (size_t k = 0; k < c[i].n_reasons; k++)
                fuzz_check_utf8("reason", c[i].reasons[k], strlen(c[i].reasons[k]));
        }
        mem_free(c);
        match_index_free(ix);
    }
    mem_free(norm);
    mem_free(again);
    mem_free(key);
    mem_free(key_norm);
    mem_free(fold);
    mem_free(fold2);
    mem_free(name);
    return 0;
}
