/* Accounts, logins, sessions, the permission matrix. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "testutil.h"

static actor admin;

static json_t *make_user(store *s, const char *username, const char *role, const char *password) {
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "username", username, "role", role, "password", password);
    if (auth_sensitive_kind(role))
        json_object_set_new(in, "access_reason", json_string("a unit test needs this role"));
    json_t *out = NULL;
    assert_ok(auth_user_create(s, &admin, in, &out));
    json_decref(in);
    return out;
}

static void expect_create_fails(store *s, const char *body, const char *field) {
    json_t *in = json_loads(body, 0, NULL);
    json_t *out = NULL;
    assert_non_null(in);
    herr *e = auth_user_create(s, &admin, in, &out);
    assert_non_null(e);
    assert_string_equal(e->field, field);
    err_free(e);
    json_decref(in);
}

static void test_bad_accounts_are_rejected_by_field(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_create_fails(s, "{\"role\":\"viewer\"}", "username");
    expect_create_fails(s, "{\"username\":\"Bad Name\",\"role\":\"viewer\"}", "username");
    expect_create_fails(s, "{\"username\":\"amra\",\"role\":\"boss\"}", "role");
    expect_create_fails(s, "{\"username\":\"amra\",\"role\":\"viewer\",\"password\":\"short\"}",
                        "password");
    expect_create_fails(s, "{\"username\":\"amra\",\"role\":\"viewer\",\"sites\":[\"nope\"]}",
                        "sites");
    expect_create_fails(s, "{\"username\":\"amra\",\"role\":\"viewer\",\"locale\":\"de\"}",
                        "locale");
    json_decref(make_user(s, "amra", "viewer", "long enough password"));
    expect_create_fails(s, "{\"username\":\"amra\",\"role\":\"viewer\"}", "username");
    json_t *list = NULL;
    assert_ok(auth_user_list(s, &list));
    assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
    json_decref(list);
    test_db_close(s);
}

static void test_generated_password_is_returned_once_and_works(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *in = json_pack("{s:s,s:s}", "username", "emir", "role", "registrar");
    json_t *out = NULL;
    assert_ok(auth_user_create(s, &admin, in, &out));
    const char *pw = json_str(out, "initial_password");
    assert_non_null(pw);
    assert_true(strlen(pw) >= AUTH_MIN_PASSWORD);
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_ok(auth_login(s, "emir", pw, "10.0.0.1", token, &user));
    assert_null(json_object_get(user, "initial_password"));
    assert_null(json_object_get(user, "password_hash"));
    json_decref(user);
    json_decref(out);
    json_decref(in);
    test_db_close(s);
}

static void test_login_session_and_logout(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "lejla", "protection", "correct horse battery"));
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_err(auth_login(s, "lejla", "wrong password!", "10.0.0.1", token, &user),
               ERR_UNAUTHENTICATED, NULL);
    assert_err(auth_login(s, "nobody", "wrong password!", "10.0.0.1", token, &user),
               ERR_UNAUTHENTICATED, NULL);
    assert_ok(auth_login(s, "lejla", "correct horse battery", "10.0.0.1", token, &user));
    json_decref(user);
    actor a;
    assert_ok(auth_session_actor(s, token, "10.0.0.1", &a));
    assert_string_equal(a.role, "protection");
    assert_false(a.all_sites);
    assert_ok(auth_logout(s, &a, token));
    actor_clear(&a);
    assert_err(auth_session_actor(s, token, "10.0.0.1", &a), ERR_UNAUTHENTICATED, NULL);
    test_db_close(s);
}

static void test_sessions_expire_when_idle(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "selma", "interp", "correct horse battery"));
    int64_t t0 = clock_now();
    clock_set_fake(t0);
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_ok(auth_login(s, "selma", "correct horse battery", "10.0.0.1", token, &user));
    json_decref(user);
    actor a;
    clock_set_fake(t0 + AUTH_SESSION_IDLE_SECONDS - 60);
    assert_ok(auth_session_actor(s, token, "10.0.0.1", &a)); /* use refreshes the idle timer */
    actor_clear(&a);
    clock_set_fake(t0 + AUTH_SESSION_IDLE_SECONDS + 60);
    assert_ok(auth_session_actor(s, token, "10.0.0.1", &a));
    actor_clear(&a);
    clock_set_fake(t0 + AUTH_SESSION_MAX_SECONDS + 1); /* never longer than a long shift */
    assert_err(auth_session_actor(s, token, "10.0.0.1", &a), ERR_UNAUTHENTICATED, NULL);
    clock_set_fake(0);
    test_db_close(s);
}

static void fail_login(store *s, const char *username, const char *address) {
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_err(auth_login(s, username, "guess guess guess", address, token, &user),
               ERR_UNAUTHENTICATED, NULL);
}

static void login_ok(store *s, const char *username, const char *address) {
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_ok(auth_login(s, username, "correct horse battery", address, token, &user));
    json_decref(user);
}

static void login_waits(store *s, const char *username, const char *address) {
    char token[TOKEN_LEN];
    json_t *user = NULL;
    herr *e = auth_login(s, username, "correct horse battery", address, token, &user);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_RATE_LIMITED);
    assert_string_equal(e->key, "login_wait");
    err_free(e);
}

static void test_login_delay_doubles_and_is_capped(void **state) {
    (void)state;
    assert_int_equal(auth_login_delay(0), 0);
    assert_int_equal(auth_login_delay(2), 0);
    assert_int_equal(auth_login_delay(3), 30);
    assert_int_equal(auth_login_delay(4), 60);
    assert_int_equal(auth_login_delay(5), 120);
    assert_int_equal(auth_login_delay(30), 15 * 60);
}

/* Issue #10: five failures used to lock the right password out for 15 minutes, from
 * every address. Now the guesser's pair waits, the real user elsewhere does not. */
static void test_failures_slow_the_pair_not_the_user(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "nermin", "statistician", "correct horse battery"));
    int64_t t0 = clock_now();
    clock_set_fake(t0);
    for (int i = 0; i < 3; i++) fail_login(s, "nermin", "10.0.0.9");
    /* The guesser's address waits now, even with the right password... */
    login_waits(s, "nermin", "10.0.0.9");
    /* ...the right password from another address logs in at once... */
    login_ok(s, "nermin", "10.0.0.10");
    /* ...and from the same address once the delay has passed. */
    clock_set_fake(t0 + 31);
    login_ok(s, "nermin", "10.0.0.9");
    clock_set_fake(0);
    test_db_close(s);
}

static void test_delay_doubles_between_guesses(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "amela", "statistician", "correct horse battery"));
    int64_t t = clock_now();
    clock_set_fake(t);
    for (int i = 0; i < 3; i++) fail_login(s, "amela", "10.0.0.9");
    clock_set_fake(t += 31);
    fail_login(s, "amela", "10.0.0.9"); /* fourth failure: 60 s now */
    clock_set_fake(t += 45);
    login_waits(s, "amela", "10.0.0.9");
    clock_set_fake(t += 16);
    login_ok(s, "amela", "10.0.0.9");
    clock_set_fake(0);
    test_db_close(s);
}

/* 30 failures for one account from a shared router never lock the other accounts
 * behind it. */
static void test_one_account_failing_does_not_lock_its_neighbours(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "goran", "registrar", "correct horse battery"));
    json_decref(make_user(s, "jasna", "registrar", "correct horse battery"));
    int64_t t = clock_now();
    for (int i = 0; i < 30; i++) {
        clock_set_fake(t += 16 * 60); /* past the longest delay each time */
        fail_login(s, "goran", "10.1.1.1");
    }
    login_ok(s, "jasna", "10.1.1.1");
    login_waits(s, "goran", "10.1.1.1");
    login_ok(s, "goran", "10.1.1.2");
    clock_set_fake(0);
    test_db_close(s);
}

/* The row a failed login leaves (what record_failure writes), at time t: the global
 * bounds need a hundred failures, a hundred Argon2id hashes too slow for a unit test on
 * a shared machine. The last failure of each bound below is a real login. */
static void seed_failure(store *s, const char *username, const char *address, int64_t t) {
    char at[CLOCK_ISO_LEN], sql[256];
    clock_format_iso(t, at);
    snprintf(sql, sizeof sql,
             "INSERT INTO login_failures (username, address, at) VALUES ('%s', '%s', '%s')",
             username, address, at);
    assert_ok(store_exec(s, sql));
}

/* The global bounds: one account from a hundred addresses, and many accounts from one
 * address (spraying). */
static void test_guessing_has_global_bounds(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "mirza", "viewer", "correct horse battery"));
    json_decref(make_user(s, "dino", "viewer", "correct horse battery"));
    int64_t t = clock_now();
    clock_set_fake(t);
    char name[32], address[32];
    for (int i = 0; i < 99; i++) {
        snprintf(address, sizeof address, "10.2.%d.%d", i / 200, i % 200);
        seed_failure(s, "mirza", address, t);
    }
    login_ok(s, "mirza", "10.9.9.8");   /* 99: not yet */
    fail_login(s, "mirza", "10.2.9.9"); /* the hundredth */
    login_waits(s, "mirza", "10.9.9.9");
    login_ok(s, "dino", "10.9.9.9"); /* other accounts are not concerned */
    clock_set_fake(t + 61 * 60);
    login_ok(s, "mirza", "10.9.9.9");
    for (int i = 0; i < 19; i++) {
        snprintf(name, sizeof name, "nobody%d", i);
        seed_failure(s, name, "10.3.3.3", t + 61 * 60);
    }
    login_ok(s, "dino", "10.3.3.3"); /* 19 usernames: not yet */
    fail_login(s, "nobody19", "10.3.3.3");
    login_waits(s, "dino", "10.3.3.3");
    login_ok(s, "dino", "10.3.3.4");
    clock_set_fake(0);
    test_db_close(s);
}

static void expect_password_refused(store *s, const char *username, const char *password,
                                    const char *key) {
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "username", username, "role", "viewer", "password", password);
    json_t *out = NULL;
    herr *e = auth_user_create(s, &admin, in, &out);
    assert_non_null(e);
    assert_string_equal(e->field, "password");
    assert_string_equal(e->key, key);
    err_free(e);
    json_decref(in);
}

static void test_password_rule(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_password_refused(s, "amra", "eleven char", "password_short");
    /* Characters, not bytes: 11 letters of two bytes each are still too short. */
    expect_password_refused(s, "amra", "čćžšđčćžšđč", "password_short");
    expect_password_refused(s, "amra.hodzic", "Amra.Hodzic1", "password_username");
    expect_password_refused(s, "amra", "Password1234", "password_common");
    expect_password_refused(s, "amra", "SARAJEVO2026", "password_common");
    json_decref(make_user(s, "amra", "viewer", "čćžšđčćžšđčć"));
    test_db_close(s);
}

static void test_user_changes_own_password(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "senada", "registrar", "correct horse battery"));
    char keep[TOKEN_LEN], other[TOKEN_LEN];
    json_t *user = NULL;
    assert_ok(auth_login(s, "senada", "correct horse battery", "10.0.0.1", keep, &user));
    json_decref(user);
    assert_ok(auth_login(s, "senada", "correct horse battery", "10.0.0.2", other, &user));
    json_decref(user);
    actor a;
    assert_ok(auth_session_actor(s, keep, "10.0.0.1", &a));
    json_t *wrong = json_pack("{s:s,s:s}", "current_password", "not my password", "new_password",
                              "a fresh long passphrase");
    assert_err(auth_password_change(s, &a, keep, wrong), ERR_INVALID, "current_password");
    json_t *weak = json_pack("{s:s,s:s}", "current_password", "correct horse battery",
                             "new_password", "password1234");
    assert_err(auth_password_change(s, &a, keep, weak), ERR_INVALID, "new_password");
    json_t *same = json_pack("{s:s,s:s}", "current_password", "correct horse battery",
                             "new_password", "correct horse battery");
    assert_err(auth_password_change(s, &a, keep, same), ERR_INVALID, "new_password");
    json_t *good = json_pack("{s:s,s:s}", "current_password", "correct horse battery",
                             "new_password", "a fresh long passphrase");
    assert_ok(auth_password_change(s, &a, keep, good));
    actor_clear(&a);
    /* This session stays, the other one ended; the old password no longer works. */
    assert_ok(auth_session_actor(s, keep, "10.0.0.1", &a));
    actor_clear(&a);
    assert_err(auth_session_actor(s, other, "10.0.0.2", &a), ERR_UNAUTHENTICATED, NULL);
    assert_err(auth_login(s, "senada", "correct horse battery", "10.0.0.3", other, &user),
               ERR_UNAUTHENTICATED, NULL);
    assert_ok(auth_login(s, "senada", "a fresh long passphrase", "10.0.0.3", other, &user));
    json_decref(user);
    json_t *audit = NULL;
    assert_ok(audit_list_action(s, "password_changed", 10, &audit));
    assert_int_equal(json_array_size(json_object_get(audit, "items")), 1);
    json_decref(audit);
    json_decref(wrong);
    json_decref(weak);
    json_decref(same);
    json_decref(good);
    test_db_close(s);
}

/* Issue #10: an account with the protection role was created with no trace but "user
 * created". Now it needs a reason and is audited as a grant of its own. */
static void test_protection_access_is_a_reasoned_grant(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_create_fails(s,
                        "{\"username\":\"zana\",\"role\":\"protection\","
                        "\"password\":\"correct horse battery\"}",
                        "access_reason");
    expect_create_fails(s,
                        "{\"username\":\"zana\",\"role\":\"protection\","
                        "\"password\":\"correct horse battery\","
                        "\"access_reason\":\"          \\t   \"}",
                        "access_reason");
    expect_create_fails(s,
                        "{\"username\":\"zana\",\"role\":\"psea\","
                        "\"password\":\"correct horse battery\",\"access_reason\":\"short\"}",
                        "access_reason");
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "username", "zana", "role", "protection",
                           "password", "correct horse battery", "access_reason",
                           "new GBV caseworker for the Usivak team");
    json_t *out = NULL;
    assert_ok(auth_user_create(s, &admin, in, &out));
    json_decref(in);
    json_t *grants = NULL;
    assert_ok(audit_list_action(s, "protection.access_granted", 10, &grants));
    json_t *g = json_array_get(json_object_get(grants, "items"), 0);
    assert_non_null(g);
    assert_string_equal(json_str(g, "entity_id"), json_str(out, "id"));
    assert_string_equal(json_str(g, "actor_name"), "test-admin");
    assert_string_equal(json_str(json_object_get(g, "detail"), "reason"),
                        "new GBV caseworker for the Usivak team");
    json_decref(grants);
    /* A viewer made protection officer: the same. */
    json_t *v = make_user(s, "edin", "viewer", "correct horse battery");
    json_t *patch = json_pack("{s:s}", "role", "protection"), *res = NULL;
    assert_err(auth_user_update(s, &admin, json_str(v, "id"), patch, &res), ERR_INVALID,
               "access_reason");
    json_object_set_new(patch, "access_reason", json_string("covers for Zana in December"));
    assert_ok(auth_user_update(s, &admin, json_str(v, "id"), patch, &res));
    json_decref(res);
    assert_ok(audit_list_action(s, "protection.access_granted", 10, &grants));
    assert_int_equal(json_array_size(json_object_get(grants, "items")), 2);
    json_decref(grants);
    /* Other changes to that account are no grant. */
    json_t *name = json_pack("{s:s}", "display_name", "Edin K.");
    assert_ok(auth_user_update(s, &admin, json_str(v, "id"), name, &res));
    json_decref(res);
    assert_ok(audit_list_action(s, "protection.access_granted", 10, &grants));
    assert_int_equal(json_array_size(json_object_get(grants, "items")), 2);
    json_decref(grants);
    json_decref(name);
    json_decref(patch);
    json_decref(v);
    json_decref(out);
    test_db_close(s);
}

static void test_disabled_user_loses_sessions(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *u = make_user(s, "dragan", "counsellor", "correct horse battery");
    char token[TOKEN_LEN];
    json_t *user = NULL;
    assert_ok(auth_login(s, "dragan", "correct horse battery", "10.0.0.1", token, &user));
    json_decref(user);
    json_t *patch = json_pack("{s:b}", "active", 0), *out = NULL;
    assert_ok(auth_user_update(s, &admin, json_str(u, "id"), patch, &out));
    actor a;
    assert_err(auth_session_actor(s, token, "10.0.0.1", &a), ERR_UNAUTHENTICATED, NULL);
    assert_err(auth_login(s, "dragan", "correct horse battery", "10.0.0.1", token, &user),
               ERR_UNAUTHENTICATED, NULL);
    json_decref(patch);
    json_decref(out);
    json_decref(u);
    test_db_close(s);
}

static void test_last_admin_cannot_be_demoted(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *u = make_user(s, "root", "admin", "correct horse battery");
    json_t *patch = json_pack("{s:s}", "role", "viewer"), *out = NULL;
    assert_err(auth_user_update(s, &admin, json_str(u, "id"), patch, &out), ERR_CONFLICT, "role");
    json_decref(make_user(s, "root2", "admin", "correct horse battery"));
    assert_ok(auth_user_update(s, &admin, json_str(u, "id"), patch, &out));
    json_decref(out);
    json_decref(patch);
    json_decref(u);
    test_db_close(s);
}

static void test_permission_matrix_denies_by_default(void **state) {
    (void)state;
    assert_true(auth_allows("admin", "site.write"));
    assert_true(auth_allows("registrar", "person.write"));
    assert_false(auth_allows("registrar", "site.write"));
    assert_false(auth_allows("statistician", "person.read"));
    assert_false(auth_allows("viewer", "person.write"));
    assert_false(auth_allows("admin", "no.such.permission"));
    assert_false(auth_allows("janitor", "site.read"));
    assert_false(auth_allows(NULL, "site.read"));
    assert_true(auth_role_valid("interp"));
    assert_false(auth_role_valid("root"));
}

static int setup(void **state) {
    (void)state;
    actor_system(&admin, "test-admin");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_accounts_are_rejected_by_field),
        cmocka_unit_test(test_generated_password_is_returned_once_and_works),
        cmocka_unit_test(test_login_session_and_logout),
        cmocka_unit_test(test_sessions_expire_when_idle),
        cmocka_unit_test(test_login_delay_doubles_and_is_capped),
        cmocka_unit_test(test_failures_slow_the_pair_not_the_user),
        cmocka_unit_test(test_delay_doubles_between_guesses),
        cmocka_unit_test(test_one_account_failing_does_not_lock_its_neighbours),
        cmocka_unit_test(test_guessing_has_global_bounds),
        cmocka_unit_test(test_password_rule),
        cmocka_unit_test(test_user_changes_own_password),
        cmocka_unit_test(test_protection_access_is_a_reasoned_grant),
        cmocka_unit_test(test_disabled_user_loses_sessions),
        cmocka_unit_test(test_last_admin_cannot_be_demoted),
        cmocka_unit_test(test_permission_matrix_denies_by_default),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
