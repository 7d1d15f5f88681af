/* Statistics input: the first line is a period as given in a URL
 * (/api/v1/stats/{period}/...), the rest a request body. The period goes through
 * stats_compute and stats_validate; period and body through stats_enter (PUT
 * /api/v1/stats/{period}); the body through stats_settings_set. As a statistician on
 * the shared database. Invariants: as fuzz_person. */
#include <stdint.h>
#include <string.h>

#include "core/mem.h"
#include "fuzzutil.h"
#include "stats/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    if (plen > 64) return 0; /* a URL segment the router would have cut long before */
    char *period = fuzz_cstr(data, plen);
    json_t *out = NULL;
    fuzz_check_err(stats_compute(w->s, &w->statistician, period, &out));
    fuzz_check_json("compute", out);
    json_decref(out);
    out = NULL;
    fuzz_check_err(stats_validate(w->s, NULL, period, &out));
    fuzz_check_json("validate", out);
    json_decref(out);
    out = NULL;
    json_t *body = nl ? fuzz_body(nl + 1, size - plen - 1) : NULL;
    if (body) {
        fuzz_check_err(stats_enter(w->s, &w->statistician, period, body, &out));
        fuzz_check_json("enter", out);
        json_decref(out);
        out = NULL;
        fuzz_check_err(stats_settings_set(w->s, &w->statistician, body, &out));
        fuzz_check_json("settings", out);
        json_decref(out);
        json_decref(body);
    }
    mem_free(period);
    return 0;
}
