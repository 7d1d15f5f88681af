/* Figures: the protection dashboard (the actor's sites) and the per-period figures
 * the statistics module turns into indicators (all sites). Counts by risk category
 * need the key: categories are sealed with the answers, so they are opened here, in
 * memory, and only the counts leave. */
#include <stdio.h>
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
        if (!clock_parse_date(from, &y, &m, &d)) return err_invalid("from", "from must be YYYY-MM-DD");
        f = clock_days_from_civil(y, m, d);
    } else if (to) {
        f = t - 29;
    }
    if (f > t) return err_invalid("from", "from must not be after to");
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
    "  AND sent_at < :cutoff AND " IN_SCOPE("site_id") "),"
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
