/* match_index_desk: every record whose names agree and whose birth data is compatible,
 * however common the name (more than a blocking list holds), best first, with totals. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "match/match.h"

static match_record rec(const char *id, const char *given, const char *family, int y, int m, int d,
                        match_date_precision p) {
    match_record r = {.id = id,
                      .given_name = given,
                      .family_name = family,
                      .sex = 'M',
                      .birth_year = y,
                      .birth_month = m,
                      .birth_day = d,
                      .precision = p,
                      .citizenship = "AF"};
    return r;
}

static bool has(const match_candidate *c, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].id, id)) return true;
    return false;
}

/* 150 "Mohammad Hussaini" (born 1950..1999, three each: more than a blocking list
 * holds) and a few others. */
static match_index *crowd(void) {
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    char id[32];
    for (int i = 0; i < 150; i++) {
        snprintf(id, sizeof id, "h%d", i);
        match_record r = rec(id, "Mohammad", "Hussaini", 1950 + i / 3, 0, 0, MATCH_DATE_YEAR);
        assert_ok(match_index_add(ix, &r));
    }
    match_record others[] = {
        rec("x1", "Jawad", "Karimi", 1990, 7, 2, MATCH_DATE_EXACT),
        rec("x2", "Ahmad", "Rezai", 1990, 3, 4, MATCH_DATE_EXACT),
        rec("x3", "Hussaini", "Mohammad", 1990, 5, 6, MATCH_DATE_EXACT),
        rec("x4", "Mohammad", "Hussaini", 1990, 9, 9, MATCH_DATE_EXACT),
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_ok(match_index_add(ix, &others[i]));
    assert_ok(match_index_train(ix));
    return ix;
}

static void test_desk_lists_every_compatible_namesake(void **state) {
    (void)state;
    match_index *ix = crowd();
    match_record q = rec(NULL, "Muhamed", "HUSAINI", 1990, 0, 0, MATCH_DATE_YEAR);
    match_candidate *c = NULL;
    size_t n = 0;
    match_desk_counts k;
    assert_ok(match_index_desk(ix, &q, 0.99, 0, &c, &n, &k));
    /* 1989, 1990, 1991 year-only (nine), the two full dates in 1990 (one crossed). */
    assert_true(has(c, n, "x3"));
    assert_true(has(c, n, "x4"));
    for (int i = 117; i < 126; i++) {
        char id[16];
        snprintf(id, sizeof id, "h%d", i);
        assert_true(has(c, n, id));
    }
    assert_false(has(c, n, "h0")); /* born 1950 */
    assert_false(has(c, n, "x1")); /* other names */
    assert_int_equal(k.namesakes, 152);
    assert_int_equal(k.total, n);
    for (size_t i = 1; i < n; i++) assert_true(c[i - 1].score >= c[i].score);
    mem_free(c);
    /* max caps what is returned, not the total. */
    assert_ok(match_index_desk(ix, &q, 0.99, 3, &c, &n, &k));
    assert_int_equal(n, 3);
    assert_true(k.total >= 11);
    mem_free(c);
    match_index_free(ix);
}

static void test_desk_without_a_birth_date_lists_all_namesakes_but_itself(void **state) {
    (void)state;
    match_index *ix = crowd();
    match_record q = rec("h5", "Mohammad", "Hussaini", 0, 0, 0, MATCH_DATE_UNKNOWN);
    match_candidate *c = NULL;
    size_t n = 0;
    match_desk_counts k;
    assert_ok(match_index_desk(ix, &q, 0.99, 0, &c, &n, &k));
    assert_int_equal(n, 151); /* 149 others + x3 + x4 */
    assert_false(has(c, n, "h5"));
    mem_free(c);
    match_index_free(ix);
}

static void test_desk_estimated_year_allows_two_years(void **state) {
    (void)state;
    match_index *ix = crowd();
    match_record q = rec(NULL, "Mohammad", "Hussaini", 1955, 0, 0, MATCH_DATE_ESTIMATED);
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_desk(ix, &q, 0.99, 0, &c, &n, NULL));
    assert_true(has(c, n, "h9"));   /* 1953 */
    assert_true(has(c, n, "h21"));  /* 1957 */
    assert_false(has(c, n, "h24")); /* 1958 */
    mem_free(c);
    match_index_free(ix);
}

static void test_desk_rejects_bad_input(void **state) {
    (void)state;
    match_index *ix = crowd();
    match_record q = rec(NULL, "Mohammad", "Hussaini", 1990, 2, 30, MATCH_DATE_EXACT);
    match_candidate *c = NULL;
    size_t n = 0;
    assert_err(match_index_desk(ix, &q, 0.5, 0, &c, &n, NULL), ERR_INVALID, "birth_date");
    assert_null(c);
    match_index_free(ix);
}

/* Many records reached through other blocking keys than the names (here: the given
 * name and the year) besides a short names list: each is judged once. A regression:
 * the set of judged records was sized for the names list alone and overflowed. */
static void test_desk_with_many_records_sharing_one_name_and_the_year(void **state) {
    (void)state;
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    static const char cons[] = "bdfklmnrst";
    char id[16], fam[16];
    int k = 0;
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 8; j++) {
            snprintf(id, sizeof id, "o%d", k++);
            snprintf(fam, sizeof fam, "Ka%co%ci", cons[i], cons[j]);
            match_record r = rec(id, "Mohammad", fam, 1990, 0, 0, MATCH_DATE_YEAR);
            assert_ok(match_index_add(ix, &r));
        }
    match_record h = rec("h", "Mohammad", "Hussaini", 1990, 0, 0, MATCH_DATE_YEAR);
    assert_ok(match_index_add(ix, &h));
    match_record q = rec(NULL, "Muhamed", "Husaini", 1990, 0, 0, MATCH_DATE_YEAR);
    match_candidate *c = NULL;
    size_t n = 0;
    match_desk_counts counts;
    assert_ok(match_index_desk(ix, &q, 0.0, 0, &c, &n, &counts));
    assert_true(has(c, n, "h"));
    assert_int_equal(counts.namesakes, 1);
    assert_int_equal(n, 81); /* threshold 0: every record a blocking key reaches */
    mem_free(c);
    match_index_free(ix);
}

/* An identity document that agrees (same type and country) is strong evidence for the
 * same person; another number on the same type and country strong evidence against. */
static void test_documents_weigh_in_matching(void **state) {
    (void)state;
    match_index *ix = crowd();
    match_document pass = {"passport", "AF", "P1234567"};
    match_document other = {"passport", "AF", "P7654321"};
    match_document card = {"asylum_card", "BA", "A55"};
    match_record a = rec("d1", "Mohammad", "Hussaini", 1990, 0, 0, MATCH_DATE_YEAR);
    a.documents = &pass;
    a.n_documents = 1;
    match_record b = rec("d2", "Muhamed", "Husaini", 1990, 0, 0, MATCH_DATE_YEAR);
    match_candidate plain, same, differ, unrelated;
    assert_ok(match_index_explain(ix, &a, &b, &plain));
    b.documents = &pass;
    b.n_documents = 1;
    assert_ok(match_index_explain(ix, &a, &b, &same));
    assert_true(same.score > 0.99);
    assert_true(same.score > plain.score);
    assert_string_equal(same.reason_codes[0], "document_equal");
    b.documents = &other;
    assert_ok(match_index_explain(ix, &a, &b, &differ));
    /* The odds fall a thousandfold (10 bits). */
    double odds_plain = plain.score / (1 - plain.score),
           odds_differ = differ.score / (1 - differ.score);
    assert_true(odds_differ < odds_plain / 1000);
    assert_string_equal(differ.reason_codes[0], "document_differs");
    b.documents = &card; /* another type: says nothing */
    assert_ok(match_index_explain(ix, &a, &b, &unrelated));
    assert_true(unrelated.score == plain.score);
    /* Through the index: the record holding the document comes first. */
    b.documents = &pass;
    assert_ok(match_index_add(ix, &b));
    match_record q = rec(NULL, "Mohammad", "Hussaini", 1990, 0, 0, MATCH_DATE_YEAR);
    q.documents = &pass;
    q.n_documents = 1;
    match_candidate *c = NULL;
    size_t n = 0;
    assert_ok(match_index_desk(ix, &q, 0.5, 0, &c, &n, NULL));
    assert_true(n >= 1);
    assert_string_equal(c[0].id, "d2");
    mem_free(c);
    match_index_free(ix);
}

static int teardown(void **state) {
    (void)state;
    match_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_desk_lists_every_compatible_namesake),
        cmocka_unit_test(test_desk_without_a_birth_date_lists_all_namesakes_but_itself),
        cmocka_unit_test(test_desk_estimated_year_allows_two_years),
        cmocka_unit_test(test_desk_rejects_bad_input),
        cmocka_unit_test(test_desk_with_many_records_sharing_one_name_and_the_year),
        cmocka_unit_test(test_documents_weigh_in_matching),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
