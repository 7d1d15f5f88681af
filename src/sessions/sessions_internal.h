/* Shared inside the sessions module only. */
#ifndef HAVEN_SESSIONS_INTERNAL_H
#define HAVEN_SESSIONS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* The kind's line of data/session_kinds.tsv as an object, or NULL (caller decrefs). */
json_t *sess_kind_find(const char *code);

/* ERR_INVALID for an unknown kind; ERR_FORBIDDEN unless the actor's role has the kind's
 * permission (the system actor of the command line and demo always has). */
herr *sess_check_kind_permission(const actor *a, const char *kind);

/* True when code is an age group of data/session_age_groups.tsv. */
bool sess_age_group_valid(const char *code);

/* The session row as JSON without attendance (caller owns), ERR_NOT_FOUND when there is
 * none or it is of a site the actor does not have. */
herr *sess_row(store *s, const actor *a, const char *id, json_t **out);

/* Adds "counts" and "attendance" (and "attendees" when with_people) to a session. */
herr *sess_add_attendance(store *s, const actor *a, json_t *session, bool with_people);

/* Validates {"counts":[...]} (field prefix "counts"). */
herr *sess_check_counts(const json_t *counts);

/* Replaces the session's counts inside the caller's transaction. */
herr *sess_write_counts(store *s, const char *session_id, const json_t *counts);

/* Bumps updated_at inside the caller's transaction. */
herr *sess_touch(store *s, const char *session_id);

/* The actor's sites as ",a,b," for `(:all = 1 OR :sites LIKE '%,' || site_id || ',%')`;
 * caller frees with mem_free. */
char *sess_scope(const actor *a);

/* Midnight after the day date (YYYY-MM-DD) as an ISO time into out ("" for ""): the
 * exclusive upper bound of an inclusive day range. */
void sess_day_after(const char *date, char out[21]);

/* from..to (YYYY-MM-DD; default the last 12 months) into from/to and the ISO bounds
 * [from_iso, to_iso). ERR_INVALID naming "from" or "to". */
herr *sess_period(const char *from_in, const char *to_in, char from[11], char to[11],
                  char from_iso[21], char to_iso[21]);

#endif
