/* Demo families and a tracing request: at each demo site a few households registered
 * together and checked in (one with an unaccompanied child linked to the guardian
 * appointed for her), and at Lipa a mother's request to trace her son, who is
 * registered at Blažuj under a different spelling (Dawoodzai, not Dawudzai), so that the match
 * shows at once. Written through the module's own functions: validated and audited like real work.
 */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "families/families.h"
#include "registry/registry.h"

typedef struct {
    const char *given, *family, *sex, *birth, *relation, *separation;
} demo_member;

typedef struct {
    const char *site_code;
    const char *citizenship;
    demo_member members[5];
} demo_family;

static const demo_family demo_families[] = {
    {"LIP",
     "AF",
     {{"Abdul", "Mohseni", "M", "1982-03-14", "head", NULL},
      {"Freshta", "Mohseni", "F", "1987-11-02", "spouse", NULL},
      {"Mahdi", "Mohseni", "M", "2012-06-20", "child", NULL},
      {"Zainab", "Mohseni", "F", "2017-01-09", "child", NULL}}},
    {"USI",
     "SY",
     {{"Fadi", "Atassi", "M", "1978-08-01", "head", NULL},
      {"Rania", "Atassi", "F", "1981-04-17", "spouse", NULL},
      {"Yamen", "Atassi", "M", "2009-09-30", "child", NULL}}},
    {"BLA",
     "AF",
     {{"Najib", "Dawoodzai", "M", "1999-05-05", "head", NULL},
      {"Rohullah", "Dawoodzai", "M", "2010-12-12", "sibling", "separated"}}},
    {"BOR",
     "PK",
     {{"Imran", "Tanoli", "M", "1990-02-02", "head", NULL},
      {"Ayesha", "Tanoli", "F", "1993-07-07", "spouse", NULL},
      {"Bilal", "Tanoli", "M", "2020-10-10", "child", NULL}}},
};

/* The id of the demo site with the code (from the registry's list). */
static const char *site_by_code(const json_t *sites, const char *code) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sites, "items"), i, s) {
        if (!strcmp(json_str(s, "code"), code)) return json_str(s, "id");
    }
    return NULL;
}

static herr *load_family(store *s, const actor *a, const json_t *sites, const demo_family *d) {
    const char *site = site_by_code(sites, d->site_code);
    if (!site) return NULL; /* a demo without that site */
    json_t *members = json_array();
    for (int i = 0; i < 5 && d->members[i].given; i++) {
        const demo_member *m = &d->members[i];
        json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", m->given,
                              "family_name", m->family, "sex", m->sex, "birth_date", m->birth,
                              "citizenship", d->citizenship, "site_id", site, "check_in", 1);
        json_t *row = json_pack("{s:s,s:o}", "relation", m->relation, "person", p);
        if (m->separation) json_object_set_new(row, "separation", json_string(m->separation));
        json_array_append_new(members, row);
    }
    json_t *in = json_pack("{s:s,s:o}", "site_id", site, "members", members), *out = NULL;
    herr *e = families_create(s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

/* A child alone at Lipa, with the guardian the social welfare centre appointed. */
static herr *load_unaccompanied(store *s, const actor *a, const json_t *sites) {
    const char *site = site_by_code(sites, "LIP");
    if (!site) return NULL;
    json_t *g = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "given_name", "Amela", "family_name",
                          "Hodžić", "sex", "F", "birth_date", "1975-01-20", "citizenship", "BA",
                          "site_id", site),
           *res = NULL;
    herr *e = registry_person_register(s, a, g, &res);
    json_decref(g);
    if (e) return e;
    json_t *child = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", "Sahar", "family_name",
                              "Baryalai", "sex", "F", "birth_date", "2010-04-04", "citizenship",
                              "AF", "site_id", site, "check_in", 1);
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:o}]}", "site_id", site, "members", "relation",
                           "child", "separation", "unaccompanied", "guardian_person_id",
                           json_str(res, "id"), "person", child),
           *out = NULL;
    json_decref(res);
    e = families_create(s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static herr *load_tracing(store *s, const json_t *sites) {
    const char *site = site_by_code(sites, "LIP");
    if (!site) return NULL;
    /* Tracing is for protection roles: the demo records it as one. */
    actor officer;
    actor_system(&officer, "demo");
    snprintf(officer.role, sizeof officer.role, "protection");
    json_t *in = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:s}", "site_id", site,
                           "asker_name", "Gulalai Dawoodzai", "relation", "child", "sought",
                           "given_name", "Rohollah", "family_name", "Dawudzai", "sex", "M",
                           "birth_date", "2010-12-12", "citizenship", "AF", "last_seen_place",
                           "Bihać, near the bus station", "last_seen_date", "2026-09-01",
                           "circumstances", "separated when the group was stopped at night"),
           *out = NULL;
    herr *e = tracing_create(s, &officer, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

herr *families_demo_load(store *s, unsigned long long seed) {
    (void)seed; /* the demo families are the same in every demo */
    actor a;
    actor_system(&a, "demo");
    json_t *sites = NULL;
    herr *e = registry_site_list(s, &a, &sites);
    for (size_t i = 0; !e && i < sizeof demo_families / sizeof demo_families[0]; i++)
        e = load_family(s, &a, sites, &demo_families[i]);
    if (!e) e = load_unaccompanied(s, &a, sites);
    if (!e) e = load_tracing(s, sites);
    json_decref(sites);
    return e;
}
