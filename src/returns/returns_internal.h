/* Shared inside the returns module only. */
#ifndef HAVEN_RETURNS_INTERNAL_H
#define HAVEN_RETURNS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

#define RET_MAX_STATES 16

/* One line of data/return_states.tsv. required and optional are comma lists. */
typedef struct {
    char state[24];
    int step; /* 1.. on the way home, 0 for the exits */
    int overdue_days;
    char required[96];
    char optional[96];
} ret_state;

/* Loads data/return_states.tsv into out (at most RET_MAX_STATES); returns the count. */
int ret_states_load(ret_state out[RET_MAX_STATES]);

/* The state of that name among the n loaded, or NULL. */
const ret_state *ret_state_find(const ret_state *states, int n, const char *name);

/* True when the state is closed: the last step (arrived) or an exit. */
bool ret_state_closed(const ret_state *states, int n, const char *name);

/* NULL when the case may move from -> to; else ERR_CONFLICT (field "to") whose key says
 * why: returns_case_closed {state}, returns_step_missing {missing,to},
 * returns_transition_back {state,to}. to must be a known state. */
herr *ret_transition_check(const ret_state *states, int n, const char *from, const char *to);

/* The states a case in state from may move to, in order (caller owns). */
json_t *ret_next_states(const ret_state *states, int n, const char *from);

/* The actor's sites as ",a,b," for `(:all = 1 OR :sites LIKE '%,' || site_id || ',%')`
 * (mem_free). */
char *ret_scope(const actor *a);

/* ERR_FORBIDDEN unless the actor's role has the permission (the command line's and the
 * demo's system actor always has). */
herr *ret_require(const actor *a, const char *permission);

/* The site a record of the person is kept at: site_in when given (ERR_INVALID unless one
 * of the actor's sites), else the person's current stay's site, else the registration
 * site; ERR_INVALID "site_id" when that is not one of the actor's sites. The person must
 * be visible to the actor (ERR_INVALID naming field otherwise). *person: the registry's
 * person (caller owns), may be NULL when not wanted. */
herr *ret_person_site(store *s, const actor *a, const char *field, const char *person_id,
                      const char *site_in, char site_out[ID_LEN], json_t **person);

/* The counsellor: counsellor_in (a user whose role has returns.write; ERR_INVALID
 * "counsellor_id" otherwise), else the actor when fallback_actor (or the actor's role is
 * counsellor), else none (id_out and name_out ""). */
herr *ret_counsellor(store *s, const actor *a, const char *counsellor_in, bool fallback_actor,
                     char id_out[ID_LEN], char name_out[72]);

/* True when a person born on birth_date (YYYY-MM-DD or NULL) is under 18 on day. */
bool ret_is_child(const char *birth_date, const char *day);

/* ---- cases (cases.c) ---- */

/* ",arrived,withdrawn,cancelled," (mem_free). */
char *retc_closed_list(void);

/* ERR_CONFLICT naming field when the person travels on an open case (other than
 * except_case, may be NULL). */
herr *retc_check_not_on_open_case(store *s, const char *field, const char *person_id,
                                  const char *except_case);

/* When a case entered state at state_at becomes overdue, into out ("" for never). */
void retc_due_at(const char *state, const char *state_at, char out[21]);

/* Rows written inside the caller's transaction. details may be NULL ("{}"). */
herr *retc_insert_traveller(store *s, const char *case_id, const char *person_id, bool principal,
                            const char *at);
herr *retc_insert_transition(store *s, const actor *a, const char *case_id, const char *from,
                             const char *to, const char *at, const json_t *details);

/* The case row as listed (no travellers, no history), scoped to the actor's sites. */
herr *retc_row(store *s, const actor *a, const char *id, json_t **out);

/* ---- departure (departure.c) ---- */

/* Checks out the open stays of the case's travellers (at the actor's sites) with the
 * reason "returned" at at, through registry_stay_check_out, inside the caller's
 * transaction; a stay that began after at is left open. *closed: [{"person_id","stay_id",
 * "site_id"}] (caller owns). */
herr *ret_departure_close_stays(store *s, const actor *a, const char *case_id, const char *at,
                                json_t **closed);

/* ---- demo (demo_more.c) ---- */

/* Readmission requests and monitored forced-return operations of the demo's year, at the
 * first site, by a (the demo's system actor). */
herr *ret_demo_more(store *s, const actor *a);

/* ---- instalments (instalments.c) ---- */

/* Sets "instalments":[{"id","seq","amount","amount_cents","currency","due_on",
 * "description","status","approved_by","approved_at","paid_on","payment_reference",
 * "paid_by","cancel_reason","note","by_name","created_at","overdue"}], "instalments_eur"
 * and "paid_eur" on plan. */
herr *ret_instalments_of_plan(store *s, const char *plan_id, json_t *plan);

#endif
