/* Protection input (screening, consent, referral and case bodies): a request body
 * through protection_screening_create and protection_consent_record for the world's
 * person, protection_referral_create and protection_case_open, as a protection
 * officer of site 0, on the shared database with the test key loaded. Invariants: as
 * fuzz_person. */
#include <stdint.h>

#include "fuzzutil.h"
#include "protection/protection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    json_t *body = fuzz_body(data, size);
    if (!body) return 0;
    json_t *out = NULL;
    fuzz_check_err(protection_screening_create(w->s, &w->protection, w->person, body, &out));
    fuzz_check_json("screening", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(protection_consent_record(w->s, &w->protection, w->person, body, &out));
    fuzz_check_json("consent", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(protection_referral_create(w->s, &w->protection, body, &out));
    fuzz_check_json("referral", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(protection_case_open(w->s, &w->protection, body, &out));
    fuzz_check_json("case", out);
    json_decref(out);
    json_decref(body);
    return 0;
}
