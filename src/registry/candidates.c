/* Possible earlier registrations of a person. This is the registry's own simple rule
 * (the same folded name words, in any order, and the same birth year when both are
 * known); identity matching replaces the body of registry_find_candidates and nothing
 * else. The rule runs in SQL on the token index, so it stays fast at any size. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define MAX_CANDIDATES 10
#define MAX_WORDS 4

static const char candidates_sql[] =
    "SELECT p.id, p.given_name, p.family_name, p.birth_date, p.citizenship, p.reg_no, "
    REGISTRY_PERSON_SCOPE ", p.birth_date_precision, p.sex FROM persons p"
    " WHERE p.id IN (SELECT person_id FROM person_tokens WHERE token = :t1)"
    " AND (:t2 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id AND x.token = :t2))"
    " AND (:t3 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id AND x.token = :t3))"
    " AND (:t4 IS NULL OR EXISTS (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id AND x.token = :t4))"
    " AND (:year_from IS NULL OR p.birth_date IS NULL"
    "  OR (p.birth_date >= :year_from AND p.birth_date < :year_to))"
    " AND p.merged_into IS NULL AND (:exclude IS NULL OR (p.id <> :exclude"
    "  AND NOT EXISTS (SELECT 1 FROM persons m WHERE m.id = :exclude AND m.merged_into = p.id)"
    "  AND NOT EXISTS (SELECT 1 FROM person_distinct d WHERE"
    "   (d.person_a = p.id AND d.person_b = :exclude) OR (d.person_b = p.id AND d.person_a = :exclude))))"
    " ORDER BY p.id DESC LIMIT :limit";

static int year_of(const char *date) {
    int y = 0;
    for (int i = 0; date && i < 4 && date[i] >= '0' && date[i] <= '9'; i++) y = y * 10 + (date[i] - '0');
    return y;
}

#define DRIVER_COUNT_CAP 5000

/* Binds the words, rarest first: the rarest drives the index lookup. */
static herr *bind_words(store *s, store_stmt *st, json_t *words) {
    const char *sorted[MAX_WORDS] = {0};
    int counts[MAX_WORDS];
    size_t n = 0, i;
    json_t *w;
    json_array_foreach(words, i, w) {
        if (n == MAX_WORDS) break;
        const char *word = json_string_value(w);
        char end[128];
        snprintf(end, sizeof end, "%s\x01", word); /* [word, word"\x01") is the word alone */
        int c = 0;
        herr *e = registry_token_count(s, word, end, DRIVER_COUNT_CAP, &c);
        if (e) return e;
        size_t k = n++;
        while (k > 0 && counts[k - 1] > c) {
            sorted[k] = sorted[k - 1];
            counts[k] = counts[k - 1];
            k--;
        }
        sorted[k] = word;
        counts[k] = c;
    }
    static const char *const names[MAX_WORDS] = {":t1", ":t2", ":t3", ":t4"};
    for (size_t k = 0; k < MAX_WORDS; k++) store_bind_text(st, names[k], sorted[k]);
    return NULL;
}

static json_t *candidate_json(store_stmt *st, const json_t *person, int year) {
    json_t *reasons = json_array(), *codes = json_array();
    double score = 0.6;
    json_array_append_new(reasons, json_string("same name words"));
    json_array_append_new(codes, json_string("same_name"));
    const char *d = json_str(person, "birth_date"), *other = store_text(st, 3);
    if (year && other) {
        bool same_date = d && !strcmp(d, other);
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
    bool visible = store_int(st, 6) != 0;
    json_t *c = json_pack("{s:s,s:f,s:o,s:o,s:b}", "id", store_text(st, 0), "score",
                          score > 1 ? 1.0 : score, "reasons", reasons, "reason_codes", codes,
                          "visible", visible);
    /* Details only for people the registrar may open anyway. */
    if (visible) {
        json_object_set_new(c, "reg_no", json_string(store_text(st, 5)));
        json_object_set_new(c, "given_name", json_string(store_text(st, 1)));
        json_object_set_new(c, "family_name", json_string(store_text(st, 2)));
        json_set_str(c, "birth_date", other);
        json_set_str(c, "citizenship", store_text(st, 4));
        json_set_str(c, "birth_date_precision", store_text(st, 7));
        json_set_str(c, "sex", store_text(st, 8));
    }
    return c;
}

static int by_score(const void *a, const void *b) {
    double x = json_real_value(json_object_get(*(json_t *const *)a, "score"));
    double y = json_real_value(json_object_get(*(json_t *const *)b, "score"));
    return (x < y) - (x > y);
}

herr *registry_find_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *words = NULL;
    json_t *found[MAX_CANDIDATES];
    size_t n = 0;
    herr *e = NULL;
    if (!json_is_object(person)) return err_invalid("body", "the request body must be a JSON object");
    e = registry_name_tokens(json_str(person, "given_name"), json_str(person, "family_name"), NULL,
                             &words);
    if (e || json_array_size(words) == 0) goto cleanup;
    int year = year_of(json_str(person, "birth_date"));
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-01-01", year % 10000);
    snprintf(to, sizeof to, "%04d-01-01", (year + 1) % 10000);
    if ((e = store_prepare(s, candidates_sql, &st))) goto cleanup;
    if ((e = bind_words(s, st, words))) goto cleanup;
    store_bind_text(st, ":year_from", year ? from : NULL);
    store_bind_text(st, ":year_to", year ? to : NULL);
    store_bind_text(st, ":exclude", exclude_id);
    store_bind_int(st, ":limit", MAX_CANDIDATES);
    registry_bind_scope(st, a, &scope);
    bool row;
    while (!(e = store_step(st, &row)) && row && n < MAX_CANDIDATES)
        found[n++] = candidate_json(st, person, year);
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(words);
    qsort(found, n, sizeof found[0], by_score);
    json_t *result = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(result, found[i]);
    if (e) {
        json_decref(result);
        return e;
    }
    *out = result;
    return NULL;
}
