/* The documents module as the registry's document source: the registry's match index
 * weighs document numbers without reading this module's tables (registry.h,
 * registry_document_source). */
#include <stdio.h>
#include <string.h>

#include "core/codes.h"
#include "core/json.h"
#include "documents/documents.h"
#include "documents/documents_internal.h"
#include "registry/registry.h"

static json_t *match_doc(const char *type, const char *country, const char *number) {
    json_t *d = json_pack("{s:s,s:s}", "type", type, "number", number);
    json_set_str(d, "country", country);
    return d;
}

static const char all_sql[] = "SELECT person_id, type, country, number FROM person_documents"
                              " ORDER BY person_id, created_at DESC";

static herr *source_all(store *s, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *by = json_object();
    herr *e = store_prepare(s, all_sql, &st);
    while (!e && !(e = store_step(st, &row)) && row) {
        const char *pid = store_text(st, 0);
        json_t *list = json_object_get(by, pid);
        if (!list) json_object_set_new(by, pid, list = json_array());
        json_array_append_new(list,
                              match_doc(store_text(st, 1), store_text(st, 2), store_text(st, 3)));
    }
    store_done(st);
    if (e) {
        json_decref(by);
        return e;
    }
    *out = by;
    return NULL;
}

static const char of_sql[] = "SELECT type, country, number FROM person_documents"
                             " WHERE person_id = :person ORDER BY created_at DESC";

static herr *source_of_person(store *s, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *list = json_array();
    herr *e = store_prepare(s, of_sql, &st);
    if (!e) store_bind_text(st, ":person", person_id);
    while (!e && !(e = store_step(st, &row)) && row)
        json_array_append_new(list,
                              match_doc(store_text(st, 0), store_text(st, 1), store_text(st, 2)));
    store_done(st);
    if (e) {
        json_decref(list);
        return e;
    }
    *out = list;
    return NULL;
}

/* The desk types at most a few documents; more than this is not a desk entry. */
#define TYPED_MAX 4

static herr *source_normalize(const json_t *typed, json_t **out) {
    char field[48], norm[DOCUMENTS_NUMBER_MAX + 1];
    size_t i;
    json_t *d;
    if (!json_is_array(typed) || json_array_size(typed) > TYPED_MAX)
        return err_invalid("documents", "documents must be a list of at most %d documents",
                           TYPED_MAX);
    json_t *list = json_array();
    json_array_foreach(typed, i, d) {
        herr *e = NULL;
        const char *type = json_str(d, "type"), *country = json_str(d, "country");
        snprintf(field, sizeof field, "documents[%zu].type", i);
        if (!json_is_object(d) || !type || !type[0])
            e = err_with(err_invalid(field, "%s is required", field), "required",
                         (const char *)NULL);
        snprintf(field, sizeof field, "documents[%zu].number", i);
        if (!e) e = documents_number_normalize(field, json_str(d, "number"), norm);
        snprintf(field, sizeof field, "documents[%zu].country", i);
        if (!e && country && country[0] && !codes_country_valid(country))
            e = err_invalid(field, "%s must be an ISO 3166 code", field);
        if (e) {
            json_decref(list);
            return e;
        }
        json_array_append_new(list, match_doc(type, country && country[0] ? country : NULL, norm));
    }
    *out = list;
    return NULL;
}

static const char holders_sql[] =
    "SELECT DISTINCT person_id FROM person_documents WHERE number = :number AND type = :type"
    " AND (country IS NULL OR :country IS NULL OR country = :country)";

static herr *source_holders(store *s, const json_t *docs, json_t **out) {
    size_t i;
    json_t *d, *ids = json_array(), *seen = json_object();
    herr *e = NULL;
    json_array_foreach(docs, i, d) {
        store_stmt *st = NULL;
        bool row;
        if ((e = store_prepare(s, holders_sql, &st))) break;
        store_bind_text(st, ":number", json_str(d, "number"));
        store_bind_text(st, ":type", json_str(d, "type"));
        store_bind_text(st, ":country", json_str(d, "country"));
        while (!(e = store_step(st, &row)) && row) {
            const char *pid = store_text(st, 0);
            if (json_object_get(seen, pid)) continue;
            json_object_set_new(seen, pid, json_true());
            json_array_append_new(ids, json_string(pid));
        }
        store_done(st);
        if (e) break;
    }
    json_decref(seen);
    if (e) {
        json_decref(ids);
        return e;
    }
    *out = ids;
    return NULL;
}

static const registry_document_source source = {
    .all = source_all,
    .of_person = source_of_person,
    .normalize = source_normalize,
    .holders = source_holders,
};

void documents_connect_matching(void) { registry_set_document_source(&source); }
