/* Core helpers: dates, text folding, UTF-8, JSON input checks, code lists. */
#include <string.h>

#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "testutil.h"

static void test_iso_time_round_trips(void **state) {
    (void)state;
    int64_t t;
    assert_true(clock_parse_iso("2023-05-14T08:30:00Z", &t));
    char out[CLOCK_ISO_LEN];
    clock_format_iso(t, out);
    assert_string_equal(out, "2023-05-14T08:30:00Z");
    int64_t with_offset;
    assert_true(clock_parse_iso("2023-05-14T10:30:00+02:00", &with_offset));
    assert_int_equal(with_offset, t);
    assert_true(clock_parse_iso("2023-05-14T08:30:00.250Z", &with_offset));
    assert_int_equal(with_offset, t);
}

static void test_impossible_dates_are_rejected(void **state) {
    (void)state;
    int y, m, d;
    int64_t t;
    assert_false(clock_parse_date("2023-02-29", &y, &m, &d));
    assert_true(clock_parse_date("2024-02-29", &y, &m, &d));
    assert_false(clock_parse_date("2023-13-01", &y, &m, &d));
    assert_false(clock_parse_date("2023-04-31", &y, &m, &d));
    assert_false(clock_parse_date("23-04-01", &y, &m, &d));
    assert_false(clock_parse_date("2023-4-1", &y, &m, &d));
    assert_false(clock_parse_iso("2023-05-14 08:30:00Z", &t));
    assert_false(clock_parse_iso("2023-05-14T24:00:00Z", &t));
    assert_false(clock_parse_iso("2023-05-14T08:30:00", &t));
}

/* Found by fuzz_dates: an offset moved the instant past year 9999, which formatted
 * as year 0000 (tests/fuzz/corpus/dates/crash_year_10000). */
static void test_iso_time_outside_years_1_to_9999_is_rejected(void **state) {
    (void)state;
    int64_t t;
    assert_false(clock_parse_iso("9999-12-31T23:59:59-14:59", &t));
    assert_false(clock_parse_iso("0001-01-01T00:00:00+00:01", &t));
    assert_true(clock_parse_iso("9999-12-31T23:59:59Z", &t));
    char out[CLOCK_ISO_LEN];
    clock_format_iso(t, out);
    assert_string_equal(out, "9999-12-31T23:59:59Z");
    assert_true(clock_parse_iso("0001-01-01T00:00:00Z", &t));
    clock_format_iso(t, out);
    assert_string_equal(out, "0001-01-01T00:00:00Z");
}

/* Found by fuzz_person (tests/fuzz/corpus/person/crash_long_unicode_key.json): a field
 * name of 48 "é" was cut inside a character, and the error body could not be built;
 * the same for the bytes of a path such as /api/v1/%ff echoed in a message. */
static void test_errors_are_valid_utf8_whatever_they_echo(void **state) {
    (void)state;
    char key[200] = "";
    for (int i = 0; i < 48; i++) strcat(key, "\xc3\xa9");
    herr *e = err_invalid(key, "unknown field %s", key);
    assert_true(text_utf8_valid(e->field, strlen(e->field)));
    assert_true(text_utf8_valid(e->message, strlen(e->message)));
    assert_int_equal(strlen(e->field), 62); /* 31 whole characters of 2 bytes */
    err_free(e);
    e = err_new(ERR_NOT_FOUND, NULL, "no endpoint %s %s", "GET", "/api/v1/\xff\xc3x\xed\xa0\x80");
    assert_string_equal(e->message, "no endpoint GET /api/v1/??x???");
    err_free(e);
    e = err_new(ERR_NOT_FOUND, NULL, "no endpoint %s", "/api/v1/\xff");
    assert_string_equal(e->message, "no endpoint /api/v1/?");
    err_free(e);
    char msg[400];
    memset(msg, 'a', sizeof msg);
    memcpy(msg + 318, "\xe2\x82\xac", 3); /* a euro sign across the 320-byte limit */
    msg[sizeof msg - 1] = '\0';
    e = err_new(ERR_INVALID, "x", "%s", msg);
    assert_int_equal(strlen(e->message), 318);
    err_free(e);
    e = err_with(err_invalid("x", "bad"), "bad_value", "value", key, NULL); /* 96 bytes of é */
    assert_true(text_utf8_valid(e->params[0].value, strlen(e->params[0].value)));
    assert_int_equal(strlen(e->params[0].value), 94);
    err_free(e);
}

static void test_days_from_civil_matches_known_days(void **state) {
    (void)state;
    assert_int_equal(clock_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(clock_days_from_civil(2000, 3, 1), 11017);
    int y, m, d;
    clock_civil_from_days(19491, &y, &m, &d); /* 2023-05-14 */
    assert_int_equal(y, 2023);
    assert_int_equal(m, 5);
    assert_int_equal(d, 14);
    assert_int_equal(clock_day_start(86400 * 3 + 5), 86400 * 3);
    assert_int_equal(clock_day_start(-5), -86400);
}

static void expect_fold(const char *in, const char *want) {
    char *out = NULL;
    assert_ok(text_fold(in, &out));
    assert_string_equal(out, want);
    mem_free(out);
}

static void test_fold_removes_accents_case_and_script(void **state) {
    (void)state;
    expect_fold("Đorđe  MÜLLER-Šarić", "dorde muller saric");
    expect_fold("Мохамед Хусеини", "mohamed huseini");
    expect_fold("  Ali, (Ahmadi)  ", "ali ahmadi");
    char *out = NULL;
    assert_ok(text_fold("محمد", &out));
    assert_true(strlen(out) > 0); /* Arabic becomes Latin letters */
    for (const char *p = out; *p; p++) assert_true(*p >= 'a' && *p <= 'z');
    mem_free(out);
    /* Found by fuzz_names: U+FDFA grows eighteen-fold and overflowed the buffer. */
    out = NULL;
    assert_ok(text_fold("\xef\xb7\xba \xef\xb7\xba \xef\xb7\xba \xef\xb7\xba", &out));
    assert_true(strlen(out) > 10);
    mem_free(out);
}

static void test_utf8_validation(void **state) {
    (void)state;
    assert_true(text_utf8_valid("Ušivak", strlen("Ušivak")));
    assert_false(text_utf8_valid("\xc3\x28", 2));     /* bad continuation */
    assert_false(text_utf8_valid("\xe0\x80\xaf", 3)); /* overlong */
    assert_false(text_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(text_utf8_valid("ab\xe2\x82", 4));   /* truncated */
    assert_int_equal(text_utf8_length("Bihać"), 5);
    assert_false(text_is_single_line("a\nb"));
    assert_false(text_is_single_line("a\x7f"));
    assert_true(text_is_single_line("Lipa – Bihać"));
}

static const json_field fields[] = {
    {"name", JF_STRING, true, 5},
    {"count", JF_INT, false, 0},
    {"tags", JF_STRING_ARRAY, false, 2},
    {"note", JF_TEXT, false, 100},
};

static void expect_check_fails(const char *body, const char *field) {
    json_t *in = json_loads(body, 0, NULL);
    assert_non_null(in);
    assert_err(json_check(in, fields, 4), ERR_INVALID, field);
    json_decref(in);
}

static void test_json_check_names_the_bad_field(void **state) {
    (void)state;
    expect_check_fails("{\"count\":1}", "name");
    expect_check_fails("{\"name\":\"abc\",\"colour\":\"red\"}", "colour");
    expect_check_fails("{\"name\":3}", "name");
    expect_check_fails("{\"name\":\"abcdef\"}", "name");
    expect_check_fails("{\"name\":\"ab\",\"count\":\"3\"}", "count");
    expect_check_fails("{\"name\":\"ab\",\"tags\":[\"a\",\"b\",\"c\"]}", "tags");
    expect_check_fails("{\"name\":\"ab\",\"tags\":[1]}", "tags");
    expect_check_fails("{\"name\":\"a\\nb\"}", "name");
    expect_check_fails("[1,2]", "body");
    /* Found by fuzz_person (corpus/person/crash_empty_key.json): an unknown empty key
     * gave a validation error with no field. */
    expect_check_fails("{\"\":\"x\"}", "body");
    json_t *ok =
        json_loads("{\"name\":\"Bihać\",\"note\":\"two\\nlines\",\"count\":null}", 0, NULL);
    assert_ok(json_check(ok, fields, 4));
    json_decref(ok);
    json_t *parsed = NULL;
    assert_err(json_parse_body("{\"a\":", 5, &parsed), ERR_INVALID, "body");
    assert_err(json_parse_body("{\"a\":\"\xff\"}", 8, &parsed), ERR_INVALID, "body");
    assert_err(json_parse_body("{\"a\":1,\"a\":2}", 13, &parsed), ERR_INVALID, "body");
}

static void test_err_with_gives_key_and_parameters(void **state) {
    (void)state;
    herr *e = err_with(err_invalid("name", "name is longer than %d characters", 120), "too_long",
                       "max", "120", NULL);
    assert_string_equal(e->field, "name");
    assert_string_equal(e->key, "too_long");
    assert_int_equal(e->n_params, 1);
    assert_string_equal(e->params[0].name, "max");
    assert_string_equal(e->params[0].value, "120");
    err_free(e);
    /* More parameters than fit are dropped, not written past the array. */
    e = err_with(err_invalid(NULL, "x"), "k", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
                 NULL);
    assert_int_equal(e->n_params, ERR_MAX_PARAMS);
    assert_string_equal(e->params[ERR_MAX_PARAMS - 1].value, "4");
    err_free(e);
    assert_null(err_with(NULL, "k", NULL));
}

static void test_country_and_language_codes(void **state) {
    (void)state;
    assert_true(codes_country_valid("AF"));
    assert_true(codes_country_valid("XK"));
    assert_true(codes_country_valid("stateless"));
    assert_true(codes_country_valid("unknown"));
    assert_false(codes_country_valid("ZZ"));
    assert_false(codes_country_valid("af"));
    assert_false(codes_country_valid("AFG"));
    assert_true(codes_language_valid("ps"));
    assert_true(codes_language_valid("prs"));
    assert_true(codes_language_valid("ary"));
    assert_false(codes_language_valid("xx"));
    assert_false(codes_language_valid("PS"));
    char name[64];
    codes_country_name("MA", "bs", name, sizeof name);
    assert_string_equal(name, "Maroko");
    codes_country_name("XK", "en", name, sizeof name);
    assert_string_equal(name, "Kosovo");
}

/* Appends of every size, zero bytes included, end as the bytes in order. */
static void test_mem_buf_grows_and_keeps_every_byte(void **state) {
    (void)state;
    mem_buf b = {0};
    mem_buf_append(&b, "", 0);
    assert_null(b.data);
    char expected[5000];
    size_t n = 0;
    for (size_t k = 1; n + k <= sizeof expected; k += 7) {
        char chunk[64];
        for (size_t i = 0; i < k && i < sizeof chunk; i++) chunk[i] = (char)('a' + (n + i) % 26);
        size_t m = k < sizeof chunk ? k : sizeof chunk;
        memcpy(expected + n, chunk, m);
        mem_buf_append(&b, chunk, m);
        n += m;
    }
    assert_int_equal(b.len, n);
    assert_true(b.cap >= b.len);
    assert_memory_equal(b.data, expected, n);
    mem_free(b.data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_time_round_trips),
        cmocka_unit_test(test_impossible_dates_are_rejected),
        cmocka_unit_test(test_iso_time_outside_years_1_to_9999_is_rejected),
        cmocka_unit_test(test_errors_are_valid_utf8_whatever_they_echo),
        cmocka_unit_test(test_days_from_civil_matches_known_days),
        cmocka_unit_test(test_fold_removes_accents_case_and_script),
        cmocka_unit_test(test_utf8_validation),
        cmocka_unit_test(test_json_check_names_the_bad_field),
        cmocka_unit_test(test_err_with_gives_key_and_parameters),
        cmocka_unit_test(test_country_and_language_codes),
        cmocka_unit_test(test_mem_buf_grows_and_keeps_every_byte),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    text_shutdown();
    return rc;
}
