/* The interpretation planner's rules on plain data: no double booking, the gender
 * requirement, availability, modes, travel time between sites, priority, continuity,
 * locked assignments, the reasons and nearest free slot of what stays unserved, and a
 * case where first-come leaves a request unserved that the solver serves. */
#include <string.h>

#include "core/clock.h"
#include "interpreting/interpreting.h"
#include "testutil.h"

#define H 3600
static int64_t day0; /* Monday 2026-12-07 00:00 UTC */
static int64_t at(int day, int hour) { return day0 + (int64_t)day * 86400 + (int64_t)hour * H; }

static const int travel[4] = {0, 120, 120, 0}; /* two sites, two hours apart */

typedef struct {
    interp_interpreter in[4];
    interp_span spans[4][2];
    interp_request rq[4];
    interp_problem p;
} fx;

static const char *const AR[] = {"ar"}, *const AR_PS[] = {"ar", "ps"}, *const FA[] = {"fa"};
static const int SITE0[] = {0}, SITE1[] = {1}, BOTH[] = {0, 1};

static void interpreter(fx *f, int i, const char *name, char gender, const char *const *langs,
                        size_t n_langs, const int *sites, size_t n_sites, unsigned remote,
                        int64_t from, int64_t to) {
    f->spans[i][0] = (interp_span){from, to};
    f->in[i] =
        (interp_interpreter){name, gender, langs, n_langs, sites, n_sites, remote, f->spans[i], 1};
    if ((size_t)i + 1 > f->p.n_interpreters) f->p.n_interpreters = (size_t)i + 1;
}

static void request(fx *f, int i, const char *lang, int site, int64_t from, int64_t to, int minutes,
                    unsigned modes, int priority) {
    f->rq[i] = (interp_request){lang, 0, site, from, to, minutes, modes, priority, -1, -1, 0, 0};
    if ((size_t)i + 1 > f->p.n_requests) f->p.n_requests = (size_t)i + 1;
}

static void setup(fx *f) {
    memset(f, 0, sizeof *f);
    day0 = clock_days_from_civil(2026, 12, 7) * 86400;
    f->p = (interp_problem){f->in, 0, f->rq, 0, travel, 2};
}

static void test_no_double_booking_and_nearest_free_slot(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 12));
    for (int i = 0; i < 3; i++)
        request(&f, i, "ar", 0, at(0, 9), at(0, 11), 60, INTERP_IN_PERSON, 3);
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 2);
    assert_int_equal(plan.solver.status, SOLVER_OPTIMAL);
    int64_t starts[2];
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (plan.choices[i].interpreter >= 0) starts[n++] = plan.choices[i].start;
    assert_true(starts[0] != starts[1]);
    interp_choice *left = plan.choices[2].interpreter < 0   ? &plan.choices[2]
                          : plan.choices[1].interpreter < 0 ? &plan.choices[1]
                                                            : &plan.choices[0];
    assert_int_equal(left->reason, INTERP_ALL_BOOKED);
    assert_string_equal(interp_reason_code(left->reason), "all_booked");
    assert_int_equal(left->nearest, 0);
    assert_true(left->nearest_start == at(0, 11)); /* free at 11:00, after the window */
    interp_plan_clear(&plan);

    /* A 90-minute request takes two whole slots: one fits in 9-12 beside nothing else. */
    request(&f, 0, "ar", 0, at(0, 9), at(0, 12), 90, INTERP_IN_PERSON, 3);
    request(&f, 1, "ar", 0, at(0, 9), at(0, 12), 90, INTERP_IN_PERSON, 3);
    f.p.n_requests = 2;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 1);
    interp_plan_clear(&plan);
}

static void test_gender_requirement_is_respected(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Omar", 'M', FA, 1, SITE0, 1, INTERP_VIDEO, at(0, 8), at(0, 16));
    request(&f, 0, "fa", 0, at(0, 9), at(0, 12), 60, INTERP_IN_PERSON | INTERP_VIDEO, 5);
    f.rq[0].gender = 'F';
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 0);
    assert_int_equal(plan.choices[0].reason, INTERP_NO_GENDER);
    interp_plan_clear(&plan);

    interpreter(&f, 1, "Mina", 'F', FA, 1, SITE1, 1, INTERP_VIDEO, at(0, 8), at(0, 16));
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 1);
    assert_int_equal(plan.choices[0].interpreter, 1);
    assert_int_equal(plan.choices[0].mode, INTERP_VIDEO); /* Mina does not reach site 0 */
    interp_plan_clear(&plan);
}

static void test_availability_is_respected(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(1, 10), at(1, 12));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 12), 60, INTERP_IN_PERSON, 3);
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 0);
    assert_int_equal(plan.choices[0].reason, INTERP_NOT_AVAILABLE);
    assert_int_equal(plan.choices[0].nearest, 0);
    assert_true(plan.choices[0].nearest_start == at(1, 10)); /* Tuesday 10:00 */
    interp_plan_clear(&plan);

    /* Free 10-12 and a window of 9-12: only 10:00 and 11:00 may start. */
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 10), at(0, 12));
    assert_ok(interp_plan_greedy(&f.p, &plan));
    assert_true(plan.choices[0].start == at(0, 10));
    interp_plan_clear(&plan);
}

static void test_modes_and_sites_are_respected(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, INTERP_PHONE, at(0, 8), at(0, 16));
    request(&f, 0, "ar", 1, at(0, 9), at(0, 12), 60, INTERP_IN_PERSON | INTERP_VIDEO, 3);
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].reason, INTERP_NO_MODE);
    interp_plan_clear(&plan);
    f.rq[0].modes |= INTERP_PHONE;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].interpreter, 0);
    assert_int_equal(plan.choices[0].mode, INTERP_PHONE);
    interp_plan_clear(&plan);
    /* In person is preferred where both are possible. */
    f.rq[0].site = 0;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].mode, INTERP_IN_PERSON);
    interp_plan_clear(&plan);
}

static void test_travel_time_between_sites_is_kept(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, BOTH, 2, 0, at(0, 8), at(0, 18));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 3);
    request(&f, 1, "ar", 1, at(0, 10), at(0, 14), 60, INTERP_IN_PERSON, 3);
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 2);
    assert_true(plan.choices[1].start == at(0, 12)); /* ends 10:00, two hours' drive */
    interp_plan_clear(&plan);
    assert_ok(interp_plan_greedy(&f.p, &plan));
    assert_true(plan.choices[1].start == at(0, 12));
    interp_plan_clear(&plan);

    /* Too close: the second must finish by 12:00 and cannot. */
    f.rq[1].latest = at(0, 12);
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 1);
    interp_plan_clear(&plan);
    /* The same site needs no travel. */
    f.rq[1].site = 0;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.served, 2);
    interp_plan_clear(&plan);
}

static void test_first_come_leaves_one_unserved_the_solver_serves_all(void **state) {
    (void)state;
    fx f;
    setup(&f);
    /* Ahmad speaks Arabic and Pashto, Zoran Arabic only; each has one free hour. */
    interpreter(&f, 0, "Ahmad K.", 'M', AR_PS, 2, SITE0, 1, 0, at(0, 9), at(0, 10));
    interpreter(&f, 1, "Zoran", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 10));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 3);
    request(&f, 1, "ps", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 3);
    interp_plan greedy, best;
    assert_ok(interp_plan_greedy(&f.p, &greedy));
    assert_ok(interp_plan_solve(&f.p, 5, &best));
    assert_int_equal(greedy.served, 1);
    assert_int_equal(greedy.choices[1].interpreter, -1);
    assert_int_equal(greedy.choices[1].reason, INTERP_ALL_BOOKED);
    assert_int_equal(best.served, 2);
    assert_int_equal(best.choices[0].interpreter, 1);
    assert_int_equal(best.choices[1].interpreter, 0);
    assert_int_equal(best.priority_served, 6);
    assert_int_equal(best.priority_total, 6);
    interp_plan_clear(&greedy);
    interp_plan_clear(&best);
}

static void test_priority_wins_over_first_come(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 10));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 1);
    request(&f, 1, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 5);
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[1].interpreter, 0);
    assert_int_equal(plan.choices[0].interpreter, -1);
    assert_int_equal(plan.priority_served, 5);
    interp_plan_clear(&plan);
}

static void test_continuity_prefers_the_earlier_interpreter(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 12));
    interpreter(&f, 1, "Zoran", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 12));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 12), 60, INTERP_IN_PERSON, 3);
    f.rq[0].preferred = 1;
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].interpreter, 1);
    interp_plan_clear(&plan);
    f.rq[0].preferred = 0;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].interpreter, 0);
    interp_plan_clear(&plan);
    /* One who declined the request is not offered it again, by either planner. */
    static const int ahmad[] = {0};
    f.rq[0].declined = ahmad;
    f.rq[0].n_declined = 1;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].interpreter, 1);
    interp_plan_clear(&plan);
    assert_ok(interp_plan_greedy(&f.p, &plan));
    assert_int_equal(plan.choices[0].interpreter, 1);
    interp_plan_clear(&plan);
}

static void test_locked_assignment_is_kept_and_clashes_refused(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 10));
    interpreter(&f, 1, "Zoran", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 10));
    request(&f, 0, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 1);
    request(&f, 1, "ar", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 5);
    f.rq[0].locked_interpreter = 0; /* a low priority, but set by hand */
    f.rq[0].locked_start = at(0, 9);
    f.rq[0].locked_mode = INTERP_IN_PERSON;
    interp_plan plan;
    assert_ok(interp_plan_solve(&f.p, 5, &plan));
    assert_int_equal(plan.choices[0].interpreter, 0);
    assert_int_equal(plan.choices[1].interpreter, 1);
    interp_plan_clear(&plan);
    f.rq[1].locked_interpreter = 0;
    f.rq[1].locked_start = at(0, 9);
    f.rq[1].locked_mode = INTERP_VIDEO;
    assert_err(interp_plan_solve(&f.p, 5, &plan), ERR_CONFLICT, "interpreter_id");
    assert_err(interp_plan_greedy(&f.p, &plan), ERR_CONFLICT, "interpreter_id");
}

static void test_unknown_language_and_bad_requests(void **state) {
    (void)state;
    fx f;
    setup(&f);
    interpreter(&f, 0, "Ahmad K.", 'M', AR, 1, SITE0, 1, 0, at(0, 9), at(0, 10));
    request(&f, 0, "ps", 0, at(0, 9), at(0, 10), 60, INTERP_IN_PERSON, 3);
    interp_plan plan;
    assert_ok(interp_plan_greedy(&f.p, &plan));
    assert_int_equal(plan.choices[0].reason, INTERP_NO_LANGUAGE);
    assert_int_equal(plan.choices[0].nearest, -1);
    interp_plan_clear(&plan);
    f.rq[0].priority = 9;
    assert_err(interp_plan_solve(&f.p, 5, &plan), ERR_INVALID, "priority");
    f.rq[0].priority = 3;
    f.rq[0].site = 7;
    assert_err(interp_plan_solve(&f.p, 5, &plan), ERR_INVALID, "site_id");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_double_booking_and_nearest_free_slot),
        cmocka_unit_test(test_gender_requirement_is_respected),
        cmocka_unit_test(test_availability_is_respected),
        cmocka_unit_test(test_modes_and_sites_are_respected),
        cmocka_unit_test(test_travel_time_between_sites_is_kept),
        cmocka_unit_test(test_first_come_leaves_one_unserved_the_solver_serves_all),
        cmocka_unit_test(test_priority_wins_over_first_come),
        cmocka_unit_test(test_continuity_prefers_the_earlier_interpreter),
        cmocka_unit_test(test_locked_assignment_is_kept_and_clashes_refused),
        cmocka_unit_test(test_unknown_language_and_bad_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
