/* The registry: sites, registration, correction, stays, occupancy, search, scoping. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/json.h"
#include "core/text.h"
#include "match/match.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"
#include "testutil.h"

#include "core/mem.h"

static actor admin;

static json_t *site(store *s, const char *name, int capacity) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", name, "municipality", "Bihać", "kind",
                           "temporary_reception_centre", "capacity", capacity);
    json_t *out = NULL;
    assert_ok(registry_site_create(s, &admin, in, &out));
    json_decref(in);
    return out;
}

static json_t *person_input(const json_t *site_obj, const char *given, const char *family,
                            const char *birth) {
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s]}", "given_name", given, "family_name",
                     family, "sex", "M", "birth_date", birth, "citizenship", "AF", "site_id",
                     json_str(site_obj, "id"), "languages", "fa", "ps");
}

static json_t *register_person(store *s, const actor *a, json_t *in) {
    json_t *out = NULL;
    assert_ok(registry_person_register(s, a, in, &out));
    json_decref(in);
    return out;
}

static int64_t count(store *s, const char *sql) {
    store_stmt *st = NULL;
    bool row;
    assert_ok(store_prepare(s, sql, &st));
    assert_ok(store_step(st, &row));
    int64_t n = store_int(st, 0);
    store_done(st);
    return n;
}

static void test_site_codes_and_validation(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "TRC Lipa", 1500);
    assert_string_equal(json_str(lipa, "code"), "TRC");
    json_t *out = NULL;
    json_t *bad = json_pack("{s:s,s:s,s:i}", "name", "X", "kind", "asylum_centre", "capacity", -1);
    assert_err(registry_site_create(s, &admin, bad, &out), ERR_INVALID, "capacity");
    json_decref(bad);
    bad = json_pack("{s:s,s:s,s:i}", "name", "Ušivak", "kind", "castle", "capacity", 10);
    assert_err(registry_site_create(s, &admin, bad, &out), ERR_INVALID, "kind");
    json_decref(bad);
    bad = json_pack("{s:s,s:s,s:i,s:s}", "name", "TRC Two", "kind", "asylum_centre", "capacity", 10,
                    "code", "TRC");
    assert_err(registry_site_create(s, &admin, bad, &out), ERR_CONFLICT, "code");
    json_decref(bad);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM sites"), 1);
    json_t *patch = json_pack("{s:i,s:b}", "capacity", 1200, "active", 1);
    assert_ok(registry_site_update(s, &admin, json_str(lipa, "id"), patch, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "capacity")), 1200);
    json_decref(out);
    json_decref(patch);
    json_decref(lipa);
    test_db_close(s);
}

static void expect_register_fails(store *s, json_t *in, const char *key, json_t *value,
                                  const char *field) {
    json_object_set_new(in, key, value);
    json_t *out = NULL;
    herr *e = registry_person_register(s, &admin, in, &out);
    assert_non_null(e);
    if (strcmp(e->field, field) != 0) fail_msg("field %s: %s", e->field, e->message);
    err_free(e);
    json_decref(in);
}

static void test_bad_registration_changes_nothing(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 1500);
    int64_t audit_before = count(s, "SELECT COUNT(*) FROM audit_log");
    json_t *in = person_input(lipa, "Ali", "Ahmadi", "1999-03-14");
    expect_register_fails(s, json_deep_copy(in), "birth_date", json_string("1999-02-30"),
                          "birth_date");
    expect_register_fails(s, json_deep_copy(in), "birth_date", json_string("2999-01-01"),
                          "birth_date");
    expect_register_fails(s, json_deep_copy(in), "birth_date", json_string("14/03/1999"),
                          "birth_date");
    expect_register_fails(s, json_deep_copy(in), "citizenship", json_string("ZZ"), "citizenship");
    expect_register_fails(s, json_deep_copy(in), "sex", json_string("male"), "sex");
    expect_register_fails(s, json_deep_copy(in), "given_name", json_string("  "), "given_name");
    expect_register_fails(s, json_deep_copy(in), "given_name", json_integer(7), "given_name");
    expect_register_fails(s, json_deep_copy(in), "languages", json_pack("[s]", "klingon"),
                          "languages");
    expect_register_fails(s, json_deep_copy(in), "phone", json_string("call me"), "phone");
    expect_register_fails(s, json_deep_copy(in), "nickname", json_string("Alo"), "nickname");
    expect_register_fails(s, json_deep_copy(in), "site_id",
                          json_string("01234567-89ab-7def-8123-456789abcdef"), "site_id");
    expect_register_fails(s, json_deep_copy(in), "birth_date_precision", json_string("roughly"),
                          "birth_date_precision");
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    expect_register_fails(s, json_deep_copy(in), "family_name", json_string(long_name),
                          "family_name");
    json_decref(in);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM persons"), 0);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM audit_log"), audit_before);
    json_decref(lipa);
    test_db_close(s);
}

static void test_registration_gives_number_and_candidates(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 1500);
    json_t *first =
        register_person(s, &admin, person_input(lipa, "Mohammad", "Hussaini", "1999-03-14"));
    const char *reg_no = json_str(first, "reg_no");
    char year[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), year);
    char want[32];
    snprintf(want, sizeof want, "LIP-%c%c-000001", year[2], year[3]);
    assert_string_equal(reg_no, want);
    assert_int_equal(json_array_size(json_object_get(first, "candidates")), 0);
    /* The same man again, names the other way round, birth year only. */
    json_t *in = person_input(lipa, "HUSSAINI", "Mohammad", "1999-01-01");
    json_object_set_new(in, "birth_date_precision", json_string("year"));
    json_t *second = register_person(s, &admin, in);
    json_t *cands = json_object_get(second, "candidates");
    assert_int_equal(json_array_size(cands), 1);
    json_t *c = json_array_get(cands, 0);
    assert_string_equal(json_str(c, "id"), json_str(first, "id"));
    assert_true(json_real_value(json_object_get(c, "score")) > 0.5);
    /* The reasons say why, in words a registrar reads: names swapped, year only. */
    json_t *codes = json_object_get(c, "reason_codes");
    assert_true(json_array_size(json_object_get(c, "reasons")) >= 2);
    assert_int_equal(json_array_size(json_object_get(c, "reasons")), json_array_size(codes));
    char all_codes[512] = "";
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code) {
        strncat(all_codes, json_string_value(code), sizeof all_codes - strlen(all_codes) - 2);
        strcat(all_codes, " ");
    }
    if (!strstr(all_codes, "swap") || !strstr(all_codes, "birth"))
        fail_msg("reason codes: %s", all_codes);
    /* Fifteen years apart, another family name: no suggestion. */
    json_t *third =
        register_person(s, &admin, person_input(lipa, "Mohammad", "Rahimi", "1984-06-01"));
    assert_int_equal(json_array_size(json_object_get(third, "candidates")), 0);
    json_decref(first);
    json_decref(second);
    json_decref(third);
    json_decref(lipa);
    test_db_close(s);
}

/* When registrations have doubled the index the model is trained again, on a thread of
 * its own: registering goes on, and the trained model comes into use when ready. */
static void test_registrations_retrain_the_match_model_in_the_background(void **state) {
    (void)state;
    static const char *const given[] = {"Jawad", "Farid", "Omid",  "Bilal", "Nasir", "Karim",
                                        "Zaher", "Hamid", "Wahid", "Samir", "Rahim", "Sultan"};
    static const char *const family[] = {"Rahimi",  "Noori",  "Safi",  "Ahmadi", "Hakimi",
                                         "Sultani", "Qaderi", "Amiri", "Naseri", "Rasuli"};
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 1500);
    char date[16];
    for (int i = 0; i < 120; i++) {
        snprintf(date, sizeof date, "%04d-%02d-%02d", 1970 + i % 30, 1 + i % 12, 1 + i % 28);
        json_decref(
            register_person(s, &admin, person_input(lipa, given[i % 12], family[i % 10], date)));
    }
    match_index *ix = NULL;
    assert_ok(registry_match_index(s, &ix));
    assert_int_equal(match_index_size(ix), 120);
    /* The same man as the first registration, the family name respelled. */
    json_t *again = register_person(s, &admin, person_input(lipa, "Jawad", "Rahimy", "1970-01-01"));
    json_t *cands = json_object_get(again, "candidates");
    assert_true(json_array_size(cands) >= 1);
    json_decref(again);
    json_decref(lipa);
    test_db_close(s);
}

static json_t *check_in(store *s, const actor *a, const char *person, const char *site_id,
                        const char *at, herr **err) {
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "person_id", person, "site_id", site_id, "bed", "C1-01");
    if (at) json_object_set_new(in, "checked_in_at", json_string(at));
    json_t *out = NULL;
    *err = registry_stay_check_in(s, a, in, &out);
    json_decref(in);
    return out;
}

static herr *check_out(store *s, const char *stay, const char *reason, const char *at) {
    json_t *in = json_pack("{s:s}", "reason", reason);
    if (at) json_object_set_new(in, "checked_out_at", json_string(at));
    json_t *out = NULL;
    herr *e = registry_stay_check_out(s, &admin, stay, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static void test_stay_rules(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 2), *bor = site(s, "Borići", 10);
    json_t *p = register_person(s, &admin, person_input(lipa, "Ali", "Ahmadi", "2001-05-05"));
    const char *pid = json_str(p, "id");
    herr *e = NULL;
    json_t *stay = check_in(s, &admin, pid, json_str(lipa, "id"), "2023-05-01T10:00:00Z", &e);
    assert_ok(e);
    json_t *again = check_in(s, &admin, pid, json_str(bor, "id"), NULL, &e);
    assert_null(again);
    assert_err(e, ERR_CONFLICT, "person_id");
    assert_err(check_out(s, json_str(stay, "id"), "moved_on", "2023-04-30T10:00:00Z"), ERR_INVALID,
               "checked_out_at");
    assert_err(check_out(s, json_str(stay, "id"), "vanished", NULL), ERR_INVALID, "reason");
    assert_ok(check_out(s, json_str(stay, "id"), "transferred", "2023-05-09T10:00:00Z"));
    assert_err(check_out(s, json_str(stay, "id"), "moved_on", NULL), ERR_CONFLICT, "id");
    /* A new stay may not start inside the one that ended. */
    json_t *overlap = check_in(s, &admin, pid, json_str(bor, "id"), "2023-05-08T10:00:00Z", &e);
    assert_null(overlap);
    assert_err(e, ERR_INVALID, "checked_in_at");
    json_t *next = check_in(s, &admin, pid, json_str(bor, "id"), "2023-05-09T12:00:00Z", &e);
    assert_ok(e);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM stays WHERE checked_out_at IS NULL"), 1);
    json_decref(next);
    json_decref(stay);
    json_decref(p);
    json_decref(lipa);
    json_decref(bor);
    test_db_close(s);
}

static void test_occupancy_counts_days_from_stays(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    const char *lid = json_str(lipa, "id");
    json_t *a = register_person(s, &admin, person_input(lipa, "Ali", "Ahmadi", "2001-05-05"));
    json_t *b = register_person(s, &admin, person_input(lipa, "Omid", "Karimi", "1995-01-01"));
    herr *e = NULL;
    /* a: 1st 10:00 to 3rd 09:00 (2 nights); b: 2nd 20:00, still present. */
    json_t *sa = check_in(s, &admin, json_str(a, "id"), lid, "2023-05-01T10:00:00Z", &e);
    assert_ok(e);
    json_t *sb = check_in(s, &admin, json_str(b, "id"), lid, "2023-05-02T20:00:00Z", &e);
    assert_ok(e);
    assert_ok(check_out(s, json_str(sa, "id"), "moved_on", "2023-05-03T09:00:00Z"));
    json_t *occ = NULL;
    assert_ok(registry_site_occupancy(s, &admin, lid, "2023-05-01", "2023-05-04", &occ));
    json_t *days = json_object_get(occ, "days");
    assert_int_equal(json_array_size(days), 4);
    int present[4] = {1, 2, 1, 1}, arrivals[4] = {1, 1, 0, 0}, departures[4] = {0, 0, 1, 0};
    for (int i = 0; i < 4; i++) {
        json_t *d = json_array_get(days, (size_t)i);
        assert_int_equal(json_integer_value(json_object_get(d, "present")), present[i]);
        assert_int_equal(json_integer_value(json_object_get(d, "arrivals")), arrivals[i]);
        assert_int_equal(json_integer_value(json_object_get(d, "departures")), departures[i]);
    }
    assert_string_equal(json_str(json_array_get(days, 0), "date"), "2023-05-01");
    /* 47 hours, shown to one decimal */
    assert_true(json_real_value(json_object_get(occ, "average_length_of_stay_days")) == 2.0);
    assert_int_equal(json_integer_value(json_object_get(occ, "present")), 1);
    assert_int_equal(json_integer_value(json_object_get(occ, "beds_free")), 99);
    json_t *bad = NULL;
    assert_err(registry_site_occupancy(s, &admin, lid, "2023-05-04", "2023-05-01", &bad),
               ERR_INVALID, "from");
    assert_err(registry_site_occupancy(s, &admin, lid, "2020-01-01", "2023-05-01", &bad),
               ERR_INVALID, "from");
    json_decref(occ);
    json_decref(sa);
    json_decref(sb);
    json_decref(a);
    json_decref(b);
    json_decref(lipa);
    test_db_close(s);
}

static int search_count(store *s, const actor *a, const char *q) {
    registry_person_query query = {.q = q};
    json_t *out = NULL;
    assert_ok(registry_person_search(s, a, &query, &out));
    int n = (int)json_array_size(json_object_get(out, "items"));
    json_decref(out);
    return n;
}

static void test_search_by_name_number_and_phone(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    json_t *in = person_input(lipa, "Đorđe", "Šarić", "1990-01-01");
    json_object_set_new(in, "phone", json_string("+387 61 234 567"));
    json_object_set_new(in, "native_name", json_string("Ђорђе Шарић"));
    json_t *p = register_person(s, &admin, in);
    json_decref(register_person(s, &admin, person_input(lipa, "Ali", "Ahmadi", "1990-01-01")));
    /* Spelling variants as the matcher reads them (đ = dj): the names' skeletons. */
    assert_int_equal(search_count(s, &admin, "djordje"), 1);
    assert_int_equal(search_count(s, &admin, "dorde saric"), 1);
    assert_int_equal(search_count(s, &admin, "SAR"), 1);
    assert_int_equal(search_count(s, &admin, "Шарић"), 1);
    assert_int_equal(search_count(s, &admin, json_str(p, "reg_no")), 1);
    assert_int_equal(search_count(s, &admin, "234 567"), 1);
    assert_int_equal(search_count(s, &admin, json_str(p, "id")), 1);
    assert_int_equal(search_count(s, &admin, "ahmadi ali"), 1);
    assert_int_equal(search_count(s, &admin, NULL), 2);
    assert_int_equal(search_count(s, &admin, "%"), 0);
    json_decref(p);
    json_decref(lipa);
    test_db_close(s);
}

/* A common name is paged newest first with no one twice or left out, and a corrected
 * name is found by its new words only (the name index follows the correction). */
static void test_name_search_pages_and_follows_corrections(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    char *ids[7];
    for (int i = 0; i < 7; i++) {
        json_t *p =
            register_person(s, &admin, person_input(lipa, "Mohammad", "Ahmadi", "1990-01-01"));
        ids[i] = mem_strdup(json_str(p, "id"));
        json_decref(p);
    }
    json_decref(register_person(s, &admin, person_input(lipa, "Ahmad", "Rahimi", "1990-01-01")));
    registry_person_query q = {.q = "moh ahm", .limit = 3};
    int seen = 0;
    char cursor[64] = "";
    for (int page = 0; page < 4; page++) {
        json_t *out = NULL;
        q.cursor = cursor[0] ? cursor : NULL;
        assert_ok(registry_person_search(s, &admin, &q, &out));
        json_t *items = json_object_get(out, "items");
        for (size_t k = 0; k < json_array_size(items); k++, seen++)
            assert_string_equal(json_str(json_array_get(items, k), "id"), ids[6 - seen]);
        json_t *next = json_object_get(out, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", json_is_string(next) ? json_string_value(next) : "");
        json_decref(out);
        if (!cursor[0]) break;
    }
    assert_int_equal(seen, 7);
    json_t *change = json_pack("{s:s}", "family_name", "Karimi"), *out = NULL;
    assert_ok(registry_person_update(s, &admin, ids[0], change, &out));
    json_decref(out);
    json_decref(change);
    assert_int_equal(search_count(s, &admin, "moh ahm"), 6);
    assert_int_equal(search_count(s, &admin, "mohammad karimi"), 1);
    assert_int_equal(search_count(s, &admin, "ahm"), 7); /* 6 Ahmadi, 1 Ahmad */
    for (int i = 0; i < 7; i++) mem_free(ids[i]);
    json_decref(lipa);
    test_db_close(s);
}

static void test_registrar_sees_only_own_sites(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100), *usi = site(s, "Ušivak", 100);
    json_t *at_usivak =
        register_person(s, &admin, person_input(usi, "Omid", "Karimi", "1995-01-01"));
    json_t *at_lipa = register_person(s, &admin, person_input(lipa, "Ali", "Ahmadi", "1990-01-01"));
    actor clerk = {0};
    snprintf(clerk.role, sizeof clerk.role, "registrar");
    snprintf(clerk.username, sizeof clerk.username, "clerk");
    actor_add_site(&clerk, json_str(lipa, "id"));
    json_t *out = NULL;
    assert_err(registry_person_get(s, &clerk, json_str(at_usivak, "id"), &out), ERR_NOT_FOUND,
               "id");
    assert_ok(registry_person_get(s, &clerk, json_str(at_lipa, "id"), &out));
    json_decref(out);
    assert_int_equal(search_count(s, &clerk, NULL), 1);
    assert_int_equal(search_count(s, &clerk, "karimi"), 0);
    assert_err(registry_site_get(s, &clerk, json_str(usi, "id"), &out), ERR_NOT_FOUND, "id");
    /* Registering at another site is refused, and changes nothing. */
    json_t *in = person_input(usi, "New", "Person", "2000-01-01");
    assert_err(registry_person_register(s, &clerk, in, &out), ERR_NOT_FOUND, "site_id");
    json_decref(in);
    herr *e = NULL;
    json_t *stay = check_in(s, &clerk, json_str(at_usivak, "id"), json_str(lipa, "id"), NULL, &e);
    assert_null(stay);
    assert_err(e, ERR_NOT_FOUND, "person_id");
    assert_int_equal(count(s, "SELECT COUNT(*) FROM persons"), 2);
    actor_clear(&clerk);
    json_decref(at_usivak);
    json_decref(at_lipa);
    json_decref(lipa);
    json_decref(usi);
    test_db_close(s);
}

static void test_correction_is_validated_and_audited(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    json_t *p = register_person(s, &admin, person_input(lipa, "Ali", "Ahmadi", "1990-01-01"));
    const char *id = json_str(p, "id");
    json_t *out = NULL;
    json_t *bad = json_pack("{s:s}", "site_id", json_str(lipa, "id"));
    assert_err(registry_person_update(s, &admin, id, bad, &out), ERR_INVALID, "site_id");
    json_decref(bad);
    bad = json_pack("{s:s}", "sex", "Q");
    assert_err(registry_person_update(s, &admin, id, bad, &out), ERR_INVALID, "sex");
    json_decref(bad);
    json_t *fix = json_pack("{s:s,s:s}", "family_name", "Ahmady", "citizenship", "pk");
    assert_ok(registry_person_update(s, &admin, id, fix, &out));
    assert_string_equal(json_str(out, "family_name"), "Ahmady");
    assert_string_equal(json_str(out, "citizenship"), "PK");
    json_decref(out);
    json_decref(fix);
    assert_int_equal(search_count(s, &admin, "ahmady"), 1);
    /* The old words are gone ("ahmadi" still finds the spelling variant "Ahmady"). */
    assert_int_equal(count(s, "SELECT COUNT(*) FROM person_tokens WHERE token = 'ahmadi'"), 0);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND"
                              " entity = 'person' AND detail LIKE '%family_name%'"),
                     1);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Ahmady%'"), 0);
    json_decref(p);
    json_decref(lipa);
    test_db_close(s);
}

static void test_merge_keeps_both_records_and_can_be_undone(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    json_t *a =
        register_person(s, &admin, person_input(lipa, "Mohammad", "Hussaini", "1999-03-14"));
    json_t *b =
        register_person(s, &admin, person_input(lipa, "Hussaini", "Mohammad", "1999-01-01"));
    const char *aid = json_str(a, "id"), *bid = json_str(b, "id");
    herr *e = NULL;
    json_t *stay = check_in(s, &admin, bid, json_str(lipa, "id"), "2023-05-01T10:00:00Z", &e);
    assert_ok(e);
    json_t *in = json_pack("{s:s}", "other_id", bid), *out = NULL;
    assert_ok(registry_person_merge(s, &admin, aid, in, &out));
    /* The survivor shows the merged record's stay, and cannot get a second open one. */
    assert_int_equal(json_array_size(json_object_get(out, "stays")), 1);
    assert_true(json_is_object(json_object_get(out, "current_stay")));
    json_decref(out);
    json_t *second = check_in(s, &admin, aid, json_str(lipa, "id"), NULL, &e);
    assert_null(second);
    assert_err(e, ERR_CONFLICT, "person_id");
    json_t *merged_stay = check_in(s, &admin, bid, json_str(lipa, "id"), NULL, &e);
    assert_null(merged_stay);
    assert_err(e, ERR_CONFLICT, "person_id");
    assert_int_equal(search_count(s, &admin, "hussaini"), 1);
    assert_err(registry_person_merge(s, &admin, aid, in, &out), ERR_CONFLICT, "other_id");
    json_t *cands = NULL;
    assert_ok(registry_find_candidates(s, &admin, a, aid, &cands));
    assert_int_equal(json_array_size(cands), 0);
    json_decref(cands);
    assert_ok(registry_person_unmerge(s, &admin, aid, in, &out));
    json_decref(out);
    assert_int_equal(search_count(s, &admin, "hussaini"), 2);
    assert_int_equal(
        count(s, "SELECT COUNT(*) FROM audit_log WHERE action IN ('merge', 'unmerge')"), 2);
    assert_int_equal(count(s, "SELECT COUNT(*) FROM person_merges WHERE undone_at IS NOT NULL"), 1);
    /* Not the same person: never suggested again. */
    assert_ok(registry_person_distinct(s, &admin, aid, in));
    assert_ok(registry_find_candidates(s, &admin, a, aid, &cands));
    assert_int_equal(json_array_size(cands), 0);
    json_decref(cands);
    json_t *self = json_pack("{s:s}", "other_id", aid);
    assert_err(registry_person_merge(s, &admin, aid, self, &out), ERR_INVALID, "other_id");
    json_decref(self);
    json_decref(in);
    json_decref(stay);
    json_decref(a);
    json_decref(b);
    json_decref(lipa);
    test_db_close(s);
}

/* Whether the desk lists id for what a registrar typed. */
static bool desk_lists(store *s, const char *given, const char *family, const char *birth,
                       const char *id) {
    json_t *typed = json_pack("{s:s,s:s,s:s,s:s,s:s}", "given_name", given, "family_name", family,
                              "sex", "M", "birth_date", birth, "citizenship", "AF");
    json_t *page = NULL;
    assert_ok(registry_desk_candidates(s, &admin, typed, NULL, 200, &page));
    bool found = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(page, "items"), i, c) found |=
        !strcmp(json_str(c, "id"), id);
    json_decref(page);
    json_decref(typed);
    return found;
}

/* Writes as another server would: straight to the table, behind this index's back. */
static void write_behind(store *s, const char *sql, const char *id) {
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, sql, &st));
    store_bind_text(st, ":id", id);
    assert_ok(store_run_done(&st));
}

static size_t index_size(store *s) {
    match_index *ix = NULL;
    assert_ok(registry_match_index(s, &ix));
    return match_index_size(ix);
}

/* A notification names a person another server changed: the index takes the stored
 * state. Payloads that are not person ids change nothing and do not crash. */
static void test_followed_person_is_read_again_and_bad_payloads_are_ignored(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    json_t *p = register_person(s, &admin, person_input(lipa, "Zarmin", "Khostwal", "1987-05-14"));
    json_t *q = register_person(s, &admin, person_input(lipa, "Gul", "Niazai", "1979-11-30"));
    const char *id = json_str(p, "id"), *qid = json_str(q, "id");
    /* Another person altogether now: no score links the old record to the new state. */
    write_behind(s,
                 "UPDATE persons SET given_name = 'Parisa', family_name = 'Sadozai',"
                 " birth_date = '1960-08-09' WHERE id = :id",
                 id);
    assert_false(desk_lists(s, "Parisa", "Sadozai", "1960-08-09", id)); /* not told yet */
    size_t n = index_size(s);
    char long_payload[10000];
    memset(long_payload, 'a', sizeof long_payload - 1);
    long_payload[sizeof long_payload - 1] = '\0';
    char upper[ID_LEN + 8], trailing[ID_LEN + 8], unknown[ID_LEN];
    snprintf(upper, sizeof upper, "%s", id);
    for (char *c = upper; *c; c++)
        if (*c >= 'a' && *c <= 'f') *c = (char)(*c - 'a' + 'A');
    snprintf(trailing, sizeof trailing, "%s\n;x", id);
    id_new(unknown);
    const char *bad[] = {NULL,  "",       " ",       "not-an-id", long_payload,
                         upper, trailing, "\x1b[2J", "\xff\xfe",  "'; DROP TABLE persons; --"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) registry_person_followed(s, bad[i]);
    registry_person_followed(s, unknown); /* an id nobody has: nothing to take */
    assert_int_equal(index_size(s), n);
    assert_false(desk_lists(s, "Parisa", "Sadozai", "1960-08-09", id));
    assert_true(desk_lists(s, "Zarmin", "Khostwal", "1987-05-14", id));
    /* The right payload: the stored state, as often as it comes. */
    registry_person_followed(s, id);
    registry_person_followed(s, id);
    assert_true(desk_lists(s, "Parisa", "Sadozai", "1960-08-09", id));
    assert_false(desk_lists(s, "Zarmin", "Khostwal", "1987-05-14", id));
    assert_int_equal(index_size(s), n);
    /* Merged elsewhere: out of the index; unmerged: back. */
    write_behind(s, "UPDATE persons SET merged_into = id WHERE id = :id", qid);
    registry_person_followed(s, qid);
    assert_int_equal(index_size(s), n - 1);
    assert_false(desk_lists(s, "Gul", "Niazai", "1979-11-30", qid));
    write_behind(s, "UPDATE persons SET merged_into = NULL WHERE id = :id", qid);
    registry_person_followed(s, qid);
    assert_true(desk_lists(s, "Gul", "Niazai", "1979-11-30", qid));
    json_decref(p);
    json_decref(q);
    json_decref(lipa);
    test_db_close(s);
}

/* After a gap in notifications, a catch-up takes every change made meanwhile. */
static void test_resync_catches_up_with_changes_made_behind_its_back(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *lipa = site(s, "Lipa", 100);
    json_t *p = register_person(s, &admin, person_input(lipa, "Parwana", "Tokhi", "1991-02-03"));
    json_t *q = register_person(s, &admin, person_input(lipa, "Mursal", "Jaghori", "1990-01-02"));
    const char *id = json_str(p, "id"), *qid = json_str(q, "id");
    size_t n = index_size(s);
    write_behind(s,
                 "UPDATE persons SET given_name = 'Shabnam', family_name = 'Wardak',"
                 " birth_date = '1966-06-06' WHERE id = :id",
                 id);
    write_behind(s, "UPDATE persons SET merged_into = id WHERE id = :id", qid);
    assert_false(desk_lists(s, "Shabnam", "Wardak", "1966-06-06", id));
    assert_int_equal(index_size(s), n); /* (the desk hides a merged record anyway) */
    assert_ok(registry_match_resync(s));
    assert_true(desk_lists(s, "Shabnam", "Wardak", "1966-06-06", id));
    assert_false(desk_lists(s, "Parwana", "Tokhi", "1991-02-03", id));
    assert_false(desk_lists(s, "Mursal", "Jaghori", "1990-01-02", qid));
    assert_int_equal(index_size(s), n - 1);
    json_decref(p);
    json_decref(q);
    json_decref(lipa);
    test_db_close(s);
}

static int setup(void **state) {
    (void)state;
    actor_system(&admin, "test-admin");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_codes_and_validation),
        cmocka_unit_test(test_bad_registration_changes_nothing),
        cmocka_unit_test(test_registration_gives_number_and_candidates),
        cmocka_unit_test(test_registrations_retrain_the_match_model_in_the_background),
        cmocka_unit_test(test_stay_rules),
        cmocka_unit_test(test_occupancy_counts_days_from_stays),
        cmocka_unit_test(test_search_by_name_number_and_phone),
        cmocka_unit_test(test_name_search_pages_and_follows_corrections),
        cmocka_unit_test(test_registrar_sees_only_own_sites),
        cmocka_unit_test(test_correction_is_validated_and_audited),
        cmocka_unit_test(test_merge_keeps_both_records_and_can_be_undone),
        cmocka_unit_test(test_followed_person_is_read_again_and_bad_payloads_are_ignored),
        cmocka_unit_test(test_resync_catches_up_with_changes_made_behind_its_back),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    registry_shutdown();
    text_shutdown();
    return rc;
}
