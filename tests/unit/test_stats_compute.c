/* Computing indicators from case data: expected tables worked out by hand from the
 * fixture (tests/unit/stats_fixture.h). */
#include "testutil.h"

#include "stats_fixture.h"

#include "audit/audit.h"

static actor sys;

static json_t *compute_and_get(store *s, const char *period) {
    json_t *summary = NULL, *got = NULL;
    assert_ok(stats_compute(s, &sys, period, &summary));
    json_decref(summary);
    assert_ok(stats_get(s, NULL, period, NULL, &got));
    return got;
}

#define V(ind, site, cit, sex, age) fx_cell(got, "value", ind, site, cit, sex, age)

static void test_arrivals_count_registrations_of_the_period_by_citizen_sex_age(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-05");
    /* p2, p3, p4, p5: p1 came in April, p6 is p1 again (merged), p7 came in June. */
    assert_true(V("ARR", NULL, "TOTAL", "T", "TOTAL") == 4);
    assert_true(V("ARR", NULL, "AF", "F", "Y_LT14") == 1);
    assert_true(V("ARR", NULL, "AF", "T", "TOTAL") == 1);
    assert_true(V("ARR", NULL, "PK", "M", "Y14-17") == 1);  /* 16 on the last day of May */
    assert_true(V("ARR", NULL, "STLS", "UNK", "UNK") == 1); /* stateless, sex X, no birth date */
    assert_true(V("ARR", NULL, "SY", "M", "Y_GE65") == 1);
    assert_true(V("ARR", NULL, "TOTAL", "M", "TOTAL") == 2);
    assert_true(V("ARR", NULL, "TOTAL", "F", "TOTAL") == 1);
    assert_true(V("ARR", NULL, "TOTAL", "UNK", "TOTAL") == 1);
    assert_true(V("ARR", NULL, "TOTAL", "T", "Y18-34") == 0);
    assert_true(V("ARR", NULL, "AF", "M", "Y18-34") == 0);     /* complete table: zeros present */
    assert_true(V("ARR", NULL, "UNK", "T", "TOTAL") == -1);    /* p7 is June's */
    assert_true(V("ARR", "LIP", "TOTAL", "T", "TOTAL") == -1); /* arrivals are not by site */
    json_decref(got);
    test_db_close(s);
}

static void test_stock_admissions_and_departures_add_up_per_site(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-05");
    assert_true(V("ACC_SOP", NULL, "TOTAL", "T", "TOTAL") == 1); /* t1 */
    assert_true(V("ACC_SOP", "LIP", "AF", "M", "Y18-34") == 1);
    assert_true(V("ACC_IN", NULL, "TOTAL", "T", "TOTAL") == 6); /* t2 t3 t4 t5 t7 t8 */
    assert_true(V("ACC_IN", "LIP", "TOTAL", "T", "TOTAL") == 3);
    assert_true(V("ACC_IN", "BIR", "TOTAL", "T", "TOTAL") == 3);
    assert_true(V("DEP", NULL, "TOTAL", "T", "TOTAL") == 3); /* t2 t4 t7 */
    assert_true(V("DEP", "LIP", "TOTAL", "T", "TOTAL") == 2);
    assert_true(V("ACC_EOP", NULL, "TOTAL", "T", "TOTAL") == 4); /* t1 t3 t5 t8 */
    assert_true(V("ACC_EOP", "BIR", "TOTAL", "T", "TOTAL") == 2);
    assert_true(V("ACC_EOP", "BIR", "STLS", "UNK", "UNK") == 1); /* t5 leaves in June */
    assert_true(V("ACC_EOP", "LIP", "AF", "F", "Y_LT14") == 0);  /* p2 moved to BIR */
    assert_true(V("ACC_EOP", "BIR", "AF", "F", "Y_LT14") == 1);
    json_decref(got);
    /* The computed figures pass every rule. */
    json_t *report = NULL;
    assert_ok(stats_validate(s, NULL, "2023-05", &report));
    assert_int_equal(json_integer_value(json_object_get(report, "errors")), 0);
    assert_true(json_integer_value(json_object_get(report, "checked")) > 100);
    json_decref(report);
    test_db_close(s);
}

static void test_stays_of_a_merged_record_count_as_the_survivors(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-05");
    /* t8 belongs to p6, merged into p1: described as p1 (AF, M, 28), not as p6 (unknown). */
    assert_true(V("ACC_EOP", "LIP", "AF", "M", "Y18-34") == 2);
    assert_true(V("ACC_IN", "LIP", "AF", "M", "Y18-34") == 1);
    assert_true(V("ACC_EOP", NULL, "UNK", "T", "TOTAL") == -1);
    assert_true(V("ARR", NULL, "AF", "M", "TOTAL") == 0); /* and p6 is no arrival */
    json_decref(got);
    test_db_close(s);
}

static void test_departures_by_reason_and_average_length_of_stay(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-05");
    assert_true(V("DEP_MOVED_ON", NULL, "AF", "F", "Y_LT14") == 1);
    assert_true(V("DEP_ABSCONDED", NULL, "PK", "M", "Y14-17") == 1);
    assert_true(V("DEP_RETURNED", "LIP", "SY", "M", "Y_GE65") == 1);
    assert_true(V("DEP_TRANSFERRED", NULL, "TOTAL", "T", "TOTAL") == 0); /* t5 leaves in June */
    assert_true(V("DEP_OTHER", NULL, "TOTAL", "T", "TOTAL") == 0);
    /* 10, 3 and 11.5 days: (10 + 3 + 11.5) / 3 = 8.2 */
    assert_true(fabs(V("ALOS", NULL, "TOTAL", "T", "TOTAL") - 8.2) < 1e-9);
    assert_true(V("ALOS", NULL, "AF", "F", "Y_LT14") == 10.0);
    assert_true(V("ALOS", NULL, "PK", "T", "TOTAL") == 3.0);
    assert_true(V("ALOS", NULL, "SY", "M", "Y_GE65") == 11.5);
    assert_true(V("ALOS", NULL, "STLS", "T", "TOTAL") == -1); /* no departure, no mean */
    json_decref(got);
    test_db_close(s);
}

static void test_an_earlier_month_is_read_by_check_in_and_adds_up(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    /* For April fewer stays came before its end than left after its start: the stays
     * are read through the check-in index. */
    json_t *got = compute_and_get(s, "2023-04");
    assert_true(V("ACC_SOP", "LIP", "SY", "M", "Y_GE65") == 1);      /* t6 */
    assert_true(V("ACC_IN", "LIP", "AF", "M", "Y18-34") == 1);       /* t1 */
    assert_true(V("DEP_RETURNED", "LIP", "SY", "M", "Y_GE65") == 1); /* t6, 23:59:59 on 30 April */
    assert_true(V("ACC_EOP", NULL, "TOTAL", "T", "TOTAL") == 1);     /* t1 */
    assert_true(V("ACC_EOP", "BIR", "TOTAL", "T", "TOTAL") == -1);   /* nobody at BIR yet */
    assert_true(V("ARR", NULL, "TOTAL", "T", "TOTAL") == 1);         /* p1 */
    assert_true(V("ALOS", NULL, "TOTAL", "T", "TOTAL") == 61.0); /* 1 March to 30 April, to 0.1 */
    json_decref(got);
    json_t *report = NULL;
    assert_ok(stats_validate(s, NULL, "2023-04", &report));
    assert_int_equal(json_integer_value(json_object_get(report, "errors")), 0);
    json_decref(report);
    /* and May, computed after, continues April's stock */
    got = compute_and_get(s, "2023-05");
    json_decref(got);
    assert_ok(stats_validate(s, NULL, "2023-05", &report));
    assert_int_equal(json_integer_value(json_object_get(report, "errors")), 0);
    json_decref(report);
    test_db_close(s);
}

static void test_quarter_and_year_cover_their_months(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-Q2");
    assert_true(V("ARR", NULL, "TOTAL", "T", "TOTAL") == 6);     /* April p1, May four, June p7 */
    assert_true(V("ACC_SOP", NULL, "TOTAL", "T", "TOTAL") == 1); /* t6 on 1 April */
    assert_true(V("DEP", NULL, "TOTAL", "T", "TOTAL") == 5);     /* t6 t2 t4 t7 t5 */
    json_decref(got);
    got = compute_and_get(s, "2023");
    assert_true(V("ACC_IN", NULL, "TOTAL", "T", "TOTAL") == 9);  /* every stay */
    assert_true(V("ACC_EOP", NULL, "TOTAL", "T", "TOTAL") == 4); /* t1 t3 t8 t9 */
    json_decref(got);
    test_db_close(s);
}

static void test_compute_replaces_earlier_figures_and_is_audited(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *got = compute_and_get(s, "2023-05");
    json_decref(got);
    fx_stay(s, "t10", "p7", "s-bir", "2023-05-15T00:00:00Z", "2023-05-16T00:00:00Z", "other");
    fx_person(s, "p8", "F", "2001-02-03", "iq", "s-bir", "2023-05-30T10:00:00Z",
              NULL); /* any case */
    got = compute_and_get(s, "2023-05");
    assert_true(V("ARR", NULL, "IQ", "F", "Y18-34") == 1);
    assert_true(V("DEP_OTHER", NULL, "UNK", "F", "Y35-64") == 1);
    assert_true(V("DEP", NULL, "TOTAL", "T", "TOTAL") == 4);
    json_decref(got);
    json_t *log = NULL;
    assert_ok(audit_list(s, "stats_period", "BA:2023-05", 10, 0, &log));
    assert_int_equal(json_array_size(json_object_get(log, "items")), 2);
    json_decref(log);
    test_db_close(s);
}

static void test_bad_period_is_rejected_naming_the_field(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *out = NULL;
    assert_err(stats_compute(s, &sys, "2023-13", &out), ERR_INVALID, "period");
    assert_err(stats_compute(s, &sys, "2023-Q5", &out), ERR_INVALID, "period");
    assert_err(stats_compute(s, &sys, "23-05", &out), ERR_INVALID, "period");
    assert_err(stats_compute(s, &sys, NULL, &out), ERR_INVALID, "period");
    test_db_close(s);
}

static void test_catalogue_lists_every_required_indicator(void **state) {
    (void)state;
    json_t *cat = NULL;
    assert_ok(stats_catalogue_json(&cat));
    const char *required[] = {
        "ARR",      "ACC_EOP",    "DEP",       "ALOS",        "ASY_INT",  "ASY_APP",
        "UAM_REG",  "IRR_PRES",   "REF_ENTRY", "ORD_LEAVE",   "RET_AVR",  "RET_FORCED",
        "RET_DEST", "READM_REQ",  "VUL_SCR",   "VUL_SCR_PER", "VUL_RISK", "VUL_RISK_THB",
        "VUL_REF",  "AVRR_COUNS", "AVRR_RET"};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        bool found = false;
        size_t i;
        json_t *ind;
        json_array_foreach(json_object_get(cat, "indicators"), i, ind) {
            if (strcmp(json_string_value(json_object_get(ind, "code")), required[r])) continue;
            found = true;
            assert_non_null(
                json_string_value(json_object_get(json_object_get(ind, "title"), "bs")));
        }
        if (!found) fail_msg("indicator %s missing", required[r]);
    }
    json_decref(cat);
}

int main(void) {
    actor_system(&sys, "test");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arrivals_count_registrations_of_the_period_by_citizen_sex_age),
        cmocka_unit_test(test_stock_admissions_and_departures_add_up_per_site),
        cmocka_unit_test(test_stays_of_a_merged_record_count_as_the_survivors),
        cmocka_unit_test(test_departures_by_reason_and_average_length_of_stay),
        cmocka_unit_test(test_an_earlier_month_is_read_by_check_in_and_adds_up),
        cmocka_unit_test(test_quarter_and_year_cover_their_months),
        cmocka_unit_test(test_compute_replaces_earlier_figures_and_is_audited),
        cmocka_unit_test(test_bad_period_is_rejected_naming_the_field),
        cmocka_unit_test(test_catalogue_lists_every_required_indicator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
