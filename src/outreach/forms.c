/* Surveys: forms imported from XLSForm files, and their submissions, made on phones
 * (often offline) and created once however often they are sent. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"
#include "outreach/xlsform.h"

static const char find_key_sql[] = "SELECT id, version FROM outreach_forms WHERE form_key = :key";
static const char insert_form_sql[] =
    "INSERT INTO outreach_forms (id, form_key, title, version, created_at, updated_at)"
    " VALUES (:id, :key, :title, 1, :now, :now)";
static const char bump_form_sql[] =
    "UPDATE outreach_forms SET title = :title, version = :version, updated_at = :now"
    " WHERE id = :id";
static const char insert_version_sql[] =
    "INSERT INTO outreach_form_versions (form_id, version, version_label, definition, source,"
    " imported_at, by_id, by_name) VALUES (:form, :version, :label, :def, :source, :now, :by_id,"
    " :by_name)";

/* Finds the form of a key: *found, its id and newest version. */
static herr *find_key(store *s, const char *key, bool *found, char id[ID_LEN], int *version) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, find_key_sql, &st);
    if (e) return e;
    store_bind_text(st, ":key", key);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(id, ID_LEN, "%s", store_text(st, 0));
        *version = (int)store_int(st, 1);
    }
    *found = row;
    store_done(st);
    return e;
}

static herr *store_version(store *s, const actor *a, const char *id, int version, const json_t *def,
                           const void *xlsx, size_t len, const char *now) {
    store_stmt *st = NULL;
    char *text = json_dumps(def, JSON_COMPACT);
    herr *e = store_prepare(s, insert_version_sql, &st);
    if (!e) {
        store_bind_text(st, ":form", id);
        store_bind_int(st, ":version", version);
        store_bind_text(st, ":label", json_str(def, "version_label"));
        store_bind_text(st, ":def", text);
        store_bind_blob(st, ":source", xlsx, len);
        store_bind_text(st, ":now", now);
        store_bind_text(st, ":by_id", a->user_id);
        store_bind_text(st, ":by_name", a->username);
        e = store_run_done(&st);
    }
    free(text);
    return e;
}

herr *outreach_form_import(store *s, const actor *a, const void *xlsx, size_t len, json_t **out,
                           json_t **problems) {
    or_book book;
    json_t *def = NULL, *found = json_array(), *detail = NULL;
    store_stmt *st = NULL;
    bool began = false, exists = false;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    int version = 0;
    *problems = NULL;
    if (!auth_allows(a->role, "outreach.forms")) {
        json_decref(found);
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not import forms", a->role);
    }
    herr *e = or_xlsx_read(xlsx, len, &book);
    if (e) goto cleanup;
    or_xlsform_compile(&book, &def, found);
    or_book_free(&book);
    if (json_array_size(found)) {
        const json_t *p = json_array_get(found, 0);
        e = err_invalid("file", "the form cannot be used: sheet %s, row %d: %s%s",
                        json_str(p, "sheet"), (int)json_integer_value(json_object_get(p, "row")),
                        json_str(p, "message"),
                        json_array_size(found) > 1 ? " (and more: see problems)" : "");
        *problems = found;
        found = NULL;
        goto cleanup;
    }
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = find_key(s, json_str(def, "form_id"), &exists, id, &version))) goto cleanup;
    if (!exists) {
        id_new(id);
        version = 1;
        if ((e = store_prepare(s, insert_form_sql, &st))) goto cleanup;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":key", json_str(def, "form_id"));
    } else {
        version++;
        if ((e = store_prepare(s, bump_form_sql, &st))) goto cleanup;
        store_bind_text(st, ":id", id);
        store_bind_int(st, ":version", version);
    }
    store_bind_text(st, ":title", json_str(def, "title"));
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = store_version(s, a, id, version, def, xlsx, len, now))) goto cleanup;
    detail = json_pack("{s:s,s:i,s:I}", "form_id", json_str(def, "form_id"), "version", version,
                       "questions", (json_int_t)json_array_size(json_object_get(def, "questions")));
    if ((e = audit_record(s, a, exists ? "update" : "create", "outreach_form", id, detail)))
        goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = outreach_form_get(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(def);
    json_decref(found);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT f.id, f.form_key, f.title, f.version, f.updated_at,"
    " (SELECT COUNT(*) FROM outreach_submissions x WHERE x.form_id = f.id),"
    " (SELECT MAX(x.submitted_at) FROM outreach_submissions x WHERE x.form_id = f.id)"
    " FROM outreach_forms f ORDER BY f.title, f.id";

herr *outreach_form_list(store *s, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    while (!(e = store_step(st, &row)) && row) {
        json_t *f = json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}", "id", store_text(st, 0), "form_id",
                              store_text(st, 1), "title", store_text(st, 2), "version",
                              (json_int_t)store_int(st, 3), "imported_at", store_text(st, 4),
                              "submissions", (json_int_t)store_int(st, 5));
        or_set_col(f, "last_submission", st, 6);
        json_array_append_new(items, f);
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const char get_sql[] =
    "SELECT f.id, f.version, v.definition, v.imported_at, v.by_name FROM outreach_forms f"
    " JOIN outreach_form_versions v ON v.form_id = f.id AND v.version = f.version"
    " WHERE f.id = :id";

herr *outreach_form_get(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, NULL, "no form %s", id);
        goto cleanup;
    }
    json_t *def = json_loads(store_text(st, 2), 0, NULL);
    if (!def) {
        e = err_new(ERR_INTERNAL, NULL, "the stored form %s cannot be read", id);
        goto cleanup;
    }
    json_object_set_new(def, "id", json_string(store_text(st, 0)));
    json_object_set_new(def, "version", json_integer(store_int(st, 1)));
    json_object_set_new(def, "imported_at", json_string(store_text(st, 3)));
    json_object_set_new(def, "imported_by", json_string(store_text(st, 4)));
    *out = def;
cleanup:
    store_done(st);
    return e;
}

/* ---- submissions ----------------------------------------------------------------- */

static const json_field submission_fields[] = {
    {"id", JF_STRING, false, 36},         {"data", JF_OBJECT, true, 0},
    {"started_at", JF_STRING, false, 40}, {"ended_at", JF_STRING, false, 40},
    {"form_version", JF_INT, false, 0},
};

static const char lookup_sql[] = "SELECT body_hash FROM outreach_submissions WHERE id = :id";
static const char next_number_sql[] =
    "SELECT COALESCE(MAX(number), 0) + 1 FROM outreach_submissions WHERE form_id = :form";
static const char insert_sql[] =
    "INSERT INTO outreach_submissions (id, form_id, number, version, data, started_at, ended_at,"
    " submitted_at, body_hash, by_id, by_name) VALUES (:id, :form, :number, :version, :data,"
    " :started, :ended, :now, :hash, :by_id, :by_name)";
static const char one_sql[] =
    "SELECT id, number, version, data, started_at, ended_at, submitted_at, by_name, form_id"
    " FROM outreach_submissions WHERE id = :id";

static json_t *submission_row(store_stmt *st) {
    json_t *data = json_loads(store_text(st, 3), 0, NULL);
    json_t *o = json_pack("{s:s,s:I,s:I,s:o}", "id", store_text(st, 0), "number",
                          (json_int_t)store_int(st, 1), "version", (json_int_t)store_int(st, 2),
                          "data", data ? data : json_object());
    or_set_col(o, "started_at", st, 4);
    or_set_col(o, "ended_at", st, 5);
    or_set_col(o, "submitted_at", st, 6);
    or_set_col(o, "submitted_by", st, 7);
    or_set_col(o, "form_id", st, 8);
    return o;
}

static herr *submission_get(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, one_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && !row)
        e = err_new(ERR_NOT_FOUND, NULL, "no submission %s", id);
    if (!e) *out = submission_row(st);
    store_done(st);
    return e;
}

static herr *insert_submission(store *s, const actor *a, const char *id, const char *form_id,
                               int version, const json_t *clean, const json_t *in,
                               const char *hash) {
    store_stmt *st = NULL;
    bool row = false;
    char started[CLOCK_ISO_LEN], ended[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    herr *e = or_check_time(in, "started_at", started);
    if (!e) e = or_check_time(in, "ended_at", ended);
    if (!e) e = store_prepare(s, next_number_sql, &st);
    if (e) return e;
    store_bind_text(st, ":form", form_id);
    e = store_step(st, &row);
    int64_t number = row ? store_int(st, 0) : 1;
    store_done(st);
    st = NULL;
    if (e || (e = store_prepare(s, insert_sql, &st))) return e;
    char *data = json_dumps(clean, JSON_COMPACT);
    clock_format_iso(clock_now(), now);
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":form", form_id);
    store_bind_int(st, ":number", number);
    store_bind_int(st, ":version", version);
    store_bind_text(st, ":data", data);
    store_bind_text(st, ":started", started[0] ? started : NULL);
    store_bind_text(st, ":ended", ended[0] ? ended : NULL);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":hash", hash);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    e = store_run_done(&st);
    free(data);
    return e;
}

herr *outreach_submission_create(store *s, const actor *a, const char *form_id, const json_t *in,
                                 json_t **out, bool *replayed) {
    json_t *form = NULL, *clean = NULL, *detail = NULL;
    bool began = false, exists = false;
    char id[ID_LEN], hash[CRYPTO_HASH_HEX_LEN];
    *replayed = false;
    if (!auth_allows(a->role, "outreach.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not submit surveys", a->role);
    herr *e =
        json_check(in, submission_fields, sizeof submission_fields / sizeof submission_fields[0]);
    if (!e) e = or_client_id(in, id);
    if (e) return e;
    or_body_hash(in, hash);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = or_idem_check(s, lookup_sql, id, hash, "submission", &exists))) goto cleanup;
    if (exists) {
        *replayed = true;
        goto done;
    }
    if ((e = outreach_form_get(s, form_id, &form))) goto cleanup;
    /* Checked against the form as it is now: a form changed since the phone filled it
     * may refuse the answers, which go back to the user to fix. */
    if ((e = or_form_check(form, json_object_get(in, "data"), &clean))) goto cleanup;
    int version = (int)json_integer_value(json_object_get(form, "version"));
    if ((e = insert_submission(s, a, id, form_id, version, clean, in, hash))) goto cleanup;
    detail = json_pack("{s:s,s:i,s:I}", "form_id", form_id, "version", version, "answers",
                       (json_int_t)json_object_size(clean));
    if ((e = audit_record(s, a, "create", "outreach_submission", id, detail))) goto cleanup;
done:
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    if (!(e = submission_get(s, id, out)) && strcmp(json_str(*out, "form_id"), form_id) != 0) {
        json_decref(*out);
        *out = NULL;
        e = err_new(ERR_CONFLICT, "id", "this id was already sent with another form");
    }
cleanup:
    if (began) store_rollback(s);
    json_decref(form);
    json_decref(clean);
    json_decref(detail);
    return e;
}

static const char submissions_sql[] =
    "SELECT id, number, version, data, started_at, ended_at, submitted_at, by_name, form_id"
    " FROM outreach_submissions WHERE form_id = :form ORDER BY number DESC LIMIT :limit";

herr *outreach_submission_list(store *s, const char *form_id, int limit, json_t **out) {
    store_stmt *st = NULL;
    json_t *form = NULL, *items = json_array();
    bool row;
    herr *e = outreach_form_get(s, form_id, &form);
    if (!e) e = store_prepare(s, submissions_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":form", form_id);
    store_bind_int(st, ":limit", limit > 0 ? limit : 100);
    while (!(e = store_step(st, &row)) && row) json_array_append_new(items, submission_row(st));
cleanup:
    store_done(st);
    json_decref(form);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}
