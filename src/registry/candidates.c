/* Possible earlier registrations of a person. This is the registry's own simple rule
 * (same folded name words in any order, same birth year); identity matching replaces
 * the body of registry_find_candidates and nothing else. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define MAX_CANDIDATES 10

static const char by_token_sql[] =
    "SELECT p.id, p.given_name, p.family_name, p.birth_date, p.citizenship, p.reg_no,"
    " p.registration_site_id, " REGISTRY_PERSON_SCOPE
    " FROM persons p WHERE p.id IN (SELECT person_id FROM person_tokens WHERE token = :token)"
    " AND p.merged_into IS NULL AND (:exclude IS NULL OR p.id <> :exclude) LIMIT 1000";

static bool same_words(const json_t *a, const json_t *b) {
    if (json_array_size(a) != json_array_size(b)) return false;
    size_t i, k;
    json_t *x, *y;
    json_array_foreach(a, i, x) {
        bool found = false;
        json_array_foreach(b, k, y) found = found || json_equal(x, y);
        if (!found) return false;
    }
    return true;
}

static int year_of(const char *date) {
    int y = 0;
    for (int i = 0; date && i < 4 && date[i] >= '0' && date[i] <= '9'; i++) y = y * 10 + (date[i] - '0');
    return y;
}

herr *registry_find_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *words = NULL, *family = NULL, *result = json_array();
    herr *e = registry_name_tokens(json_str(person, "given_name"), json_str(person, "family_name"),
                                   NULL, &words);
    if (!e) e = registry_name_tokens(json_str(person, "family_name"), NULL, NULL, &family);
    if (e || json_array_size(family) == 0) goto cleanup;
    /* Look up by the longest family-name word: usually the rarest. */
    const char *key = NULL;
    size_t i;
    json_t *t;
    json_array_foreach(family, i, t) {
        if (!key || strlen(json_string_value(t)) > strlen(key)) key = json_string_value(t);
    }
    int year = year_of(json_str(person, "birth_date"));
    if ((e = store_prepare(s, by_token_sql, &st))) goto cleanup;
    store_bind_text(st, ":token", key);
    store_bind_text(st, ":exclude", exclude_id);
    registry_bind_scope(st, a, &scope);
    bool row;
    while (!(e = store_step(st, &row)) && row && json_array_size(result) < MAX_CANDIDATES) {
        json_t *other = NULL;
        if ((e = registry_name_tokens(store_text(st, 1), store_text(st, 2), NULL, &other))) break;
        bool names = same_words(words, other);
        json_decref(other);
        int other_year = year_of(store_text(st, 3));
        if (!names || (year && other_year && year != other_year)) continue;
        json_t *reasons = json_array(), *codes = json_array();
        double score = 0.6;
        json_array_append_new(reasons, json_string("same name"));
        json_array_append_new(codes, json_string("same_name"));
        if (year && year == other_year) {
            const char *d = json_str(person, "birth_date");
            bool same_date = d && !strcmp(d, store_text(st, 3));
            score += same_date ? 0.35 : 0.25;
            json_array_append_new(reasons, json_string(same_date ? "same birth date" : "same birth year"));
            json_array_append_new(codes, json_string(same_date ? "same_birth_date" : "same_birth_year"));
        }
        const char *cit = json_str(person, "citizenship");
        if (cit && store_text(st, 4) && !strcmp(cit, store_text(st, 4))) {
            score += 0.05;
            json_array_append_new(reasons, json_string("same citizenship"));
            json_array_append_new(codes, json_string("same_citizenship"));
        }
        bool visible = store_int(st, 7) != 0;
        json_t *c = json_pack("{s:s,s:f,s:o,s:o,s:b}", "id", store_text(st, 0), "score",
                              score > 1 ? 1.0 : score, "reasons", reasons, "reason_codes", codes,
                              "visible", visible);
        /* Details only for people the registrar may open anyway. */
        if (visible) {
            json_object_set_new(c, "reg_no", json_string(store_text(st, 5)));
            json_object_set_new(c, "given_name", json_string(store_text(st, 1)));
            json_object_set_new(c, "family_name", json_string(store_text(st, 2)));
            json_set_str(c, "birth_date", store_text(st, 3));
            json_set_str(c, "citizenship", store_text(st, 4));
        }
        json_array_append_new(result, c);
    }
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(words);
    json_decref(family);
    if (e) {
        json_decref(result);
        return e;
    }
    *out = result;
    return NULL;
}
