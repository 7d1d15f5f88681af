/* Photos and document numbers as outside input gives them: the bytes of an uploaded
 * file (documents_image_clean walks JPEG segments and PNG chunks) and a typed document
 * number (documents_number_normalize). Invariants: an accepted image is no longer than
 * the input, keeps its magic bytes and cleans again to itself (nothing left to remove, the
 * structure still whole); an accepted number is 3..30 of A-Z and 0-9 and normalises to
 * itself. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "documents/documents.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *out = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    documents_image_type type, type2;
    herr *e = documents_image_clean(data, size, &type, &out, &n);
    if (!e) {
        FUZZ_ASSERT(n <= size, "cleaned %zu > %zu", n, size);
        FUZZ_ASSERT(n >= 2 && !memcmp(out, data, 2), "magic bytes changed");
        herr *e2 = documents_image_clean(out, n, &type2, &again, &n2);
        FUZZ_ASSERT(!e2, "the cleaned image does not clean: %s", e2 ? e2->message : "");
        FUZZ_ASSERT(type2 == type && n2 == n && !memcmp(again, out, n),
                    "cleaning is not idempotent");
        mem_free(again);
        mem_free(out);
    } else {
        FUZZ_ASSERT(!out, "output on error");
        fuzz_check_err(e); /* frees it */
    }

    char *s = fuzz_cstr(data, size < 200 ? size : 200);
    char norm[DOCUMENTS_NUMBER_MAX + 1], back[DOCUMENTS_NUMBER_MAX + 1];
    e = documents_number_normalize("number", s, norm);
    if (!e) {
        size_t k = strlen(norm);
        FUZZ_ASSERT(k >= 3 && k <= DOCUMENTS_NUMBER_MAX, "length %zu", k);
        for (size_t i = 0; i < k; i++)
            FUZZ_ASSERT((norm[i] >= 'A' && norm[i] <= 'Z') || (norm[i] >= '0' && norm[i] <= '9'),
                        "character %d", norm[i]);
        herr *e2 = documents_number_normalize("number", norm, back);
        FUZZ_ASSERT(!e2 && !strcmp(back, norm), "not idempotent");
    } else {
        FUZZ_ASSERT(!strcmp(e->field, "number"), "field %s", e->field);
        fuzz_check_err(e);
    }
    mem_free(s);
    return 0;
}
