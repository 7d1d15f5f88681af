/* Bulk distribution to everyone checked in at a site (a meal), and the list of what was
 * given. */
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

static const json_field bulk_fields[] = {
    {"site_id", JF_STRING, true, 40}, {"item_id", JF_STRING, true, 40},
    {"quantity", JF_INT, false, 0},   {"note", JF_STRING, false, 200},
    {"at", JF_STRING, false, 40},
};

/* Everyone checked in at the site now who had arrived by at: [{person...}] (pages of
 * 500). A bulk act recorded for a past time cannot know who has left since. */
static herr *present_people(store *s, const actor *a, const char *site_id, const char *at,
                            json_t **out) {
    json_t *people = json_array();
    herr *e = NULL;
    for (int offset = 0;; offset += 500) {
        registry_residents_query q = {.limit = 500, .offset = offset};
        json_t *page = NULL;
        if ((e = registry_site_residents(s, a, site_id, &q, &page))) break;
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(page, "items"), i, r) {
            const char *in = json_str(r, "checked_in_at");
            if (in && strcmp(in, at) <= 0) json_array_append(people, json_object_get(r, "person"));
        }
        size_t n = json_array_size(json_object_get(page, "items"));
        json_decref(page);
        if (n < 500) break;
    }
    if (e) {
        json_decref(people);
        return e;
    }
    *out = people;
    return NULL;
}

static const char bulk_sql[] =
    "INSERT INTO dist_bulk (id, site_id, item_id, quantity_each, recipients, skipped, note, by_id,"
    " by_name, at) VALUES (:id, :site, :item, :q, :n, :skipped, :note, :by_id, :by_name, :at)";
static const char bulk_given_sql[] =
    "INSERT INTO dist_given (id, person_id, site_id, item_id, quantity, at, reason, bulk_id,"
    " by_id, by_name) VALUES (:id, :person, :site, :item, :quantity, :at, NULL, :bulk, :by_id,"
    " :by_name)";

herr *distributions_bulk(store *s, const actor *a, const json_t *in, json_t **out) {
    json_t *item = NULL, *people = NULL, *entitled = json_array(), *detail = NULL;
    char at[CLOCK_ISO_LEN], bulk_id[ID_LEN];
    store_stmt *st = NULL;
    int64_t balance = 0;
    herr *e = json_check(in, bulk_fields, sizeof bulk_fields / sizeof bulk_fields[0]);
    if (e) goto cleanup;
    const char *site = json_str(in, "site_id");
    if (!actor_has_site(a, site)) {
        e = err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                     "site_unknown", (const char *)NULL);
        goto cleanup;
    }
    json_t *qv = json_object_get(in, "quantity");
    int64_t q = qv ? json_integer_value(qv) : 1;
    if (q < 1 || q > 10) {
        e = err_invalid("quantity", "quantity (each) must be from 1 to 10");
        goto cleanup;
    }
    if ((e = check_time(in, "at", clock_now(), 3600, at))) goto cleanup;
    if ((e = dist_item_get(s, json_str(in, "item_id"), "item_id", &item))) {
        if (e->code == ERR_NOT_FOUND) e->code = ERR_INVALID;
        goto cleanup;
    }
    if ((e = present_people(s, a, site, at, &people))) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        json_t *flags = NULL;
        const char *why;
        int64_t remaining;
        char next[CLOCK_DATE_LEN];
        if ((e = dist_person_flags(s, json_str(p, "id"), &flags))) goto rollback;
        e = dist_evaluate(s, item, p, flags, NULL, at, &why, &remaining, next);
        json_decref(flags);
        if (e) goto rollback;
        if (!why && remaining >= q) json_array_append(entitled, p);
    }
    size_t n = json_array_size(entitled), skipped = json_array_size(people) - n;
    id_new(bulk_id);
    if (n && (e = dist_stock_change(s, a, site, json_str(item, "id"), "distribution",
                                    -(int64_t)n * q, bulk_id, json_str(in, "note"), at, &balance)))
        goto rollback;
    if (!n && (e = dist_stock_of(s, site, json_str(item, "id"), &balance))) goto rollback;
    if ((e = store_prepare(s, bulk_sql, &st))) goto rollback;
    store_bind_text(st, ":id", bulk_id);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":item", json_str(item, "id"));
    store_bind_int(st, ":q", q);
    store_bind_int(st, ":n", (int64_t)n);
    store_bind_int(st, ":skipped", (int64_t)skipped);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":at", at);
    if ((e = store_run_done(&st))) goto rollback;
    json_array_foreach(entitled, i, p) {
        char id[ID_LEN];
        id_new(id);
        if ((e = store_prepare(s, bulk_given_sql, &st))) goto rollback;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":person", json_str(p, "id"));
        store_bind_text(st, ":site", site);
        store_bind_text(st, ":item", json_str(item, "id"));
        store_bind_int(st, ":quantity", q);
        store_bind_text(st, ":at", at);
        store_bind_text(st, ":bulk", bulk_id);
        store_bind_text(st, ":by_id", a->user_id);
        store_bind_text(st, ":by_name", a->username);
        if ((e = store_run_done(&st))) goto rollback;
    }
    detail = json_pack("{s:s,s:s,s:I,s:I,s:I}", "site_id", site, "item_id", json_str(item, "id"),
                       "quantity_each", (json_int_t)q, "recipients", (json_int_t)n, "skipped",
                       (json_int_t)skipped);
    if ((e = audit_record(s, a, "bulk", "distribution", bulk_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    *out = json_pack("{s:s,s:I,s:I,s:I,s:I}", "bulk_id", bulk_id, "recipients", (json_int_t)n,
                     "skipped", (json_int_t)skipped, "quantity", (json_int_t)(n * (size_t)q),
                     "stock", (json_int_t)balance);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(item);
    json_decref(people);
    json_decref(entitled);
    json_decref(detail);
    return e;
}

/* ---- the list ---------------------------------------------------------------------- */

static const char list_sql[] =
    "SELECT g.id, g.person_id, g.site_id, g.item_id, i.code, g.quantity, g.at, g.by_name,"
    " g.reason, g.bulk_id, COUNT(*) OVER () FROM dist_given g JOIN dist_items i ON i.id ="
    " g.item_id WHERE (:all = 1 OR :sites LIKE '%,' || g.site_id || ',%')"
    " AND (:site IS NULL OR g.site_id = :site) AND (:person IS NULL OR g.person_id = :person)"
    " AND (:item IS NULL OR g.item_id = :item) AND (:from IS NULL OR g.at >= :from)"
    " AND (:to IS NULL OR g.at < :to) AND (:overrides = 0 OR g.reason IS NOT NULL)"
    " ORDER BY g.at DESC, g.id DESC LIMIT :limit OFFSET :offset";

herr *distributions_list(store *s, const actor *a, const distributions_query *q, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], to_bound[CLOCK_ISO_LEN];
    int limit = q->limit ? q->limit : 100;
    store_stmt *st = NULL;
    json_t *items = json_array();
    char *scope = dist_scope(a);
    int64_t total = 0;
    bool row;
    herr *e = NULL;
    if (limit < 1 || limit > 500) e = err_invalid("limit", "limit must be from 1 to 500");
    if (!e && q->offset < 0)
        e = err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                     (const char *)NULL);
    if (!e && q->site_id && !actor_has_site(a, q->site_id))
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", q->site_id);
    if (!e && q->person_id) e = registry_person_visible(s, a, q->person_id);
    if (!e) e = check_date_text("from", q->from, false, from);
    if (!e) e = check_date_text("to", q->to, false, to);
    if (e) goto cleanup;
    dist_day_after(to, to_bound);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":person", q->person_id);
    store_bind_text(st, ":item", q->item_id);
    store_bind_text(st, ":from", from[0] ? from : NULL);
    store_bind_text(st, ":to", to_bound[0] ? to_bound : NULL);
    store_bind_int(st, ":overrides", q->overrides_only);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    while (!(e = store_step(st, &row)) && row) {
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "id", store_text(st, 0), "person_id",
                      store_text(st, 1), "site_id", store_text(st, 2), "item_id", store_text(st, 3),
                      "code", store_text(st, 4), "quantity", (json_int_t)store_int(st, 5), "at",
                      store_text(st, 6), "by_name", store_text(st, 7));
        json_set_str(o, "reason", store_is_null(st, 8) ? NULL : store_text(st, 8));
        json_set_str(o, "bulk_id", store_is_null(st, 9) ? NULL : store_text(st, 9));
        total = store_int(st, 10);
        json_array_append_new(items, o);
    }
    store_done(st);
    if (e) goto cleanup;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *p = NULL;
        herr *pe = registry_person_get(s, a, json_str(o, "person_id"), &p);
        if (pe && pe->code == ERR_NOT_FOUND) {
            err_free(pe);
            continue;
        }
        if (pe) {
            e = pe;
            goto cleanup;
        }
        json_object_set_new(o, "person",
                            json_pack("{s:s,s:s,s:s}", "reg_no", json_str(p, "reg_no"),
                                      "given_name", json_str(p, "given_name"), "family_name",
                                      json_str(p, "family_name")));
        json_decref(p);
    }
    *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                     q->offset, "items", items);
cleanup:
    json_decref(items);
    mem_free(scope);
    return e;
}
