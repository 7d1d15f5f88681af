/* Field comparison levels, reasons and scores of the identity matcher. */
#include "testutil.h"

#include <string.h>

#include "core/mem.h"
#include "match/match_internal.h"
#include "match/match_ix.h"

static match_record person(const char *id, const char *given, const char *family, int y, int m,
                           int d, const char *cit) {
    match_record r = {.id = id,
                      .given_name = given,
                      .family_name = family,
                      .sex = 'M',
                      .birth_year = y,
                      .birth_month = m,
                      .birth_day = d,
                      .precision = y ? MATCH_DATE_EXACT : MATCH_DATE_UNKNOWN,
                      .citizenship = cit};
    return r;
}

static int date_level(match_record a, match_record b) {
    mrec ra, rb;
    assert_ok(mrec_build(&a, &ra));
    assert_ok(mrec_build(&b, &rb));
    int l = mcompare_date(&ra, &rb);
    mrec_clear(&ra);
    mrec_clear(&rb);
    return l;
}

static bool has_reason(const match_candidate *c, const char *code) {
    for (size_t i = 0; i < c->n_reasons; i++)
        if (!strcmp(c->reason_codes[i], code)) return true;
    return false;
}

static match_candidate explain(match_record a, match_record b) {
    match_index *ix = NULL;
    match_candidate c;
    assert_ok(match_index_new(&ix));
    assert_ok(match_index_explain(ix, &a, &b, &c));
    match_index_free(ix);
    return c;
}

static void test_date_levels(void **state) {
    (void)state;
    match_record a = person("a", "Ali", "Rahimi", 1999, 3, 14, "AF");
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1999, 3, 14, "AF")), DL_EXACT);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1999, 1, 1, "AF")), DL_PLACEHOLDER);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1999, 0, 0, "AF")), DL_PLACEHOLDER);
    /* Only the year on both records. */
    assert_int_equal(date_level(person("a", "Ali", "Rahimi", 1999, 1, 1, "AF"),
                                person("b", "Ali", "Rahimi", 1999, 0, 0, "AF")),
                     DL_YEAR_ONLY);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1999, 3, 20, "AF")), DL_ONE_PART);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1999, 7, 20, "AF")), DL_SAME_YEAR);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 2000, 7, 20, "AF")), DL_NEAR_FULL);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 2000, 0, 0, "AF")), DL_NEAR);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1985, 3, 14, "AF")), DL_DIFF);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1990, 7, 20, "AF")), DL_DIFF);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 0, 0, 0, "AF")), DL_MISSING);
}

/* One slip in the year of an otherwise equal full date is a date mistyped, which says
 * far more than two years one apart: one year off, one digit off, two digits swapped. */
static void test_year_slip_with_equal_day_and_month_is_its_own_level(void **state) {
    (void)state;
    match_record a = person("a", "Ali", "Rahimi", 1995, 3, 14, "AF");
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1996, 3, 14, "AF")), DL_YEAR_TYPO);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1998, 3, 14, "AF")), DL_YEAR_TYPO);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1959, 3, 14, "AF")), DL_YEAR_TYPO);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1994, 3, 14, "AF")), DL_YEAR_TYPO);
    /* Two digits off, a year-only date, or another day: not a slip. */
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1987, 3, 14, "AF")), DL_DIFF);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1996, 0, 0, "AF")), DL_NEAR);
    assert_int_equal(date_level(a, person("b", "Ali", "Rahimi", 1996, 3, 15, "AF")), DL_NEAR_FULL);
    match_candidate c = explain(a, person("b", "Ali", "Rahimi", 1959, 3, 14, "AF"));
    assert_true(has_reason(&c, "birth_date_year_mistyped"));
}

static int family_level(const char *a, const char *b) {
    mrec ra, rb;
    match_record x = person("a", "Ali", a, 0, 0, 0, NULL), y = person("b", "Ali", b, 0, 0, 0, NULL);
    assert_ok(mrec_build(&x, &ra));
    assert_ok(mrec_build(&y, &rb));
    int l = mcompare_name(&ra.family, &rb.family);
    mrec_clear(&ra);
    mrec_clear(&rb);
    return l;
}

/* One sound or one letter apart is a level of its own between "similar" and "differs":
 * Ahmadzada/Ahmetzada, Rachid/Reshid, Fayzi/Faezi, Naveedyar/Навидјар. Short names one
 * letter apart (Khan/Kann) and names further apart stay different. */
static void test_names_one_edit_apart_are_close(void **state) {
    (void)state;
    assert_true(mwithin_one_edit("abc", "abc"));
    assert_true(mwithin_one_edit("abc", "abd"));
    assert_true(mwithin_one_edit("abc", "ab"));
    assert_true(mwithin_one_edit("abc", "xabc"));
    assert_true(mwithin_one_edit("abcd", "abdc"));
    assert_false(mwithin_one_edit("abcd", "badc"));
    assert_false(mwithin_one_edit("abc", "a"));
    assert_false(mwithin_one_edit("abcd", "axcy"));
    assert_int_equal(family_level("Ahmadzadda", "Ahmetzada"), NL_CLOSE);
    assert_int_equal(family_level("Rachid", "Reshid"), NL_CLOSE);
    assert_int_equal(family_level("Fayzi", "Faezi"), NL_CLOSE);
    assert_int_equal(family_level("Naveedyar", "Навидјар"), NL_CLOSE);
    assert_int_equal(family_level("Khan", "Kann"), NL_DIFF);
    assert_int_equal(family_level("Mohammad", "Ahmad"), NL_DIFF);
    assert_int_equal(family_level("Rahimi", "Karimzai"), NL_DIFF);
    match_candidate c = explain(person("a", "Rachid", "Benali", 1990, 3, 4, "MA"),
                                person("b", "Reshid", "Benali", 1990, 3, 4, "MA"));
    assert_true(has_reason(&c, "given_name_close"));
}

/* A registration with Latin names and the native form compares the native form too:
 * a Latin name taken from a document (here an alias) need not be how the person is
 * known, while the Persian-script name reads as another record's Latin one. */
static void test_native_name_is_compared_beside_latin_names(void **state) {
    (void)state;
    match_record a = person("a", "Jean", "Dupont", 1990, 3, 4, "AF");
    a.native_name = "محمد کریمی";
    match_record b = person("b", "Mohammad", "Karimi", 1990, 3, 4, "AF");
    mrec ra, rb;
    assert_ok(mrec_build(&a, &ra));
    assert_ok(mrec_build(&b, &rb));
    assert_non_null(ra.native);
    assert_null(rb.native);
    mcmp c;
    mcompare(&ra, &rb, &c);
    assert_true(c.lv[MF_GIVEN] <= NL_PHONETIC && c.lv[MF_FAMILY] <= NL_PHONETIC);
    assert_true(c.native_a && !c.native_b);
    mcompare(&rb, &ra, &c); /* either side */
    assert_true(c.lv[MF_GIVEN] <= NL_PHONETIC && c.lv[MF_FAMILY] <= NL_PHONETIC);
    assert_true(!c.native_a && c.native_b);
    match_candidate k = explain(a, b);
    assert_true(has_reason(&k, "name_native_form"));
    assert_true(k.score > 0.9);
    /* Without the native form the two records have nothing in common but the date. */
    a.native_name = NULL;
    k = explain(a, b);
    assert_true(k.score < 0.5);
    mrec_clear(&ra);
    mrec_clear(&rb);
}

/* The sketch that lets the index skip string work must never hide a level between
 * "phonetic" and "different": over many generated name pairs, whenever it says the
 * names cannot be similar they compare as equal, phonetic or different. */
static void test_name_sketch_never_hides_a_similar_name(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_ok(match_demo_generate(2000, 3, &d));
    mrec *r = mem_alloc(d->n * sizeof *r);
    mhot *h = mem_alloc(d->n * sizeof *h);
    for (size_t i = 0; i < d->n; i++) {
        assert_ok(mrec_build(&d->recs[i], &r[i]));
        mhot_of(&r[i], &h[i]);
    }
    size_t skipped = 0, similar = 0;
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = i + 1; j < d->n; j += 7) {
            const mfield *fa[2] = {&r[i].given, &r[i].family}, *fb[2] = {&r[j].given, &r[j].family};
            const msketch *ka[2] = {&h[i].g, &h[i].f}, *kb[2] = {&h[j].g, &h[j].f};
            for (int x = 0; x < 2; x++)
                for (int y = 0; y < 2; y++) {
                    int l = mcompare_name(fa[x], fb[y]);
                    if (l == NL_SIMILAR || l == NL_CLOSE || l == NL_PARTIAL) {
                        similar++;
                        assert_true(msketch_may_be_similar(ka[x], kb[y]));
                    } else if (l == NL_DIFF && !msketch_may_be_similar(ka[x], kb[y])) {
                        skipped++;
                    }
                }
        }
    assert_true(similar > 100);
    assert_true(skipped > 10 * similar); /* and it does tell most differences */
    for (size_t i = 0; i < d->n; i++) mrec_clear(&r[i]);
    mem_free(r);
    mem_free(h);
    match_demo_free(d);
}

/* With the names the other way round on one record, a family name stands in the
 * given-name field: it must not count as a rare given name. */
static void test_swapped_family_name_is_not_a_rare_given_name(void **state) {
    (void)state;
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    char id[16];
    static const char *const given[] = {"Ahmad", "Mohammad", "Ali", "Reza"};
    for (int i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "i%d", i);
        match_record r =
            person(id, given[i % 4], i % 2 ? "Sharifi" : "Karimi", 1980 + i % 20, 0, 0, "AF");
        assert_ok(match_index_add(ix, &r));
    }
    match_record a = person("a", "Sharifi", "Jawad", 1990, 0, 0, "AF");
    match_record b = person("b", "Omid", "Sharifi", 1990, 0, 0, "AF");
    mrec ra, rb;
    assert_ok(mrec_build(&a, &ra));
    assert_ok(mrec_build(&b, &rb));
    mcmp c;
    mcompare(&ra, &rb, &c);
    assert_true(c.swapped);
    double tg, tf;
    mix_tf(ix, &ra, &rb, &c, &tg, &tf);
    assert_true(tg < 0.5); /* Sharifi is the commonest family name here */
    mrec_clear(&ra);
    mrec_clear(&rb);
    match_index_free(ix);
}

static void test_day_month_swap_is_a_reason(void **state) {
    (void)state;
    match_record a = person("a", "Ali", "Rahimi", 1999, 3, 4, "AF");
    match_record b = person("b", "Ali", "Rahimi", 1999, 4, 3, "AF");
    assert_int_equal(date_level(a, b), DL_SWAP);
    match_candidate c = explain(a, b);
    assert_true(has_reason(&c, "birth_date_day_month_swapped"));
}

static void test_year_only_date_is_a_reason_not_a_disagreement(void **state) {
    (void)state;
    match_record a = person("a", "Mohammad", "Hussaini", 1999, 3, 14, "AF");
    match_record b = person("b", "Muhamed", "Husseini", 1999, 1, 1, "AF");
    match_record far = person("c", "Muhamed", "Husseini", 1980, 5, 5, "AF");
    match_candidate c = explain(a, b), d = explain(a, far);
    assert_true(has_reason(&c, "birth_year_equal_date_unknown"));
    assert_true(has_reason(&c, "family_name_phonetic"));
    assert_true(has_reason(&c, "given_name_phonetic"));
    assert_true(c.score > d.score);
}

static void test_swapped_names_are_detected(void **state) {
    (void)state;
    match_record a = person("a", "Mohammad", "Hussaini", 1999, 3, 14, "AF");
    match_record b = person("b", "HUSAINI", "MOHAMMAD", 1999, 3, 14, "AF");
    match_candidate c = explain(a, b);
    assert_true(has_reason(&c, "names_swapped"));
    assert_true(has_reason(&c, "given_name_equal"));
    assert_true(c.score > 0.9);
}

static void test_cyrillic_record_is_explained(void **state) {
    (void)state;
    match_record a = person("a", "Mohammad", "Hussaini", 1999, 3, 14, "AF");
    match_record b = person("b", "Мохамед", "Хусеини", 1999, 3, 14, "AF");
    match_candidate c = explain(a, b);
    assert_true(has_reason(&c, "name_other_script"));
    assert_true(c.score > 0.9);
}

static void test_missing_citizenship_is_not_disagreement(void **state) {
    (void)state;
    match_record a = person("a", "Farid", "Karimi", 1990, 6, 2, "AF");
    match_record unknown = person("b", "Farid", "Karimi", 1990, 6, 2, "");
    match_record other = person("c", "Farid", "Karimi", 1990, 6, 2, "PK");
    match_candidate cu = explain(a, unknown), co = explain(a, other);
    assert_true(has_reason(&cu, "citizenship_missing"));
    assert_true(has_reason(&co, "citizenship_differs"));
    assert_true(cu.score > co.score);
}

static void test_scores_are_probabilities(void **state) {
    (void)state;
    match_record a = person("a", "Mohammad", "Hussaini", 1999, 3, 14, "AF");
    match_record b = person("b", "Jean", "Nkurunziza", 1970, 1, 5, "BI");
    match_candidate same = explain(a, a), other = explain(a, b);
    assert_true(same.score <= 1.0 && same.score > 0.99);
    assert_true(other.score >= 0.0 && other.score < 0.01);
    assert_true(has_reason(&other, "family_name_differs"));
}

static void test_common_name_weighs_less(void **state) {
    (void)state;
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    char id[32];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "c%d", i);
        match_record r =
            person(id, "Mohammad", "Ahmadi", 1980 + i % 20, 1 + i % 12, 1 + i % 27, "AF");
        assert_ok(match_index_add(ix, &r));
    }
    /* Many other people, each with a name of their own. */
    static const char *const syl[] = {"ka", "ro", "mi", "ta", "ne", "zu", "ba", "lo", "fi", "de"};
    for (int i = 0; i < 600; i++) {
        char given[16], family[16];
        snprintf(id, sizeof id, "o%d", i);
        snprintf(given, sizeof given, "%s%s%s", syl[i % 10], syl[i / 10 % 10], syl[i / 100]);
        snprintf(family, sizeof family, "%s%s%s", syl[i / 100], syl[i % 10], syl[i / 10 % 10]);
        match_record r = person(id, given, family, 1970 + i % 30, 1 + i % 12, 1 + i % 27, "AF");
        assert_ok(match_index_add(ix, &r));
    }
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "r%d", i);
        match_record r = person(id, "Zabihullah", "Stanikzai", 1990 + i, 5, 5, "AF");
        assert_ok(match_index_add(ix, &r));
    }
    match_record common_a = person("x", "Mohammad", "Ahmadi", 1995, 1, 1, "AF");
    match_record common_b = person("y", "Mohammad", "Ahmadi", 1995, 1, 1, "AF");
    match_record rare_a = person("x", "Zabihullah", "Stanikzai", 1995, 1, 1, "AF");
    match_record rare_b = person("y", "Zabihullah", "Stanikzai", 1995, 1, 1, "AF");
    match_candidate cc, cr;
    assert_ok(match_index_explain(ix, &common_a, &common_b, &cc));
    assert_ok(match_index_explain(ix, &rare_a, &rare_b, &cr));
    assert_true(cr.score > cc.score);
    assert_true(has_reason(&cc, "given_name_common"));
    match_index_free(ix);
}

static int teardown(void **state) {
    (void)state;
    match_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_levels),
        cmocka_unit_test(test_year_slip_with_equal_day_and_month_is_its_own_level),
        cmocka_unit_test(test_names_one_edit_apart_are_close),
        cmocka_unit_test(test_native_name_is_compared_beside_latin_names),
        cmocka_unit_test(test_name_sketch_never_hides_a_similar_name),
        cmocka_unit_test(test_swapped_family_name_is_not_a_rare_given_name),
        cmocka_unit_test(test_day_month_swap_is_a_reason),
        cmocka_unit_test(test_year_only_date_is_a_reason_not_a_disagreement),
        cmocka_unit_test(test_swapped_names_are_detected),
        cmocka_unit_test(test_cyrillic_record_is_explained),
        cmocka_unit_test(test_missing_citizenship_is_not_disagreement),
        cmocka_unit_test(test_scores_are_probabilities),
        cmocka_unit_test(test_common_name_weighs_less),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
