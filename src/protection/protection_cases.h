/* Shared by cases.c and case_items.c only. */
#ifndef HAVEN_PROTECTION_CASES_H
#define HAVEN_PROTECTION_CASES_H

#include "protection/protection_internal.h"

/* The case if the actor may read it: its site is theirs (protection officers) or they
 * hold break-glass for the person. Unknown and invisible cases look the same. */
herr *prot_visible_case(store *s, const actor *a, const char *id, prot_access *acc, json_t **out);

/* The case if the actor may change it (protection.write, visible, open; a closed case
 * is ERR_CONFLICT). */
herr *prot_writable_case(store *s, const actor *a, const char *id, json_t **out);

/* Inside a transaction: appends an event to the case's history. */
herr *prot_case_event(store *s, const actor *a, const char *case_id, const char *kind,
                      const char *from_site, const char *to_site, const char *worker_id,
                      const char *note);

/* The case with its plan, notes, assessments and events, decrypted; no checks. */
herr *prot_case_full(store *s, const char *id, json_t **out);

/* Adds "actions", "notes", "best_interests" and "events" to a loaded case. */
herr *prot_case_items(store *s, json_t *c);

#endif
