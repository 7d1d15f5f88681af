/* The item catalogue with its entitlement rules, and the person flags rules may need. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "distributions/dist_internal.h"
#include "distributions/distributions.h"
#include "registry/registry.h"

static const char *const categories[] = {"meal",    "food",     "diet", "baby",
                                         "hygiene", "clothing", "nfi",  NULL};
static const char *const units[] = {"portion", "piece", "kit", "pack", "pair", NULL};
static const char *const pers[] = {"person", "family", NULL};
static const char *const sexes[] = {"F", "M", NULL};

static const json_field item_fields[] = {
    {"code", JF_STRING, false, 32},       {"name_en", JF_STRING, false, 80},
    {"name_bs", JF_STRING, false, 80},    {"name_sr", JF_STRING, false, 80},
    {"category", JF_STRING, false, 16},   {"unit", JF_STRING, false, 16},
    {"per", JF_STRING, false, 8},         {"period_days", JF_INT, false, 0},
    {"max_quantity", JF_INT, false, 0},   {"min_age_months", JF_INT, false, 0},
    {"max_age_months", JF_INT, false, 0}, {"sex", JF_STRING, false, 1},
    {"flag", JF_STRING, false, 32},       {"low_stock", JF_INT, false, 0},
    {"active", JF_BOOL, false, 0},
};

static void add_flag(char *line, void *ctx) {
    char *f[4];
    if (datafile_split_tabs(line, f, 4) == 4)
        json_array_append_new(
            ctx, json_pack("{s:s,s:s,s:s,s:s}", "code", f[0], "en", f[1], "bs", f[2], "sr", f[3]));
}

static json_t *flag_list(void) {
    json_t *list = json_array();
    datafile_each_line("distribution_flags.tsv", add_flag, list);
    return list;
}

bool dist_flag_valid(const char *flag) {
    json_t *list = flag_list();
    bool ok = false;
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) ok = ok || (flag && !strcmp(json_str(f, "code"), flag));
    json_decref(list);
    return ok;
}

static herr *check_range(const json_t *in, const char *field, json_int_t lo, json_int_t hi) {
    json_t *v = json_object_get(in, field);
    if (json_is_integer(v) && (json_integer_value(v) < lo || json_integer_value(v) > hi))
        return err_invalid(field, "%s must be from %lld to %lld", field, (long long)lo,
                           (long long)hi);
    return NULL;
}

static herr *check_item(const actor *a, const json_t *in, bool creating) {
    if (a->user_id[0] && !auth_allows(a->role, "distribution.catalogue"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change the catalogue", a->role);
    herr *e = json_check(in, item_fields, sizeof item_fields / sizeof item_fields[0]);
    if (e) return e;
    if (!creating && json_has(in, "code"))
        return err_invalid("code", "an item's code cannot change");
    const char *code = json_str(in, "code");
    if (creating) {
        if (!code || !code[0]) return err_required("code");
        for (const char *p = code; *p; p++)
            if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
                return err_invalid("code", "code may hold only a-z, 0-9 and _");
    }
    static const char *const names[] = {"name_en", "name_bs", "name_sr"};
    for (int i = 0; i < 3; i++)
        if ((e = check_not_blank(in, names[i], creating))) return e;
    if ((creating || json_has(in, "category")) &&
        (e = check_code("category", json_str(in, "category"), categories)))
        return e;
    if ((creating || json_has(in, "unit")) && (e = check_code("unit", json_str(in, "unit"), units)))
        return e;
    if ((creating || json_has(in, "per")) && (e = check_code("per", json_str(in, "per"), pers)))
        return e;
    if (json_str(in, "sex") && (e = check_code("sex", json_str(in, "sex"), sexes))) return e;
    if (json_str(in, "flag") && !dist_flag_valid(json_str(in, "flag")))
        return err_invalid("flag", "no person flag %s", json_str(in, "flag"));
    if ((e = check_range(in, "period_days", 1, 365))) return e;
    if ((e = check_range(in, "max_quantity", 1, 100))) return e;
    if ((e = check_range(in, "min_age_months", 0, 1200))) return e;
    if ((e = check_range(in, "max_age_months", 0, 1200))) return e;
    if ((e = check_range(in, "low_stock", 0, 1000000))) return e;
    json_t *lo = json_object_get(in, "min_age_months"), *hi = json_object_get(in, "max_age_months");
    if (json_is_integer(lo) && json_is_integer(hi) &&
        json_integer_value(lo) > json_integer_value(hi))
        return err_invalid("min_age_months", "min_age_months is above max_age_months");
    return NULL;
}

#define ITEM_COLUMNS                                                                               \
    "id, code, name_en, name_bs, name_sr, category, unit, per, period_days, max_quantity,"         \
    " min_age_months, max_age_months, sex, flag, low_stock, active, created_at, updated_at"

static json_t *item_json(store_stmt *st) {
    static const char *const text[] = {"id",      "code",     "name_en", "name_bs",
                                       "name_sr", "category", "unit",    "per"};
    json_t *o = json_object();
    for (int i = 0; i < 8; i++) json_set_str(o, text[i], store_text(st, i));
    static const char *const ints[] = {"period_days", "max_quantity", "min_age_months",
                                       "max_age_months"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(o, ints[i],
                            store_is_null(st, 8 + i) ? json_null()
                                                     : json_integer(store_int(st, 8 + i)));
    json_set_str(o, "sex", store_is_null(st, 12) ? NULL : store_text(st, 12));
    json_set_str(o, "flag", store_is_null(st, 13) ? NULL : store_text(st, 13));
    json_object_set_new(o, "low_stock", json_integer(store_int(st, 14)));
    json_object_set_new(o, "active", json_boolean(store_int(st, 15)));
    json_set_str(o, "created_at", store_text(st, 16));
    json_set_str(o, "updated_at", store_text(st, 17));
    return o;
}

static const char item_sql[] = "SELECT " ITEM_COLUMNS " FROM dist_items WHERE id = :id";

herr *dist_item_get(store *s, const char *id, const char *field, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    if (!id || !id_is_valid(id)) return err_new(ERR_NOT_FOUND, field, "no item with id %s", id);
    herr *e = store_prepare(s, item_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && !row)
        e = err_new(ERR_NOT_FOUND, field, "no item with id %s", id);
    if (!e) *out = item_json(st);
    store_done(st);
    return e;
}

static const char insert_sql[] =
    "INSERT INTO dist_items (" ITEM_COLUMNS ") VALUES (:id, :code, :name_en, :name_bs, :name_sr,"
    " :category, :unit, :per, :period_days, :max_quantity, :min_age, :max_age, :sex, :flag,"
    " :low_stock, :active, :now, :now)";
static const char update_sql[] =
    "UPDATE dist_items SET name_en = :name_en, name_bs = :name_bs, name_sr = :name_sr,"
    " category = :category, unit = :unit, per = :per, period_days = :period_days,"
    " max_quantity = :max_quantity, min_age_months = :min_age, max_age_months = :max_age,"
    " sex = :sex, flag = :flag, low_stock = :low_stock, active = :active, updated_at = :now"
    " WHERE id = :id";

static void bind_opt_int(store_stmt *st, const char *param, const json_t *v) {
    if (json_is_integer(v))
        store_bind_int(st, param, json_integer_value(v));
    else
        store_bind_null(st, param);
}

/* Binds the full item (merged over the stored one for updates). */
static void bind_item(store_stmt *st, const char *id, const json_t *it, const char *now) {
    store_bind_text(st, ":id", id);
    static const char *const text[] = {"code", "name_en", "name_bs", "name_sr", "category",
                                       "unit", "per",     "sex",     "flag"};
    static const char *const params[] = {":code", ":name_en", ":name_bs", ":name_sr", ":category",
                                         ":unit", ":per",     ":sex",     ":flag"};
    for (int i = 0; i < 9; i++) store_bind_text(st, params[i], json_str(it, text[i]));
    bind_opt_int(st, ":period_days", json_object_get(it, "period_days"));
    json_t *mq = json_object_get(it, "max_quantity");
    store_bind_int(st, ":max_quantity", json_is_integer(mq) ? json_integer_value(mq) : 1);
    bind_opt_int(st, ":min_age", json_object_get(it, "min_age_months"));
    bind_opt_int(st, ":max_age", json_object_get(it, "max_age_months"));
    json_t *low = json_object_get(it, "low_stock");
    store_bind_int(st, ":low_stock", json_is_integer(low) ? json_integer_value(low) : 0);
    json_t *active = json_object_get(it, "active");
    store_bind_int(st, ":active", active ? json_is_true(active) : 1);
    store_bind_text(st, ":now", now);
}

static herr *write_item(store *s, const actor *a, const char *id, const json_t *merged,
                        const json_t *in, bool creating) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, creating ? insert_sql : update_sql, &st))) goto rollback;
    bind_item(st, id, merged, now);
    if ((e = store_run_done(&st))) {
        if (e->code == ERR_CONFLICT)
            e = err_with(e, "duplicate_code", "code", json_str(merged, "code"), (const char *)NULL);
        goto rollback;
    }
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, creating ? "create" : "update", "dist_item", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    return store_commit(s);
rollback:
    store_rollback(s);
    return e;
}

herr *distributions_item_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN];
    herr *e = check_item(a, in, true);
    if (e) return e;
    id_new(id);
    if ((e = write_item(s, a, id, in, in, true))) return e;
    return dist_item_get(s, id, "id", out);
}

herr *distributions_item_update(store *s, const actor *a, const char *id, const json_t *in,
                                json_t **out) {
    json_t *item = NULL;
    herr *e = check_item(a, in, false);
    if (e) return e;
    if ((e = dist_item_get(s, id, "id", &item))) return e;
    json_object_update(item, (json_t *)in);
    e = write_item(s, a, id, item, in, false);
    json_decref(item);
    if (e) return e;
    return dist_item_get(s, id, "id", out);
}

static const char catalogue_sql[] = "SELECT " ITEM_COLUMNS " FROM dist_items"
                                    " WHERE (:all = 1 OR active = 1) ORDER BY category, code";

herr *distributions_catalogue(store *s, bool with_inactive, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, catalogue_sql, &st);
    if (e) goto cleanup;
    store_bind_int(st, ":all", with_inactive);
    while (!(e = store_step(st, &row)) && row) json_array_append_new(items, item_json(st));
    store_done(st);
    if (!e) *out = json_pack("{s:O,s:o}", "items", items, "flags", flag_list());
cleanup:
    json_decref(items);
    return e;
}

/* ---- the default catalogue ---------------------------------------------------------- */

static json_t *int_or_null(const char *v) {
    return strcmp(v, "-") ? json_integer(atoi(v)) : json_null();
}

static void add_seed(char *line, void *ctx) {
    char *f[14];
    if (datafile_split_tabs(line, f, 14) != 14) return;
    json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", f[0], "category", f[1], "unit",
                           f[2], "per", f[3], "name_en", f[11], "name_bs", f[12], "name_sr", f[13]);
    json_object_set_new(it, "period_days", int_or_null(f[4]));
    json_object_set_new(it, "max_quantity", int_or_null(f[5]));
    json_object_set_new(it, "min_age_months", int_or_null(f[6]));
    json_object_set_new(it, "max_age_months", int_or_null(f[7]));
    json_set_str(it, "sex", strcmp(f[8], "-") ? f[8] : NULL);
    json_set_str(it, "flag", strcmp(f[9], "-") ? f[9] : NULL);
    json_object_set_new(it, "low_stock", int_or_null(f[10]));
    json_array_append_new(ctx, it);
}

static const char code_exists_sql[] = "SELECT 1 FROM dist_items WHERE code = :code";

herr *distributions_catalogue_seed(store *s, int *added) {
    actor sys;
    actor_system(&sys, "haven");
    json_t *seed = json_array();
    *added = 0;
    datafile_each_line("distribution_items.tsv", add_seed, seed);
    herr *e = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(seed, i, it) {
        store_stmt *st = NULL;
        bool row = false;
        if ((e = store_prepare(s, code_exists_sql, &st))) break;
        store_bind_text(st, ":code", json_str(it, "code"));
        e = store_step(st, &row);
        store_done(st);
        if (e) break;
        if (row) continue;
        json_t *out = NULL;
        if ((e = distributions_item_create(s, &sys, it, &out))) break;
        json_decref(out);
        (*added)++;
    }
    json_decref(seed);
    return e;
}

/* ---- person flags ------------------------------------------------------------------- */

static const char flags_sql[] = "SELECT flag, set_at, by_name FROM dist_person_flags"
                                " WHERE person_id = :person ORDER BY flag";

herr *dist_person_flags(store *s, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *list = json_array();
    bool row;
    herr *e = store_prepare(s, flags_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(list, json_string(store_text(st, 0)));
    store_done(st);
    if (!e) *out = json_incref(list);
cleanup:
    json_decref(list);
    return e;
}

static herr *flags_answer(store *s, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, flags_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "flag", store_text(st, 0), "set_at",
                                               store_text(st, 1), "set_by", store_text(st, 2)));
    store_done(st);
    if (!e) *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(items);
    return e;
}

static const char flag_set_sql[] =
    "INSERT INTO dist_person_flags (person_id, flag, note, set_at, by_id, by_name)"
    " VALUES (:person, :flag, :note, :now, :by_id, :by_name) ON CONFLICT (person_id, flag)"
    " DO UPDATE SET note = :note, set_at = :now, by_id = :by_id, by_name = :by_name";
static const char flag_clear_sql[] =
    "DELETE FROM dist_person_flags WHERE person_id = :person AND flag = :flag";

static herr *flag_write(store *s, const actor *a, const char *person_id, const char *flag,
                        const json_t *in, bool set, json_t **out) {
    static const json_field fields[] = {{"note", JF_STRING, false, 200}};
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    herr *e = NULL;
    if (a->user_id[0] && !auth_allows(a->role, "distribution.flags"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not set person flags", a->role);
    if (in && (e = json_check(in, fields, 1))) return e;
    if (!dist_flag_valid(flag)) return err_invalid("flag", "no person flag %s", flag);
    if ((e = registry_person_visible(s, a, person_id))) return e;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, set ? flag_set_sql : flag_clear_sql, &st))) goto rollback;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":flag", flag);
    if (set) {
        store_bind_text(st, ":note", in ? json_str(in, "note") : NULL);
        store_bind_text(st, ":now", now);
        store_bind_text(st, ":by_id", a->user_id);
        store_bind_text(st, ":by_name", a->username);
    }
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = json_pack("{s:s}", "flag", flag);
    e = audit_record(s, a, set ? "flag_set" : "flag_clear", "person", person_id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) return e;
    return flags_answer(s, person_id, out);
rollback:
    store_rollback(s);
    return e;
}

herr *distributions_flag_set(store *s, const actor *a, const char *person_id, const char *flag,
                             const json_t *in, json_t **out) {
    return flag_write(s, a, person_id, flag, in, true, out);
}

herr *distributions_flag_clear(store *s, const actor *a, const char *person_id, const char *flag,
                               json_t **out) {
    return flag_write(s, a, person_id, flag, NULL, false, out);
}
