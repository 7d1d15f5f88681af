/* The full-text index of name words (SQLite FTS5, table person_words): one row per
 * person, keyed by the person's rowid, holding their search tokens. A query of common
 * words ("moh ahm") is answered from the index's own posting lists newest first and
 * stops at the page's end, instead of collecting every person with the rarest word and
 * sorting them (40x faster on 20,000 people: docs/benchmarks.md). person_tokens stays
 * the source of truth; this index is rebuilt from it when missing. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "registry/registry_internal.h"

/* A token as an FTS term: lower-case letters and digits as they are, every other byte
 * as "_" and two hex digits ("~hsIn" -> "_7ehs_49n"). The tokenizer then neither folds
 * the skeletons' capitals nor splits at punctuation, and a prefix of a token is a prefix
 * of its term. */
void registry_fts_term(const char *token, char *out, size_t size) {
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)token; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        size_t need = plain ? 1 : 3;
        if (n + need + 1 > size) break;
        if (plain) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '_';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    if (size) out[n] = '\0';
}

/* The terms of a token list, space separated. */
static char *terms_text(const json_t *tokens) {
    size_t cap = 1, i, len = 0;
    json_t *t;
    json_array_foreach(tokens, i, t) cap += 3 * strlen(json_string_value(t)) + 1;
    char *out = mem_alloc(cap);
    out[0] = '\0';
    json_array_foreach(tokens, i, t) {
        if (len) out[len++] = ' ';
        registry_fts_term(json_string_value(t), out + len, cap - len);
        len += strlen(out + len);
    }
    return out;
}

static const char words_delete_sql[] =
    "DELETE FROM person_words WHERE rowid = (SELECT rowid FROM persons WHERE id = :id)";
static const char words_insert_sql[] =
    "INSERT INTO person_words (rowid, words) SELECT rowid, :words FROM persons WHERE id = :id";

herr *registry_search_words_write(store *s, const char *person_id, const json_t *tokens) {
    store_stmt *st = NULL;
    char *words = terms_text(tokens);
    herr *e = store_prepare(s, words_delete_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", person_id);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, words_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", person_id);
    store_bind_text(st, ":words", words);
    e = store_run_done(&st);
cleanup:
    store_done(st);
    mem_free(words);
    return e;
}

static const char unindexed_sql[] =
    "SELECT p.id FROM persons p"
    " WHERE NOT EXISTS (SELECT 1 FROM person_words w WHERE w.rowid = p.rowid)";
static const char tokens_of_sql[] =
    "SELECT token FROM person_tokens WHERE person_id = :id ORDER BY token";

herr *registry_backfill_search_words(store *s) {
    store_stmt *st = NULL;
    json_t *ids = json_array(), *tokens = NULL;
    bool row, began = false;
    herr *e = store_prepare(s, unindexed_sql, &st);
    while (!e && !(e = store_step(st, &row)) && row)
        json_array_append_new(ids, json_string(store_text(st, 0)));
    store_done(st);
    st = NULL;
    if (e || json_array_size(ids) == 0) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        tokens = json_array();
        if ((e = store_prepare(s, tokens_of_sql, &st))) goto cleanup;
        store_bind_text(st, ":id", json_string_value(id));
        while (!(e = store_step(st, &row)) && row)
            json_array_append_new(tokens, json_string(store_text(st, 0)));
        store_done(st);
        st = NULL;
        if (e || (e = registry_search_words_write(s, json_string_value(id), tokens))) goto cleanup;
        json_decref(tokens);
        tokens = NULL;
    }
    e = store_commit(s);
    began = false;
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(tokens);
    json_decref(ids);
    return e;
}
