/* sync: field sites that work offline and exchange changes with a central server.
 *
 * Every installation (a site's laptop, the central server) has an origin id. Changes to
 * the replicated tables (persons, stays) are captured by triggers into sync_changes in
 * the same transaction as the change itself, one row per inserted row and one per
 * changed field, with the origin, the old and the new value (JSON text) and the time.
 * Derived columns (search keys, phone digits, updated_at) are not captured: the
 * receiving side recomputes them.
 *
 * A site pushes its own changes to the server and pulls everyone else's (only those of
 * its sites) in batches. Each change is identified by (origin, origin_seq), so a batch
 * sent twice (a connection cut after the server committed) is applied once. A field
 * change applies only when the receiving side still holds the value the sender saw
 * (old); otherwise it is stored as a conflict, the receiving side's value stays, and a
 * person resolves it with a choice and a reason (audited), which travels to every side
 * as a resolution that applies whatever the value there. Nothing is overwritten silently.
 *
 * After the server applies a site's registrations it looks for possible duplicates
 * among everyone else (registry_find_candidates) and puts them on the registrars'
 * worklist (sync_duplicate_list). See docs/sync.md. */
#ifndef HAVEN_SYNC_SYNC_H
#define HAVEN_SYNC_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

herr *sync_migrate(store *s);

/* This installation's origin id (32 hex characters) into out. */
#define SYNC_ORIGIN_LEN 33
herr *sync_origin(store *s, char out[SYNC_ORIGIN_LEN]);

/* ---- the server's side ---------------------------------------------------------- */

/* {"origin","seq"}: the server's origin and its newest change number (where a site
 * that enrols now starts pulling). */
herr *sync_status(store *s, const actor *a, json_t **out);

/* Applies a batch pushed by a site: {"origin", "changes":[change...]} (at most
 * SYNC_MAX_BATCH), in one transaction. Each change is {"origin_seq","tbl","row_id",
 * "field","old","new","kind","site_id","changed_at"}; one already received is skipped.
 * Rows outside the actor's sites are refused (ERR_FORBIDDEN naming the change).
 * *out: {"applied","duplicates","conflicts","upto"}. Audited as one "sync.push". */
#define SYNC_MAX_BATCH 500
herr *sync_receive(store *s, const actor *a, const json_t *in, json_t **out);

/* Changes applied here after `after` (a change number) that did not come from origin
 * and concern the actor's sites, oldest first, at most limit (1..SYNC_MAX_BATCH):
 * {"changes":[...], "upto": the number to ask after next time, "more": bool}. A stay's
 * insert is preceded by its person's row, so a site can take in a transfer. */
herr *sync_changes_since(store *s, const actor *a, const char *origin, int64_t after, int limit,
                         json_t **out);

/* Reserves registration numbers for a site's laptop, so that numbers it gives out offline
 * are never given out centrally or by another laptop: for each of the actor's sites not in
 * "skip" (site ids), moves the counter of {"year"} on by {"count"} (1..10000) and answers
 * {"blocks":[{"site_id","year","from","to"}]}. Audited ("sync.reserve"). */
herr *sync_reserve(store *s, const actor *a, const json_t *in, json_t **out);

/* Rows of one replicated table (sites, persons, stays, registration_counters) for
 * enrolling a site: those of the actor's sites (every site row), ordered by key, after
 * the key `after` ("" for the start), at most limit: {"table","rows":[...],"next": key or
 * null}. Audited as a read ("sync.snapshot"). */
herr *sync_snapshot(store *s, const actor *a, const char *table, const char *after, int limit,
                    json_t **out);

/* ---- conflicts and the duplicates worklist ------------------------------------------ */

/* Conflicts (status "open", "resolved" or NULL for all) about rows of the actor's sites,
 * newest first: {"items":[{"id","tbl","row_id","field","base","local","incoming",
 * "incoming_origin","detected_at","status","chosen","value","reason","resolved_by",
 * "resolved_at","person":{...summary}|null}]}. ERR_INVALID ("status"). */
herr *sync_conflict_list(store *s, const actor *a, const char *status, json_t **out);

/* Resolves an open conflict: {"choice":"local"|"incoming","reason": at least 5
 * characters}. The chosen value is written and sent to every side as a resolution.
 * ERR_INVALID naming the field; ERR_NOT_FOUND; ERR_CONFLICT when already resolved.
 * Audited ("sync.resolve"). *out is the conflict. */
herr *sync_conflict_resolve(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out);

/* Possible duplicates found after sites' offline registrations arrived, open ones of the
 * actor's sites, best first: {"items":[{"id","person_id","candidate_id","score",
 * "reasons","origin","found_at","person":{...},"candidate":{...}}]}. */
herr *sync_duplicate_list(store *s, const actor *a, json_t **out);

/* Takes an entry off the worklist: {"decision":"merged"|"distinct"|"dismissed"} (the
 * merge or the distinct mark itself is done through the registry). Audited. */
herr *sync_duplicate_close(store *s, const actor *a, const char *id, const json_t *in);

/* ---- the site's side ------------------------------------------------------------ */

typedef struct {
    const char *server;   /* "https://haven.example.org" (no trailing /api) */
    const char *username; /* a user of the site on the server */
    const char *password;
    int batch;           /* changes per request; 0: 200 */
    int retries;         /* tries of one request before giving up; 0: 8 */
    int retry_ms;        /* first wait between tries, doubling up to 5 s; 0: 500 */
    long timeout_s;      /* one request; 0: 60 */
    const char *ca_file; /* a CA bundle for a private certificate authority, or NULL */
} sync_options;

/* Synchronises the local database with the server: logs in, enrols it when it was never
 * synced (it must then hold no persons), pushes its changes and pulls the others',
 * resuming where the last run stopped. A dropped connection is retried; progress is
 * committed batch by batch, so running again after a failure goes on from there.
 * *report (may be NULL): {"enrolled","pushed","pulled","conflicts","duplicates"}. */
herr *sync_run(store *local, const sync_options *o, json_t **report);

#endif
