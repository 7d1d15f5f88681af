/* registry: reception sites, the people who arrive, and their stays.
 *
 * Every write function validates its JSON input completely before it changes
 * anything, then writes and audits in one transaction; on any error nothing changed.
 * Reads are scoped to the actor's sites: a person is visible when registered at, or
 * ever staying at, one of the actor's sites (admin: all). A person the actor may not
 * see is reported as ERR_NOT_FOUND, so that ids of other sites' people leak nothing.
 * Results are jansson objects owned by the caller. */
#ifndef HAVEN_REGISTRY_REGISTRY_H
#define HAVEN_REGISTRY_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

herr *registry_migrate(store *s);

/* Frees the registry's in-memory state (the match index) at exit. */
void registry_shutdown(void);

/* ---- sites ------------------------------------------------------------------
 * Fields: name, code (3-6 letters, derived from the name when absent),
 * municipality, kind (data/site_kinds.tsv), capacity (beds, >= 0), active. */
herr *registry_site_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *registry_site_update(store *s, const actor *a, const char *id, const json_t *in,
                           json_t **out);
herr *registry_site_get(store *s, const actor *a, const char *id, json_t **out);
/* {"items":[site...]} of the sites the actor may see, each with "present" (people
 * checked in now) and "beds_free". */
herr *registry_site_list(store *s, const actor *a, json_t **out);
/* Site kinds with their names, from data/site_kinds.tsv: [{"code","en","bs","sr"}]. */
json_t *registry_site_kinds(void);

/* ---- persons ----------------------------------------------------------------
 * Fields: given_name, family_name (required), native_name, sex (M|F|X), birth_date
 * (YYYY-MM-DD or null), birth_date_precision (exact|year|estimated), citizenship
 * (ISO 3166 alpha-2, XK, stateless, unknown), languages (ISO 639 codes), phone,
 * site_id (registration site), registered_at (default now), and for registration
 * only check_in (bool) and bed: check the person in at site_id in the same step.
 * The answer: {"id","reg_no","person":{...},"candidates":[...],"stay":{...}|null}. */
herr *registry_person_register(store *s, const actor *a, const json_t *in, json_t **out);

/* The person with "stays" (newest first) and "current_stay" (or null). */
herr *registry_person_get(store *s, const actor *a, const char *id, json_t **out);

/* Changes the fields given (same rules as registration; site_id and registered_at
 * cannot change); audits the names of the fields changed. */
herr *registry_person_update(store *s, const actor *a, const char *id, const json_t *in,
                             json_t **out);

/* ERR_NOT_FOUND unless the person exists and the actor may see them. */
herr *registry_person_visible(store *s, const actor *a, const char *id);

typedef struct {
    const char *q;       /* name words (any script/accents), id, reg_no or phone */
    const char *site_id; /* people registered at or staying at this site */
    int limit;           /* 1..200, default 50 */
    const char *cursor;  /* from the previous page's next_cursor */
} registry_person_query;

/* {"items":[person summary...],"next_cursor": id or null}, newest first. */
herr *registry_person_search(store *s, const actor *a, const registry_person_query *q,
                             json_t **out);

/* Possible earlier registrations of the person described by `person` (fields as in
 * registration), leaving out exclude_id: [{"id","score","reasons":[...],...}] best
 * first. The one function the identity matching module plugs into. A person the actor
 * may not see is only {"score","visible":false,"reference"}: no id, names or reasons;
 * the reference ("C-" and 12 characters, one per person, its creation audited) is what
 * the desk gives a supervisor. */
herr *registry_find_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, json_t **out);

/* Opens the opaque reference the desk was given for a candidate it may not see
 * ("C-..."): {"reference","person_id","reg_no","given_name","family_name","birth_date",
 * "birth_date_precision","citizenship","registration_site_id","registered_at"} for an actor who may
 * see that person (a supervisor of the site), audited as a read; ERR_NOT_FOUND for everyone else,
 * as for an unknown one. */
herr *registry_candidate_ref_open(store *s, const actor *a, const char *ref, json_t **out);

/* The desk's candidate check (registry_find_candidates with totals): every earlier
 * record whose names agree and whose birth data is compatible, however common the name,
 * and any other scoring at least 5%, best first, at most limit (1..200, 0 = 20):
 * {"items":[...as above],"total":n,"more":bool,"namesakes":records whose names agree
 * whatever their birth data,"limit":limit}. ERR_INVALID ("limit") out of range. */
herr *registry_desk_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, int limit, json_t **out);

/* Marks other_id ({"other_id"}) as the same person as id: the other record points at
 * id from then on (search and candidates skip it; id's profile shows both records'
 * stays); nothing is deleted. Both must be visible; a record already merged, one that
 * others were merged into, or both being checked in is ERR_CONFLICT. Audited. *out is
 * the survivor's profile. */
herr *registry_person_merge(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out);

/* Undoes a merge of other_id into id. Audited. */
herr *registry_person_unmerge(store *s, const actor *a, const char *id, const json_t *in,
                              json_t **out);

/* Remembers that id and other_id are different people: neither is suggested as a
 * candidate of the other again. Audited; marking twice is harmless. */
herr *registry_person_distinct(store *s, const actor *a, const char *id, const json_t *in);

/* ---- stays ------------------------------------------------------------------
 * check-in fields: person_id, site_id, bed, checked_in_at (default now).
 * check-out fields: reason (moved_on|transferred|returned|absconded|other), note,
 * checked_out_at (default now; not before check-in). A second open stay, or
 * checking out a closed stay, is ERR_CONFLICT. */
herr *registry_stay_check_in(store *s, const actor *a, const json_t *in, json_t **out);
herr *registry_stay_check_out(store *s, const actor *a, const char *stay_id, const json_t *in,
                              json_t **out);
herr *registry_stay_get(store *s, const actor *a, const char *stay_id, json_t **out);

typedef struct {
    const char *q;    /* name words, reg_no or bed */
    const char *sort; /* name | checked_in_at | bed | citizenship (default checked_in_at) */
    bool descending;
    int limit; /* 1..500, default 100 */
    int offset;
} registry_residents_query;

typedef enum {
    REGISTRY_STAYS_ANY = 0, /* open and closed stays */
    REGISTRY_STAYS_OPEN,    /* people checked in now */
    REGISTRY_STAYS_CLOSED   /* stays that ended */
} registry_stays_state;

typedef struct {
    const char *site_id;                     /* one site; NULL: all the actor's sites */
    const char *arrived_from, *arrived_to;   /* YYYY-MM-DD, UTC days on checked_in_at */
    const char *departed_from, *departed_to; /* YYYY-MM-DD, UTC days on checked_out_at */
    const char *citizenship;                 /* of the person (either case) */
    registry_stays_state open;
    int limit; /* 1..500, default (0) 100 */
    int offset;
} registry_stay_query;

/* Stays at the actor's sites matching every filter given, newest first (by check-out
 * when a departure range is given, else by check-in): {"total","limit","offset",
 * "items":[{stay..., "site_name", "person":{...}}]}. The day ranges count as the
 * dashboard's summary does, so its figures equal the totals here. A stay of a merged
 * record shows the survivor. ERR_INVALID naming the parameter (a date that is not
 * YYYY-MM-DD, a from after its to, an unknown citizenship, limit or offset out of
 * range); ERR_NOT_FOUND ("site") for a site that does not exist or is not the actor's.
 * *out is owned by the caller. */
herr *registry_stay_list(store *s, const actor *a, const registry_stay_query *q, json_t **out);

/* People checked in at the site now: {"total","items":[{stay..., person...}]}. */
herr *registry_site_residents(store *s, const actor *a, const char *site_id,
                              const registry_residents_query *q, json_t **out);

/* Occupancy of a site from stays, per UTC day from..to (YYYY-MM-DD, at most 366 days;
 * default the last 30 days): {"site_id","capacity","present","beds_free",
 * "average_length_of_stay_days","days":[{"date","present","arrivals","departures"}]}.
 * "present" on a day counts people checked in at the end of that day. */
herr *registry_site_occupancy(store *s, const actor *a, const char *site_id, const char *from,
                              const char *to, json_t **out);

/* Dashboard figures over the actor's sites for from..to (default last 30 days):
 * present and capacity per site, arrivals and departures per day, top citizenships of
 * arrivals (a merged record counting as its survivor), average length of stay of the
 * stays that ended in the period. registry_stay_list lists the stays behind each. */
herr *registry_summary(store *s, const actor *a, const char *from, const char *to, json_t **out);

/* ---- identity documents as matching evidence -----------------------------------
 * The registry owns no documents (src/documents does) but its match index weighs
 * them: it asks a document source, which the documents module installs at start.
 * Without a source, matching goes on without documents. Documents are JSON objects
 * {"type","country","number"} with the number normalised. */
typedef struct {
    /* Every person's documents: *out {"<person id>":[document...]}. */
    herr *(*all)(store *s, json_t **out);
    /* One person's documents: *out [document...] (maybe empty). */
    herr *(*of_person)(store *s, const char *person_id, json_t **out);
    /* Typed documents (a desk entry's "documents") checked and normalised into *out;
     * ERR_INVALID naming the member ("documents[0].number"). */
    herr *(*normalize)(const json_t *typed, json_t **out);
    /* Ids of the persons holding a document of the same type and number as one of docs
     * (issuing countries equal or either unknown): *out [id...]. */
    herr *(*holders)(store *s, const json_t *docs, json_t **out);
} registry_document_source;

/* Installs the document source (src may be NULL: none); the struct must outlive its
 * use. Called once at start, before threads; later calls replace it. */
void registry_set_document_source(const registry_document_source *src);

/* Tells the registry that a person's documents changed (after the commit): the match
 * index takes the new documents. Failures are logged, never returned. */
void registry_documents_changed(store *s, const char *person_id);
/* ---- replication (src/sync) -------------------------------------------------
 * For rows another installation wrote and sync copied in verbatim: rewrites a person's
 * derived search data (name tokens, search key, phone digits) from the stored fields,
 * inside the caller's transaction. ERR_NOT_FOUND when there is no such person. */
herr *registry_person_reindex(store *s, const char *id);

/* After the commit: puts the person's stored fields into the match index (or takes a
 * merged or missing record out). Failures are logged, never returned. */
void registry_person_rematch(store *s, const char *id);

/* ---- several servers on one database (PostgreSQL) ------------------------------
 * Each server keeps its match index in memory. On PostgreSQL every committed change of a
 * person's matching fields, merge state or documents is announced on REGISTRY_CHANNEL
 * with the person's id (triggers made by registry_migrate and documents_migrate), and
 * each `haven serve` runs a follower that reads the announced person again into its
 * index. See docs/deployment.md. */
#define REGISTRY_CHANNEL "haven_persons"

typedef struct registry_follower registry_follower;

/* Opens the follower's own connection to path, listens on REGISTRY_CHANNEL and starts
 * its thread; start it before the match index is first loaded, so that no change falls
 * between the load and the listening. *out is NULL on SQLite (one server owns the file:
 * nothing to follow). ERR_IO when the database cannot be reached or refuses LISTEN. The
 * thread reconnects by itself after a lost connection (0.25 s, doubling up to 10 s) and
 * then catches up (registry_match_resync). */
herr *registry_follow_start(const char *path, registry_follower **out);

/* Stops the thread (within REGISTRY_FOLLOW_POLL_MS, or after a catch-up under way) and
 * closes its connection. NULL is fine. */
void registry_follow_stop(registry_follower *f);

#define REGISTRY_FOLLOW_POLL_MS 200

/* One notification's payload on s's database: when it is a person id and the match index
 * of that database is loaded, the index takes the person's stored state (added, replaced,
 * or removed when merged or gone). Anything else (not an id, too long, empty) is ignored
 * with a log line. Idempotent: a server's own announcements are harmless. Never fails. */
void registry_person_followed(store *s, const char *payload);

/* After notifications may have been missed (a listener reconnecting): the loaded match
 * index of s's database takes every stored person again and drops the merged ones. Does
 * nothing when no index is loaded (it will be loaded from the database). Queries go on
 * meanwhile. */
herr *registry_match_resync(store *s);

#endif
