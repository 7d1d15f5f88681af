/* Watch lists: stored sealed, listed by name and size, deleted. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "match/match.h"
#include "protection/protection.h"
#include "screening/screening.h"
#include "screening/screening_internal.h"

#define MAX_PROBLEMS 20

typedef struct {
    json_t *items;
} problem_list;

static void note_problem(void *ctx, long line, const char *why) {
    problem_list *p = ctx;
    if (json_array_size(p->items) < MAX_PROBLEMS)
        json_array_append_new(p->items,
                              json_pack("{s:I,s:s}", "line", (json_int_t)line, "reason", why));
}

herr *screening_read_csv(const char *csv, size_t len, size_t max_records, match_record_set *set,
                         json_t *problems, size_t *skipped) {
    *skipped = 0;
    if (!len)
        return err_with(err_invalid("body", "the CSV file is empty"), "csv_empty",
                        (const char *)NULL);
    FILE *f = fmemopen((void *)csv, len, "rb");
    if (!f) return err_new(ERR_INTERNAL, NULL, "cannot read the request body");
    problem_list p = {.items = problems};
    herr *e = match_records_read_csv(f, max_records, set, note_problem, &p, skipped);
    fclose(f);
    return e;
}

static herr *check_name(const char *name) {
    static const json_field fields[] = {{"name", JF_STRING, true, 120}};
    json_t *in = json_pack("{s:s?}", "name", name);
    herr *e = json_check(in, fields, 1);
    if (!e) e = check_not_blank(in, "name", true);
    json_decref(in);
    return e;
}

static const char insert_sql[] =
    "INSERT INTO watch_lists (id, name, records, sealed_csv, created_at, by_id, by_name)"
    " VALUES (:id, :name, :records, :sealed, :at, :by_id, :by_name)";

herr *screening_list_create(store *s, const actor *a, const char *name, const char *csv, size_t len,
                            json_t **out, json_t **problems) {
    *out = NULL;
    *problems = NULL;
    match_record_set set = {0};
    json_t *found = json_array();
    char *plain = NULL, *sealed = NULL;
    store_stmt *st = NULL;
    bool began = false;
    size_t skipped = 0;
    char id[ID_LEN], at[CLOCK_ISO_LEN];
    herr *e = check_name(name);
    if (!e) e = screening_read_csv(csv, len, SCREENING_MAX_LIST_RECORDS, &set, found, &skipped);
    if (!e && skipped) {
        char n[24];
        snprintf(n, sizeof n, "%zu", skipped);
        e = err_with(err_invalid("body", "%zu lines of the list cannot be used; nothing was stored",
                                 skipped),
                     "csv_lines", "count", n, (const char *)NULL);
        *problems = json_pack("{s:O}", "problems", found);
    }
    if (!e && !set.n)
        e = err_with(err_invalid("body", "the list holds no records"), "csv_empty",
                     (const char *)NULL);
    if (e) goto cleanup;
    id_new(id);
    clock_format_iso(clock_now(), at);
    plain = mem_alloc(len + 1);
    memcpy(plain, csv, len);
    plain[len] = '\0';
    if ((e = protection_seal_text("watch_lists", id, "sealed_csv", plain, &sealed))) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":name", name);
    store_bind_int(st, ":records", (int64_t)set.n);
    store_bind_text(st, ":sealed", sealed);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    bool row = false;
    e = store_step(st, &row);
    store_done(st);
    if (e) goto cleanup;
    json_t *detail = json_pack("{s:s,s:I}", "name", name, "records", (json_int_t)set.n);
    e = audit_record(s, a, "create", "watch_list", id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
    if (e) goto cleanup;
    began = false;
    *out = json_pack("{s:s,s:s,s:I,s:s}", "id", id, "name", name, "records", (json_int_t)set.n,
                     "created_at", at);
cleanup:
    if (began) store_rollback(s);
    json_decref(found);
    if (plain) crypto_wipe(plain, len);
    mem_free(plain);
    mem_free(sealed);
    match_record_set_free(&set);
    return e;
}

herr *screening_list_index(store *s, json_t **out) {
    static const char sql[] = "SELECT id, name, records, created_at, by_name FROM watch_lists"
                              " ORDER BY created_at DESC, id";
    store_stmt *st = NULL;
    json_t *items = json_array();
    herr *e = store_prepare(s, sql, &st);
    bool row = false;
    while (!e && !(e = store_step(st, &row)) && row)
        json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:s,s:s}", "id", store_text(st, 0),
                                               "name", store_text(st, 1), "records",
                                               (json_int_t)store_int(st, 2), "created_at",
                                               store_text(st, 3), "created_by", store_text(st, 4)));
    if (st) store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

herr *screening_list_delete(store *s, const actor *a, const char *id) {
    store_stmt *st = NULL;
    herr *e = check_id("id", id, true);
    if (e) return e;
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, "DELETE FROM watch_lists WHERE id = :id", &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    bool row = false;
    e = store_step(st, &row);
    store_done(st);
    if (!e && store_changes(s) == 0) e = err_new(ERR_NOT_FOUND, "id", "no watch list with this id");
    if (!e) e = audit_record(s, a, "delete", "watch_list", id, NULL);
    if (!e) e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    return e;
}
