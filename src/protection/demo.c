/* Demo protection data, shaped like IOM's 2023 figures in Bosnia and Herzegovina: about
 * 17% of those screened had protection risks (unaccompanied children, pregnant women,
 * disabilities, serious medical conditions, survivors of violence ...), referrals to
 * medical, MHPSS and legal services, and a few people in case management. Written
 * through the module's own functions, so it is validated, sealed and audited like real
 * data; the clock is pinned to each person's arrival so that dates are plausible and
 * some referrals are overdue. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
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
static bool chance(demo_rng *r, double p) { return unit(r) < p; }

static const struct {
    const char *name, *organisation, *type, *contact;
} demo_providers[] = {
    {"Health centre Bihać", "Dom zdravlja Bihać", "medical", "+387 37 000 100"},
    {"Health centre Hadžići", "JU Dom zdravlja Kantona Sarajevo", "medical", "+387 33 000 200"},
    {"MHPSS team", "IOM Protection and MHPSS", "mhpss", "mhpss@example.org"},
    {"Legal aid", "Vaša prava BiH", "legal_aid", "+387 33 000 300"},
    {"Child protection", "Centre for social work", "child_protection", "+387 37 000 400"},
    {"Safe house", "Safe house Una-Sana", "safe_shelter", "+387 37 000 500"},
    {"GBV response", "Women's organisation", "gbv_services", "+387 33 000 600"},
};
#define N_PROVIDERS (sizeof demo_providers / sizeof demo_providers[0])

typedef struct {
    store *s;
    actor a;
    demo_rng r;
    char providers[N_PROVIDERS][ID_LEN];
    json_t *officers; /* protection users: [{"id","sites":[...]}] */
    int64_t now;      /* the real time: the clock is pinned while loading */
} demo;

static herr *make_providers(demo *d, const json_t *sites) {
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        json_t *in =
            json_pack("{s:s,s:s,s:s,s:s,s:O}", "name", demo_providers[i].name, "organisation",
                      demo_providers[i].organisation, "service_type", demo_providers[i].type,
                      "contact", demo_providers[i].contact, "sites", sites);
        json_t *out = NULL;
        actor sys;
        actor_system(&sys, "demo");
        herr *e = protection_provider_create(d->s, &sys, in, &out);
        json_decref(in);
        if (e) return e;
        snprintf(d->providers[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(out);
    }
    return NULL;
}

static int age_of(const json_t *p, int64_t now) {
    const char *b = json_str(p, "birth_date");
    int y, m, dd, ny, nm, nd;
    if (!b || !clock_parse_date(b, &y, &m, &dd)) return 30;
    clock_civil_from_days(now / 86400, &ny, &nm, &nd);
    return ny - y;
}

/* Answers for one person, with about the 2023 rate of risks. */
static json_t *answers_for(demo *d, const json_t *p, int age) {
    demo_rng *r = &d->r;
    bool female = !strcmp(json_str(p, "sex"), "F");
    json_t *a = json_object();
    const char *child = "adult";
    if (age < 18) {
        double x = unit(r);
        child = x < 0.45 ? "with_parent" : x < 0.65 ? "separated" : "unaccompanied";
    }
    json_object_set_new(a, "child_status", json_string(child));
    json_object_set_new(a, "older_person", json_boolean(age >= 60));
    if (female) json_object_set_new(a, "pregnant", json_boolean(age >= 18 && chance(r, 0.15)));
    if (female) json_object_set_new(a, "single_parent", json_boolean(chance(r, 0.15)));
    json_object_set_new(a, "serious_medical", json_boolean(chance(r, 0.035)));
    json_object_set_new(a, "distress", json_boolean(chance(r, 0.03)));
    json_object_set_new(a, "violence", json_boolean(chance(r, female ? 0.12 : 0.01)));
    json_object_set_new(a, "lgbtqi", json_boolean(chance(r, 0.004)));
    if (chance(r, 0.02)) json_object_set_new(a, "disability", json_pack("[s]", "walking"));
    if (chance(r, 0.012))
        json_object_set_new(a, "trafficking_indicators", json_pack("[s]", "debt"));
    return a;
}

/* The provider for a person's first risk. */
static int provider_for(const char *risk) {
    static const struct {
        const char *risk;
        int provider;
    } map[] = {{"unaccompanied_child", 4}, {"pregnant", 0}, {"disability", 1},
               {"serious_medical", 0},     {"lgbtqi", 2},   {"gbv_survivor", 6},
               {"trafficking", 5},         {"elderly", 1},  {"single_parent", 3},
               {"mental_health", 2},       {"other", 3}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].risk, risk)) return map[i].provider;
    return 3;
}

static herr *step(demo *d, const char *id, const char *to) {
    json_t *in = json_pack("{s:s}", "to", to), *out = NULL;
    herr *e = protection_referral_transition(d->s, &d->a, id, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

/* Consent, a referral and its life so far; the clock advances a day or two per step. */
static herr *refer(demo *d, const char *person, const char *site, int provider, int64_t t) {
    json_t *in =
        json_pack("{s:s,s:s,s:b,s:s}", "kind", "referral", "provider_id", d->providers[provider],
                  "given", 1, "method", chance(&d->r, 0.7) ? "verbal" : "written");
    json_t *out = NULL;
    herr *e = protection_consent_record(d->s, &d->a, person, in, &out);
    json_decref(in);
    json_decref(out);
    out = NULL;
    if (e) return e;
    in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", person, "provider_id",
                   d->providers[provider], "site_id", site, "urgency",
                   chance(&d->r, 0.2) ? "urgent" : "normal", "reason",
                   "Identified at arrival screening; needs follow-up by the service.");
    e = protection_referral_create(d->s, &d->a, in, &out);
    json_decref(in);
    if (e) return e;
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    double x = unit(&d->r);
    static const char *const paths[][4] = {{NULL},
                                           {"sent", NULL},
                                           {"sent", "accepted", NULL},
                                           {"sent", "declined", "closed", NULL},
                                           {"sent", "accepted", "service_delivered", NULL},
                                           {"sent", "accepted", "service_delivered", "closed"}};
    int path = x < 0.05 ? 0 : x < 0.2 ? 1 : x < 0.35 ? 2 : x < 0.45 ? 3 : x < 0.7 ? 4 : 5;
    for (int k = 0; k < 4 && paths[path][k] && !e; k++) {
        t += 86400 + (int64_t)(unit(&d->r) * 2 * 86400);
        if (t >= d->now) break; /* not into the future */
        clock_set_fake(t);
        e = step(d, id, paths[path][k]);
    }
    return e;
}

/* A protection officer working at the site, or NULL. */
static const char *officer_of(demo *d, const char *site) {
    size_t i, k;
    json_t *u, *s;
    json_array_foreach(d->officers, i, u)
        json_array_foreach(json_object_get(u, "sites"), k,
                           s) if (!strcmp(json_string_value(s), site)) return json_str(u, "id");
    return NULL;
}

static herr *open_case(demo *d, const char *person, const char *site, bool child) {
    const char *worker = officer_of(d, site);
    if (!worker) return NULL;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", person, "site_id", site,
                           "worker_id", worker, "risk_level", "high", "summary",
                           "High risk identified at screening; individual case management.");
    if (child)
        json_object_set_new(in, "guardian",
                            json_string("Temporary guardian appointed by the "
                                        "centre for social work"));
    json_t *out = NULL;
    herr *e = protection_case_open(d->s, &d->a, in, &out);
    json_decref(in);
    if (e) return e;
    char id[ID_LEN], due[CLOCK_DATE_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    clock_format_date(clock_now() + 5 * 86400, due);
    in = json_pack("{s:s,s:s}", "description", "Accompany to the health centre", "due_date", due);
    e = protection_case_action_add(d->s, &d->a, id, in, &out);
    json_decref(in);
    json_decref(out);
    if (!e && child) {
        in = json_pack("{s:s,s:s}", "outcome", "family_tracing", "summary",
                       "Child wishes to join an uncle; tracing requested.");
        e = protection_case_bia_add(d->s, &d->a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    if (!e) {
        in = json_pack("{s:s,s:s}", "kind", "follow_up", "text",
                       "Met in the family area; sleeping better, wants to call home.");
        e = protection_case_note_add(d->s, &d->a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    /* Cases opened a month ago or more are often closed by now. */
    int64_t closing = clock_now() + 21 * 86400;
    if (!e && closing < d->now && chance(&d->r, 0.5)) {
        clock_set_fake(closing);
        in = json_pack("{s:s,s:s}", "reason", chance(&d->r, 0.5) ? "goals_met" : "moved_on", "note",
                       "Closed after the plan was completed or the person moved on.");
        e = protection_case_close(d->s, &d->a, id, in, &out);
        json_decref(in);
        json_decref(out);
    }
    return e;
}

/* Screens most people at arrival (in 2023: 42,000 screenings for 54,000 people
 * assisted), fewer of the last two days' arrivals, so that the worklist has people
 * still to screen; then follows up their risks. */
static herr *one_person(demo *d, const json_t *p) {
    int64_t now = d->now;
    int64_t t = 0;
    if (!clock_parse_iso(json_str(p, "registered_at"), &t)) return NULL;
    if (!chance(&d->r, t > now - 2 * 86400 ? 0.3 : 0.6)) return NULL;
    t += 1800 + (int64_t)(unit(&d->r) * 6 * 3600);
    if (t >= now) return NULL;
    clock_set_fake(t);
    const char *person = json_str(p, "id"), *site = json_str(p, "registration_site_id");
    json_t *in =
        json_pack("{s:s,s:o}", "site_id", site, "answers", answers_for(d, p, age_of(p, now)));
    json_t *out = NULL;
    herr *e = protection_screening_create(d->s, &d->a, person, in, &out);
    json_decref(in);
    if (e) return e;
    json_t *risks = json_incref(json_object_get(out, "risks"));
    json_decref(out);
    if (json_array_size(risks) && chance(&d->r, 0.65))
        e = refer(d, person, site, provider_for(json_string_value(json_array_get(risks, 0))), t);
    size_t i;
    json_t *r;
    bool severe = false, child = false;
    json_array_foreach(risks, i, r) {
        const char *code = json_string_value(r);
        child = child || !strcmp(code, "unaccompanied_child");
        severe = severe || child || !strcmp(code, "gbv_survivor") || !strcmp(code, "trafficking");
    }
    /* Many unaccompanied children get a case (and a guardian); a few others. */
    if (!e && severe && chance(&d->r, child ? 0.5 : 0.08)) {
        clock_set_fake(t + 3600);
        e = open_case(d, person, site, child);
    }
    json_decref(risks);
    return e;
}

static herr *load_officers(demo *d) {
    json_t *users = NULL;
    herr *e = auth_user_list(d->s, &users);
    if (e) return e;
    d->officers = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(users, "items"), i,
                       u) if (!strcmp(json_str(u, "role"), "protection") &&
                              json_is_true(json_object_get(u, "active")))
        json_array_append(d->officers, u);
    json_decref(users);
    return NULL;
}

herr *protection_demo_load(store *s, unsigned long long seed) {
    demo d = {.s = s, .r = {seed ^ 0x70726f74ull}, .now = clock_now()};
    json_t *sites = NULL, *site_ids = json_array(), *page = NULL;
    actor_system(&d.a, "demo");
    snprintf(d.a.role, sizeof d.a.role, "protection");
    herr *e = registry_site_list(s, &d.a, &sites);
    if (e) goto cleanup;
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(sites, "items"), i, site)
        json_array_append_new(site_ids, json_string(json_str(site, "id")));
    if ((e = load_officers(&d)) || (e = make_providers(&d, site_ids))) goto cleanup;
    char cursor[ID_LEN] = "";
    for (;;) {
        registry_person_query q = {.limit = 200, .cursor = cursor[0] ? cursor : NULL};
        if ((e = registry_person_search(s, &d.a, &q, &page))) goto cleanup;
        json_t *p;
        json_array_foreach(json_object_get(page, "items"), i,
                           p) if ((e = one_person(&d, p))) goto cleanup;
        const char *next = json_str(page, "next_cursor");
        if (!next) break;
        snprintf(cursor, sizeof cursor, "%s", next);
        json_decref(page);
        page = NULL;
    }
cleanup:
    clock_set_fake(0);
    json_decref(page);
    json_decref(sites);
    json_decref(site_ids);
    json_decref(d.officers);
    return e;
}
