/* The planner: candidates, the integer program, the greedy baseline, and the reasons.
 *
 * A candidate is (request, interpreter, start, mode) where the interpreter speaks the
 * language, has the required gender, can work in the mode for the request's site, and
 * is available for the whole duration inside the request's window. Starts are whole
 * slots (INTERP_SLOT_SECONDS) and durations are rounded up to whole slots, so that
 * double booking and travel become rows over slots:
 *
 *   per request        sum of its candidates <= 1 (= 1 when locked)
 *   per interpreter    for each slot t: candidates occupying t <= 1
 *   travel             for in-person work at sites a != b needing k slots between them:
 *                      P(t, a) + P(t + d, b) <= 1 for d = 1..k, P being the in-person
 *                      candidates at that site occupying that slot
 *
 * The objective is priority first (weight W above the sum of every tie-break), then
 * continuity (+2 for the person's earlier interpreter), then in person over remote
 * (+1). After the solver, anything still free is filled greedily (the solver may stop
 * at its time limit) and every unserved request is explained. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

#define S INTERP_SLOT_SECONDS

typedef struct {
    int req, interp;
    int64_t start;
    unsigned mode;
    int var;
} cand;

typedef struct {
    int64_t start, end;
    unsigned mode;
    int site;
} booking;

typedef struct {
    booking *b;
    size_t n, cap;
} bookings;

typedef struct {
    const interp_problem *p;
    cand *c;
    size_t n, cap;
    size_t *first; /* per request: index of its first candidate; first[n_requests] = n */
    int *n_lang, *n_gender, *n_mode;
    bookings *booked; /* per interpreter */
} planner;

const char *interp_reason_code(interp_reason r) {
    static const char *const codes[] = {"",        "no_language",   "no_gender",
                                        "no_mode", "not_available", "all_booked"};
    return r <= INTERP_ALL_BOOKED ? codes[r] : "";
}

static int64_t duration_s(const interp_request *r) {
    int64_t d = (int64_t)r->duration_minutes * 60;
    return (d + S - 1) / S * S;
}

static int64_t slot_ceil(int64_t t) {
    int64_t q = t / S * S;
    return q < t ? q + S : q;
}

static int64_t travel_s(const interp_problem *p, int a, int b) {
    if (a == b || a < 0 || b < 0) return 0;
    return (int64_t)p->travel_minutes[(size_t)a * p->n_sites + (size_t)b] * 60;
}

static bool speaks(const interp_interpreter *in, const char *lang) {
    for (size_t k = 0; k < in->n_languages; k++)
        if (!strcmp(in->languages[k], lang)) return true;
    return false;
}

static bool declined(const interp_request *r, size_t interp) {
    for (size_t k = 0; k < r->n_declined; k++)
        if (r->declined[k] == (int)interp) return true;
    return false;
}

static bool reaches(const interp_interpreter *in, int site) {
    for (size_t k = 0; k < in->n_sites; k++)
        if (in->sites[k] == site) return true;
    return false;
}

/* The modes in which interpreter in can serve r: in person, and the best remote one. */
static unsigned usable_modes(const interp_interpreter *in, const interp_request *r) {
    unsigned m = 0;
    if ((r->modes & INTERP_IN_PERSON) && reaches(in, r->site)) m |= INTERP_IN_PERSON;
    if (r->modes & in->remote & INTERP_VIDEO)
        m |= INTERP_VIDEO;
    else if (r->modes & in->remote & INTERP_PHONE)
        m |= INTERP_PHONE;
    return m;
}

static herr *validate(const interp_problem *p) {
    for (size_t i = 0; i < p->n_requests; i++) {
        const interp_request *r = &p->requests[i];
        if (r->duration_minutes <= 0 || r->duration_minutes > 24 * 60)
            return err_invalid("duration_minutes", "request %zu: duration out of range", i);
        if (r->latest <= r->earliest)
            return err_invalid("latest", "request %zu: the window ends before it starts", i);
        if (r->priority < 1 || r->priority > 5)
            return err_invalid("priority", "request %zu: priority must be 1 to 5", i);
        if (r->site < 0 || (size_t)r->site >= p->n_sites)
            return err_invalid("site_id", "request %zu: unknown site", i);
        if (r->preferred >= (int)p->n_interpreters || r->preferred < -1 ||
            r->locked_interpreter >= (int)p->n_interpreters || r->locked_interpreter < -1)
            return err_invalid("interpreter_id", "request %zu: unknown interpreter", i);
        if (r->locked_interpreter >= 0 && r->locked_start % S != 0)
            return err_invalid("starts_at", "request %zu: a start must be a whole hour", i);
    }
    for (size_t i = 0; i < p->n_interpreters; i++)
        for (size_t k = 0; k < p->interpreters[i].n_sites; k++)
            if (p->interpreters[i].sites[k] < 0 ||
                (size_t)p->interpreters[i].sites[k] >= p->n_sites)
                return err_invalid("sites", "interpreter %zu: unknown site", i);
    return NULL;
}

static void add_cand(planner *pl, int req, int interp, int64_t start, unsigned mode) {
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 1024;
        pl->c = mem_realloc(pl->c, pl->cap * sizeof *pl->c);
    }
    pl->c[pl->n++] = (cand){req, interp, start, mode, -1};
}

static int cmp_cand(const void *x, const void *y) {
    const cand *a = x, *b = y;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->interp != b->interp) return a->interp - b->interp;
    return (int)a->mode - (int)b->mode; /* in person (1) before video (2) before phone */
}

static void generate(planner *pl) {
    const interp_problem *p = pl->p;
    pl->first = mem_alloc((p->n_requests + 1) * sizeof *pl->first);
    pl->n_lang = mem_alloc((p->n_requests + 1) * sizeof *pl->n_lang);
    pl->n_gender = mem_alloc((p->n_requests + 1) * sizeof *pl->n_gender);
    pl->n_mode = mem_alloc((p->n_requests + 1) * sizeof *pl->n_mode);
    for (size_t ri = 0; ri < p->n_requests; ri++) {
        const interp_request *r = &p->requests[ri];
        pl->first[ri] = pl->n;
        if (r->locked_interpreter >= 0) {
            add_cand(pl, (int)ri, r->locked_interpreter, r->locked_start, r->locked_mode);
            continue;
        }
        int64_t dur = duration_s(r);
        for (size_t ii = 0; ii < p->n_interpreters; ii++) {
            const interp_interpreter *in = &p->interpreters[ii];
            if (!speaks(in, r->language)) continue;
            pl->n_lang[ri]++;
            if (r->gender && in->gender != r->gender) continue;
            pl->n_gender[ri]++;
            unsigned modes = usable_modes(in, r);
            if (!modes) continue;
            pl->n_mode[ri]++;
            if (declined(r, ii)) continue;
            for (size_t k = 0; k < in->n_free; k++) {
                const interp_span *sp = &in->free[k];
                int64_t from = slot_ceil(sp->start > r->earliest ? sp->start : r->earliest);
                int64_t to = sp->end < r->latest ? sp->end : r->latest;
                for (int64_t t = from; t + dur <= to; t += S)
                    for (unsigned m = 1; m <= INTERP_PHONE; m <<= 1)
                        if (modes & m) add_cand(pl, (int)ri, (int)ii, t, m);
            }
        }
        if (pl->n - pl->first[ri] > 1)
            qsort(pl->c + pl->first[ri], pl->n - pl->first[ri], sizeof *pl->c, cmp_cand);
    }
    pl->first[p->n_requests] = pl->n;
}

/* ---- bookings: what the greedy passes and the reasons check against ---- */

static bool fits(const planner *pl, int interp, int64_t start, int64_t end, unsigned mode,
                 int site) {
    const bookings *bk = &pl->booked[interp];
    for (size_t k = 0; k < bk->n; k++) {
        const booking *b = &bk->b[k];
        if (start < b->end && b->start < end) return false;
        if (mode == INTERP_IN_PERSON && b->mode == INTERP_IN_PERSON && site != b->site) {
            if (start < b->end + travel_s(pl->p, b->site, site) &&
                b->start < end + travel_s(pl->p, site, b->site))
                return false;
        }
    }
    return true;
}

static void book(planner *pl, const cand *c, interp_choice *ch) {
    const interp_request *r = &pl->p->requests[c->req];
    bookings *bk = &pl->booked[c->interp];
    if (bk->n == bk->cap) {
        bk->cap = bk->cap ? 2 * bk->cap : 8;
        bk->b = mem_realloc(bk->b, bk->cap * sizeof *bk->b);
    }
    bk->b[bk->n++] = (booking){c->start, c->start + duration_s(r), c->mode, r->site};
    ch->interpreter = c->interp;
    ch->start = c->start;
    ch->mode = c->mode;
}

static bool cand_fits(const planner *pl, const cand *c) {
    const interp_request *r = &pl->p->requests[c->req];
    return fits(pl, c->interp, c->start, c->start + duration_s(r), c->mode, r->site);
}

/* Places request ri on its first candidate that fits; false when none does. */
static bool place_first(planner *pl, size_t ri, interp_plan *plan) {
    for (size_t k = pl->first[ri]; k < pl->first[ri + 1]; k++) {
        if (!cand_fits(pl, &pl->c[k])) continue;
        book(pl, &pl->c[k], &plan->choices[ri]);
        return true;
    }
    return false;
}

/* The interpreter of the language, gender and mode with the nearest free start at or
 * after the request's earliest time (within two weeks of it). */
static void find_nearest(planner *pl, size_t ri, interp_choice *ch) {
    const interp_problem *p = pl->p;
    const interp_request *r = &p->requests[ri];
    int64_t dur = duration_s(r), horizon = r->earliest + 14 * 86400;
    ch->nearest = -1;
    for (size_t ii = 0; ii < p->n_interpreters; ii++) {
        const interp_interpreter *in = &p->interpreters[ii];
        if (!speaks(in, r->language) || (r->gender && in->gender != r->gender) || declined(r, ii))
            continue;
        unsigned modes = usable_modes(in, r);
        if (!modes) continue;
        unsigned mode = modes & INTERP_IN_PERSON ? INTERP_IN_PERSON : modes;
        for (size_t k = 0; k < in->n_free; k++) {
            const interp_span *sp = &in->free[k];
            int64_t t = slot_ceil(sp->start > r->earliest ? sp->start : r->earliest);
            bool found = false;
            for (; t + dur <= sp->end && t < horizon; t += S) {
                if (ch->nearest >= 0 && t >= ch->nearest_start) break;
                if (fits(pl, (int)ii, t, t + dur, mode, r->site)) {
                    ch->nearest = (int)ii;
                    ch->nearest_start = t;
                    found = true;
                    break;
                }
            }
            if (found) break;
        }
    }
}

static void explain(planner *pl, interp_plan *plan) {
    const interp_problem *p = pl->p;
    for (size_t ri = 0; ri < p->n_requests; ri++) {
        interp_choice *ch = &plan->choices[ri];
        ch->candidates = pl->n_mode[ri];
        if (ch->interpreter >= 0) {
            plan->served++;
            plan->priority_served += p->requests[ri].priority;
            continue;
        }
        if (pl->n_lang[ri] == 0)
            ch->reason = INTERP_NO_LANGUAGE;
        else if (pl->n_gender[ri] == 0)
            ch->reason = INTERP_NO_GENDER;
        else if (pl->n_mode[ri] == 0)
            ch->reason = INTERP_NO_MODE;
        else if (pl->first[ri] == pl->first[ri + 1])
            ch->reason = INTERP_NOT_AVAILABLE;
        else
            ch->reason = INTERP_ALL_BOOKED;
        if (ch->reason >= INTERP_NOT_AVAILABLE) find_nearest(pl, ri, ch);
    }
}

static void planner_free(planner *pl) {
    mem_free(pl->c);
    mem_free(pl->first);
    mem_free(pl->n_lang);
    mem_free(pl->n_gender);
    mem_free(pl->n_mode);
    if (pl->booked)
        for (size_t i = 0; i < pl->p->n_interpreters; i++) mem_free(pl->booked[i].b);
    mem_free(pl->booked);
}

static herr *planner_init(planner *pl, const interp_problem *p, interp_plan *plan) {
    memset(pl, 0, sizeof *pl);
    memset(plan, 0, sizeof *plan);
    pl->p = p;
    herr *e = validate(p);
    if (e) return e;
    plan->choices = mem_alloc((p->n_requests + 1) * sizeof *plan->choices);
    for (size_t i = 0; i < p->n_requests; i++) {
        plan->choices[i].interpreter = -1;
        plan->choices[i].nearest = -1;
        plan->priority_total += p->requests[i].priority;
    }
    pl->booked = mem_alloc((p->n_interpreters + 1) * sizeof *pl->booked);
    generate(pl);
    plan->n_candidates = (int)pl->n;
    return NULL;
}

/* Books the locked assignments; ERR_CONFLICT when two of them clash. */
static herr *place_locked(planner *pl, interp_plan *plan) {
    for (size_t ri = 0; ri < pl->p->n_requests; ri++) {
        if (pl->p->requests[ri].locked_interpreter < 0) continue;
        const cand *c = &pl->c[pl->first[ri]];
        if (!cand_fits(pl, c))
            return err_with(err_new(ERR_CONFLICT, "interpreter_id",
                                    "locked assignments double-book interpreter %s",
                                    pl->p->interpreters[c->interp].name),
                            "interp_locked_clash", "name", pl->p->interpreters[c->interp].name,
                            (const char *)NULL);
        book(pl, c, &plan->choices[ri]);
    }
    return NULL;
}

/* Places every request still unserved on its first free candidate, highest priority
 * first (in order of arrival within a priority). */
static void place_by_priority(planner *pl, interp_plan *plan) {
    for (int prio = 5; prio >= 1; prio--)
        for (size_t ri = 0; ri < pl->p->n_requests; ri++)
            if (pl->p->requests[ri].priority == prio && plan->choices[ri].interpreter < 0)
                place_first(pl, ri, plan);
}

herr *interp_plan_greedy(const interp_problem *p, interp_plan *out) {
    planner pl;
    herr *e = planner_init(&pl, p, out);
    if (!e) e = place_locked(&pl, out);
    if (!e) {
        for (size_t ri = 0; ri < p->n_requests; ri++)
            if (p->requests[ri].locked_interpreter < 0) place_first(&pl, ri, out);
        explain(&pl, out);
    }
    planner_free(&pl);
    if (e) interp_plan_clear(out);
    return e;
}

/* ---- the integer program ---- */

typedef struct {
    int interp;
    int64_t slot;
    int site;
    int var;
} occ;

static int cmp_occ(const void *x, const void *y) {
    const occ *a = x, *b = y;
    if (a->interp != b->interp) return a->interp - b->interp;
    if (a->slot != b->slot) return a->slot < b->slot ? -1 : 1;
    return a->site - b->site;
}

typedef struct {
    int *vars;
    double *ones;
    size_t n, cap;
} rowbuf;

static void row_push(rowbuf *rb, int var) {
    if (rb->n == rb->cap) {
        rb->cap = rb->cap ? 2 * rb->cap : 64;
        rb->vars = mem_realloc(rb->vars, rb->cap * sizeof *rb->vars);
        rb->ones = mem_realloc(rb->ones, rb->cap * sizeof *rb->ones);
    }
    rb->ones[rb->n] = 1;
    rb->vars[rb->n++] = var;
}

/* First index in g[0..n) whose key is >= (interp, slot, site). */
static size_t occ_find(const occ *g, size_t n, int interp, int64_t slot, int site) {
    occ key = {interp, slot, site, 0};
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_occ(&g[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Adds, for every group of equal (interp, slot[, site]) entries of o, the row "at most
 * one of them" (groups of one need no row). */
static herr *add_occupancy_rows(solver *sv, const occ *o, size_t n, rowbuf *rb) {
    for (size_t k = 0; k < n;) {
        size_t end = k;
        rb->n = 0;
        while (end < n && o[end].interp == o[k].interp && o[end].slot == o[k].slot)
            row_push(rb, o[end++].var);
        if (rb->n > 1) {
            herr *e = solver_add_row(sv, SOLVER_LE, 1, rb->n, rb->vars, rb->ones);
            if (e) return e;
        }
        k = end;
    }
    return NULL;
}

/* Travel rows over the in-person entries o, sorted by (interp, slot, site). */
static herr *add_travel_rows(solver *sv, const interp_problem *p, const occ *o, size_t n,
                             rowbuf *rb) {
    for (size_t k = 0; k < n;) {
        size_t end = k;
        while (end < n && !cmp_occ(&o[end], &o[k])) end++;
        const interp_interpreter *in = &p->interpreters[o[k].interp];
        for (size_t sb = 0; sb < in->n_sites; sb++) {
            int b = in->sites[sb];
            if (b == o[k].site) continue;
            int64_t slots = (travel_s(p, o[k].site, b) + S - 1) / S;
            for (int64_t d = 1; d <= slots; d++) {
                size_t j = occ_find(o, n, o[k].interp, o[k].slot + d, b);
                if (j >= n || o[j].interp != o[k].interp || o[j].slot != o[k].slot + d ||
                    o[j].site != b)
                    continue;
                rb->n = 0;
                for (size_t q = k; q < end; q++) row_push(rb, o[q].var);
                for (; j < n && o[j].interp == o[k].interp && o[j].slot == o[k].slot + d &&
                       o[j].site == b;
                     j++)
                    row_push(rb, o[j].var);
                herr *e = solver_add_row(sv, SOLVER_LE, 1, rb->n, rb->vars, rb->ones);
                if (e) return e;
            }
        }
        k = end;
    }
    return NULL;
}

static herr *build_model(planner *pl, solver *sv) {
    const interp_problem *p = pl->p;
    double w = 4.0 * ((double)p->n_requests + 1);
    occ *all = NULL, *inperson = NULL;
    size_t n_all = 0, cap_all = 0, n_ip = 0, cap_ip = 0;
    rowbuf rb = {0};
    herr *e = NULL;

    for (size_t k = 0; k < pl->n; k++) {
        cand *c = &pl->c[k];
        const interp_request *r = &p->requests[c->req];
        double obj = r->priority * w + (r->preferred == c->interp ? 2 : 0) +
                     (c->mode == INTERP_IN_PERSON ? 1 : 0);
        c->var = solver_add_binary(sv, obj);
        int64_t slots = duration_s(r) / S;
        for (int64_t d = 0; d < slots; d++) {
            occ o = {c->interp, c->start / S + d, c->mode == INTERP_IN_PERSON ? r->site : -1,
                     c->var};
            if (n_all == cap_all) {
                cap_all = cap_all ? 2 * cap_all : 4096;
                all = mem_realloc(all, cap_all * sizeof *all);
            }
            all[n_all++] = o;
            if (c->mode != INTERP_IN_PERSON) continue;
            if (n_ip == cap_ip) {
                cap_ip = cap_ip ? 2 * cap_ip : 4096;
                inperson = mem_realloc(inperson, cap_ip * sizeof *inperson);
            }
            inperson[n_ip++] = o;
        }
    }
    for (size_t ri = 0; ri < p->n_requests && !e; ri++) {
        rb.n = 0;
        for (size_t k = pl->first[ri]; k < pl->first[ri + 1]; k++) row_push(&rb, pl->c[k].var);
        bool locked = p->requests[ri].locked_interpreter >= 0;
        if (rb.n > 1 || locked)
            e = solver_add_row(sv, locked ? SOLVER_EQ : SOLVER_LE, 1, rb.n, rb.vars, rb.ones);
    }
    if (!e) {
        if (n_all > 1) qsort(all, n_all, sizeof *all, cmp_occ);
        e = add_occupancy_rows(sv, all, n_all, &rb);
    }
    if (!e) {
        if (n_ip > 1) qsort(inperson, n_ip, sizeof *inperson, cmp_occ);
        e = add_travel_rows(sv, p, inperson, n_ip, &rb);
    }
    mem_free(all);
    mem_free(inperson);
    mem_free(rb.vars);
    mem_free(rb.ones);
    return e;
}

herr *interp_plan_solve(const interp_problem *p, double time_limit, interp_plan *out) {
    planner pl;
    solver *sv = NULL;
    herr *e = planner_init(&pl, p, out);
    if (e) goto cleanup;
    sv = solver_new(SOLVER_MAXIMISE);
    e = build_model(&pl, sv);
    if (e) goto cleanup;
    /* The search starts from the greedy plan by priority, so that a short time limit
     * on a loaded machine still returns at least that. Locked assignments that clash
     * would make the program infeasible: say which instead. */
    e = place_locked(&pl, out);
    if (e) goto cleanup;
    place_by_priority(&pl, out);
    double *start = mem_alloc(((size_t)pl.n + 1) * sizeof *start);
    for (size_t k = 0; k < pl.n; k++) {
        const interp_choice *ch = &out->choices[pl.c[k].req];
        start[k] = ch->interpreter == pl.c[k].interp && ch->start == pl.c[k].start &&
                   ch->mode == pl.c[k].mode;
    }
    solver_set_start(sv, start);
    mem_free(start);
    for (size_t i = 0; i < p->n_interpreters; i++) pl.booked[i].n = 0;
    for (size_t ri = 0; ri < p->n_requests; ri++) out->choices[ri].interpreter = -1;
    e = solver_solve(sv, time_limit > 0 ? time_limit : 10, &out->solver);
    if (e) goto cleanup;
    if (out->solver.status == SOLVER_INFEASIBLE || out->solver.status == SOLVER_UNBOUNDED) {
        e = err_new(ERR_INTERNAL, NULL, "the schedule's program is %s",
                    solver_status_name(out->solver.status));
        goto cleanup;
    }
    for (size_t k = 0; k < pl.n; k++)
        if (solver_value(sv, pl.c[k].var) > 0.5) book(&pl, &pl.c[k], &out->choices[pl.c[k].req]);
    /* Locked ones are in by their rows; without a solution (time limit before the
     * first one) book them here, then fill up by priority. */
    if (out->solver.status == SOLVER_NO_SOLUTION) {
        e = place_locked(&pl, out);
        if (e) goto cleanup;
    }
    place_by_priority(&pl, out);
    explain(&pl, out);

cleanup:
    solver_free(sv);
    planner_free(&pl);
    if (e) interp_plan_clear(out);
    return e;
}

void interp_plan_clear(interp_plan *plan) {
    mem_free(plan->choices);
    plan->choices = NULL;
}
