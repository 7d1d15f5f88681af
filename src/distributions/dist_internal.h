/* Shared inside the distributions module only. */
#ifndef HAVEN_DISTRIBUTIONS_INTERNAL_H
#define HAVEN_DISTRIBUTIONS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* The item as JSON (ERR_NOT_FOUND on field when unknown). Caller owns *out. */
herr *dist_item_get(store *s, const char *id, const char *field, json_t **out);

/* Active flags of the person: ["special_diet", ...]. */
herr *dist_person_flags(store *s, const char *person_id, json_t **out);

/* True when flag is a code of data/distribution_flags.tsv. */
bool dist_flag_valid(const char *flag);

/* Changes the stock of (site, item) by delta and appends its ledger line, inside the
 * caller's transaction. A change that would take the balance below zero is
 * ERR_CONFLICT (key "out_of_stock") and changes nothing. *balance (may be NULL) gets the
 * balance after. */
herr *dist_stock_change(store *s, const actor *a, const char *site_id, const char *item_id,
                        const char *kind, int64_t delta, const char *ref, const char *note,
                        const char *at, int64_t *balance);

/* The current balance of (site, item); 0 when never stocked. */
herr *dist_stock_of(store *s, const char *site_id, const char *item_id, int64_t *out);

/* Evaluates the item's rule for a person at time now (ISO): *reason NULL when
 * entitled, else the rule that refuses; *remaining how many more the period allows;
 * next_date the day the period frees up ("" when not limited by the period). members
 * (may be NULL) are the family members whose history counts for per-family items. */
herr *dist_evaluate(store *s, const json_t *item, const json_t *person, const json_t *flags,
                    const json_t *members, const char *now, const char **reason, int64_t *remaining,
                    char next_date[CLOCK_DATE_LEN]);

/* The actor's sites as ",a,b," (caller frees). */
char *dist_scope(const actor *a);

/* Midnight after date (YYYY-MM-DD) as ISO into out. */
void dist_day_after(const char *date, char out[CLOCK_ISO_LEN]);

/* The distributions a person received, as SQL giving their ids (person is a parameter):
 * those given to the person and the per-family ones the person was among. An IN list
 * of both, not "g.person_id = :p OR g.id IN (...)": PostgreSQL cannot use an index for
 * an OR with a subquery and reads every distribution; both engines answer this from
 * dist_given_person and dist_given_members_person. */
#define DIST_GIVEN_TO(person)                                                                      \
    "SELECT id FROM dist_given WHERE person_id = " person " UNION ALL SELECT given_id"             \
    " FROM dist_given_members WHERE person_id = " person

#endif
