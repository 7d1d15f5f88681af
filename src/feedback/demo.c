/* A month of complaints and feedback at the demo's sites (boxes, hotline, in person,
 * feedback sessions), in every state, some past their deadline; two PSEA reports; and a
 * round of the satisfaction survey (600 people a year in 2023: about fifty a month).
 * Written through the module's own functions, so validated, sealed and audited. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "feedback/feedback.h"
#include "registry/registry.h"

typedef struct {
    uint64_t state;
} demo_rng;

static double unit(demo_rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}
static int below(demo_rng *r, int n) { return (int)(unit(r) * n); }

static const struct {
    const char *category, *kind, *summary;
} notes[] = {
    {"food", "complaint", "The rice is cold at dinner and portions are small."},
    {"food", "suggestion", "Could there be tea in the afternoon?"},
    {"wash", "complaint", "No hot water in the showers of container 12 since Monday."},
    {"shelter", "complaint", "The heating in the dormitory does not work at night."},
    {"health", "complaint", "Waited two days to see the doctor about my foot."},
    {"information", "feedback", "We do not know when the asylum interview will be."},
    {"safety", "complaint", "Fights near the gate at night; residents are afraid."},
    {"staff_conduct", "complaint", "A guard shouted at people in the food queue."},
    {"services", "suggestion", "Please more English classes, the room is full."},
    {"appreciation", "appreciation", "Thank you to the nurse who helped my son."},
};
static const char *const channels[] = {"box", "box", "box", "hotline", "in_person", "focus_group"};
static const char *const languages[] = {"fa", "ps", "ar", "ur", "en", "fr"};

static herr *one_item(store *s, const actor *a, demo_rng *r, const char *site, int64_t now) {
    int k = below(r, sizeof notes / sizeof notes[0]);
    int64_t at = now - (int64_t)(unit(r) * 30 * 86400);
    char when[CLOCK_ISO_LEN];
    clock_format_iso(at, when);
    bool anonymous = unit(r) < 0.6;
    json_t *in = json_pack(
        "{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "site_id", site, "channel", channels[below(r, 6)],
        "category", notes[k].category, "kind", notes[k].kind, "anonymous", anonymous, "language",
        languages[below(r, 6)], "summary", notes[k].summary, "received_at", when);
    if (!anonymous) json_object_set_new(in, "contact", json_string("via the information desk"));
    json_t *out = NULL;
    herr *e = feedback_create(s, a, in, &out);
    json_decref(in);
    if (e) return e;
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    /* Older items have moved further; a few are left past their deadline. */
    double age = (double)(now - at) / 86400.0, x = unit(r);
    static const char *const steps[][2] = {
        {"acknowledge", NULL},
        {"respond", "Raised with camp management; a fix is planned this week."},
        {"close", "Fixed; the answer was posted on the notice board."},
    };
    int n_steps = age < 2 ? (x < 0.5) : age < 10 ? 1 + (x < 0.6) : x < 0.85 ? 3 : 0;
    for (int i = 0; i < n_steps && !e; i++) {
        json_t *step = json_pack("{s:s}", "action", steps[i][0]);
        if (steps[i][1]) json_object_set_new(step, "text", json_string(steps[i][1]));
        if (i == 2) json_object_set_new(step, "loop", json_string("posted_publicly"));
        e = feedback_act(s, a, id, step, &out);
        json_decref(step);
        json_decref(out);
        out = NULL;
    }
    return e;
}

static herr *survey(store *s, const actor *a, demo_rng *r, const char *site, int64_t now,
                    double mood) {
    static const char *const ids[] = {"food", "shelter", "hygiene", "safety", "staff"};
    static const char *const priorities[] = {"food", "clothes", "information", "activities",
                                             "health"};
    json_t *answers = json_object();
    for (int i = 0; i < 5; i++) {
        int v = (int)(mood + unit(r) * 2.0 - 0.5 + (i == 1 ? -0.6 : 0));
        json_object_set_new(answers, ids[i], json_integer(v < 1 ? 1 : v > 5 ? 5 : v));
    }
    json_object_set_new(answers, "informed", json_boolean(unit(r) < 0.7));
    json_object_set_new(answers, "priority", json_string(priorities[below(r, 5)]));
    char when[CLOCK_ISO_LEN];
    clock_format_iso(now - (int64_t)(unit(r) * 30 * 86400), when);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:o}", "form", "satisfaction", "site_id", site,
                           "language", languages[below(r, 6)], "answered_at", when, "answers",
                           answers),
           *out = NULL;
    herr *e = feedback_survey_answer(s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

herr *feedback_demo_load(store *s, unsigned long long seed) {
    actor a;
    actor_system(&a, "demo");
    demo_rng r = {seed ^ 0xfeedull};
    json_t *sites = NULL;
    herr *e = registry_site_list(s, &a, &sites);
    if (e) return e;
    int64_t now = clock_now();
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(sites, "items"), i, site) {
        const char *sid = json_str(site, "id");
        for (int k = 0; k < 25 && !e; k++) e = one_item(s, &a, &r, sid, now);
        for (int k = 0; k < 12 && !e; k++) e = survey(s, &a, &r, sid, now, 3.0 + (double)i * 0.3);
        if (e) break;
    }
    /* Two PSEA reports, as a desk or the hotline would take them. */
    static const char *const psea[] = {
        "A resident says a man who works at the kitchen asked her for sex in exchange for "
        "extra food.",
        "An anonymous caller says a volunteer offered money to a boy for photographs.",
    };
    for (size_t k = 0; k < 2 && !e && json_array_size(json_object_get(sites, "items")); k++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:b,s:s}", "site_id",
                               json_str(json_array_get(json_object_get(sites, "items"), k), "id"),
                               "channel", k ? "hotline" : "in_person", "summary", psea[k],
                               "anonymous", k == 1, "language", k ? "ar" : "fa"),
               *out = NULL;
        e = feedback_psea_record(s, &a, in, &out);
        json_decref(in);
        json_decref(out);
    }
    json_decref(sites);
    return e;
}
