/* Accounts, logins, sessions, the permission matrix. */
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "testutil.h"

static actor admin;

static json_t *make_user(store *s, const char *username, const char *role, const char *password) {
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "username", username, "role", role, "password", password);
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

static void test_repeated_failures_are_rate_limited(void **state) {
    (void)state;
    store *s = test_db_open();
    json_decref(make_user(s, "nermin", "statistician", "correct horse battery"));
    char token[TOKEN_LEN];
    json_t *user = NULL;
    for (int i = 0; i < 5; i++)
        assert_err(auth_login(s, "nermin", "guess guess guess", "10.0.0.9", token, &user),
                   ERR_UNAUTHENTICATED, NULL);
    /* Even the right password waits now: guessing cannot continue. */
    assert_err(auth_login(s, "nermin", "correct horse battery", "10.0.0.9", token, &user),
               ERR_RATE_LIMITED, NULL);
    clock_set_fake(clock_now() + 16 * 60);
    assert_ok(auth_login(s, "nermin", "correct horse battery", "10.0.0.9", token, &user));
    json_decref(user);
    clock_set_fake(0);
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
        cmocka_unit_test(test_repeated_failures_are_rate_limited),
        cmocka_unit_test(test_disabled_user_loses_sessions),
        cmocka_unit_test(test_last_admin_cannot_be_demoted),
        cmocka_unit_test(test_permission_matrix_denies_by_default),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
