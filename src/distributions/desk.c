/* The distribution desk: entitlement today, giving one or several items in one step,
 * and bulk distribution to everyone present. The entitlement check and the stock
 * decrement run inside the write transaction, so that two desks serving the same person
 * or the last kit at once cannot both succeed. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "distributions/dist_internal.h"
#include "distributions/distributions.h"
#include "registry/registry.h"

/* ---- the rule --------------------------------------------------------------------------- */

static int months_between(const char *birth, const char *now) {
    int by, bm, bd, y, m, d;
    char day[CLOCK_DATE_LEN];
    snprintf(day, sizeof day, "%.10s", now);
    if (!birth || !clock_parse_date(birth, &by, &bm, &bd) || !clock_parse_date(day, &y, &m, &d))
        return -1;
    int months = (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
    return months < 0 ? -1 : months;
}

static const char history_sql[] =
    "SELECT g.id, g.quantity, g.at FROM dist_given g WHERE g.item_id = :item AND g.at > :since"
    " AND g.id IN (" DIST_GIVEN_TO(":person") ") ORDER BY g.at";

/* Quantity of the item received in the window by any of ids (each distribution once),
 * and the time of the oldest in the window. */
static herr *received_in_window(store *s, const char *item_id, const json_t *ids, const char *since,
                                int64_t *sum, char oldest[CLOCK_ISO_LEN]) {
    json_t *seen = json_object();
    herr *e = NULL;
    *sum = 0;
    oldest[0] = '\0';
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        store_stmt *st = NULL;
        bool row;
        if ((e = store_prepare(s, history_sql, &st))) break;
        store_bind_text(st, ":item", item_id);
        store_bind_text(st, ":since", since);
        store_bind_text(st, ":person", json_string_value(id));
        while (!(e = store_step(st, &row)) && row) {
            if (json_object_get(seen, store_text(st, 0))) continue;
            json_object_set_new(seen, store_text(st, 0), json_true());
            *sum += store_int(st, 1);
            if (!oldest[0] || strcmp(store_text(st, 2), oldest) < 0)
                snprintf(oldest, CLOCK_ISO_LEN, "%s", store_text(st, 2));
        }
        store_done(st);
        if (e) break;
    }
    json_decref(seen);
    return e;
}

herr *dist_evaluate(store *s, const json_t *item, const json_t *person, const json_t *flags,
                    const json_t *members, const char *now, const char **reason, int64_t *remaining,
                    char next_date[CLOCK_DATE_LEN]) {
    *reason = NULL;
    next_date[0] = '\0';
    json_int_t max = json_integer_value(json_object_get(item, "max_quantity"));
    *remaining = max;
    const char *sex = json_str(item, "sex"), *flag = json_str(item, "flag");
    if (sex && (!json_str(person, "sex") || strcmp(sex, json_str(person, "sex")))) {
        *reason = "wrong_sex";
    } else if (flag) {
        bool has = false;
        size_t i;
        json_t *f;
        json_array_foreach(flags, i, f) has = has || !strcmp(json_string_value(f), flag);
        if (!has) *reason = "needs_flag";
    }
    json_t *lo = json_object_get(item, "min_age_months"),
           *hi = json_object_get(item, "max_age_months");
    if (!*reason && (json_is_integer(lo) || json_is_integer(hi))) {
        int months = months_between(json_str(person, "birth_date"), now);
        if (months < 0)
            *reason = "age_unknown";
        else if (json_is_integer(lo) && months < json_integer_value(lo))
            *reason = "too_young";
        else if (json_is_integer(hi) && months > json_integer_value(hi))
            *reason = "too_old";
    }
    json_t *period = json_object_get(item, "period_days");
    if (!json_is_integer(period)) return NULL;
    int64_t t = 0;
    char since[CLOCK_ISO_LEN], oldest[CLOCK_ISO_LEN];
    clock_parse_iso(now, &t);
    clock_format_iso(t - json_integer_value(period) * 86400, since);
    json_t *ids = json_array();
    json_array_append_new(ids, json_string(json_str(person, "id")));
    if (!strcmp(json_str(item, "per"), "family") && members)
        json_array_extend(ids, (json_t *)members);
    int64_t sum = 0;
    herr *e = received_in_window(s, json_str(item, "id"), ids, since, &sum, oldest);
    json_decref(ids);
    if (e) return e;
    *remaining = max - sum < 0 ? 0 : max - sum;
    if (*remaining == 0) {
        int64_t o = 0;
        clock_parse_iso(oldest, &o);
        clock_format_date(o + json_integer_value(period) * 86400, next_date);
        if (!*reason) *reason = "received_recently";
    }
    return NULL;
}

/* ---- the person ---------------------------------------------------------------------- */

/* The person as the registry shows them to the actor, followed to the survivor of a
 * merge; ERR_INVALID on field when unknown or not visible. */
static herr *person_for(store *s, const actor *a, const char *id, const char *field, json_t **out) {
    json_t *p = NULL;
    herr *e = check_id(field, id, true);
    if (!e) e = registry_person_get(s, a, id, &p);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_with(err_invalid(field, "no person with id %s among your sites", id),
                        "person_unknown", (const char *)NULL);
    }
    if (e) return e;
    if (json_str(p, "merged_into")) {
        char survivor[ID_LEN];
        snprintf(survivor, sizeof survivor, "%s", json_str(p, "merged_into"));
        json_decref(p);
        return person_for(s, a, survivor, field, out);
    }
    *out = p;
    return NULL;
}

static json_t *person_brief(const json_t *p, json_t *flags) {
    json_t *o = json_object();
    static const char *const keys[] = {"id",          "reg_no", "given_name",
                                       "family_name", "sex",    "birth_date"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_set_str(o, keys[i], json_str(p, keys[i]));
    json_object_set(o, "flags", flags);
    return o;
}

static const char person_history_sql[] =
    "SELECT g.id, g.item_id, i.code, g.quantity, g.site_id, g.at, g.reason, g.bulk_id"
    " FROM dist_given g JOIN dist_items i ON i.id = g.item_id"
    " WHERE g.id IN (" DIST_GIVEN_TO(":person") ") AND g.at > :since ORDER BY g.at DESC"
                                                " LIMIT 200";

static herr *person_history(store *s, const actor *a, const char *person_id, const char *since,
                            json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, person_history_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":since", since);
    while (!(e = store_step(st, &row)) && row) {
        if (!actor_has_site(a, store_text(st, 4))) continue;
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s}", "id", store_text(st, 0), "item_id",
                              store_text(st, 1), "code", store_text(st, 2), "quantity",
                              (json_int_t)store_int(st, 3), "site_id", store_text(st, 4), "at",
                              store_text(st, 5));
        json_set_str(o, "reason", store_is_null(st, 6) ? NULL : store_text(st, 6));
        json_set_str(o, "bulk_id", store_is_null(st, 7) ? NULL : store_text(st, 7));
        json_array_append_new(items, o);
    }
    store_done(st);
    if (!e) *out = json_incref(items);
cleanup:
    json_decref(items);
    return e;
}

herr *distributions_entitlements(store *s, const actor *a, const char *person_id,
                                 const char *site_id, json_t **out) {
    json_t *p = NULL, *flags = NULL, *cat = NULL, *items = json_array(), *history = NULL;
    char now[CLOCK_ISO_LEN], since[CLOCK_ISO_LEN], today[CLOCK_DATE_LEN];
    herr *e = NULL;
    if (!site_id) {
        e = err_required("site");
        goto cleanup;
    }
    if (!actor_has_site(a, site_id)) {
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
        goto cleanup;
    }
    if ((e = registry_person_visible(s, a, person_id))) goto cleanup;
    if ((e = person_for(s, a, person_id, "person_id", &p))) goto cleanup;
    if ((e = dist_person_flags(s, json_str(p, "id"), &flags))) goto cleanup;
    if ((e = distributions_catalogue(s, false, &cat))) goto cleanup;
    int64_t t = clock_now();
    clock_format_iso(t, now);
    clock_format_iso(t - 90 * 86400, since);
    clock_format_date(t, today);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(cat, "items"), i, item) {
        const char *reason;
        int64_t remaining = 0, stock = 0;
        char next[CLOCK_DATE_LEN];
        if ((e = dist_evaluate(s, item, p, flags, NULL, now, &reason, &remaining, next)))
            goto cleanup;
        if ((e = dist_stock_of(s, site_id, json_str(item, "id"), &stock))) goto cleanup;
        json_t *o = json_pack("{s:O,s:b,s:I,s:I}", "item", item, "entitled", reason == NULL,
                              "remaining", (json_int_t)remaining, "stock", (json_int_t)stock);
        json_set_str(o, "reason", reason);
        json_set_str(o, "next_date", next[0] ? next : NULL);
        json_array_append_new(items, o);
    }
    if ((e = person_history(s, a, json_str(p, "id"), since, &history))) goto cleanup;
    *out = json_pack("{s:o,s:s,s:s,s:O,s:O}", "person", person_brief(p, flags), "site_id", site_id,
                     "date", today, "items", items, "history", history);
cleanup:
    json_decref(p);
    json_decref(flags);
    json_decref(cat);
    json_decref(items);
    json_decref(history);
    return e;
}

/* Characters of a text without the white space around it. */
static size_t trimmed_length(const char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = text_utf8_length(s);
    for (size_t k = strlen(s); k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--) n--;
    return n;
}

/* ---- giving ----------------------------------------------------------------------------- */

static const json_field give_fields[] = {
    {"person_id", JF_STRING, true, 40},
    {"site_id", JF_STRING, true, 40},
    {"items", JF_ARRAY, true, DISTRIBUTIONS_MAX_ITEMS},
    {"family_member_ids", JF_STRING_ARRAY, false, 20},
    {"reason", JF_STRING, false, 300},
    {"at", JF_STRING, false, 40},
};
static const json_field line_fields[] = {
    {"item_id", JF_STRING, true, 40},
    {"quantity", JF_INT, false, 0},
};

static const char given_sql[] =
    "INSERT INTO dist_given (id, person_id, site_id, item_id, quantity, at, reason, bulk_id,"
    " by_id, by_name) VALUES (:id, :person, :site, :item, :quantity, :at, :reason, :bulk,"
    " :by_id, :by_name)";
static const char member_sql[] =
    "INSERT INTO dist_given_members (given_id, person_id) VALUES (:id, :person)";

static herr *insert_given(store *s, const actor *a, const char *id, const char *person,
                          const char *site, const char *item, int64_t q, const char *at,
                          const char *reason, const char *bulk) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, given_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", person);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":item", item);
    store_bind_int(st, ":quantity", q);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":reason", reason);
    store_bind_text(st, ":bulk", bulk);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    return store_run_done(&st);
}

/* Checks the body and gathers the person, members and items (validated, nothing
 * written). */
static herr *check_give(store *s, const actor *a, const json_t *in, json_t **person,
                        json_t **members, json_t **items, char at[CLOCK_ISO_LEN]) {
    herr *e = json_check(in, give_fields, sizeof give_fields / sizeof give_fields[0]);
    if (e) return e;
    const char *site = json_str(in, "site_id");
    if (!actor_has_site(a, site))
        return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    const char *reason = json_str(in, "reason");
    if (reason && trimmed_length(reason) < DISTRIBUTIONS_MIN_REASON_LEN)
        return err_with(err_invalid("reason", "a reason must say why, in at least %d characters",
                                    DISTRIBUTIONS_MIN_REASON_LEN),
                        "reason_too_short", (const char *)NULL);
    if ((e = check_time(in, "at", clock_now(), 3600, at))) return e;
    if ((e = person_for(s, a, json_str(in, "person_id"), "person_id", person))) return e;
    *members = json_array();
    *items = json_array();
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(json_object_get(in, "family_member_ids"), i, v) {
        char field[48];
        json_t *m = NULL;
        snprintf(field, sizeof field, "family_member_ids[%zu]", i);
        if ((e = person_for(s, a, json_string_value(v), field, &m))) return e;
        if (strcmp(json_str(m, "id"), json_str(*person, "id")))
            json_array_append_new(*members, json_string(json_str(m, "id")));
        json_decref(m);
    }
    json_t *lines = json_object_get(in, "items");
    if (!json_array_size(lines)) return err_invalid("items", "choose at least one item");
    json_array_foreach(lines, i, v) {
        char field[48];
        snprintf(field, sizeof field, "items[%zu]", i);
        if ((e = json_check(v, line_fields, 2))) {
            char inner[sizeof e->field];
            snprintf(inner, sizeof inner, "%s", e->field);
            snprintf(e->field, sizeof e->field, "%.20s.%.30s", field, inner);
            return e;
        }
        json_t *q = json_object_get(v, "quantity");
        if (q && (json_integer_value(q) < 1 || json_integer_value(q) > 100))
            return err_invalid(field, "%s.quantity must be from 1 to 100", field);
        json_array_foreach(lines, j, w) {
            if (j < i && !strcmp(json_str(v, "item_id"), json_str(w, "item_id")))
                return err_invalid(field, "%s repeats an item", field);
        }
        json_t *item = NULL;
        if ((e = dist_item_get(s, json_str(v, "item_id"), field, &item))) {
            if (e->code == ERR_NOT_FOUND) e->code = ERR_INVALID;
            return e;
        }
        if (!json_is_true(json_object_get(item, "active"))) {
            json_decref(item);
            return err_invalid(field, "%s: the item is no longer given out", field);
        }
        json_object_set_new(item, "_quantity", json_integer(q ? json_integer_value(q) : 1));
        json_array_append_new(*items, item);
    }
    return NULL;
}

herr *distributions_give(store *s, const actor *a, const json_t *in, json_t **out) {
    json_t *person = NULL, *members = NULL, *items = NULL, *flags = NULL, *ids = json_array();
    json_t *overrides = json_array(), *detail = NULL;
    char at[CLOCK_ISO_LEN];
    herr *e = check_give(s, a, in, &person, &members, &items, at);
    if (e) goto cleanup;
    const char *site = json_str(in, "site_id"), *reason = json_str(in, "reason");
    const char *pid = json_str(person, "id");
    if ((e = store_begin(s))) goto cleanup;
    if ((e = dist_person_flags(s, pid, &flags))) goto rollback;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        const char *why;
        int64_t remaining, q = json_integer_value(json_object_get(item, "_quantity"));
        char next[CLOCK_DATE_LEN], field[32], id[ID_LEN];
        snprintf(field, sizeof field, "items[%zu]", i);
        if ((e = dist_evaluate(s, item, person, flags, members, at, &why, &remaining, next)))
            goto rollback;
        if (!why && q > remaining) why = "over_limit";
        if (why) {
            if (!reason) {
                e = err_with(err_new(ERR_CONFLICT, field,
                                     "%s: not entitled now (%s%s%s); give a reason to give it "
                                     "anyway",
                                     json_str(item, "name_en"), why, next[0] ? " until " : "",
                                     next),
                             "not_entitled", "item", json_str(item, "code"), "rule", why,
                             "next_date", next, (const char *)NULL);
                goto rollback;
            }
            json_array_append_new(
                overrides, json_pack("{s:s,s:s}", "code", json_str(item, "code"), "rule", why));
        }
        id_new(id);
        if ((e = dist_stock_change(s, a, site, json_str(item, "id"), "distribution", -q, id, NULL,
                                   at, NULL))) {
            snprintf(e->field, sizeof e->field, "%s", field);
            goto rollback;
        }
        if ((e = insert_given(s, a, id, pid, site, json_str(item, "id"), q, at, why ? reason : NULL,
                              NULL)))
            goto rollback;
        size_t k;
        json_t *m;
        json_array_foreach(strcmp(json_str(item, "per"), "family") ? NULL : members, k, m) {
            store_stmt *st = NULL;
            if ((e = store_prepare(s, member_sql, &st))) goto rollback;
            store_bind_text(st, ":id", id);
            store_bind_text(st, ":person", json_string_value(m));
            if ((e = store_run_done(&st))) goto rollback;
        }
        json_array_append_new(ids, json_string(id));
    }
    detail = json_pack("{s:s,s:s,s:O,s:O}", "person_id", pid, "site_id", site, "ids", ids,
                       "overrides", overrides);
    if ((e = audit_record(s, a, json_array_size(overrides) ? "give_override" : "give",
                          "distribution", json_string_value(json_array_get(ids, 0)), detail)))
        goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    json_t *ent = NULL;
    if ((e = distributions_entitlements(s, a, pid, site, &ent))) goto cleanup;
    json_t *codes = json_array();
    json_array_foreach(overrides, i, item)
        json_array_append_new(codes, json_string(json_str(item, "code")));
    *out = json_pack("{s:O,s:o,s:o}", "ids", ids, "overrides", codes, "entitlements", ent);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(person);
    json_decref(members);
    json_decref(items);
    json_decref(flags);
    json_decref(ids);
    json_decref(overrides);
    json_decref(detail);
    return e;
}
