/* Computing the indicators Haven holds case data for, from persons and stays (and,
 * through stats_protection.c, from protection's screenings and referrals).
 *
 * Why a few plain reads and C instead of one GROUP BY per indicator: a month of a large
 * installation is hundreds of thousands of rows, and every indicator (arrivals, stock
 * at start and end, admissions, departures by reason, length of stay) is a different
 * predicate over the same rows. The period's registrations and the stays overlapping
 * it are each read once, their persons looked up once each, and everything counted in
 * a small hash table keyed by (site, citizen, sex, age band); totals and subtotals are
 * then summed from those detail cells in memory (stats_cube_fill). The whole costs
 * about one GROUP BY over the same rows (bench/bench_stats.c).
 *
 * Conventions (docs/stats.md): age is in completed years on the last day of the period
 * for every indicator, so that stock and flow figures add up per age band; sex X is
 * counted as UNK; citizenship "stateless" is STLS and "unknown" UNK; a stay counts in
 * the stock at a moment when checked in before it and not checked out by then. A record
 * merged into another is not a second arrival, but its stays are the survivor's. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

enum { N_REASONS = 5, NO_SITE = 0xffff };

typedef struct {
    uint64_t key; /* 0: empty slot */
    int64_t arr, sop, in, eop, dep[N_REASONS];
    double los_days;
} acc;

typedef struct {
    acc *slots;
    size_t cap, used;
} acc_map;

typedef struct {
    char (*id)[ID_LEN];
    char (*code)[8];
    size_t n;
} site_list;

/* The indicators computed here, found by code once per computation. */
typedef struct {
    int arr, sop, in, eop, dep, alos;
    int reason_ind[N_REASONS];
    const char *reason_name[N_REASONS];
    int other;                           /* reason index for unknown or missing reasons */
    char age_limit[STATS_MAX_CODES][11]; /* born on or before: in that band or older */
    int age_band[STATS_MAX_CODES], n_limits, age_unk;
} plan;

static uint64_t pack(unsigned site, const char *citizen, int sex, int age) {
    uint64_t c = 0;
    for (int i = 0; i < 4 && citizen[i]; i++) c |= (uint64_t)(unsigned char)citizen[i] << (8 * i);
    return (uint64_t)1 << 63 | (uint64_t)site << 40 | c << 8 | (uint64_t)sex << 4 | (uint64_t)age;
}

static void unpack(uint64_t k, unsigned *site, char citizen[8], int *sex, int *age) {
    *site = (unsigned)(k >> 40) & 0xffff;
    uint64_t c = (k >> 8) & 0xffffffff;
    memset(citizen, 0, 8);
    for (int i = 0; i < 4; i++) citizen[i] = (char)((c >> (8 * i)) & 0xff);
    *sex = (int)((k >> 4) & 0xf);
    *age = (int)(k & 0xf);
}

static acc *acc_get(acc_map *m, uint64_t key);

static void acc_grow(acc_map *m) {
    acc *old = m->slots;
    size_t old_cap = m->cap;
    m->cap = m->cap ? m->cap * 2 : 1024;
    m->slots = mem_alloc(m->cap * sizeof *m->slots);
    m->used = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key) *acc_get(m, old[i].key) = old[i];
    mem_free(old);
}

static acc *acc_get(acc_map *m, uint64_t key) {
    if (2 * (m->used + 1) > m->cap) acc_grow(m);
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != key) i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key) {
        m->slots[i].key = key;
        m->used++;
    }
    return &m->slots[i];
}

void stats_citizen_code(const char *c, char out[8]) {
    if (c && !strcmp(c, "stateless")) {
        memcpy(out, "STLS", 5);
    } else if (c && isalpha((unsigned char)c[0]) && isalpha((unsigned char)c[1]) && !c[2]) {
        out[0] = (char)toupper((unsigned char)c[0]);
        out[1] = (char)toupper((unsigned char)c[1]);
        out[2] = '\0';
    } else {
        memcpy(out, "UNK", 4);
    }
}

int stats_sex_index(const char *s) {
    if (s && s[0] == 'F' && !s[1]) return 0;
    if (s && s[0] == 'M' && !s[1]) return 1;
    return 2; /* X and anything else: UNK */
}

static int age_index(const plan *p, const char *birth) {
    if (!birth || strlen(birth) < 10) return p->age_unk;
    /* Limits are sorted from the oldest band down: the first one met is the band. */
    for (int i = 0; i < p->n_limits; i++)
        if (strncmp(birth, p->age_limit[i], 10) <= 0) return p->age_band[i];
    return p->age_unk; /* born after the end of the period: an error in the data */
}

static void make_plan(const stats_cat *cat, const stats_period *per, plan *p) {
    memset(p, 0, sizeof *p);
    p->arr = stats_cat_indicator(cat, "ARR");
    p->sop = stats_cat_indicator(cat, "ACC_SOP");
    p->in = stats_cat_indicator(cat, "ACC_IN");
    p->eop = stats_cat_indicator(cat, "ACC_EOP");
    p->dep = stats_cat_indicator(cat, "DEP");
    p->alos = stats_cat_indicator(cat, "ALOS");
    int k = 0;
    p->other = 0;
    for (size_t i = 0; i < cat->n_ind && k < N_REASONS; i++) {
        if (!cat->ind[i].reason) continue;
        p->reason_ind[k] = (int)i;
        p->reason_name[k] = cat->ind[i].reason;
        if (!strcmp(cat->ind[i].reason, "other")) p->other = k;
        k++;
    }
    p->age_unk = stats_cat_age(cat, "UNK");
    for (int b = (int)cat->n_age - 1; b >= 0; b--) {
        if (cat->age[b].min_age < 0) continue;
        int y = (per->last_day[0] - '0') * 1000 + (per->last_day[1] - '0') * 100 +
                (per->last_day[2] - '0') * 10 + (per->last_day[3] - '0') - cat->age[b].min_age;
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%04d%s", y < 0 ? 0 : y, per->last_day + 4);
        memcpy(p->age_limit[p->n_limits], tmp, 11);
        p->age_band[p->n_limits++] = b;
    }
}

static const char sites_sql[] = "SELECT id, code FROM sites ORDER BY code";

static herr *load_sites(store *s, site_list *out) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, sites_sql, &st);
    if (e) return e;
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        if (out->n >= NO_SITE - 1) break;
        out->id = mem_realloc(out->id, (out->n + 1) * sizeof *out->id);
        out->code = mem_realloc(out->code, (out->n + 1) * sizeof *out->code);
        snprintf(out->id[out->n], ID_LEN, "%s", store_text(st, 0));
        snprintf(out->code[out->n], 8, "%s", store_text(st, 1));
        out->n++;
    }
    store_done(st);
    return e;
}

static const char arrivals_sql[] =
    "SELECT citizenship, sex, birth_date FROM persons"
    " WHERE registered_at >= :start AND registered_at < :end AND merged_into IS NULL";

static herr *scan_arrivals(store *s, const stats_period *per, const plan *p, acc_map *m) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, arrivals_sql, &st);
    if (e) return e;
    store_bind_text(st, ":start", per->start_iso);
    store_bind_text(st, ":end", per->end_iso);
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        char citizen[8];
        stats_citizen_code(store_text(st, 0), citizen);
        uint64_t key = pack(NO_SITE, citizen, stats_sex_index(store_text(st, 1)),
                            age_index(p, store_text(st, 2)));
        acc_get(m, key)->arr++;
    }
    store_done(st);
    return e;
}

/* Every stay that overlaps the period: checked in before its end and not checked out
 * before its start. Without an index on intervals one side of that is an open range:
 * the stays that left after the start (small for a recent period, everything since
 * for an old one) or the stays that came before the end (the reverse). So, site by
 * site, the two ranges are first counted on their indexes, (site_id, checked_out_at)
 * and (site_id, checked_in_at), which costs little, and the stays are read through
 * the smaller. The column of the other range is wrapped in an expression (|| '',
 * COALESCE) so that no planner is tempted by the larger index; a single statement
 * with "out IS NULL OR out >= start" would make SQLite scan every stay checked in
 * before the end.
 *
 * The stays are read first without their persons, then the persons are looked up once
 * each in id order. Ids are time-ordered (UUIDv7), so the lookups walk the persons'
 * index and table forward instead of jumping around them once per stay as a join
 * does. */
static const char count_left_sql[] =
    "SELECT COUNT(*) FROM (SELECT 1 FROM stays WHERE site_id = :site AND checked_out_at >= :start"
    " LIMIT :cap) AS s";
static const char count_came_sql[] =
    "SELECT COUNT(*) FROM (SELECT 1 FROM stays WHERE site_id = :site AND checked_in_at < :end"
    " LIMIT :cap) AS s";
static const char stays_left_sql[] =
    "SELECT person_id, checked_in_at, checked_out_at, checkout_reason FROM stays"
    " WHERE site_id = :site AND checked_out_at >= :start AND checked_in_at || '' < :end";
static const char stays_open_sql[] =
    "SELECT person_id, checked_in_at, checked_out_at, checkout_reason FROM stays"
    " WHERE site_id = :site AND checked_out_at IS NULL AND checked_in_at || '' < :end";
static const char stays_came_sql[] =
    "SELECT person_id, checked_in_at, checked_out_at, checkout_reason FROM stays"
    " WHERE site_id = :site AND checked_in_at < :end"
    " AND COALESCE(checked_out_at, '9999') >= :start";
/* A record merged into another is the same human: its stays count as the survivor's,
 * described by the survivor's record (merges are one level deep). */
static const char person_sql[] =
    "SELECT COALESCE(m.citizenship, p.citizenship), COALESCE(m.sex, p.sex),"
    " CASE WHEN m.id IS NULL THEN p.birth_date ELSE m.birth_date END"
    " FROM persons p LEFT JOIN persons m ON m.id = p.merged_into WHERE p.id = :id";

enum { STAY_SOP = 1, STAY_DEP = 2 }; /* else admitted in the period; else still there */

typedef struct {
    char person[ID_LEN];
    uint16_t site;
    uint8_t flags, reason;
    double los_days;
} stay_row;

typedef struct {
    stay_row *rows;
    size_t n, cap;
} stay_list;

static int reason_index(const plan *p, const char *reason) {
    for (int i = 0; reason && i < N_REASONS; i++)
        if (p->reason_name[i] && !strcmp(p->reason_name[i], reason)) return i;
    return p->other;
}

/* Counts the entries of one index range, stopping at cap. */
static herr *count_stays(store *s, const char *sql, const char *site, const stats_period *per,
                         int64_t cap, int64_t *n) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":site", site);
    store_bind_int(st, ":cap", cap);
    if (sql == count_left_sql)
        store_bind_text(st, ":start", per->start_iso);
    else
        store_bind_text(st, ":end", per->end_iso);
    e = store_step(st, &row);
    *n = row ? store_int(st, 0) : 0;
    store_done(st);
    return e;
}

/* Appends the stays of one statement (one site) to out. */
static herr *read_stays(store *s, const char *sql, unsigned site, const site_list *sites,
                        const stats_period *per, const plan *p, stay_list *out) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":site", sites->id[site]);
    if (sql != stays_open_sql) store_bind_text(st, ":start", per->start_iso);
    store_bind_text(st, ":end", per->end_iso);
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 4096;
            out->rows = mem_realloc(out->rows, out->cap * sizeof *out->rows);
        }
        stay_row *r = &out->rows[out->n++];
        snprintf(r->person, sizeof r->person, "%s", store_text(st, 0));
        r->site = (uint16_t)site;
        const char *in = store_text(st, 1);
        const char *left = store_is_null(st, 2) ? NULL : store_text(st, 2);
        r->flags = 0;
        r->reason = 0;
        r->los_days = 0;
        /* ISO times in one form compare as text. */
        if (strcmp(in, per->start_iso) < 0) r->flags |= STAY_SOP;
        if (left && strcmp(left, per->end_iso) < 0) {
            r->flags |= STAY_DEP;
            r->reason = (uint8_t)reason_index(p, store_is_null(st, 3) ? NULL : store_text(st, 3));
            int64_t t_in = 0, t_out = 0;
            if (clock_parse_iso(in, &t_in) && clock_parse_iso(left, &t_out))
                r->los_days = (double)(t_out - t_in) / 86400.0;
        }
    }
    store_done(st);
    return e;
}

/* The stays of every site that overlap the period, each site through its smaller
 * index range. */
static herr *read_all_stays(store *s, const site_list *sites, const stats_period *per,
                            const plan *p, stay_list *out) {
    herr *e = NULL;
    for (unsigned i = 0; i < sites->n && !e; i++) {
        /* Both ranges counted up to a cap that grows until one of them ends under it:
         * the cost is about that of counting the smaller one. */
        int64_t left = 0, came = 0;
        for (int64_t cap = 4096;; cap *= 8) {
            e = count_stays(s, count_left_sql, sites->id[i], per, cap, &left);
            if (!e) e = count_stays(s, count_came_sql, sites->id[i], per, cap, &came);
            if (e || left < cap || came < cap) break;
        }
        if (e) break;
        if (left <= came) {
            e = read_stays(s, stays_left_sql, i, sites, per, p, out);
            if (!e) e = read_stays(s, stays_open_sql, i, sites, per, p, out);
        } else {
            e = read_stays(s, stays_came_sql, i, sites, per, p, out);
        }
    }
    return e;
}

static int by_person(const void *a, const void *b) {
    return strcmp(((const stay_row *)a)->person, ((const stay_row *)b)->person);
}

/* Looks up each person once, in id order, and adds their stays to the accumulators. */
static herr *add_stays(store *s, const plan *p, stay_list *list, acc_map *m) {
    if (list->n > 1) qsort(list->rows, list->n, sizeof *list->rows, by_person);
    store_stmt *st = NULL;
    herr *e = store_prepare(s, person_sql, &st);
    for (size_t i = 0; !e && i < list->n;) {
        size_t j = i + 1;
        while (j < list->n && !strcmp(list->rows[j].person, list->rows[i].person)) j++;
        store_bind_text(st, ":id", list->rows[i].person);
        bool row = false;
        e = store_step(st, &row);
        if (!e && row) {
            char citizen[8];
            stats_citizen_code(store_text(st, 0), citizen);
            int sex = stats_sex_index(store_text(st, 1)), age = age_index(p, store_text(st, 2));
            for (size_t k = i; k < j; k++) {
                const stay_row *r = &list->rows[k];
                acc *a = acc_get(m, pack(r->site, citizen, sex, age));
                if (r->flags & STAY_SOP)
                    a->sop++;
                else
                    a->in++;
                if (r->flags & STAY_DEP) {
                    a->dep[r->reason]++;
                    a->los_days += r->los_days;
                } else {
                    a->eop++;
                }
            }
        }
        store_done(st);
        st = NULL;
        if (!e) e = store_prepare(s, person_sql, &st);
        i = j;
    }
    store_done(st);
    return e;
}

/* Detail figures of one indicator from the accumulators; site "" when the indicator
 * is not broken down by site. */
typedef enum { F_ARR, F_SOP, F_IN, F_EOP, F_DEP, F_REASON, F_ALOS } field;

static void add_indicator(stats_set *set, const acc_map *m, const site_list *sites, int ind,
                          field f, int reason) {
    if (ind < 0) return;
    const stats_cat *cat = stats_cat_get();
    bool by_site = cat->ind[ind].dims & DIMBIT(DIM_SITE);
    stats_detail *det = mem_alloc((m->used + 1) * sizeof *det);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++) {
        const acc *a = &m->slots[i];
        if (!a->key) continue;
        int64_t dep = 0;
        for (int r = 0; r < N_REASONS; r++) dep += a->dep[r];
        double v = f == F_ARR      ? (double)a->arr
                   : f == F_SOP    ? (double)a->sop
                   : f == F_IN     ? (double)a->in
                   : f == F_EOP    ? (double)a->eop
                   : f == F_DEP    ? (double)dep
                   : f == F_REASON ? (double)a->dep[reason]
                                   : a->los_days;
        double w = f == F_ALOS ? (double)dep : 0;
        if (v == 0 && w == 0) continue;
        unsigned site;
        char citizen[8];
        int sex, age;
        unpack(a->key, &site, citizen, &sex, &age);
        stats_detail *d = &det[n++];
        memset(d, 0, sizeof *d);
        snprintf(d->key[DIM_SITE], 8, "%s", by_site && site < sites->n ? sites->code[site] : "");
        snprintf(d->key[DIM_CITIZEN], 8, "%s", citizen);
        snprintf(d->key[DIM_SEX], 8, "%s", cat->sex[sex].code);
        snprintf(d->key[DIM_AGE], 8, "%s", cat->age[age].code);
        d->value = v;
        d->weight = w;
    }
    stats_cube_fill(set, ind, det, n, 'c');
    mem_free(det);
}

static json_t *summary(const stats_set *set, const bool *which) {
    const stats_cat *cat = stats_cat_get();
    json_t *list = json_array();
    for (size_t i = 0; i < cat->n_ind; i++) {
        if (!which[i]) continue;
        size_t cells = 0;
        json_t *total = json_null();
        for (size_t k = 0; k < set->n; k++) {
            const stats_cell *c = &set->cells[k];
            if (c->ind != (int)i) continue;
            cells++;
            if (!c->key[DIM_SITE][0] && !strcmp(c->key[DIM_CITIZEN], "TOTAL") &&
                !strcmp(c->key[DIM_SEX], "T") && !strcmp(c->key[DIM_AGE], "TOTAL")) {
                json_decref(total);
                total = cat->ind[i].measure == MEASURE_MEAN ? json_real(c->value)
                                                            : json_integer((json_int_t)c->value);
            }
        }
        json_array_append_new(list, json_pack("{s:s,s:I,s:o}", "code", cat->ind[i].code, "cells",
                                              (json_int_t)cells, "total", total));
    }
    return json_pack("{s:s,s:s,s:o}", "ref_area", set->ref_area, "period", set->period.text,
                     "indicators", list);
}

/* Reads the case data and writes the result in one transaction: the figures come
 * from one consistent state of persons, stays and screenings (no registration
 * half-seen), and
 * the many person lookups share one lock instead of taking one each. Writers wait
 * for the computation: milliseconds for an installation's real volume. */
herr *stats_compute(store *s, const actor *a, const char *period, json_t **out) {
    const stats_cat *cat = stats_cat_get();
    stats_period per;
    stats_conf conf;
    stats_set set = {0};
    site_list sites = {0};
    acc_map map = {0};
    stay_list stays = {0};
    plan p;
    bool *which = mem_alloc(cat->n_ind * sizeof *which);
    json_t *detail = NULL;
    herr *e = stats_period_parse(period, "period", &per);
    if (e) goto cleanup;
    e = store_begin(s);
    if (e) goto cleanup;
    e = stats_conf_load(s, &conf);
    if (e) goto cleanup;
    make_plan(cat, &per, &p);
    e = load_sites(s, &sites);
    if (!e) e = scan_arrivals(s, &per, &p, &map);
    if (!e) e = read_all_stays(s, &sites, &per, &p, &stays);
    if (!e) e = add_stays(s, &p, &stays, &map);
    if (e) goto cleanup;

    stats_set_init(&set, conf.ref_area, &per);
    add_indicator(&set, &map, &sites, p.arr, F_ARR, 0);
    add_indicator(&set, &map, &sites, p.sop, F_SOP, 0);
    add_indicator(&set, &map, &sites, p.in, F_IN, 0);
    add_indicator(&set, &map, &sites, p.eop, F_EOP, 0);
    add_indicator(&set, &map, &sites, p.dep, F_DEP, 0);
    for (int r = 0; r < N_REASONS; r++)
        if (p.reason_name[r]) add_indicator(&set, &map, &sites, p.reason_ind[r], F_REASON, r);
    add_indicator(&set, &map, &sites, p.alos, F_ALOS, 0);
    if ((e = stats_protection_add(s, &per, &set))) goto cleanup;
    for (size_t i = 0; i < cat->n_ind; i++)
        which[i] = cat->ind[i].computed && stats_period_allows(&per, cat->ind[i].periodicity);
    if ((e = stats_returns_add(s, &per, &set, which))) goto cleanup;
    stats_set_sort(&set);

    e = stats_set_replace(s, &set, which);
    char entity_id[16];
    snprintf(entity_id, sizeof entity_id, "%s:%s", set.ref_area, per.text);
    detail = json_pack("{s:s,s:I}", "source", "computed", "cells", (json_int_t)set.n);
    if (!e) e = audit_record(s, a, "compute", "stats_period", entity_id, detail);
    if (!e) e = store_commit(s);
    if (!e) *out = summary(&set, which);
cleanup:
    if (e) store_rollback(s); /* safe when no transaction is open */
    json_decref(detail);
    stats_set_free(&set);
    mem_free(sites.id);
    mem_free(sites.code);
    mem_free(map.slots);
    mem_free(stays.rows);
    mem_free(which);
    return e;
}
