/* Same person or not: merging duplicate registrations (reversibly) and remembering
 * pairs a registrar said are different people. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

static const json_field other_fields[] = {{"other_id", JF_STRING, true, 36}};

static herr *check_pair(store *s, const actor *a, const char *id, const json_t *in, json_t **self,
                        json_t **other) {
    herr *e = json_check(in, other_fields, 1);
    if (e) return e;
    const char *other_id = json_str(in, "other_id");
    if (!strcmp(id, other_id))
        return err_invalid("other_id", "a person cannot be merged with themself");
    if ((e = registry_person_get(s, a, id, self))) return e;
    e = registry_person_get(s, a, other_id, other);
    if (e && e->code == ERR_NOT_FOUND) snprintf(e->field, sizeof e->field, "other_id");
    return e;
}

static const char has_merged_sql[] = "SELECT COUNT(*) FROM persons WHERE merged_into = :id";
static const char set_merged_sql[] =
    "UPDATE persons SET merged_into = :survivor, updated_at = :now WHERE id = :id";
static const char record_merge_sql[] =
    "INSERT INTO person_merges (id, survivor_id, merged_id, merged_at, merged_by)"
    " VALUES (:id, :survivor, :merged, :now, :by)";

static herr *count_merged_into(store *s, const char *id, int64_t *n) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, has_merged_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    *n = row ? store_int(st, 0) : 0;
    store_done(st);
    return e;
}

herr *registry_person_merge(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out) {
    json_t *self = NULL, *other = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool began = false;
    char now[CLOCK_ISO_LEN], merge_id[ID_LEN];
    clock_format_iso(clock_now(), now);
    id_new(merge_id);
    herr *e = store_begin(s);
    if (e) return e;
    began = true;
    if ((e = check_pair(s, a, id, in, &self, &other))) goto cleanup;
    const char *other_id = json_str(other, "id");
    if (json_str(self, "merged_into") || json_str(other, "merged_into")) {
        e = err_new(ERR_CONFLICT, json_str(self, "merged_into") ? "id" : "other_id",
                    "that record is already merged into another; merge into that one");
        goto cleanup;
    }
    int64_t into_other = 0;
    if ((e = count_merged_into(s, other_id, &into_other))) goto cleanup;
    if (into_other) {
        e = err_new(ERR_CONFLICT, "other_id",
                    "other records were merged into %s; merge the other way round", other_id);
        goto cleanup;
    }
    if (json_is_object(json_object_get(self, "current_stay")) &&
        json_is_object(json_object_get(other, "current_stay"))) {
        e = err_new(ERR_CONFLICT, "other_id", "both records are checked in; check one out first");
        goto cleanup;
    }
    if ((e = store_prepare(s, set_merged_sql, &st))) goto cleanup;
    store_bind_text(st, ":survivor", id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", other_id);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, record_merge_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", merge_id);
    store_bind_text(st, ":survivor", id);
    store_bind_text(st, ":merged", other_id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s,s:s}", "merged_id", other_id, "merge_id", merge_id);
    if ((e = audit_record(s, a, "merge", "person", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    registry_match_refresh(s, other_id); /* out of the index */
    e = registry_person_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(self);
    json_decref(other);
    json_decref(detail);
    return e;
}

static const char unset_merged_sql[] =
    "UPDATE persons SET merged_into = NULL, updated_at = :now WHERE id = :id AND merged_into = :survivor";
static const char undo_merge_sql[] =
    "UPDATE person_merges SET undone_at = :now, undone_by = :by"
    " WHERE survivor_id = :survivor AND merged_id = :merged AND undone_at IS NULL";

herr *registry_person_unmerge(store *s, const actor *a, const char *id, const json_t *in,
                              json_t **out) {
    json_t *self = NULL, *other = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool began = false;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    began = true;
    if ((e = check_pair(s, a, id, in, &self, &other))) goto cleanup;
    const char *merged = json_str(other, "merged_into");
    if (!merged || strcmp(merged, id) != 0) {
        e = err_new(ERR_CONFLICT, "other_id", "that record is not merged into this person");
        goto cleanup;
    }
    if ((e = store_prepare(s, unset_merged_sql, &st))) goto cleanup;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", json_str(other, "id"));
    store_bind_text(st, ":survivor", id);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, undo_merge_sql, &st))) goto cleanup;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":survivor", id);
    store_bind_text(st, ":merged", json_str(other, "id"));
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s}", "merged_id", json_str(other, "id"));
    if ((e = audit_record(s, a, "unmerge", "person", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    registry_match_refresh(s, json_str(other, "id"));
    e = registry_person_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(self);
    json_decref(other);
    json_decref(detail);
    return e;
}

static const char distinct_sql[] =
    "INSERT INTO person_distinct (person_a, person_b, marked_at, marked_by)"
    " VALUES (:a, :b, :now, :by) ON CONFLICT (person_a, person_b) DO NOTHING";

herr *registry_person_distinct(store *s, const actor *a, const char *id, const json_t *in) {
    json_t *self = NULL, *other = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool began = false;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    began = true;
    if ((e = check_pair(s, a, id, in, &self, &other))) goto cleanup;
    const char *other_id = json_str(other, "id");
    bool first = strcmp(id, other_id) < 0;
    if ((e = store_prepare(s, distinct_sql, &st))) goto cleanup;
    store_bind_text(st, ":a", first ? id : other_id);
    store_bind_text(st, ":b", first ? other_id : id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s}", "other_id", other_id);
    if ((e = audit_record(s, a, "mark_distinct", "person", id, detail))) goto cleanup;
    e = store_commit(s);
    began = false;
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(self);
    json_decref(other);
    json_decref(detail);
    return e;
}
