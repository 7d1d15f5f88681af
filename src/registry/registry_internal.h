/* Shared inside the registry module only. */
#ifndef HAVEN_REGISTRY_INTERNAL_H
#define HAVEN_REGISTRY_INTERNAL_H

#include <jansson.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* {"fields":[names of the members of in]} for audit details: names, never values. */
json_t *registry_changed_fields(const json_t *in);

/* The actor's sites as ",id1,id2," for the portable scope test
 * `:sites LIKE '%,' || site_id || ',%'`; an admin's is "" with :all = 1. Caller frees. */
char *registry_scope(const actor *a);

/* Binds :all and :sites for a scoped statement. */
void registry_bind_scope(store_stmt *st, const actor *a, char **scope);

/* The SELECT list of a person, and the row turned into JSON. */
#define REGISTRY_PERSON_COLUMNS                                                                    \
    "p.id, p.reg_no, p.given_name, p.family_name, p.native_name, p.sex, p.birth_date,"             \
    " p.birth_date_precision, p.citizenship, p.languages, p.phone,"                                \
    " p.registration_site_id, p.registered_at, p.created_at, p.updated_at, p.merged_into"
json_t *registry_person_row(store_stmt *st);
/* The same, for a row whose person columns start at column c. */
json_t *registry_person_row_at(store_stmt *st, int c);

/* The SQL condition "the actor may see person p" (binds :all and :sites). */
#define REGISTRY_PERSON_SCOPE                                                                      \
    "(:all = 1 OR :sites LIKE '%,' || p.registration_site_id || ',%' OR EXISTS"                    \
    " (SELECT 1 FROM stays vs WHERE vs.person_id = p.id AND"                                       \
    " :sites LIKE '%,' || vs.site_id || ',%'))"

/* Stay JSON from the columns of REGISTRY_STAY_COLUMNS starting at col. */
#define REGISTRY_STAY_COLUMNS                                                                      \
    "t.id, t.person_id, t.site_id, t.bed, t.checked_in_at, t.checked_out_at,"                      \
    " t.checkout_reason, t.checkout_note"
json_t *registry_stay_row(store_stmt *st, int col);

/* Skeleton tokens of a person's names ("~mhmt", "~hsIn": a "~" and the matcher's
 * consonant skeleton of each normalised word), unique, appended to tokens: search then
 * finds spelling and script variants as the matcher does. */
herr *registry_name_skeletons(const char *given, const char *family, const char *native,
                              json_t *tokens);

/* The skeleton token of one query word ("Husaini" -> "~hsIn"), "" when it has none. */
void registry_word_skeleton(const char *word, char *out, size_t size);

/* Writes the skeleton tokens of every person that has none (databases from before
 * they existed). Its own transaction. */
herr *registry_backfill_skeletons(store *s);

/* The FTS term of a search token (search_words.c): bytes other than a-z and 0-9 as
 * "_" and two hex digits, so the tokenizer keeps it whole and case apart. */
void registry_fts_term(const char *token, char *out, size_t size);

/* Replaces the person's row in the name index (person_words) with these tokens. Inside
 * the caller's transaction. */
herr *registry_search_words_write(store *s, const char *person_id, const json_t *tokens);

/* Indexes every person the name index does not hold yet, from person_tokens. Its own
 * transaction. */
herr *registry_backfill_search_words(store *s);

/* PostgreSQL's variants (registry_pg.c): the name index's migration, and the name
 * search with its binder (binds :w1..:w3, their _end and :s1..:s3 from the query's
 * folded words; false, binding nothing useful, when there is no word). */
extern const char registry_pg_migration_6[];
extern const char registry_pg_by_words_sql[];
bool registry_pg_bind_words(store_stmt *st, const char *q, herr **err);

/* Folded search tokens of a person's names, unique, in a JSON array of strings. */
herr *registry_name_tokens(const char *given, const char *family, const char *native, json_t **out);

#endif

#ifndef HAVEN_REGISTRY_INTERNAL_STAY
#define HAVEN_REGISTRY_INTERNAL_STAY
#include <stdint.h>
/* Inside an open transaction: checks the site (exists, the actor's, active) and that
 * the person has no open stay, then inserts the stay and audits it. */
herr *registry_stay_insert(store *s, const actor *a, const char *person_id, const char *site_id,
                           const char *bed, int64_t at, json_t **out);
/* ERR_NOT_FOUND unless the site exists and is the actor's; ERR_CONFLICT if inactive. */
herr *registry_site_usable(store *s, const actor *a, const char *site_id, const char *field,
                           char code[8]);
#endif

#ifndef HAVEN_REGISTRY_INTERNAL_MATCH
#define HAVEN_REGISTRY_INTERNAL_MATCH
#include "match/match.h"
#include "registry/registry.h"
/* The match index of the store's database, loaded (and trained) on first use. The
 * index belongs to the registry; do not free it. */
herr *registry_match_index(store *s, match_index **out);
/* Fills r from a person's stored fields (strings are borrowed). */
void registry_match_record(const char *id, const char *given, const char *family,
                           const char *native, const char *sex, const char *birth_date,
                           const char *precision, const char *citizenship, match_record *r);
/* The installed document source, or NULL. */
const registry_document_source *registry_documents(void);
/* Points out[] at the members of docs ([{"type","country","number"}], borrowed: keep docs
 * alive while out is used); returns how many (at most MATCH_MAX_DOCUMENTS). */
size_t registry_match_documents(const json_t *docs, match_document out[MATCH_MAX_DOCUMENTS]);
/* The stored fields of a person that is not merged (*out {"id","given_name",...} or
 * NULL when there is none). */
herr *registry_match_stored(store *s, const char *id, json_t **out);
/* After a commit: reads the person again and puts the stored state into the index (or
 * takes a merged or missing person out), as one step among all refreshes (see
 * matching.c). Every write of the registry ends with it. Failures are logged. */
void registry_match_refresh(store *s, const char *id);
#endif
