/* Possible earlier registrations of a person: the identity matching engine (src/match)
 * proposes, the database decides what the actor may see. This is the one function
 * through which the registry asks for candidates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

/* Shown at once, best first; the total and "more" tell the registrar about the rest,
 * which a larger limit lists. */
#define DESK_SHOWN     20
#define DESK_SHOWN_MAX 200
/* A registrar looks at every suggestion and decides, so the desk asks for recall:
 * besides every record whose names agree and whose birth data is compatible (however
 * common the name: its posterior is low because many share it, not because it is
 * unlikely to be the person), a record with other names and a one-in-twenty chance of
 * being the same person is worth a look. The engine's own default threshold maximises
 * F1 for unattended deduplication and would hide true returns behind common names. */
#define DESK_MIN_SCORE 0.05

static const char candidate_sql[] =
    "SELECT p.id, p.given_name, p.family_name, p.birth_date, p.citizenship, p.reg_no, " REGISTRY_PERSON_SCOPE
    ", p.birth_date_precision, p.sex FROM persons p"
    " WHERE p.id = :id AND p.merged_into IS NULL"
    " AND (:exclude IS NULL OR NOT EXISTS (SELECT 1 FROM person_distinct d WHERE"
    "  (d.person_a = p.id AND d.person_b = :exclude) OR (d.person_b = p.id AND d.person_a = :exclude)))";

static json_t *strings(char (*items)[96], size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *codes(char (*items)[48], size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(items[i]));
    return a;
}

static const char ref_insert_sql[] =
    "INSERT OR IGNORE INTO candidate_refs (ref, person_id, created_at) VALUES (:ref, :id, :now)";
static const char ref_get_sql[] = "SELECT ref FROM candidate_refs WHERE person_id = :id";

/* The person's opaque reference, made (and audited) the first time it is needed. */
static herr *candidate_ref(store *s, const actor *a, const char *person_id, char ref[16]) {
    store_stmt *st = NULL;
    bool row = false;
    char made[16] = "C-", now[CLOCK_ISO_LEN];
    id_password(made + 2, 13);
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, ref_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":ref", made);
    store_bind_text(st, ":id", person_id);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto cleanup;
    if (store_changes(s) > 0 && (e = audit_record(s, a, "create", "candidate_ref", made, NULL)))
        goto cleanup;
    if ((e = store_prepare(s, ref_get_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", person_id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_INTERNAL, NULL, "no candidate reference was stored");
        goto cleanup;
    }
    snprintf(ref, 16, "%s", store_text(st, 0));
    store_done(st);
    st = NULL;
    e = store_commit(s);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    return e;
}

/* The candidate as the API shows it, or NULL when it must not be shown. A person the
 * registrar cannot see is only a score and a reference to ask a supervisor with: no
 * id, no names, no reasons (they would say what the record holds). */
static herr *describe(store *s, const actor *a, const match_candidate *c, const char *exclude,
                      json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    bool row;
    *out = NULL;
    herr *e = store_prepare(s, candidate_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", c->id);
    store_bind_text(st, ":exclude", exclude);
    registry_bind_scope(st, a, &scope);
    e = store_step(st, &row);
    bool hidden = false;
    if (!e && row) {
        bool visible = store_int(st, 6) != 0;
        if (visible) {
            json_t *j =
                json_pack("{s:s,s:f,s:o,s:o,s:b}", "id", c->id, "score", c->score, "reasons",
                          strings((char(*)[96])c->reasons, c->n_reasons), "reason_codes",
                          codes((char(*)[48])c->reason_codes, c->n_reasons), "visible", 1);
            json_set_str(j, "reg_no", store_text(st, 5));
            json_set_str(j, "given_name", store_text(st, 1));
            json_set_str(j, "family_name", store_text(st, 2));
            json_set_str(j, "birth_date", store_text(st, 3));
            json_set_str(j, "birth_date_precision", store_text(st, 7));
            json_set_str(j, "sex", store_text(st, 8));
            json_set_str(j, "citizenship", store_text(st, 4));
            *out = j;
        } else {
            hidden = true;
        }
    }
    store_done(st);
    mem_free(scope);
    if (!e && hidden) {
        char ref[16];
        if (!(e = candidate_ref(s, a, c->id, ref)))
            *out = json_pack("{s:f,s:b,s:s}", "score", c->score, "visible", 0, "reference", ref);
    }
    return e;
}

static const char open_ref_sql[] =
    "SELECT p.id, p.reg_no, p.given_name, p.family_name, p.birth_date, p.registration_site_id, " REGISTRY_PERSON_SCOPE
    ", p.birth_date_precision, p.citizenship, p.registered_at"
    " FROM candidate_refs r JOIN persons p ON p.id = r.person_id"
    " WHERE r.ref = :ref";

herr *registry_candidate_ref_open(store *s, const actor *a, const char *ref, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    bool row = false;
    json_t *j = NULL;
    herr *e = store_prepare(s, open_ref_sql, &st);
    if (e) return e;
    store_bind_text(st, ":ref", ref);
    registry_bind_scope(st, a, &scope);
    if ((e = store_step(st, &row))) goto cleanup;
    /* Unknown and not visible answer the same: the reference tells nothing to others. */
    if (!row || store_int(st, 6) == 0) {
        e = err_new(ERR_NOT_FOUND, "ref", "no candidate reference %s that you may open", ref);
        goto cleanup;
    }
    j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "reference", ref, "person_id", store_text(st, 0),
                  "reg_no", store_text(st, 1), "given_name", store_text(st, 2), "family_name",
                  store_text(st, 3), "birth_date", store_text(st, 4), "registration_site_id",
                  store_text(st, 5));
    json_set_str(j, "birth_date_precision", store_text(st, 7));
    json_set_str(j, "citizenship", store_text(st, 8));
    json_set_str(j, "registered_at", store_text(st, 9));
    store_done(st);
    st = NULL;
    json_t *detail = json_pack("{s:s}", "person_id", json_str(j, "person_id"));
    e = audit_record_read(s, a, "candidate_ref", ref, detail);
    json_decref(detail);
    if (e) goto cleanup;
    *out = j;
    j = NULL;
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(j);
    return e;
}

/* Ids marked as different people from exclude_id (a registrar said so). */
static herr *distinct_ids(store *s, const char *exclude_id, json_t *set) {
    store_stmt *st = NULL;
    bool row;
    if (!exclude_id) return NULL;
    herr *e = store_prepare(s,
                            "SELECT person_b FROM person_distinct WHERE person_a = :id"
                            " UNION SELECT person_a FROM person_distinct WHERE person_b = :id",
                            &st);
    if (e) return e;
    store_bind_text(st, ":id", exclude_id);
    while (!(e = store_step(st, &row)) && row)
        json_object_set_new(set, store_text(st, 0), json_true());
    store_done(st);
    return e;
}

/* The documents the desk compares: those typed with the entry ("documents", checked
 * and normalised by the source) and those already held by the record itself. *out is
 * an array (maybe empty); ERR_INVALID naming the typed member. */
static herr *query_documents(store *s, const json_t *person, const char *exclude_id, json_t **out) {
    const registry_document_source *src = registry_documents();
    json_t *docs = json_array(), *part = NULL;
    herr *e = NULL;
    *out = NULL;
    const json_t *typed = json_object_get(person, "documents");
    if (src && typed && !json_is_null(typed)) {
        if ((e = src->normalize(typed, &part))) goto cleanup;
        json_array_extend(docs, part);
        json_decref(part);
        part = NULL;
    }
    if (src && exclude_id) {
        if ((e = src->of_person(s, exclude_id, &part))) goto cleanup;
        json_array_extend(docs, part);
    }
    *out = docs;
    docs = NULL;
cleanup:
    json_decref(part);
    json_decref(docs);
    return e;
}

static int by_score(const void *pa, const void *pb) {
    const match_candidate *a = pa, *b = pb;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : strcmp(a->id, b->id);
}

/* Adds to found every holder of one of r's documents that the engine did not propose
 * (other names, say): an agreeing document number is for a registrar to check, however
 * the names read. Each is scored and explained by the engine like the others. */
static herr *add_document_holders(store *s, match_index *ix, const match_record *r,
                                  const json_t *docs, match_candidate **found, size_t *n) {
    const registry_document_source *src = registry_documents();
    json_t *ids = NULL;
    if (!src || json_array_size(docs) == 0) return NULL;
    herr *e = src->holders(s, docs, &ids);
    for (size_t i = 0; !e && i < json_array_size(ids); i++) {
        const char *hid = json_string_value(json_array_get(ids, i));
        bool known = r->id && !strcmp(r->id, hid);
        for (size_t k = 0; k < *n && !known; k++) known = !strcmp((*found)[k].id, hid);
        if (known) continue;
        json_t *p = NULL, *held = NULL;
        if ((e = registry_match_stored(s, hid, &p)) || !p) continue; /* merged: skip */
        match_record other;
        match_document their[MATCH_MAX_DOCUMENTS];
        registry_match_record(hid, json_str(p, "given_name"), json_str(p, "family_name"),
                              json_str(p, "native_name"), json_str(p, "sex"),
                              json_str(p, "birth_date"), json_str(p, "birth_date_precision"),
                              json_str(p, "citizenship"), &other);
        if (!(e = src->of_person(s, hid, &held))) {
            other.n_documents = registry_match_documents(held, their);
            other.documents = their;
            *found = mem_realloc(*found, (*n + 1) * sizeof **found);
            match_candidate *c = &(*found)[*n];
            memset(c, 0, sizeof *c);
            e = match_index_explain(ix, r, &other, c);
            if (e && e->code == ERR_INVALID) {
                /* Nothing typed the engine can compare (a document alone): the
                 * agreeing number is the whole reason. */
                err_free(e);
                e = NULL;
                memset(c, 0, sizeof *c);
                c->n_reasons = 1;
                snprintf(c->reasons[0], sizeof c->reasons[0], "identity document number agrees");
                snprintf(c->reason_codes[0], sizeof c->reason_codes[0], "document_equal");
            }
            snprintf(c->id, sizeof c->id, "%s", hid);
            if (!e) (*n)++;
        }
        json_decref(held);
        json_decref(p);
    }
    json_decref(ids);
    if (!e && *n > 1) qsort(*found, *n, sizeof **found, by_score);
    /* e is an error of holders(), never &ids: cppcheck cannot see through the pointer. */
    // cppcheck-suppress returnDanglingLifetime
    return e;
}

herr *registry_desk_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, int limit, json_t **out) {
    match_index *ix = NULL;
    match_candidate *found = NULL;
    size_t n = 0;
    match_desk_counts counts = {0};
    json_t *result = json_array(), *distinct = json_object(), *docs = NULL;
    size_t total = 0;
    herr *e = NULL;
    if (limit == 0) limit = DESK_SHOWN;
    if (limit < 1 || limit > DESK_SHOWN_MAX) {
        e = err_invalid("limit", "limit must be from 1 to 200");
        goto cleanup;
    }
    if (!json_is_object(person)) {
        e = err_invalid("body", "the request body must be a JSON object");
        goto cleanup;
    }
    if ((e = query_documents(s, person, exclude_id, &docs))) goto cleanup;
    bool named = json_str(person, "given_name") || json_str(person, "family_name") ||
                 json_str(person, "native_name");
    if (!named && json_array_size(docs) == 0) goto done; /* nothing typed yet */
    if ((e = registry_match_index(s, &ix))) goto cleanup;
    match_record r;
    match_document held[MATCH_MAX_DOCUMENTS];
    registry_match_record(
        exclude_id, json_str(person, "given_name"), json_str(person, "family_name"),
        json_str(person, "native_name"), json_str(person, "sex"), json_str(person, "birth_date"),
        json_str(person, "birth_date_precision"), json_str(person, "citizenship"), &r);
    r.n_documents = registry_match_documents(docs, held);
    r.documents = held;
    double threshold = match_default_threshold(ix);
    if (threshold > DESK_MIN_SCORE) threshold = DESK_MIN_SCORE;
    /* All of them: the registry still drops pairs a registrar marked as different. */
    e = named ? match_index_desk(ix, &r, threshold, 0, &found, &n, &counts) : NULL;
    if (e) {
        /* Half-typed input the engine cannot read yet is not an error for the desk. */
        if (e->code != ERR_INVALID) goto cleanup;
        err_free(e);
        e = NULL;
        n = 0;
    }
    if ((e = add_document_holders(s, ix, &r, docs, &found, &n))) goto cleanup;
    if ((e = distinct_ids(s, exclude_id, distinct))) goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (json_object_get(distinct, found[i].id)) continue;
        total++;
        if (json_array_size(result) >= (size_t)limit) continue;
        json_t *c = NULL;
        if ((e = describe(s, a, &found[i], exclude_id, &c))) goto cleanup;
        if (c)
            json_array_append_new(result, c);
        else
            total--; /* merged meanwhile */
    }
done:
    *out = json_pack("{s:O,s:I,s:b,s:I,s:i}", "items", result, "total", (json_int_t)total, "more",
                     total > json_array_size(result), "namesakes", (json_int_t)counts.namesakes,
                     "limit", limit);
cleanup:
    mem_free(found);
    json_decref(result);
    json_decref(distinct);
    json_decref(docs);
    return e;
}

herr *registry_find_candidates(store *s, const actor *a, const json_t *person,
                               const char *exclude_id, json_t **out) {
    json_t *page = NULL;
    herr *e = registry_desk_candidates(s, a, person, exclude_id, DESK_SHOWN, &page);
    if (e) return e;
    *out = json_incref(json_object_get(page, "items"));
    json_decref(page);
    return NULL;
}
