/* interpreting: interpreters, requests for interpretation, and their scheduling.
 *
 * Interpreters speak languages (with a level), have a gender, reach some sites in
 * person, may work remotely by video or phone, and are available by a weekly pattern
 * in their own time zone with exceptions (leave, one-off extra hours). Requests come
 * from a site and a unit (asylum department, protection team) for a language, maybe a
 * required gender, a window, a duration, the modes allowed, a priority and a kind; a
 * request may name the person interpreted for, so that the same interpreter is preferred
 * again (continuity).
 *
 * Scheduling is an integer program (src/solver) over (request, interpreter, start slot,
 * mode) that maximises the priority served: no interpreter double-booked, only inside
 * availability, modes and gender respected, travel time kept between two sites for
 * in-person work (data/interp_travel.tsv), the same interpreter preferred for the same
 * person, locked and confirmed assignments kept when the schedule is re-run, and a time
 * limit after which the best plan found is used. Every request left unserved gets a
 * reason a coordinator can act on. A first-come greedy planner over the same rules is
 * the baseline the bench compares against.
 *
 * The planner works on plain data (interp_problem) so that it can be tested and
 * benchmarked without a database; interp_schedule loads, plans and stores. */
#ifndef HAVEN_INTERPRETING_INTERPRETING_H
#define HAVEN_INTERPRETING_INTERPRETING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "solver/solver.h"
#include "store/store.h"

herr *interpreting_migrate(store *s);

/* Demo interpreters and next week's requests, scheduled (haven init --demo). */
herr *interpreting_demo_load(store *s, unsigned long long seed);

/* ---- the planner over plain data -------------------------------------------- */

#define INTERP_SLOT_SECONDS 3600 /* start times are whole UTC hours */

enum { INTERP_IN_PERSON = 1, INTERP_VIDEO = 2, INTERP_PHONE = 4 };

typedef struct {
    int64_t start, end; /* UTC seconds, [start, end) */
} interp_span;

typedef struct {
    const char *name;
    char gender;                  /* 'F', 'M' or 'X' */
    const char *const *languages; /* codes */
    size_t n_languages;
    const int *sites; /* indices of the sites reached in person */
    size_t n_sites;
    unsigned remote;         /* INTERP_VIDEO | INTERP_PHONE */
    const interp_span *free; /* availability, sorted, not overlapping */
    size_t n_free;
} interp_interpreter;

typedef struct {
    const char *language;
    char gender;      /* required gender, or 0 */
    int site;         /* index of the requesting site */
    int64_t earliest; /* the interpretation starts at or after */
    int64_t latest;   /* and ends at or before */
    int duration_minutes;
    unsigned modes; /* INTERP_IN_PERSON | INTERP_VIDEO | INTERP_PHONE */
    int priority;   /* 1 (low) .. 5 (urgent) */
    int preferred;  /* interpreter for continuity, or -1 */
    /* A locked (manual or confirmed) assignment kept as it is: interpreter >= 0. */
    int locked_interpreter;
    int64_t locked_start;
    unsigned locked_mode;
    /* Interpreters who declined this request: never offered it again. */
    const int *declined;
    size_t n_declined;
} interp_request;

typedef struct {
    const interp_interpreter *interpreters;
    size_t n_interpreters;
    const interp_request *requests; /* in the order they came (first-come) */
    size_t n_requests;
    const int *travel_minutes; /* n_sites x n_sites, row-major */
    size_t n_sites;
} interp_problem;

/* Why a request stays unserved; params of the reason in the plan's choice. */
typedef enum {
    INTERP_SERVED = 0,
    INTERP_NO_LANGUAGE,   /* no interpreter speaks the language */
    INTERP_NO_GENDER,     /* none of the required gender speaks it */
    INTERP_NO_MODE,       /* none can work in an allowed mode for the site */
    INTERP_NOT_AVAILABLE, /* none is available in the window */
    INTERP_ALL_BOOKED     /* those available are booked for other requests */
} interp_reason;

typedef struct {
    int interpreter; /* -1: unserved */
    int64_t start;
    unsigned mode;
    interp_reason reason;
    int candidates; /* interpreters of the language, gender and mode */
    int nearest;    /* for unserved: interpreter with the nearest free slot, or -1 */
    int64_t nearest_start;
} interp_choice;

typedef struct {
    interp_choice *choices; /* one per request */
    int served, priority_served, priority_total;
    solver_result solver; /* zero for the greedy planner */
    int n_candidates;     /* (request, interpreter, start, mode) triples considered */
} interp_plan;

/* The optimal plan (or the best within time_limit seconds), then filled up greedily
 * with anything still free, and reasons for what stays unserved. ERR_CONFLICT when the
 * locked assignments themselves clash; ERR_INVALID for a request or interpreter that
 * is malformed (field names it). Caller frees with interp_plan_clear. */
herr *interp_plan_solve(const interp_problem *p, double time_limit, interp_plan *out);

/* The baseline: locked first, then each request in order takes its earliest free
 * (start, interpreter) under the same rules. Same reasons and ownership. */
herr *interp_plan_greedy(const interp_problem *p, interp_plan *out);

void interp_plan_clear(interp_plan *plan);

/* Stable code of a reason ("no_language", ...; "" for served). */
const char *interp_reason_code(interp_reason r);

/* ---- records ------------------------------------------------------------------ */

/* Interpreter fields: name, gender (F/M/X), languages [{code, level, dialect}], sites
 * [site ids reached in person], remote ["video","phone"], weekly [{day 1-7 (Monday 1),
 * from "HH:MM", to "HH:MM"}] in time_zone (IANA, e.g. "Europe/Sarajevo"), exceptions
 * [{kind "leave"|"extra", from, to (ISO times)}], hourly_rate (cents), currency,
 * user_id (a linked account, role interp). Writes are audited. */
herr *interp_interpreter_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *interp_interpreter_update(store *s, const actor *a, const char *id, const json_t *in,
                                json_t **out);
herr *interp_interpreter_get(store *s, const actor *a, const char *id, json_t **out);
herr *interp_interpreter_list(store *s, const actor *a, json_t **out);

/* Request fields: site_id, unit, language, gender_required (F/M or null), earliest,
 * latest (ISO times), duration_minutes (15-480), modes ["in_person","video","phone"],
 * priority 1-5, kind (asylum_interview, gbv_interview, ...), person_id (optional), note. Requests
 * of sites the actor does not have are invisible. */
herr *interp_request_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *interp_request_update(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out);
herr *interp_request_get(store *s, const actor *a, const char *id, json_t **out);
/* Requests whose window meets [from, to] (dates; NULL: open), with their assignment. */
herr *interp_request_list(store *s, const actor *a, const char *from, const char *to,
                          const char *status, json_t **out);
/* Cancels a request and its live assignment. */
herr *interp_request_cancel(store *s, const actor *a, const char *id, json_t **out);

/* ---- scheduling ---------------------------------------------------------------- */

/* Plans the open requests whose window meets the days from..to (UTC dates): locked and
 * confirmed assignments stay, other proposed assignments of those requests are replaced.
 * One transaction, audited. *out: the run {id, status, served, unserved:[{request_id,
 * reason, message, params}], priority_served, priority_total, greedy_priority_served,
 * objective, bound, gap, seconds}. time_limit in seconds (0: 10). */
herr *interp_schedule(store *s, const actor *a, const char *from, const char *to, double time_limit,
                      json_t **out);

/* A manual assignment {request_id, interpreter_id, starts_at, mode}: locked, kept on
 * re-runs. ERR_CONFLICT when it double-books the interpreter. */
herr *interp_assign(store *s, const actor *a, const json_t *in, json_t **out);

/* Assignments starting in [from, to] days (NULL: open), of one interpreter when
 * interpreter_id is not NULL. */
herr *interp_assignment_list(store *s, const actor *a, const char *from, const char *to,
                             const char *interpreter_id, json_t **out);

/* The assignments of the interpreter linked to the actor's account. ERR_NOT_FOUND
 * when the account is linked to no interpreter. */
herr *interp_my_assignments(store *s, const actor *a, const char *from, const char *to,
                            json_t **out);

/* The linked interpreter confirms (or declines: status "declined") one of their own
 * assignments. A confirmed assignment is kept on re-runs; a declined one is cancelled
 * and its request is open again. */
herr *interp_my_answer(store *s, const actor *a, const char *assignment_id, const char *status,
                       json_t **out);

/* ---- no-shows and hours ------------------------------------------------------------ */

/* Records that the interpreter or the client did not come to a live assignment that has
 * started: {who "interpreter"|"client", reason (no_notice, illness, transport, technical,
 * transferred, other), note (required for other), noticed_at (ISO time, default now, not
 * before the start nor in the future)}. One per assignment (ERR_CONFLICT for a second);
 * the assignment is then locked so that a re-run keeps it. One audited transaction.
 * *out: the assignment with its no_show. */
herr *interp_noshow_record(store *s, const actor *a, const char *assignment_id, const json_t *in,
                           json_t **out);

/* Withdraws a no-show recorded by mistake: {reason (required)}. What was recorded and the
 * reason stay in the audit log ("no_show_withdrawn"); the assignment counts as completed
 * again once it is confirmed and has ended. ERR_CONFLICT (interp_noshow_none) when there
 * is none. One audited transaction. *out: the assignment. */
herr *interp_noshow_withdraw(store *s, const actor *a, const char *assignment_id, const json_t *in,
                             json_t **out);

/* Hours of interpreting of the days from..to (required dates) per month, site and
 * language, from completed assignments (confirmed, ended, no no-show), with the no-shows
 * by who did not come counted separately; totals by language and by site and overall;
 * the interpreters with no-shows in the period. Only the actor's sites; site (optional)
 * narrows to one. */
herr *interp_hours_report(store *s, const actor *a, const char *from, const char *to,
                          const char *site, json_t **out);

/* The report's rows as CSV (month,site,language,assignments,hours,interpreter_no_shows,
 * client_no_shows), in a new string (mem_free). The export is audited as a read. */
herr *interp_hours_csv(store *s, const actor *a, const char *from, const char *to, const char *site,
                       char **out, size_t *len);

/* ---- iCalendar feed -------------------------------------------------------------- */

/* A new secret feed token for an interpreter (interpreter_id NULL: the actor's own),
 * replacing any earlier one: {token, path}. The token is shown once; only its hash is
 * stored. */
herr *interp_feed_issue(store *s, const actor *a, const char *interpreter_id, json_t **out);

/* Revokes the feed: the old URL stops working at once. */
herr *interp_feed_revoke(store *s, const actor *a, const char *interpreter_id);

/* The RFC 5545 calendar of the token's interpreter (assignments from 30 days ago on),
 * in a new string (mem_free). ERR_NOT_FOUND for an unknown or revoked token. */
herr *interp_feed_ics(store *s, const char *token, char **out, size_t *len);

/* Writes text with RFC 5545 escaping (\\ \; \, \n) and folding (lines of at most 75
 * octets, cut at a character boundary, CRLF then a space) as "NAME:value\r\n" into a
 * growing buffer. Exposed for the unit tests. */
void interp_ics_line(char **buf, size_t *len, size_t *cap, const char *name, const char *value,
                     bool escape);

#endif
