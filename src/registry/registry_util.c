#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "match/match.h"
#include "core/text.h"
#include "registry/registry_internal.h"

json_t *registry_changed_fields(const json_t *in) {
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_array_append_new(names, json_string(key));
    return json_pack("{s:o}", "fields", names);
}

char *registry_scope(const actor *a) {
    size_t n = 2 + a->n_sites * (ID_LEN + 1);
    char *s = mem_alloc(n);
    strcpy(s, ",");
    for (size_t i = 0; i < a->n_sites; i++) {
        strcat(s, a->site_ids[i]);
        strcat(s, ",");
    }
    return s;
}

void registry_bind_scope(store_stmt *st, const actor *a, char **scope) {
    *scope = registry_scope(a);
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", *scope);
}

json_t *registry_person_row(store_stmt *st) { return registry_person_row_at(st, 0); }

json_t *registry_person_row_at(store_stmt *st, int c) {
    json_t *p = json_object();
    static const char *const text_cols[] = {"id",
                                            "reg_no",
                                            "given_name",
                                            "family_name",
                                            "native_name",
                                            "sex",
                                            "birth_date",
                                            "birth_date_precision",
                                            "citizenship",
                                            NULL,
                                            "phone",
                                            "registration_site_id",
                                            "registered_at",
                                            "created_at",
                                            "updated_at",
                                            "merged_into"};
    for (int i = 0; i < 16; i++) {
        if (!text_cols[i]) continue;
        json_object_set_new(p, text_cols[i],
                            store_is_null(st, c + i) ? json_null()
                                                     : json_string(store_text(st, c + i)));
    }
    json_t *langs = json_array();
    const char *stored = store_text(st, c + 9);
    char *copy = mem_strdup(stored ? stored : "");
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(langs, json_string(tok));
    mem_free(copy);
    json_object_set_new(p, "languages", langs);
    return p;
}

json_t *registry_stay_row(store_stmt *st, int c) {
    json_t *s = json_object();
    static const char *const cols[] = {"id",
                                       "person_id",
                                       "site_id",
                                       "bed",
                                       "checked_in_at",
                                       "checked_out_at",
                                       "checkout_reason",
                                       "checkout_note"};
    for (int i = 0; i < 8; i++)
        json_object_set_new(s, cols[i],
                            store_is_null(st, c + i) ? json_null()
                                                     : json_string(store_text(st, c + i)));
    return s;
}

herr *registry_name_tokens(const char *given, const char *family, const char *native,
                           json_t **out) {
    const char *parts[] = {given, family, native};
    json_t *tokens = json_array();
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !parts[i][0]) continue;
        char *folded = NULL;
        herr *e = text_fold(parts[i], &folded);
        if (e) {
            json_decref(tokens);
            return e;
        }
        char *save = NULL;
        for (char *tok = strtok_r(folded, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            bool seen = false;
            size_t k;
            json_t *t;
            json_array_foreach(tokens, k, t) seen = seen || !strcmp(json_string_value(t), tok);
            if (!seen) json_array_append_new(tokens, json_string(tok));
        }
        mem_free(folded);
    }
    *out = tokens;
    return NULL;
}

static void add_unique(json_t *tokens, const char *tok) {
    size_t k;
    json_t *t;
    json_array_foreach(tokens, k, t) if (!strcmp(json_string_value(t), tok)) return;
    json_array_append_new(tokens, json_string(tok));
}

void registry_word_skeleton(const char *word, char *out, size_t size) {
    char *skel = NULL;
    out[0] = '\0';
    /* A word with digits ("Board0777", a number) is no name: no skeleton to widen it. */
    for (const char *p = word; *p; p++)
        if (*p >= '0' && *p <= '9') return;
    herr *e = match_phonetic_key(word, &skel);
    if (e) {
        err_free(e); /* not a name the matcher reads: prefix search alone */
        return;
    }
    if (skel[0] && strlen(skel) + 2 <= size) snprintf(out, size, "~%s", skel);
    mem_free(skel);
}

herr *registry_name_skeletons(const char *given, const char *family, const char *native,
                              json_t *tokens) {
    const char *parts[] = {given, family, native};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !parts[i][0]) continue;
        char *norm = NULL;
        herr *e = match_normalize_name(parts[i], &norm);
        if (e) return e;
        char *save = NULL;
        for (char *w = strtok_r(norm, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            char tok[256];
            registry_word_skeleton(w, tok, sizeof tok);
            if (tok[0]) add_unique(tokens, tok);
        }
        mem_free(norm);
    }
    return NULL;
}

static const char unskeletoned_sql[] =
    "SELECT p.id, p.given_name, p.family_name, p.native_name FROM persons p"
    " WHERE NOT EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id"
    "  AND x.token >= '~' AND x.token < '\x7f')";

herr *registry_backfill_skeletons(store *s) {
    store_stmt *st = NULL, *ins = NULL;
    json_t *rows = json_array();
    bool row, began = false;
    herr *e = store_prepare(s, unskeletoned_sql, &st);
    while (!e && !(e = store_step(st, &row)) && row) {
        json_t *toks = json_array();
        e = registry_name_skeletons(store_text(st, 1), store_text(st, 2), store_text(st, 3), toks);
        json_array_append_new(rows, json_pack("{s:s,s:o}", "id", store_text(st, 0), "t", toks));
    }
    store_done(st);
    if (e || json_array_size(rows) == 0) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    size_t i, k;
    json_t *r, *t;
    json_array_foreach(rows, i, r) {
        json_array_foreach(json_object_get(r, "t"), k, t) {
            if ((e = store_prepare(s,
                                   "INSERT OR IGNORE INTO person_tokens (token, person_id)"
                                   " VALUES (:token, :id)",
                                   &ins)))
                goto cleanup;
            store_bind_text(ins, ":token", json_string_value(t));
            store_bind_text(ins, ":id", json_str(r, "id"));
            if ((e = store_run_done(&ins))) goto cleanup;
        }
    }
    e = store_commit(s);
    began = false;
cleanup:
    if (e && began) store_rollback(s);
    json_decref(rows);
    return e;
}
