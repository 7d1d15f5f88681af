/* Finding people: by name words in any script or spelling the folding understands,
 * by id, registration number or phone; and the residents of a site. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define MAX_QUERY_TOKENS 3

/* Name search reads the name index (person_words, search_words.c): each query word is
 * a prefix of a folded word, or the word's consonant skeleton as the matcher computes it
 * ("Husaini" finds "Hussaini", "Мохамед" finds "Mohammad"); every word must match. The
 * index hands out people newest first (by rowid), so a page of a common name ends as
 * soon as it is full. */
static const char by_words_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM person_words w JOIN persons p ON p.rowid = w.rowid"
    " WHERE person_words MATCH :match AND p.merged_into IS NULL"
    " AND (:cursor IS NULL OR w.rowid < (SELECT c.rowid FROM persons c WHERE c.id = :cursor))"
    " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
    "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
    " AND " REGISTRY_PERSON_SCOPE " ORDER BY w.rowid DESC LIMIT :limit";

static const char exact_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p"
    " WHERE (p.id = :id OR p.reg_no = :reg_no OR p.reg_no LIKE :reg_prefix"
    "  OR replace(p.reg_no, '-', '') LIKE :reg_digits"
    "  OR p.phone_digits = :phone OR p.phone_digits LIKE :phone_suffix)"
    " AND p.merged_into IS NULL AND (:cursor IS NULL OR p.id < :cursor)"
    " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
    "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
    " AND " REGISTRY_PERSON_SCOPE " ORDER BY p.id DESC LIMIT :limit";

static const char all_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p"
    " WHERE p.merged_into IS NULL AND (:cursor IS NULL OR p.id < :cursor)"
    " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
    "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
    " AND " REGISTRY_PERSON_SCOPE " ORDER BY p.id DESC LIMIT :limit";

typedef enum { QUERY_ALL, QUERY_EXACT, QUERY_NAME } query_kind;

/* An id, a registration number ("LIP-23-004512") or a phone is looked up exactly;
 * anything else is name words. */
static query_kind classify(const char *q, char digits[33], char reg_no[40]) {
    if (!q || !q[0]) return QUERY_ALL;
    if (id_is_valid(q)) return QUERY_EXACT;
    size_t n = strlen(q), nd = 0, nalpha = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)q[i];
        if (isdigit(c)) {
            if (nd < 32) digits[nd] = (char)c;
            nd++;
        } else if (isalpha(c)) {
            nalpha++;
        } else if (!strchr("+ ()-./", c)) {
            other++;
        }
    }
    digits[nd < 32 ? nd : 32] = '\0';
    /* Digits alone: a phone number, or part of a registration number's digits. */
    if (nalpha == 0 && other == 0 && nd >= 3) return QUERY_EXACT;
    /* "LIP-23-0045": a registration number, or the start of one. */
    if (nd >= 2 && nalpha >= 2 && nalpha <= 6 && strchr(q, '-') && n < 40) {
        for (size_t i = 0; i <= n; i++) reg_no[i] = (char)toupper((unsigned char)q[i]);
        return QUERY_EXACT;
    }
    digits[0] = '\0';
    return QUERY_NAME;
}

/* The FTS5 query of the first MAX_QUERY_TOKENS words of the folded query:
 * ("moh"* OR "_7emht") AND ("ahm"* OR "_7eAmt"); terms hold only a-z, 0-9 and "_", so
 * quoting them is enough. Caller frees *out; NULL when there is no word. */
static herr *match_query(const char *q, char **out) {
    char *folded = NULL, *save = NULL;
    *out = NULL;
    herr *e = text_fold(q, &folded);
    if (e) return e;
    /* Each word: its term (3 bytes a byte at most), a skeleton term, quotes and operators. */
    size_t cap = 6 * strlen(folded) + MAX_QUERY_TOKENS * (2 * 3 * 64 + 32) + 1, len = 0;
    char *m = mem_alloc(cap);
    int n = 0;
    for (char *tok = strtok_r(folded, " ", &save); tok && n < MAX_QUERY_TOKENS;
         tok = strtok_r(NULL, " ", &save), n++) {
        char term[3 * 64 + 1], skel[64], skel_term[3 * 64 + 1];
        registry_fts_term(tok, term, sizeof term);
        registry_word_skeleton(tok, skel, sizeof skel);
        registry_fts_term(skel, skel_term, sizeof skel_term);
        len += (size_t)snprintf(m + len, cap - len, "%s(\"%s\"*", n ? " AND " : "", term);
        if (skel_term[0]) len += (size_t)snprintf(m + len, cap - len, " OR \"%s\"", skel_term);
        len += (size_t)snprintf(m + len, cap - len, ")");
    }
    mem_free(folded);
    if (n == 0) {
        mem_free(m);
        return NULL;
    }
    *out = m;
    return NULL;
}

herr *registry_person_search(store *s, const actor *a, const registry_person_query *q,
                             json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *items = json_array();
    char digits[33] = "", reg_no[40] = "";
    int limit = q->limit ? q->limit : 50;
    if (limit < 1 || limit > 200) {
        json_decref(items);
        return err_invalid("limit", "limit must be from 1 to 200");
    }
    if (q->cursor && !id_is_valid(q->cursor)) {
        json_decref(items);
        return err_invalid("cursor", "cursor is not one this server gave out");
    }
    query_kind kind = classify(q->q, digits, reg_no);
    char *match = NULL;
    herr *e = NULL;
    const char *sql = kind == QUERY_EXACT ? exact_sql : all_sql;
    bool pg = store_is_postgres(s);
    if (kind == QUERY_NAME) {
        if ((e = match_query(q->q, &match))) goto cleanup;
        if (!match) goto done; /* only punctuation: nothing can match */
        sql = pg ? registry_pg_by_words_sql : by_words_sql;
    }
    if ((e = store_prepare(s, sql, &st))) goto cleanup;
    if (kind == QUERY_NAME && pg) {
        if (!registry_pg_bind_words(st, q->q, &e)) goto cleanup;
    } else if (kind == QUERY_NAME) {
        store_bind_text(st, ":match", match);
    } else if (kind == QUERY_EXACT) {
        char suffix[40], contains[40], prefix[48];
        bool phone = strlen(digits) >= 6;
        snprintf(suffix, sizeof suffix, "%%%s", digits);
        snprintf(contains, sizeof contains, "%%%s%%", digits);
        snprintf(prefix, sizeof prefix, "%s%%", reg_no);
        store_bind_text(st, ":id", q->q);
        store_bind_text(st, ":reg_no", reg_no[0] ? reg_no : NULL);
        store_bind_text(st, ":reg_prefix", reg_no[0] ? prefix : NULL);
        store_bind_text(st, ":reg_digits", digits[0] ? contains : NULL);
        store_bind_text(st, ":phone", phone ? digits : NULL);
        store_bind_text(st, ":phone_suffix", phone ? suffix : NULL);
    }
    store_bind_text(st, ":cursor", q->cursor);
    store_bind_text(st, ":site", q->site_id);
    store_bind_int(st, ":limit", limit);
    registry_bind_scope(st, a, &scope);
    bool row;
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, registry_person_row(st));
    if (e) goto cleanup;
done:;
    size_t n = json_array_size(items);
    json_t *next =
        (int)n == limit ? json_string(json_str(json_array_get(items, n - 1), "id")) : json_null();
    *out = json_pack("{s:O,s:o}", "items", items, "next_cursor", next);
cleanup:
    store_done(st);
    mem_free(scope);
    mem_free(match);
    json_decref(items);
    return e;
}
