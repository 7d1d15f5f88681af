/* What people decide after a sync: conflicts (resolved with a choice and a reason) and the
 * registrars' worklist of possible duplicates between sites. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/registry.h"
#include "sync/sync.h"
#include "sync/sync_internal.h"

#define SYNC_SCOPE_OF(col) "(:all = 1 OR :sites LIKE '%,' || " col " || ',%')"

#define SYNC_CONFLICT_SELECT                                                                       \
    "SELECT c.id, c.tbl, c.row_id, c.field, c.base_value, c.local_value, c.incoming_value,"        \
    " c.incoming_origin, c.detected_at, c.status, c.chosen, c.resolved_value, c.reason,"           \
    " c.resolved_by, c.resolved_at, c.site_id, p.reg_no, p.given_name, p.family_name"              \
    " FROM sync_conflicts c LEFT JOIN persons p ON p.id = CASE c.tbl WHEN 'persons' THEN"          \
    " c.row_id ELSE (SELECT person_id FROM stays WHERE id = c.row_id) END"

static const char list_sql[] =
    SYNC_CONFLICT_SELECT " WHERE (:status = '' OR c.status = :status) AND " SYNC_SCOPE_OF(
        "c.site_id") " ORDER BY c.detected_at DESC, c.id LIMIT 500";
static const char one_sql[] =
    SYNC_CONFLICT_SELECT " WHERE c.id = :id AND " SYNC_SCOPE_OF("c.site_id");

static json_t *conflict_row(store_stmt *st) {
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "id",
        store_text(st, 0), "tbl", store_text(st, 1), "row_id", store_text(st, 2), "field",
        store_text(st, 3), "base", store_text(st, 4), "local", store_text(st, 5), "incoming",
        store_text(st, 6), "incoming_origin", store_text(st, 7), "detected_at", store_text(st, 8),
        "status", store_text(st, 9), "chosen", store_text(st, 10), "value", store_text(st, 11),
        "reason", store_text(st, 12), "resolved_by", store_text(st, 13), "resolved_at",
        store_text(st, 14), "site_id", store_text(st, 15));
    json_object_set_new(o, "person",
                        store_is_null(st, 16)
                            ? json_null()
                            : json_pack("{s:s,s:s,s:s}", "reg_no", store_text(st, 16), "given_name",
                                        store_text(st, 17), "family_name", store_text(st, 18)));
    return o;
}

herr *sync_conflict_list(store *s, const actor *a, const char *status, json_t **out) {
    if (status && strcmp(status, "open") && strcmp(status, "resolved"))
        return err_invalid("status", "status must be open or resolved");
    store_stmt *st = NULL;
    char *scope = sync_scope(a);
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_sql, &st);
    if (!e) {
        store_bind_text(st, ":status", status ? status : "");
        store_bind_int(st, ":all", a->all_sites ? 1 : 0);
        store_bind_text(st, ":sites", scope);
        while (!(e = store_step(st, &row)) && row) json_array_append_new(items, conflict_row(st));
    }
    store_done(st);
    mem_free(scope);
    if (!e) e = audit_record_read(s, a, "sync_conflict", "list", NULL);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static herr *conflict_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    char *scope = sync_scope(a);
    bool row = false;
    herr *e = store_prepare(s, one_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        store_bind_int(st, ":all", a->all_sites ? 1 : 0);
        store_bind_text(st, ":sites", scope);
        e = store_step(st, &row);
    }
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no conflict %s", id);
    if (!e) *out = conflict_row(st);
    store_done(st);
    mem_free(scope);
    return e;
}

static const json_field resolve_fields[] = {
    {"choice", JF_STRING, true, 16},
    {"reason", JF_TEXT, true, 1000},
};
static const char resolved_sql[] =
    "UPDATE sync_conflicts SET status = 'resolved', chosen = :chosen, resolved_value = :v,"
    " reason = :reason, resolved_by = :by, resolved_at = :now WHERE tbl = :tbl AND"
    " row_id = :row_id AND field = :field AND status = 'open'";
static const char resolution_sql[] =
    "INSERT INTO sync_changes (origin, tbl, row_id, field, old_value, new_value, kind, site_id,"
    " changed_at) VALUES (:origin, :tbl, :row_id, :field, :old, :new, 'resolve', :site_id, :now)";

herr *sync_conflict_resolve(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out) {
    json_t *c = NULL, *detail = NULL, *row = NULL;
    char *before = NULL;
    store_stmt *st = NULL;
    bool began = false;
    char origin[SYNC_ORIGIN_LEN], now[CLOCK_ISO_LEN];
    herr *e = json_check(in, resolve_fields, 2);
    if (e) return e;
    const char *choice = json_str(in, "choice"), *reason = json_str(in, "reason");
    if (strcmp(choice, "local") && strcmp(choice, "incoming"))
        return err_invalid("choice", "choice must be local or incoming");
    if (text_utf8_length(reason) < 5)
        return err_invalid("reason", "say why (at least 5 characters)");
    clock_format_iso(clock_now(), now);
    if ((e = sync_origin(s, origin))) return e;
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = conflict_get(s, a, id, &c))) goto cleanup;
    if (strcmp(json_str(c, "status"), "open")) {
        e = err_new(ERR_CONFLICT, "id", "this conflict was already resolved");
        goto cleanup;
    }
    const char *tbl = json_str(c, "tbl"), *row_id = json_str(c, "row_id");
    const char *field = json_str(c, "field");
    const char *value = json_str(c, !strcmp(choice, "local") ? "local" : "incoming");
    if ((e = sync_capture(s, false))) goto cleanup;
    if (!strcmp(field, "*")) {
        /* A row that could not be inserted: taking it means inserting it now. */
        if (!strcmp(choice, "incoming")) {
            row = json_loads(value ? value : "", 0, NULL);
            e = row ? sync_insert_row(s, tbl, row)
                    : err_new(ERR_INTERNAL, NULL, "the stored row is not JSON");
            if (e && e->code == ERR_CONFLICT) {
                err_free(e);
                e = err_new(ERR_CONFLICT, "choice",
                            "the row still collides with one here: change that one first");
            }
        }
    } else {
        /* The value travels as a resolution: every side takes it whatever it holds. */
        e = sync_set_field(s, tbl, row_id, field, value, &before);
        if (!e && (e = store_prepare(s, resolution_sql, &st)) == NULL) {
            store_bind_text(st, ":origin", origin);
            store_bind_text(st, ":tbl", tbl);
            store_bind_text(st, ":row_id", row_id);
            store_bind_text(st, ":field", field);
            store_bind_text(st, ":old", before);
            store_bind_text(st, ":new", value);
            store_bind_text(st, ":site_id", json_str(c, "site_id"));
            store_bind_text(st, ":now", now);
            e = store_run_done(&st);
        }
    }
    if (e) goto cleanup;
    if ((e = sync_capture(s, true))) goto cleanup;
    if ((e = store_prepare(s, resolved_sql, &st))) goto cleanup;
    store_bind_text(st, ":chosen", choice);
    store_bind_text(st, ":v", value);
    store_bind_text(st, ":reason", reason);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":tbl", tbl);
    store_bind_text(st, ":row_id", row_id);
    store_bind_text(st, ":field", field);
    if ((e = store_run_done(&st))) goto cleanup;
    detail = json_pack("{s:s,s:s,s:s,s:s,s:s}", "choice", choice, "reason", reason, "tbl", tbl,
                       "row_id", row_id, "field", field);
    if ((e = audit_record(s, a, "sync.resolve", "sync_conflict", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    if (!strcmp(tbl, "persons")) registry_person_rematch(s, row_id);
    json_decref(c);
    c = NULL;
    e = conflict_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(c);
    json_decref(detail);
    json_decref(row);
    mem_free(before);
    return e;
}

/* ---- the duplicates worklist --------------------------------------------------------- */

/* A candidate goes on the worklist from this score on: the desk shows weaker ones while
 * a person stands in front of it, a worklist would drown in them. */
#define SYNC_DUPLICATE_SCORE 0.5

static const char dup_insert_sql[] =
    "INSERT INTO sync_duplicates (id, person_id, candidate_id, score, reasons, origin, found_at)"
    " SELECT :id, :person, :candidate, :score, :reasons, :origin, :now WHERE NOT EXISTS"
    " (SELECT 1 FROM sync_duplicates WHERE person_id = :candidate AND candidate_id = :person)"
    " ON CONFLICT (person_id, candidate_id) DO NOTHING";

void sync_find_duplicates(store *s, const char *person_id, const char *origin) {
    actor sys;
    actor_system(&sys, "sync");
    json_t *person = NULL, *cands = NULL, *c, *detail = NULL;
    store_stmt *st = NULL;
    bool began = false;
    size_t i, found = 0;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = registry_person_get(s, &sys, person_id, &person);
    if (!e) e = registry_find_candidates(s, &sys, person, person_id, &cands);
    if (!e) e = store_begin(s);
    if (e) goto cleanup;
    began = true;
    json_array_foreach(cands, i, c) {
        double score = json_number_value(json_object_get(c, "score"));
        if (!json_str(c, "id") || score < SYNC_DUPLICATE_SCORE) continue;
        char id[ID_LEN];
        id_new(id);
        char *reasons = json_dumps(json_object_get(c, "reasons"), JSON_COMPACT);
        if ((e = store_prepare(s, dup_insert_sql, &st))) {
            mem_free(reasons);
            goto cleanup;
        }
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":person", person_id);
        store_bind_text(st, ":candidate", json_str(c, "id"));
        store_bind_double(st, ":score", score);
        store_bind_text(st, ":reasons", reasons ? reasons : "[]");
        store_bind_text(st, ":origin", origin);
        store_bind_text(st, ":now", now);
        e = store_run_done(&st);
        mem_free(reasons);
        if (e) goto cleanup;
        found += (size_t)store_changes(s);
    }
    if (found) {
        detail = json_pack("{s:s,s:i}", "origin", origin, "candidates", (int)found);
        if ((e = audit_record(s, &sys, "sync.duplicates", "person", person_id, detail)))
            goto cleanup;
    }
    e = store_commit(s);
    began = false;
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    if (e) log_error("duplicates of %s not looked for: %s", person_id, e->message);
    err_free(e);
    json_decref(person);
    json_decref(cands);
    json_decref(detail);
}

static const char dup_list_sql[] =
    "SELECT d.id, d.person_id, d.candidate_id, d.score, d.reasons, d.origin, d.found_at,"
    " p.reg_no, p.given_name, p.family_name, p.birth_date, p.registration_site_id,"
    " q.reg_no, q.given_name, q.family_name, q.birth_date, q.registration_site_id"
    " FROM sync_duplicates d JOIN persons p ON p.id = d.person_id"
    " JOIN persons q ON q.id = d.candidate_id WHERE d.status = 'open' AND " SYNC_SCOPE_OF(
        "p.registration_site_id") " AND " SYNC_SCOPE_OF("q.registration_site_id") " ORDER BY d.score DESC, d.found_at LIMIT 500";

static json_t *dup_person(store_stmt *st, int c) {
    return json_pack("{s:s,s:s,s:s,s:s?,s:s}", "reg_no", store_text(st, c), "given_name",
                     store_text(st, c + 1), "family_name", store_text(st, c + 2), "birth_date",
                     store_text(st, c + 3), "registration_site_id", store_text(st, c + 4));
}

herr *sync_duplicate_list(store *s, const actor *a, json_t **out) {
    store_stmt *st = NULL;
    char *scope = sync_scope(a);
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, dup_list_sql, &st);
    if (!e) {
        store_bind_int(st, ":all", a->all_sites ? 1 : 0);
        store_bind_text(st, ":sites", scope);
        while (!(e = store_step(st, &row)) && row) {
            json_t *reasons = json_loads(store_text(st, 4), 0, NULL);
            json_array_append_new(
                items,
                json_pack("{s:s,s:s,s:s,s:f,s:o,s:s,s:s,s:o,s:o}", "id", store_text(st, 0),
                          "person_id", store_text(st, 1), "candidate_id", store_text(st, 2),
                          "score", store_double(st, 3), "reasons", reasons ? reasons : json_array(),
                          "origin", store_text(st, 5), "found_at", store_text(st, 6), "person",
                          dup_person(st, 7), "candidate", dup_person(st, 12)));
        }
    }
    store_done(st);
    mem_free(scope);
    if (!e) e = audit_record_read(s, a, "sync_duplicate", "list", NULL);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const json_field close_fields[] = {{"decision", JF_STRING, true, 16}};
static const char dup_close_sql[] =
    "UPDATE sync_duplicates SET status = :decision, closed_by = :by, closed_at = :now"
    " WHERE id = :id AND status = 'open' AND EXISTS (SELECT 1 FROM persons p WHERE"
    " p.id = sync_duplicates.person_id AND " SYNC_SCOPE_OF("p.registration_site_id") ")";

herr *sync_duplicate_close(store *s, const actor *a, const char *id, const json_t *in) {
    herr *e = json_check(in, close_fields, 1);
    if (e) return e;
    const char *d = json_str(in, "decision");
    if (strcmp(d, "merged") && strcmp(d, "distinct") && strcmp(d, "dismissed"))
        return err_invalid("decision", "decision must be merged, distinct or dismissed");
    store_stmt *st = NULL;
    char *scope = sync_scope(a);
    json_t *detail = json_pack("{s:s}", "decision", d);
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    bool began = false;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = store_prepare(s, dup_close_sql, &st))) goto cleanup;
    store_bind_text(st, ":decision", d);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", scope);
    if ((e = store_run_done(&st))) goto cleanup;
    if (store_changes(s) == 0) {
        e = err_new(ERR_NOT_FOUND, "id", "no open worklist entry %s", id);
        goto cleanup;
    }
    if ((e = audit_record(s, a, "sync.duplicate_close", "sync_duplicate", id, detail)))
        goto cleanup;
    e = store_commit(s);
    began = false;
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    mem_free(scope);
    json_decref(detail);
    return e;
}
