/* Stock per site as a ledger with a balance that never goes below zero.
 *
 * Why a conditional UPDATE and not "read, check, write": two desks giving out the last
 * kit at the same moment must not both succeed. The check and the decrement are one
 * statement inside the write transaction (which SQLite serialises with BEGIN IMMEDIATE
 * and PostgreSQL with the row lock the UPDATE takes), and the CHECK on dist_stock is the
 * last guard. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/json.h"
#include "core/mem.h"
#include "distributions/dist_internal.h"
#include "distributions/distributions.h"
#include "registry/registry.h"

static const char ensure_sql[] =
    "INSERT INTO dist_stock (site_id, item_id, quantity, updated_at)"
    " VALUES (:site, :item, 0, :now) ON CONFLICT (site_id, item_id) DO NOTHING";
static const char change_sql[] =
    "UPDATE dist_stock SET quantity = quantity + :delta, updated_at = :now"
    " WHERE site_id = :site AND item_id = :item AND quantity + :delta >= 0";
static const char balance_sql[] =
    "SELECT quantity FROM dist_stock WHERE site_id = :site AND item_id = :item";
static const char ledger_sql[] =
    "INSERT INTO dist_ledger (id, site_id, item_id, kind, delta, balance, ref, note, by_id,"
    " by_name, at) VALUES (:id, :site, :item, :kind, :delta, :balance, :ref, :note, :by_id,"
    " :by_name, :at)";

herr *dist_stock_of(store *s, const char *site_id, const char *item_id, int64_t *out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = 0;
    herr *e = store_prepare(s, balance_sql, &st);
    if (e) return e;
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":item", item_id);
    if (!(e = store_step(st, &row)) && row) *out = store_int(st, 0);
    store_done(st);
    return e;
}

herr *dist_stock_change(store *s, const actor *a, const char *site_id, const char *item_id,
                        const char *kind, int64_t delta, const char *ref, const char *note,
                        const char *at, int64_t *balance) {
    char now[CLOCK_ISO_LEN], id[ID_LEN];
    store_stmt *st = NULL;
    int64_t after = 0;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, ensure_sql, &st);
    if (e) return e;
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":item", item_id);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    if ((e = store_prepare(s, change_sql, &st))) return e;
    store_bind_int(st, ":delta", delta);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":item", item_id);
    if ((e = store_run_done(&st))) return e;
    if (store_changes(s) != 1) {
        int64_t left = 0;
        if ((e = dist_stock_of(s, site_id, item_id, &left))) return e;
        char need[24], have[24];
        snprintf(need, sizeof need, "%lld", (long long)-delta);
        snprintf(have, sizeof have, "%lld", (long long)left);
        return err_with(err_new(ERR_CONFLICT, "quantity",
                                "not enough in stock: %s needed, %s left at this site; record a "
                                "receipt or a transfer first",
                                need, have),
                        "out_of_stock", "needed", need, "left", have, (const char *)NULL);
    }
    if ((e = dist_stock_of(s, site_id, item_id, &after))) return e;
    id_new(id);
    if ((e = store_prepare(s, ledger_sql, &st))) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":item", item_id);
    store_bind_text(st, ":kind", kind);
    store_bind_int(st, ":delta", delta);
    store_bind_int(st, ":balance", after);
    store_bind_text(st, ":ref", ref);
    store_bind_text(st, ":note", note);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":at", at ? at : now);
    if ((e = store_run_done(&st))) return e;
    if (balance) *balance = after;
    return NULL;
}

/* ---- movements ------------------------------------------------------------------------ */

static const char *const move_kinds[] = {"receipt", "loss", "count", "transfer", NULL};

static const json_field move_fields[] = {
    {"site_id", JF_STRING, true, 40},     {"item_id", JF_STRING, true, 40},
    {"kind", JF_STRING, true, 16},        {"quantity", JF_INT, true, 0},
    {"to_site_id", JF_STRING, false, 40}, {"note", JF_STRING, false, 200},
};

static herr *check_move(store *s, const actor *a, const json_t *in, json_t **item) {
    herr *e = json_check(in, move_fields, sizeof move_fields / sizeof move_fields[0]);
    if (e) return e;
    const char *kind = json_str(in, "kind"), *site = json_str(in, "site_id");
    if ((e = check_code("kind", kind, move_kinds))) return e;
    if (!actor_has_site(a, site))
        return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    json_int_t q = json_integer_value(json_object_get(in, "quantity"));
    if (q < (strcmp(kind, "count") ? 1 : 0) || q > 1000000)
        return err_invalid("quantity", "quantity must be from %d to 1000000",
                           strcmp(kind, "count") ? 1 : 0);
    const char *to = json_str(in, "to_site_id");
    if (!strcmp(kind, "transfer")) {
        if (!to) return err_required("to_site_id");
        if (!strcmp(to, site)) return err_invalid("to_site_id", "a transfer goes to another site");
        actor sys;
        actor_system(&sys, "haven");
        json_t *dest = NULL;
        e = registry_site_get(s, &sys, to, &dest);
        bool active = dest && json_is_true(json_object_get(dest, "active"));
        json_decref(dest);
        if (e) {
            err_free(e);
            return err_invalid("to_site_id", "no site with id %s", to);
        }
        if (!active) return err_invalid("to_site_id", "site %s is closed", to);
    } else if (to) {
        return err_invalid("to_site_id", "to_site_id is only for transfers");
    }
    e = dist_item_get(s, json_str(in, "item_id"), "item_id", item);
    if (e && e->code == ERR_NOT_FOUND) e->code = ERR_INVALID;
    return e;
}

static json_t *balance_json(const char *site, const char *item, int64_t q) {
    return json_pack("{s:s,s:s,s:I}", "site_id", site, "item_id", item, "quantity", (json_int_t)q);
}

herr *distributions_stock_move(store *s, const actor *a, const json_t *in, json_t **out) {
    json_t *item = NULL, *stock = json_array(), *detail = NULL;
    char id[ID_LEN];
    herr *e = NULL;
    if (a->user_id[0] && !auth_allows(a->role, "stock.write")) {
        e = err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not move stock", a->role);
        goto cleanup;
    }
    if ((e = check_move(s, a, in, &item))) goto cleanup;
    const char *kind = json_str(in, "kind"), *site = json_str(in, "site_id");
    const char *item_id = json_str(item, "id"), *note = json_str(in, "note");
    int64_t q = json_integer_value(json_object_get(in, "quantity")), after = 0;
    id_new(id);
    if ((e = store_begin(s))) goto cleanup;
    if (!strcmp(kind, "receipt")) {
        e = dist_stock_change(s, a, site, item_id, "receipt", q, id, note, NULL, &after);
    } else if (!strcmp(kind, "loss")) {
        e = dist_stock_change(s, a, site, item_id, "loss", -q, id, note, NULL, &after);
    } else if (!strcmp(kind, "count")) {
        int64_t now_q = 0;
        if (!(e = dist_stock_of(s, site, item_id, &now_q)))
            e = dist_stock_change(s, a, site, item_id, "count", q - now_q, id, note, NULL, &after);
    } else {
        const char *to = json_str(in, "to_site_id");
        int64_t dest = 0;
        e = dist_stock_change(s, a, site, item_id, "transfer_out", -q, id, note, NULL, &after);
        if (!e) e = dist_stock_change(s, a, to, item_id, "transfer_in", q, id, note, NULL, &dest);
        if (!e) json_array_append_new(stock, balance_json(to, item_id, dest));
    }
    if (e) goto rollback;
    json_array_insert_new(stock, 0, balance_json(site, item_id, after));
    detail = json_pack("{s:s,s:s,s:s,s:I}", "kind", kind, "site_id", site, "item_id", item_id,
                       "quantity", (json_int_t)q);
    if (json_str(in, "to_site_id"))
        json_object_set_new(detail, "to_site_id", json_string(json_str(in, "to_site_id")));
    if ((e = audit_record(s, a, "stock_move", "dist_stock", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    *out = json_pack("{s:s,s:O}", "movement_id", id, "stock", stock);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(item);
    json_decref(stock);
    json_decref(detail);
    return e;
}

/* ---- reading ---------------------------------------------------------------------------- */

static const char stock_sql[] =
    "SELECT t.site_id, t.item_id, i.code, i.name_en, i.name_bs, i.name_sr, i.unit, t.quantity,"
    " i.low_stock, (SELECT COALESCE(SUM(l.delta), 0) FROM dist_ledger l"
    "  WHERE l.site_id = t.site_id AND l.item_id = t.item_id)"
    " FROM dist_stock t JOIN dist_items i ON i.id = t.item_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || t.site_id || ',%')"
    " AND (:site IS NULL OR t.site_id = :site) ORDER BY t.site_id, i.category, i.code";

herr *distributions_stock(store *s, const actor *a, const char *site_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array(), *sites = NULL;
    char *scope = dist_scope(a);
    int low = 0;
    bool row;
    herr *e = NULL;
    if (site_id && !actor_has_site(a, site_id)) {
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
        goto cleanup;
    }
    if ((e = registry_site_list(s, a, &sites))) goto cleanup;
    if ((e = store_prepare(s, stock_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", site_id);
    while (!(e = store_step(st, &row)) && row) {
        int64_t q = store_int(st, 7), threshold = store_int(st, 8);
        bool is_low = q <= threshold;
        low += is_low;
        const char *site_name = NULL;
        size_t i;
        json_t *site;
        json_array_foreach(json_object_get(sites, "items"), i, site) {
            if (!strcmp(json_str(site, "id"), store_text(st, 0)))
                site_name = json_str(site, "name");
        }
        json_t *o = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:I}", "site_id", store_text(st, 0),
            "item_id", store_text(st, 1), "code", store_text(st, 2), "name_en", store_text(st, 3),
            "name_bs", store_text(st, 4), "name_sr", store_text(st, 5), "unit", store_text(st, 6),
            "quantity", (json_int_t)q, "low_stock", (json_int_t)threshold, "low", is_low,
            "ledger_sum", (json_int_t)store_int(st, 9));
        json_set_str(o, "site_name", site_name);
        json_array_append_new(items, o);
    }
    store_done(st);
    if (!e) *out = json_pack("{s:O,s:i}", "items", items, "low", low);
cleanup:
    json_decref(items);
    json_decref(sites);
    mem_free(scope);
    return e;
}

static const char ledger_list_sql[] =
    "SELECT id, item_id, kind, delta, balance, ref, note, by_name, at FROM dist_ledger"
    " WHERE site_id = :site AND (:item IS NULL OR item_id = :item)"
    " ORDER BY at DESC, id DESC LIMIT :limit";

herr *distributions_ledger(store *s, const actor *a, const char *site_id, const char *item_id,
                           int limit, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = NULL;
    if (!site_id) {
        e = err_required("site");
        goto cleanup;
    }
    if (!actor_has_site(a, site_id)) {
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
        goto cleanup;
    }
    if ((e = store_prepare(s, ledger_list_sql, &st))) goto cleanup;
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":item", item_id);
    store_bind_int(st, ":limit", limit > 0 ? limit : 100);
    while (!(e = store_step(st, &row)) && row) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "id", store_text(st, 0), "item_id",
                              store_text(st, 1), "kind", store_text(st, 2), "delta",
                              (json_int_t)store_int(st, 3), "balance", (json_int_t)store_int(st, 4),
                              "by_name", store_text(st, 7), "at", store_text(st, 8));
        json_set_str(o, "ref", store_is_null(st, 5) ? NULL : store_text(st, 5));
        json_set_str(o, "note", store_is_null(st, 6) ? NULL : store_text(st, 6));
        json_array_append_new(items, o);
    }
    store_done(st);
    if (!e) *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(items);
    return e;
}

char *dist_scope(const actor *a) {
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    return scope;
}

void dist_day_after(const char *date, char out[CLOCK_ISO_LEN]) {
    int y, m, d;
    out[0] = '\0';
    if (!date || !date[0] || !clock_parse_date(date, &y, &m, &d)) return;
    clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, out);
}
