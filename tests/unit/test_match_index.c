/* The incremental index: add, replace, remove, query, concurrency, batch dedup. */
#include "testutil.h"

#include <pthread.h>
#include <string.h>

#include "core/mem.h"
#include "match/match.h"

static match_record rec(const char *id, const char *given, const char *family, int y, int m,
                        int d) {
    match_record r = {.id = id,
                      .given_name = given,
                      .family_name = family,
                      .sex = 'M',
                      .birth_year = y,
                      .birth_month = m,
                      .birth_day = d,
                      .precision = MATCH_DATE_EXACT,
                      .citizenship = "AF"};
    return r;
}

static match_index *sample_index(void) {
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    match_record rs[] = {
        rec("p1", "Mohammad", "Hussaini", 1999, 3, 14),
        rec("p2", "Jawad", "Karimi", 1988, 7, 2),
        rec("p3", "Farid", "Ahmadi", 2001, 11, 30),
        rec("p4", "Mohammad", "Hussaini", 1975, 9, 9),
    };
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) assert_ok(match_index_add(ix, &rs[i]));
    return ix;
}

static void test_query_finds_a_returning_person_under_another_spelling(void **state) {
    (void)state;
    match_index *ix = sample_index();
    match_record q = rec(NULL, "Мохамед", "Хусеини", 1999, 1, 1);
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_query(ix, &q, 0.5, 10, &c, &n));
    assert_true(n >= 1);
    assert_string_equal(c[0].id, "p1");
    assert_true(c[0].score >= 0.5 && c[0].score <= 1.0);
    assert_true(c[0].n_reasons > 0);
    for (size_t i = 1; i < n; i++) assert_true(c[i - 1].score >= c[i].score);
    mem_free(c);
    match_index_free(ix);
}

static void test_query_excludes_own_id_and_respects_max(void **state) {
    (void)state;
    match_index *ix = sample_index();
    match_record q = rec("p1", "Mohammad", "Hussaini", 1999, 3, 14);
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_query(ix, &q, 0.0, 0, &c, &n));
    for (size_t i = 0; i < n; i++) assert_string_not_equal(c[i].id, "p1");
    mem_free(c);
    q.id = NULL;
    assert_ok(match_index_query(ix, &q, 0.0, 1, &c, &n));
    assert_int_equal(n, 1);
    assert_string_equal(c[0].id, "p1");
    mem_free(c);
    match_index_free(ix);
}

/* A year one off and a respelled family name at once: no key on both names or on the
 * date is shared, but the given name with the neighbouring year still is. */
static void test_query_finds_a_record_with_year_one_off_and_one_name_respelled(void **state) {
    (void)state;
    match_index *ix = sample_index();
    match_record q = rec(NULL, "Jawad", "Kerimzai", 1989, 0, 0);
    q.precision = MATCH_DATE_YEAR;
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_query(ix, &q, 0.0, 10, &c, &n));
    bool found = false;
    for (size_t i = 0; i < n; i++) found |= !strcmp(c[i].id, "p2");
    assert_true(found);
    mem_free(c);
    match_index_free(ix);
}

/* The native form of a record's names is a blocking key too: a returning person typed
 * in Latin letters finds the record whose Latin names were an alias. */
static void test_query_finds_a_record_by_its_native_name(void **state) {
    (void)state;
    match_index *ix = sample_index();
    match_record r = rec("p9", "Jean", "Dupont", 1993, 5, 6);
    r.native_name = "محمد کریمی";
    assert_ok(match_index_add(ix, &r));
    match_record q = rec(NULL, "Muhammad", "Kerimi", 1993, 0, 0);
    q.precision = MATCH_DATE_YEAR;
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_query(ix, &q, 0.5, 10, &c, &n));
    assert_true(n >= 1);
    assert_string_equal(c[0].id, "p9");
    mem_free(c);
    assert_ok(match_index_remove(ix, "p9"));
    match_index_free(ix);
}

static void test_add_replaces_and_remove_forgets(void **state) {
    (void)state;
    match_index *ix = sample_index();
    assert_int_equal(match_index_size(ix), 4);
    match_record renamed = rec("p2", "Bilal", "Noori", 1988, 7, 2);
    assert_ok(match_index_add(ix, &renamed));
    assert_int_equal(match_index_size(ix), 4);
    match_record q = rec(NULL, "Jawad", "Karimi", 1988, 7, 2);
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_query(ix, &q, 0.5, 10, &c, &n));
    assert_int_equal(n, 0);
    assert_null(c);
    assert_ok(match_index_remove(ix, "p1"));
    assert_int_equal(match_index_size(ix), 3);
    q = rec(NULL, "Mohammad", "Hussaini", 1999, 3, 14);
    assert_ok(match_index_query(ix, &q, 0.5, 10, &c, &n));
    for (size_t i = 0; i < n; i++) assert_string_not_equal(c[i].id, "p1");
    mem_free(c);
    assert_err(match_index_remove(ix, "p1"), ERR_NOT_FOUND, "id");
    assert_true(match_index_memory(ix) > 0);
    match_index_free(ix);
}

static void test_add_rejects_bad_records(void **state) {
    (void)state;
    match_index *ix = sample_index();
    match_record r = rec(NULL, "Ali", "Rahimi", 1990, 1, 2);
    assert_err(match_index_add(ix, &r), ERR_INVALID, "id");
    r = rec("x", "Ali", "Rahimi", 1990, 2, 30);
    assert_err(match_index_add(ix, &r), ERR_INVALID, "birth_date");
    r = rec("x", "Ali", "Rahimi", 1990, 2, 3);
    r.sex = 'Q';
    assert_err(match_index_add(ix, &r), ERR_INVALID, "sex");
    r = rec("x", "Al\xc3", "Rahimi", 1990, 2, 3);
    assert_err(match_index_add(ix, &r), ERR_INVALID, "name");
    assert_int_equal(match_index_size(ix), 4);
    match_index_free(ix);
}

typedef struct {
    match_index *ix;
    int failures;
} worker;

static void *query_loop(void *p) {
    worker *w = p;
    match_record q = rec(NULL, "Muhammad", "Husaini", 1999, 3, 14);
    for (int i = 0; i < 300; i++) {
        match_candidate *c = NULL;
        size_t n = 0;
        herr *e = match_index_query(w->ix, &q, 0.5, 5, &c, &n);
        if (e || n == 0) w->failures++;
        err_free(e);
        mem_free(c);
    }
    return NULL;
}

static void test_concurrent_queries_while_adding(void **state) {
    (void)state;
    match_index *ix = sample_index();
    worker w[2] = {{ix, 0}, {ix, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, query_loop, &w[i]);
    char id[32];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "n%d", i);
        match_record r = rec(id, "Omid", "Safi", 1980 + i % 30, 1 + i % 12, 1 + i % 28);
        assert_ok(match_index_add(ix, &r));
        if (i % 3 == 0) assert_ok(match_index_remove(ix, id));
    }
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    assert_int_equal(w[0].failures + w[1].failures, 0);
    assert_int_equal(match_index_size(ix), 4 + 200);
    match_index_free(ix);
}

static void test_dedup_finds_duplicates_in_generated_data(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_ok(match_demo_generate(3000, 5, &d));
    match_pair *p = NULL;
    size_t n = 0;
    double thr = 0;
    match_dedup_options o = {.threshold = -1, .threads = 2, .train = true, .cluster = true};
    assert_ok(match_dedup(d->recs, d->n, &o, &p, &n, &thr, NULL));
    size_t tp = 0;
    double truth = 0;
    size_t *count = mem_alloc(d->n_persons * sizeof *count);
    for (size_t i = 0; i < d->n; i++) count[d->person[i]]++;
    for (size_t i = 0; i < d->n_persons; i++) truth += (double)count[i] * (count[i] - 1) / 2;
    for (size_t i = 0; i < n; i++) {
        assert_true(p[i].a < p[i].b);
        tp += d->person[p[i].a] == d->person[p[i].b];
    }
    double precision = (double)tp / (double)n, recall = (double)tp / truth;
    if (precision < 0.7 || recall < 0.7) print_error("P %.3f R %.3f\n", precision, recall);
    assert_true(precision > 0.7);
    assert_true(recall > 0.7);
    assert_true(thr > 0 && thr < 1);
    mem_free(count);
    mem_free(p);
    match_demo_free(d);
}

static void test_dedup_rejects_duplicate_ids(void **state) {
    (void)state;
    match_record rs[] = {rec("a", "Ali", "Rahimi", 1990, 1, 2),
                         rec("a", "Ali", "Rahimi", 1990, 1, 2)};
    match_pair *p = NULL;
    size_t n = 0;
    assert_err(match_dedup(rs, 2, NULL, &p, &n, NULL, NULL), ERR_INVALID, "id");
    assert_null(p);
}

static int teardown(void **state) {
    (void)state;
    match_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_finds_a_returning_person_under_another_spelling),
        cmocka_unit_test(test_query_excludes_own_id_and_respects_max),
        cmocka_unit_test(test_query_finds_a_record_with_year_one_off_and_one_name_respelled),
        cmocka_unit_test(test_query_finds_a_record_by_its_native_name),
        cmocka_unit_test(test_add_replaces_and_remove_forgets),
        cmocka_unit_test(test_add_rejects_bad_records),
        cmocka_unit_test(test_concurrent_queries_while_adding),
        cmocka_unit_test(test_dedup_finds_duplicates_in_generated_data),
        cmocka_unit_test(test_dedup_rejects_duplicate_ids),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
