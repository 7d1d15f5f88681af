#include "demo/demo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/actor.h"
#include "core/clock.h"
#include "core/datafile.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"

/* ---- a small deterministic generator (splitmix64) ---------------------------- */

typedef struct {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }
static int rng_below(rng *r, int n) { return (int)(rng_unit(r) * n); }
static bool rng_chance(rng *r, double p) { return rng_unit(r) < p; }

/* ---- names and origins from data/ --------------------------------------------- */

typedef struct {
    char country[4], part[10], latin[64], native[96];
} name_entry;

typedef struct {
    char country[4];
    int per_mille;
    char languages[32];
} origin_entry;

typedef struct {
    name_entry *names;
    size_t n_names;
    origin_entry origins[32];
    size_t n_origins;
} demo_tables;

static void read_name(char *line, void *ctx) {
    demo_tables *t = ctx;
    char *f[4];
    if (datafile_split_tabs(line, f, 4) < 3) return;
    t->names = mem_realloc(t->names, (t->n_names + 1) * sizeof *t->names);
    name_entry *n = &t->names[t->n_names++];
    snprintf(n->country, sizeof n->country, "%s", f[0]);
    snprintf(n->part, sizeof n->part, "%s", f[1]);
    snprintf(n->latin, sizeof n->latin, "%s", f[2]);
    snprintf(n->native, sizeof n->native, "%s", f[3] ? f[3] : "");
}

static void read_origin(char *line, void *ctx) {
    demo_tables *t = ctx;
    char *f[3];
    if (datafile_split_tabs(line, f, 3) < 3 || t->n_origins == 32) return;
    origin_entry *o = &t->origins[t->n_origins++];
    snprintf(o->country, sizeof o->country, "%s", f[0]);
    o->per_mille = atoi(f[1]);
    snprintf(o->languages, sizeof o->languages, "%s", f[2]);
}

static const origin_entry *pick_origin(const demo_tables *t, rng *r) {
    int total = 0;
    for (size_t i = 0; i < t->n_origins; i++) total += t->origins[i].per_mille;
    int x = rng_below(r, total);
    for (size_t i = 0; i < t->n_origins; i++) {
        if (x < t->origins[i].per_mille) return &t->origins[i];
        x -= t->origins[i].per_mille;
    }
    return &t->origins[0];
}

/* A name of the part for the country. Given names follow a Zipf-like curve (earlier
 * entries more common), as a few (Mohammad, Ahmad, Ali) cover many people; family
 * names are far more varied in life than our short lists, so they are drawn evenly. */
static const name_entry *pick_name(const demo_tables *t, rng *r, const char *country,
                                   const char *part) {
    size_t idx[64], n = 0;
    for (size_t i = 0; i < t->n_names && n < 64; i++)
        if (!strcmp(t->names[i].country, country) && !strcmp(t->names[i].part, part)) idx[n++] = i;
    if (!n) return NULL;
    if (!strcmp(part, "family")) return &t->names[idx[rng_below(r, (int)n)]];
    double total = 0;
    for (size_t i = 0; i < n; i++) total += 1.0 / (double)(i + 1);
    double x = rng_unit(r) * total;
    for (size_t i = 0; i < n; i++) {
        x -= 1.0 / (double)(i + 1);
        if (x <= 0) return &t->names[idx[i]];
    }
    return &t->names[idx[n - 1]];
}

/* ---- sites and users ------------------------------------------------------------ */

typedef struct {
    const char *name, *code, *municipality, *kind;
    int capacity;
} demo_site;

/* The four temporary reception centres of 2023 (capacities of Lipa from the annual
 * report; the others approximate). */
static const demo_site demo_sites[] = {
    {"TRC Ušivak", "USI", "Hadžići", "temporary_reception_centre", 800},
    {"TRC Blažuj", "BLA", "Ilidža", "temporary_reception_centre", 1500},
    {"TRC Lipa", "LIP", "Bihać", "temporary_reception_centre", 1500},
    {"TRC Borići", "BOR", "Bihać", "centre_for_families", 450},
};
enum { SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, N_SITES };

typedef struct {
    const char *username, *display_name, *role;
    int sites[N_SITES + 1]; /* indexes into demo_sites, ended by -1 */
} demo_user;

static const demo_user demo_users[] = {
    {"registrar", "Amra Hodžić (Lipa desk)", "registrar", {SITE_LIPA, -1}},
    {"registrar.usivak", "Emir Begić (Ušivak desk)", "registrar", {SITE_USIVAK, -1}},
    {"protection", "Lejla Mehmedović", "protection", {SITE_USIVAK, SITE_BORICI, SITE_LIPA, -1}},
    {"counsellor",
     "Dragan Petrović",
     "counsellor",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"interp", "Selma Kovač", "interp", {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"statistician",
     "Nermin Alić",
     "statistician",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"outreach",
     "Mirza Delić (mobile team)",
     "outreach",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"viewer",
     "Programme manager",
     "viewer",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"storekeeper", "Mirza Hasić (Lipa store)", "storekeeper", {SITE_LIPA, SITE_BLAZUJ, -1}},
    {"complaints",
     "Aida Karić",
     "complaints",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"psea",
     "Jasmina Delić (PSEA focal point)",
     "psea",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"trainer", "Haris Mujić", "trainer", {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"screening", "Border police liaison", "screening", {-1}},
    {"interp_coord",
     "Sanja Ilić (interpreting coordinator)",
     "interp_coord",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
    {"dpo",
     "Maja Kovačević (data protection officer)",
     "dpo",
     {SITE_USIVAK, SITE_BLAZUJ, SITE_LIPA, SITE_BORICI, -1}},
};

static herr *create_sites(store *s, const actor *a, char ids[N_SITES][ID_LEN]) {
    for (int i = 0; i < N_SITES; i++) {
        const demo_site *d = &demo_sites[i];
        json_t *in =
            json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", d->name, "code", d->code, "municipality",
                      d->municipality, "kind", d->kind, "capacity", d->capacity);
        json_t *out = NULL;
        herr *e = registry_site_create(s, a, in, &out);
        json_decref(in);
        if (e) return e;
        snprintf(ids[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(out);
    }
    return NULL;
}

static herr *create_users(store *s, const actor *a, char ids[N_SITES][ID_LEN], json_t *logins) {
    for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
        const demo_user *u = &demo_users[i];
        char password[15];
        id_password(password, sizeof password);
        json_t *sites = json_array(), *names = json_array();
        for (int k = 0; u->sites[k] >= 0; k++) {
            json_array_append_new(sites, json_string(ids[u->sites[k]]));
            json_array_append_new(names, json_string(demo_sites[u->sites[k]].name));
        }
        json_t *in =
            json_pack("{s:s,s:s,s:s,s:O,s:s}", "username", u->username, "display_name",
                      u->display_name, "role", u->role, "sites", sites, "password", password);
        /* Demo accounts that read protection or PSEA data are grants like any other. */
        if (auth_sensitive_kind(u->role))
            json_set_str(in, "access_reason", "demonstration data, created by haven init --demo");
        json_t *out = NULL;
        herr *e = auth_user_create(s, a, in, &out);
        json_decref(in);
        json_decref(out);
        json_decref(sites);
        if (e) {
            json_decref(names);
            return e;
        }
        json_array_append_new(logins,
                              json_pack("{s:s,s:s,s:s,s:o}", "username", u->username, "role",
                                        u->role, "password", password, "sites", names));
    }
    return NULL;
}

/* ---- people and stays ----------------------------------------------------------- */

#define DEMO_DAYS      120
#define MEAN_STAY_DAYS 8.0

static const char *const checkout_reasons[] = {"moved_on",  "moved_on", "moved_on", "moved_on",
                                               "moved_on",  "moved_on", "moved_on", "absconded",
                                               "absconded", "other"};

typedef struct {
    store *s;
    const actor *a;
    const demo_tables *t;
    rng *r;
    char (*site_ids)[ID_LEN];
    int64_t now;
} demo_ctx;

static int pick_site(rng *r, bool family_or_child, bool minor) {
    double x = rng_unit(r);
    if (family_or_child) return x < 0.5 ? SITE_USIVAK : SITE_BORICI;
    if (minor)
        return x < 0.45 ? SITE_USIVAK : x < 0.75 ? SITE_BORICI : x < 0.9 ? SITE_LIPA : SITE_BLAZUJ;
    return x < 0.4 ? SITE_LIPA : x < 0.8 ? SITE_BLAZUJ : x < 0.95 ? SITE_USIVAK : SITE_BORICI;
}

/* Birth date and its precision: many people know only their year of birth. */
static void pick_birth(rng *r, int64_t now, int age, char date[32], const char **precision) {
    int y, m, d;
    clock_civil_from_days(now / 86400, &y, &m, &d);
    int year = y - age - (age > 0 && rng_chance(r, 0.5) ? 1 : 0);
    double x = rng_unit(r);
    if (x < 0.55) {
        int bm = 1 + rng_below(r, 12), bd = 1 + rng_below(r, 28);
        if (year == y && (bm > m || (bm == m && bd > d))) year--; /* not born yet: a year older */
        snprintf(date, 32, "%04d-%02d-%02d", year % 10000, bm, bd);
        *precision = "exact";
    } else {
        snprintf(date, 32, "%04d-01-01", year % 10000);
        *precision = x < 0.9 ? "year" : "estimated";
    }
}

static json_t *languages_json(const char *list) {
    json_t *langs = json_array();
    char copy[32];
    snprintf(copy, sizeof copy, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(langs, json_string(tok));
    return langs;
}

static herr *check_out(demo_ctx *c, const char *stay_id, int64_t at, const char *reason) {
    char at_text[CLOCK_ISO_LEN];
    clock_format_iso(at, at_text);
    json_t *in = json_pack("{s:s,s:s}", "reason", reason, "checked_out_at", at_text), *out = NULL;
    herr *e = registry_stay_check_out(c->s, c->a, stay_id, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static herr *check_in(demo_ctx *c, const char *person_id, int site, int64_t at,
                      char stay_id[ID_LEN]) {
    char at_text[CLOCK_ISO_LEN], bed[32];
    clock_format_iso(at, at_text);
    snprintf(bed, sizeof bed, "C%d-%02d", 1 + rng_below(c->r, 40), 1 + rng_below(c->r, 24));
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "person_id", person_id, "site_id",
                           c->site_ids[site], "bed", bed, "checked_in_at", at_text);
    json_t *out = NULL;
    herr *e = registry_stay_check_in(c->s, c->a, in, &out);
    if (!e) snprintf(stay_id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    return e;
}

static int64_t stay_seconds(rng *r) {
    double days = -log(1.0 - rng_unit(r)) * MEAN_STAY_DAYS;
    return (int64_t)(days * 86400.0) + 3600;
}

/* Follows one person's stays from their first check-in; returns when they left for
 * good (or are still present). *last_out is 0 while they are present. */
static herr *live_stays(demo_ctx *c, const char *person_id, const char *first_stay, int site,
                        int64_t in_at, int64_t *last_out) {
    char stay[ID_LEN];
    snprintf(stay, sizeof stay, "%s", first_stay);
    for (int round = 0; round < 3; round++) {
        int64_t out_at = in_at + stay_seconds(c->r);
        if (out_at >= c->now) {
            *last_out = 0;
            return NULL;
        }
        bool transfer = rng_chance(c->r, 0.08);
        bool comes_back = !transfer && rng_chance(c->r, 0.06);
        const char *reason = transfer                 ? "transferred"
                             : rng_chance(c->r, 0.02) ? "returned"
                                                      : checkout_reasons[rng_below(c->r, 10)];
        herr *e = check_out(c, stay, out_at, reason);
        if (e) return e;
        *last_out = out_at;
        if (!transfer && !comes_back) return NULL;
        in_at = out_at + (transfer ? 3 * 3600 : (int64_t)(rng_unit(c->r) * 10 * 86400));
        if (in_at >= c->now) return NULL;
        int next = transfer ? (site + 1 + rng_below(c->r, N_SITES - 1)) % N_SITES : site;
        if ((e = check_in(c, person_id, next, in_at, stay))) return e;
        site = next;
    }
    *last_out = 0;
    return NULL;
}

/* Registers one person (and checks them in), then follows their stays. A few come back
 * later and are registered again with given and family name swapped, as happens at
 * a busy desk: the registry's candidates should point at the earlier record. */
static herr *one_person(demo_ctx *c) {
    rng *r = c->r;
    const origin_entry *o = pick_origin(c->t, r);
    double x = rng_unit(r);
    bool child = x < 0.03, minor = !child && x < 0.09;
    bool female = child ? rng_chance(r, 0.5) : minor ? rng_chance(r, 0.03) : rng_chance(r, 0.055);
    int age = child   ? rng_below(r, 14)
              : minor ? 14 + rng_below(r, 4)
                      : 18 + (int)fmin(42, -log(1 - rng_unit(r)) * 9);
    const name_entry *given = pick_name(c->t, r, o->country, female ? "given_f" : "given_m");
    const name_entry *family = pick_name(c->t, r, o->country, "family");
    if (!given || !family) return NULL;
    char birth[32], native[200] = "";
    const char *precision;
    pick_birth(r, c->now, age, birth, &precision);
    if (given->native[0] && family->native[0] && rng_chance(r, 0.6))
        snprintf(native, sizeof native, "%s %s", given->native, family->native);
    int site = pick_site(r, female || child, minor);
    int64_t in_at = c->now - (int64_t)(rng_unit(r) * DEMO_DAYS * 86400.0);
    char at_text[CLOCK_ISO_LEN], bed[32];
    clock_format_iso(in_at, at_text);
    /* A baby born after the day of this registration (the age is counted from today):
     * registered on the day of birth instead, with the mother. */
    if (strncmp(birth, at_text, 10) > 0) {
        snprintf(birth, sizeof birth, "%.10s", at_text);
        precision = "exact";
    }
    snprintf(bed, sizeof bed, "C%d-%02d", 1 + rng_below(r, 40), 1 + rng_below(r, 24));
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:b,s:s}", "given_name",
                           given->latin, "family_name", family->latin, "sex", female ? "F" : "M",
                           "birth_date", birth, "birth_date_precision", precision, "citizenship",
                           o->country, "languages", languages_json(o->languages), "site_id",
                           c->site_ids[site], "registered_at", at_text, "check_in", 1, "bed", bed);
    if (native[0]) json_object_set_new(in, "native_name", json_string(native));
    if (rng_chance(r, 0.35)) {
        char phone[32];
        snprintf(phone, sizeof phone, "+387 6%d %03d %03d", rng_below(r, 6), rng_below(r, 1000),
                 rng_below(r, 1000));
        json_object_set_new(in, "phone", json_string(phone));
    }
    json_t *out = NULL;
    herr *e = registry_person_register(c->s, c->a, in, &out);
    if (e) goto cleanup;
    const char *id = json_str(out, "id");
    int64_t last_out = 0;
    e = live_stays(c, id, json_str(json_object_get(out, "stay"), "id"), site, in_at, &last_out);
    if (e || !last_out || !rng_chance(r, 0.03)) goto cleanup;
    /* Back weeks later, registered again with the names the other way round. */
    int64_t again = last_out + (int64_t)((5 + rng_unit(r) * 20) * 86400.0);
    if (again >= c->now) goto cleanup;
    clock_format_iso(again, at_text);
    json_object_set_new(in, "given_name", json_string(family->latin));
    json_object_set_new(in, "family_name", json_string(given->latin));
    json_object_set_new(in, "registered_at", json_string(at_text));
    json_object_set_new(in, "site_id",
                        json_string(c->site_ids[pick_site(r, female || child, minor)]));
    json_object_del(in, "native_name");
    json_decref(out);
    out = NULL;
    e = registry_person_register(c->s, c->a, in, &out);
cleanup:
    json_decref(in);
    json_decref(out);
    return e;
}

herr *demo_load(store *s, uint64_t seed, int n_persons, json_t **logins) {
    demo_tables t = {0};
    char site_ids[N_SITES][ID_LEN];
    json_t *users = json_array(), *sites = NULL;
    actor a;
    actor_system(&a, "demo");
    rng r = {seed};
    herr *e = registry_site_list(s, &a, &sites);
    if (e) goto cleanup;
    if (json_array_size(json_object_get(sites, "items"))) {
        e = err_new(ERR_CONFLICT, "db",
                    "the database already has sites; demo data goes into a new one");
        goto cleanup;
    }
    datafile_each_line("demo_names.tsv", read_name, &t);
    datafile_each_line("demo_origins.tsv", read_origin, &t);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = create_sites(s, &a, site_ids))) goto rollback;
    if ((e = create_users(s, &a, site_ids, users))) goto rollback;
    demo_ctx c = {s, &a, &t, &r, site_ids, clock_now()};
    for (int i = 0; i < n_persons; i++)
        if ((e = one_person(&c))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    *logins = users;
    users = NULL;
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(users);
    json_decref(sites);
    mem_free(t.names);
    return e;
}
