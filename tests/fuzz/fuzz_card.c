/* What the desk's card scanner or a registrar types (GET /api/v1/cards?reg_no=...): a
 * card's code or a registration number, through the documents module's real lookup on
 * the shared fuzz database (codes of the right shape reach the cards table; printing a
 * card here would load Pango and fontconfig, whose caches live to the exit; the unit
 * test covers a printed card's code). Invariants: every error names its field and can
 * be sent as JSON; an answer names the world's person, the only one there is. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "documents/documents.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    char *text = fuzz_cstr(data, size);
    json_t *out = NULL;
    herr *e = documents_card_lookup(w->s, &w->registrar, text, &out);
    if (!e) {
        fuzz_check_json("card", out);
        const char *id = json_string_value(json_object_get(out, "person_id"));
        if (!id || strcmp(id, w->person) != 0)
            FUZZ_ASSERT(0, "a lookup answered someone other than the world's person");
    }
    fuzz_check_err(e);
    json_decref(out);
    mem_free(text);
    return 0;
}
