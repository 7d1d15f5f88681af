/* bench_interpreting: one week of interpretation requests scheduled by the solver,
 * beside the first-come greedy baseline on the same problem in the same run.
 *
 * 500 requests and 80 interpreters over Monday to Friday, at the four demo sites (travel
 * times as in data/interp_travel.tsv). Languages follow the reception caseload (Arabic,
 * Farsi, Pashto, Urdu, French, English, Bengali, Kurdish), scarce ones scarcer among
 * interpreters; a fifth of the interpreters are in the region and reach one or two
 * sites in person, the rest work by video and/or phone; each works two or three days,
 * five hours a day. Requests have a priority 1-5, one in six needs a female
 * interpreter, a fifth name a person last interpreted by someone (continuity).
 *
 * Printed: priority served by each (and its ratio solver/greedy), requests served,
 * wall time of each, the solver's status, bound and gap. Target: under 2 s.
 * HAVEN_BENCH_TIME_LIMIT (seconds, default 1.5) bounds the solver. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "core/clock.h"
#include "interpreting/interpreting.h"

#define N_REQ   500
#define N_INT   80
#define N_SITES 4
#define N_LANGS 8
#define H       3600

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static int pick(int n) { return (int)(next() % (uint32_t)n); }

/* Minutes between USI, BLA, LIP, BOR (data/interp_travel.tsv). */
static const int travel[N_SITES * N_SITES] = {0,   20,  240, 240, 20,  0,   240, 240,
                                              240, 240, 0,   15,  240, 240, 15,  0};
static const char *const langs[N_LANGS] = {"ar", "fa", "ps", "ur", "fr", "en", "bn", "ckb"};
/* Percent of requests and of interpreters' languages. */
static const int demand[N_LANGS] = {25, 20, 15, 15, 8, 5, 6, 6};
static const int supply[N_LANGS] = {28, 22, 8, 8, 12, 14, 4, 4};

static int weighted(const int *w) {
    int r = pick(100), acc = 0;
    for (int i = 0; i < N_LANGS; i++)
        if (r < (acc += w[i])) return i;
    return 0;
}

static void print_plan(const char *name, const interp_plan *p, double secs) {
    printf("%-8s served %3d/%d  priority %4d/%d  %.3f s\n", name, p->served, N_REQ,
           p->priority_served, p->priority_total, secs);
}

int main(void) {
    int64_t monday = clock_days_from_civil(2026, 12, 7) * 86400;
    static interp_interpreter in[N_INT];
    static const char *lang_of[N_INT][2];
    static int sites_of[N_INT][2];
    static interp_span spans[N_INT][5];
    static char names[N_INT][16];
    static interp_request rq[N_REQ];

    for (int i = 0; i < N_INT; i++) {
        int n_l = 1 + (pick(3) == 0);
        lang_of[i][0] = langs[weighted(supply)];
        lang_of[i][1] = langs[weighted(supply)];
        int n_s = 0;
        unsigned remote = 0;
        if (i < N_INT / 5) {
            sites_of[i][n_s++] = pick(N_SITES);
            if (pick(2)) sites_of[i][n_s++] = pick(N_SITES);
            if (pick(2)) remote |= INTERP_VIDEO;
        } else {
            remote = pick(3) == 0   ? INTERP_PHONE
                     : pick(3) == 0 ? INTERP_VIDEO | INTERP_PHONE
                                    : INTERP_VIDEO;
        }
        int n_days = 2 + pick(2), first = pick(5 - n_days + 1), start = 8 + pick(4);
        for (int d = 0; d < n_days; d++)
            spans[i][d] = (interp_span){monday + (int64_t)(first + d) * 86400 + start * H,
                                        monday + (int64_t)(first + d) * 86400 + (start + 5) * H};
        snprintf(names[i], sizeof names[i], "int%02d", i);
        in[i] = (interp_interpreter){names[i],      pick(5) < 2 ? 'F' : 'M',
                                     lang_of[i],    (size_t)n_l,
                                     sites_of[i],   (size_t)n_s,
                                     remote,        spans[i],
                                     (size_t)n_days};
    }
    for (int r = 0; r < N_REQ; r++) {
        int day = pick(5), from = 8 + pick(6), len = 2 + pick(5);
        unsigned modes = pick(5) < 2   ? INTERP_IN_PERSON
                         : pick(4) < 3 ? INTERP_IN_PERSON | INTERP_VIDEO
                                       : INTERP_VIDEO | INTERP_PHONE;
        rq[r] = (interp_request){langs[weighted(demand)],
                                 pick(6) == 0 ? 'F' : 0,
                                 pick(N_SITES),
                                 monday + (int64_t)day * 86400 + from * H,
                                 monday + (int64_t)day * 86400 + (from + len) * H,
                                 pick(2) ? 60 : 90 + 30 * pick(2),
                                 modes,
                                 1 + pick(5),
                                 pick(5) == 0 ? pick(N_INT) : -1,
                                 -1,
                                 0,
                                 0};
    }
    interp_problem p = {in, N_INT, rq, N_REQ, travel, N_SITES};
    const char *tl = getenv("HAVEN_BENCH_TIME_LIMIT");
    double limit = tl ? atof(tl) : 1.5;

    interp_plan greedy, best;
    double t0 = now_s();
    herr *e = interp_plan_greedy(&p, &greedy);
    double t_greedy = now_s() - t0;
    if (e) {
        fprintf(stderr, "greedy: %s\n", e->message);
        return 1;
    }
    t0 = now_s();
    double c0 = cpu_s();
    e = interp_plan_solve(&p, limit, &best);
    double t_solve = now_s() - t0, c_solve = cpu_s() - c0;
    if (e) {
        fprintf(stderr, "solver: %s\n", e->message);
        return 1;
    }
    printf("interpreting: %d requests x %d interpreters, one week; %d candidates, %d variables, "
           "%d rows\n",
           N_REQ, N_INT, best.n_candidates, best.solver.n_vars, best.solver.n_rows);
    print_plan("greedy", &greedy, t_greedy);
    print_plan("solver", &best, t_solve);
    printf("solver CPU time %.3f s of %.3f s wall (the rest went to other processes)\n", c_solve,
           t_solve);
    /* The bound is in the objective's units: priority x weight plus tie-breaks. */
    double w = 4.0 * (N_REQ + 1);
    /* The tie-breaks add less than w in all, so the priority bound is its whole part. */
    long prio_bound = (long)(best.solver.bound / w);
    printf("solver status %s, priority bound %ld (best found %d: within %.2f%% of optimal), "
           "gap %.4f%%, solver time %.3f s\n",
           solver_status_name(best.solver.status), prio_bound, best.priority_served,
           100.0 * (double)(prio_bound - best.priority_served) / (double)prio_bound,
           best.solver.gap * 100, best.solver.seconds);
    printf("ratio solver/greedy: priority served %.3f, requests served %.3f; time %.1fx\n",
           (double)best.priority_served / greedy.priority_served,
           (double)best.served / greedy.served, t_solve / (t_greedy > 1e-6 ? t_greedy : 1e-6));
    int ok = t_solve < 2.0 && best.priority_served >= greedy.priority_served;
    printf("target (< 2 s, at least the baseline): %s\n", ok ? "met" : "NOT met");
    interp_plan_clear(&greedy);
    interp_plan_clear(&best);
    return ok ? 0 : 1;
}
