/* The MILP wrapper over GLPK: known optima of tiny models, an infeasible model, rows
 * with a repeated variable, bad indices, and a model too hard for its time limit that
 * still returns its best solution with a valid bound. */
#include <math.h>
#include <stdlib.h>

#include "solver/solver.h"
#include "testutil.h"

static void test_knapsack_reaches_the_known_optimum(void **state) {
    (void)state;
    const double value[] = {10, 13, 7, 8}, weight[] = {5, 6, 3, 4};
    solver *s = solver_new(SOLVER_MAXIMISE);
    int x[4];
    for (int i = 0; i < 4; i++) x[i] = solver_add_binary(s, value[i]);
    assert_ok(solver_add_row(s, SOLVER_LE, 10, 4, x, weight));
    solver_result r;
    assert_ok(solver_solve(s, 5, &r));
    assert_int_equal(r.status, SOLVER_OPTIMAL);
    assert_true(fabs(r.objective - 21) < 1e-6); /* items 1 and 3: 13 + 8 */
    assert_true(fabs(r.bound - 21) < 1e-6);
    assert_true(r.gap == 0);
    assert_true(solver_value(s, x[0]) == 0 && solver_value(s, x[1]) == 1);
    assert_true(solver_value(s, x[2]) == 0 && solver_value(s, x[3]) == 1);
    assert_string_equal(solver_status_name(r.status), "optimal");
    solver_free(s);
}

static void test_assignment_minimises_cost(void **state) {
    (void)state;
    const double cost[3][3] = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    solver *s = solver_new(SOLVER_MINIMISE);
    int x[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) x[i][j] = solver_add_binary(s, cost[i][j]);
    const double ones[3] = {1, 1, 1};
    for (int i = 0; i < 3; i++) {
        int row[3] = {x[i][0], x[i][1], x[i][2]};
        int col[3] = {x[0][i], x[1][i], x[2][i]};
        assert_ok(solver_add_row(s, SOLVER_EQ, 1, 3, row, ones));
        assert_ok(solver_add_row(s, SOLVER_EQ, 1, 3, col, ones));
    }
    assert_int_equal(solver_n_vars(s), 9);
    assert_int_equal(solver_n_rows(s), 6);
    solver_result r;
    assert_ok(solver_solve(s, 5, &r));
    assert_int_equal(r.status, SOLVER_OPTIMAL);
    assert_true(fabs(r.objective - 5) < 1e-6);
    assert_true(solver_value(s, x[0][1]) == 1);
    assert_true(solver_value(s, x[1][0]) == 1);
    assert_true(solver_value(s, x[2][2]) == 1);
    solver_free(s);
}

static void test_infeasible_model_is_reported(void **state) {
    (void)state;
    solver *s = solver_new(SOLVER_MAXIMISE);
    int x[2] = {solver_add_binary(s, 1), solver_add_binary(s, 1)};
    const double ones[2] = {1, 1};
    assert_ok(solver_add_row(s, SOLVER_GE, 3, 2, x, ones));
    solver_result r;
    assert_ok(solver_solve(s, 5, &r));
    assert_int_equal(r.status, SOLVER_INFEASIBLE);
    assert_true(solver_value(s, x[0]) == 0);
    solver_free(s);

    /* With no variables at all, a row of constants decides. */
    s = solver_new(SOLVER_MAXIMISE);
    assert_ok(solver_add_row(s, SOLVER_GE, 1, 0, NULL, NULL));
    assert_ok(solver_solve(s, 5, &r));
    assert_int_equal(r.status, SOLVER_INFEASIBLE);
    solver_free(s);
}

static void test_repeated_variable_in_a_row_adds_up(void **state) {
    (void)state;
    solver *s = solver_new(SOLVER_MAXIMISE);
    int x = solver_add_var(s, 0, 10, true, 1);
    /* x + x <= 7 means x <= 3 in integers. */
    int vars[2] = {x, x};
    const double coefs[2] = {1, 1};
    assert_ok(solver_add_row(s, SOLVER_LE, 7, 2, vars, coefs));
    solver_result r;
    assert_ok(solver_solve(s, 5, &r));
    assert_int_equal(r.status, SOLVER_OPTIMAL);
    assert_true(solver_value(s, x) == 3);
    solver_free(s);
}

static void test_unknown_variable_is_refused(void **state) {
    (void)state;
    solver *s = solver_new(SOLVER_MAXIMISE);
    int x = solver_add_binary(s, 1);
    int vars[2] = {x, 7};
    const double coefs[2] = {1, 1};
    assert_err(solver_add_row(s, SOLVER_LE, 1, 2, vars, coefs), ERR_INVALID, "vars");
    assert_int_equal(solver_n_rows(s), 0);
    solver_free(s);
}

/* A market split instance (Cornuejols and Dawande): a few equality rows over many
 * binaries, with slack so that any choice is feasible; branch and bound needs far more
 * than the quarter second it is given. */
static void test_time_limit_returns_the_best_found_and_a_bound(void **state) {
    (void)state;
    enum { M = 6, N = 50 };
    uint64_t seed = 12345;
    solver *s = solver_new(SOLVER_MINIMISE);
    int x[N];
    for (int j = 0; j < N; j++) x[j] = solver_add_binary(s, 0);
    for (int i = 0; i < M; i++) {
        int vars[N + 2];
        double coefs[N + 2], sum = 0;
        for (int j = 0; j < N; j++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            coefs[j] = (double)((seed >> 33) % 100);
            vars[j] = x[j];
            sum += coefs[j];
        }
        vars[N] = solver_add_var(s, 0, 1e6, true, 1);     /* over */
        vars[N + 1] = solver_add_var(s, 0, 1e6, true, 1); /* under */
        coefs[N] = -1;
        coefs[N + 1] = 1;
        assert_ok(solver_add_row(s, SOLVER_EQ, floor(sum / 2), N + 2, vars, coefs));
    }
    solver_result r;
    assert_ok(solver_solve(s, 0.25, &r));
    assert_true(r.status == SOLVER_TIME_LIMIT || r.status == SOLVER_NO_SOLUTION);
    assert_true(r.seconds < 3);
    if (r.status == SOLVER_TIME_LIMIT) {
        assert_true(r.bound <= r.objective + 1e-6);
        assert_true(r.gap >= 0);
    }

    /* Offered a start (nothing chosen, the slack taking up each row), the search
     * always has a solution at the time limit, at least as good as the start. */
    int n = solver_n_vars(s);
    double *start = calloc((size_t)n, sizeof *start);
    double start_cost = 0;
    seed = 12345;
    for (int i = 0; i < M; i++) {
        double sum = 0;
        for (int j = 0; j < N; j++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            sum += (double)((seed >> 33) % 100);
        }
        start[N + 2 * i + 1] = floor(sum / 2); /* under = rhs */
        start_cost += floor(sum / 2);
    }
    solver_set_start(s, start);
    free(start);
    assert_ok(solver_solve(s, 0.25, &r));
    assert_int_equal(r.status, SOLVER_TIME_LIMIT);
    assert_true(r.objective <= start_cost + 1e-6);
    assert_true(r.bound <= r.objective + 1e-6);
    assert_string_equal(solver_status_name(SOLVER_TIME_LIMIT), "time_limit");
    solver_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knapsack_reaches_the_known_optimum),
        cmocka_unit_test(test_assignment_minimises_cost),
        cmocka_unit_test(test_infeasible_model_is_reported),
        cmocka_unit_test(test_repeated_variable_in_a_row_adds_up),
        cmocka_unit_test(test_unknown_variable_is_refused),
        cmocka_unit_test(test_time_limit_returns_the_best_found_and_a_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
