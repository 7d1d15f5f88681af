/* A year of return counselling and return cases at the demo's sites. The 2023 report
 * counts 1,658 individual counselling sessions, 290 people who expressed the intention to
 * return and 96 assisted voluntary returns to 23 countries; the demo keeps those
 * proportions at the scale of its residents (about one resident in four counselled, one
 * in five of them with a case, a third of the cases home). Written through the module's
 * own functions, so it is validated and audited like real work. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "registry/registry.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

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

static const char *const topic_sets[][3] = {
    {"avrr_programme", NULL, NULL},
    {"avrr_programme", "reintegration", NULL},
    {"eligibility", "travel_documents", NULL},
    {"avrr_programme", "family", "reintegration"},
    {"legal_options", "avrr_programme", NULL},
    {"medical", "travel_documents", NULL},
};

/* Embassies and partners by destination; others get a generic line. */
static const struct {
    const char *country, *embassy, *partner, *itinerary;
} missions[] = {
    {"TR", "Embassy of Türkiye, Sarajevo", "IOM Ankara", "SJJ-IST TK1024"},
    {"MA", "Embassy of the Kingdom of Morocco, Belgrade", "IOM Rabat", "SJJ-IST-CMN TK1022"},
    {"PK", "Embassy of Pakistan, Sarajevo", "IOM Islamabad", "SJJ-IST-ISB TK710"},
    {"DZ", "Embassy of Algeria, Belgrade", "IOM Algiers", "SJJ-IST-ALG TK653"},
    {"IN", "Embassy of India, Belgrade", "IOM New Delhi", "SJJ-IST-DEL TK716"},
    {"AF", "Embassy of Afghanistan, Vienna", "IOM Kabul", "SJJ-IST-DXB-KBL FZ305"},
    {"BD", "Embassy of Bangladesh, Vienna", "IOM Dhaka", "SJJ-IST-DAC TK712"},
    {"IQ", "Embassy of Iraq, Sarajevo", "IOM Erbil", "SJJ-IST-EBL TK1182"},
};

static int mission_of(const char *country) {
    for (size_t i = 0; i < sizeof missions / sizeof missions[0]; i++)
        if (!strcmp(missions[i].country, country)) return (int)i;
    return -1;
}

static const char *outcome_of(demo_rng *r, bool last) {
    double x = unit(r);
    if (!last) return x < 0.6 ? "information_only" : "considering";
    return x < 0.40   ? "information_only"
           : x < 0.62 ? "considering"
           : x < 0.80 ? "intention_expressed"
                      : "declined";
}

static herr *counsel(store *s, const actor *a, demo_rng *r, const char *counsellor,
                     const json_t *person, int64_t at, const char *outcome) {
    char when[CLOCK_ISO_LEN];
    clock_format_iso(at, when);
    const char *lang = json_string_value(json_array_get(json_object_get(person, "languages"), 0));
    const char *const *topics = topic_sets[below(r, 6)];
    json_t *list = json_array();
    for (int i = 0; i < 3 && topics[i]; i++) json_array_append_new(list, json_string(topics[i]));
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:s}", "person_id", json_str(person, "id"),
                           "held_at", when, "counsellor_id", counsellor, "language",
                           lang && codes_language_valid(lang) ? lang : "en", "topics", list,
                           "outcome", outcome, "mode", unit(r) < 0.05 ? "virtual" : "in_person");
    if (unit(r) < 0.7) json_object_set_new(in, "interpreter", json_string("Cultural mediator"));
    json_t *out = NULL;
    herr *e = returns_counselling_create(s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static herr *step(store *s, const actor *a, const char *id, const char *to, int64_t at,
                  json_t *details) {
    char when[CLOCK_ISO_LEN];
    clock_format_iso(at, when);
    json_t *in = json_pack("{s:s,s:s}", "to", to, "at", when), *out = NULL;
    if (details) json_object_set_new(in, "details", details);
    herr *e = returns_case_transition(s, a, id, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

/* The plan after arrival (small business 48%, housing 45%, medical 7% in 2023) and the
 * monitoring visits whose day has come. */
static herr *reintegrate(store *s, const actor *a, demo_rng *r, const char *id, const char *partner,
                         int64_t arrived, int64_t now) {
    double x = unit(r);
    json_t *in = json_pack("{s:s,s:i,s:s,s:s}", "kind",
                           x < 0.48   ? "business"
                           : x < 0.93 ? "housing"
                                      : "medical",
                           "budget_eur", 1500 + 100 * below(r, 16), "modality",
                           unit(r) < 0.8 ? "in_kind" : "mixed", "partner", partner),
           *out = NULL;
    herr *e = returns_plan_create(s, a, id, in, &out);
    json_decref(in);
    json_decref(out);
    static const int months[] = {3, 6, 12};
    json_t *questions = returns_monitoring_questions();
    for (int i = 0; i < 3 && !e; i++) {
        int64_t on = arrived + (int64_t)(months[i] * 30 + below(r, 10)) * 86400;
        if (on > now) break;
        char day[CLOCK_DATE_LEN];
        clock_format_date(on, day);
        json_t *answers = json_object();
        size_t k;
        json_t *q;
        json_array_foreach(questions, k, q) json_object_set_new(answers, json_str(q, "id"),
                                                                json_integer(unit(r) < 0.7   ? 2
                                                                             : unit(r) < 0.7 ? 1
                                                                                             : 0));
        in = json_pack("{s:i,s:s,s:o}", "month", months[i], "visited_on", day, "answers", answers);
        e = returns_visit_add(s, a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    json_decref(questions);
    return e;
}

/* Walks the case from opened onwards, a step every few days up to today; some stop on
 * the way (withdrawn, cancelled, or simply waiting). */
static herr *walk(store *s, const actor *a, demo_rng *r, const char *id, const char *dest,
                  int64_t opened, int64_t now) {
    int m = mission_of(dest);
    const char *embassy = m >= 0 ? missions[m].embassy : "Consulate of the country of origin";
    const char *partner = m >= 0 ? missions[m].partner : "IOM mission in the country of origin";
    const char *itinerary = m >= 0 ? missions[m].itinerary : "SJJ-IST, onward connection";
    const char *doc = unit(r) < 0.6 ? "laissez_passer" : "passport";
    static const int gap_days[] = {5, 7, 25, 6, 5, 10, 2};
    int stop = unit(r) < 0.2 ? 1 + below(r, 5) : 99; /* withdraws or is cancelled at step */
    int64_t at = opened;
    herr *e = NULL;
    char day[CLOCK_DATE_LEN];
    for (int i = 0; i < 7 && !e; i++) {
        at += (int64_t)(gap_days[i] + below(r, gap_days[i] + 1)) * 86400 + below(r, 6) * 3600;
        if (at > now) break;
        if (i == stop) {
            bool withdrawn = unit(r) < 0.7;
            return step(s, a, id, withdrawn ? "withdrawn" : "cancelled", at,
                        json_pack("{s:s}", "reason",
                                  withdrawn ? "Changed their mind: wants to continue the journey"
                                            : "No travel document could be obtained"));
        }
        clock_format_date(at, day);
        switch (i) {
        case 0: e = step(s, a, id, "eligibility_checked", at, NULL); break;
        case 1:
            e = step(s, a, id, "documents_requested", at,
                     json_pack("{s:s,s:s}", "embassy", embassy, "document_type", doc));
            break;
        case 2:
            e = step(s, a, id, "documents_issued", at,
                     json_pack("{s:s,s:s}", "embassy", embassy, "document_type", doc));
            break;
        case 3:
            e = step(s, a, id, "fit_to_travel", at,
                     json_pack("{s:s}", "medical_clearance",
                               unit(r) < 0.9 ? "fit" : "fit_with_assistance"));
            break;
        case 4:
            e = step(s, a, id, "travel_booked", at,
                     json_pack("{s:s,s:s}", "itinerary", itinerary, "escort",
                               unit(r) < 0.85 ? "none" : "medical"));
            break;
        case 5:
            e = step(s, a, id, "departed", at,
                     json_pack("{s:s,s:s}", "departure_date", day, "border_crossing",
                               "Sarajevo International Airport"));
            break;
        default:
            e = step(s, a, id, "arrived", at,
                     json_pack("{s:s,s:s}", "arrival_confirmed_by", partner, "arrival_date", day));
            if (!e) e = reintegrate(s, a, r, id, partner, at, now);
        }
    }
    return e;
}

/* One stay: perhaps counselled during it, perhaps a case after the last session. */
static herr *one_stay(store *s, const actor *a, demo_rng *r, const char *counsellor,
                      const json_t *stay, int64_t year_ago, int64_t now) {
    const json_t *person = json_object_get(stay, "person");
    int64_t from = year_ago, until = now, t;
    if (clock_parse_iso(json_str(stay, "checked_in_at"), &t) && t > from) from = t;
    if (clock_parse_iso(json_str(stay, "checked_out_at"), &t) && t < until) until = t;
    if (until - from < 2 * 86400) return NULL;
    int64_t at = from + (int64_t)below(r, (int)((until - from) / 2)) + 3600;
    int n = 1 + below(r, 3);
    const char *outcome = NULL;
    herr *e = NULL;
    for (int j = 0; j < n && !e && at < until; j++) {
        outcome = outcome_of(r, j == n - 1);
        e = counsel(s, a, r, counsellor, person, at, outcome);
        at += (int64_t)(2 + below(r, 12)) * 86400;
    }
    if (e || !outcome || strcmp(outcome, "intention_expressed")) return e;
    const char *dest = json_str(person, "citizenship");
    if (!dest || !codes_country_valid(dest)) return NULL;
    int64_t open_at = at - (int64_t)2 * 86400 + 7200; /* soon after the last session */
    if (open_at > now) return NULL;
    char opened[CLOCK_ISO_LEN];
    clock_format_iso(open_at, opened);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", json_str(person, "id"),
                           "destination_country", dest, "counsellor_id", counsellor, "opened_at",
                           opened, "site_id", json_str(stay, "site_id")),
           *out = NULL;
    e = returns_case_create(s, a, in, &out);
    json_decref(in);
    if (!e) e = walk(s, a, r, json_str(out, "id"), dest, open_at, now);
    json_decref(out);
    return e;
}

herr *returns_demo_load(store *s, unsigned long long seed) {
    actor a;
    actor_system(&a, "demo");
    demo_rng r = {seed ^ 0x7e7041ull};
    char counsellor[ID_LEN];
    json_t *seen = json_object();
    herr *e = auth_user_id(s, "counsellor", counsellor);
    int64_t now = clock_now(), year_ago = clock_day_start(now) - 365 * 86400;
    /* Every stay of the last year, a page at a time; each person counselled once. */
    for (int offset = 0; !e; offset += 500) {
        json_t *page = NULL;
        registry_stay_query q = {.open = REGISTRY_STAYS_ANY, .limit = 500, .offset = offset};
        if ((e = registry_stay_list(s, &a, &q, &page))) break;
        size_t k;
        json_t *stay;
        json_array_foreach(json_object_get(page, "items"), k, stay) {
            const char *pid = json_str(json_object_get(stay, "person"), "id");
            if (e || !pid || json_object_get(seen, pid) || unit(&r) > 0.25) continue;
            json_object_set_new(seen, pid, json_true());
            e = one_stay(s, &a, &r, counsellor, stay, year_ago, now);
        }
        size_t got = json_array_size(json_object_get(page, "items"));
        json_decref(page);
        if (got < 500) break;
    }
    json_decref(seen);
    if (!e) e = ret_demo_more(s, &a);
    return e;
}
