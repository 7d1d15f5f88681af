/* Watch lists and screening: stored sealed, refused whole when a line is bad, a manifest
 * screened against a list, every act audited, nothing without the key. */
#include "testutil.h"

#include <string.h>

#include "audit/audit.h"
#include "core/actor.h"
#include "core/crypto.h"
#include "core/json.h"
#include "match/match.h"
#include "protection/protection.h"
#include "screening/screening.h"

static const unsigned char test_key[CRYPTO_KEY_LEN] = "screening-test-key-0123456789abc";

static const char list_csv[] = "id,given_name,family_name,sex,birth_date,citizenship\n"
                               "W-17,Mohammad,Hussaini,M,1999-03-14,AF\n"
                               "W-18,Jean,Nkurunziza,M,1975-06-01,BI\n"
                               "W-19,Fatima,Zahra,F,1988-11-02,MA\n";

static const char manifest_csv[] = "id,given_name,family_name,sex,birth_date,citizenship\n"
                                   "p1,HUSAINI,Muhamed,M,1999-03-14,AF\n"
                                   "p2,Ali,Rezaei,M,1990-05-05,IR\n"
                                   "p3,Amina,Benali,F,2001-07-21\n";

typedef struct {
    store *s;
    actor officer;
} fixture;

static int setup(void **state) {
    fixture *f = test_malloc(sizeof *f);
    f->s = test_db_open();
    protection_key_use(test_key);
    actor_system(&f->officer, "officer");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    test_db_close(f->s);
    protection_key_forget();
    match_shutdown();
    test_free(f);
    return 0;
}

static char *create(fixture *f, const char *csv) {
    json_t *out = NULL, *problems = NULL;
    assert_ok(screening_list_create(f->s, &f->officer, "Interpol notices", csv, strlen(csv), &out,
                                    &problems));
    assert_null(problems);
    assert_int_equal(json_integer_value(json_object_get(out, "records")), 3);
    char *id = strdup(json_str(out, "id"));
    json_decref(out);
    return id;
}

static int64_t count(store *s, const char *sql) {
    store_stmt *st = NULL;
    bool row = false;
    assert_ok(store_prepare(s, sql, &st));
    assert_ok(store_step(st, &row));
    int64_t n = store_int(st, 0);
    store_done(st);
    return n;
}

static void test_a_list_is_stored_sealed_and_listed(void **state) {
    fixture *f = *state;
    char *id = create(f, list_csv);
    assert_int_equal(
        count(f->s, "SELECT count(*) FROM watch_lists WHERE sealed_csv LIKE '%Hussaini%'"), 0);
    json_t *out = NULL;
    assert_ok(screening_list_index(f->s, &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_str(json_array_get(items, 0), "name"), "Interpol notices");
    assert_string_equal(json_str(json_array_get(items, 0), "created_by"), "officer");
    json_decref(out);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE entity = 'watch_list'"
                                 " AND action = 'create'"),
                     1);
    free(id);
}

static void test_a_list_with_a_bad_line_is_refused_whole(void **state) {
    fixture *f = *state;
    static const char bad[] = "id,given_name,family_name,sex,birth_date,citizenship\n"
                              "W-1,Omar,Haddad,M,1980-01-20,SY\n"
                              "W-2,Omar,Haddad,M,1980-13-40,SY\n"
                              "W-3,,,M,1980-01-20,SY\n";
    json_t *out = NULL, *problems = NULL;
    herr *e = screening_list_create(f->s, &f->officer, "x", bad, strlen(bad), &out, &problems);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_INVALID);
    assert_string_equal(e->key, "csv_lines");
    err_free(e);
    json_t *lines = json_object_get(problems, "problems");
    assert_int_equal(json_array_size(lines), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 0), "line")), 3);
    json_decref(problems);
    assert_int_equal(count(f->s, "SELECT count(*) FROM watch_lists"), 0);
    assert_err(screening_list_create(f->s, &f->officer, "   ", list_csv, strlen(list_csv), &out,
                                     &problems),
               ERR_INVALID, "name");
    assert_err(screening_list_create(f->s, &f->officer, "x", "id,name\n", 8, &out, &problems),
               ERR_INVALID, "header");
    assert_int_equal(count(f->s, "SELECT count(*) FROM watch_lists"), 0);
}

static void test_a_manifest_is_screened_and_the_screening_audited(void **state) {
    fixture *f = *state;
    char *id = create(f, list_csv);
    json_t *out = NULL;
    assert_ok(
        screening_run(f->s, &f->officer, id, manifest_csv, strlen(manifest_csv), -1, true, &out));
    json_t *hits = json_object_get(out, "hits");
    assert_int_equal(json_array_size(hits), 1);
    assert_string_equal(json_str(json_array_get(hits, 0), "input_id"), "p1");
    assert_string_equal(json_str(json_array_get(hits, 0), "list_record_id"), "W-17");
    assert_true(json_array_size(json_object_get(json_array_get(hits, 0), "reasons")) > 0);
    assert_int_equal(json_integer_value(json_object_get(out, "input_records")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "skipped_count")), 1);
    json_decref(out);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE entity = 'watch_list'"
                                 " AND action = 'read' AND detail NOT LIKE '%Hussaini%'"),
                     1);
    assert_err(
        screening_run(f->s, &f->officer, id, manifest_csv, strlen(manifest_csv), 2, false, &out),
        ERR_INVALID, "threshold");
    assert_ok(screening_list_delete(f->s, &f->officer, id));
    assert_err(
        screening_run(f->s, &f->officer, id, manifest_csv, strlen(manifest_csv), -1, false, &out),
        ERR_NOT_FOUND, "list_id");
    assert_err(screening_list_delete(f->s, &f->officer, id), ERR_NOT_FOUND, "id");
    free(id);
}

static void test_nothing_without_the_key(void **state) {
    fixture *f = *state;
    char *id = create(f, list_csv);
    protection_key_forget();
    json_t *out = NULL, *problems = NULL;
    assert_err(
        screening_run(f->s, &f->officer, id, manifest_csv, strlen(manifest_csv), -1, false, &out),
        ERR_CONFLICT, NULL);
    assert_err(
        screening_list_create(f->s, &f->officer, "y", list_csv, strlen(list_csv), &out, &problems),
        ERR_CONFLICT, NULL);
    protection_key_use(test_key);
    free(id);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_list_is_stored_sealed_and_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_list_with_a_bad_line_is_refused_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_manifest_is_screened_and_the_screening_audited,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_without_the_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
