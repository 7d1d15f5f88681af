/* A small world for the protection tests: three sites, two protection officers
 * (A: sites 0 and 1; B: site 2), actors of the other roles, three people (one
 * checked in at each site), a provider serving every site, and a test key.
 * Included by test_protection*.c only. */
#ifndef HAVEN_TEST_PROTECTION_FIXTURE_H
#define HAVEN_TEST_PROTECTION_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/actor.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "testutil.h"

typedef struct {
    store *s;
    char site[3][ID_LEN];
    char person[3][ID_LEN];
    char provider[ID_LEN];
    actor sys, prot, prot_b, registrar, counsellor, statistician, admin;
} fixture;

static void role_actor(actor *a, const char *name, const char *role, fixture *f, int n_sites,
                       const int *sites) {
    actor_system(a, name);
    snprintf(a->role, sizeof a->role, "%s", role);
    snprintf(a->address, sizeof a->address, "127.0.0.1");
    a->all_sites = !strcmp(role, "admin");
    for (int i = 0; i < n_sites; i++) actor_add_site(a, f->site[sites[i]]);
}

static void make_user(fixture *f, actor *a, const char *username, int n_sites, const int *sites) {
    json_t *list = json_array();
    for (int i = 0; i < n_sites; i++) json_array_append_new(list, json_string(f->site[sites[i]]));
    json_t *in = json_pack("{s:s,s:s,s:o,s:s,s:s}", "username", username, "role", "protection",
                           "sites", list, "password", "correct horse battery", "access_reason",
                           "a test fixture needs this role");
    json_t *out = NULL;
    assert_ok(auth_user_create(f->s, &f->sys, in, &out));
    role_actor(a, username, "protection", f, n_sites, sites);
    snprintf(a->user_id, sizeof a->user_id, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void make_person(fixture *f, int site, const char *given, char out[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", given, "family_name", "Testović",
                  "sex", "M", "citizenship", "AF", "site_id", f->site[site], "check_in", 1);
    json_t *res = NULL;
    assert_ok(registry_person_register(f->s, &f->sys, in, &res));
    snprintf(out, ID_LEN, "%s", json_str(res, "id"));
    json_decref(in);
    json_decref(res);
}

static const unsigned char test_key[CRYPTO_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static int fixture_setup(void **state) {
    fixture *f = mem_alloc(sizeof *f);
    f->s = test_db_open();
    protection_key_use(test_key);
    actor_system(&f->sys, "test");
    static const char *const names[] = {"TRC Ušivak", "TRC Lipa", "TRC Borići"};
    static const char *const codes[] = {"USI", "LIP", "BOR"};
    for (int i = 0; i < 3; i++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", names[i], "code", codes[i], "kind",
                               "temporary_reception_centre", "capacity", 500);
        json_t *out = NULL;
        assert_ok(registry_site_create(f->s, &f->sys, in, &out));
        snprintf(f->site[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(in);
        json_decref(out);
    }
    static const int a_sites[] = {0, 1}, b_sites[] = {2}, all[] = {0, 1, 2};
    make_user(f, &f->prot, "officer.a", 2, a_sites);
    make_user(f, &f->prot_b, "officer.b", 1, b_sites);
    role_actor(&f->registrar, "desk", "registrar", f, 2, a_sites);
    role_actor(&f->counsellor, "counsellor", "counsellor", f, 3, all);
    role_actor(&f->statistician, "stats", "statistician", f, 3, all);
    role_actor(&f->admin, "root", "admin", f, 0, NULL);
    snprintf(f->admin.user_id, sizeof f->admin.user_id, "00000000-0000-4000-8000-000000000001");
    for (int i = 0; i < 3; i++)
        make_person(f, i, i == 0 ? "Ahmad" : i == 1 ? "Karim" : "Omid", f->person[i]);
    json_t *sites = json_pack("[s,s,s]", f->site[0], f->site[1], f->site[2]);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", "Health centre Bihać", "organisation",
                           "Dom zdravlja", "service_type", "medical", "contact", "+387 37 000",
                           "sites", sites);
    json_t *out = NULL;
    assert_ok(protection_provider_create(f->s, &f->sys, in, &out));
    snprintf(f->provider, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state) {
    fixture *f = *state;
    actor *all[] = {&f->prot,       &f->prot_b,       &f->registrar,
                    &f->counsellor, &f->statistician, &f->admin};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) actor_clear(all[i]);
    test_db_close(f->s);
    protection_key_forget();
    clock_set_fake(0);
    mem_free(f);
    return 0;
}

/* A screening of person i at site j by officer A; returns its id. */
static void screen(fixture *f, int person, int site, const char *answers_json, const char *note,
                   char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:o}", "site_id", f->site[site], "answers",
                           json_loads(answers_json, 0, NULL));
    if (note) json_object_set_new(in, "note", json_string(note));
    json_t *out = NULL;
    assert_ok(protection_screening_create(f->s, &f->prot, f->person[person], in, &out));
    if (id) snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void consent(fixture *f, int person, const char *kind, bool given, const char *at) {
    json_t *in = json_pack("{s:s,s:b,s:s}", "kind", kind, "given", given, "method", "verbal");
    if (!strcmp(kind, "referral")) json_object_set_new(in, "provider_id", json_string(f->provider));
    if (at) json_object_set_new(in, "given_at", json_string(at));
    json_t *out = NULL;
    assert_ok(protection_consent_record(f->s, &f->prot, f->person[person], in, &out));
    json_decref(in);
    json_decref(out);
}

/* Number of audit entries of the entity (and id, when given) with the action. */
static int audit_count(fixture *f, const char *entity, const char *id, const char *action) {
    json_t *out = NULL;
    assert_ok(audit_list(f->s, entity, id, 1000, 0, &out));
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(out, "items"), i, item) n +=
        !strcmp(json_str(item, "action"), action);
    json_decref(out);
    return n;
}

#endif
