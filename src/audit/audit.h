/* audit: the append-only, hash-chained record of every write and every sensitive read.
 *
 * Each entry holds who (user id and name), when, what (action, entity, entity id),
 * from where (address) and a short detail (JSON: field names, never personal values),
 * plus the hash of the previous entry and its own hash: BLAKE2b over the previous hash
 * and every field. Changing, removing or reordering an entry breaks the chain, and
 * audit_verify says where. The table refuses updates and deletes inside the database. */
#ifndef HAVEN_AUDIT_AUDIT_H
#define HAVEN_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

herr *audit_migrate(store *s);

/* Appends an entry. Must run inside the caller's write transaction, so that the entry
 * commits or rolls back with the change it describes. detail may be NULL; it is not
 * consumed. */
herr *audit_record(store *s, const actor *a, const char *action, const char *entity,
                   const char *entity_id, const json_t *detail);

/* Appends an entry for a read of sensitive data, in a transaction of its own when the
 * caller has none open. */
herr *audit_record_read(store *s, const actor *a, const char *entity, const char *entity_id,
                        const json_t *detail);

/* Walks the whole chain. On success *count is the number of entries. When an entry
 * was changed, removed or reordered, returns ERR_CONFLICT whose message names the
 * first broken entry's sequence number, and sets *broken_seq to it. */
herr *audit_verify(store *s, int64_t *count, int64_t *broken_seq);

/* ---- the anchor outside the database -------------------------------------------------
 * A chain inside the database cannot show that its newest entries were removed (with
 * the append-only trigger dropped). The anchor is a head checkpoint kept beside the
 * protection key file: "<key>.audit-head" holds the sequence number and hash of the
 * newest committed entry, authenticated (keyed BLAKE2b) with the key in
 * "<key>.audit-key" (mode 0600, created when missing and may_create). It is rewritten
 * atomically after every transaction that adds an entry, but only while the entry it
 * names is still in the chain, so a truncated log is never re-anchored. With an anchor
 * in use, audit_verify also fails when entries after the checkpoint are missing
 * ("truncated: N entries missing after #M") or the entry it names was changed.
 * audit_anchor_use reads the key and the checkpoint (writing a first one when there is
 * none and may_create; checking it otherwise). One anchor per process; set at start,
 * before threads write. ERR_NOT_FOUND when there is no anchor key and !may_create. */
herr *audit_anchor_use(store *s, const char *key_path, bool may_create);

/* Checks against the checkpoint at head_path (a backup's "<backup>.audit-head") instead
 * of the one beside the key, with the same key; never moves it. For haven audit verify
 * of a backup. */
herr *audit_anchor_use_checkpoint(store *s, const char *key_path, const char *head_path);

/* Writes a checkpoint of s's newest entry to head_path, keyed like the anchor in use: a
 * backup's own checkpoint, so that a backup cut short later is seen. ERR_INTERNAL when
 * no anchor is in use. */
herr *audit_anchor_export(store *s, const char *head_path);

/* Stops using the anchor (wipes its key from memory). */
void audit_anchor_forget(void);

/* Entities named with this prefix are restricted: their very existence is need to know
 * (feedback's PSEA reports), so the general audit view leaves them out, and only their
 * owner module shows them, to the roles that may know (audit_list_restricted). They are
 * in the hash chain like every other entry. */
#define AUDIT_RESTRICTED_PREFIX "restricted."

/* Entries, newest first, filtered by entity and entity id when not NULL; before is
 * a sequence number for paging (0: from the newest). Restricted entities are never
 * listed. Caller owns *out: {"items":[...], "next_cursor": seq or null}. */
herr *audit_list(store *s, const char *entity, const char *entity_id, int limit, int64_t before,
                 json_t **out);

/* The entries of one restricted entity (name starting with AUDIT_RESTRICTED_PREFIX),
 * newest first; entity_id NULL for all of them. For the owner module only, after its own
 * access check. ERR_INTERNAL for an entity that is not restricted. */
herr *audit_list_restricted(store *s, const char *entity, const char *entity_id, int limit,
                            json_t **out);

/* The entries of one action (for example "protection.access_granted"), newest first, at
 * most limit. Caller owns *out: {"items":[...]}. */
herr *audit_list_action(store *s, const char *action, int limit, json_t **out);

/* The reads about one person, newest first, at most limit: entries with action "read"
 * whose record is the person (entity_id) or whose detail names them (detail.person_id,
 * as the protection module's reads do). Restricted entities are never listed. Caller
 * owns *out: {"items":[...]}. The caller checks that its reader may see the person. */
herr *audit_list_person_reads(store *s, const char *person_id, int limit, json_t **out);

/* True for the protection module's entities whose entries carry facts about a person
 * (cases, referrals, screenings, consents, break-glass, case items, their reads). */
bool audit_is_protection_fact(const char *entity);

/* In a list made by audit_list, replaces each entry about protection facts by what a
 * reader without protection details may know: that a protection record was changed or
 * read, when, by whom and from where (entity "protection", action "change" or "read",
 * entity_id "", detail {}, "redacted": true). */
void audit_redact_protection(json_t *list);

#endif
