/* Shared inside the sync module only. */
#ifndef HAVEN_SYNC_INTERNAL_H
#define HAVEN_SYNC_INTERNAL_H

#include <jansson.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* A row of a replicated table as JSON text, from the columns of a row prefixed by P
 * ("NEW." in a trigger, "" in a query). The same text for a trigger and a snapshot. */
#define SYNC_PERSON_JSON(P)                                                                        \
    "json_object('id', " P "id, 'reg_no', " P "reg_no, 'given_name', " P "given_name,"             \
    " 'family_name', " P "family_name, 'native_name', " P "native_name, 'sex', " P "sex,"          \
    " 'birth_date', " P "birth_date, 'birth_date_precision', " P "birth_date_precision,"           \
    " 'citizenship', " P "citizenship, 'languages', " P "languages, 'phone', " P "phone,"          \
    " 'registration_site_id', " P "registration_site_id, 'registered_at', " P "registered_at,"     \
    " 'created_at', " P "created_at, 'updated_at', " P "updated_at)"
#define SYNC_STAY_JSON(P)                                                                          \
    "json_object('id', " P "id, 'person_id', " P "person_id, 'site_id', " P "site_id,"             \
    " 'bed', " P "bed, 'checked_in_at', " P "checked_in_at, 'checked_out_at', " P                  \
    "checked_out_at, 'checkout_reason', " P "checkout_reason, 'checkout_note', " P                 \
    "checkout_note, 'created_at', " P "created_at, 'updated_at', " P "updated_at)"
#define SYNC_SITE_JSON(P)                                                                          \
    "json_object('id', " P "id, 'code', " P "code, 'name', " P "name, 'municipality', " P          \
    "municipality, 'kind', " P "kind, 'capacity', " P "capacity, 'active', " P "active,"           \
    " 'created_at', " P "created_at, 'updated_at', " P "updated_at)"

/* How one received change went. */
typedef enum { SYNC_APPLIED, SYNC_DUPLICATE, SYNC_CONFLICT } sync_outcome;

/* Inside an open transaction with capture off (sync_capture_off): applies one change
 * from another origin, recording it in sync_changes under its origin (so it is never
 * applied twice, and the server passes it on), or records a conflict. *person_id
 * (may be NULL) receives the id of a person whose search data changed ("" if none). */
herr *sync_apply(store *s, const json_t *change, const char *origin, sync_outcome *outcome,
                 char person_id[40]);

/* Inserts a snapshot row of table (sites, persons, stays, registration_counters);
 * a row already there is left alone. Inside an open transaction with capture off. */
herr *sync_insert_row(store *s, const char *table, const json_t *row);

/* Closes the open conflicts of a field that a resolution from origin settled. */
herr *sync_settle(store *s, const char *tbl, const char *row_id, const char *field,
                  const char *value, const char *origin);

/* Writes a travelling field's value (JSON text) whatever it holds now, recomputing what
 * derives from it; *before (mem_free) receives the value it replaced (NULL: no such row).
 * Inside an open transaction with capture off. */
herr *sync_set_field(store *s, const char *tbl, const char *row_id, const char *field,
                     const char *value, char **before);

/* Turns change capture off / on for the open transaction (the triggers read a flag;
 * it is always turned on again before the commit). */
herr *sync_capture(store *s, bool on);

/* The change row at the current statement position as wire JSON (columns of
 * SYNC_CHANGE_COLUMNS from col 0). */
#define SYNC_CHANGE_COLUMNS                                                                        \
    "c.seq, c.origin, c.origin_seq, c.tbl, c.row_id, c.field, c.old_value, c.new_value, c.kind,"   \
    " c.site_id, c.changed_at"
json_t *sync_change_row(store_stmt *st);

/* Looks for duplicates of a person registered elsewhere and puts them on the worklist.
 * After the commit; failures are logged. */
void sync_find_duplicates(store *s, const char *person_id, const char *origin);

/* The scope test of a change or row for an actor, as in the registry: ",id1,id2,". */
char *sync_scope(const actor *a);

#endif
