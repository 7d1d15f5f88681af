/* feedback: complaints and feedback from the people in the centres, the PSEA channel for
 * allegations of sexual exploitation and abuse, and satisfaction surveys.
 *
 * Complaints and feedback arrive through a channel (data/feedback_channels.tsv) in a
 * category (data/feedback_categories.tsv, with the days allowed to acknowledge and to
 * respond), at a site, anonymous or named, in a language. They move received ->
 * acknowledged -> responded -> closed; closing the loop says what was done and how the
 * person was told (told in person, posted for all, or not possible for an anonymous
 * note). Deadlines give an overdue list.
 *
 * The PSEA channel is need to know in its strictest form:
 * - anyone with a login may record a report (permission psea.record);
 * - only the PSEA focal points (role with psea.read, named by an administrator by giving
 *   a user that role) read it, for their sites; not the administrator, registrars or
 *   the ordinary complaint handlers;
 * - everything but the site, the date and the state is sealed under the protection key
 *   (protection_seal_text: the same key, file and rotation as protection data);
 * - the person who recorded it loses access once it is submitted (even a focal point);
 * - every read is audited, under the restricted audit entity "restricted.psea_report",
 *   which the general audit view leaves out; the focal points see a report's audit trail;
 * - no other list, export, figure or error mentions it: a report a reader may not see is
 *   ERR_NOT_FOUND, the same as one that does not exist.
 *
 * Satisfaction surveys are short forms whose questions are data (data/surveys.json);
 * responses are anonymous, results per site and period.
 *
 * Every write validates its whole input first (ERR_INVALID naming the field), then
 * writes and audits in one transaction. Results are jansson objects owned by the caller. */
#ifndef HAVEN_FEEDBACK_FEEDBACK_H
#define HAVEN_FEEDBACK_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

#define FEEDBACK_PSEA_ENTITY "restricted.psea_report"

/* Creates or upgrades the module's tables (after registry). */
herr *feedback_migrate(store *s);

/* {"channels":[{code,en,bs,sr}],"categories":[{code,ack_days,response_days,en,bs,sr}],
 * "forms":[survey forms]}: the code lists the forms need. */
json_t *feedback_codes(void);

/* ---- complaints and feedback ----------------------------------------------------------
 * Fields: site_id (required, the actor's), channel, category (required), kind (complaint
 * | feedback | suggestion | appreciation, default complaint), anonymous (bool, default
 * false), person_id (a registered person, for named ones), contact (text: how to reach
 * them), language (ISO 639), summary (required, text), received_at (default now).
 * Named feedback needs person_id or contact. *out as feedback_get. */
herr *feedback_create(store *s, const actor *a, const json_t *in, json_t **out);

/* {...item, "events":[{"action","text","at","by_name"}],"ack_due","response_due",
 * "overdue"}. ERR_NOT_FOUND for another site's. */
herr *feedback_get(store *s, const actor *a, const char *id, json_t **out);

/* Moves an item: {"action": "acknowledge" | "respond" | "close" | "note" | "reopen",
 * "text"}. respond needs text (what is being done); close needs text (what was done)
 * and "loop" (told_person | posted_publicly | not_possible; told_person is refused for
 * anonymous feedback without contact). A step the state does not allow: ERR_CONFLICT. */
herr *feedback_act(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

typedef struct {
    const char *site_id, *state, *category, *channel;
    const char *from, *to; /* YYYY-MM-DD on received_at */
    bool overdue;          /* only items past a deadline */
    int limit, offset;     /* 1..500 (default 100) */
} feedback_query;

/* {"total","items":[item without events]} of the actor's sites, newest first. */
herr *feedback_list(store *s, const actor *a, const feedback_query *q, json_t **out);

/* CSV of the list (same filters, up to 10,000 rows; no names or contacts: person ids
 * are left out, anonymous or not is a column). Caller frees *out with mem_free.
 * Audited. */
herr *feedback_export_csv(store *s, const actor *a, const feedback_query *q, char **out,
                          size_t *len);

/* Per month and category over the actor's sites for from..to (default 12 months):
 * {"months":[{"month","category","received","closed","overdue"}],"by_channel":{..},
 * "by_category":{..},"open","overdue","median_days_to_close"}. Aggregates only; never
 * counts PSEA reports. */
herr *feedback_figures(store *s, const actor *a, const char *site_id, const char *from,
                       const char *to, json_t **out);

/* ---- PSEA ----------------------------------------------------------------------------
 * Fields: site_id (required: any site the actor has), channel, summary (required, text:
 * what happened, in the words given), incident_date (YYYY-MM-DD), location, survivor
 * (text: who was harmed, as the reporter describes), survivor_person_id (a registered
 * person), alleged (text: who is alleged, and their organisation), anonymous (bool),
 * contact (text), language. *out: {"id","received_at","reference"}: a confirmation only,
 * nothing of the content; from then on the recorder cannot read it. */
herr *feedback_psea_record(store *s, const actor *a, const json_t *in, json_t **out);

/* The report, opened. Only psea.read roles for their sites, never its recorder:
 * everyone else ERR_NOT_FOUND (the route refuses roles without psea.read first). Audited
 * as a read of FEEDBACK_PSEA_ENTITY. */
herr *feedback_psea_get(store *s, const actor *a, const char *id, json_t **out);

/* {"items":[{"id","site_id","received_at","state","updated_at","channel",
 * "summary_start"}]} for a focal point: their sites' reports, none they recorded.
 * Audited (one entry listing the ids). */
herr *feedback_psea_list(store *s, const actor *a, json_t **out);

/* A focal point's step: {"state": received | assessed | referred | investigating |
 * closed, "note" (text, sealed)}. */
herr *feedback_psea_act(store *s, const actor *a, const char *id, const json_t *in, json_t **out);

/* The report's audit trail (every record, read and step) for a focal point who may read
 * it: {"items":[audit entries]}. */
herr *feedback_psea_audit(store *s, const actor *a, const char *id, json_t **out);

/* ---- surveys -----------------------------------------------------------------------
 * A response: {"form","site_id","language","answered_at","answers":{question id:
 * 1..5 (rating) | true/false (yes_no) | option code (choice)}}; unanswered questions
 * are left out. Anonymous. */
herr *feedback_survey_answer(store *s, const actor *a, const json_t *in, json_t **out);

/* Results of a form over the actor's sites (site_id: one) for from..to (default 12
 * months): {"form","responses","sites":[{"site_id","site_name","responses","questions":
 * {id:{"n","mean"|"yes"|"counts"}}}],"questions":{id:{...all sites}}}. */
herr *feedback_survey_results(store *s, const actor *a, const char *form, const char *site_id,
                              const char *from, const char *to, json_t **out);

/* ---- demo ---------------------------------------------------------------------------- */

/* A month of complaints and feedback in every state (some overdue), two PSEA reports,
 * and satisfaction survey responses at each demo site, inside the caller's transaction.
 * Needs the protection key. */
herr *feedback_demo_load(store *s, unsigned long long seed);

#endif
