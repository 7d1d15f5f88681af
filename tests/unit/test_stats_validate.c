/* Validation rules: each rule of the catalogue is triggered by figures made to break
 * it, and the report names the rule, indicator, cell and values. */
#include "testutil.h"

#include "stats_fixture.h"

static actor sys;

static const char cell_sql[] =
    "INSERT INTO stats_cells (ref_area, period, indicator, site, citizen, sex, age, value,"
    " obs_status, conf_status, source, updated_at) VALUES ('BA', :period, :ind, '', :cit, 'T',"
    " 'TOTAL', :value, 'A', 'F', 'computed', '2023-06-01T00:00:00Z')";

static void put(store *s, const char *period, const char *ind, const char *cit, double value) {
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, cell_sql, &st));
    store_bind_text(st, ":period", period);
    store_bind_text(st, ":ind", ind);
    store_bind_text(st, ":cit", cit);
    store_bind_double(st, ":value", value);
    assert_ok(store_run_done(&st));
}

static void enter(store *s, const char *period, const char *ind, const char *cit, int value) {
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:i}]}", "indicator", ind, "cells", "citizen", cit,
                           "sex", "M", "age", "Y18-34", "value", value);
    json_t *out = NULL;
    assert_ok(stats_enter(s, &sys, period, in, &out));
    json_decref(in);
    json_decref(out);
}

/* The first violation of rule for indicator, or NULL. */
static json_t *violation(json_t *report, const char *rule, const char *ind) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(report, "violations"), i, v) {
        if (!strcmp(json_string_value(json_object_get(v, "rule")), rule) &&
            !strcmp(json_string_value(json_object_get(v, "indicator")), ind))
            return v;
    }
    return NULL;
}

static void test_every_monthly_rule_reports_its_violation(void **state) {
    (void)state;
    store *s = test_db_open();
    /* totals: AF 4 + PK 5 is not 10 */
    put(s, "2023-05", "ARR", "TOTAL", 10);
    put(s, "2023-05", "ARR", "AF", 4);
    put(s, "2023-05", "ARR", "PK", 5);
    /* no negatives */
    put(s, "2023-05", "IRR_PRES", "TOTAL", -3);
    /* stock at end 13, but 10 + 5 - 3 = 12; and April ended with 9, not 10 */
    put(s, "2023-05", "ACC_SOP", "TOTAL", 10);
    put(s, "2023-05", "ACC_IN", "TOTAL", 5);
    put(s, "2023-05", "DEP", "TOTAL", 3);
    put(s, "2023-05", "ACC_EOP", "TOTAL", 13);
    put(s, "2023-04", "ACC_EOP", "TOTAL", 9);
    /* departures by reason add up to 2, not 3 */
    put(s, "2023-05", "DEP_MOVED_ON", "TOTAL", 1);
    put(s, "2023-05", "DEP_RETURNED", "TOTAL", 1);
    /* jumps: 30 -> 100 against April, and against May 2022 */
    enter(s, "2023-04", "ASY_APP", "AF", 30);
    enter(s, "2023-05", "ASY_APP", "AF", 100);
    enter(s, "2022-05", "ASY_INT", "AF", 30);
    enter(s, "2023-05", "ASY_INT", "AF", 100);

    json_t *r = NULL;
    assert_ok(stats_validate(s, NULL, "2023-05", &r));
    json_t *v = violation(r, "TOTALS", "ARR");
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "cell"), "citizen")),
                        "TOTAL");
    assert_true(json_number_value(json_object_get(json_object_get(v, "values"), "total")) == 10);
    assert_true(json_number_value(json_object_get(json_object_get(v, "values"), "sum_of_parts")) ==
                9);
    assert_non_null(violation(r, "NON_NEGATIVE", "IRR_PRES"));
    v = violation(r, "STOCK_FLOW", "ACC_EOP");
    assert_non_null(v);
    assert_true(json_number_value(json_object_get(json_object_get(v, "values"), "stock_end")) ==
                13);
    assert_non_null(violation(r, "STOCK_CONTINUITY", "ACC_SOP"));
    assert_non_null(violation(r, "DEP_BY_REASON", "DEP"));
    v = violation(r, "JUMP_PREVIOUS", "ASY_APP");
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "severity")), "warning");
    assert_null(violation(r, "JUMP_YEAR_AGO", "ASY_APP")); /* nothing a year ago */
    assert_non_null(violation(r, "JUMP_YEAR_AGO", "ASY_INT"));
    assert_null(violation(r, "JUMP_PREVIOUS", "ASY_INT")); /* nothing in April */
    assert_true(json_integer_value(json_object_get(r, "errors")) == 5);
    assert_int_equal(json_integer_value(json_object_get(r, "warnings")),
                     4); /* AF and TOTAL rows, twice */
    json_decref(r);
    test_db_close(s);
}

static void test_jump_factor_is_a_setting(void **state) {
    (void)state;
    store *s = test_db_open();
    enter(s, "2023-04", "ASY_APP", "AF", 30);
    enter(s, "2023-05", "ASY_APP", "AF", 100);
    json_t *in = json_pack("{s:f}", "jump_factor", 4.0), *out = NULL, *r = NULL;
    assert_ok(stats_settings_set(s, &sys, in, &out));
    json_decref(in);
    json_decref(out);
    assert_ok(stats_validate(s, NULL, "2023-05", &r));
    assert_null(violation(r, "JUMP_PREVIOUS", "ASY_APP")); /* 3.3 times is under 4 */
    json_decref(r);
    in = json_pack("{s:f}", "jump_factor", 0.5);
    assert_err(stats_settings_set(s, &sys, in, &out), ERR_INVALID, "jump_factor");
    json_decref(in);
    in = json_pack("{s:s}", "ref_area", "HR");
    assert_err(stats_settings_set(s, &sys, in, &out), ERR_INVALID, "ref_area");
    json_decref(in);
    test_db_close(s);
}

static void test_returns_by_type_and_by_destination_must_match_all_returns(void **state) {
    (void)state;
    store *s = test_db_open();
    enter(s, "2023-Q2", "RET", "AF", 6);
    enter(s, "2023-Q2", "RET_AVR", "AF", 6);
    enter(s, "2023-Q2", "RET_FORCED", "AF", 2); /* 6 + 2 is not 6 */
    json_t *in = json_pack("{s:s,s:[{s:s,s:i}]}", "indicator", "RET_DEST", "cells", "citizen", "AF",
                           "value", 5),
           *out = NULL, *r = NULL;
    assert_ok(stats_enter(s, &sys, "2023-Q2", in, &out));
    json_decref(in);
    json_decref(out);
    assert_ok(stats_validate(s, NULL, "2023-Q2", &r));
    assert_non_null(violation(r, "RET_DEST_TOTAL", "RET"));
    assert_non_null(violation(r, "RET_BY_TYPE", "RET"));
    json_decref(r);
    test_db_close(s);
}

static void test_persons_at_risk_cannot_outnumber_the_persons_screened(void **state) {
    (void)state;
    store *s = test_db_open();
    put(s, "2023-05", "VUL_SCR", "AF", 3);
    put(s, "2023-05", "VUL_SCR_PER", "AF", 4);   /* 4 persons in 3 screenings */
    put(s, "2023-05", "VUL_RISK", "AF", 5);      /* 5 at risk of 4 screened */
    put(s, "2023-05", "VUL_RISK_THB", "AF", 2);  /* fine: 2 of 5 */
    put(s, "2023-05", "VUL_RISK_SGBV", "AF", 6); /* 6 of 5 */
    put(s, "2023-05", "VUL_RISK_MED", "PK", 1);  /* no PK at risk at all */
    json_t *r = NULL;
    assert_ok(stats_validate(s, NULL, "2023-05", &r));
    json_t *v = violation(r, "WITHIN_SCREENINGS", "VUL_SCR_PER");
    assert_non_null(v);
    assert_true(json_number_value(json_object_get(json_object_get(v, "values"), "limit")) == 3);
    assert_non_null(violation(r, "WITHIN_SCREENED", "VUL_RISK"));
    assert_non_null(violation(r, "WITHIN_AT_RISK", "VUL_RISK_SGBV"));
    assert_non_null(violation(r, "WITHIN_AT_RISK", "VUL_RISK_MED"));
    assert_null(violation(r, "WITHIN_AT_RISK", "VUL_RISK_THB"));
    assert_int_equal(json_integer_value(json_object_get(r, "errors")), 4);
    json_decref(r);
    test_db_close(s);
}

static void test_entering_bad_aggregates_changes_nothing(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *out = NULL;
    struct {
        const char *body, *field;
        err_code code;
    } cases[] = {
        {"{\"indicator\":\"XX\",\"cells\":[]}", "indicator", ERR_INVALID},
        {"{\"indicator\":\"ARR\",\"cells\":[]}", "indicator", ERR_CONFLICT},
        {"{\"indicator\":\"ASY_APP\",\"cells\":[{\"citizen\":\"QQ\",\"sex\":\"F\",\"age\":\"UNK\",\"value\":1}]}",
         "cells[0].citizen", ERR_INVALID},
        {"{\"indicator\":\"ASY_APP\",\"cells\":[{\"citizen\":\"TOTAL\",\"sex\":\"F\",\"age\":\"UNK\",\"value\":1}]}",
         "cells[0].citizen", ERR_INVALID},
        {"{\"indicator\":\"ASY_APP\",\"cells\":[{\"citizen\":\"AF\",\"sex\":\"F\",\"age\":\"UNK\",\"value\":-1}]}",
         "cells[0].value", ERR_INVALID},
        {"{\"indicator\":\"REF_ENTRY\",\"cells\":[{\"citizen\":\"AF\",\"sex\":\"F\",\"value\":1}]}",
         "cells[0].sex", ERR_INVALID},
        {"{\"indicator\":\"ASY_APP\",\"cells\":[{\"citizen\":\"AF\",\"sex\":\"F\",\"age\":\"UNK\",\"value\":1},"
         "{\"citizen\":\"AF\",\"sex\":\"F\",\"age\":\"UNK\",\"value\":2}]}",
         "cells[1].value", ERR_INVALID},
        {"{\"indicator\":\"ORD_LEAVE\",\"cells\":[]}", "period", ERR_INVALID},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *in = json_loads(cases[i].body, 0, NULL);
        assert_non_null(in);
        assert_err(stats_enter(s, &sys, "2023-05", in, &out), cases[i].code, cases[i].field);
        json_decref(in);
    }
    char *data = NULL;
    size_t len = 0;
    assert_err(stats_export(s, &sys, NULL, "2023-05", STATS_JSON, &data, &len), ERR_NOT_FOUND,
               NULL);
    test_db_close(s);
}

int main(void) {
    actor_system(&sys, "test");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_monthly_rule_reports_its_violation),
        cmocka_unit_test(test_jump_factor_is_a_setting),
        cmocka_unit_test(test_returns_by_type_and_by_destination_must_match_all_returns),
        cmocka_unit_test(test_persons_at_risk_cannot_outnumber_the_persons_screened),
        cmocka_unit_test(test_entering_bad_aggregates_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
