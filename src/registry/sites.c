/* Sites: reception centres, asylum centres, border points, offices. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

static const json_field site_fields[] = {
    {"name", JF_STRING, false, 120},         {"code", JF_STRING, false, 6},
    {"municipality", JF_STRING, false, 120}, {"kind", JF_STRING, false, 40},
    {"capacity", JF_INT, false, 0},          {"active", JF_BOOL, false, 0},
};
#define N_SITE_FIELDS (sizeof site_fields / sizeof site_fields[0])

static void add_kind(char *line, void *ctx) {
    char *f[4];
    if (datafile_split_tabs(line, f, 4) == 4)
        json_array_append_new(
            ctx, json_pack("{s:s,s:s,s:s,s:s}", "code", f[0], "en", f[1], "bs", f[2], "sr", f[3]));
}

json_t *registry_site_kinds(void) {
    json_t *kinds = json_array();
    datafile_each_line("site_kinds.tsv", add_kind, kinds);
    return kinds;
}

static bool kind_valid(const char *kind) {
    json_t *kinds = registry_site_kinds();
    bool ok = false;
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k) ok = ok || !strcmp(json_str(k, "code"), kind);
    json_decref(kinds);
    return ok;
}

static herr *check_code(const char *code) {
    size_t n = strlen(code);
    if (n < 2 || n > 6) return err_invalid("code", "code must be 2 to 6 capital letters");
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)code[i]))
            return err_invalid("code", "code must be 2 to 6 capital letters A-Z");
    return NULL;
}

static herr *check_site_input(const json_t *in, bool creating) {
    herr *e = json_check(in, site_fields, N_SITE_FIELDS);
    if (e) return e;
    if (creating && !json_str(in, "name")) return err_required("name");
    if (creating && !json_str(in, "kind")) return err_required("kind");
    if (creating && !json_has(in, "capacity")) return err_required("capacity");
    if (json_has(in, "name") && (!json_str(in, "name") || !json_str(in, "name")[0]))
        return err_with(err_invalid("name", "name cannot be empty"), "empty", (const char *)NULL);
    if (json_has(in, "kind") && (!json_str(in, "kind") || !kind_valid(json_str(in, "kind"))))
        return err_invalid("kind", "kind must be one of the site kinds (for example "
                                   "temporary_reception_centre, asylum_centre)");
    json_t *cap = json_object_get(in, "capacity");
    if (json_has(in, "capacity") &&
        (!json_is_integer(cap) || json_integer_value(cap) < 0 || json_integer_value(cap) > 100000))
        return err_invalid("capacity", "capacity must be a number of beds from 0 to 100000");
    if (json_has(in, "active") && !json_is_boolean(json_object_get(in, "active")))
        return err_invalid("active", "active must be true or false");
    const char *code = json_str(in, "code");
    if (code && (e = check_code(code))) return e;
    return NULL;
}

/* The first three letters of the folded name, upper case: "Ušivak" -> "USI". */
static herr *derive_code(const char *name, char out[8]) {
    char *folded = NULL;
    herr *e = text_fold(name, &folded);
    if (e) return e;
    size_t k = 0;
    for (const char *p = folded; *p && k < 3; p++)
        if (isalpha((unsigned char)*p)) out[k++] = (char)toupper((unsigned char)*p);
    out[k] = '\0';
    mem_free(folded);
    if (k < 2) return err_invalid("code", "give the site a code (2 to 6 capital letters)");
    return NULL;
}

static const char site_by_id_sql[] =
    "SELECT s.id, s.code, s.name, s.municipality, s.kind, s.capacity, s.active, s.created_at,"
    " s.updated_at, (SELECT COUNT(*) FROM stays t WHERE t.site_id = s.id AND"
    " t.checked_out_at IS NULL) FROM sites s WHERE s.id = :id";

static json_t *site_row(store_stmt *st) {
    int64_t capacity = store_int(st, 5), present = store_int(st, 9);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:I,s:I}", "id", store_text(st, 0),
                     "code", store_text(st, 1), "name", store_text(st, 2), "municipality",
                     store_text(st, 3), "kind", store_text(st, 4), "capacity", (json_int_t)capacity,
                     "active", (int)store_int(st, 6), "created_at", store_text(st, 7), "updated_at",
                     store_text(st, 8), "present", (json_int_t)present, "beds_free",
                     (json_int_t)(capacity > present ? capacity - present : 0));
}

herr *registry_site_get(store *s, const actor *a, const char *id, json_t **out) {
    if (!actor_has_site(a, id)) return err_new(ERR_NOT_FOUND, "id", "no site with id %s", id);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, site_by_id_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no site with id %s", id);
    if (!e) *out = site_row(st);
    store_done(st);
    return e;
}

herr *registry_site_list(store *s, const actor *a, json_t **out) {
    static const char list_sql[] =
        "SELECT s.id, s.code, s.name, s.municipality, s.kind, s.capacity, s.active, s.created_at,"
        " s.updated_at, (SELECT COUNT(*) FROM stays t WHERE t.site_id = s.id AND"
        " t.checked_out_at IS NULL) FROM sites s ORDER BY s.name";
    store_stmt *st = NULL;
    bool row;
    json_t *items = json_array();
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    while (!(e = store_step(st, &row)) && row)
        if (actor_has_site(a, store_text(st, 0))) json_array_append_new(items, site_row(st));
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const char code_taken_sql[] = "SELECT 1 FROM sites WHERE code = :code AND id <> :id";
static const char insert_sql[] =
    "INSERT INTO sites (id, code, name, municipality, kind, capacity, active, created_at,"
    " updated_at) VALUES (:id, :code, :name, :municipality, :kind, :capacity, :active, :now, :now)";

static herr *check_code_free(store *s, const char *code, const char *id) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, code_taken_sql, &st);
    if (e) return e;
    store_bind_text(st, ":code", code);
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    store_done(st);
    if (!e && row)
        e = err_new(ERR_CONFLICT, "code", "another site already has the code %s; give another code",
                    code);
    return e;
}

herr *registry_site_create(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    herr *e = check_site_input(in, true);
    if (e) return e;
    char code[8];
    if (json_str(in, "code"))
        snprintf(code, sizeof code, "%s", json_str(in, "code"));
    else if ((e = derive_code(json_str(in, "name"), code)))
        return e;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = check_code_free(s, code, id))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":code", code);
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":municipality",
                    json_str(in, "municipality") ? json_str(in, "municipality") : "");
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_int(st, ":capacity", json_integer_value(json_object_get(in, "capacity")));
    store_bind_int(st, ":active", json_is_false(json_object_get(in, "active")) ? 0 : 1);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s}", "code", code);
    if ((e = audit_record(s, a, "create", "site", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    e = registry_site_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    json_decref(detail);
    return e;
}

static const char update_sql[] =
    "UPDATE sites SET name = COALESCE(:name, name), code = COALESCE(:code, code),"
    " municipality = COALESCE(:municipality, municipality), kind = COALESCE(:kind, kind),"
    " capacity = COALESCE(:capacity, capacity), active = COALESCE(:active, active),"
    " updated_at = :now WHERE id = :id";

herr *registry_site_update(store *s, const actor *a, const char *id, const json_t *in,
                           json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL, *before = NULL;
    herr *e = check_site_input(in, false);
    if (e) return e;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = registry_site_get(s, a, id, &before))) goto cleanup;
    if (json_str(in, "code") && (e = check_code_free(s, json_str(in, "code"), id))) goto cleanup;
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":code", json_str(in, "code"));
    store_bind_text(st, ":municipality", json_str(in, "municipality"));
    store_bind_text(st, ":kind", json_str(in, "kind"));
    json_t *cap = json_object_get(in, "capacity"), *active = json_object_get(in, "active");
    if (json_is_integer(cap))
        store_bind_int(st, ":capacity", json_integer_value(cap));
    else
        store_bind_null(st, ":capacity");
    if (json_is_boolean(active))
        store_bind_int(st, ":active", json_is_true(active));
    else
        store_bind_null(st, ":active");
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = registry_changed_fields(in);
    if ((e = audit_record(s, a, "update", "site", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    e = registry_site_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    json_decref(detail);
    json_decref(before);
    return e;
}
