/* The GLPK side of solver.h. The model goes straight into a glp_prob as it is built;
 * rows are checked (indices in range, repeated variables merged) before GLPK sees them,
 * because GLPK aborts the process on a malformed row rather than returning an error.
 *
 * The bound: GLPK does not report the best bound after glp_intopt returns, so a callback
 * records it from the search tree each time a node is selected. Before the tree exists
 * the bound is the trivial one (each variable at its best end), which is always valid. */
#include "solver/solver.h"

#include <assert.h>
#include <glpk.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"

struct solver {
    glp_prob *lp;
    solver_sense sense;
    int n_vars, n_rows;
    int *pos;     /* per variable: its place in the row being added, or -1 */
    int *row_ind; /* scratch for one row, 1-based as GLPK wants */
    double *row_val;
    size_t row_cap;
    double trivial_bound;
    bool has_solution;
    double *values; /* the last solution, n_vars entries */
    double *start;  /* a starting solution, 1-based as GLPK wants, or NULL */
};

/* GLPK's environment is per thread; it is freed when the thread's last solver goes. */
static _Thread_local int live_solvers;

solver *solver_new(solver_sense sense) {
    solver *s = mem_alloc(sizeof *s);
    if (live_solvers++ == 0) glp_term_out(GLP_OFF);
    s->lp = glp_create_prob();
    s->sense = sense;
    glp_set_obj_dir(s->lp, sense == SOLVER_MAXIMISE ? GLP_MAX : GLP_MIN);
    return s;
}

void solver_free(solver *s) {
    if (!s) return;
    glp_delete_prob(s->lp);
    mem_free(s->pos);
    mem_free(s->row_ind);
    mem_free(s->row_val);
    mem_free(s->values);
    mem_free(s->start);
    mem_free(s);
    if (--live_solvers == 0) glp_free_env();
}

int solver_add_var(solver *s, double lo, double hi, bool integer, double objective) {
    assert(lo <= hi);
    int j = glp_add_cols(s->lp, 1);
    glp_set_col_bnds(s->lp, j, lo == hi ? GLP_FX : GLP_DB, lo, hi);
    glp_set_col_kind(s->lp, j, integer ? GLP_IV : GLP_CV);
    glp_set_obj_coef(s->lp, j, objective);
    double best = s->sense == SOLVER_MAXIMISE ? fmax(objective * lo, objective * hi)
                                              : fmin(objective * lo, objective * hi);
    s->trivial_bound += best;
    s->pos = mem_realloc(s->pos, (size_t)j * sizeof *s->pos);
    s->pos[j - 1] = -1;
    s->n_vars = j;
    return j - 1;
}

int solver_add_binary(solver *s, double objective) {
    int j = solver_add_var(s, 0, 1, true, objective);
    glp_set_col_kind(s->lp, j + 1, GLP_BV);
    return j;
}

int solver_n_vars(const solver *s) { return s->n_vars; }
int solver_n_rows(const solver *s) { return s->n_rows; }

herr *solver_add_row(solver *s, solver_row_kind kind, double rhs, size_t n, const int *vars,
                     const double *coefs) {
    for (size_t k = 0; k < n; k++)
        if (vars[k] < 0 || vars[k] >= s->n_vars)
            return err_invalid("vars", "variable %d is not in the model (%d variables)", vars[k],
                               s->n_vars);
    if (n + 1 > s->row_cap) {
        s->row_cap = 2 * (n + 1);
        s->row_ind = mem_realloc(s->row_ind, s->row_cap * sizeof *s->row_ind);
        s->row_val = mem_realloc(s->row_val, s->row_cap * sizeof *s->row_val);
    }
    int len = 0;
    for (size_t k = 0; k < n; k++) {
        int v = vars[k];
        if (s->pos[v] >= 0) {
            s->row_val[s->pos[v]] += coefs[k];
        } else {
            len++;
            s->pos[v] = len;
            s->row_ind[len] = v + 1;
            s->row_val[len] = coefs[k];
        }
    }
    for (int k = 1; k <= len; k++) s->pos[s->row_ind[k] - 1] = -1;
    int i = glp_add_rows(s->lp, 1);
    int type = kind == SOLVER_LE ? GLP_UP : kind == SOLVER_GE ? GLP_LO : GLP_FX;
    glp_set_row_bnds(s->lp, i, type, rhs, rhs);
    if (len > 0) glp_set_mat_row(s->lp, i, len, s->row_ind, s->row_val);
    s->n_rows = i;
    return NULL;
}

typedef struct {
    bool maximise;
    bool have_bound;
    double bound;
    const double *start; /* offered once at the first heuristic call */
} search_info;

void solver_set_start(solver *s, const double *values) {
    mem_free(s->start);
    s->start = mem_alloc(((size_t)s->n_vars + 1) * sizeof *s->start);
    memcpy(s->start + 1, values, (size_t)s->n_vars * sizeof *values);
}

/* Records the best bound of the open nodes each time GLPK picks the next one. */
static void on_search(glp_tree *tree, void *info) {
    search_info *si = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && si->start) {
        glp_ios_heur_sol(tree, si->start);
        si->start = NULL;
        return;
    }
    if (reason != GLP_ISELECT && reason != GLP_IBINGO && reason != GLP_IPREPRO) return;
    int p = glp_ios_best_node(tree);
    if (!p) return;
    double b = glp_ios_node_bound(tree, p);
    if (!isfinite(b)) return;
    /* Keep the tightest: a node's bound is never looser than the root's in exact
     * arithmetic, but heuristics may report nodes of their own. */
    if (si->have_bound && (si->maximise ? b >= si->bound : b <= si->bound)) return;
    si->bound = b;
    si->have_bound = true;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A model without variables: its rows are constants, met or not. */
static solver_status solve_empty(solver *s) {
    for (int i = 1; i <= s->n_rows; i++) {
        double rhs = glp_get_row_type(s->lp, i) == GLP_UP ? glp_get_row_ub(s->lp, i)
                                                          : glp_get_row_lb(s->lp, i);
        int type = glp_get_row_type(s->lp, i);
        bool ok = type == GLP_UP ? 0 <= rhs : type == GLP_LO ? 0 >= rhs : rhs == 0;
        if (!ok) return SOLVER_INFEASIBLE;
    }
    return SOLVER_OPTIMAL;
}

herr *solver_solve(solver *s, double time_limit, solver_result *out) {
    assert(time_limit > 0);
    memset(out, 0, sizeof *out);
    double t0 = now_s();
    out->n_vars = s->n_vars;
    out->n_rows = s->n_rows;
    s->has_solution = false;
    mem_free(s->values);
    s->values = NULL;

    if (s->n_vars == 0) {
        out->status = solve_empty(s);
        s->has_solution = out->status == SOLVER_OPTIMAL;
        out->seconds = now_s() - t0;
        return NULL;
    }

    search_info si = {.maximise = s->sense == SOLVER_MAXIMISE, .start = s->start};
    int tm_lim = time_limit * 1000 > 2e9 ? 2000000000 : (int)(time_limit * 1000);
    /* The LP relaxation first: its optimum is the bound reported when the search
     * stops early, and branch and bound starts from its basis. */
    glp_smcp lp;
    glp_init_smcp(&lp);
    lp.msg_lev = GLP_MSG_OFF;
    lp.presolve = GLP_OFF;
    lp.tm_lim = tm_lim;
    int rc = glp_simplex(s->lp, &lp);
    int lp_status = glp_get_status(s->lp);
    if (rc == 0 && lp_status == GLP_OPT) {
        si.bound = glp_get_obj_val(s->lp);
        si.have_bound = true;
    } else if (rc == 0 && (lp_status == GLP_NOFEAS || lp_status == GLP_INFEAS)) {
        out->status = SOLVER_INFEASIBLE;
        goto done;
    } else if (rc == 0 && lp_status == GLP_UNBND) {
        out->status = SOLVER_UNBOUNDED;
        goto done;
    } else if (rc == GLP_ETMLIM) {
        out->status = SOLVER_NO_SOLUTION;
        out->bound = s->trivial_bound;
        goto done;
    } else {
        return err_new(ERR_INTERNAL, NULL, "GLPK failed (glp_simplex returned %d)", rc);
    }
    double left = time_limit - (now_s() - t0);
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    parm.tm_lim = left * 1000 > 2e9 ? 2000000000 : left < 0.001 ? 1 : (int)(left * 1000);
    parm.cb_func = on_search;
    parm.cb_info = &si;
    /* Depth first with the best local bound finds good plans early (the feasibility
     * pump and proximity search spent a whole time limit on the bench's model). */
    parm.br_tech = GLP_BR_DTH;
    parm.bt_tech = GLP_BT_BLB;
    parm.clq_cuts = GLP_ON; /* clique cuts: "one interpreter, one slot" rows are cliques */
    rc = glp_intopt(s->lp, &parm);
    int mip = glp_mip_status(s->lp);

    switch (rc) {
    case 0:
        if (mip == GLP_OPT)
            out->status = SOLVER_OPTIMAL;
        else if (mip == GLP_NOFEAS)
            out->status = SOLVER_INFEASIBLE;
        else if (mip == GLP_FEAS)
            out->status = SOLVER_TIME_LIMIT;
        else
            return err_new(ERR_INTERNAL, NULL, "GLPK ended without a status (%d)", mip);
        break;
    case GLP_ENOPFS: out->status = SOLVER_INFEASIBLE; break;
    case GLP_ENODFS: out->status = SOLVER_UNBOUNDED; break;
    case GLP_ETMLIM:
    case GLP_ESTOP:
        out->status = mip == GLP_FEAS || mip == GLP_OPT ? SOLVER_TIME_LIMIT : SOLVER_NO_SOLUTION;
        break;
    default: return err_new(ERR_INTERNAL, NULL, "GLPK failed (glp_intopt returned %d)", rc);
    }

    if (out->status == SOLVER_OPTIMAL || out->status == SOLVER_TIME_LIMIT) {
        s->has_solution = true;
        s->values = mem_alloc((size_t)s->n_vars * sizeof *s->values);
        for (int j = 1; j <= s->n_vars; j++) s->values[j - 1] = glp_mip_col_val(s->lp, j);
        out->objective = glp_mip_obj_val(s->lp);
    }
    if (out->status == SOLVER_OPTIMAL) {
        out->bound = out->objective;
    } else {
        double b = s->trivial_bound;
        /* The tree's bound is only ever tighter than the trivial one. */
        if (si.have_bound) b = si.maximise ? fmin(b, si.bound) : fmax(b, si.bound);
        out->bound = b;
        if (s->has_solution)
            out->gap = fabs(out->bound - out->objective) / fmax(1.0, fabs(out->objective));
    }
done:
    out->seconds = now_s() - t0;
    return NULL;
}

double solver_value(const solver *s, int var) {
    if (!s->has_solution || var < 0 || var >= s->n_vars || !s->values) return 0;
    glp_prob *lp = s->lp;
    return glp_get_col_kind(lp, var + 1) == GLP_CV ? s->values[var] : round(s->values[var]);
}

const char *solver_status_name(solver_status status) {
    switch (status) {
    case SOLVER_OPTIMAL: return "optimal";
    case SOLVER_TIME_LIMIT: return "time_limit";
    case SOLVER_NO_SOLUTION: return "no_solution";
    case SOLVER_INFEASIBLE: return "infeasible";
    case SOLVER_UNBOUNDED: return "unbounded";
    }
    return "unknown";
}
