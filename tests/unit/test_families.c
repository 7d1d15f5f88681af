/* Families (households registered together, relations, the whole family's stays, what
 * the returns module asks) and tracing requests (matching across sites, a caseworker's
 * decision, consent before disclosure, need to know). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/actor.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "families/families.h"
#include "registry/registry.h"
#include "testutil.h"

typedef struct {
    store *s;
    char site[3][ID_LEN];
    char adult[ID_LEN], child[ID_LEN], other[ID_LEN];
    actor sys, desk, desk_far, prot, prot_far;
} fixture;

static void role_actor(actor *a, const char *name, const char *role, fixture *f, int site) {
    actor_system(a, name);
    snprintf(a->role, sizeof a->role, "%s", role);
    snprintf(a->address, sizeof a->address, "127.0.0.1");
    a->all_sites = false;
    actor_add_site(a, f->site[site]);
}

static void make_person(fixture *f, int site, const char *given, const char *family,
                        const char *birth, char out[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "given_name", given, "family_name", family,
                           "sex", "M", "citizenship", "AF", "site_id", f->site[site]);
    if (birth) json_object_set_new(in, "birth_date", json_string(birth));
    json_t *res = NULL;
    assert_ok(registry_person_register(f->s, &f->sys, in, &res));
    snprintf(out, ID_LEN, "%s", json_str(res, "id"));
    json_decref(in);
    json_decref(res);
}

static int setup(void **state) {
    fixture *f = mem_alloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->s = test_db_open();
    actor_system(&f->sys, "test");
    static const char *const names[] = {"TRC Lipa", "TRC Ušivak", "TRC Borići"};
    static const char *const codes[] = {"LIP", "USI", "BOR"};
    test_sites_create(f->s, &f->sys, 3, names, codes, 100, f->site);
    role_actor(&f->desk, "desk", "registrar", f, 0);
    actor_add_site(&f->desk, f->site[1]);
    role_actor(&f->desk_far, "desk.far", "registrar", f, 2);
    role_actor(&f->prot, "officer", "protection", f, 0);
    role_actor(&f->prot_far, "officer.far", "protection", f, 2);
    make_person(f, 0, "Ahmad", "Rahimi", "1985-04-02", f->adult);
    make_person(f, 0, "Sara", "Rahimi", "2015-06-01", f->child);
    make_person(f, 0, "Yusuf", "Karimi", "1990-01-01", f->other);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    actor *all[] = {&f->desk, &f->desk_far, &f->prot, &f->prot_far};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) actor_clear(all[i]);
    test_db_close(f->s);
    clock_set_fake(0);
    mem_free(f);
    return 0;
}

static int64_t count(fixture *f, const char *sql) {
    store_stmt *st = NULL;
    bool row = false;
    assert_ok(store_prepare(f->s, sql, &st));
    assert_ok(store_step(st, &row));
    int64_t n = row ? store_int(st, 0) : -1;
    store_done(st);
    return n;
}

/* A family of the adult (head), the child and a wife registered in the same step. */
static json_t *make_family(fixture *f) {
    json_t *in = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s},{s:s,s:{s:s,s:s,s:s,s:s,s:s}}]}", "site_id",
                           f->site[0], "members", "person_id", f->adult, "relation", "head",
                           "person_id", f->child, "relation", "child", "relation", "spouse",
                           "person", "given_name", "Zahra", "family_name", "Rahimi", "sex", "F",
                           "citizenship", "AF", "birth_date", "1988-02-03");
    json_t *out = NULL;
    assert_ok(families_create(f->s, &f->desk, in, &out));
    json_decref(in);
    return out;
}

static void test_family_registered_together_shows_members_with_relations(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f);
    assert_string_equal(json_str(fam, "name"), "Rahimi");
    json_t *members = json_object_get(fam, "members");
    assert_int_equal(json_array_size(members), 3);
    assert_string_equal(json_str(json_array_get(members, 0), "relation"), "head");
    assert_string_equal(json_str(json_array_get(members, 1), "relation"), "spouse");
    json_t *child = json_array_get(members, 2);
    assert_string_equal(json_str(child, "person_id"), f->child);
    assert_true(json_is_true(json_object_get(child, "minor")));
    assert_true(json_is_false(json_object_get(json_array_get(members, 0), "minor")));
    json_t *reg = json_object_get(fam, "registered");
    assert_int_equal(json_array_size(reg), 1);
    assert_non_null(json_str(json_array_get(reg, 0), "reg_no"));
    /* The profile shows the family. */
    json_t *of = NULL;
    assert_ok(families_of_person(f->s, &f->desk, f->child, &of));
    assert_string_equal(json_str(json_object_get(of, "family"), "id"), json_str(fam, "id"));
    json_decref(of);
    assert_ok(families_of_person(f->s, &f->desk, f->other, &of));
    assert_true(json_is_null(json_object_get(of, "family")));
    json_decref(of);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'family'"
                              " AND action = 'add_member'"),
                     3);
    json_decref(fam);
}

static void test_relation_to_oneself_is_rejected_and_nothing_changes(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s}]}", "site_id", f->site[0], "members", "person_id",
                           f->child, "relation", "child", "guardian_person_id", f->child);
    json_t *out = NULL;
    assert_err(families_create(f->s, &f->desk, in, &out), ERR_INVALID,
               "members.0.guardian_person_id");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM families"), 0);
}

static void test_only_a_child_is_flagged_unaccompanied(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s}]}", "site_id", f->site[0], "members", "person_id",
                           f->adult, "relation", "head", "separation", "unaccompanied");
    json_t *out = NULL;
    assert_err(families_create(f->s, &f->desk, in, &out), ERR_INVALID, "members.0.separation");
    json_decref(in);
    /* A child alone, linked to the guardian appointed for them. */
    in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:s}]}", "site_id", f->site[0], "members", "person_id",
                   f->child, "relation", "child", "separation", "unaccompanied",
                   "guardian_person_id", f->other);
    assert_ok(families_create(f->s, &f->desk, in, &out));
    json_t *m = json_array_get(json_object_get(out, "members"), 0);
    assert_string_equal(json_str(m, "separation"), "unaccompanied");
    assert_string_equal(json_str(m, "guardian_person_id"), f->other);
    json_decref(in);
    json_decref(out);
}

static void test_a_person_is_in_one_family_and_a_family_has_one_head(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f), *out = NULL;
    json_t *in = json_pack("{s:s,s:[{s:s,s:s}]}", "site_id", f->site[0], "members", "person_id",
                           f->child, "relation", "head");
    assert_err(families_create(f->s, &f->desk, in, &out), ERR_CONFLICT, "members.0.person_id");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM families"), 1);
    in = json_pack("{s:s,s:s}", "person_id", f->other, "relation", "head");
    assert_err(families_member_add(f->s, &f->desk, json_str(fam, "id"), in, &out), ERR_CONFLICT,
               "relation");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "person_id", f->other, "relation", "sibling");
    assert_ok(families_member_add(f->s, &f->desk, json_str(fam, "id"), in, &out));
    assert_int_equal(json_array_size(json_object_get(out, "members")), 4);
    json_decref(out);
    assert_ok(families_member_remove(f->s, &f->desk, json_str(fam, "id"), f->other, &out));
    assert_int_equal(json_array_size(json_object_get(out, "members")), 3);
    json_decref(out);
    json_decref(in);
    json_decref(fam);
}

static void test_bad_new_member_leaves_no_family_and_no_person(void **state) {
    fixture *f = *state;
    int64_t persons = count(f, "SELECT COUNT(*) FROM persons");
    json_t *in = json_pack("{s:s,s:[{s:s,s:{s:s,s:s,s:s,s:s}},{s:s,s:{s:s,s:s,s:s,s:s}}]}",
                           "site_id", f->site[0], "members", "relation", "head", "person",
                           "given_name", "Ali", "family_name", "Nouri", "sex", "M", "citizenship",
                           "IR", "relation", "spouse", "person", "given_name", "Mina",
                           "family_name", "Nouri", "sex", "F", "citizenship", "Iran");
    json_t *out = NULL;
    assert_err(families_create(f->s, &f->desk, in, &out), ERR_INVALID,
               "members.1.person.citizenship");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM families"), 0);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM persons"), persons);
}

static void test_another_sites_registrar_does_not_see_the_family(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f), *out = NULL;
    assert_err(families_get(f->s, &f->desk_far, json_str(fam, "id"), &out), ERR_NOT_FOUND, "id");
    families_query q = {0};
    assert_ok(families_list(f->s, &f->desk_far, &q, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    assert_ok(families_list(f->s, &f->desk, &q, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    json_t *in = json_pack("{s:s}", "site_id", f->site[2]);
    assert_err(families_check_in(f->s, &f->desk_far, json_str(fam, "id"), in, &out), ERR_NOT_FOUND,
               "id");
    json_decref(in);
    json_decref(fam);
}

static void test_the_whole_family_checks_in_out_and_moves_together(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f), *out = NULL;
    const char *id = json_str(fam, "id");
    json_t *in = json_pack("{s:s,s:{s:s}}", "site_id", f->site[0], "beds", f->child, "C-12");
    assert_ok(families_check_in(f->s, &f->desk, id, in, &out));
    json_decref(in);
    assert_int_equal(json_array_size(json_object_get(out, "stays")), 3);
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays WHERE checked_out_at IS NULL"), 3);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays WHERE bed = 'C-12'"), 1);
    /* Transfer: each member out of Lipa and into Ušivak, in one step. */
    in = json_pack("{s:s}", "site_id", f->site[1]);
    assert_ok(families_transfer(f->s, &f->desk, id, in, &out));
    json_decref(in);
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays WHERE checked_out_at IS NULL"), 3);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays WHERE checkout_reason = 'transferred'"),
                     3);
    in = json_pack("{s:s}", "reason", "moved_on");
    assert_ok(families_check_out(f->s, &f->desk, id, in, &out));
    json_decref(out);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays WHERE checked_out_at IS NULL"), 0);
    assert_err(families_check_out(f->s, &f->desk, id, in, &out), ERR_CONFLICT, "id");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'family'"
                              " AND action IN ('check_in', 'transfer', 'check_out')"),
                     3);
    json_decref(fam);
}

static void test_a_member_checked_in_elsewhere_stops_the_family_check_in(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f), *out = NULL;
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->child, "site_id", f->site[1]);
    assert_ok(registry_stay_check_in(f->s, &f->desk, in, &out));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s}", "site_id", f->site[0]);
    assert_err(families_check_in(f->s, &f->desk, json_str(fam, "id"), in, &out), ERR_CONFLICT,
               "site_id");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM stays"), 1);
    json_decref(fam);
}

static void test_returns_gets_the_members_and_who_is_a_minor(void **state) {
    fixture *f = *state;
    json_t *fam = make_family(f);
    char fid[ID_LEN];
    bool found = false, minor = false, known = false;
    assert_ok(families_family_of(f->s, &f->desk, f->adult, fid, &found));
    assert_true(found);
    assert_string_equal(fid, json_str(fam, "id"));
    families_member *m = NULL;
    size_t n = 0;
    assert_ok(families_members(f->s, &f->desk, fid, &m, &n));
    assert_int_equal(n, 3);
    int minors = 0;
    for (size_t i = 0; i < n; i++) minors += m[i].minor;
    assert_int_equal(minors, 1);
    assert_string_equal(m[0].relation, "head");
    mem_free(m);
    assert_ok(families_person_is_minor(f->s, &f->desk, f->child, 0, &minor, &known));
    assert_true(minor && known);
    int64_t adult_day = clock_days_from_civil(2033, 6, 1) * 86400;
    assert_ok(families_person_is_minor(f->s, &f->desk, f->child, adult_day, &minor, &known));
    assert_false(minor);
    assert_true(families_birth_is_minor("2015-06-01", adult_day - 1));
    assert_err(families_members(f->s, &f->desk_far, fid, &m, &n), ERR_NOT_FOUND, "id");
    json_decref(fam);
}

/* ---- tracing ---------------------------------------------------------------------------- */

static json_t *trace(fixture *f, actor *a) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s}", "site_id", f->site[0],
                           "asker_person_id", f->adult, "relation", "sibling", "sought",
                           "given_name", "Javad", "family_name", "Rahimi", "sex", "M", "birth_date",
                           "1992-05-05", "citizenship", "AF", "last_seen_place",
                           "Velika Kladuša, near the border", "last_seen_date", "2026-10-01");
    json_t *out = NULL;
    assert_ok(tracing_create(f->s, a, in, &out));
    json_decref(in);
    return out;
}

static json_t *proposal_of(json_t *req, const char *person_id) {
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(req, "matches"), i, m) {
        if (!strcmp(json_str(m, "person_id"), person_id)) return m;
    }
    return NULL;
}

static void test_tracing_finds_a_relative_registered_later_at_another_site(void **state) {
    fixture *f = *state;
    json_t *req = trace(f, &f->prot), *out = NULL;
    const char *id = json_str(req, "id");
    assert_string_equal(json_str(req, "status"), "open");
    char found[ID_LEN];
    make_person(f, 2, "Javad", "Rahimi", "1992-05-05", found);
    assert_ok(tracing_get(f->s, &f->prot, id, &out));
    json_t *m = proposal_of(out, found);
    assert_non_null(m);
    assert_string_equal(json_str(m, "state"), "proposed");
    assert_string_equal(json_str(json_object_get(m, "person"), "family_name"), "Rahimi");
    assert_null(proposal_of(out, f->adult)); /* the asker is not proposed */
    char match_id[ID_LEN];
    snprintf(match_id, sizeof match_id, "%s", json_str(m, "id"));
    json_decref(out);
    /* Confirmed; the asker is told nothing until the found person consents. */
    json_t *in = json_pack("{s:s}", "decision", "confirm");
    assert_ok(tracing_decide(f->s, &f->prot, id, match_id, in, &out));
    assert_string_equal(json_str(out, "status"), "found");
    json_t *d = json_object_get(out, "disclosure");
    assert_true(json_is_true(json_object_get(d, "found")));
    assert_true(json_is_false(json_object_get(d, "may_tell_asker")));
    assert_null(json_object_get(d, "tell_asker"));
    json_decref(out);
    assert_err(tracing_decide(f->s, &f->prot, id, match_id, in, &out), ERR_CONFLICT, "decision");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "consent", "given", "note", "agreed in person at Borići");
    assert_ok(tracing_consent(f->s, &f->prot, id, in, &out));
    d = json_object_get(out, "disclosure");
    assert_true(json_is_true(json_object_get(d, "may_tell_asker")));
    assert_string_equal(json_str(json_object_get(d, "tell_asker"), "given_name"), "Javad");
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s}", "status", "reunited");
    assert_ok(tracing_close(f->s, &f->prot, id, in, &out));
    assert_string_equal(json_str(out, "status"), "reunited");
    json_decref(out);
    json_decref(in);
    assert_true(count(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'tracing_request'"
                         " AND action = 'read'") >= 3);
    json_decref(req);
}

static void test_tracing_is_need_to_know(void **state) {
    fixture *f = *state;
    json_t *req = trace(f, &f->prot), *out = NULL;
    const char *id = json_str(req, "id");
    actor admin;
    actor_system(&admin, "root");
    snprintf(admin.user_id, sizeof admin.user_id, "00000000-0000-4000-8000-000000000001");
    assert_err(tracing_get(f->s, &admin, id, &out), ERR_FORBIDDEN, NULL);
    assert_err(tracing_get(f->s, &f->desk, id, &out), ERR_FORBIDDEN, NULL);
    assert_err(tracing_get(f->s, &f->prot_far, id, &out), ERR_NOT_FOUND, "id");
    tracing_query q = {0};
    assert_ok(tracing_list(f->s, &f->prot_far, &q, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    assert_ok(tracing_list(f->s, &f->prot, &q, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    json_decref(req);
}

static void test_tracing_bad_input_changes_nothing(void **state) {
    fixture *f = *state;
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:{s:s},s:s}", "site_id", f->site[0], "asker_name", "Mother",
                  "relation", "child", "sought", "given_name", "Ali", "last_seen_place", "Bihać");
    json_t *out = NULL;
    assert_err(tracing_create(f->s, &f->prot, in, &out), ERR_INVALID, "sought.family_name");
    json_decref(in);
    in = json_pack("{s:s,s:s,s:s,s:{s:s},s:s}", "site_id", f->site[0], "asker_name", "Mother",
                   "relation", "cousin", "sought", "family_name", "Nouri", "last_seen_place",
                   "Bihać");
    assert_err(tracing_create(f->s, &f->prot, in, &out), ERR_INVALID, "relation");
    json_decref(in);
    assert_int_equal(count(f, "SELECT COUNT(*) FROM tracing_requests"), 0);
    json_t *req = trace(f, &f->prot);
    in = json_pack("{s:s}", "consent", "given");
    assert_err(tracing_consent(f->s, &f->prot, json_str(req, "id"), in, &out), ERR_CONFLICT,
               "consent");
    json_decref(in);
    in = json_pack("{s:s}", "status", "reunited");
    assert_err(tracing_close(f->s, &f->prot, json_str(req, "id"), in, &out), ERR_CONFLICT,
               "status");
    json_decref(in);
    json_decref(req);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_family_registered_together_shows_members_with_relations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relation_to_oneself_is_rejected_and_nothing_changes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_a_child_is_flagged_unaccompanied, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_person_is_in_one_family_and_a_family_has_one_head,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_new_member_leaves_no_family_and_no_person, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_another_sites_registrar_does_not_see_the_family, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_whole_family_checks_in_out_and_moves_together,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_member_checked_in_elsewhere_stops_the_family_check_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_returns_gets_the_members_and_who_is_a_minor, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_tracing_finds_a_relative_registered_later_at_another_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracing_is_need_to_know, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracing_bad_input_changes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
