/* sessions: group sessions in the centres (legal information, mine-risk education,
 * group information on return, psychosocial groups, language classes ...) with their
 * attendance, and trainings and events for officials with participants, agenda,
 * evaluations and certificates.
 *
 * A session has a kind from data/session_kinds.tsv. The kind names the module that
 * owns it (a module such as returns adds a line there for its own kinds and records
 * them through this header) and the permission a role needs to record sessions of
 * that kind and their attendance. Attendance is two things that add up: registered
 * people (each once per session; their sex and age group on the day are kept with the
 * attendance) and an anonymous count per sex and age group (data/session_age_groups.tsv)
 * for those who came without being named.
 *
 * Sessions belong to a site and are read by the site's staff (admin: all sites).
 * Every write validates its whole JSON input first (ERR_INVALID naming the field),
 * then writes and audits in one transaction; a state that does not allow it is
 * ERR_CONFLICT. Reading who attended is audited (it says who took part in, say, a
 * psychosocial group). Results are jansson objects owned by the caller. */
#ifndef HAVEN_SESSIONS_SESSIONS_H
#define HAVEN_SESSIONS_SESSIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Creates or upgrades the module's tables (after registry). */
herr *sessions_migrate(store *s);

/* ---- kinds and age groups ---------------------------------------------------------- */

/* [{"code","owner","permission","en","bs","sr"}] from data/session_kinds.tsv; owner
 * NULL for all kinds, else only that module's. Caller owns the result. */
json_t *sessions_kinds(const char *owner);

/* True when code is a session kind. */
bool sessions_kind_valid(const char *code);

/* [{"code","min","max","en","bs","sr"}] from data/session_age_groups.tsv. */
json_t *sessions_age_groups(void);

#define SESSIONS_AGE_GROUP_LEN 16

/* Writes into out the age group code of a person born on birth_date (YYYY-MM-DD, or
 * NULL) on the day on_date (YYYY-MM-DD): "unknown" when the birth date is missing or
 * malformed or after on_date. */
void sessions_age_group_of(const char *birth_date, const char *on_date,
                           char out[SESSIONS_AGE_GROUP_LEN]);

/* ---- sessions ----------------------------------------------------------------------
 * Fields: kind (required), topic (required, one line), site_id (required, one of the
 * actor's sites), starts_at (required, ISO 8601; at most a year ahead), duration_minutes
 * (1..1440), facilitator (required: who led it, staff or partner), language (ISO 639 code
 * the session was held in, required), interpreter (name), interpreted_languages (ISO
 * 639 codes interpreted into), note (text), counts (as sessions_counts_set). The actor's
 * role needs the kind's permission (ERR_FORBIDDEN). *out as sessions_get. */
herr *sessions_create(store *s, const actor *a, const json_t *in, json_t **out);

/* Changes the fields given (as create; kind and site_id cannot change). */
herr *sessions_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* The session: {"id","kind","owner","topic","site_id","site_name","starts_at",
 * "duration_minutes","facilitator","language","interpreter","interpreted_languages",
 * "note","by_name","created_at","updated_at","counts":[{"sex","age_group","count"}],
 * "attendance":{"registered","anonymous","total","by_sex":{..},"by_age_group":{..}},
 * "attendees":[{"person_id","reg_no","given_name","family_name","sex","age_group",
 * "added_at"}]}. Attendees the actor may not see as persons are counted, not named.
 * Audited as a read. ERR_NOT_FOUND for a session of another site. */
herr *sessions_get(store *s, const actor *a, const char *id, json_t **out);

typedef struct {
    const char *kind;    /* one kind, or NULL */
    const char *owner;   /* only kinds of this module, or NULL */
    const char *site_id; /* one of the actor's sites, or NULL for all of them */
    const char *from;    /* YYYY-MM-DD, inclusive (on starts_at, UTC), or NULL */
    const char *to;      /* YYYY-MM-DD, inclusive, or NULL */
    int limit;           /* 1..500, default (0) 100 */
    int offset;
} sessions_query;

/* {"total","limit","offset","items":[session without attendees...]} of the actor's
 * sites, newest first. ERR_INVALID naming the filter that is wrong. */
herr *sessions_list(store *s, const actor *a, const sessions_query *q, json_t **out);

/* ---- attendance --------------------------------------------------------------------- */

/* Records that the person (registry id, visible to the actor) attended. The person's
 * sex and age group on the session's day are kept with the attendance. Twice:
 * ERR_CONFLICT. *out as sessions_get. */
herr *sessions_attend(store *s, const actor *a, const char *session_id, const char *person_id,
                      json_t **out);

/* Records several people at once ({"person_ids":[...]}, at most 500): those already
 * recorded are skipped, not refused; any unknown person refuses the whole list
 * (ERR_INVALID naming "person_ids[i]"). *out as sessions_get plus "added". */
herr *sessions_attend_many(store *s, const actor *a, const char *session_id, const json_t *in,
                           json_t **out);

/* Removes a registered attendee (a mistake at the door). ERR_NOT_FOUND when not
 * recorded. */
herr *sessions_unattend(store *s, const actor *a, const char *session_id, const char *person_id,
                        json_t **out);

/* Replaces the anonymous counts: {"counts":[{"sex":"M|F|X","age_group":code,"count":n}]}
 * (n 0..10000; each sex and age group once). *out as sessions_get. */
herr *sessions_counts_set(store *s, const actor *a, const char *session_id, const json_t *in,
                          json_t **out);

/* Sessions the person attended, newest first, kind filter optional:
 * {"items":[{"id","kind","topic","site_id","starts_at","language"}]}. ERR_NOT_FOUND when
 * the actor may not see the person. */
herr *sessions_of_person(store *s, const actor *a, const char *person_id, const char *kind,
                         json_t **out);

/* ---- figures -------------------------------------------------------------------------
 * Per month and kind over the actor's sites (site_id: one of them), for from..to
 * (YYYY-MM-DD inclusive; default the last 12 months): {"from","to","months":[{"month":
 * "YYYY-MM","kind","sessions","registered","anonymous","total","female","male",
 * "other","children"}],"totals":{"sessions","total",...}}. Aggregates only. */
herr *sessions_figures(store *s, const actor *a, const char *site_id, const char *from,
                       const char *to, json_t **out);

/* The same over all sites with no actor, for the statistics module and reports: the
 * caller decides who sees aggregates. */
herr *sessions_period_figures(store *s, const char *from, const char *to, json_t **out);

/* ---- trainings and events for officials ---------------------------------------------
 * Trainings, workshops, conferences and study visits for officials of ministries, the
 * border police, the Service for Foreigners' Affairs and partners: 550 of them in 2023.
 * Not scoped to sites (they happen in hotels and ministries); roles with training.read
 * read them, training.write change them. Participants are officials, not registered
 * migrants. The evaluation form is data (data/training_evaluation.json). */

/* Fields: title (required), kind (training | workshop | conference | study_visit |
 * meeting), starts_on, ends_on (YYYY-MM-DD, required, ends_on not before starts_on),
 * venue, site_id (optional: when held at a centre), organiser, language (ISO 639),
 * description (text), certificate_text (the line printed on certificates, default
 * "has successfully completed"). *out as sessions_training_get. */
herr *sessions_training_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *sessions_training_update(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out);

/* The training with "agenda" (by day and time), "participants", "evaluation" (results:
 * {"responses","questions":{id:{"n","mean"}},"comments":[...]}) and "figures"
 * ({"participants","female","male","other","attended","countries"}). */
herr *sessions_training_get(store *s, const actor *a, const char *id, json_t **out);

/* {"total","items":[training with figures, no participants]} newest first; from..to on
 * starts_on (YYYY-MM-DD, optional). */
herr *sessions_training_list(store *s, const actor *a, const char *from, const char *to, int limit,
                             int offset, json_t **out);

/* Agenda item: {"day" (YYYY-MM-DD within the training),"time" (HH:MM),"title","speaker"}. */
herr *sessions_training_agenda_add(store *s, const actor *a, const char *training_id,
                                   const json_t *in, json_t **out);
herr *sessions_training_agenda_remove(store *s, const actor *a, const char *training_id,
                                      const char *item_id, json_t **out);

/* Participant: {"name" (required),"organisation" (required),"country" (ISO 3166),"sex"
 * (F | M | X),"position","email","attended" (bool, default true)}. Update takes the same
 * fields. */
herr *sessions_participant_add(store *s, const actor *a, const char *training_id, const json_t *in,
                               json_t **out);
herr *sessions_participant_update(store *s, const actor *a, const char *training_id,
                                  const char *participant_id, const json_t *in, json_t **out);

/* An evaluation: {"participant_id" (optional: evaluations may be anonymous),"answers":
 * {question id: 1..5 | text}} against data/training_evaluation.json. One per
 * participant (ERR_CONFLICT). */
herr *sessions_evaluation_add(store *s, const actor *a, const char *training_id, const json_t *in,
                              json_t **out);

/* data/training_evaluation.json (caller owns). */
json_t *sessions_evaluation_form(void);

/* Certificates as a PDF: one A4 landscape page per participant who attended (or only
 * participant_id), with name, organisation, the training's title, dates and venue, and a
 * certificate number (assigned on first issue, kept). Rendered with Pango and Cairo, so
 * any script prints. *pdf (mem_alloc'ed) and *len; ERR_CONFLICT when nobody attended.
 * Audited. */
herr *sessions_certificates_pdf(store *s, const actor *a, const char *training_id,
                                const char *participant_id, char **pdf, size_t *len);

/* Releases the font state certificates leave behind (at exit: keeps leak checkers quiet).
 * No certificate may be in the making. */
void sessions_shutdown(void);

/* Per month for from..to (default 12 months): {"months":[{"month","trainings",
 * "participants","female","male","other"}],"totals":{...},"by_organisation":{...}}. */
herr *sessions_training_figures(store *s, const actor *a, const char *from, const char *to,
                                json_t **out);

/* ---- demo ---------------------------------------------------------------------------- */

/* Adds a month of sessions of every kind at the demo's sites with registered attendees
 * (people checked in there) and anonymous counts, and a few trainings for officials with
 * agenda, participants and evaluations, inside the caller's transaction. */
herr *sessions_demo_load(store *s, unsigned long long seed);

#endif
