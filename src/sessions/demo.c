/* A month of group sessions at the demo's sites, shaped like the 2023 report: legal
 * information sessions in Arabic, Farsi, Pashto, Urdu, French and English (about four
 * people each), mine-risk education (about ten), psychosocial groups, language classes,
 * complaint and feedback sessions and community meetings. Attendees are people checked
 * in at the site before the session; the rest of the room is an anonymous count.
 * Written through the module's own functions, so it is validated and audited. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sessions/sessions.h"

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

typedef struct {
    const char *kind;
    int per_week;              /* at each site */
    int registered, anonymous; /* typical numbers */
    const char *const *topics; /* NULL-terminated */
    const char *facilitator;
} demo_kind;

static const char *const legal_topics[] = {"Asylum procedure in Bosnia and Herzegovina",
                                           "Rights and obligations of residents",
                                           "Temporary protection and regular pathways", NULL};
static const char *const mine_topics[] = {"Mines and unexploded ordnance on the route", NULL};
static const char *const return_topics[] = {"Assisted voluntary return: how it works", NULL};
static const char *const psy_topics[] = {"Coping with stress", "Sleep and worry", NULL};
static const char *const lang_topics[] = {"English for beginners", "Bosnian: everyday words", NULL};
static const char *const feedback_topics[] = {"Food and meal times", "Hygiene and showers", NULL};
static const char *const community_topics[] = {"Residents' representatives meeting", NULL};

static const demo_kind kinds[] = {
    {"legal_information", 2, 3, 1, legal_topics, "Vaša prava BiH"},
    {"mine_risk_education", 1, 6, 4, mine_topics, "IOM mine-risk team"},
    {"return_information", 1, 4, 3, return_topics, "IOM AVRR counsellor"},
    {"psychosocial_group", 1, 5, 0, psy_topics, "IOM MHPSS team"},
    {"language_class", 2, 6, 6, lang_topics, "Volunteer teacher"},
    {"feedback_session", 1, 4, 8, feedback_topics, "Camp management"},
    {"community_meeting", 1, 3, 2, community_topics, "Camp management"},
};

static const char *const session_langs[] = {"ar", "fa", "ps", "ur", "fr", "en"};

static json_t *anonymous_counts(demo_rng *r, int n) {
    json_t *counts = json_array();
    int men = 0, women = 0, boys = 0;
    for (int i = 0; i < n; i++) {
        double x = unit(r);
        if (x < 0.86)
            men++;
        else if (x < 0.93)
            women++;
        else
            boys++;
    }
    if (men)
        json_array_append_new(
            counts, json_pack("{s:s,s:s,s:i}", "sex", "M", "age_group", "18-59", "count", men));
    if (women)
        json_array_append_new(
            counts, json_pack("{s:s,s:s,s:i}", "sex", "F", "age_group", "18-59", "count", women));
    if (boys)
        json_array_append_new(
            counts, json_pack("{s:s,s:s,s:i}", "sex", "M", "age_group", "12-17", "count", boys));
    return counts;
}

/* Residents of the site checked in before t, as person ids. */
static json_t *present_before(const json_t *residents, const char *t) {
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(residents, "items"), i, r) {
        const char *in = json_str(r, "checked_in_at");
        if (in && strcmp(in, t) < 0)
            json_array_append_new(ids, json_string(json_str(json_object_get(r, "person"), "id")));
    }
    return ids;
}

static herr *one_session(store *s, const actor *a, demo_rng *r, const demo_kind *k,
                         const char *site_id, const json_t *residents, int64_t at) {
    char when[CLOCK_ISO_LEN];
    clock_format_iso(at, when);
    int n_topics = 0;
    while (k->topics[n_topics]) n_topics++;
    const char *lang = !strcmp(k->kind, "language_class")      ? "en"
                       : !strcmp(k->kind, "legal_information") ? session_langs[below(r, 6)]
                                                               : session_langs[below(r, 3)];
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:o}", "kind", k->kind, "topic",
                           k->topics[below(r, n_topics)], "site_id", site_id, "starts_at", when,
                           "duration_minutes", 60 + 30 * below(r, 3), "facilitator", k->facilitator,
                           "language", lang, "counts",
                           anonymous_counts(r, k->anonymous ? below(r, 2 * k->anonymous + 1) : 0));
    if (strcmp(lang, "en") && unit(r) < 0.5) {
        json_object_set_new(in, "interpreter", json_string("Cultural mediator"));
        json_object_set_new(in, "interpreted_languages", json_pack("[s]", "bs"));
    }
    json_t *out = NULL, *present = present_before(residents, when), *pick = json_array();
    herr *e = sessions_create(s, a, in, &out);
    if (e) goto cleanup;
    int want = 1 + below(r, 2 * k->registered);
    size_t n = json_array_size(present);
    for (int i = 0; i < want && n; i++)
        json_array_append(pick, json_array_get(present, (size_t)below(r, (int)n)));
    if (json_array_size(pick)) {
        json_t *many = json_pack("{s:O}", "person_ids", pick), *res = NULL;
        e = sessions_attend_many(s, a, json_str(out, "id"), many, &res);
        json_decref(many);
        json_decref(res);
    }
cleanup:
    json_decref(in);
    json_decref(out);
    json_decref(present);
    json_decref(pick);
    return e;
}

/* ---- trainings for officials ------------------------------------------------------------ */

static const char *const given_f[] = {"Amela", "Jasmina", "Lejla",   "Milica",
                                      "Ivana", "Selma",   "Dragana", "Aida"};
static const char *const given_m[] = {"Emir",  "Nenad", "Adnan", "Goran",
                                      "Haris", "Dario", "Mirza", "Zoran"};
static const char *const family[] = {"Hodžić", "Petrović", "Begović",   "Kovačević", "Delić",
                                     "Marić",  "Šehić",    "Jovanović", "Mujić",     "Babić"};
static const struct {
    const char *name, *country;
} organisations[] = {
    {"Service for Foreigners' Affairs", "BA"},
    {"Border Police of BiH", "BA"},
    {"Ministry of Security", "BA"},
    {"Centre for Social Work Bihać", "BA"},
    {"Ministry of Interior of Serbia", "RS"},
    {"Police Directorate of Montenegro", "ME"},
};

static const struct {
    const char *title, *kind, *venue, *organiser;
    int days, participants;
    const char *agenda[4];
} trainings[] = {
    {"Identification of victims of trafficking in mixed migration flows",
     "workshop",
     "Hotel Hills, Sarajevo",
     "IOM Bosnia and Herzegovina",
     2,
     18,
     {"Indicators of trafficking", "Victim-centred interviewing", "Referral mechanisms",
      "Simulation exercise"}},
    {"Camp coordination and camp management",
     "training",
     "TRC Lipa, Bihać",
     "IOM and the Service for Foreigners' Affairs",
     1,
     14,
     {"Roles in a reception centre", "Data and registration", "Complaints and feedback", NULL}},
    {"Return counselling for children and families",
     "workshop",
     "Ministry of Security, Sarajevo",
     "IOM AVRR unit",
     1,
     21,
     {"Rights of the child in return", "Best interests assessment", "Family counselling", NULL}},
};

static herr *one_training(store *s, const actor *a, demo_rng *r, size_t k, int64_t today) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN];
    int64_t start = today - (int64_t)(3 + 9 * k + (size_t)below(r, 5)) * 86400;
    clock_format_date(start, from);
    clock_format_date(start + (trainings[k].days - 1) * 86400, to);
    json_t *in =
               json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "title", trainings[k].title, "kind",
                         trainings[k].kind, "starts_on", from, "ends_on", to, "venue",
                         trainings[k].venue, "organiser", trainings[k].organiser, "language", "bs"),
           *out = NULL;
    herr *e = sessions_training_create(s, a, in, &out);
    json_decref(in);
    if (e) return e;
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    for (int i = 0; i < 4 && trainings[k].agenda[i] && !e; i++) {
        char day[CLOCK_DATE_LEN], time[8];
        clock_format_date(start + (i * trainings[k].days / 4) * 86400, day);
        snprintf(time, sizeof time, "%02d:%02d", 9 + 2 * (i % 2), i % 2 ? 30 : 0);
        in = json_pack("{s:s,s:s,s:s,s:s}", "day", day, "time", time, "title",
                       trainings[k].agenda[i], "speaker", i % 2 ? "IOM expert" : "SFA trainer");
        e = sessions_training_agenda_add(s, a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    for (int i = 0; i < trainings[k].participants && !e; i++) {
        bool female = unit(r) < 0.46;
        size_t o = (size_t)below(r, 6);
        char name[80];
        snprintf(name, sizeof name, "%s %s", female ? given_f[below(r, 8)] : given_m[below(r, 8)],
                 family[below(r, 10)]);
        in = json_pack("{s:s,s:s,s:s,s:s,s:b}", "name", name, "organisation", organisations[o].name,
                       "country", organisations[o].country, "sex", female ? "F" : "M", "attended",
                       unit(r) < 0.93);
        e = sessions_participant_add(s, a, id, in, &out);
        json_decref(in);
        json_decref(out);
        if (e || unit(r) < 0.3) continue;
        in = json_pack("{s:{s:i,s:i,s:i,s:i}}", "answers", "relevance", 3 + below(r, 3),
                       "knowledge", 3 + below(r, 3), "trainers", 4 + below(r, 2), "organisation",
                       3 + below(r, 3));
        e = sessions_evaluation_add(s, a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    return e;
}

herr *sessions_demo_load(store *s, unsigned long long seed) {
    actor a;
    actor_system(&a, "demo");
    demo_rng r = {seed ^ 0x5e55105ull};
    json_t *sites = NULL;
    herr *e = registry_site_list(s, &a, &sites);
    if (e) return e;
    int64_t today = clock_day_start(clock_now());
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(sites, "items"), i, site) {
        json_t *residents = NULL;
        registry_residents_query q = {.limit = 500};
        if ((e = registry_site_residents(s, &a, json_str(site, "id"), &q, &residents))) break;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && !e; k++) {
            int n = kinds[k].per_week * 4;
            for (int j = 0; j < n && !e; j++) {
                int64_t day = today - (int64_t)(1 + below(&r, 30)) * 86400;
                int64_t at = day + (9 + below(&r, 8)) * 3600;
                e = one_session(s, &a, &r, &kinds[k], json_str(site, "id"), residents, at);
            }
        }
        json_decref(residents);
        if (e) break;
    }
    for (size_t k = 0; k < sizeof trainings / sizeof trainings[0] && !e; k++)
        e = one_training(s, &a, &r, k, today);
    json_decref(sites);
    return e;
}
