/* returns: assisted voluntary return and reintegration (AVRR): individual return
 * counselling and return cases with an explicit state machine.
 *
 * A return case belongs to one site (where the returnee stays) and walks the states of
 * data/return_states.tsv in order: intention -> eligibility_checked ->
 * documents_requested -> documents_issued -> fit_to_travel -> travel_booked ->
 * departed -> arrived; withdrawn and cancelled (with a reason) close it from any open
 * state. Each transition is a dated history row (who, when, the details the new state
 * needs). A transition that skips a step, goes back or leaves a closed state is
 * ERR_CONFLICT with the key "returns.step_missing", "returns.transition_back" or
 * "returns.case_closed" and changes nothing. Family members travel on the same case
 * (a person is on at most one open case).
 *
 * Vulnerable returnees are marked ("vulnerable", with the reasons "child" and
 * "protection_needs") from protection's yes/no flag only: no protection detail is read.
 *
 * Need to know: cases and counselling sessions are read by the staff of their site
 * (admin: all sites) with returns.read, written with returns.write; a record of another
 * site is ERR_NOT_FOUND. Every write validates its whole input first (ERR_INVALID naming
 * the field), then writes and audits in one transaction. Reading one case is audited.
 * Group information sessions on return are sessions of the kind "return_information"
 * (src/sessions, data/session_kinds.tsv). Results are jansson objects owned by the
 * caller. */
#ifndef HAVEN_RETURNS_RETURNS_H
#define HAVEN_RETURNS_RETURNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Creates or upgrades the module's tables (after registry and auth). */
herr *returns_migrate(store *s);

/* data/return_states.tsv as [{"state","step","overdue_days","required":[..],
 * "optional":[..]}] in order. Caller owns. */
json_t *returns_states(void);

/* ---- return cases -------------------------------------------------------------------
 * Fields: person_id (required, a person the actor may see, not on another open case),
 * destination_country (required, ISO 3166 alpha-2 or XK), destination_place (text),
 * counsellor_id (a user whose role has returns.write; default the actor when the
 * actor's role is counsellor), site_id (one of the actor's sites; default the site of
 * the person's current stay, else of registration), travellers (person ids of family
 * members travelling with them, at most 20), note, opened_at (when the person expressed
 * the intention, ISO 8601, default now, not in the future: for cases taken over from
 * paper). The case starts in "intention", with a first history row at opened_at. *out as
 * returns_case_get. */
herr *returns_case_create(store *s, const actor *a, const json_t *in, json_t **out);

/* The case: {"id","person_id","reg_no","given_name","family_name","sex","site_id",
 * "site_name","destination_country","destination_place","counsellor_id",
 * "counsellor_name","state","state_at","closed_reason","overdue","due_at",
 * "next":[states allowed next],"travellers":[{"person_id","reg_no","given_name",
 * "family_name","sex","birth_date","child","principal"}],"vulnerable","vulnerable_reasons":
 * [..],"history":[{"from","to","at","by_name","details","recorded_at"}],"created_at",
 * "updated_at"}. Audited as a read. ERR_NOT_FOUND for a case of another site. */
herr *returns_case_get(store *s, const actor *a, const char *id, json_t **out);

/* Moves the case: {"to" (a state, required), "at" (ISO 8601, default now; not before the
 * case's last transition, not in the future), "details" (object with the state's
 * required and optional details: embassy, document_type (passport | travel_document |
 * laissez_passer | id_card), document_number, medical_clearance (fit |
 * fit_with_assistance), itinerary, escort (none | operational | medical | social),
 * departure_date, arrival_date (YYYY-MM-DD, not after at), arrival_confirmed_by (the
 * partner in the country of origin), border_crossing, reason, note)}. ERR_CONFLICT
 * (changes nothing) as the header says; ERR_INVALID naming "to", "at" or
 * "details.<name>". Moving to "departed" checks out, in the same transaction, the open
 * stay of every traveller at the actor's sites (registry_stay_check_out, reason
 * "returned", at the departure's time; a stay begun after it is a later one and stays
 * open); the transition's audit entry lists them. *out as returns_case_get. */
herr *returns_case_transition(store *s, const actor *a, const char *id, const json_t *in,
                              json_t **out);

/* Adds a family member ({"person_id"}) to an open case before departure, or removes one
 * (not the principal). ERR_CONFLICT when the person is on another open case, already on
 * this one, or the case has departed or closed. *out as returns_case_get. */
herr *returns_traveller_add(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out);
herr *returns_traveller_remove(store *s, const actor *a, const char *id, const char *person_id,
                               json_t **out);

typedef struct {
    const char *state;         /* one state, "open" (any open state), or NULL */
    const char *site_id;       /* one of the actor's sites, or NULL */
    const char *destination;   /* destination_country, or NULL */
    const char *counsellor_id; /* or NULL */
    const char *person_id;     /* cases the person travels on, or NULL */
    bool overdue_only;         /* open cases longer in their state than its overdue_days */
    int limit;                 /* 1..500, default (0) 100 */
    int offset;
} returns_query;

/* {"total","limit","offset","items":[case without history and travellers' details,
 * with "travellers_count"]} of the actor's sites, the longest waiting first.
 * ERR_INVALID naming the filter that is wrong. */
herr *returns_case_list(store *s, const actor *a, const returns_query *q, json_t **out);

/* ---- individual counselling -----------------------------------------------------------
 * Fields: person_id (required), held_at (ISO 8601, default now, not in the future),
 * counsellor_id (default the actor), site_id (as for a case), language (required, ISO
 * 639), interpreter (name), mode (in_person | virtual | phone, default in_person),
 * topics (codes: avrr_programme, eligibility, travel_documents, reintegration, medical,
 * family, legal_options, other; at least one), outcome (required: information_only |
 * considering | intention_expressed | declined), note. *out: the session as listed. */
herr *returns_counselling_create(store *s, const actor *a, const json_t *in, json_t **out);

/* {"total","items":[{"id","person_id","reg_no","given_name","family_name","site_id",
 * "held_at","counsellor_id","counsellor_name","language","interpreter","mode","topics",
 * "outcome","note","created_at"}]} newest first, of the actor's sites; person_id,
 * counsellor_id, from, to (YYYY-MM-DD inclusive on held_at) optional. */
herr *returns_counselling_list(store *s, const actor *a, const char *person_id,
                               const char *counsellor_id, const char *from, const char *to,
                               int limit, int offset, json_t **out);

/* ---- figures for the statistics module --------------------------------------------- */

/* What statistics need of the module for the period [from_iso, to_iso) (ISO times),
 * with no actor (the caller decides who sees aggregates): {"first_use": the time of the
 * module's first record (a counselling session or a case's first step) or null,
 * "counselling":[{"citizenship","sex","age_band","count"}] (individual sessions held,
 * by the counselled person's recorded citizenship and sex), "departures":[{"destination",
 * "sex","age_band","count"}] (persons who travelled on a case that departed, by the
 * case's destination)}. age_band: the index i of the last age_from[i] (ascending, years)
 * the person's age on age_day (YYYY-MM-DD) reaches, or -1 when the birth date is
 * unknown. A record merged into another counts with the survivor's sex and
 * citizenship. Caller owns *out. */
herr *returns_period_breakdown(store *s, const char *from_iso, const char *to_iso,
                               const char *age_day, const int *age_from, size_t n_ages,
                               json_t **out);

/* ---- dashboard ----------------------------------------------------------------------
 * Aggregates over the actor's sites for the last months (1..36, 0: 12) months including
 * this one: {"months":["YYYY-MM"..],"states":[as returns_states],"by_state":{state:n},
 * "departures":[{"month","destination","count"}] (people who departed),
 * "counselling":[{"month","count"}] (individual sessions),"readmissions":{"by_status":
 * {status:n},"overdue":n},"monitoring":{"open_findings":n} (with returns.monitoring.read),
 * "overdue_cases":n,"overdue_visits":n}. ERR_INVALID "months". */
herr *returns_dashboard(store *s, const actor *a, int months, json_t **out);

/* ---- demo ---------------------------------------------------------------------------- */

/* Adds a year of return work at the demo's sites, shaped like the 2023 report but small:
 * individual counselling of about a quarter of the residents (one to three sessions
 * each, in their language), cases for those who expressed the intention, walked through
 * their steps over the year (about a third arrived, some withdrawn or cancelled, the
 * rest on the way, a few overdue), written through the module's own functions inside
 * the caller's transaction. */
herr *returns_demo_load(store *s, unsigned long long seed);

/* ---- reintegration --------------------------------------------------------------------
 * A plan per case once it has departed: {"kind" (business | housing | medical |
 * education | psychosocial), "budget_eur" (0..100000), "modality" (cash | in_kind |
 * mixed), "partner" (the organisation in the country of origin), "note"}. A second plan,
 * or a case not departed yet: ERR_CONFLICT. *out as returns_case_get (with "plan"). */
herr *returns_plan_create(store *s, const actor *a, const char *case_id, const json_t *in,
                          json_t **out);

/* Grant instalments of the case's plan. Adding: {"amount" (0.01..100000, two decimals at
 * most), "currency" (EUR, BAM, RSD, USD, ... ISO 4217), "due_on" (YYYY-MM-DD),
 * "description" (what is bought, for in kind), "note"}; EUR instalments (not cancelled)
 * together stay within budget_eur (ERR_INVALID "amount", key returns_over_budget). No
 * plan: ERR_CONFLICT returns_no_plan. Acting on one: {"action": approve | pay | cancel,
 * "paid_on" (pay; default today, not in the future), "reference" (pay: the payment's),
 * "reason" (required to cancel)}: planned -> approved (by another person than who added
 * it: ERR_CONFLICT returns_instalment_four_eyes) -> paid; planned or approved ->
 * cancelled; anything else ERR_CONFLICT returns_instalment_status, nothing changed.
 * Audited on the case. *out as returns_case_get (the plan lists its instalments). */
herr *returns_instalment_add(store *s, const actor *a, const char *case_id, const json_t *in,
                             json_t **out);
herr *returns_instalment_act(store *s, const actor *a, const char *case_id, const char *id,
                             const json_t *in, json_t **out);

/* A monitoring visit: {"month" (3 | 6 | 12), "visited_on" (YYYY-MM-DD, not before the
 * arrival, not in the future), "answers" ({question id: 0 | 1 | 2} for every question of
 * data/return_monitoring.tsv), "note"}. The sustainability score (0..100) is the
 * weighted share of the best answers. A month visited twice: ERR_CONFLICT. *out as
 * returns_case_get. */
herr *returns_visit_add(store *s, const actor *a, const char *case_id, const json_t *in,
                        json_t **out);

/* The plan of a case with its visits and the visits due:
 * {"id","kind","budget_eur","modality","partner","note","base_date","visits":[{"month",
 * "visited_on","score","answers","note","by_name"}],"due":[{"month","due_on","overdue"}]}
 * or JSON null when the case has none. For returns_case_get. */
herr *returns_plan_of_case(store *s, const char *case_id, json_t **out);

/* Visits not made yet over the actor's plans: {"items":[{"case_id","person_id",
 * "given_name","family_name","destination_country","month","due_on","overdue"}]}, the
 * earliest first; only overdue ones when overdue_only. */
herr *returns_visits_due(store *s, const actor *a, bool overdue_only, json_t **out);

/* data/return_monitoring.tsv as [{"id","weight","en","bs","sr"}]. */
json_t *returns_monitoring_questions(void);

/* ---- forced-return monitoring -------------------------------------------------------
 * Read with returns.monitoring.read, written with returns.monitoring.write; scoped to
 * the actor's sites (the office that keeps the record), like cases.
 * An operation: {"date" (YYYY-MM-DD), "kind" (charter_flight | scheduled_flight | land),
 * "route", "destination_country", "returnees" (1..500), "escorts" (0..2000),
 * "escort_organisation", "monitors" ([names], at least one), "site_id" (default the
 * actor's only site), "note"}: starts "planned". Audited. *out as returns_operation_get. */
herr *returns_operation_create(store *s, const actor *a, const json_t *in, json_t **out);

/* {"id","site_id","site_name","date","kind","route","destination_country","status",
 * "escort_organisation","report","reported_at","reported_by","note","by_name",
 * "created_at","updated_at","returnees","escorts","monitors":[..],"checklist":{item:
 * answer}|null,"findings_count","findings_open","findings":[{"id","finding","severity",
 * "recommendation","addressed_to","follow_up","follow_up_note","by_name","created_at",
 * "updated_at"}]}. Audited as a read; ERR_NOT_FOUND for another site's. */
herr *returns_operation_get(store *s, const actor *a, const char *id, json_t **out);

/* {"total","items":[operation without findings]} newest first; status (planned |
 * reported) and open_findings (with a finding whose follow-up is open) filter. */
herr *returns_operation_list(store *s, const actor *a, const char *status, bool open_findings,
                             int limit, int offset, json_t **out);

/* The monitor's report, once, after the operation's day: {"checklist": {item id: yes | no
 * | not_observed} for every item of data/return_operation_checklist.tsv, "report" (text)}.
 * A second report: ERR_CONFLICT returns_operation_reported. Audited. */
herr *returns_operation_report(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out);

/* A finding: {"finding","severity" (observation | concern | serious),"recommendation",
 * "addressed_to"}, follow-up "open". Its follow-up: {"follow_up" (open | in_progress |
 * implemented | rejected), "note"}; a closed one (implemented, rejected) is ERR_CONFLICT
 * returns_finding_closed. Audited on the operation. *out as returns_operation_get. */
herr *returns_finding_add(store *s, const actor *a, const char *op_id, const json_t *in,
                          json_t **out);
herr *returns_finding_follow_up(store *s, const actor *a, const char *op_id, const char *finding_id,
                                const json_t *in, json_t **out);

/* data/return_operation_checklist.tsv as [{"id","phase","en","bs","sr"}]. */
json_t *returns_operation_checklist(void);

/* ---- readmission ----------------------------------------------------------------------
 * Requests to and from neighbouring states under data/readmission_agreements.tsv.
 * Fields: agreement (a code of the file, required), requesting_state and requested_state
 * (required, both parties to the agreement, different), requested_on (YYYY-MM-DD, not in
 * the future), reference (the file number), site_id (one of the actor's sites; default
 * the first registered person's), persons (1..50: {"person_id"} of a registered person
 * the actor may see, or {"given_name","family_name","sex","citizenship","birth_date"?}
 * as the request describes them), note. The deadline is requested_on plus the
 * agreement's answer_days; the request starts "pending". Audited. *out as
 * returns_readmission_get. */
herr *returns_readmission_create(store *s, const actor *a, const json_t *in, json_t **out);

/* {"id","site_id","site_name","agreement","requesting_state","requested_state",
 * "reference","requested_on","deadline","status","answered_on","outcome","handover_on",
 * "border_crossing","note","by_name","created_at","updated_at","persons_count",
 * "citizenship" (of the first person),"overdue","next":[statuses allowed next],
 * "persons":[{"person_id","given_name","family_name","sex","birth_date","citizenship"}]}.
 * Audited as a read. ERR_NOT_FOUND for a request of another site. */
herr *returns_readmission_get(store *s, const actor *a, const char *id, json_t **out);

/* {"total","limit","offset","items":[request without persons]} of the actor's sites,
 * pending first by deadline; status (a status or "open"), state (a party) and
 * overdue_only (pending past the deadline) filter. */
herr *returns_readmission_list(store *s, const actor *a, const char *status, const char *state,
                               bool overdue_only, int limit, int offset, json_t **out);

/* Moves the request: {"to" (accepted | refused | handed_over | withdrawn), "on"
 * (YYYY-MM-DD, default today, not before the request, not in the future), "outcome"
 * (the answer; required for refused), "border_crossing" (required for handed_over)}.
 * pending -> accepted | refused | withdrawn; accepted -> handed_over | withdrawn; any
 * other move is ERR_CONFLICT "returns_readmission_status" and changes nothing. Audited.
 * *out as returns_readmission_get. */
herr *returns_readmission_move(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out);

/* data/readmission_agreements.tsv as [{"code","states":[..],"answer_days","en","bs",
 * "sr"}]. Caller owns. */
json_t *returns_readmission_agreements(void);

/* For READM_REQ, with no actor: {"first_use": the first request's day as an ISO time or
 * null, "requests":[{"citizenship","sex","age_band":-1,"count"}]}: requests made or
 * received with requested_on in [from_iso, to_iso), each once, under its first person's
 * citizenship. Caller owns *out. */
herr *returns_readmission_breakdown(store *s, const char *from_iso, const char *to_iso,
                                    json_t **out);

#endif
