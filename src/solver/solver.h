/* solver: a small mixed-integer linear programming interface over GLPK.
 *
 * A module that needs an optimal plan (interpreter scheduling today, other timetables
 * later) describes it as variables with bounds and an objective coefficient, and linear
 * rows (<=, >=, =), then solves with a time limit. The answer says whether it is proven
 * optimal, the best found when the time ran out, infeasible, or that no solution was found
 * in time; with the best objective found, the proven bound and the relative gap between
 * them. Nothing of GLPK shows through this header.
 *
 * A solver belongs to one thread at a time. GLPK keeps an environment per thread; it is
 * released when the last solver of the thread is freed, so server threads leak nothing. */
#ifndef HAVEN_SOLVER_SOLVER_H
#define HAVEN_SOLVER_SOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct solver solver;

typedef enum { SOLVER_MAXIMISE, SOLVER_MINIMISE } solver_sense;

typedef enum { SOLVER_LE, SOLVER_GE, SOLVER_EQ } solver_row_kind;

typedef enum {
    SOLVER_OPTIMAL = 1, /* proven optimal (within GLPK's integer tolerance) */
    SOLVER_TIME_LIMIT,  /* the time ran out: the best solution found so far is returned */
    SOLVER_NO_SOLUTION, /* the time ran out before any integer solution was found */
    SOLVER_INFEASIBLE,  /* no assignment of the variables meets every row */
    SOLVER_UNBOUNDED    /* the objective can grow without limit */
} solver_status;

typedef struct {
    solver_status status;
    double objective; /* of the returned solution (0 when there is none) */
    double bound;     /* best proven bound on the optimum (= objective when optimal) */
    double gap;       /* |bound - objective| / max(1, |objective|); 0 when optimal */
    double seconds;   /* wall time of solver_solve */
    int n_vars, n_rows;
} solver_result;

/* A new, empty model. Never fails (out of memory aborts, as mem_alloc does). */
solver *solver_new(solver_sense sense);

/* Frees the model; NULL is fine. */
void solver_free(solver *s);

/* Adds a 0/1 variable with its objective coefficient; returns its index (0, 1, ...). */
int solver_add_binary(solver *s, double objective);

/* Adds a variable in [lo, hi] (integer when integer is true); returns its index.
 * lo > hi is a programming error (assert). */
int solver_add_var(solver *s, double lo, double hi, bool integer, double objective);

/* Adds the row sum(coefs[k] * x[vars[k]]) kind rhs. A variable named twice in one row
 * has its coefficients added. ERR_INVALID (field "vars") for an index that is not a
 * variable of s; nothing is added then. n == 0 is allowed (a row of constants). */
herr *solver_add_row(solver *s, solver_row_kind kind, double rhs, size_t n, const int *vars,
                     const double *coefs);

/* Number of variables and rows so far. */
int solver_n_vars(const solver *s);
int solver_n_rows(const solver *s);

/* Offers a known feasible solution (one value per variable, n_vars of them) as the
 * starting incumbent of the next solve, so that a time limit never leaves less than
 * it. GLPK checks it and ignores it when it breaks a row. The values are copied. */
void solver_set_start(solver *s, const double *values);

/* Solves within time_limit seconds (> 0) with branch and bound after presolve.
 * The result's status tells what was found; only a failure of GLPK itself is an error
 * (ERR_INTERNAL). Afterwards solver_value reads the solution. */
herr *solver_solve(solver *s, double time_limit, solver_result *out);

/* Value of variable var in the last solution (integers rounded); 0 when there is none. */
double solver_value(const solver *s, int var);

/* Stable name of a status: "optimal", "time_limit", "no_solution", "infeasible",
 * "unbounded". */
const char *solver_status_name(solver_status status);

#endif
