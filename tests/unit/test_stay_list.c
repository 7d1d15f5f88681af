/* The list of stays behind the dashboard: filters, their validation, scoping, and
 * totals equal to the summary's figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/text.h"
#include "registry/registry.h"
#include "testutil.h"

static actor admin;

static json_t *site(store *s, const char *name) {
    json_t *in = json_pack("{s:s,s:s,s:i}", "name", name, "kind", "temporary_reception_centre",
                           "capacity", 100);
    json_t *out = NULL;
    assert_ok(registry_site_create(s, &admin, in, &out));
    json_decref(in);
    return out;
}

static char *person(store *s, const json_t *at, const char *given, const char *citizenship) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "given_name", given, "family_name", "Stay",
                           "sex", "M", "citizenship", citizenship, "site_id", json_str(at, "id"));
    json_t *out = NULL;
    assert_ok(registry_person_register(s, &admin, in, &out));
    char *id = strdup(json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

/* Checks the person in at `in` and, when `out` is given, out again; returns the stay id. */
static char *stay(store *s, const char *pid, const json_t *at, const char *in, const char *out) {
    json_t *body = json_pack("{s:s,s:s,s:s}", "person_id", pid, "site_id", json_str(at, "id"),
                             "checked_in_at", in);
    json_t *res = NULL;
    assert_ok(registry_stay_check_in(s, &admin, body, &res));
    char *id = strdup(json_str(res, "id"));
    json_decref(body);
    json_decref(res);
    if (out) {
        body = json_pack("{s:s,s:s}", "reason", "moved_on", "checked_out_at", out);
        assert_ok(registry_stay_check_out(s, &admin, id, body, &res));
        json_decref(body);
        json_decref(res);
    }
    return id;
}

static int64_t list_total(store *s, const actor *a, const registry_stay_query *q) {
    json_t *out = NULL;
    assert_ok(registry_stay_list(s, a, q, &out));
    int64_t n = json_integer_value(json_object_get(out, "total"));
    assert_true((size_t)n >= json_array_size(json_object_get(out, "items")));
    json_decref(out);
    return n;
}

/* Lipa: a (AF) 1st May to 3rd May, b (SY) from 2nd May, c (AF) 20th to 21st April.
 * Bira: d (AF) from 2nd May. */
typedef struct {
    store *s;
    json_t *lipa, *bira;
    char *a, *b, *c, *d, *stays[4];
} fixture;

static void fixture_open(fixture *f) {
    f->s = test_db_open();
    f->lipa = site(f->s, "Lipa");
    f->bira = site(f->s, "Bira");
    f->a = person(f->s, f->lipa, "Ali", "AF");
    f->b = person(f->s, f->lipa, "Bashir", "SY");
    f->c = person(f->s, f->lipa, "Cemal", "AF");
    f->d = person(f->s, f->bira, "Dawood", "AF");
    f->stays[0] = stay(f->s, f->a, f->lipa, "2023-05-01T10:00:00Z", "2023-05-03T09:00:00Z");
    f->stays[1] = stay(f->s, f->b, f->lipa, "2023-05-02T23:59:59Z", NULL);
    f->stays[2] = stay(f->s, f->c, f->lipa, "2023-04-20T08:00:00Z", "2023-04-21T08:00:00Z");
    f->stays[3] = stay(f->s, f->d, f->bira, "2023-05-02T00:00:00Z", NULL);
}

static void fixture_close(fixture *f) {
    json_decref(f->lipa);
    json_decref(f->bira);
    free(f->a);
    free(f->b);
    free(f->c);
    free(f->d);
    for (int i = 0; i < 4; i++) free(f->stays[i]);
    test_db_close(f->s);
}

static void test_filters_by_day_site_citizenship_and_open(void **state) {
    (void)state;
    fixture f;
    fixture_open(&f);
    registry_stay_query q = {0};
    assert_int_equal(list_total(f.s, &admin, &q), 4);
    q.arrived_from = "2023-05-01";
    q.arrived_to = "2023-05-02"; /* whole UTC days: 23:59:59 on the 2nd is in */
    assert_int_equal(list_total(f.s, &admin, &q), 3);
    q.arrived_to = "2023-05-01";
    assert_int_equal(list_total(f.s, &admin, &q), 1);
    q = (registry_stay_query){.departed_from = "2023-04-01", .departed_to = "2023-05-31"};
    assert_int_equal(list_total(f.s, &admin, &q), 2);
    q = (registry_stay_query){.citizenship = "af"};
    assert_int_equal(list_total(f.s, &admin, &q), 3);
    q.site_id = json_str(f.lipa, "id");
    assert_int_equal(list_total(f.s, &admin, &q), 2);
    q = (registry_stay_query){.open = REGISTRY_STAYS_OPEN};
    assert_int_equal(list_total(f.s, &admin, &q), 2);
    q.open = REGISTRY_STAYS_CLOSED;
    assert_int_equal(list_total(f.s, &admin, &q), 2);
    fixture_close(&f);
}

static void test_items_carry_person_and_site_newest_first(void **state) {
    (void)state;
    fixture f;
    fixture_open(&f);
    registry_stay_query q = {.limit = 2, .offset = 1};
    json_t *out = NULL;
    assert_ok(registry_stay_list(f.s, &admin, &q, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 4);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    /* Newest check-in first: b (2nd 23:59), d (2nd 00:00), a (1st), c (April). */
    json_t *first = json_array_get(items, 0);
    assert_string_equal(json_str(first, "id"), f.stays[3]);
    assert_string_equal(json_str(first, "site_name"), "Bira");
    assert_string_equal(json_str(json_object_get(first, "person"), "given_name"), "Dawood");
    assert_string_equal(json_str(json_array_get(items, 1), "id"), f.stays[0]);
    json_decref(out);
    /* By departure, a departure range lists the latest check-out first. */
    q = (registry_stay_query){.departed_from = "2023-04-01"};
    assert_ok(registry_stay_list(f.s, &admin, &q, &out));
    assert_string_equal(json_str(json_array_get(json_object_get(out, "items"), 0), "id"),
                        f.stays[0]);
    json_decref(out);
    fixture_close(&f);
}

static void test_totals_equal_the_summary_figures(void **state) {
    (void)state;
    fixture f;
    fixture_open(&f);
    json_t *sum = NULL;
    assert_ok(registry_summary(f.s, &admin, "2023-04-15", "2023-05-02", &sum));
    registry_stay_query q = {.arrived_from = "2023-04-15", .arrived_to = "2023-05-02"};
    assert_int_equal(list_total(f.s, &admin, &q),
                     json_integer_value(json_object_get(sum, "arrivals")));
    q = (registry_stay_query){.departed_from = "2023-04-15", .departed_to = "2023-05-02"};
    assert_int_equal(list_total(f.s, &admin, &q),
                     json_integer_value(json_object_get(sum, "departures")));
    json_t *top = json_array_get(json_object_get(sum, "top_citizenships"), 0);
    q = (registry_stay_query){.arrived_from = "2023-04-15",
                              .arrived_to = "2023-05-02",
                              .citizenship = json_str(top, "citizenship")};
    assert_int_equal(list_total(f.s, &admin, &q),
                     json_integer_value(json_object_get(top, "arrivals")));
    json_decref(sum);
    fixture_close(&f);
}

static void test_merged_record_stays_show_the_survivor(void **state) {
    (void)state;
    fixture f;
    fixture_open(&f);
    /* b (SY) turns out to be c (AF): b's stay now counts as an Afghan's. */
    json_t *in = json_pack("{s:s}", "other_id", f.b), *out = NULL;
    assert_ok(registry_person_merge(f.s, &admin, f.c, in, &out));
    json_decref(out);
    json_decref(in);
    registry_stay_query q = {.citizenship = "SY"};
    assert_int_equal(list_total(f.s, &admin, &q), 0);
    q = (registry_stay_query){.open = REGISTRY_STAYS_OPEN, .site_id = json_str(f.lipa, "id")};
    assert_ok(registry_stay_list(f.s, &admin, &q, &out));
    json_t *item = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_str(item, "person_id"), f.b);
    assert_string_equal(json_str(json_object_get(item, "person"), "id"), f.c);
    json_decref(out);
    fixture_close(&f);
}

static void test_registrar_lists_only_own_sites(void **state) {
    (void)state;
    fixture f;
    fixture_open(&f);
    actor clerk = {0};
    snprintf(clerk.role, sizeof clerk.role, "registrar");
    snprintf(clerk.username, sizeof clerk.username, "clerk");
    actor_add_site(&clerk, json_str(f.lipa, "id"));
    registry_stay_query q = {0};
    assert_int_equal(list_total(f.s, &clerk, &q), 3);
    q.site_id = json_str(f.bira, "id");
    json_t *out = NULL;
    assert_err(registry_stay_list(f.s, &clerk, &q, &out), ERR_NOT_FOUND, "site");
    q.site_id = "no-such-site";
    assert_err(registry_stay_list(f.s, &admin, &q, &out), ERR_NOT_FOUND, "site");
    actor_clear(&clerk);
    fixture_close(&f);
}

static void expect_invalid(store *s, registry_stay_query q, const char *field) {
    json_t *out = NULL;
    assert_err(registry_stay_list(s, &admin, &q, &out), ERR_INVALID, field);
    assert_null(out);
}

static void test_every_parameter_is_validated(void **state) {
    (void)state;
    store *s = test_db_open();
    expect_invalid(s, (registry_stay_query){.arrived_from = "2023-02-30"}, "arrived_from");
    expect_invalid(s, (registry_stay_query){.arrived_to = "1/5/2023"}, "arrived_to");
    expect_invalid(s, (registry_stay_query){.arrived_to = "2023-05-01T00:00:00Z"}, "arrived_to");
    expect_invalid(s,
                   (registry_stay_query){.arrived_from = "2023-05-02", .arrived_to = "2023-05-01"},
                   "arrived_from");
    expect_invalid(s, (registry_stay_query){.departed_from = ""}, "departed_from");
    expect_invalid(s, (registry_stay_query){.departed_to = "tomorrow"}, "departed_to");
    expect_invalid(
        s, (registry_stay_query){.departed_from = "2023-06-01", .departed_to = "2023-05-01"},
        "departed_from");
    expect_invalid(s, (registry_stay_query){.citizenship = "ZZ"}, "citizenship");
    expect_invalid(s, (registry_stay_query){.citizenship = "Afghanistan"}, "citizenship");
    expect_invalid(s, (registry_stay_query){.citizenship = ""}, "citizenship");
    expect_invalid(s, (registry_stay_query){.limit = 501}, "limit");
    expect_invalid(s, (registry_stay_query){.limit = -1}, "limit");
    expect_invalid(s, (registry_stay_query){.offset = -1}, "offset");
    expect_invalid(s, (registry_stay_query){.open = (registry_stays_state)7}, "open");
    /* The same day as from and to is one whole day, not an empty range. */
    json_t *out = NULL;
    registry_stay_query one_day = {
        .arrived_from = "2023-05-01", .arrived_to = "2023-05-01", .citizenship = "stateless"};
    assert_ok(registry_stay_list(s, &admin, &one_day, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "limit")), 100);
    json_decref(out);
    test_db_close(s);
}

static int setup(void **state) {
    (void)state;
    actor_system(&admin, "test-admin");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filters_by_day_site_citizenship_and_open),
        cmocka_unit_test(test_items_carry_person_and_site_newest_first),
        cmocka_unit_test(test_totals_equal_the_summary_figures),
        cmocka_unit_test(test_merged_record_stays_show_the_survivor),
        cmocka_unit_test(test_registrar_lists_only_own_sites),
        cmocka_unit_test(test_every_parameter_is_validated),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    text_shutdown();
    return rc;
}
