/* Error and log text that cannot break what carries it (issue 10): error text cut at a
 * character boundary with invalid bytes replaced (err.c), log lines escaped; and the
 * bound on concurrent password hashes. */
#include <pthread.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/text.h"
#include "testutil.h"

static void test_error_message_and_field_are_whole_characters(void **state) {
    (void)state;
    char key[81] = "";
    for (int i = 0; i < 40; i++) strcat(key, "é");
    herr *e = err_new(ERR_INVALID, key, "unknown field %s", key);
    assert_true(text_utf8_valid(e->field, strlen(e->field)));
    assert_int_equal(strlen(e->field) % 2, 0); /* whole é only */
    assert_true(text_utf8_valid(e->message, strlen(e->message)));
    err_free(e);
    char path[1200];
    memset(path, 0, sizeof path);
    for (int i = 0; i < 550; i++) strcat(path, "ž");
    e = err_new(ERR_NOT_FOUND, NULL, "no endpoint GET /api/v1/%s\xff", path);
    assert_true(text_utf8_valid(e->message, strlen(e->message)));
    err_free(e);
    e = err_new(ERR_NOT_FOUND, NULL, "no endpoint GET /api/v1/%s", "\xff");
    assert_string_equal(e->message, "no endpoint GET /api/v1/?");
    err_free(e);
    /* Translatable parameters echo input as well. */
    e = err_with(err_invalid(key, "unknown field"), "unknown_field", "name", key, NULL);
    assert_true(text_utf8_valid(e->params[0].value, strlen(e->params[0].value)));
    assert_int_equal(strlen(e->params[0].value) % 2, 0);
    err_free(e);
}

static void test_log_escape_defuses_newlines_and_terminal_codes(void **state) {
    (void)state;
    char out[128];
    text_log_escape(out, sizeof out, "GET /a\nFAKE \x1b[31mred\x7f \\x0a \xc2\x9b \xff é");
    assert_string_equal(out, "GET /a\\x0aFAKE \\x1b[31mred\\x7f \\x5cx0a \\xc2\\x9b \\xff é");
    /* An escape is never cut in half. */
    assert_int_equal(text_log_escape(out, 5, "a\n"), 1);
    assert_string_equal(out, "a");
}

static void *hash_once(void *arg) {
    char out[CRYPTO_PWHASH_LEN];
    err_free(crypto_password_hash((const char *)arg, out));
    return NULL;
}

static void test_password_hashes_run_at_most_the_bound_at_once(void **state) {
    (void)state;
    crypto_password_concurrency(2);
    pthread_t t[6];
    for (int i = 0; i < 6; i++) pthread_create(&t[i], NULL, hash_once, "correct horse battery");
    for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
    assert_int_equal(crypto_password_peak(), 2);
}

int main(void) {
    assert_ok(crypto_init());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_message_and_field_are_whole_characters),
        cmocka_unit_test(test_log_escape_defuses_newlines_and_terminal_codes),
        cmocka_unit_test(test_password_hashes_run_at_most_the_bound_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
