/* The server's side of a sync: a site's pushed batch, the changes a site pulls, and the
 * rows a new site enrols with. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sync/sync.h"
#include "sync/sync_internal.h"

static const char max_seq_sql[] = "SELECT COALESCE(MAX(seq), 0) FROM sync_changes";

static herr *max_seq(store *s, int64_t *out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, max_seq_sql, &st);
    if (!e) e = store_step(st, &row);
    *out = !e && row ? store_int(st, 0) : 0;
    store_done(st);
    return e;
}

herr *sync_status(store *s, const actor *a, json_t **out) {
    (void)a;
    char origin[SYNC_ORIGIN_LEN];
    int64_t seq = 0;
    herr *e = sync_origin(s, origin);
    if (!e) e = max_seq(s, &seq);
    if (!e) *out = json_pack("{s:s,s:I}", "origin", origin, "seq", (json_int_t)seq);
    return e;
}

static bool origin_valid(const char *o) {
    size_t n = o ? strlen(o) : 0;
    if (n < 8 || n > 64) return false;
    for (; *o; o++)
        if (!((*o >= '0' && *o <= '9') || (*o >= 'a' && *o <= 'f'))) return false;
    return true;
}

/* A site may send changes only about rows of its sites. */
static herr *change_in_scope(store *s, const actor *a, const json_t *c, size_t i) {
    const char *kind = json_str(c, "kind"), *tbl = json_str(c, "tbl");
    const char *row_id = json_str(c, "row_id");
    if (a->all_sites) return NULL;
    if (kind && !strcmp(kind, "insert")) {
        json_t *row = json_loads(json_str(c, "new") ? json_str(c, "new") : "", 0, NULL);
        const char *site =
            json_str(row, tbl && !strcmp(tbl, "persons") ? "registration_site_id" : "site_id");
        bool ok = site && actor_has_site(a, site);
        json_decref(row);
        return ok ? NULL
                  : err_new(ERR_FORBIDDEN, "changes", "change %zu is a row of a site not yours", i);
    }
    json_t *got = NULL;
    herr *e = NULL;
    if (tbl && !strcmp(tbl, "persons"))
        e = registry_person_visible(s, a, row_id ? row_id : "");
    else if (tbl && !strcmp(tbl, "stays")) {
        e = registry_stay_get(s, a, row_id ? row_id : "", &got);
        json_decref(got);
    }
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_new(ERR_FORBIDDEN, "changes", "change %zu is about a row not of your sites", i);
    }
    return e;
}

herr *sync_receive(store *s, const actor *a, const json_t *in, json_t **out) {
    const char *origin = json_str(in, "origin");
    json_t *changes = json_object_get(in, "changes");
    json_t *persons = json_array(), *inserted = json_array(), *detail = NULL;
    char own[SYNC_ORIGIN_LEN];
    size_t applied = 0, duplicates = 0, conflicts = 0, i;
    json_int_t upto = 0;
    bool began = false;
    json_t *c;
    herr *e = NULL;
    if (!origin_valid(origin)) {
        e = err_invalid("origin", "origin must be the site's origin id (8-64 of 0-9 a-f)");
        goto cleanup;
    }
    if (!json_is_array(changes) || json_array_size(changes) > SYNC_MAX_BATCH) {
        e = err_invalid("changes", "changes must be an array of at most %d", SYNC_MAX_BATCH);
        goto cleanup;
    }
    if ((e = sync_origin(s, own))) goto cleanup;
    if (!strcmp(own, origin)) {
        e = err_invalid("origin", "this is the server's own origin: a copy of its database?");
        goto cleanup;
    }
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    json_array_foreach(changes, i, c) {
        if ((e = change_in_scope(s, a, c, i))) goto cleanup;
    }
    if ((e = sync_capture(s, false))) goto cleanup;
    json_array_foreach(changes, i, c) {
        sync_outcome how;
        char pid[40];
        if ((e = sync_apply(s, c, origin, &how, pid))) goto cleanup;
        applied += how == SYNC_APPLIED;
        duplicates += how == SYNC_DUPLICATE;
        conflicts += how == SYNC_CONFLICT;
        if (pid[0]) json_array_append_new(persons, json_string(pid));
        if (pid[0] && how == SYNC_APPLIED && !strcmp(json_str(c, "kind"), "insert"))
            json_array_append_new(inserted, json_string(pid));
        json_int_t n = json_integer_value(json_object_get(c, "origin_seq"));
        if (n > upto) upto = n;
    }
    if ((e = sync_capture(s, true))) goto cleanup;
    detail = json_pack("{s:s,s:i,s:i,s:i}", "origin", origin, "applied", (int)applied, "duplicates",
                       (int)duplicates, "conflicts", (int)conflicts);
    if ((e = audit_record(s, a, "sync.push", "sync", origin, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    json_array_foreach(persons, i, c) registry_person_rematch(s, json_string_value(c));
    json_array_foreach(inserted, i, c) sync_find_duplicates(s, json_string_value(c), origin);
    *out = json_pack("{s:i,s:i,s:i,s:I}", "applied", (int)applied, "duplicates", (int)duplicates,
                     "conflicts", (int)conflicts, "upto", upto);
cleanup:
    if (e && began) store_rollback(s);
    json_decref(persons);
    json_decref(inserted);
    json_decref(detail);
    return e;
}

static const char since_sql[] =
    "SELECT " SYNC_CHANGE_COLUMNS " FROM sync_changes c WHERE c.seq > :after AND c.seq <= :max"
    " AND c.status = 'applied' AND c.origin <> :origin AND (:all = 1"
    " OR :sites LIKE '%,' || c.site_id || ',%' OR (c.tbl = 'persons' AND EXISTS"
    " (SELECT 1 FROM stays vs WHERE vs.person_id = c.row_id AND"
    " :sites LIKE '%,' || vs.site_id || ',%'))) ORDER BY c.seq LIMIT :limit";
static const char carry_person_sql[] =
    "SELECT " SYNC_PERSON_JSON("p.") " FROM persons p JOIN stays t ON t.person_id = p.id"
                                     " WHERE t.id = :id";

/* The person a stay belongs to, as a row to insert before it (a site taking in a person
 * transferred from elsewhere has never had that person's row). */
static herr *carry_person(store *s, const char *stay_id, json_t *list) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, carry_person_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", stay_id);
        e = store_step(st, &row);
    }
    if (!e && row) {
        json_t *p = json_loads(store_text(st, 0), 0, NULL);
        if (p)
            json_array_append_new(
                list, json_pack("{s:b,s:s,s:o}", "carry", 1, "tbl", "persons", "row", p));
    }
    store_done(st);
    return e;
}

herr *sync_changes_since(store *s, const actor *a, const char *origin, int64_t after, int limit,
                         json_t **out) {
    store_stmt *st = NULL;
    char *scope = sync_scope(a);
    json_t *list = json_array();
    int64_t top = 0, last = after;
    int n = 0;
    bool row;
    herr *e = NULL;
    if (limit < 1 || limit > SYNC_MAX_BATCH) {
        e = err_invalid("limit", "limit must be 1..%d", SYNC_MAX_BATCH);
        goto cleanup;
    }
    if (after < 0) {
        e = err_invalid("after", "after must be a change number (0 or more)");
        goto cleanup;
    }
    if ((e = max_seq(s, &top))) goto cleanup;
    if ((e = store_prepare(s, since_sql, &st))) goto cleanup;
    store_bind_int(st, ":after", after);
    store_bind_int(st, ":max", top);
    store_bind_text(st, ":origin", origin ? origin : "");
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", scope);
    store_bind_int(st, ":limit", limit);
    json_t *stays = json_array();
    while (!(e = store_step(st, &row)) && row) {
        json_t *c = sync_change_row(st);
        last = store_int(st, 0);
        n++;
        if (!strcmp(json_str(c, "kind"), "insert") && !strcmp(json_str(c, "tbl"), "stays"))
            json_array_append_new(stays, json_integer(json_array_size(list)));
        json_array_append_new(list, c);
    }
    store_done(st);
    st = NULL;
    /* Each stay's person goes just before the stay (inserted back to front). */
    for (size_t k = json_array_size(stays); !e && k-- > 0;) {
        size_t at = (size_t)json_integer_value(json_array_get(stays, k));
        json_t *one = json_array();
        e = carry_person(s, json_str(json_array_get(list, at), "row_id"), one);
        if (!e && json_array_size(one)) json_array_insert(list, at, json_array_get(one, 0));
        json_decref(one);
    }
    json_decref(stays);
    if (e) goto cleanup;
    *out = json_pack("{s:O,s:I,s:b}", "changes", list, "upto", (json_int_t)(n < limit ? top : last),
                     "more", n == limit);
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(list);
    return e;
}

/* ---- snapshot ------------------------------------------------------------------------- */

static const char snap_sites_sql[] =
    "SELECT id, " SYNC_SITE_JSON("") " FROM sites WHERE id > :after AND :all >= 0"
                                     " AND :sites IS NOT NULL ORDER BY id LIMIT :limit";
static const char snap_persons_sql[] = "SELECT p.id, " SYNC_PERSON_JSON(
    "p.") " FROM persons p WHERE p.id > :after AND (:all = 1"
          " OR :sites LIKE '%,' || p.registration_site_id || ',%' OR EXISTS (SELECT 1 FROM stays vs"
          " WHERE vs.person_id = p.id AND :sites LIKE '%,' || vs.site_id || ',%'))"
          " ORDER BY p.id LIMIT :limit";
static const char snap_stays_sql[] = "SELECT t.id, " SYNC_STAY_JSON(
    "t.") " FROM stays t WHERE t.id > :after AND (:all = 1"
          " OR :sites LIKE '%,' || t.site_id || ',%') ORDER BY t.id LIMIT :limit";
static const char snap_counters_sql[] =
    "SELECT site_id || '/' || year, json_object('site_id', site_id, 'year', year, 'last', last)"
    " FROM registration_counters WHERE site_id || '/' || year > :after AND (:all = 1"
    " OR :sites LIKE '%,' || site_id || ',%') ORDER BY site_id || '/' || year LIMIT :limit";

herr *sync_snapshot(store *s, const actor *a, const char *table, const char *after, int limit,
                    json_t **out) {
    const char *sql = NULL;
    if (table && !strcmp(table, "sites")) sql = snap_sites_sql;
    if (table && !strcmp(table, "persons")) sql = snap_persons_sql;
    if (table && !strcmp(table, "stays")) sql = snap_stays_sql;
    if (table && !strcmp(table, "registration_counters")) sql = snap_counters_sql;
    if (!sql)
        return err_invalid("table", "table must be sites, persons, stays or"
                                    " registration_counters");
    if (limit < 1 || limit > SYNC_MAX_BATCH)
        return err_invalid("limit", "limit must be 1..%d", SYNC_MAX_BATCH);
    store_stmt *st = NULL;
    char *scope = sync_scope(a), *last = NULL;
    json_t *rows = json_array(), *detail = NULL;
    int n = 0;
    bool row;
    herr *e = store_prepare(s, sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":after", after ? after : "");
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", scope);
    store_bind_int(st, ":limit", limit);
    while (!(e = store_step(st, &row)) && row) {
        json_t *r = json_loads(store_text(st, 1), 0, NULL);
        if (r) json_array_append_new(rows, r);
        mem_free(last);
        last = mem_strdup(store_text(st, 0));
        n++;
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    detail = json_pack("{s:s,s:i}", "table", table, "rows", n);
    if ((e = audit_record_read(s, a, "sync", "snapshot", detail))) goto cleanup;
    *out =
        json_pack("{s:s,s:O,s:s?}", "table", table, "rows", rows, "next", n == limit ? last : NULL);
cleanup:
    store_done(st);
    mem_free(scope);
    mem_free(last);
    json_decref(rows);
    json_decref(detail);
    return e;
}

/* ---- registration number blocks ----------------------------------------------------- */

static const json_field reserve_fields[] = {
    {"year", JF_INT, true, 0},
    {"count", JF_INT, true, 0},
    {"skip", JF_STRING_ARRAY, false, 0},
};
static const char reserve_sql[] =
    "INSERT INTO registration_counters (site_id, year, last) VALUES (:site, :year, :n)"
    " ON CONFLICT (site_id, year) DO UPDATE SET last = registration_counters.last + :n"
    " RETURNING last";
static const char reserve_sites_sql[] =
    "SELECT id FROM sites WHERE (:all = 1 OR :sites LIKE '%,' || id || ',%') ORDER BY id";

static bool skipped(const json_t *skip, const char *id) {
    size_t i;
    json_t *v;
    json_array_foreach(skip, i, v) if (!strcmp(json_string_value(v), id)) return true;
    return false;
}

herr *sync_reserve(store *s, const actor *a, const json_t *in, json_t **out) {
    herr *e = json_check(in, reserve_fields, 3);
    if (e) return e;
    json_int_t year = json_integer_value(json_object_get(in, "year"));
    json_int_t n = json_integer_value(json_object_get(in, "count"));
    if (year < 2000 || year > 2200) return err_invalid("year", "year must be 2000..2200");
    if (n < 1 || n > 10000) return err_invalid("count", "count must be 1..10000");
    json_t *skip = json_object_get(in, "skip"), *sites = json_array(), *blocks = json_array();
    json_t *detail = NULL, *v;
    char *scope = sync_scope(a);
    store_stmt *st = NULL;
    bool row, began = false;
    size_t i;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = store_prepare(s, reserve_sites_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", scope);
    while (!(e = store_step(st, &row)) && row)
        if (!skipped(skip, store_text(st, 0)))
            json_array_append_new(sites, json_string(store_text(st, 0)));
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    json_array_foreach(sites, i, v) {
        if ((e = store_prepare(s, reserve_sql, &st))) goto cleanup;
        store_bind_text(st, ":site", json_string_value(v));
        store_bind_int(st, ":year", year);
        store_bind_int(st, ":n", n);
        if ((e = store_step(st, &row))) goto cleanup;
        json_int_t last = store_int(st, 0);
        store_done(st);
        st = NULL;
        json_array_append_new(blocks,
                              json_pack("{s:s,s:I,s:I,s:I}", "site_id", json_string_value(v),
                                        "year", year, "from", last - n + 1, "to", last));
    }
    detail = json_pack("{s:O}", "blocks", blocks);
    if ((e = audit_record(s, a, "sync.reserve", "sync", "registration_numbers", detail)))
        goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    *out = json_pack("{s:O}", "blocks", blocks);
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    mem_free(scope);
    json_decref(sites);
    json_decref(blocks);
    json_decref(detail);
    return e;
}
