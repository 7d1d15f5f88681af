/* Indicators computed from protection data: screenings, persons screened, persons at
 * risk (any, and by kind of risk) and referrals, by citizenship, sex and age. The
 * screenings and referrals are made with protection's own functions under a test key,
 * over the people of tests/unit/stats_fixture.h; the expected tables are worked out by
 * hand below. */
#include "testutil.h"

#include "stats_fixture.h"

#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"

static actor sys, officer;
static char provider[ID_LEN];
static const unsigned char test_key[CRYPTO_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static void at(const char *iso) {
    int64_t t = 0;
    assert_true(clock_parse_iso(iso, &t));
    clock_set_fake(t);
}

static void screen(store *s, const char *person, const char *site, const char *when,
                   const char *answers) {
    json_t *in = json_pack("{s:s,s:s,s:o}", "site_id", site, "screened_at", when, "answers",
                           json_loads(answers, 0, NULL));
    json_t *out = NULL;
    assert_ok(protection_screening_create(s, &officer, person, in, &out));
    json_decref(in);
    json_decref(out);
}

/* A referral of person to the fixture's provider, made (and sent, when send) at when. */
static void refer(store *s, const char *person, const char *site, const char *when, bool send) {
    at(when);
    json_t *in = json_pack("{s:s,s:s,s:b,s:s}", "kind", "referral", "provider_id", provider,
                           "given", 1, "method", "verbal"),
           *out = NULL;
    assert_ok(protection_consent_record(s, &officer, person, in, &out));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:s,s:s,s:b}", "person_id", person, "provider_id", provider, "site_id",
                   site, "send", send);
    assert_ok(protection_referral_create(s, &officer, in, &out));
    json_decref(in);
    json_decref(out);
}

#define ADULT "{\"child_status\":\"adult\""

/* Ids the registry takes (UUIDs); the people are those of stats_fixture.h. */
#define ID(n) "00000000-0000-7000-8000-0000000000" n
#define LIP   ID("0a")
#define BIR   ID("0b")
#define P1    ID("01")
#define P2    ID("02")
#define P3    ID("03")
#define P4    ID("04")
#define P5    ID("05")
#define P6    ID("06")

/* Ages on 2023-05-31: P1 AF M 28; P2 AF F 12; P3 PK M 16; P4 stateless, sex X, no birth
 * date; P5 SY M 73; P6 is P1 registered twice (merged into P1 after its screening). */
static void load_protection(store *s) {
    fx_site(s, LIP, "LIP");
    fx_site(s, BIR, "BIR");
    fx_person(s, P1, "M", "1995-03-10", "AF", LIP, "2023-04-20T10:00:00Z", NULL);
    fx_person(s, P2, "F", "2010-06-01", "AF", LIP, "2023-05-02T09:00:00Z", NULL);
    fx_person(s, P3, "M", "2007-05-31", "PK", BIR, "2023-05-05T12:00:00Z", NULL);
    fx_person(s, P4, "X", NULL, "stateless", BIR, "2023-05-10T08:00:00Z", NULL);
    fx_person(s, P5, "M", "1950-01-01", "SY", LIP, "2023-05-20T08:00:00Z", NULL);
    fx_person(s, P6, "M", NULL, "unknown", LIP, "2023-05-21T08:00:00Z", NULL);
    at("2023-04-01T00:00:00Z");
    json_t *in = json_pack("{s:s,s:s,s:[s,s]}", "name", "Health centre", "service_type", "medical",
                           "sites", LIP, BIR),
           *out = NULL;
    assert_ok(protection_provider_create(s, &sys, in, &out));
    snprintf(provider, sizeof provider, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    at("2023-06-10T12:00:00Z");
    screen(s, P1, LIP, "2023-05-03T10:00:00Z", ADULT ",\"violence\":true}");
    screen(s, P6, LIP, "2023-05-25T10:00:00Z", ADULT ",\"serious_medical\":true}");
    assert_ok(store_exec(s, "UPDATE persons SET merged_into = '" P1 "' WHERE id = '" P6 "'"));
    screen(s, P2, LIP, "2023-05-04T10:00:00Z",
           "{\"child_status\":\"unaccompanied\",\"distress\":true}");
    screen(s, P2, BIR, "2023-05-15T10:00:00Z", "{\"child_status\":\"unaccompanied\"}");
    screen(s, P3, BIR, "2023-05-06T10:00:00Z", "{\"child_status\":\"with_parent\"}");
    screen(s, P4, BIR, "2023-05-11T10:00:00Z",
           ADULT ",\"trafficking_indicators\":[\"debt\",\"not_free\"],\"older_person\":true,"
                 "\"other_concern\":true}");
    screen(s, P5, LIP, "2023-04-28T10:00:00Z", ADULT ",\"disability\":[\"walking\"]}");
    screen(s, P5, LIP, "2023-06-01T00:00:00Z", ADULT "}");
    refer(s, P3, BIR, "2023-05-07T09:00:00Z", true);
    refer(s, P1, LIP, "2023-05-08T09:00:00Z", false); /* a draft: not a referral yet */
    refer(s, P5, LIP, "2023-05-20T09:00:00Z", true);
    clock_set_fake(0);
}

static json_t *compute_and_get(store *s, const char *period) {
    json_t *summary = NULL, *got = NULL;
    assert_ok(stats_compute(s, &sys, period, &summary));
    json_decref(summary);
    assert_ok(stats_get(s, NULL, period, NULL, &got));
    return got;
}

#define V(ind, cit, sex, age) fx_cell(got, "value", ind, NULL, cit, sex, age)

static void test_screenings_and_persons_screened_by_citizen_sex_age(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-05");
    /* P1 twice (once as P6), P2 twice, P3, P4; P5 in April and June only. */
    assert_true(V("VUL_SCR", "TOTAL", "T", "TOTAL") == 6);
    assert_true(V("VUL_SCR", "AF", "M", "Y18-34") == 2);
    assert_true(V("VUL_SCR", "AF", "F", "Y_LT14") == 2);
    assert_true(V("VUL_SCR", "PK", "M", "Y14-17") == 1);
    assert_true(V("VUL_SCR", "STLS", "UNK", "UNK") == 1);
    assert_true(V("VUL_SCR", "UNK", "T", "TOTAL") == -1); /* P6 counts as P1, not as unknown */
    assert_true(V("VUL_SCR_PER", "TOTAL", "T", "TOTAL") == 4);
    assert_true(V("VUL_SCR_PER", "AF", "T", "TOTAL") == 2);
    assert_true(V("VUL_SCR_PER", "AF", "M", "Y18-34") == 1);
    assert_true(V("VUL_SCR_PER", "TOTAL", "M", "TOTAL") == 2);
    assert_true(V("VUL_SCR_PER", "TOTAL", "UNK", "UNK") == 1);
    json_decref(got);
    test_db_close(s);
}

static void test_persons_at_risk_by_kind_count_each_person_once(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-05");
    assert_true(V("VUL_RISK", "TOTAL", "T", "TOTAL") == 3); /* P1, P2, P4; not P3 */
    assert_true(V("VUL_RISK", "AF", "T", "TOTAL") == 2);
    assert_true(V("VUL_RISK", "PK", "T", "TOTAL") == 0);
    assert_true(V("VUL_RISK_UASC", "AF", "F", "Y_LT14") == 1); /* P2, screened twice */
    assert_true(V("VUL_RISK_UASC", "TOTAL", "T", "TOTAL") == 1);
    /* P1's violence and P6's medical condition: one person with both. */
    assert_true(V("VUL_RISK_SGBV", "AF", "M", "Y18-34") == 1);
    assert_true(V("VUL_RISK_MED", "AF", "M", "Y18-34") == 1);
    assert_true(V("VUL_RISK_THB", "STLS", "UNK", "UNK") == 1);
    assert_true(V("VUL_RISK_THB", "TOTAL", "T", "TOTAL") == 1);
    assert_true(V("VUL_RISK_DIS", "TOTAL", "T", "TOTAL") == 0); /* P5's was in April */
    /* Other needs: P2's distress, and P4 (older person, other concern) once. */
    assert_true(V("VUL_RISK_OTH", "TOTAL", "T", "TOTAL") == 2);
    assert_true(V("VUL_RISK_OTH", "STLS", "UNK", "UNK") == 1);
    assert_true(V("VUL_RISK_OTH", "AF", "F", "Y_LT14") == 1);
    /* Every table lists every citizenship screened or referred, zeros included. */
    assert_true(V("VUL_RISK_THB", "SY", "T", "TOTAL") == 0);
    assert_true(V("VUL_RISK_THB", "PK", "M", "Y14-17") == 0);
    assert_true(V("VUL_SCR", "SY", "M", "Y_GE65") == 0);
    json_decref(got);
    json_t *report = NULL;
    assert_ok(stats_validate(s, NULL, "2023-05", &report));
    assert_int_equal(json_integer_value(json_object_get(report, "errors")), 0);
    json_decref(report);
    test_db_close(s);
}

static void test_referrals_count_when_sent(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-05");
    assert_true(V("VUL_REF", "TOTAL", "T", "TOTAL") == 2); /* P3 and P5; P1's is a draft */
    assert_true(V("VUL_REF", "PK", "M", "Y14-17") == 1);
    assert_true(V("VUL_REF", "SY", "M", "Y_GE65") == 1);
    assert_true(V("VUL_REF", "AF", "T", "TOTAL") == 0);
    json_decref(got);
    test_db_close(s);
}

static void test_quarter_counts_the_screenings_of_its_months(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-Q2");
    assert_true(V("VUL_SCR", "TOTAL", "T", "TOTAL") == 8);
    assert_true(V("VUL_SCR_PER", "SY", "M", "Y_GE65") == 1); /* April and June: once */
    assert_true(V("VUL_RISK_DIS", "SY", "M", "Y_GE65") == 1);
    json_decref(got);
    test_db_close(s);
}

static void test_small_counts_leave_only_rounded_or_suppressed(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-05");
    /* Persons at risk: every cell rounded to base 5, the single survivor included. */
    assert_true(fx_cell(got, "published", "VUL_RISK_THB", NULL, "STLS", "UNK", "UNK") == 0);
    assert_true(fx_cell(got, "published", "VUL_RISK", NULL, "TOTAL", "T", "TOTAL") == 5);
    /* Screenings: small cells suppressed, with secondary suppression. */
    assert_true(isnan(fx_cell(got, "published", "VUL_SCR", NULL, "AF", "M", "Y18-34")));
    assert_true(fx_cell(got, "published", "VUL_SCR", NULL, "TOTAL", "T", "TOTAL") == 6);
    json_decref(got);
    char *csv = NULL;
    size_t len = 0;
    assert_ok(stats_export(s, &sys, NULL, "2023-05", STATS_SDMX_CSV, &csv, &len));
    assert_non_null(strstr(csv, ",VUL_RISK_THB,STLS,UNK,UNK,PER,2023-05,0,R,F\n"));
    assert_non_null(strstr(csv, ",VUL_SCR,AF,M,Y18-34,NR,2023-05,,A,C\n"));
    assert_null(strstr(csv, ",VUL_SCR,AF,M,Y18-34,NR,2023-05,2,"));
    mem_free(csv);
    test_db_close(s);
}

static void test_without_the_key_nothing_is_computed(void **state) {
    (void)state;
    store *s = test_db_open();
    load_protection(s);
    json_t *got = compute_and_get(s, "2023-05");
    json_decref(got);
    protection_key_forget();
    json_t *out = NULL;
    assert_err(stats_compute(s, &sys, "2023-05", &out), ERR_CONFLICT, NULL);
    protection_key_use(test_key);
    got = NULL;
    assert_ok(stats_get(s, NULL, "2023-05", "VUL_RISK", &got));
    assert_true(V("VUL_RISK", "TOTAL", "T", "TOTAL") == 3); /* the earlier figures stand */
    json_decref(got);
    test_db_close(s);
}

static void test_protection_indicators_cannot_be_entered(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:i}]}", "indicator", "VUL_RISK_THB", "cells",
                           "citizen", "NG", "sex", "F", "age", "Y18-34", "value", 3),
           *out = NULL;
    assert_err(stats_enter(s, &sys, "2023-05", in, &out), ERR_CONFLICT, "indicator");
    json_decref(in);
    test_db_close(s);
}

/* Each category of the screening questionnaire is counted by exactly one kind of risk,
 * so that a new category in data/screening.json cannot go uncounted unnoticed. */
static void test_every_risk_category_has_one_indicator(void **state) {
    (void)state;
    json_t *cat = NULL, *q = protection_questionnaire();
    assert_ok(stats_catalogue_json(&cat));
    size_t i, k, n;
    json_t *c, *ind, *code;
    json_array_foreach(json_object_get(q, "categories"), i, c) {
        int found = 0;
        json_array_foreach(json_object_get(cat, "indicators"), k, ind)
            json_array_foreach(json_object_get(ind, "risk_categories"), n, code) found +=
            !strcmp(json_string_value(code), json_str(c, "code"));
        if (found != 1)
            fail_msg("category %s is counted by %d indicators", json_str(c, "code"), found);
    }
    json_decref(q);
    json_decref(cat);
}

static int setup(void **state) {
    (void)state;
    protection_key_use(test_key);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    protection_key_forget();
    clock_set_fake(0);
    return 0;
}

int main(void) {
    actor_system(&sys, "test");
    actor_system(&officer, "officer");
    snprintf(officer.role, sizeof officer.role, "protection");
    snprintf(officer.user_id, sizeof officer.user_id, "00000000-0000-4000-8000-0000000000aa");
    officer.all_sites = false;
    actor_add_site(&officer, LIP);
    actor_add_site(&officer, BIR);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_screenings_and_persons_screened_by_citizen_sex_age),
        T(test_persons_at_risk_by_kind_count_each_person_once),
        T(test_referrals_count_when_sent),
        T(test_quarter_counts_the_screenings_of_its_months),
        T(test_small_counts_leave_only_rounded_or_suppressed),
        T(test_without_the_key_nothing_is_computed),
        T(test_protection_indicators_cannot_be_entered),
        T(test_every_risk_category_has_one_indicator),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    actor_clear(&officer);
    return rc;
}
