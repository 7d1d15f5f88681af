/* Stays: check-in and check-out. A person has at most one open stay. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

/* A person's stays include those of records merged into them. One IN list, not "= OR
 * IN": PostgreSQL cannot use the stays_person index for an OR with a subquery and reads
 * every stay; both engines look up each id of the list in the index. */
#define OF_PERSON(col)                                                                             \
    col " IN (SELECT :person UNION ALL SELECT id FROM persons WHERE merged_into = :person)"
static const char open_stay_sql[] =
    "SELECT t.id, s.name, t.checked_in_at FROM stays t JOIN sites s ON s.id = t.site_id"
    " WHERE " OF_PERSON("t.person_id") " AND t.checked_out_at IS NULL";
static const char last_out_sql[] =
    "SELECT MAX(checked_out_at) FROM stays WHERE " OF_PERSON("person_id");
static const char merged_into_sql[] = "SELECT merged_into FROM persons WHERE id = :person";

static herr *not_merged(store *s, const char *person_id) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, merged_into_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    e = store_step(st, &row);
    if (!e && row && !store_is_null(st, 0))
        e = err_new(ERR_CONFLICT, "person_id",
                    "this record was merged into %s; check that person in instead",
                    store_text(st, 0));
    store_done(st);
    return e;
}
static const char insert_sql[] =
    "INSERT INTO stays (id, person_id, site_id, bed, checked_in_at, created_at, updated_at)"
    " VALUES (:id, :person, :site, :bed, :at, :now, :now)";
static const char stay_sql[] = "SELECT " REGISTRY_STAY_COLUMNS " FROM stays t WHERE t.id = :id";

static herr *no_open_stay(store *s, const char *person_id) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, open_stay_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    e = store_step(st, &row);
    if (!e && row)
        e = err_new(ERR_CONFLICT, "person_id",
                    "this person is already checked in at %s since %s; check them out first",
                    store_text(st, 1), store_text(st, 2));
    store_done(st);
    return e;
}

static herr *after_last_stay(store *s, const char *person_id, const char *at) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, last_out_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    e = store_step(st, &row);
    if (!e && row && !store_is_null(st, 0) && strcmp(at, store_text(st, 0)) < 0)
        e = err_invalid("checked_in_at",
                        "check-in at %s would overlap the previous stay, which ended at %s", at,
                        store_text(st, 0));
    store_done(st);
    return e;
}

static herr *load_stay(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, stay_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no stay with id %s", id);
    if (!e) *out = registry_stay_row(st, 0);
    store_done(st);
    return e;
}

herr *registry_stay_insert(store *s, const actor *a, const char *person_id, const char *site_id,
                           const char *bed, int64_t at, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    char id[ID_LEN], now[CLOCK_ISO_LEN], at_text[CLOCK_ISO_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);
    clock_format_iso(at, at_text);
    herr *e = registry_site_usable(s, a, site_id, "site_id", NULL);
    if (e) return e;
    if ((e = not_merged(s, person_id))) return e;
    if ((e = no_open_stay(s, person_id))) return e;
    if ((e = after_last_stay(s, person_id, at_text))) return e;
    if ((e = store_prepare(s, insert_sql, &st))) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":bed", bed && bed[0] ? bed : NULL);
    store_bind_text(st, ":at", at_text);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    detail = json_pack("{s:s,s:s}", "person_id", person_id, "site_id", site_id);
    e = audit_record(s, a, "check_in", "stay", id, detail);
    json_decref(detail);
    if (!e) e = load_stay(s, id, out);
    return e;
}

static const json_field check_in_fields[] = {
    {"person_id", JF_STRING, true, 36},
    {"site_id", JF_STRING, true, 36},
    {"bed", JF_STRING, false, 40},
    {"checked_in_at", JF_STRING, false, 40},
};

static herr *parse_time(const json_t *in, const char *field, int64_t *out) {
    const char *v = json_str(in, field);
    *out = clock_now();
    if (!v) return NULL;
    if (!clock_parse_iso(v, out))
        return err_invalid(field, "%s must be a time like 2026-11-23T08:30:00Z", field);
    if (*out > clock_now() + 300)
        return err_with(err_invalid(field, "%s cannot be in the future", field), "future",
                        (const char *)NULL);
    return NULL;
}

herr *registry_stay_check_in(store *s, const actor *a, const json_t *in, json_t **out) {
    int64_t at;
    herr *e = json_check(in, check_in_fields, sizeof check_in_fields / sizeof check_in_fields[0]);
    if (!e) e = parse_time(in, "checked_in_at", &at);
    if (e) return e;
    const char *person_id = json_str(in, "person_id");
    if ((e = store_begin(s))) return e;
    e = registry_person_visible(s, a, person_id);
    if (e && e->code == ERR_NOT_FOUND) snprintf(e->field, sizeof e->field, "person_id");
    if (!e)
        e = registry_stay_insert(s, a, person_id, json_str(in, "site_id"), json_str(in, "bed"), at,
                                 out);
    if (!e) e = store_commit(s);
    if (e) store_rollback(s);
    return e;
}

herr *registry_stay_get(store *s, const actor *a, const char *stay_id, json_t **out) {
    json_t *stay = NULL;
    herr *e = load_stay(s, stay_id, &stay);
    if (e) return e;
    if (!actor_has_site(a, json_str(stay, "site_id"))) {
        json_decref(stay);
        return err_new(ERR_NOT_FOUND, "id", "no stay with id %s", stay_id);
    }
    *out = stay;
    return NULL;
}

static const json_field check_out_fields[] = {
    {"reason", JF_STRING, true, 20},
    {"note", JF_TEXT, false, 1000},
    {"checked_out_at", JF_STRING, false, 40},
};
static const char *const checkout_reasons[] = {"moved_on", "transferred", "returned", "absconded",
                                               "other"};
static const char checkout_sql[] =
    "UPDATE stays SET checked_out_at = :at, checkout_reason = :reason, checkout_note = :note,"
    " updated_at = :now WHERE id = :id AND checked_out_at IS NULL";

herr *registry_stay_check_out(store *s, const actor *a, const char *stay_id, const json_t *in,
                              json_t **out) {
    store_stmt *st = NULL;
    json_t *stay = NULL, *detail = NULL;
    int64_t at;
    herr *e =
        json_check(in, check_out_fields, sizeof check_out_fields / sizeof check_out_fields[0]);
    if (!e) e = parse_time(in, "checked_out_at", &at);
    if (e) return e;
    const char *reason = json_str(in, "reason");
    bool known = false;
    for (size_t i = 0; i < sizeof checkout_reasons / sizeof checkout_reasons[0]; i++)
        known = known || !strcmp(reason, checkout_reasons[i]);
    if (!known)
        return err_invalid("reason",
                           "reason must be moved_on, transferred, returned, absconded or other");
    char at_text[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    clock_format_iso(at, at_text);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = registry_stay_get(s, a, stay_id, &stay))) goto cleanup;
    if (json_str(stay, "checked_out_at")) {
        e = err_new(ERR_CONFLICT, "id", "this stay was already closed at %s",
                    json_str(stay, "checked_out_at"));
        goto cleanup;
    }
    if (strcmp(at_text, json_str(stay, "checked_in_at")) < 0) {
        e = err_invalid("checked_out_at", "check-out (%s) cannot be before check-in (%s)", at_text,
                        json_str(stay, "checked_in_at"));
        goto cleanup;
    }
    if ((e = store_prepare(s, checkout_sql, &st))) goto cleanup;
    store_bind_text(st, ":at", at_text);
    store_bind_text(st, ":reason", reason);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", stay_id);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s}", "reason", reason);
    if ((e = audit_record(s, a, "check_out", "stay", stay_id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    e = load_stay(s, stay_id, out);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    json_decref(stay);
    json_decref(detail);
    return e;
}
