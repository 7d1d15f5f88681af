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

/* Name search is driven by the token index: each word is a prefix range of the folded
 * words, or the word's consonant skeleton as the matcher computes it (:sN, "~hsIn"), so
 * "Husaini" finds "Hussaini" and "Мохамед" finds "Mohammad"; the rarest word (:t1)
 * finds the people, the others are checked against each one's own words. */
static const char by_tokens_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p"
    " WHERE p.id IN (SELECT person_id FROM person_tokens WHERE (token >= :t1 AND token < :t1_end) OR token = :s1)"
    " AND (:t2 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND ((x.token >= :t2 AND x.token < :t2_end) OR x.token = :s2)))"
    " AND (:t3 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND ((x.token >= :t3 AND x.token < :t3_end) OR x.token = :s3)))"
    " AND p.merged_into IS NULL AND (:cursor IS NULL OR p.id < :cursor)"
    " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
    "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
    " AND " REGISTRY_PERSON_SCOPE " ORDER BY p.id DESC LIMIT :limit";

/* When even the rarest word is very common ("moh ahm"), walking people newest first
 * and checking their words finds a page sooner than collecting every match. */
static const char by_scan_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p"
    " WHERE p.merged_into IS NULL AND (:cursor IS NULL OR p.id < :cursor)"
    " AND EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND ((x.token >= :t1 AND x.token < :t1_end) OR x.token = :s1))"
    " AND (:t2 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND ((x.token >= :t2 AND x.token < :t2_end) OR x.token = :s2)))"
    " AND (:t3 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND ((x.token >= :t3 AND x.token < :t3_end) OR x.token = :s3)))"
    " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
    "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
    " AND " REGISTRY_PERSON_SCOPE " ORDER BY p.id DESC LIMIT :limit";

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

/* The smallest string greater than every string starting with prefix. */
static void prefix_end(const char *prefix, char *out, size_t size) {
    snprintf(out, size, "%s", prefix);
    size_t n = strlen(out);
    if (n) out[n - 1] = (char)(out[n - 1] + 1);
}

#define DRIVER_COUNT_CAP 5000

typedef struct {
    char *folded;                  /* owns the words */
    char *words[MAX_QUERY_TOKENS]; /* rarest first */
    int counts[MAX_QUERY_TOKENS];
    int n;
} query_words;

/* Folds the query into words and orders them by how many people have them. */
static herr *query_words_read(store *s, const char *q, query_words *w) {
    memset(w, 0, sizeof *w);
    herr *e = text_fold(q, &w->folded);
    if (e) return e;
    char *save = NULL;
    for (char *tok = strtok_r(w->folded, " ", &save); tok && w->n < MAX_QUERY_TOKENS;
         tok = strtok_r(NULL, " ", &save)) {
        char end[128];
        int c = 0;
        prefix_end(tok, end, sizeof end);
        if ((e = registry_token_count(s, tok, end, DRIVER_COUNT_CAP, &c))) return e;
        char skel[64], skel_end[66];
        registry_word_skeleton(tok, skel, sizeof skel);
        if (skel[0]) {
            int cs = 0;
            snprintf(skel_end, sizeof skel_end, "%s\x01", skel); /* skel exactly */
            if ((e = registry_token_count(s, skel, skel_end, DRIVER_COUNT_CAP, &cs))) return e;
            c += cs;
        }
        int k = w->n++;
        while (k > 0 && w->counts[k - 1] > c) {
            w->words[k] = w->words[k - 1];
            w->counts[k] = w->counts[k - 1];
            k--;
        }
        w->words[k] = tok;
        w->counts[k] = c;
    }
    return NULL;
}

static void bind_words(store_stmt *st, const query_words *w) {
    for (int i = 0; i < MAX_QUERY_TOKENS; i++) {
        char name[16], end_name[24], end[128];
        snprintf(name, sizeof name, ":t%d", i + 1);
        snprintf(end_name, sizeof end_name, ":t%d_end", i + 1);
        if (i < w->n) prefix_end(w->words[i], end, sizeof end);
        store_bind_text(st, name, i < w->n ? w->words[i] : NULL);
        store_bind_text(st, end_name, i < w->n ? end : NULL);
        char skel_name[16], skel[64] = "";
        snprintf(skel_name, sizeof skel_name, ":s%d", i + 1);
        if (i < w->n) registry_word_skeleton(w->words[i], skel, sizeof skel);
        store_bind_text(st, skel_name, skel[0] ? skel : NULL);
    }
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
    query_words words = {0};
    herr *e = NULL;
    const char *sql = kind == QUERY_EXACT ? exact_sql : all_sql;
    if (kind == QUERY_NAME) {
        if ((e = query_words_read(s, q->q, &words))) goto cleanup;
        if (words.n == 0) goto done; /* only punctuation: nothing can match */
        sql = words.counts[0] >= DRIVER_COUNT_CAP ? by_scan_sql : by_tokens_sql;
    }
    if ((e = store_prepare(s, sql, &st))) goto cleanup;
    if (kind == QUERY_NAME) {
        bind_words(st, &words);
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
    mem_free(words.folded);
    json_decref(items);
    return e;
}
