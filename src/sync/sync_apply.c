/* Applying a change that came from another installation, and inserting snapshot rows.
 *
 * Rows are copied verbatim (the sender's module validated them when they were written);
 * what a row derives (a person's search tokens and key, the registration counter) is
 * recomputed here through the registry's header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sync/sync.h"
#include "sync/sync_internal.h"

/* The fields that travel one by one, with their statements (identifiers cannot be bound,
 * so each field has its own static SQL). */
typedef struct {
    const char *tbl, *field, *get_sql, *set_sql;
    bool person_search; /* a person's search data derive from it */
} sync_field;

#define SYNC_FIELD(t, f, search)                                                                   \
    {                                                                                              \
        t, f, "SELECT json_quote(" f ") FROM " t " WHERE id = :id",                                \
            "UPDATE " t " SET " f " = json_extract(:v, '$'), updated_at = :now WHERE id = :id",    \
            search                                                                                 \
    }

static const sync_field fields[] = {
    SYNC_FIELD("persons", "given_name", true),
    SYNC_FIELD("persons", "family_name", true),
    SYNC_FIELD("persons", "native_name", true),
    SYNC_FIELD("persons", "sex", true),
    SYNC_FIELD("persons", "birth_date", true),
    SYNC_FIELD("persons", "birth_date_precision", true),
    SYNC_FIELD("persons", "citizenship", true),
    SYNC_FIELD("persons", "languages", false),
    SYNC_FIELD("persons", "phone", true),
    SYNC_FIELD("stays", "bed", false),
    SYNC_FIELD("stays", "checked_out_at", false),
    SYNC_FIELD("stays", "checkout_reason", false),
    SYNC_FIELD("stays", "checkout_note", false),
};

static const sync_field *field_of(const char *tbl, const char *field) {
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (tbl && field && !strcmp(fields[i].tbl, tbl) && !strcmp(fields[i].field, field))
            return &fields[i];
    return NULL;
}

/* Binds a JSON value of a row to a named parameter. */
static void bind_json(store_stmt *st, const char *param, const json_t *v) {
    if (json_is_string(v))
        store_bind_text(st, param, json_string_value(v));
    else if (json_is_integer(v))
        store_bind_int(st, param, json_integer_value(v));
    else if (json_is_real(v))
        store_bind_double(st, param, json_real_value(v));
    else if (json_is_boolean(v))
        store_bind_int(st, param, json_is_true(v));
    else
        store_bind_null(st, param);
}

static const char site_insert_sql[] =
    "INSERT INTO sites (id, code, name, municipality, kind, capacity, active, created_at,"
    " updated_at) VALUES (:id, :code, :name, :municipality, :kind, :capacity, :active,"
    " :created_at, :updated_at) ON CONFLICT (id) DO NOTHING";
static const char person_insert_sql[] =
    "INSERT INTO persons (id, reg_no, given_name, family_name, native_name, sex, birth_date,"
    " birth_date_precision, citizenship, languages, phone, registration_site_id, registered_at,"
    " search_key, created_at, updated_at) VALUES (:id, :reg_no, :given_name, :family_name,"
    " :native_name, :sex, :birth_date, :birth_date_precision, :citizenship, :languages, :phone,"
    " :registration_site_id, :registered_at, '', :created_at, :updated_at)"
    " ON CONFLICT (id) DO NOTHING";
static const char stay_insert_sql[] =
    "INSERT INTO stays (id, person_id, site_id, bed, checked_in_at, checked_out_at,"
    " checkout_reason, checkout_note, created_at, updated_at) VALUES (:id, :person_id,"
    " :site_id, :bed, :checked_in_at, :checked_out_at, :checkout_reason, :checkout_note,"
    " :created_at, :updated_at) ON CONFLICT (id) DO NOTHING";
/* A counter only moves forward, so numbers given out on either side are not given twice. */
static const char counter_sql[] =
    "INSERT INTO registration_counters (site_id, year, last) VALUES (:site_id, :year, :last)"
    " ON CONFLICT (site_id, year) DO UPDATE SET last = excluded.last"
    " WHERE excluded.last > registration_counters.last";

static const char *const site_cols[] = {"id",       "code",   "name",       "municipality", "kind",
                                        "capacity", "active", "created_at", "updated_at",   NULL};
static const char *const person_cols[] = {"id",
                                          "reg_no",
                                          "given_name",
                                          "family_name",
                                          "native_name",
                                          "sex",
                                          "birth_date",
                                          "birth_date_precision",
                                          "citizenship",
                                          "languages",
                                          "phone",
                                          "registration_site_id",
                                          "registered_at",
                                          "created_at",
                                          "updated_at",
                                          NULL};
static const char *const stay_cols[] = {"id",
                                        "person_id",
                                        "site_id",
                                        "bed",
                                        "checked_in_at",
                                        "checked_out_at",
                                        "checkout_reason",
                                        "checkout_note",
                                        "created_at",
                                        "updated_at",
                                        NULL};
static const char *const counter_cols[] = {"site_id", "year", "last", NULL};

static herr *insert_with(store *s, const char *sql, const char *const *cols, const json_t *row) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    char param[48];
    for (size_t i = 0; cols[i]; i++) {
        snprintf(param, sizeof param, ":%s", cols[i]);
        bind_json(st, param, json_object_get(row, cols[i]));
    }
    return store_run_done(&st);
}

static const char enrolled_sql[] = "SELECT enrolled_at IS NOT NULL FROM sync_state";

/* On the server, the registration counter of the person's site and year moves past the
 * number of a person a laptop sent (a laptop that ran past its reserved block). A laptop
 * leaves its own counter alone: following the server's numbers would lead it into the
 * range the server gives out next. */
static herr *counter_follow(store *s, const json_t *row) {
    store_stmt *st = NULL;
    bool got = false, laptop = false;
    herr *e0 = store_prepare(s, enrolled_sql, &st);
    if (!e0) e0 = store_step(st, &got);
    laptop = !e0 && got && store_int(st, 0);
    store_done(st);
    if (e0 || laptop) return e0;
    const char *reg_no = json_str(row, "reg_no"), *at = json_str(row, "registered_at");
    const char *dash = reg_no ? strrchr(reg_no, '-') : NULL;
    if (!dash || !at || strlen(at) < 4) return NULL;
    json_t *c = json_pack("{s:s?,s:i,s:I}", "site_id", json_str(row, "registration_site_id"),
                          "year", atoi(at), "last", (json_int_t)strtoll(dash + 1, NULL, 10));
    herr *e = insert_with(s, counter_sql, counter_cols, c);
    json_decref(c);
    return e;
}

herr *sync_insert_row(store *s, const char *table, const json_t *row) {
    if (!json_is_object(row) || (strcmp(table, "registration_counters") && !json_str(row, "id")))
        return err_invalid("rows", "a %s row must be an object with an id", table);
    if (!strcmp(table, "sites")) return insert_with(s, site_insert_sql, site_cols, row);
    if (!strcmp(table, "stays")) return insert_with(s, stay_insert_sql, stay_cols, row);
    if (!strcmp(table, "registration_counters"))
        return insert_with(s, counter_sql, counter_cols, row);
    if (strcmp(table, "persons")) return err_invalid("table", "%s is not replicated", table);
    herr *e = insert_with(s, person_insert_sql, person_cols, row);
    if (e || store_changes(s) == 0) return e;
    if ((e = registry_person_reindex(s, json_str(row, "id")))) return e;
    return counter_follow(s, row);
}

static const char seen_sql[] =
    "SELECT 1 FROM sync_changes WHERE origin = :origin AND origin_seq = :seq";
static const char record_sql[] =
    "INSERT INTO sync_changes (origin, origin_seq, tbl, row_id, field, old_value, new_value,"
    " kind, site_id, changed_at, status) VALUES (:origin, :seq, :tbl, :row_id, :field, :old,"
    " :new, :kind, :site_id, :changed_at, :status)";
static const char conflict_sql[] =
    "INSERT INTO sync_conflicts (id, tbl, row_id, field, site_id, base_value, local_value,"
    " incoming_value, incoming_origin, incoming_seq, detected_at) VALUES (:id, :tbl, :row_id,"
    " :field, :site_id, :base, :local, :incoming, :origin, :seq, :now)";
static const char settle_sql[] =
    "UPDATE sync_conflicts SET status = 'resolved', chosen = 'elsewhere', resolved_value = :v,"
    " reason = 'resolved at ' || :origin, resolved_by = :origin, resolved_at = :now"
    " WHERE tbl = :tbl AND row_id = :row_id AND field = :field AND status = 'open'";

static herr *record_conflict(store *s, const json_t *c, const char *origin, const char *local) {
    store_stmt *st = NULL;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, conflict_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":tbl", json_str(c, "tbl"));
    store_bind_text(st, ":row_id", json_str(c, "row_id"));
    store_bind_text(st, ":field", json_str(c, "field"));
    store_bind_text(st, ":site_id", json_str(c, "site_id"));
    store_bind_text(st, ":base", json_str(c, "old"));
    store_bind_text(st, ":local", local);
    store_bind_text(st, ":incoming", json_str(c, "new"));
    store_bind_text(st, ":origin", origin);
    store_bind_int(st, ":seq", json_integer_value(json_object_get(c, "origin_seq")));
    store_bind_text(st, ":now", now);
    return store_run_done(&st);
}

/* The field's value here as JSON text (json_quote), or *exists false. */
static herr *current_value(store *s, const sync_field *f, const char *row_id, bool *exists,
                           char **out) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, f->get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", row_id);
    e = store_step(st, exists);
    if (!e && *exists) *out = mem_strdup(store_text(st, 0));
    store_done(st);
    return e;
}

static herr *set_value(store *s, const sync_field *f, const char *row_id, const char *value) {
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, f->set_sql, &st);
    if (e) return e;
    store_bind_text(st, ":v", value ? value : "null");
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", row_id);
    if ((e = store_run_done(&st))) return e;
    if (f->person_search) e = registry_person_reindex(s, row_id);
    return e;
}

herr *sync_settle(store *s, const char *tbl, const char *row_id, const char *field,
                  const char *value, const char *origin) {
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, settle_sql, &st);
    if (e) return e;
    store_bind_text(st, ":v", value);
    store_bind_text(st, ":origin", origin);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":tbl", tbl);
    store_bind_text(st, ":row_id", row_id);
    store_bind_text(st, ":field", field);
    return store_run_done(&st);
}

herr *sync_set_field(store *s, const char *tbl, const char *row_id, const char *field,
                     const char *value, char **before) {
    const sync_field *f = field_of(tbl, field);
    bool exists = false;
    if (!f) return err_invalid("field", "%s is not a field that travels", field);
    herr *e = current_value(s, f, row_id, &exists, before);
    return e ? e : set_value(s, f, row_id, value);
}

static const char in_conflict_sql[] =
    "SELECT 1 FROM sync_conflicts WHERE tbl = :tbl AND row_id = :row_id AND field = :field"
    " AND status = 'open' AND (local_value = :v OR incoming_value = :v)";

/* True when value is one side of an open conflict about the field. */
static herr *in_open_conflict(store *s, const char *tbl, const char *row_id, const char *field,
                              const char *value, bool *out) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, in_conflict_sql, &st);
    if (e) return e;
    store_bind_text(st, ":tbl", tbl);
    store_bind_text(st, ":row_id", row_id);
    store_bind_text(st, ":field", field);
    store_bind_text(st, ":v", value ? value : "null");
    e = store_step(st, out);
    store_done(st);
    return e;
}

static herr *check_change(const json_t *c) {
    const char *kind = json_str(c, "kind"), *tbl = json_str(c, "tbl");
    if (!json_is_integer(json_object_get(c, "origin_seq")))
        return err_invalid("origin_seq", "each change needs its origin_seq (an integer)");
    if (!json_str(c, "row_id") || !json_str(c, "changed_at"))
        return err_invalid("row_id", "each change needs row_id and changed_at");
    if (!tbl || (strcmp(tbl, "persons") && strcmp(tbl, "stays")))
        return err_invalid("tbl", "tbl must be persons or stays");
    if (kind && !strcmp(kind, "insert")) {
        if (strcmp(json_str(c, "field") ? json_str(c, "field") : "", "*"))
            return err_invalid("field", "an insert's field is *");
        return NULL;
    }
    if (!kind || (strcmp(kind, "update") && strcmp(kind, "resolve")))
        return err_invalid("kind", "kind must be insert, update or resolve");
    if (!field_of(tbl, json_str(c, "field")))
        return err_invalid("field", "%s is not a field of %s that travels",
                           json_str(c, "field") ? json_str(c, "field") : "(none)", tbl);
    return NULL;
}

herr *sync_apply(store *s, const json_t *c, const char *origin, sync_outcome *outcome,
                 char person_id[40]) {
    store_stmt *st = NULL;
    char *local = NULL;
    json_t *row = NULL;
    bool seen = false, conflict = false;
    if (person_id) person_id[0] = '\0';
    herr *e = check_change(c);
    if (e) return e;
    const char *tbl = json_str(c, "tbl"), *row_id = json_str(c, "row_id");
    const char *kind = json_str(c, "kind"), *old = json_str(c, "old"), *new = json_str(c, "new");
    if ((e = store_prepare(s, seen_sql, &st))) return e;
    store_bind_text(st, ":origin", origin);
    store_bind_int(st, ":seq", json_integer_value(json_object_get(c, "origin_seq")));
    e = store_step(st, &seen);
    store_done(st);
    st = NULL;
    if (e) return e;
    if (seen) {
        *outcome = SYNC_DUPLICATE;
        return NULL;
    }
    if (!strcmp(kind, "insert")) {
        json_error_t jerr;
        if (!new || !(row = json_loads(new, 0, &jerr)) || !json_is_object(row)) {
            e = err_invalid("new", "an insert carries the row as a JSON object");
            goto cleanup;
        }
        e = sync_insert_row(s, tbl, row);
        if (e && e->code == ERR_CONFLICT) {
            /* Another row holds its place (a second open stay, a number given twice). */
            err_free(e);
            e = record_conflict(s, c, origin, NULL);
            conflict = true;
        }
        if (!e && person_id && !strcmp(tbl, "persons")) snprintf(person_id, 40, "%s", row_id);
    } else {
        const sync_field *f = field_of(tbl, json_str(c, "field"));
        bool exists = false;
        if ((e = current_value(s, f, row_id, &exists, &local))) goto cleanup;
        if (!exists) {
            /* A row this side does not hold (out of its sites): nothing to change. */
        } else if (!strcmp(kind, "resolve")) {
            /* A resolution settles the values that were in conflict; a value changed here
             * since (not among them) is a new conflict, not overwritten. */
            bool settled =
                (local && new && !strcmp(local, new)) || !old || (local && !strcmp(local, old));
            if (!settled && (e = in_open_conflict(s, tbl, row_id, f->field, local, &settled)))
                goto cleanup;
            if (settled) {
                if (!(e = set_value(s, f, row_id, new)))
                    e = sync_settle(s, tbl, row_id, f->field, new, origin);
            } else {
                /* The conflicts it settled are closed here too; the newer value stays. */
                e = sync_settle(s, tbl, row_id, f->field, new, origin);
                if (!e) e = record_conflict(s, c, origin, local);
                conflict = true;
            }
        } else if (local && new && !strcmp(local, new)) {
            /* Already so here. */
        } else if (local && old && !strcmp(local, old)) {
            e = set_value(s, f, row_id, new);
        } else {
            e = record_conflict(s, c, origin, local);
            conflict = true;
        }
        if (!e && exists && !conflict && f->person_search && person_id)
            snprintf(person_id, 40, "%s", row_id);
        if (e && e->code == ERR_CONFLICT && !conflict) {
            err_free(e);
            e = record_conflict(s, c, origin, local);
            conflict = true;
        }
    }
    if (e) goto cleanup;
    if ((e = store_prepare(s, record_sql, &st))) goto cleanup;
    store_bind_text(st, ":origin", origin);
    store_bind_int(st, ":seq", json_integer_value(json_object_get(c, "origin_seq")));
    store_bind_text(st, ":tbl", tbl);
    store_bind_text(st, ":row_id", row_id);
    store_bind_text(st, ":field", json_str(c, "field"));
    store_bind_text(st, ":old", old);
    store_bind_text(st, ":new", new);
    store_bind_text(st, ":kind", kind);
    store_bind_text(st, ":site_id", json_str(c, "site_id"));
    store_bind_text(st, ":changed_at", json_str(c, "changed_at"));
    store_bind_text(st, ":status", conflict ? "conflict" : "applied");
    e = store_run_done(&st);
    *outcome = conflict ? SYNC_CONFLICT : SYNC_APPLIED;
cleanup:
    store_done(st);
    mem_free(local);
    json_decref(row);
    return e;
}

json_t *sync_change_row(store_stmt *st) {
    return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s?,s:s?,s:s,s:s?,s:s}", "seq",
                     (json_int_t)store_int(st, 0), "origin", store_text(st, 1), "origin_seq",
                     (json_int_t)store_int(st, 2), "tbl", store_text(st, 3), "row_id",
                     store_text(st, 4), "field", store_text(st, 5), "old", store_text(st, 6), "new",
                     store_text(st, 7), "kind", store_text(st, 8), "site_id", store_text(st, 9),
                     "changed_at", store_text(st, 10));
}

char *sync_scope(const actor *a) {
    size_t n = 2;
    for (size_t i = 0; i < a->n_sites; i++) n += strlen(a->site_ids[i]) + 1;
    char *out = mem_alloc(n);
    strcpy(out, ",");
    for (size_t i = 0; i < a->n_sites; i++) {
        strcat(out, a->site_ids[i]);
        strcat(out, ",");
    }
    return out;
}
