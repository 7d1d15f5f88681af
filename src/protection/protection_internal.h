/* Shared inside the protection module only. */
#ifndef HAVEN_PROTECTION_INTERNAL_H
#define HAVEN_PROTECTION_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* ---- sealing (keys.c) ------------------------------------------------------------ */

/* Copies the process key into out; false when none is loaded. */
bool prot_key_get(unsigned char out[32]);

/* Binds plain sealed for table/id/column (NULL plain binds NULL). ERR_CONFLICT when no
 * key is loaded. */
herr *prot_bind_sealed(store_stmt *st, const char *param, const char *table, const char *id,
                       const char *column, const char *plain);

/* Opens column col of the current row into *out (caller frees with mem_free); a NULL
 * column gives NULL. */
herr *prot_open_column(store_stmt *st, int col, const char *table, const char *id,
                       const char *column, char **out);

/* Sets json[key] to the opened column (a string, or null). */
herr *prot_open_into(store_stmt *st, int col, const char *table, const char *id, const char *column,
                     json_t *obj, const char *key);

/* ---- access (access.c) ----------------------------------------------------------- */

typedef struct {
    char break_glass_id[ID_LEN]; /* the grant used, or "" */
} prot_access;

/* ERR_FORBIDDEN / ERR_NOT_FOUND unless the actor may read the person's protection
 * details: protection.details and the person visible, or an open break-glass grant. */
herr *prot_check_person_read(store *s, const actor *a, const char *person_id, prot_access *acc);

/* Unless the actor has protection.write and may see the person. */
herr *prot_check_person_write(store *s, const actor *a, const char *person_id);

/* Lists span many people: only protection.details roles, never break-glass. */
herr *prot_check_lists(const actor *a);

/* Audits a read of details (entity, id) of a person, naming the break-glass grant. */
herr *prot_audit_read(store *s, const actor *a, const prot_access *acc, const char *entity,
                      const char *id, const char *person_id);

/* Audits a list read: one entry with the count and the ids of the records shown. */
herr *prot_audit_list(store *s, const actor *a, const char *entity, const json_t *items);

/* {"id","reg_no","given_name","family_name"} of each item's person_id into "person"
 * (people the actor may not see are left without). */
herr *prot_add_people(store *s, const actor *a, json_t *items);

/* The actor's sites as ",a,b," with :all for the scope test
 * `(:all = 1 OR :sites LIKE '%,' || x.site_id || ',%')`. Caller frees *scope. */
void prot_bind_scope(store_stmt *st, const actor *a, char **scope);

/* ERR_INVALID on field unless user_id names an active user whose role has
 * protection.details and who has site_id. */
herr *prot_check_worker(store *s, const char *user_id, const char *site_id, const char *field);

/* The site of the person's open stay into out ("" when none or not the actor's). */
herr *prot_current_site(store *s, const actor *a, const char *person_id, char out[ID_LEN]);

/* ---- small helpers (util.c; input checks are core/check.h's) ------------------- */

/* Sets obj[key] to the column as a string or null. */
void prot_set_col(json_t *obj, const char *key, store_stmt *st, int col);

/* The id and name an actor signs records with. */
#define PROT_BY(a) ((a)->user_id), ((a)->username)

/* Latest consent of the person to referral to the provider: *ok when given. */
herr *prot_referral_consent(store *s, const char *person_id, const char *provider_id, bool *ok,
                            char consent_id[ID_LEN]);

/* Provider's service type and active flag; ERR_INVALID on field when unknown. */
herr *prot_provider_lookup(store *s, const char *provider_id, const char *field,
                           char service_type[32], bool *active);

/* JSON of a person's referrals, consents, cases for the summary (no audit: the caller
 * audits the summary as a whole). */
herr *prot_referrals_of_person(store *s, const char *person_id, json_t **out);
herr *prot_cases_of_person(store *s, const actor *a, const char *person_id, json_t **out);
herr *prot_consents_of_person(store *s, const char *person_id, json_t **out);

/* Screenings of a person newest first, decrypted (no access check, no audit). */
herr *prot_screenings_of_person(store *s, const char *person_id, int limit, json_t **out);

/* The questionnaire's version number. */
int prot_questionnaire_version(void);

/* Risk categories raised by answers (validated against the questionnaire). */
herr *prot_questionnaire_evaluate(const json_t *answers, json_t **risks);

#endif
