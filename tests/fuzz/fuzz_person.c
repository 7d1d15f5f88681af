/* Person registration input (POST /api/v1/persons, PATCH /api/v1/persons/{id}, the
 * desk's candidate check): a request body through the registry's real validators and
 * writes, on the shared fuzz database. Invariants: every error names its field and can
 * be sent as JSON; every answer can be sent as JSON. */
#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "fuzzutil.h"
#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    json_t *body = fuzz_body(data, size);
    if (!body) return 0;
    json_t *out = NULL;
    fuzz_check_err(registry_find_candidates(w->s, &w->registrar, body, NULL, &out));
    fuzz_check_json("candidates", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(registry_person_register(w->s, &w->registrar, body, &out));
    fuzz_check_json("registration", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(registry_person_update(w->s, &w->admin, w->person, body, &out));
    fuzz_check_json("correction", out);
    json_decref(out);
    json_decref(body);
    return 0;
}
