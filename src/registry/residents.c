/* The site board: who is checked in at a site now. A query matches the folded name
 * words, the registration number, the bed, or (one or two words) the names' skeletons
 * as the matcher computes them ("Husaini" finds "Hussaini"). Sites hold up to a few thousand
 * people, so sorting and filtering in SQL over the site's open stays is enough. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define RESIDENTS_SQL(direction)                                                                   \
    "SELECT " REGISTRY_STAY_COLUMNS ", " REGISTRY_PERSON_COLUMNS ", COUNT(*) OVER ()"              \
    " FROM stays t JOIN persons p ON p.id = t.person_id"                                           \
    " WHERE t.site_id = :site AND t.checked_out_at IS NULL"                                        \
    " AND (:q IS NULL OR p.search_key LIKE :q_like ESCAPE '\\' OR p.reg_no = :q_upper"             \
    " OR (t.bed IS NOT NULL AND substr(upper(t.bed), 1, length(:q_upper)) = :q_upper)"             \
    "  OR (:s1 IS NOT NULL AND EXISTS (SELECT 1 FROM person_tokens x"                              \
    "   WHERE x.person_id = p.id AND x.token = :s1) AND (:s2 IS NULL OR EXISTS"                    \
    "   (SELECT 1 FROM person_tokens x WHERE x.person_id = p.id AND x.token = :s2))))"             \
    " ORDER BY CASE :sort WHEN 'name' THEN lower(p.family_name || ' ' || p.given_name)"            \
    " WHEN 'bed' THEN t.bed WHEN 'citizenship' THEN p.citizenship"                                 \
    " ELSE t.checked_in_at END " direction ", t.id " direction " LIMIT :limit OFFSET :offset"

static const char residents_asc_sql[] = RESIDENTS_SQL("ASC");
static const char residents_desc_sql[] = RESIDENTS_SQL("DESC");

static const char *const sort_keys[] = {"name", "checked_in_at", "bed", "citizenship"};

/* "%text%" with LIKE's own characters in text escaped (ESCAPE '\\'), so that "%" or "_"
 * is looked for as itself; NULL (matches no name) when the folded query is empty. */
static char *like_contains(const char *text) {
    if (!text[0]) return NULL;
    size_t n = strlen(text);
    char *out = mem_alloc(2 * n + 3), *o = out;
    *o++ = '%';
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '%';
    *o = 0;
    return out;
}

herr *registry_site_residents(store *s, const actor *a, const char *site_id,
                              const registry_residents_query *q, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array(), *site = NULL;
    char *folded = NULL, *like = NULL;
    int64_t total = 0;
    int limit = q->limit ? q->limit : 100;
    const char *sort = q->sort ? q->sort : "checked_in_at";
    herr *e = NULL;
    bool known = false;
    for (size_t i = 0; i < sizeof sort_keys / sizeof sort_keys[0]; i++)
        known = known || !strcmp(sort, sort_keys[i]);
    if (!known)
        e = err_invalid("sort", "sort must be name, checked_in_at, bed or citizenship");
    else if (limit < 1 || limit > 500)
        e = err_invalid("limit", "limit must be from 1 to 500");
    else if (q->offset < 0)
        e = err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                     (const char *)NULL);
    if (e) goto cleanup;
    if ((e = registry_site_get(s, a, site_id, &site))) goto cleanup;
    char upper[64] = "", s1[64] = "", s2[64] = "";
    if (q->q && q->q[0]) {
        if ((e = text_fold(q->q, &folded))) goto cleanup;
        like = like_contains(folded);
        char *save = NULL, *copy = mem_strdup(folded);
        char *w1 = strtok_r(copy, " ", &save), *w2 = w1 ? strtok_r(NULL, " ", &save) : NULL;
        if (w1 && !strtok_r(NULL, " ", &save)) {
            registry_word_skeleton(w1, s1, sizeof s1);
            if (w2) registry_word_skeleton(w2, s2, sizeof s2);
            if (w2 && !s2[0]) s1[0] = '\0'; /* both words must be read */
        }
        mem_free(copy);
        for (size_t i = 0; i < sizeof upper - 1 && q->q[i]; i++)
            upper[i] = (char)toupper((unsigned char)q->q[i]);
    }
    if ((e = store_prepare(s, q->descending ? residents_desc_sql : residents_asc_sql, &st)))
        goto cleanup;
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":q", q->q && q->q[0] ? q->q : NULL);
    store_bind_text(st, ":q_like", like);
    store_bind_text(st, ":q_upper", upper);
    store_bind_text(st, ":s1", s1[0] ? s1 : NULL);
    store_bind_text(st, ":s2", s2[0] ? s2 : NULL);
    store_bind_text(st, ":sort", sort);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    bool row;
    while (!(e = store_step(st, &row)) && row) {
        json_t *stay = registry_stay_row(st, 0);
        /* The person's 16 columns follow the 8 stay columns. */
        json_object_set_new(stay, "person", registry_person_row_at(st, 8));
        json_array_append_new(items, stay);
        total = store_int(st, 24);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:O,s:i,s:i}", "total", (json_int_t)total, "items", items, "limit",
                     limit, "offset", q->offset);
cleanup:
    store_done(st);
    json_decref(items);
    json_decref(site);
    mem_free(folded);
    mem_free(like);
    return e;
}
