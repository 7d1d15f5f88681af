/* families: households registered together, and tracing requests for relatives
 * separated on the route.
 *
 * A family groups registered persons, each with a relation to the head of the family
 * (head | spouse | child | parent | sibling | guardian | other_relative); a child under
 * 18 may be flagged "unaccompanied" (no adult caregiver) or "separated" (apart from
 * both parents or the usual caregiver, possibly with other relatives), the terms of
 * the protection reports, and linked to the guardian appointed for them. A person is
 * in at most one family; a family has at most one head.
 *
 * Need to know as for persons: a family is visible to an actor who has its site (the
 * site where it was registered) or may see one of its members; members the actor may
 * not see are listed as {"visible":false,"relation"} only. Writes need the family and
 * every person named to be visible.
 *
 * The whole family checks in, checks out or is transferred in one action: one
 * transaction, each member keeping their own stay, through the registry's header.
 *
 * Tracing (Primero's tracing requests): someone reports a relative lost on the route
 * (who is sought, last seen where and when, who asks); the matcher proposes registered
 * persons at every site (tracing is cross-site by nature), a caseworker confirms or
 * rejects each proposal, and the found person's whereabouts are disclosed to the asker
 * only with the found person's recorded consent. Only roles with tracing.read see any
 * of it (protection officers; not the administrator).
 *
 * Every write validates its whole input first (ERR_INVALID naming the field), then
 * writes and audits in one transaction; sensitive reads are audited. Results are
 * jansson objects owned by the caller. */
#ifndef HAVEN_FAMILIES_FAMILIES_H
#define HAVEN_FAMILIES_FAMILIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* Creates or upgrades the module's tables (after registry). */
herr *families_migrate(store *s);

/* The relation codes, head first, NULL-terminated. */
extern const char *const families_relations[];

/* ---- families ---------------------------------------------------------------------------
 * A member: {"person_id"} of a registered person, or {"person":{registration fields as in
 * registry_person_register}} to register them in the same step; "relation" (required),
 * "separation" (unaccompanied | separated | null: only for a child under 18),
 * "guardian_person_id" (the appointed guardian: a registered person, not the member).
 *
 * families_create fields: site_id (required, one of the actor's sites), name (label,
 * default "<head's family name> family"), note, members (1..30; at most one head).
 * *out as families_get. ERR_CONFLICT when a person is already in a family. */
herr *families_create(store *s, const actor *a, const json_t *in, json_t **out);

/* {"id","name","site_id","note","created_at","members":[{"person_id","relation",
 * "separation","guardian_person_id","minor":true|false|null,"visible":true,"person":
 * {reg_no,given_name,family_name,sex,birth_date,birth_date_precision,citizenship},
 * "current_stay":{...}|null}]} head first. ERR_NOT_FOUND when the actor may not see it. */
herr *families_get(store *s, const actor *a, const char *id, json_t **out);

/* The family of a person ({"family": as families_get, or null}). ERR_NOT_FOUND when the
 * person is not visible. */
herr *families_of_person(store *s, const actor *a, const char *person_id, json_t **out);

typedef struct {
    const char *site_id; /* families registered at this site (one of the actor's) */
    const char *q;       /* part of the family's name */
    int limit;           /* 1..200, default 50 */
    int offset;
} families_query;

/* {"total","items":[{"id","name","site_id","members":n,"head_name"}]}, newest first. */
herr *families_list(store *s, const actor *a, const families_query *q, json_t **out);

/* Changes name and note ({"name","note"}). *out as families_get. */
herr *families_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* Adds one member (fields as above). *out as families_get. */
herr *families_member_add(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* Changes a member's relation, separation or guardian_person_id. */
herr *families_member_update(store *s, const actor *a, const char *id, const char *person_id,
                             const json_t *in, json_t **out);

/* Takes a member out of the family (the person stays registered). */
herr *families_member_remove(store *s, const actor *a, const char *id, const char *person_id,
                             json_t **out);

/* ---- the whole family at once ------------------------------------------------------------
 * check_in: {"site_id","beds":{person_id: bed},"checked_in_at"}: every member not
 * checked in anywhere is checked in at site_id (a member checked in elsewhere is
 * ERR_CONFLICT naming them, and nothing changes). check_out: {"reason","note",
 * "checked_out_at"} as registry_stay_check_out, for every member checked in.
 * transfer: {"site_id","note","at"}: every member checked in is checked out
 * ("transferred") and checked in at site_id. Each: one transaction, audited once for
 * the family besides the registry's own entries; *out {"family":...,"stays":[...]}. */
herr *families_check_in(store *s, const actor *a, const char *id, const json_t *in, json_t **out);
herr *families_check_out(store *s, const actor *a, const char *id, const json_t *in, json_t **out);
herr *families_transfer(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* ---- for other modules (returns: a family returning together) ----------------------------- */

typedef struct {
    char person_id[ID_LEN];
    char relation[16];
    bool minor;       /* under 18 on the day asked (false when unknown) */
    bool minor_known; /* the person has a birth date */
    bool visible;     /* the actor may see the person */
} families_member;

/* The family of person_id into family_id ("" and *found false when none). ERR_NOT_FOUND
 * when the person is not visible. */
herr *families_family_of(store *s, const actor *a, const char *person_id, char family_id[ID_LEN],
                         bool *found);

/* The members of a family, head first: *out (mem_free) of *n entries. ERR_NOT_FOUND when
 * the family is not visible. */
herr *families_members(store *s, const actor *a, const char *family_id, families_member **out,
                       size_t *n);

/* Whether the person is under 18 at time `at` (0: now), from their birth date; *known
 * false (and *minor false) when there is none. ERR_NOT_FOUND when not visible. */
herr *families_person_is_minor(store *s, const actor *a, const char *person_id, int64_t at,
                               bool *minor, bool *known);

/* Whether a birth date ("YYYY-MM-DD") is under 18 years before `at` (seconds). */
bool families_birth_is_minor(const char *birth_date, int64_t at);

/* ---- tracing ------------------------------------------------------------------------------
 * A request: site_id (required, the actor's), asker_person_id (a registered person) or
 * asker_name (one of them required), asker_contact, relation (how the sought person is
 * related to the asker: spouse | child | parent | sibling | other_relative), sought
 * (required: {given_name, family_name (required), native_name, sex, birth_date,
 * birth_date_precision, citizenship}), last_seen_place (required), last_seen_date
 * (YYYY-MM-DD), circumstances (text). Needs tracing.write. The matcher runs at once.
 * *out as tracing_get. */
herr *tracing_create(store *s, const actor *a, const json_t *in, json_t **out);

/* The request with its "matches":[{"id","person_id","score","reasons","state":
 * proposed|confirmed|rejected,"person":{names, birth, citizenship, reg_no, site_name}}]
 * and "disclosure" (what may be told to the asker). Proposals are refreshed from the
 * registry first (new registrations at any site). Needs tracing.read and the request's
 * site; audited as a read. */
herr *tracing_get(store *s, const actor *a, const char *id, json_t **out);

typedef struct {
    const char *site_id;
    const char *status; /* open | found | reunited | closed */
    int limit, offset;  /* 1..200 (default 50) */
} tracing_query;

/* {"total","items":[{"id","site_id","status","sought_name","last_seen_place",
 * "created_at","proposed":n}]}, newest first. Audited. */
herr *tracing_list(store *s, const actor *a, const tracing_query *q, json_t **out);

/* Runs the matcher again for one request (or, id NULL, every open request of the
 * actor's sites): new proposals are added, decided ones kept. *out {"proposed":n}. */
herr *tracing_rematch(store *s, const actor *a, const char *id, json_t **out);

/* A caseworker's decision on a proposal: {"decision": confirm | reject, "note"}.
 * Confirming sets the request "found" (one confirmed match at most). */
herr *tracing_decide(store *s, const actor *a, const char *id, const char *match_id,
                     const json_t *in, json_t **out);

/* The found person's consent to tell the asker where they are: {"consent": given |
 * refused, "note"}. Only after a confirmed match. */
herr *tracing_consent(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* Closes a request: {"status": reunited | closed, "note"}. */
herr *tracing_close(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* ---- demo ------------------------------------------------------------------------------- */

/* A few families at each demo site (checked in; one unaccompanied child with her
 * guardian) and a tracing request at Lipa whose relative is registered at Blažuj, inside
 * the caller's transaction. */
herr *families_demo_load(store *s, unsigned long long seed);

#endif
