/* Figures: the protection dashboard (the actor's sites), the per-period figures and
 * their breakdown by citizenship, sex and age band that the statistics module turns
 * into indicators (all sites). Counts by risk category need the key: categories are
 * sealed with the answers, so they are opened here, in memory, and only the counts
 * leave. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"

#define MAX_PERIOD_DAYS 3660

typedef struct {
    char from[CLOCK_ISO_LEN], to[CLOCK_ISO_LEN]; /* [from, to) as times */
    char from_date[CLOCK_DATE_LEN], to_date[CLOCK_DATE_LEN];
    bool all;
    char *sites; /* ",a,b," */
} period_scope;

static herr *parse_period(const char *from, const char *to, period_scope *p) {
    int y, m, d;
    int64_t now_day = clock_day_start(clock_now()) / 86400, f = now_day - 29, t = now_day;
    if (to) {
        if (!clock_parse_date(to, &y, &m, &d)) return err_invalid("to", "to must be YYYY-MM-DD");
        t = clock_days_from_civil(y, m, d);
    }
    if (from) {
        if (!clock_parse_date(from, &y, &m, &d))
            return err_invalid("from", "from must be YYYY-MM-DD");
        f = clock_days_from_civil(y, m, d);
    } else if (to) {
        f = t - 29;
    }
    if (f > t)
        return err_with(err_invalid("from", "from must not be after to"), "date_range",
                        (const char *)NULL);
    if (t - f >= MAX_PERIOD_DAYS) return err_invalid("from", "the period is longer than ten years");
    clock_format_iso(f * 86400, p->from);
    clock_format_iso((t + 1) * 86400, p->to);
    clock_format_date(f * 86400, p->from_date);
    clock_format_date(t * 86400, p->to_date);
    return NULL;
}

static void bind_scope(store_stmt *st, const period_scope *p) {
    store_bind_int(st, ":all", p->all ? 1 : 0);
    store_bind_text(st, ":sites", p->sites ? p->sites : "");
}

static void bind_period(store_stmt *st, const period_scope *p) {
    store_bind_text(st, ":from", p->from);
    store_bind_text(st, ":to", p->to);
    bind_scope(st, p);
}

#define IN_SCOPE(col) "(:all = 1 OR :sites LIKE '%,' || " col " || ',%')"

static const char screening_counts_sql[] =
    "SELECT COUNT(*), COUNT(DISTINCT person_id),"
    " COUNT(DISTINCT CASE WHEN has_risk = 1 THEN person_id END) FROM protection_screenings"
    " WHERE screened_at >= :from AND screened_at < :to AND " IN_SCOPE("site_id");
static const char risky_sql[] =
    "SELECT id, person_id, payload FROM protection_screenings WHERE has_risk = 1"
    " AND screened_at >= :from AND screened_at < :to AND " IN_SCOPE("site_id");
static const char referral_states_sql[] =
    "SELECT state, COUNT(*) FROM protection_referrals WHERE created_at >= :from"
    " AND created_at < :to AND " IN_SCOPE("site_id") " GROUP BY state ORDER BY state";
static const char referral_types_sql[] =
    "SELECT service_type, COUNT(*) FROM protection_referrals WHERE created_at >= :from"
    " AND created_at < :to AND " IN_SCOPE("site_id") " GROUP BY service_type"
                                                     " ORDER BY service_type";
static const char referral_providers_sql[] =
    "SELECT r.provider_id, p.name, COUNT(*) FROM protection_referrals r"
    " JOIN protection_providers p ON p.id = r.provider_id WHERE r.created_at >= :from"
    " AND r.created_at < :to AND " IN_SCOPE("r.site_id") " GROUP BY r.provider_id, p.name"
                                                         " ORDER BY COUNT(*) DESC, p.name";
static const char cases_opened_sql[] =
    "SELECT COUNT(*) FROM protection_cases WHERE opened_at >= :from AND opened_at < :to"
    " AND " IN_SCOPE("site_id");

/* One row of integers into obj under the names given. */
static herr *count_row(store *s, const char *sql, const period_scope *p, json_t *obj,
                       const char *const *names) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    bind_period(st, p);
    if (!(e = store_step(st, &row)) && row)
        for (int i = 0; names[i]; i++)
            json_object_set_new(obj, names[i], json_integer(store_int(st, i)));
    store_done(st);
    return e;
}

/* (code, count) rows into an object. */
static herr *count_by(store *s, const char *sql, const period_scope *p, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *by = json_object();
    herr *e = store_prepare(s, sql, &st);
    if (!e) {
        bind_period(st, p);
        while (!(e = store_step(st, &row)) && row)
            json_object_set_new(by, store_text(st, 0), json_integer(store_int(st, 1)));
    }
    store_done(st);
    if (e) {
        json_decref(by);
        return e;
    }
    *out = by;
    return NULL;
}

/* Persons with risks per category: each person counted once per category. */
static herr *risks_by_category(store *s, const period_scope *p, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *sets = json_object(), *counts = json_object();
    json_t *q = protection_questionnaire();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(q, "categories"), i, c)
        json_object_set_new(sets, json_str(c, "code"), json_object());
    herr *e = store_prepare(s, risky_sql, &st);
    if (e) goto cleanup;
    bind_period(st, p);
    while (!(e = store_step(st, &row)) && row) {
        char *plain = NULL;
        if ((e = prot_open_column(st, 2, "protection_screenings", store_text(st, 0), "payload",
                                  &plain)))
            break;
        json_t *payload = json_loads(plain, 0, NULL);
        crypto_wipe(plain, strlen(plain));
        mem_free(plain);
        size_t k;
        json_t *r;
        json_array_foreach(json_object_get(payload, "risks"), k, r) {
            json_t *set = json_object_get(sets, json_string_value(r));
            if (set) json_object_set_new(set, store_text(st, 1), json_true());
        }
        json_decref(payload);
    }
    const char *code;
    json_t *set;
    json_object_foreach(sets, code, set)
        json_object_set_new(counts, code, json_integer((json_int_t)json_object_size(set)));
cleanup:
    store_done(st);
    json_decref(sets);
    json_decref(q);
    if (e) {
        json_decref(counts);
        return e;
    }
    *out = counts;
    return NULL;
}

static const char *const screening_names[] = {"screenings", "persons_screened",
                                              "persons_with_risks", NULL};
static const char *const opened_names[] = {"cases_opened", NULL};

/* The figures both callers share. */
static herr *period_common(store *s, const period_scope *p, json_t *out) {
    json_t *by_cat = NULL, *by_state = NULL, *by_type = NULL;
    herr *e = count_row(s, screening_counts_sql, p, out, screening_names);
    if (!e) e = risks_by_category(s, p, &by_cat);
    if (!e) e = count_by(s, referral_states_sql, p, &by_state);
    if (!e) e = count_by(s, referral_types_sql, p, &by_type);
    if (!e) e = count_row(s, cases_opened_sql, p, out, opened_names);
    if (!e) {
        json_int_t referrals = 0;
        const char *k;
        json_t *v;
        json_object_foreach(by_state, k, v) referrals += json_integer_value(v);
        json_object_set_new(out, "persons_with_risks_by_category", json_incref(by_cat));
        json_object_set_new(out, "referrals", json_integer(referrals));
        json_object_set_new(out, "referrals_by_state", json_incref(by_state));
        json_object_set_new(out, "referrals_by_service_type", json_incref(by_type));
    }
    json_decref(by_cat);
    json_decref(by_state);
    json_decref(by_type);
    return e;
}

herr *protection_period_figures(store *s, const char *from, const char *to, json_t **out) {
    period_scope p = {.all = true};
    if (!from || !to) return err_invalid(from ? "to" : "from", "give both from and to");
    herr *e = parse_period(from, to, &p);
    if (e) return e;
    json_t *fig = json_pack("{s:s,s:s}", "from", p.from_date, "to", p.to_date);
    if ((e = period_common(s, &p, fig))) {
        json_decref(fig);
        return e;
    }
    *out = fig;
    return NULL;
}

static const char open_now_sql[] =
    "SELECT COUNT(*), COUNT(CASE WHEN risk_level = 'high' THEN 1 END),"
    " COUNT(CASE WHEN next_follow_up IS NOT NULL AND next_follow_up < :today THEN 1 END)"
    " FROM protection_cases WHERE state = 'open' AND " IN_SCOPE("site_id");
static const char overdue_now_sql[] =
    "SELECT (SELECT COUNT(*) FROM protection_referrals WHERE state = 'sent'"
    "  AND sent_at < :cutoff AND " IN_SCOPE(
        "site_id") "),"
                   " (SELECT COUNT(*) FROM protection_case_actions x JOIN protection_cases c ON c.id = x.case_id"
                   "  WHERE c.state = 'open' AND x.status = 'open' AND x.due_date < :today"
                   "  AND " IN_SCOPE("c.site_id") ")";

/* Figures about now rather than the period: open cases and what is overdue. */
static herr *now_figures(store *s, const period_scope *p, int overdue_days, json_t *out) {
    store_stmt *st = NULL;
    bool row;
    char today[CLOCK_DATE_LEN], cutoff[CLOCK_ISO_LEN];
    clock_format_date(clock_now(), today);
    clock_format_iso(clock_now() - (int64_t)overdue_days * 86400, cutoff);
    herr *e = store_prepare(s, open_now_sql, &st);
    if (e) return e;
    bind_scope(st, p);
    store_bind_text(st, ":today", today);
    if (!(e = store_step(st, &row)) && row) {
        json_object_set_new(out, "cases_open", json_integer(store_int(st, 0)));
        json_object_set_new(out, "cases_open_high_risk", json_integer(store_int(st, 1)));
        json_object_set_new(out, "follow_ups_overdue", json_integer(store_int(st, 2)));
    }
    store_done(st);
    if (e || (e = store_prepare(s, overdue_now_sql, &st))) return e;
    bind_scope(st, p);
    store_bind_text(st, ":today", today);
    store_bind_text(st, ":cutoff", cutoff);
    if (!(e = store_step(st, &row)) && row) {
        json_object_set_new(out, "referrals_overdue", json_integer(store_int(st, 0)));
        json_object_set_new(out, "actions_overdue", json_integer(store_int(st, 1)));
    }
    store_done(st);
    return e;
}

static herr *providers_figure(store *s, const period_scope *p, json_t *out) {
    store_stmt *st = NULL;
    bool row;
    json_t *items = json_array();
    json_object_set_new(out, "referrals_by_provider", items);
    herr *e = store_prepare(s, referral_providers_sql, &st);
    if (e) return e;
    bind_period(st, p);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, json_pack("{s:s,s:s,s:I}", "provider_id", store_text(st, 0),
                                               "name", store_text(st, 1), "referrals",
                                               (json_int_t)store_int(st, 2)));
    store_done(st);
    return e;
}

herr *protection_dashboard(store *s, const actor *a, const char *from, const char *to,
                           int overdue_days, json_t **out) {
    period_scope p = {.all = a->all_sites};
    json_t *d = NULL;
    if (!auth_allows(a->role, "protection.dashboard"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not see protection figures",
                       a->role);
    if (overdue_days <= 0) overdue_days = PROTECTION_DEFAULT_OVERDUE_DAYS;
    herr *e = parse_period(from, to, &p);
    if (e) return e;
    size_t n = 2 + a->n_sites * (ID_LEN + 1);
    p.sites = mem_alloc(n);
    strcpy(p.sites, ",");
    for (size_t i = 0; i < a->n_sites; i++) {
        strcat(p.sites, a->site_ids[i]);
        strcat(p.sites, ",");
    }
    d = json_pack("{s:s,s:s,s:i}", "from", p.from_date, "to", p.to_date, "overdue_days",
                  overdue_days);
    if (!e) e = period_common(s, &p, d);
    if (!e) e = providers_figure(s, &p, d);
    if (!e) e = now_figures(s, &p, overdue_days, d);
    if (!e) {
        json_t *detail = json_pack("{s:s,s:s}", "from", p.from_date, "to", p.to_date);
        e = audit_record_read(s, a, "protection_figures", "", detail);
        json_decref(detail);
    }
    mem_free(p.sites);
    if (e) {
        json_decref(d);
        return e;
    }
    *out = d;
    return NULL;
}

/* ---- the breakdown for statistics ----------------------------------------------------
 * Screenings and referrals of the period counted per group of persons with the same
 * recorded citizenship, sex and age band. A record merged into another is the same
 * human: its screenings and referrals are the survivor's and it is described by the
 * survivor's record. Risk categories are opened here, one person at a time, and folded
 * into the group's counts at once; what leaves is the counts. */

#define BREAKDOWN_MAX_AGES   16
#define BREAKDOWN_MAX_GROUPS 32

typedef struct {
    const char *name[BREAKDOWN_MAX_GROUPS];
    uint64_t mask[BREAKDOWN_MAX_GROUPS]; /* bit i: category i of the questionnaire */
    size_t n_groups;
    char limit[BREAKDOWN_MAX_AGES][CLOCK_DATE_LEN]; /* born on or before: in band i or older */
    size_t n_ages;
    json_t *categories; /* the questionnaire's categories, in order */
    json_t *index;      /* group key -> group object (borrowed from groups) */
    json_t *groups;
} breakdown;

static int category_bit(const breakdown *b, const char *code) {
    size_t i;
    json_t *c;
    json_array_foreach(b->categories, i,
                       c) if (code && !strcmp(json_str(c, "code"), code)) return i < 64
        ? (int)i
        : -1;
    return -1;
}

/* Checks the query and prepares the age limits and category masks. */
static herr *breakdown_init(const protection_breakdown_query *q, const period_scope *p,
                            breakdown *b) {
    json_t *q_all = protection_questionnaire();
    b->categories = json_incref(json_object_get(q_all, "categories"));
    json_decref(q_all);
    b->index = json_object();
    b->groups = json_array();
    if (!q->age_from || q->n_ages == 0 || q->n_ages > BREAKDOWN_MAX_AGES)
        return err_invalid("age_from", "give 1 to %d age bands", BREAKDOWN_MAX_AGES);
    int y = atoi(p->to_date);
    for (size_t i = 0; i < q->n_ages; i++) {
        if (q->age_from[i] < 0 || q->age_from[i] > 150 ||
            (i && q->age_from[i] <= q->age_from[i - 1]))
            return err_invalid("age_from", "age bands must start at 0 to 150 years, increasing");
        /* Age in completed years on the last day: born on or before the same day that
         * many years earlier (as text, so that 29 February needs no special case). */
        int born = y - q->age_from[i] < 0 ? 0 : y - q->age_from[i];
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%04d%.6s", born, p->to_date + 4);
        memcpy(b->limit[i], tmp, CLOCK_DATE_LEN - 1);
        b->limit[i][CLOCK_DATE_LEN - 1] = '\0';
    }
    b->n_ages = q->n_ages;
    const char *name;
    json_t *list;
    if (!json_is_object(q->risk_groups) || json_object_size(q->risk_groups) > BREAKDOWN_MAX_GROUPS)
        return err_invalid("risk_groups", "risk_groups must be an object of at most %d lists",
                           BREAKDOWN_MAX_GROUPS);
    json_object_foreach((json_t *)q->risk_groups, name, list) {
        size_t i;
        json_t *code;
        if (!json_is_array(list) || json_array_size(list) == 0)
            return err_invalid("risk_groups", "%s must list risk categories", name);
        b->name[b->n_groups] = name;
        json_array_foreach(list, i, code) {
            int bit = category_bit(b, json_string_value(code));
            if (bit < 0)
                return err_invalid("risk_groups",
                                   "%s: %s is not a risk category of the "
                                   "questionnaire",
                                   name, json_string_value(code) ? json_string_value(code) : "?");
            b->mask[b->n_groups] |= (uint64_t)1 << bit;
        }
        b->n_groups++;
    }
    return NULL;
}

static void breakdown_free(breakdown *b) {
    json_decref(b->categories);
    json_decref(b->index);
    json_decref(b->groups);
}

/* The age band of a birth date (-1: unknown, or younger than the first band). */
static int age_band(const breakdown *b, const char *birth) {
    if (!birth || strlen(birth) < 10) return -1;
    for (size_t i = b->n_ages; i-- > 0;)
        if (strncmp(birth, b->limit[i], 10) <= 0) return (int)i;
    return -1;
}

/* The group object of a person described by the current row's columns col..col+2
 * (citizenship, sex, birth date), created with zero counts when new. */
static json_t *group_of(breakdown *b, store_stmt *st, int col) {
    const char *cit = store_is_null(st, col) ? NULL : store_text(st, col);
    const char *sex = store_is_null(st, col + 1) ? NULL : store_text(st, col + 1);
    int band = age_band(b, store_is_null(st, col + 2) ? NULL : store_text(st, col + 2));
    /* NULL and "" are different groups: the flag character keeps them apart. */
    char *key = mem_printf("%c%s\x1f%c%s\x1f%d", cit ? 'v' : 'n', cit ? cit : "", sex ? 'v' : 'n',
                           sex ? sex : "", band);
    json_t *g = json_object_get(b->index, key);
    if (!g) {
        json_t *risks = json_object();
        for (size_t i = 0; i < b->n_groups; i++)
            json_object_set_new(risks, b->name[i], json_integer(0));
        g = json_pack("{s:s?,s:s?,s:o,s:I,s:I,s:I,s:I,s:o}", "citizenship", cit, "sex", sex,
                      "age_band", band < 0 ? json_null() : json_integer(band), "screenings",
                      (json_int_t)0, "persons_screened", (json_int_t)0, "persons_with_risks",
                      (json_int_t)0, "referrals", (json_int_t)0, "risk_groups", risks);
        json_array_append_new(b->groups, g);
        json_object_set(b->index, key, g);
    }
    mem_free(key);
    return g;
}

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_t *v = json_object_get(obj, key);
    json_integer_set(v, json_integer_value(v) + n);
}

/* One person's screenings of the period, folded into their group. */
typedef struct {
    char who[ID_LEN];
    json_t *group; /* borrowed */
    json_int_t screenings;
    bool any_risk;
    uint64_t risks;
} person_acc;

static void person_flush(const breakdown *b, person_acc *pa) {
    if (!pa->group) return;
    add_to(pa->group, "screenings", pa->screenings);
    add_to(pa->group, "persons_screened", 1);
    if (pa->any_risk) add_to(pa->group, "persons_with_risks", 1);
    json_t *risks = json_object_get(pa->group, "risk_groups");
    for (size_t i = 0; i < b->n_groups; i++)
        if (pa->risks & b->mask[i]) add_to(risks, b->name[i], 1);
    memset(pa, 0, sizeof *pa);
}

/* Opens a screening's sealed payload and adds its risk categories to the person's. */
static herr *add_risks(const breakdown *b, store_stmt *st, person_acc *pa) {
    char *plain = NULL;
    herr *e =
        prot_open_column(st, 3, "protection_screenings", store_text(st, 0), "payload", &plain);
    if (e || !plain) return e;
    json_t *payload = json_loads(plain, 0, NULL);
    crypto_wipe(plain, strlen(plain));
    mem_free(plain);
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(payload, "risks"), k, r) {
        int bit = category_bit(b, json_string_value(r));
        if (bit >= 0) pa->risks |= (uint64_t)1 << bit;
    }
    json_decref(payload);
    return NULL;
}

#define SURVIVOR                                                                                   \
    " JOIN persons p ON p.id = x.person_id JOIN persons w ON w.id = COALESCE(p.merged_into, p.id)"

static const char breakdown_screenings_sql[] =
    "SELECT x.id, w.id, x.has_risk, x.payload, w.citizenship, w.sex, w.birth_date"
    " FROM protection_screenings x" SURVIVOR
    " WHERE x.screened_at >= :from AND x.screened_at < :to ORDER BY w.id";
/* A referral is made when it is sent (a draft is not yet a referral). */
static const char breakdown_referrals_sql[] =
    "SELECT w.citizenship, w.sex, w.birth_date FROM protection_referrals x" SURVIVOR
    " WHERE x.state IN ('sent', 'accepted', 'declined', 'service_delivered', 'closed')"
    " AND x.sent_at >= :from AND x.sent_at < :to";

static herr *breakdown_screenings(store *s, const period_scope *p, breakdown *b) {
    store_stmt *st = NULL;
    person_acc pa = {0};
    bool row;
    herr *e = store_prepare(s, breakdown_screenings_sql, &st);
    if (e) return e;
    store_bind_text(st, ":from", p->from);
    store_bind_text(st, ":to", p->to);
    while (!(e = store_step(st, &row)) && row) {
        if (strcmp(pa.who, store_text(st, 1))) {
            person_flush(b, &pa);
            snprintf(pa.who, sizeof pa.who, "%s", store_text(st, 1));
            pa.group = group_of(b, st, 4);
        }
        pa.screenings++;
        if (store_int(st, 2)) {
            pa.any_risk = true;
            if ((e = add_risks(b, st, &pa))) break;
        }
    }
    if (!e) person_flush(b, &pa);
    crypto_wipe(&pa, sizeof pa);
    store_done(st);
    return e;
}

static herr *breakdown_referrals(store *s, const period_scope *p, breakdown *b) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, breakdown_referrals_sql, &st);
    if (e) return e;
    store_bind_text(st, ":from", p->from);
    store_bind_text(st, ":to", p->to);
    while (!(e = store_step(st, &row)) && row) add_to(group_of(b, st, 0), "referrals", 1);
    store_done(st);
    return e;
}

herr *protection_period_breakdown(store *s, const protection_breakdown_query *q, json_t **out) {
    period_scope p = {.all = true};
    breakdown b = {0};
    if (!q->from || !q->to) return err_invalid(q->from ? "to" : "from", "give both from and to");
    herr *e = parse_period(q->from, q->to, &p);
    if (!e) e = breakdown_init(q, &p, &b);
    if (!e) e = breakdown_screenings(s, &p, &b);
    if (!e) e = breakdown_referrals(s, &p, &b);
    if (!e)
        *out = json_pack("{s:s,s:s,s:O}", "from", p.from_date, "to", p.to_date, "groups", b.groups);
    breakdown_free(&b);
    return e;
}
