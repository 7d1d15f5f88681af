/* Import of a neighbour's SDMX-CSV file: strict checks with line and column for every
 * error kind, nothing imported on error, replacement of that administration's period,
 * and a byte-identical round trip export -> import -> export. */
#include "testutil.h"

#include <stdio.h>

#include "stats_fixture.h"

#include "audit/audit.h"
#include "core/json.h"
#include "core/mem.h"

static actor sys;

#define HEAD                                                                                       \
    "DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n"
#define ROW(cit, period, value, conf)                                                              \
    "HAVEN:MIGR_WB(1.0),M,RS,REF_ENTRY," cit ",T,TOTAL,PER," period "," value ",A," conf "\n"
static const char good[] = HEAD ROW("AF", "2023-05", "7", "F") ROW("PK", "2023-05", "5", "F")
    ROW("TOTAL", "2023-05", "12", "F");

static herr *import_text(store *s, const char *text, json_t **report) {
    return stats_import(s, &sys, text, strlen(text), report);
}

/* Imports text expecting exactly one error at line/column. */
static void expect_error(store *s, const char *text, int line, int column, const char *words) {
    json_t *report = NULL;
    assert_err(import_text(s, text, &report), ERR_INVALID, "file");
    json_t *errors = json_object_get(report, "errors");
    if (json_array_size(errors) != 1) {
        char *dump = json_dumps(errors, 0);
        fail_msg("expected one error, got %s", dump);
    }
    json_t *e = json_array_get(errors, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
    assert_int_equal(json_integer_value(json_object_get(e, "column")), column);
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (!strstr(msg, words)) fail_msg("message '%s' lacks '%s'", msg, words);
    assert_int_equal(json_integer_value(json_object_get(report, "cells")), 0);
    json_decref(report);
}

static double rs_value(store *s, const char *citizen) {
    json_t *got = NULL;
    assert_ok(stats_get(s, "RS", "2023-05", NULL, &got));
    double v = fx_cell(got, "value", "REF_ENTRY", NULL, citizen, "T", "TOTAL");
    json_decref(got);
    return v;
}

static void test_correct_file_replaces_that_administrations_period(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *report = NULL;
    assert_ok(import_text(s, good, &report));
    assert_int_equal(json_integer_value(json_object_get(report, "cells")), 3);
    assert_string_equal(json_string_value(json_object_get(report, "ref_area")), "RS");
    json_decref(report);
    assert_true(rs_value(s, "AF") == 7);
    static const char second[] =
        HEAD ROW("SY", "2023-05", "4", "F") ROW("TOTAL", "2023-05", "4", "F");
    assert_ok(import_text(s, second, &report));
    json_decref(report);
    assert_true(rs_value(s, "AF") == -1); /* replaced, not merged */
    assert_true(rs_value(s, "SY") == 4);
    json_t *log = NULL;
    assert_ok(audit_list(s, "stats_period", "RS:2023-05", 10, 0, &log));
    assert_int_equal(json_array_size(json_object_get(log, "items")), 2);
    json_decref(log);
    test_db_close(s);
}

static void test_unknown_code_is_reported_with_line_and_column(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_error(s, HEAD ROW("QQ", "2023-05", "7", "F"), 2, 5, "unknown CITIZEN code QQ");
    expect_error(s, HEAD "HAVEN:MIGR_WB(1.0),M,RS,NOPE,AF,T,TOTAL,PER,2023-05,7,A,F\n", 2, 4,
                 "unknown INDICATOR");
    expect_error(s, HEAD "HAVEN:MIGR_WB(1.0),M,HR,REF_ENTRY,AF,T,TOTAL,PER,2023-05,7,A,F\n", 2, 3,
                 "unknown REF_AREA");
    expect_error(s, HEAD "HAVEN:MIGR_WB(1.0),M,RS,REF_ENTRY,AF,F,TOTAL,PER,2023-05,7,A,F\n", 2, 6,
                 "no SEX breakdown");
    test_db_close(s);
}

static void test_wrong_period_is_reported(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_error(s, HEAD ROW("AF", "2023-13", "7", "F"), 2, 9, "wrong period");
    expect_error(s, HEAD ROW("AF", "2023-Q2", "7", "F"), 2, 9, "for FREQ M");
    expect_error(s, HEAD ROW("AF", "2023-05", "7", "F") ROW("TOTAL", "2023-06", "7", "F"), 3, 9,
                 "one period per file");
    expect_error(s, HEAD ROW("AF", "2999-05", "7", "F"), 2, 9, "not started");
    expect_error(s, HEAD "HAVEN:MIGR_WB(1.0),M,RS,ORD_LEAVE,AF,T,TOTAL,PER,2023-05,7,A,F\n", 2, 9,
                 "not reported for periods that short");
    test_db_close(s);
}

static void test_duplicate_key_is_reported_on_the_second_line(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_error(s, HEAD ROW("AF", "2023-05", "7", "F") ROW("AF", "2023-05", "7", "F"), 3, 4,
                 "same cell as line 2");
    test_db_close(s);
}

static void test_value_not_a_number_is_reported(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_error(s, HEAD ROW("AF", "2023-05", "7a", "F"), 2, 10, "value not a number");
    expect_error(s, HEAD ROW("AF", "2023-05", "-7", "F"), 2, 10, "value not a number");
    expect_error(s, HEAD ROW("AF", "2023-05", "7.5", "F"), 2, 10, "value not a number");
    expect_error(s, HEAD ROW("AF", "2023-05", "", "F"), 2, 10, "value not a number");
    expect_error(s, HEAD ROW("AF", "2023-05", "3", "C"), 2, 10, "must have no value");
    test_db_close(s);
}

static void test_totals_that_do_not_add_up_are_reported(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_error(s,
                 HEAD ROW("AF", "2023-05", "7", "F") ROW("PK", "2023-05", "5", "F")
                     ROW("TOTAL", "2023-05", "13", "F"),
                 4, 10, "totals do not add up");
    /* With a suppressed part the known parts may not exceed the total. */
    json_t *report = NULL;
    assert_ok(import_text(s,
                          HEAD ROW("AF", "2023-05", "", "C") ROW("PK", "2023-05", "", "D")
                              ROW("SY", "2023-05", "9", "F") ROW("TOTAL", "2023-05", "12", "F"),
                          &report));
    json_decref(report);
    expect_error(s,
                 HEAD ROW("AF", "2023-05", "", "C") ROW("SY", "2023-05", "9", "F")
                     ROW("TOTAL", "2023-05", "8", "F"),
                 4, 10, "published parts only");
    test_db_close(s);
}

static void test_file_with_errors_imports_nothing_and_lists_every_error(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *report = NULL;
    assert_ok(import_text(s, good, &report));
    json_decref(report);
    static const char bad[] = HEAD ROW("AF", "2023-05", "70", "F") ROW(
        "QQ", "2023-05", "x", "F") "HAVEN:MIGR_WB(1.0),M,RS\n" ROW("TOTAL", "2023-05", "70", "Z");
    assert_err(import_text(s, bad, &report), ERR_INVALID, "file");
    json_t *errors = json_object_get(report, "errors");
    assert_int_equal(json_array_size(errors), 4); /* QQ and x on line 3, line 4 short, Z */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 2), "line")), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 3), "column")), 12);
    json_decref(report);
    assert_true(rs_value(s, "AF") == 7); /* unchanged */
    expect_error(s, "DATAFLOW,FREQ\n", 1, 3, "header");
    expect_error(s, "", 1, 1, "empty");
    test_db_close(s);
}

static void test_export_import_export_round_trip_is_byte_identical(void **state) {
    (void)state;
    store *a = test_db_open(), *b = test_db_open();
    fx_load(a);
    json_t *out = NULL;
    assert_ok(stats_compute(a, &sys, "2023-05", &out));
    json_decref(out);
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i}]}",
                           "indicator", "ASY_APP", "cells", "citizen", "AF", "sex", "M", "age",
                           "Y18-34", "value", 40, "citizen", "AF", "sex", "F", "age", "Y18-34",
                           "value", 2, "citizen", "IR", "sex", "M", "age", "Y35-64", "value", 17);
    assert_ok(stats_enter(a, &sys, "2023-05", in, &out));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:i}]}", "indicator", "UAM_REG", "cells", "citizen", "AF",
                   "sex", "M", "age", "Y14-17", "value", 8);
    assert_ok(stats_enter(a, &sys, "2023-05", in, &out));
    json_decref(in);
    json_decref(out);
    char *first = NULL, *second = NULL;
    size_t len1 = 0, len2 = 0;
    assert_ok(stats_export(a, &sys, NULL, "2023-05", STATS_SDMX_CSV, &first, &len1));
    assert_non_null(strstr(first, ",C\n"));
    assert_non_null(strstr(first, ",D\n"));
    assert_non_null(strstr(first, ",R,F\n"));
    /* The local administration's own figures are not imported over. */
    json_t *report = NULL;
    assert_err(stats_import(a, &sys, first, len1, &report), ERR_CONFLICT, "file");
    json_decref(report);
    /* A neighbour (ME) imports the BA file and exports BA again. */
    in = json_pack("{s:s}", "ref_area", "ME");
    assert_ok(stats_settings_set(b, &sys, in, &out));
    json_decref(in);
    json_decref(out);
    assert_ok(stats_import(b, &sys, first, len1, &report));
    json_decref(report);
    assert_ok(stats_export(b, &sys, "BA", "2023-05", STATS_SDMX_CSV, &second, &len2));
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    /* And the comparison puts both administrations side by side. */
    assert_ok(stats_compare(b, "ARR", "2023-05", NULL, NULL, &out));
    assert_int_equal(json_array_size(json_object_get(out, "ref_areas")), 1);
    json_decref(out);
    mem_free(first);
    mem_free(second);
    test_db_close(a);
    test_db_close(b);
}

static void test_compare_shows_administrations_side_by_side(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *report = NULL, *out = NULL;
    assert_ok(import_text(s, good, &report));
    json_decref(report);
    json_t *in = json_pack("{s:s,s:[{s:s,s:i},{s:s,s:i}]}", "indicator", "REF_ENTRY", "cells",
                           "citizen", "AF", "value", 30, "citizen", "MA", "value", 2);
    assert_ok(stats_enter(s, &sys, "2023-05", in, &out));
    json_decref(in);
    json_decref(out);
    assert_ok(stats_compare(s, "REF_ENTRY", "2023-05", NULL, NULL, &out));
    json_t *areas = json_object_get(out, "ref_areas");
    assert_int_equal(json_array_size(areas), 2);
    assert_string_equal(json_string_value(json_array_get(areas, 0)), "BA");
    json_t *rows = json_object_get(out, "rows");
    json_t *total = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(total, "citizen")), "TOTAL");
    json_t *v = json_object_get(total, "values");
    assert_int_equal(json_integer_value(json_object_get(v, "BA")), 32);
    assert_int_equal(json_integer_value(json_object_get(v, "RS")), 12);
    /* BA's MA cell (2) is published as suppressed; RS has no MA row at all. */
    json_t *ma = json_array_get(rows, 2);
    assert_string_equal(json_string_value(json_object_get(ma, "citizen")), "MA");
    assert_true(json_is_null(json_object_get(json_object_get(ma, "values"), "BA")));
    json_decref(out);
    assert_err(stats_compare(s, "NOPE", "2023-05", NULL, NULL, &out), ERR_INVALID, "indicator");
    test_db_close(s);
}

static void test_garbage_is_rejected_with_readable_errors(void **state) {
    (void)state;
    store *s = test_db_open();
    const char *inputs[] = {
        "\xff\xfe\x00garbage", HEAD "\xc3\x28,M,\"unclosed\n", HEAD ",,,,,,,,,,,\n",
        HEAD "HAVEN:MIGR_WB(1.0),M,RS,REF_ENTRY,\xe2\x82,T,TOTAL,PER,2023-05,7,A,F\n", "\n\n\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        json_t *report = NULL;
        size_t len = i == 0 ? 10 : strlen(inputs[i]);
        assert_err(stats_import(s, &sys, inputs[i], len, &report), ERR_INVALID, "file");
        assert_non_null(report);
        assert_true(json_array_size(json_object_get(report, "errors")) > 0);
        json_decref(report);
    }
    json_t *got = NULL;
    assert_ok(stats_get(s, "RS", "2023-05", NULL, &got));
    assert_int_equal(json_array_size(json_object_get(got, "indicators")), 0);
    json_decref(got);
    test_db_close(s);
}

/* Every error carries a message key and its parameters, for the web interface to say it
 * in the user's language; the garbage inputs too. */
static void test_every_error_carries_a_message_key_and_its_parameters(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *report = NULL;
    static const char bad[] = "FLOW,FREQ\nA,B\n";
    assert_err(import_text(s, bad, &report), ERR_INVALID, "file");
    json_t *errors = json_object_get(report, "errors");
    assert_int_equal(json_array_size(errors), 2);
    json_t *header = json_array_get(errors, 0), *row = json_array_get(errors, 1);
    assert_string_equal(json_str(header, "key"), "stats_import_header_column");
    json_t *hp = json_object_get(header, "params");
    assert_int_equal(json_integer_value(json_object_get(hp, "column")), 1);
    assert_string_equal(json_str(hp, "expected"), "DATAFLOW");
    assert_string_equal(json_str(row, "key"), "stats_import_columns");
    json_t *rp = json_object_get(row, "params");
    assert_int_equal(json_integer_value(json_object_get(rp, "expected")), 12);
    assert_int_equal(json_integer_value(json_object_get(rp, "found")), 2);
    assert_non_null(strstr(json_str(row, "message"), "expected 12 columns, found 2"));
    json_decref(report);

    report = NULL;
    assert_err(import_text(s, HEAD ROW("QQ", "2023-05", "7", "F"), &report), ERR_INVALID, "file");
    json_t *e = json_array_get(json_object_get(report, "errors"), 0);
    assert_string_equal(json_str(e, "key"), "stats_import_code");
    assert_string_equal(json_str(json_object_get(e, "params"), "column"), "CITIZEN");
    assert_string_equal(json_str(json_object_get(e, "params"), "value"), "QQ");
    json_decref(report);
    test_db_close(s);
}

int main(void) {
    actor_system(&sys, "test");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_correct_file_replaces_that_administrations_period),
        cmocka_unit_test(test_unknown_code_is_reported_with_line_and_column),
        cmocka_unit_test(test_wrong_period_is_reported),
        cmocka_unit_test(test_duplicate_key_is_reported_on_the_second_line),
        cmocka_unit_test(test_value_not_a_number_is_reported),
        cmocka_unit_test(test_totals_that_do_not_add_up_are_reported),
        cmocka_unit_test(test_file_with_errors_imports_nothing_and_lists_every_error),
        cmocka_unit_test(test_export_import_export_round_trip_is_byte_identical),
        cmocka_unit_test(test_compare_shows_administrations_side_by_side),
        cmocka_unit_test(test_garbage_is_rejected_with_readable_errors),
        cmocka_unit_test(test_every_error_carries_a_message_key_and_its_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
