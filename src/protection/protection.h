/* protection: vulnerability screening, consent, referrals to service providers and
 * case management for people at risk, on a need-to-know basis.
 *
 * This is the most sensitive data Haven holds, so three rules run through the module:
 *
 * - Need to know. Details (screening answers and risks, consents, referrals, cases,
 *   notes) are read only by roles with the permission "protection.details" (the
 *   protection officer) for people of their sites (a person is of a site when
 *   registered or ever staying there; a case belongs to one site's team), and by
 *   roles with "protection.break_glass" (admin) only for a person they have opened by
 *   protection_break_glass_open, for a limited time. Everyone else, at most, learns from
 *   protection_person_flag that a person "has protection needs". A record the actor
 *   may not see is ERR_NOT_FOUND, as in the registry.
 * - Every read of details is audited (audit_record_read), as well as every write; the
 *   audit detail carries ids and field names, never the values.
 * - Encryption at rest. Answers, risk categories, notes and every free-text field are
 *   sealed with XChaCha20-Poly1305 under a key kept in a file outside the database
 *   (see the key functions); the record id and field are the associated data. What a
 *   copied database still shows in clear: that a person was screened, whether any risk
 *   was found, and the referrals' providers and states and the cases' dates (see
 *   docs/protection.md).
 *
 * Writes validate their whole JSON input first (ERR_INVALID naming the field), then
 * write and audit in one transaction; a transition the state does not allow is
 * ERR_CONFLICT. Results are jansson objects owned by the caller. */
#ifndef HAVEN_PROTECTION_PROTECTION_H
#define HAVEN_PROTECTION_PROTECTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/crypto.h"
#include "core/err.h"
#include "store/store.h"

#define PROTECTION_DEFAULT_OVERDUE_DAYS        7
#define PROTECTION_BREAK_GLASS_DEFAULT_MINUTES 30
#define PROTECTION_BREAK_GLASS_MAX_MINUTES     240

/* Creates or upgrades the module's tables (after registry and auth). */
herr *protection_migrate(store *s);

/* ---- the key ------------------------------------------------------------------
 * One process-wide key, set once at start (haven serve, haven init) before any thread
 * uses it. Its fingerprint is stored in the database so that a wrong key file is
 * refused at start rather than found out at the first read. */

/* The key file to use: explicit when given, else $HAVEN_KEY_FILE, else
 * "<db_path>.key". Writes into out (size bytes); ERR_INVALID when too long. */
herr *protection_key_path(const char *db_path, const char *explicit_path, char *out, size_t size);

/* Loads the key file and makes it the process's key after checking it against the
 * database's fingerprint. When the file is missing and the database holds no
 * fingerprint yet (a new database), and may_create is true, a new random key is
 * written to path (mode 0600) and its fingerprint stored. Fails with ERR_NOT_FOUND when
 * the file is missing for a database that has a key, ERR_CONFLICT when the file holds
 * another database's key, ERR_FORBIDDEN when others may read it. */
herr *protection_key_setup(store *s, const char *path, bool may_create);

/* Uses key as the process's key without any file (tests). */
void protection_key_use(const unsigned char key[CRYPTO_KEY_LEN]);

/* True when the process has its key (for /healthz). */
bool protection_key_loaded(void);

/* Forgets the process's key (wiped from memory). */
void protection_key_forget(void);

/* Re-encrypts every sealed value under a new random key in one transaction. The old
 * key file is copied to "<path>.old" first and removed when all is done; the new key is
 * written to "<path>.new", the transaction commits, then it is renamed over path. A
 * crash leaves the right key in one of path, path.new or path.old (docs/protection.md).
 * Stop servers using the database first. *count receives the values re-encrypted. */
herr *protection_key_rotate(store *s, const char *path, long *count);

/* Seals plain (NUL-terminated) under the process key for the record table/id/column,
 * for other modules that keep data under the same key (feedback's PSEA reports; their
 * columns are listed in the key rotation). *out: base64 text the caller frees with
 * mem_free. ERR_CONFLICT when no key is loaded. */
herr *protection_seal_text(const char *table, const char *id, const char *column, const char *plain,
                           char **out);

/* Opens a value of protection_seal_text for the same table/id/column into a new string
 * (*out, mem_free). ERR_CONFLICT without a key; ERR_IO when damaged, under another key
 * or of another record. */
herr *protection_open_text(const char *table, const char *id, const char *column,
                           const char *sealed, char **out);

/* ---- the questionnaire --------------------------------------------------------- */

/* data/screening.json: {"version","categories":[...],"questions":[...]} with labels in
 * en, bs and sr. Caller owns the copy. */
json_t *protection_questionnaire(void);

/* True when code is a risk category of the questionnaire. */
bool protection_category_valid(const char *code);

/* ---- need to know -------------------------------------------------------------- */

/* *has_needs is true when the person's latest screening found a risk or the person has
 * an open case. Carries no detail, so it is not audited; for the registration desk's
 * "has protection needs: contact protection team". The caller has already checked that
 * the actor may see the person. */
herr *protection_person_flag(store *s, const char *person_id, bool *has_needs);

/* The same for a person as the registry shows them (registry_person_get): the record,
 * the records merged into it ("merged") and the one it was merged into
 * ("merged_into"), so that protection needs follow a person across a merge of
 * duplicate registrations. */
herr *protection_person_flag_group(store *s, const json_t *person, bool *has_needs);

/* Opens an administrator's access to one person's protection details for minutes
 * (default PROTECTION_BREAK_GLASS_DEFAULT_MINUTES, at most ..._MAX_MINUTES). Fields:
 * person_id, reason (required, at least 10 characters, sealed), minutes. Audited as
 * "break_glass". Only roles with protection.break_glass; others ERR_FORBIDDEN. Returns
 * {"id","person_id","opened_at","expires_at"}. */
herr *protection_break_glass_open(store *s, const actor *a, const json_t *in, json_t **out);

/* ---- screening ------------------------------------------------------------------
 * Fields: site_id (required: where the screening took place, one of the actor's sites),
 * answers (object: question id -> true/false, an option code, an array of option codes
 * or text, as the question's type says; "required" questions must be answered),
 * additional_risks (categories the screener adds), note (text), screened_at (default
 * now). The risks are those the answers raise plus additional_risks. A new screening
 * never replaces an old one: the history stays. */
herr *protection_screening_create(store *s, const actor *a, const char *person_id, const json_t *in,
                                  json_t **out);

/* {"items":[screening...]} newest first, answers and risks decrypted. Audited. */
herr *protection_screening_list(store *s, const actor *a, const char *person_id, json_t **out);

/* A person's protection file: latest risks, screenings, consents, referrals and cases
 * (cases of the actor's sites only), including those of duplicate registrations merged
 * into the person. Audited. */
herr *protection_person_summary(store *s, const actor *a, const char *person_id, json_t **out);

/* ---- consent --------------------------------------------------------------------
 * Fields: kind (registration | referral | data_sharing), provider_id (required for
 * referral: consent is to one named provider), given (true; false records a withdrawal),
 * method (verbal | written), given_at (default now), note (text). */
herr *protection_consent_record(store *s, const actor *a, const char *person_id, const json_t *in,
                                json_t **out);

/* {"items":[consent...]} newest first. Audited. */
herr *protection_consent_list(store *s, const actor *a, const char *person_id, json_t **out);

/* ---- service providers -------------------------------------------------------------
 * Fields: name, organisation, service_type (medical | mhpss | legal_aid |
 * child_protection | safe_shelter | gbv_services | other), contact, sites (site ids
 * served), active. Not personal data: readable with protection.directory. */
herr *protection_provider_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *protection_provider_update(store *s, const actor *a, const char *id, const json_t *in,
                                 json_t **out);
/* {"items":[provider...]} serving any of the actor's sites (site_id: only that one). */
herr *protection_provider_list(store *s, const actor *a, const char *site_id, json_t **out);
/* Service types with labels: [{"code","en","bs","sr"}]. */
json_t *protection_service_types(void);

/* ---- referrals ------------------------------------------------------------------
 * Lifecycle: draft -> sent -> accepted | declined; accepted -> service_delivered ->
 * closed; declined -> closed; accepted -> closed (the service did not happen). Each
 * step is dated and signed. Creating needs the person's consent to referral to that
 * provider (latest consent given, not withdrawn), else ERR_INVALID on "consent".
 * Fields: person_id, provider_id, site_id (default: the person's current stay if it is
 * the actor's), urgency (normal | urgent), reason (text, sealed), send (bool: create
 * already sent). */
herr *protection_referral_create(store *s, const actor *a, const json_t *in, json_t **out);

/* Moves a referral. Fields: to (the next state), note (text, sealed), at (default now;
 * not before the previous step). A transition the lifecycle does not allow:
 * ERR_CONFLICT naming "to". */
herr *protection_referral_transition(store *s, const actor *a, const char *id, const json_t *in,
                                     json_t **out);

/* The referral with its steps and notes. Audited. */
herr *protection_referral_get(store *s, const actor *a, const char *id, json_t **out);

typedef struct {
    const char *state;       /* one state, or NULL for all */
    const char *provider_id; /* or NULL */
    const char *site_id;     /* or NULL: all the actor's sites */
    int overdue_days;        /* > 0: only sent referrals with no answer for this long */
    int limit;               /* 1..500 (default 100) */
} protection_referral_query;

/* {"items":[referral summary...]} of the actor's sites, newest first; summaries carry
 * no free text. Audited (one entry listing the referral ids). Break-glass does not open
 * lists: ERR_FORBIDDEN for an administrator. */
herr *protection_referral_list(store *s, const actor *a, const protection_referral_query *q,
                               json_t **out);

/* ---- cases ----------------------------------------------------------------------
 * Open fields: person_id, site_id (the team's site; default the person's current
 * stay), worker_id (a protection user of that site; default the actor), risk_level
 * (high | medium), guardian (text, sealed: for unaccompanied children), summary (text,
 * sealed). One open case per person (ERR_CONFLICT). */
herr *protection_case_open(store *s, const actor *a, const json_t *in, json_t **out);

/* Changes worker_id, risk_level, guardian or summary of an open case. */
herr *protection_case_update(store *s, const actor *a, const char *id, const json_t *in,
                             json_t **out);

/* The case with its plan (actions), notes and follow-ups, best-interests assessments
 * and events, all decrypted. Audited. */
herr *protection_case_get(store *s, const actor *a, const char *id, json_t **out);

/* {"items":[case summary...]} of the actor's sites; state "open" | "closed" | NULL,
 * mine: only cases assigned to the actor. Audited. */
herr *protection_case_list(store *s, const actor *a, const char *state, bool mine, json_t **out);

/* Plan actions. Add fields: description (text, sealed, required), due_date
 * (YYYY-MM-DD, required). Update fields: status (open | done | cancelled), due_date,
 * description. */
herr *protection_case_action_add(store *s, const actor *a, const char *case_id, const json_t *in,
                                 json_t **out);
herr *protection_case_action_update(store *s, const actor *a, const char *case_id,
                                    const char *action_id, const json_t *in, json_t **out);

/* A case note or follow-up. Fields: kind (note | follow_up), text (required, sealed),
 * next_follow_up (YYYY-MM-DD: sets the case's next follow-up date). */
herr *protection_case_note_add(store *s, const actor *a, const char *case_id, const json_t *in,
                               json_t **out);

/* Hands an open case to another site's team when the person moves. Fields: site_id
 * (required, another site), worker_id (a protection user of that site, optional),
 * note (text, sealed). The old team loses access to the case. Any protection user may
 * transfer a case of their sites to any site. */
herr *protection_case_transfer(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out);

/* Closes an open case. Fields: reason (goals_met | moved_on | transferred_out |
 * returned | no_longer_at_risk | lost_contact | other, required), note (text, sealed).
 * Closing a closed case: ERR_CONFLICT. */
herr *protection_case_close(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out);

/* A best-interests assessment (children). Fields: assessed_at (default now), outcome
 * (remain_in_care | family_tracing | family_reunification | alternative_care |
 * specialised_services | other, required), summary (text, required, sealed). */
herr *protection_case_bia_add(store *s, const actor *a, const char *case_id, const json_t *in,
                              json_t **out);

/* Protection officers a case may be assigned to: active users whose role has
 * protection.details and who work at site_id (or, when NULL, at any of the actor's
 * sites): {"items":[{"id","username","display_name","sites":[...]}]}. */
herr *protection_worker_list(store *s, const actor *a, const char *site_id, json_t **out);

/* The protection team's worklist for one of the actor's sites, over the people checked
 * in there now: {"site_id","residents","unscreened":[{"person","checked_in_at","bed"}],
 * "at_risk":[{"person","screened_at","risks","referrals_open","open_case_id"}]}
 * (at most 200 of each, newest arrivals first). Audited as a list read. */
herr *protection_worklist(store *s, const actor *a, const char *site_id, json_t **out);

/* ---- figures ----------------------------------------------------------------------- */

/* The protection dashboard over the actor's sites for from..to (YYYY-MM-DD, inclusive;
 * default the last 30 days): screenings, persons screened with risks, persons with
 * risks by category, referrals by state and by provider, cases open, referrals with no
 * answer after overdue_days (0: PROTECTION_DEFAULT_OVERDUE_DAYS) and overdue plan
 * actions. Aggregates only; audited as a read of "protection_figures". */
herr *protection_dashboard(store *s, const actor *a, const char *from, const char *to,
                           int overdue_days, json_t **out);

/* Figures for the statistics module, over all sites, for from..to (YYYY-MM-DD):
 * {"from","to","screenings","persons_screened","persons_with_risks",
 *  "persons_with_risks_by_category":{code:n},"referrals":n,
 *  "referrals_by_service_type":{code:n},"cases_opened":n}. Needs the key (to count
 * categories). No actor: the caller decides who sees aggregates. */
herr *protection_period_figures(store *s, const char *from, const char *to, json_t **out);

/* The breakdown the statistics module turns into indicators (src/stats): the screenings
 * and referrals of from..to (YYYY-MM-DD, inclusive; all sites) counted per group of
 * persons with the same recorded citizenship and sex and the same age band, age being
 * in completed years on `to`. A record merged into another counts as the survivor and
 * is described by the survivor's record.
 *
 * Why groups and not rows: risk categories are sealed, and a person's categories beside
 * their citizenship, sex and birth date are that person's protection details. They are
 * opened here and only counts leave; the finest a caller gets is a count per (recorded
 * citizenship, sex, age band), which the caller's disclosure control must still treat as
 * small. */
typedef struct {
    const char *from, *to;     /* YYYY-MM-DD, inclusive */
    const int *age_from;       /* lower bounds of the age bands in years, increasing */
    size_t n_ages;             /* 1..16 */
    const json_t *risk_groups; /* {"name":["category",...]}: at most 32 named sets */
} protection_breakdown_query;

/* *out: {"from","to","groups":[{"citizenship","sex" (as recorded, or null),"age_band"
 * (index into age_from; null when the birth date is unknown or the person younger than
 * the first band),"screenings" (screenings of the period),"persons_screened",
 * "persons_with_risks" (screened with at least one risk),"risk_groups":{name: persons
 * with at least one of its categories},"referrals" (referrals sent in the period)}]}.
 * A person screened several times counts once, with every risk category found in the
 * period. Needs the key when a screening of the period found a risk (ERR_CONFLICT
 * otherwise). ERR_INVALID naming "from", "to", "age_from" or "risk_groups" (an unknown
 * category). No actor: the caller decides who sees aggregates. Caller owns *out. */
herr *protection_period_breakdown(store *s, const protection_breakdown_query *q, json_t **out);

/* ---- demo -------------------------------------------------------------------------- */

/* Adds providers, consents, screenings (about one person in three screened, 17% of
 * them with risks, as in 2023), referrals in every state and a few cases to a demo
 * database, inside the caller's transaction. Needs the key. */
herr *protection_demo_load(store *s, unsigned long long seed);

#endif
