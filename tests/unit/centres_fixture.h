/* A small world for the tests of the centres' modules (sessions, distributions,
 * feedback): three sites, actors of each role (staff of sites 0 and 1, a colleague of
 * site 2 only), a few people checked in at each site, and a test key for sealed data.
 * Included by test_sessions*.c, test_distributions*.c and test_feedback*.c. */
#ifndef HAVEN_TEST_CENTRES_FIXTURE_H
#define HAVEN_TEST_CENTRES_FIXTURE_H

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

#define N_PEOPLE 6

typedef struct {
    store *s;
    char site[3][ID_LEN];
    char person[N_PEOPLE][ID_LEN]; /* 0,1: site 0; 2,3: site 1; 4,5: site 2 */
    actor sys, admin, registrar, registrar_c, protection, counsellor, trainer, storekeeper,
        complaints, psea, psea_c, viewer;
} fixture;

/* An actor of role with sites; a user row exists when make_account is true. */
static void role_actor(fixture *f, actor *a, const char *name, const char *role, int n_sites,
                       const int *sites, bool make_account) {
    actor_system(a, name);
    snprintf(a->role, sizeof a->role, "%s", role);
    snprintf(a->address, sizeof a->address, "127.0.0.1");
    a->all_sites = !strcmp(role, "admin");
    for (int i = 0; i < n_sites; i++) actor_add_site(a, f->site[sites[i]]);
    if (!make_account) {
        /* Not the system actor: a user id that no account has. */
        snprintf(a->user_id, sizeof a->user_id, "00000000-0000-4000-8000-%012d",
                 (int)(strlen(name) * 7919 + (unsigned char)name[0]));
        return;
    }
    json_t *list = json_array();
    for (int i = 0; i < n_sites; i++) json_array_append_new(list, json_string(f->site[sites[i]]));
    json_t *in = json_pack("{s:s,s:s,s:o,s:s}", "username", name, "role", role, "sites", list,
                           "password", "correct horse battery");
    if (auth_sensitive_kind(role)) /* a grant: it needs a reason (issue #10) */
        json_object_set_new(in, "access_reason", json_string("a test fixture needs this role"));
    json_t *out = NULL;
    assert_ok(auth_user_create(f->s, &f->sys, in, &out));
    snprintf(a->user_id, sizeof a->user_id, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void make_person(fixture *f, int site, const char *given, const char *sex, const char *birth,
                        char out[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", given, "family_name", "Testović",
                  "sex", sex, "citizenship", "AF", "site_id", f->site[site], "check_in", 1);
    if (birth) json_object_set_new(in, "birth_date", json_string(birth));
    json_t *res = NULL;
    assert_ok(registry_person_register(f->s, &f->sys, in, &res));
    snprintf(out, ID_LEN, "%s", json_str(res, "id"));
    json_decref(in);
    json_decref(res);
}

static const unsigned char centres_test_key[CRYPTO_KEY_LEN] = "centres-test-key-0123456789abcde";

static int fixture_setup(void **state) {
    fixture *f = mem_alloc(sizeof *f);
    f->s = test_db_open();
    protection_key_use(centres_test_key);
    actor_system(&f->sys, "test");
    static const char *const names[] = {"TRC Lipa", "TRC Blažuj", "TRC Borići"};
    static const char *const codes[] = {"LIP", "BLA", "BOR"};
    test_sites_create(f->s, &f->sys, 3, names, codes, 1500, f->site);
    static const int ab[] = {0, 1}, c[] = {2};
    role_actor(f, &f->admin, "root", "admin", 0, NULL, true);
    role_actor(f, &f->registrar, "desk.a", "registrar", 2, ab, true);
    role_actor(f, &f->registrar_c, "desk.c", "registrar", 1, c, true);
    role_actor(f, &f->protection, "officer", "protection", 2, ab, true);
    role_actor(f, &f->counsellor, "counsellor", "counsellor", 2, ab, true);
    role_actor(f, &f->trainer, "trainer", "trainer", 2, ab, true);
    role_actor(f, &f->storekeeper, "store", "storekeeper", 2, ab, true);
    role_actor(f, &f->complaints, "handler", "complaints", 2, ab, true);
    role_actor(f, &f->psea, "focal", "psea", 2, ab, true);
    role_actor(f, &f->psea_c, "focal.c", "psea", 1, c, true);
    role_actor(f, &f->viewer, "viewer", "viewer", 2, ab, true);
    static const char *const given[] = {"Ahmad", "Maryam", "Karim", "Omid", "Yusuf", "Sara"};
    static const char *const sexes[] = {"M", "F", "M", "M", "M", "F"};
    static const char *const births[] = {"1990-04-02", "2016-03-10", "1985-01-01",
                                         NULL,         "2008-06-30", "1999-12-31"};
    for (int i = 0; i < N_PEOPLE; i++)
        make_person(f, i / 2, given[i], sexes[i], births[i], f->person[i]);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state) {
    fixture *f = *state;
    actor *all[] = {&f->admin,      &f->registrar, &f->registrar_c, &f->protection,
                    &f->counsellor, &f->trainer,   &f->storekeeper, &f->complaints,
                    &f->psea,       &f->psea_c,    &f->viewer};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) actor_clear(all[i]);
    test_db_close(f->s);
    protection_key_forget();
    clock_set_fake(0);
    mem_free(f);
    return 0;
}

/* Number of audit entries of the entity (and id, when given) with the action. */
static inline int audit_count(fixture *f, const char *entity, const char *id, const char *action) {
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

/* Integer member at a dotted path of up to three keys ("attendance.total"). */
static inline json_int_t int_at(const json_t *obj, const char *path) {
    char copy[128];
    snprintf(copy, sizeof copy, "%s", path);
    const json_t *cur = obj;
    char *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k && cur; k = strtok_r(NULL, ".", &save))
        cur = json_object_get(cur, k);
    return json_integer_value(cur);
}

#endif
