/* A month of distributions at the demo's sites: stock received (and a transfer and a
 * loss), three meals a day to everyone present as one bulk act a day, and at the desk a
 * hygiene kit, clothes, shoes and a blanket for new arrivals, dignity kits for women,
 * baby food and diapers for small children, special diets for a few people a nurse
 * flagged, and now and then a second kit given with a reason. Written through the
 * module's own functions, so validated, stocked and audited like real data. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "distributions/dist_internal.h"
#include "distributions/distributions.h"
#include "registry/registry.h"

typedef struct {
    uint64_t state;
} demo_rng;

static double unit(demo_rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

typedef struct {
    store *s;
    actor a;
    demo_rng r;
    json_t *items; /* code -> id */
} demo;

static const char *item_id(demo *d, const char *code) {
    return json_string_value(json_object_get(d->items, code));
}

static herr *move(demo *d, const char *site, const char *code, const char *kind, int q,
                  const char *to, const char *note) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", site, "item_id", item_id(d, code),
                           "kind", kind, "quantity", q),
           *out = NULL;
    if (to) json_object_set_new(in, "to_site_id", json_string(to));
    if (note) json_object_set_new(in, "note", json_string(note));
    herr *e = distributions_stock_move(d->s, &d->a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static const struct {
    const char *code;
    int per_present; /* received per person present, roughly a month's need */
} receipts[] = {
    {"meal", 100},
    {"special_diet_meal", 4},
    {"baby_food", 8},
    {"diapers", 2},
    {"hygiene_kit", 2},
    {"dignity_kit", 1},
    {"family_hygiene_kit", 1},
    {"clothes_set", 2},
    {"shoes", 1},
    {"winter_jacket", 1},
    {"blanket", 2},
    {"sleeping_bag", 1},
};

static herr *give(demo *d, const char *site, const char *person, const char *code, int q,
                  const char *at, const char *reason) {
    json_t *in = json_pack("{s:s,s:s,s:[{s:s,s:i}],s:s}", "person_id", person, "site_id", site,
                           "items", "item_id", item_id(d, code), "quantity", q, "at", at);
    if (reason) json_object_set_new(in, "reason", json_string(reason));
    json_t *out = NULL;
    herr *e = distributions_give(d->s, &d->a, in, &out);
    json_decref(in);
    json_decref(out);
    /* Not entitled (a rule the demo did not foresee) or out of stock: skip, as a desk
     * would. */
    if (e && e->code == ERR_CONFLICT) {
        err_free(e);
        e = NULL;
    }
    return e;
}

static int age_months(const json_t *p, int64_t now) {
    int y, m, dd, ny, nm, nd;
    const char *b = json_str(p, "birth_date");
    if (!b || !clock_parse_date(b, &y, &m, &dd)) return 360;
    clock_civil_from_days(now / 86400, &ny, &nm, &nd);
    return (ny - y) * 12 + (nm - m);
}

/* The desk's work for one resident who arrived within the month. */
static herr *desk_for(demo *d, const char *site, const json_t *stay, int64_t now) {
    const json_t *p = json_object_get(stay, "person");
    const char *pid = json_str(p, "id");
    int64_t in_at = 0;
    clock_parse_iso(json_str(stay, "checked_in_at"), &in_at);
    if (in_at < now - 30 * 86400) in_at = now - 30 * 86400 + (int64_t)(unit(&d->r) * 86400);
    char at[CLOCK_ISO_LEN];
    clock_format_iso(in_at + 2 * 3600, at);
    if (in_at + 2 * 3600 > now) return NULL;
    bool female = json_str(p, "sex") && !strcmp(json_str(p, "sex"), "F");
    int months = age_months(p, now);
    herr *e = NULL;
    if (months >= 168) e = give(d, site, pid, "hygiene_kit", 1, at, NULL);
    if (!e && unit(&d->r) < 0.6) e = give(d, site, pid, "clothes_set", 1, at, NULL);
    if (!e && unit(&d->r) < 0.35) e = give(d, site, pid, "shoes", 1, at, NULL);
    if (!e && unit(&d->r) < 0.55) e = give(d, site, pid, "blanket", 1, at, NULL);
    if (!e && female && months >= 144) e = give(d, site, pid, "dignity_kit", 1, at, NULL);
    if (!e && months <= 23) e = give(d, site, pid, "baby_food", 5, at, NULL);
    if (!e && months <= 35) e = give(d, site, pid, "diapers", 2, at, NULL);
    if (!e && months >= 168 && unit(&d->r) < 0.03) {
        /* A second kit inside the month: lost, or soaked on the way back from the river. */
        char later[CLOCK_ISO_LEN];
        int64_t t = in_at + 2 * 3600 + (int64_t)(unit(&d->r) * 10 * 86400);
        if (t < now) {
            clock_format_iso(t, later);
            e = give(d, site, pid, "hygiene_kit", 1, later,
                     "the first kit was stolen in the dormitory");
        }
    }
    if (!e && unit(&d->r) < 0.02) {
        json_t *out = NULL;
        actor sys;
        actor_system(&sys, "nurse");
        e = distributions_flag_set(d->s, &sys, pid, "special_diet", NULL, &out);
        json_decref(out);
        if (!e) e = give(d, site, pid, "special_diet_meal", 3, at, NULL);
    }
    return e;
}

herr *distributions_demo_load(store *s, unsigned long long seed) {
    demo d = {.s = s, .r = {seed ^ 0xd157ull}, .items = json_object()};
    actor_system(&d.a, "demo");
    json_t *sites = NULL, *cat = NULL;
    herr *e = distributions_catalogue(s, false, &cat);
    if (!e) e = registry_site_list(s, &d.a, &sites);
    if (e) goto cleanup;
    size_t i, k;
    json_t *it, *site;
    json_array_foreach(json_object_get(cat, "items"), i, it)
        json_object_set_new(d.items, json_str(it, "code"), json_string(json_str(it, "id")));
    int64_t now = clock_now();
    json_t *list = json_object_get(sites, "items");
    json_array_foreach(list, i, site) {
        const char *sid = json_str(site, "id");
        int present = (int)json_integer_value(json_object_get(site, "present")) + 20;
        for (k = 0; k < sizeof receipts / sizeof receipts[0] && !e; k++)
            e = move(&d, sid, receipts[k].code, "receipt", receipts[k].per_present * present, NULL,
                     "delivery from the central warehouse");
        if (!e) e = move(&d, sid, "blanket", "loss", 3, NULL, "damaged by water");
        if (e) goto cleanup;
    }
    /* One transfer between the first two sites, as when a centre runs short. */
    if (json_array_size(list) >= 2)
        e = move(&d, json_str(json_array_get(list, 0), "id"), "sleeping_bag", "transfer", 10,
                 json_str(json_array_get(list, 1), "id"), "winter stock");
    json_array_foreach(list, i, site) {
        const char *sid = json_str(site, "id");
        json_t *residents = NULL;
        registry_residents_query q = {.limit = 500};
        if (e || (e = registry_site_residents(s, &d.a, sid, &q, &residents))) break;
        json_t *stay;
        json_array_foreach(json_object_get(residents, "items"), k, stay) {
            if ((e = desk_for(&d, sid, stay, now))) break;
        }
        json_decref(residents);
        /* Three meals a day to everyone present, one bulk act a day. */
        for (int day = 30; day >= 1 && !e; day--) {
            char at[CLOCK_ISO_LEN];
            clock_format_iso(clock_day_start(now) - day * 86400 + 12 * 3600, at);
            json_t *in = json_pack("{s:s,s:s,s:i,s:s,s:s}", "site_id", sid, "item_id",
                                   item_id(&d, "meal"), "quantity", 3, "note",
                                   "breakfast, lunch and dinner", "at", at),
                   *out = NULL;
            e = distributions_bulk(s, &d.a, in, &out);
            json_decref(in);
            json_decref(out);
        }
    }
cleanup:
    json_decref(sites);
    json_decref(cat);
    json_decref(d.items);
    return e;
}
