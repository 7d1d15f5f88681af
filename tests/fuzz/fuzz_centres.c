/* The centres' request bodies: a body through distributions_give, distributions_bulk and
 * distributions_stock_move, feedback_create, feedback_psea_record and
 * feedback_survey_answer, sessions_create and sessions_training_create, on the shared
 * database (the distribution catalogue seeded once; stock received). "@item" and "@meal"
 * anywhere in the body become the ids of the hygiene kit and the meal. Invariants: as
 * fuzz_person, and the stock of the world's items always equals its ledger and is never
 * negative. */
#include <stdint.h>
#include <string.h>

#include "core/json.h"
#include "distributions/distributions.h"
#include "feedback/feedback.h"
#include "fuzzutil.h"
#include "sessions/sessions.h"

static char item_id[ID_LEN], meal_id[ID_LEN];

static void seed(fuzz_world *w) {
    if (item_id[0]) return;
    int added = 0;
    json_t *cat = NULL;
    FUZZ_ASSERT(!distributions_catalogue_seed(w->s, &added), "seed");
    FUZZ_ASSERT(!distributions_catalogue(w->s, false, &cat), "catalogue");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(cat, "items"), i, it) {
        if (!strcmp(json_str(it, "code"), "hygiene_kit"))
            snprintf(item_id, sizeof item_id, "%s", json_str(it, "id"));
        if (!strcmp(json_str(it, "code"), "meal"))
            snprintf(meal_id, sizeof meal_id, "%s", json_str(it, "id"));
    }
    json_decref(cat);
    const char *ids[] = {item_id, meal_id};
    for (int k = 0; k < 2; k++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", w->site[0], "item_id", ids[k],
                               "kind", "receipt", "quantity", 1000000),
               *out = NULL;
        FUZZ_ASSERT(!distributions_stock_move(w->s, &w->admin, in, &out), "receipt");
        json_decref(in);
        json_decref(out);
    }
}

/* Replaces "@item" and "@meal" string values anywhere in v. */
static void substitute(json_t *v) {
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (json_is_string(x) && !strcmp(json_string_value(x), "@item"))
                json_object_set_new(v, k, json_string(item_id));
            else if (json_is_string(x) && !strcmp(json_string_value(x), "@meal"))
                json_object_set_new(v, k, json_string(meal_id));
            else
                substitute(x);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) substitute(x);
    }
}

static void check_stock(fuzz_world *w) {
    json_t *out = NULL;
    FUZZ_ASSERT(!distributions_stock(w->s, &w->admin, NULL, &out), "stock");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it) {
        json_int_t q = json_integer_value(json_object_get(it, "quantity"));
        FUZZ_ASSERT(q >= 0, "negative stock %lld", (long long)q);
        FUZZ_ASSERT(q == json_integer_value(json_object_get(it, "ledger_sum")),
                    "stock %lld is not its ledger", (long long)q);
    }
    json_decref(out);
}

typedef herr *(*body_fn)(store *s, const actor *a, const json_t *in, json_t **out);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    seed(w);
    json_t *body = fuzz_body(data, size);
    if (!body) return 0;
    substitute(body);
    static const struct {
        const char *what;
        body_fn fn;
        int who; /* 0: registrar, 1: admin */
    } calls[] = {
        {"give", distributions_give, 0},        {"bulk", distributions_bulk, 0},
        {"stock", distributions_stock_move, 1}, {"feedback", feedback_create, 0},
        {"psea", feedback_psea_record, 0},      {"survey", feedback_survey_answer, 0},
        {"session", sessions_create, 0},        {"training", sessions_training_create, 1},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        json_t *out = NULL;
        fuzz_check_err(calls[i].fn(w->s, calls[i].who ? &w->admin : &w->registrar, body, &out));
        fuzz_check_json(calls[i].what, out);
        json_decref(out);
    }
    check_stock(w);
    json_decref(body);
    return 0;
}
