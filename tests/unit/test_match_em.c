/* Estimation of the Fellegi-Sunter model by EM. */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/mem.h"
#include "match/match_internal.h"
#include "match/match_ix.h"

/* Expected pattern counts of n pairs drawn from a known model. */
static void expected_counts(const mmodel *truth, double n, double *counts) {
    for (int p = 0; p < MPATTERNS; p++) {
        mcmp c;
        mpattern_levels(p, &c);
        double pm = truth->lambda, pu = 1 - truth->lambda;
        for (int k = 0; k < MF_COUNT; k++) {
            int missing = mlevel_count[k] - 1;
            /* 5% of each field missing, the same for both classes. */
            if (c.lv[k] == missing) {
                pm *= 0.05;
                pu *= 0.05;
            } else {
                pm *= 0.95 * truth->m[k][c.lv[k]];
                pu *= 0.95 * truth->u[k][c.lv[k]];
            }
        }
        counts[p] = n * (pm + pu);
    }
}

static void test_em_recovers_m_u_and_lambda_from_synthetic_patterns(void **state) {
    (void)state;
    mmodel truth, fit;
    mmodel_default(&truth);
    /* A population unlike the prior: more exact names, more year-only dates. */
    const double gm[] = {0.70, 0.15, 0.06, 0.02, 0.02, 0.05};
    const double gu[] = {0.02, 0.02, 0.03, 0.01, 0.02, 0.90};
    const double dm[] = {0.20, 0.30, 0.20, 0.02, 0.04, 0.02, 0.05, 0.12, 0.03, 0.02};
    const double du[] = {0.001, 0.02, 0.03, 0.0004, 0.004, 0.02, 0.0002, 0.03, 0.04, 0.8544};
    memcpy(truth.m[MF_GIVEN], gm, sizeof gm);
    memcpy(truth.u[MF_GIVEN], gu, sizeof gu);
    memcpy(truth.m[MF_DATE], dm, sizeof dm);
    memcpy(truth.u[MF_DATE], du, sizeof du);
    truth.lambda = 0.2;
    double *counts = mem_alloc(MPATTERNS * sizeof *counts);
    expected_counts(&truth, 1e6, counts);
    mmodel_default(&fit);
    unsigned all = (1u << MF_COUNT) - 1;
    mmodel_em(&fit, counts, all, all, true, 2000);
    assert_float_equal(fit.lambda, truth.lambda, 0.01);
    for (int k = 0; k < MF_COUNT; k++)
        for (int l = 0; l < mlevel_count[k] - 1; l++) {
            assert_float_equal(fit.m[k][l], truth.m[k][l], 0.02);
            assert_float_equal(fit.u[k][l], truth.u[k][l], 0.02);
        }
    mem_free(counts);
}

/* True m (over every pair of one person's records) and u (over random pairs of two
 * people) of the generated data, against what training estimated without the truth. */
static void test_training_recovers_m_and_u_of_generated_data(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_ok(match_demo_generate(6000, 11, &d));
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    for (size_t i = 0; i < d->n; i++) assert_ok(match_index_add(ix, &d->recs[i]));
    assert_ok(match_index_train(ix));
    assert_true(ix->model.trained);
    mrec *r = mem_alloc(d->n * sizeof *r);
    for (size_t i = 0; i < d->n; i++) assert_ok(mrec_build(&d->recs[i], &r[i]));
    double m[MF_COUNT][MLEVELS_MAX] = {{0}}, u[MF_COUNT][MLEVELS_MAX] = {{0}};
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = i + 1; j < d->n; j++) {
            bool same = d->person[i] == d->person[j];
            if (!same && (i * 7919 + j) % 97 != 0) continue; /* a sample of non-matches */
            mcmp c;
            mcompare(&r[i], &r[j], &c);
            for (int k = 0; k < MF_COUNT; k++) (same ? m : u)[k][c.lv[k]] += 1;
        }
    const int fields[] = {MF_GIVEN, MF_FAMILY, MF_DATE, MF_CIT};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        int k = fields[f];
        double tm = 0, tu = 0;
        for (int l = 0; l < mlevel_count[k] - 1; l++) tm += m[k][l], tu += u[k][l];
        for (int l = 0; l < mlevel_count[k] - 1; l++) {
            double em = ix->model.m[k][l], eu = ix->model.u[k][l];
            if (fabs(em - m[k][l] / tm) > 0.06 || fabs(eu - u[k][l] / tu) > 0.02)
                print_error("field %d level %d: m %.3f (true %.3f) u %.4f (true %.4f)\n", k, l, em,
                            m[k][l] / tm, eu, u[k][l] / tu);
            assert_float_equal(em, m[k][l] / tm, 0.06);
            assert_float_equal(eu, u[k][l] / tu, 0.02);
        }
    }
    double t = match_default_threshold(ix);
    assert_true(t > 0.0 && t < 1.0);
    for (size_t i = 0; i < d->n; i++) mrec_clear(&r[i]);
    mem_free(r);
    match_index_free(ix);
    match_demo_free(d);
}

/* Names go with origin: among namesakes (different people sharing both names)
 * citizenship agrees far more often than between random people, so training gives an
 * agreeing citizenship less weight once the names agree. */
static void test_citizenship_weighs_less_when_the_names_agree(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_ok(match_demo_generate(6000, 11, &d));
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    for (size_t i = 0; i < d->n; i++) assert_ok(match_index_add(ix, &d->recs[i]));
    assert_ok(match_index_train(ix));
    const mmodel *m = &ix->model;
    assert_true(m->un[MF_CIT][BL_AGREE] > m->u[MF_CIT][BL_AGREE]);
    assert_true(m->wn[MF_CIT][BL_AGREE] < m->w[MF_CIT][BL_AGREE] - 0.5);
    assert_true(m->wn[MF_CIT][BL_AGREE] >= 0);
    /* Namesakes of one origin spell alike: among them an exact spelling is less of a
     * coincidence than among random pairs, a phonetic one more. The date weighs the
     * same either way. */
    assert_true(m->wn[MF_GIVEN][NL_EXACT] < m->w[MF_GIVEN][NL_EXACT]);
    assert_true(m->wn[MF_GIVEN][NL_PHONETIC] > m->w[MF_GIVEN][NL_PHONETIC]);
    assert_float_equal(m->wn[MF_DATE][DL_EXACT], m->w[MF_DATE][DL_EXACT], 1e-12);
    /* Records sharing a name pair few others have are mostly one person's; a pair
     * shared by many records is mostly namesakes'. */
    assert_true(m->lambda_names[0] > 0.3);
    assert_true(m->lambda_names[0] > m->lambda_names[3]);
    match_index_free(ix);
    match_demo_free(d);
}

/* Adjustments for a new record with these names against the indexed record `id`
 * (which has them too). */
static double both_names_tf(match_index *ix, const char *given, const char *family, const char *id,
                            double *marginal) {
    match_record r = {.id = "q", .given_name = given, .family_name = family};
    mrec q;
    assert_ok(mrec_build(&r, &q));
    const mrec *b = &ix->recs[ix->ids.t[mix_find_id(ix, id)].val];
    mcmp c;
    mcompare(&q, b, &c);
    double tg, tf, joint = mix_tf(ix, &q, b, &c, &tg, &tf);
    *marginal = tg + tf;
    mrec_clear(&q);
    return joint;
}

/* Two names that always come together (one family, one origin) weigh as one name
 * seen that often, not as two coincidences; two names that meet by chance keep the sum
 * of their frequency adjustments. */
static void test_names_that_go_together_weigh_as_a_pair(void **state) {
    (void)state;
    static const char *const given[] = {"Jawad", "Farid", "Omid",  "Bilal", "Nasir",
                                        "Karim", "Zaher", "Hamid", "Wahid", "Samir"};
    static const char *const family[] = {"Rahimi",  "Noori",  "Safi",  "Ahmadi", "Hakimi",
                                         "Sultani", "Qaderi", "Amiri", "Naseri", "Rasuli"};
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    char id[16];
    int k = 0;
    /* Every given name with every family name, three times: names independent. */
    for (int rep = 0; rep < 3; rep++)
        for (int g = 0; g < 10; g++)
            for (int f = 0; f < 10; f++) {
                snprintf(id, sizeof id, "i%d", k++);
                match_record r = {.id = id, .given_name = given[g], .family_name = family[f]};
                assert_ok(match_index_add(ix, &r));
            }
    /* Yoandri and Perez: rare names, and always together. */
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "c%d", i);
        match_record r = {.id = id, .given_name = "Yoandri", .family_name = "Perez"};
        assert_ok(match_index_add(ix, &r));
    }
    double marginal, joint = both_names_tf(ix, "Jawad", "Rahimi", "i0", &marginal);
    assert_float_equal(joint, marginal, 0.3);
    joint = both_names_tf(ix, "Yoandri", "Perez", "c0", &marginal);
    assert_true(marginal > 1.0);         /* each name alone is rare ... */
    assert_true(joint < marginal - 2.0); /* ... but the pair is as common as any pair */
    match_index_free(ix);
}

/* The frequency of a name counts the people other than the two compared: a pair
 * scores the same whether its first record is already indexed (batch deduplication)
 * or is asked about as a new registration, and two records that alone carry a name
 * pair have it as unique. */
static void test_pair_scores_alike_indexed_or_queried(void **state) {
    (void)state;
    static const char *const given[] = {"Jawad", "Farid", "Omid", "Bilal", "Nasir"};
    static const char *const family[] = {"Rahimi", "Noori", "Safi", "Ahmadi", "Hakimi"};
    match_index *with = NULL, *without = NULL;
    assert_ok(match_index_new(&with));
    assert_ok(match_index_new(&without));
    char id[16];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "i%d", i);
        match_record r = {.id = id,
                          .given_name = given[i % 5],
                          .family_name = family[i / 5 % 5],
                          .citizenship = "AF",
                          .birth_year = 1980 + i % 20};
        assert_ok(match_index_add(with, &r));
        assert_ok(match_index_add(without, &r));
    }
    match_record a = {.id = "a",
                      .given_name = "Zabihullah",
                      .family_name = "Qaderi",
                      .citizenship = "AF",
                      .birth_year = 1990};
    match_record b = {.id = "b",
                      .given_name = "Zabihulla",
                      .family_name = "Qadiri",
                      .citizenship = "AF",
                      .birth_year = 1990};
    assert_ok(match_index_add(with, &a));
    assert_ok(match_index_add(with, &b));
    assert_ok(match_index_add(without, &b));
    mrec ra, rb;
    assert_ok(mrec_build(&a, &ra));
    assert_ok(mrec_build(&b, &rb));
    mcmp c;
    mcompare(&ra, &rb, &c);
    assert_true(mcmp_names_agree(&c));
    const mrec *wb = &without->recs[without->ids.t[mix_find_id(without, "b")].val];
    double tg, tf, queried = mix_tf(without, &ra, wb, &c, &tg, &tf);
    const mrec *ia = &with->recs[with->ids.t[mix_find_id(with, "a")].val];
    const mrec *ib = &with->recs[with->ids.t[mix_find_id(with, "b")].val];
    double indexed = mix_tf(with, ia, ib, &c, &tg, &tf);
    /* The index that holds a has one more record; nothing else may differ. */
    assert_float_equal(queried, indexed, 0.05);
    assert_true(queried > 2.0); /* nobody else is called so */
    mrec_clear(&ra);
    mrec_clear(&rb);
    match_index_free(with);
    match_index_free(without);
}

/* Yoandri is rare among all arrivals but not among Cubans: when both records say
 * Cuban, the name's frequency among Cubans is what counts. */
static void test_name_frequency_is_read_within_an_agreeing_citizenship(void **state) {
    (void)state;
    static const char *const af[] = {"Jawad", "Farid", "Omid", "Bilal", "Nasir", "Karim"};
    static const char *const cu[] = {"Perez", "Garcia", "Rodriguez", "Lopez", "Diaz"};
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    char id[16];
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "a%d", i);
        match_record r = {
            .id = id, .given_name = af[i % 6], .family_name = "Rahimi", .citizenship = "AF"};
        assert_ok(match_index_add(ix, &r));
    }
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "c%d", i);
        match_record r = {
            .id = id, .given_name = "Yoandri", .family_name = cu[i % 5], .citizenship = "CU"};
        assert_ok(match_index_add(ix, &r));
    }
    match_record r = {
        .id = "q", .given_name = "Yoandri", .family_name = "Perez", .citizenship = "CU"};
    mrec q;
    assert_ok(mrec_build(&r, &q));
    mcmp c = {.lv = {NL_EXACT, NL_DIFF, DL_MISSING, BL_MISSING, BL_AGREE}};
    double tg_cit, tg_all, tf;
    mix_tf(ix, &q, &q, &c, &tg_cit, &tf);
    c.lv[MF_CIT] = BL_MISSING;
    mix_tf(ix, &q, &q, &c, &tg_all, &tf);
    assert_true(tg_all > 1.0);          /* rare among everyone */
    assert_true(tg_cit < tg_all - 2.0); /* every Cuban here is a Yoandri */
    mrec_clear(&q);
    match_index_free(ix);
}

/* With calibrated posteriors 10 x 0.9, 10 x 0.5 and 100 x 0.1, predicting the first
 * twenty gives the best expected F1 (28/44): the cut falls between 0.5 and 0.1. */
static void test_default_threshold_maximises_expected_f1(void **state) {
    (void)state;
    double p[120];
    for (int i = 0; i < 120; i++) p[i] = i < 100 ? 0.1 : i < 110 ? 0.5 : 0.9;
    double t = mthreshold_expected_f1(p, 120);
    assert_true(t > 0.1 && t < 0.5);
    for (int i = 0; i < 120; i++) p[i] = i < 100 ? 0.1 : 0.95; /* clear cases: cut lower */
    t = mthreshold_expected_f1(p, 120);
    assert_true(t > 0.1 && t < 0.95);
    assert_float_equal(mthreshold_expected_f1(p, 0), 0.5, 1e-12);
}

typedef struct {
    match_index *ix;
    atomic_int training;
    int during;
} train_race;

static void *query_while_training(void *p) {
    train_race *t = p;
    match_record q = {.given_name = "Mohammad", .family_name = "Ahmadi", .birth_year = 1995};
    while (atomic_load(&t->training) != 2) {
        int before = atomic_load(&t->training);
        match_candidate *c = NULL;
        size_t n = 0;
        herr *e = match_index_query(t->ix, &q, 0.5, 5, &c, &n);
        err_free(e);
        mem_free(c);
        if (before == 1 && atomic_load(&t->training) == 1) t->during++;
    }
    return NULL;
}

/* Training reads a bounded random sample of pairs under the shared lock: queries are
 * answered while it runs, and its work does not grow with the index. */
static void test_training_samples_and_lets_queries_run(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_ok(match_demo_generate(20000, 13, &d));
    train_race t = {0};
    assert_ok(match_index_new(&t.ix));
    for (size_t i = 0; i < d->n; i++) assert_ok(match_index_add(t.ix, &d->recs[i]));
    pthread_t q;
    pthread_create(&q, NULL, query_while_training, &t);
    atomic_store(&t.training, 1);
    assert_ok(match_index_train(t.ix));
    atomic_store(&t.training, 2);
    pthread_join(q, NULL);
    assert_true(t.during > 0);
    assert_true(t.ix->model.trained);
    assert_true(t.ix->model.train_pairs <= 3 * 300000 + 400000);
    match_index_free(t.ix);
    match_demo_free(d);
}

static void test_untrained_index_keeps_the_prior(void **state) {
    (void)state;
    match_index *ix = NULL;
    assert_ok(match_index_new(&ix));
    match_record a = {.id = "a", .given_name = "Ali", .family_name = "Karimi"};
    assert_ok(match_index_add(ix, &a));
    assert_ok(match_index_train(ix)); /* too few records: nothing to learn */
    assert_false(ix->model.trained);
    assert_float_equal(match_default_threshold(ix), 0.5, 1e-9);
    match_index_free(ix);
}

static int teardown(void **state) {
    (void)state;
    match_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_em_recovers_m_u_and_lambda_from_synthetic_patterns),
        cmocka_unit_test(test_training_recovers_m_and_u_of_generated_data),
        cmocka_unit_test(test_citizenship_weighs_less_when_the_names_agree),
        cmocka_unit_test(test_names_that_go_together_weigh_as_a_pair),
        cmocka_unit_test(test_pair_scores_alike_indexed_or_queried),
        cmocka_unit_test(test_name_frequency_is_read_within_an_agreeing_citizenship),
        cmocka_unit_test(test_default_threshold_maximises_expected_f1),
        cmocka_unit_test(test_training_samples_and_lets_queries_run),
        cmocka_unit_test(test_untrained_index_keeps_the_prior),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
