/* Reports of the distributions: what was given per site, month and item, and who has
 * received nothing for a while. */
#include <stdio.h>
#include <string.h>

#include "core/check.h"
#include "core/json.h"
#include "core/mem.h"
#include "distributions/dist_internal.h"
#include "distributions/distributions.h"
#include "registry/registry.h"

static const char report_sql[] =
    "SELECT g.site_id, substr(g.at, 1, 7), g.item_id, i.code, SUM(g.quantity),"
    " COUNT(DISTINCT g.person_id), COUNT(*) FROM dist_given g JOIN dist_items i ON i.id ="
    " g.item_id WHERE (:all = 1 OR :sites LIKE '%,' || g.site_id || ',%')"
    " AND (:site IS NULL OR g.site_id = :site) AND g.at >= :from AND g.at < :to"
    " GROUP BY g.site_id, substr(g.at, 1, 7), g.item_id, i.code"
    " ORDER BY substr(g.at, 1, 7), g.site_id, i.code";

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_int_t old = json_integer_value(json_object_get(obj, key));
    json_object_set_new(obj, key, json_integer(old + n));
}

static json_t *pairs(json_t *obj, const char *name) {
    json_t *list = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
        json_array_append_new(list, json_pack("{s:s,s:O}", name, key, "quantity", v));
    return list;
}

herr *distributions_report(store *s, const actor *a, const char *site_id, const char *from_in,
                           const char *to_in, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], from_iso[CLOCK_ISO_LEN], to_iso[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    json_t *rows = json_array(), *months = json_object(), *items = json_object(), *sites = NULL;
    char *scope = dist_scope(a);
    bool row;
    herr *e = check_date_text("from", from_in, false, from);
    if (!e) e = check_date_text("to", to_in, false, to);
    if (!e && site_id && !actor_has_site(a, site_id))
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
    if (e) goto cleanup;
    if (!to[0]) clock_format_date(clock_now(), to);
    if (!from[0]) {
        int y, m, d;
        clock_parse_date(to, &y, &m, &d);
        int64_t first = clock_days_from_civil(m == 12 ? y : y - 1, m == 12 ? 1 : m + 1, 1);
        clock_format_date(first * 86400, from);
    }
    if (strcmp(from, to) > 0) {
        e = err_with(err_invalid("from", "from must not be after to"), "date_range",
                     (const char *)NULL);
        goto cleanup;
    }
    snprintf(from_iso, sizeof from_iso, "%sT00:00:00Z", from);
    dist_day_after(to, to_iso);
    if ((e = registry_site_list(s, a, &sites))) goto cleanup;
    if ((e = store_prepare(s, report_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":from", from_iso);
    store_bind_text(st, ":to", to_iso);
    while (!(e = store_step(st, &row)) && row) {
        json_int_t q = store_int(st, 4);
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "site_id", store_text(st, 0), "month",
                      store_text(st, 1), "item_id", store_text(st, 2), "code", store_text(st, 3),
                      "quantity", q, "people", (json_int_t)store_int(st, 5), "distributions",
                      (json_int_t)store_int(st, 6));
        size_t i;
        json_t *site;
        json_array_foreach(json_object_get(sites, "items"), i, site) {
            if (!strcmp(json_str(site, "id"), store_text(st, 0)))
                json_set_str(o, "site_name", json_str(site, "name"));
        }
        add_to(months, store_text(st, 1), q);
        add_to(items, store_text(st, 3), q);
        json_array_append_new(rows, o);
    }
    store_done(st);
    if (!e)
        *out = json_pack("{s:s,s:s,s:O,s:o,s:o}", "from", from, "to", to, "rows", rows, "by_month",
                         pairs(months, "month"), "by_item", pairs(items, "code"));
cleanup:
    json_decref(rows);
    json_decref(months);
    json_decref(items);
    json_decref(sites);
    mem_free(scope);
    return e;
}

static const char last_sql[] =
    "SELECT MAX(g.at) FROM dist_given g JOIN dist_items i ON i.id = g.item_id"
    " WHERE i.category <> 'meal' AND g.id IN (" DIST_GIVEN_TO(":person") ")";

herr *distributions_nothing_received(store *s, const actor *a, const char *site_id, int days,
                                     json_t **out) {
    char since[CLOCK_ISO_LEN];
    herr *e = NULL;
    int64_t present = 0;
    if (!site_id) return err_required("site");
    if (!actor_has_site(a, site_id))
        return err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
    json_t *items = json_array();
    if (days <= 0) days = DISTRIBUTIONS_NOTHING_DAYS;
    clock_format_iso(clock_now() - (int64_t)days * 86400, since);
    for (int offset = 0;; offset += 500) {
        registry_residents_query q = {.limit = 500, .offset = offset, .sort = "name"};
        json_t *page = NULL;
        if ((e = registry_site_residents(s, a, site_id, &q, &page))) break;
        size_t i, n = json_array_size(json_object_get(page, "items"));
        json_t *r;
        present += (int64_t)n;
        json_array_foreach(json_object_get(page, "items"), i, r) {
            json_t *p = json_object_get(r, "person");
            store_stmt *st = NULL;
            bool row = false;
            if ((e = store_prepare(s, last_sql, &st))) break;
            store_bind_text(st, ":person", json_str(p, "id"));
            if ((e = store_step(st, &row))) {
                store_done(st);
                break;
            }
            const char *last = row && !store_is_null(st, 0) ? store_text(st, 0) : NULL;
            if (!last || strcmp(last, since) < 0) {
                json_t *o = json_pack(
                    "{s:{s:s,s:s,s:s,s:s},s:s}", "person", "id", json_str(p, "id"), "reg_no",
                    json_str(p, "reg_no"), "given_name", json_str(p, "given_name"), "family_name",
                    json_str(p, "family_name"), "checked_in_at", json_str(r, "checked_in_at"));
                json_set_str(o, "last_received_at", last);
                json_array_append_new(items, o);
            }
            store_done(st);
        }
        json_decref(page);
        if (e || n < 500) break;
    }
    if (!e)
        *out = json_pack("{s:s,s:i,s:I,s:O}", "site_id", site_id, "days", days, "present",
                         (json_int_t)present, "items", items);
    json_decref(items);
    return e;
}
