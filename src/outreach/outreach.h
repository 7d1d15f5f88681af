/* outreach: mobile teams outside the centres (locations, visits, transports to a
 * centre) and surveys in the XLSForm standard (flow monitoring, displacement tracking).
 *
 * Three rules run through the module:
 *
 * - Offline first. Field staff work from a phone with no network; what they enter waits
 *   in the phone's outbox and is sent later, perhaps twice. So every record a phone
 *   creates carries an id made on the phone (a UUID, field "id"), and creating is
 *   idempotent: the same id with the same body answers the stored record again
 *   (*replayed is true, the route answers 200 instead of 201) and changes nothing; the
 *   same id with another body is ERR_CONFLICT. A body that was never stored is checked
 *   against today's rules, so an entry made offline under older rules (a form changed
 *   since, a location closed) comes back as ERR_INVALID naming the field, for the user
 *   to fix; a stored record is never re-checked.
 * - Anonymous by design. People met are counts by nationality, sex and age group;
 *   registered people are named only by their registration numbers, resolved within the
 *   actor's sites. A survey asks for names only if its form does.
 * - Writes validate their whole input first (ERR_INVALID naming the field), then write
 *   and audit in one transaction; the audit detail names fields, never answers.
 *
 * Locations and visits are not site data: every role with outreach.read sees them.
 * Transports go to a centre (a site of the actor); the desk of that centre checks the
 * arrival. Results are jansson objects owned by the caller. */
#ifndef HAVEN_OUTREACH_OUTREACH_H
#define HAVEN_OUTREACH_OUTREACH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Largest .xlsx accepted for a form, and the largest part of it unpacked. */
#define OUTREACH_XLSX_MAX      (4 * 1024 * 1024)
#define OUTREACH_XLSX_PART_MAX (16 * 1024 * 1024)

/* Creates or upgrades the module's tables (after registry and auth). */
herr *outreach_migrate(store *s);

/* ---- locations -------------------------------------------------------------------
 * Fields: id (UUID made by the client; made here when absent), name, kind (squat |
 * border_area | bus_station | train_station | roadside | informal_camp | other),
 * municipality, latitude, longitude (WGS 84, within the region: 40..47 N, 13..24 E),
 * notes, active (default true). */
herr *outreach_location_create(store *s, const actor *a, const json_t *in, json_t **out,
                               bool *replayed);

/* Changes name, kind, municipality, coordinates, notes or active. */
herr *outreach_location_update(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out);

/* {"items":[location + "visits","people","last_visit"]} by name; all when
 * include_inactive, else only active ones. */
herr *outreach_location_list(store *s, bool include_inactive, json_t **out);

/* The location kinds: ["squat", ...]. */
json_t *outreach_location_kinds(void);

/* ---- visits ----------------------------------------------------------------------
 * Fields: id (client UUID), location_id (an active location), visited_on (YYYY-MM-DD,
 * not in the future), team (names, 1..10), people ([{"nationality" ISO 3166 or
 * "unknown", "sex" M|F, "age_group" adult|minor, "count"}]), registration_numbers
 * (people met who are registered, resolved within the actor's sites), services
 * ({"food","water","clothes","first_aid","information","referral"}: how many people
 * got each), transports ([{"site_id" a centre of the actor, "people"}]: no more than
 * were met), notes. At least one person met. */
herr *outreach_visit_create(store *s, const actor *a, const json_t *in, json_t **out,
                            bool *replayed);

/* One visit with its counts, services, transports and registration numbers. */
herr *outreach_visit_get(store *s, const actor *a, const char *id, json_t **out);

typedef struct {
    const char *location_id; /* NULL: all */
    const char *month;       /* "YYYY-MM" or NULL */
    int limit;               /* 1..500 */
} outreach_visit_query;

/* {"items":[visit summary...]} newest first. */
herr *outreach_visit_list(store *s, const outreach_visit_query *q, json_t **out);

/* The services a visit may give: ["food", ...]. */
json_t *outreach_services(void);

/* ---- transports ------------------------------------------------------------------ */

/* {"items":[transport...]} to site_id (one of the actor's sites; NULL: all of them),
 * only those not yet checked when pending. */
herr *outreach_transport_list(store *s, const actor *a, const char *site_id, bool pending,
                              json_t **out);

/* The desk of the destination records how many of the people arrived. Fields: arrived
 * (0..people), note. ERR_CONFLICT when already checked; ERR_NOT_FOUND unless the
 * destination is one of the actor's sites. */
herr *outreach_transport_arrival(store *s, const actor *a, const char *id, const json_t *in,
                                 json_t **out);

/* ---- figures --------------------------------------------------------------------- */

/* Figures of a month ("YYYY-MM"; NULL: this month): totals (visits, people by sex and
 * age group, by nationality, services, transported, arrived), one row per location,
 * and the totals of the twelve months up to it ("months"). */
herr *outreach_figures(store *s, const char *month, json_t **out);

/* ---- surveys (XLSForm) -------------------------------------------------------------
 * A form is imported from an .xlsx file in the XLSForm layout (sheets survey, choices,
 * settings). Importing a file whose settings.form_id names a form already here makes
 * a new version of it; submissions are checked against the newest version. What Haven
 * cannot evaluate (a question type, a function, a column such as choice_filter) is
 * refused with every problem found: ERR_INVALID, and *problems receives
 * [{"sheet","row","column","message"}] (caller frees; NULL when none). */
herr *outreach_form_import(store *s, const actor *a, const void *xlsx, size_t len, json_t **out,
                           json_t **problems);

/* {"items":[{"id","form_id","title","version","submissions","imported_at"}]}. */
herr *outreach_form_list(store *s, json_t **out);

/* The form as the browser fills it: {"id","form_id","title","version","languages",
 * "questions":[...],"choices":{...}}. */
herr *outreach_form_get(store *s, const char *id, json_t **out);

/* Fields: id (client UUID), data (question name -> answer: string, number, or array of
 * choice names for select_multiple), started_at, ended_at (ISO 8601, optional). The
 * answers are checked as the form says (types, required, relevance, constraints);
 * answers to questions that are not relevant are dropped, calculations recomputed. A
 * rejected answer is ERR_INVALID on "data.<name>". */
herr *outreach_submission_create(store *s, const actor *a, const char *form_id, const json_t *in,
                                 json_t **out, bool *replayed);

/* {"items":[{"id","number","submitted_at","submitted_by","data"}]} newest first. */
herr *outreach_submission_list(store *s, const char *form_id, int limit, json_t **out);

/* Per question: answered, and counts and shares per choice (select), or n, mean, min,
 * max (numbers), as {"form":{...},"submissions":n,"questions":[...]}. */
herr *outreach_form_summary(store *s, const char *form_id, json_t **out);

typedef enum { OUTREACH_CSV, OUTREACH_XLSX } outreach_format;

/* The submissions in KoboToolbox's export layout (see docs/outreach.md): group paths
 * as headers, select_multiple as one column plus one 0/1 column per choice, geopoints
 * split, then _id, _uuid, _submission_time, ..., _index. CSV is ';'-separated with
 * every field quoted, as Kobo's. Audited as an export. *data is mem_alloc'ed. */
herr *outreach_export(store *s, const actor *a, const char *form_id, outreach_format format,
                      char **data, size_t *len, char **filename);

/* ---- demo ------------------------------------------------------------------------ */

/* About eighty locations in Una-Sana canton and Sarajevo, a month of visits with
 * transports, and a flow-monitoring form with responses, through the functions above
 * (inside the caller's transaction). */
herr *outreach_demo_load(store *s, unsigned long long seed);

#endif
