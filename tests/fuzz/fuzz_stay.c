/* Stay input (POST /api/v1/stays, POST /api/v1/stays/{id}/checkout): a request body
 * through check-out of the world's open stay and check-in, as a registrar. After each
 * input the world's person is checked in again if the input checked them out, so that
 * every input meets an open stay. Invariants: as fuzz_person. */
#include <stdint.h>
#include <stdio.h>

#include "core/json.h"
#include "fuzzutil.h"
#include "registry/registry.h"

static void reopen(fuzz_world *w) {
    json_t *in = json_pack("{s:s,s:s}", "person_id", w->person, "site_id", w->site[0]);
    json_t *out = NULL;
    herr *e = registry_stay_check_in(w->s, &w->admin, in, &out);
    FUZZ_ASSERT(!e, "cannot check the world's person in again: %s", e ? e->message : "");
    snprintf(w->stay, sizeof w->stay, "%s", json_str(out, "id"));
    json_decref(out);
    json_decref(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    json_t *body = fuzz_body(data, size);
    if (!body) return 0;
    json_t *out = NULL;
    herr *e = registry_stay_check_out(w->s, &w->registrar, w->stay, body, &out);
    bool closed = !e;
    fuzz_check_err(e);
    fuzz_check_json("check-out", out);
    json_decref(out);
    out = NULL;
    e = registry_stay_check_in(w->s, &w->registrar, body, &out);
    bool opened = !e;
    fuzz_check_err(e);
    fuzz_check_json("check-in", out);
    if (opened) {
        /* Whoever it was, check them out again so that the next input starts alike. */
        json_t *leave = json_pack("{s:s}", "reason", "moved_on");
        json_t *done = NULL;
        e = registry_stay_check_out(w->s, &w->admin, json_str(out, "id"), leave, &done);
        FUZZ_ASSERT(!e, "a stay just opened cannot be closed: %s", e ? e->message : "");
        json_decref(done);
        json_decref(leave);
    }
    json_decref(out);
    if (closed || opened) reopen(w);
    json_decref(body);
    return 0;
}
