#include <string.h>

#include "core/mem.h"
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

static const char token_count_sql[] =
    "SELECT COUNT(*) FROM (SELECT 1 FROM person_tokens WHERE token >= :from AND token < :to"
    " LIMIT :cap) AS capped";

herr *registry_token_count(store *s, const char *from, const char *to, int cap, int *n) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, token_count_sql, &st);
    if (e) return e;
    store_bind_text(st, ":from", from);
    store_bind_text(st, ":to", to);
    store_bind_int(st, ":cap", cap);
    e = store_step(st, &row);
    *n = row ? (int)store_int(st, 0) : 0;
    store_done(st);
    return e;
}
