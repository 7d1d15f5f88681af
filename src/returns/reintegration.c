/* Reintegration after return: a plan per case (kind of support, budget, grant in cash or
 * in kind, the partner in the country of origin) and monitoring visits 3, 6 and 12
 * months after arrival with a standard questionnaire (data/return_monitoring.tsv) from
 * which a sustainability score is computed. Visits are due from the arrival (or, while
 * the arrival is not confirmed, the departure); one not made by its day is overdue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

static const int visit_months[] = {3, 6, 12};

static void add_question(char *line, void *ctx) {
    char *f[5];
    if (datafile_split_tabs(line, f, 5) != 5) return;
    json_array_append_new(ctx, json_pack("{s:s,s:i,s:s,s:s,s:s}", "id", f[0], "weight", atoi(f[1]),
                                         "en", f[2], "bs", f[3], "sr", f[4]));
}

json_t *returns_monitoring_questions(void) {
    json_t *list = json_array();
    datafile_each_line("return_monitoring.tsv", add_question, list);
    return list;
}

/* date plus months (the day clamped to the month's end) into out. */
static void add_months(const char *date, int months, char out[CLOCK_DATE_LEN]) {
    int y, m, d;
    out[0] = '\0';
    if (!clock_parse_date(date, &y, &m, &d)) return;
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return; /* keeps it 10 bytes */
    int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    unsigned day = (unsigned)(d < last ? d : last) % 32u, month = (unsigned)m % 13u;
    snprintf(out, CLOCK_DATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u, month, day);
}

/* The day visits count from: the arrival, else the departure ("" before departure). */
static const char base_sql[] =
    "SELECT substr(at, 1, 10), to_state FROM return_transitions WHERE case_id = :id"
    " AND to_state IN ('departed', 'arrived') ORDER BY to_state = 'arrived' DESC, at DESC LIMIT 1";

static herr *base_date(store *s, const char *case_id, char out[CLOCK_DATE_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    out[0] = '\0';
    herr *e = store_prepare(s, base_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", case_id);
    if (!(e = store_step(st, &row)) && row) snprintf(out, CLOCK_DATE_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

static const json_field plan_fields[] = {
    {"kind", JF_STRING, true, 16},     {"budget_eur", JF_INT, true, 0},
    {"modality", JF_STRING, true, 16}, {"partner", JF_STRING, true, 160},
    {"note", JF_TEXT, false, 2000},
};
static const char *const kinds[] = {"business",  "housing",      "medical",
                                    "education", "psychosocial", NULL};
static const char *const modalities[] = {"cash", "in_kind", "mixed", NULL};

static const char insert_plan_sql[] =
    "INSERT INTO return_plans (id, case_id, kind, budget_eur, modality, partner, note, by_id,"
    " by_name, created_at) SELECT :id, :case, :kind, :budget, :modality, :partner, :note, :by_id,"
    " :by_name, :now WHERE NOT EXISTS (SELECT 1 FROM return_plans WHERE case_id = :case)";

herr *returns_plan_create(store *s, const actor *a, const char *case_id, const json_t *in,
                          json_t **out) {
    char id[ID_LEN], now[CLOCK_ISO_LEN], base[CLOCK_DATE_LEN];
    json_t *c = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, plan_fields, sizeof plan_fields / sizeof plan_fields[0]);
    if (!e) e = check_code("kind", json_str(in, "kind"), kinds);
    if (!e) e = check_code("modality", json_str(in, "modality"), modalities);
    if (!e) e = check_not_blank(in, "partner", true);
    if (e) return e;
    json_int_t budget = json_integer_value(json_object_get(in, "budget_eur"));
    if (budget < 0 || budget > 100000)
        return err_invalid("budget_eur", "budget_eur must be from 0 to 100000");
    if ((e = retc_row(s, a, case_id, &c))) return e;
    if ((e = base_date(s, case_id, base))) goto cleanup;
    if (!base[0] || strcmp(json_str(c, "state"), "withdrawn") == 0 ||
        strcmp(json_str(c, "state"), "cancelled") == 0) {
        e = err_with(err_new(ERR_CONFLICT, "case", "a reintegration plan follows the departure"),
                     "returns_plan_before_departure", (const char *)NULL);
        goto cleanup;
    }
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_plan_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case", case_id);
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_int(st, ":budget", budget);
    store_bind_text(st, ":modality", json_str(in, "modality"));
    store_bind_text(st, ":partner", json_str(in, "partner"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (store_changes(s) != 1) {
        e = err_with(err_new(ERR_CONFLICT, "case", "the case has a reintegration plan already"),
                     "returns_plan_exists", (const char *)NULL);
        goto rollback;
    }
    detail = check_field_names(in);
    if ((e = audit_record(s, a, "create_plan", "return_case", case_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, case_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}

/* Checks the answers against the questionnaire and computes the score. */
static herr *score_answers(const json_t *answers, int *score) {
    json_t *questions = returns_monitoring_questions();
    long got = 0, best = 0;
    herr *e = NULL;
    char field[72];
    size_t i;
    json_t *q;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)answers, k, v) {
        bool known = false;
        json_array_foreach(questions, i, q) known |= !strcmp(json_str(q, "id"), k);
        if (!known) {
            snprintf(field, sizeof field, "answers.%.60s", k);
            e = err_invalid(field, "%s is not a question of the monitoring questionnaire", k);
            goto cleanup;
        }
    }
    json_array_foreach(questions, i, q) {
        const json_t *ans = json_object_get(answers, json_str(q, "id"));
        snprintf(field, sizeof field, "answers.%.60s", json_str(q, "id"));
        if (!json_is_integer(ans) || json_integer_value(ans) < 0 || json_integer_value(ans) > 2) {
            e = err_invalid(field, "%s needs an answer 0 (no), 1 (partly) or 2 (yes)", field);
            goto cleanup;
        }
        long w = (long)json_integer_value(json_object_get(q, "weight"));
        got += w * (long)json_integer_value(ans);
        best += 2 * w;
    }
    *score = best ? (int)((got * 100 + best / 2) / best) : 0;
cleanup:
    json_decref(questions);
    return e;
}

static const json_field visit_fields[] = {
    {"month", JF_INT, true, 0},
    {"visited_on", JF_STRING, true, 10},
    {"answers", JF_OBJECT, true, 0},
    {"note", JF_TEXT, false, 2000},
};

static const char insert_visit_sql[] =
    "INSERT INTO return_visits (id, plan_id, month, visited_on, answers, score, note, by_id,"
    " by_name, created_at) SELECT :id, p.id, :month, :on, :answers, :score, :note, :by_id,"
    " :by_name, :now FROM return_plans p WHERE p.case_id = :case AND NOT EXISTS"
    " (SELECT 1 FROM return_visits v WHERE v.plan_id = p.id AND v.month = :month)";

herr *returns_visit_add(store *s, const actor *a, const char *case_id, const json_t *in,
                        json_t **out) {
    char id[ID_LEN], now[CLOCK_ISO_LEN], on[CLOCK_DATE_LEN], base[CLOCK_DATE_LEN],
        today[CLOCK_DATE_LEN];
    json_t *c = NULL, *plan = NULL, *detail = NULL;
    store_stmt *st = NULL;
    char *answers = NULL;
    int score = 0;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, visit_fields, sizeof visit_fields / sizeof visit_fields[0]);
    if (!e) e = check_date(in, "visited_on", true, on);
    if (e) return e;
    json_int_t month = json_integer_value(json_object_get(in, "month"));
    if (month != 3 && month != 6 && month != 12)
        return err_invalid("month", "month must be 3, 6 or 12");
    if ((e = score_answers(json_object_get(in, "answers"), &score))) return e;
    if ((e = retc_row(s, a, case_id, &c))) return e;
    if ((e = returns_plan_of_case(s, case_id, &plan))) goto cleanup;
    if (!json_is_object(plan)) {
        e = err_with(err_new(ERR_CONFLICT, "case", "the case has no reintegration plan"),
                     "returns_no_plan", (const char *)NULL);
        goto cleanup;
    }
    snprintf(base, sizeof base, "%s", json_str(plan, "base_date"));
    clock_format_date(clock_now(), today);
    if (strcmp(on, base) < 0 || strcmp(on, today) > 0) {
        e = err_invalid("visited_on", "visited_on must be from %s to today", base);
        goto cleanup;
    }
    answers = json_dumps(json_object_get(in, "answers"), JSON_COMPACT | JSON_SORT_KEYS);
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_visit_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case", case_id);
    store_bind_int(st, ":month", month);
    store_bind_text(st, ":on", on);
    store_bind_text(st, ":answers", answers);
    store_bind_int(st, ":score", score);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    if (store_changes(s) != 1) {
        e = err_with(
            err_new(ERR_CONFLICT, "month", "the %d-month visit is recorded already", (int)month),
            "returns_visit_exists", (const char *)NULL);
        goto rollback;
    }
    detail = json_pack("{s:I,s:i}", "month", (json_int_t)month, "score", score);
    if ((e = audit_record(s, a, "visit", "return_case", case_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, case_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    free(answers);
    json_decref(c);
    json_decref(plan);
    json_decref(detail);
    return e;
}

static const char plan_sql[] =
    "SELECT id, kind, budget_eur, modality, partner, note FROM return_plans WHERE case_id = :id";
static const char visits_sql[] =
    "SELECT month, visited_on, score, answers, note, by_name FROM return_visits"
    " WHERE plan_id = :id ORDER BY month";

/* Adds "due": the months not visited yet with their day. */
static void add_due(json_t *plan, const char *base) {
    char today[CLOCK_DATE_LEN], due[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof visit_months / sizeof visit_months[0]; i++) {
        bool done = false;
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(plan, "visits"), k, v) done |=
            json_integer_value(json_object_get(v, "month")) == visit_months[i];
        if (done) continue;
        add_months(base, visit_months[i], due);
        json_array_append_new(list, json_pack("{s:i,s:s,s:b}", "month", visit_months[i], "due_on",
                                              due, "overdue", strcmp(due, today) < 0));
    }
    json_object_set_new(plan, "due", list);
}

herr *returns_plan_of_case(store *s, const char *case_id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    char base[CLOCK_DATE_LEN];
    json_t *plan = NULL;
    *out = NULL;
    herr *e = store_prepare(s, plan_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", case_id);
    if ((e = store_step(st, &row)) || !row) {
        store_done(st);
        if (!e) *out = json_null();
        return e;
    }
    plan = json_pack("{s:s,s:s,s:I,s:s,s:s}", "id", store_text(st, 0), "kind", store_text(st, 1),
                     "budget_eur", (json_int_t)store_int(st, 2), "modality", store_text(st, 3),
                     "partner", store_text(st, 4));
    json_set_str(plan, "note", store_is_null(st, 5) ? NULL : store_text(st, 5));
    store_done(st);
    st = NULL;
    json_t *visits = json_array();
    json_object_set_new(plan, "visits", visits);
    if ((e = store_prepare(s, visits_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", json_str(plan, "id"));
    while (!(e = store_step(st, &row)) && row) {
        json_t *answers = json_loads(store_text(st, 3), 0, NULL);
        json_t *v =
            json_pack("{s:I,s:s,s:I,s:o,s:s}", "month", (json_int_t)store_int(st, 0), "visited_on",
                      store_text(st, 1), "score", (json_int_t)store_int(st, 2), "answers",
                      answers ? answers : json_object(), "by_name", store_text(st, 5));
        json_set_str(v, "note", store_is_null(st, 4) ? NULL : store_text(st, 4));
        json_array_append_new(visits, v);
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if ((e = base_date(s, case_id, base))) goto cleanup;
    json_set_str(plan, "base_date", base);
    add_due(plan, base);
    e = ret_instalments_of_plan(s, json_str(plan, "id"), plan);
cleanup:
    store_done(st);
    if (e) {
        json_decref(plan);
        return e;
    }
    *out = plan;
    return NULL;
}

static const char scoped_plans_sql[] =
    "SELECT c.id, c.person_id, p.given_name, p.family_name, c.destination_country"
    " FROM return_plans r JOIN return_cases c ON c.id = r.case_id JOIN persons p ON"
    " p.id = c.person_id WHERE (:all = 1 OR :sites LIKE '%,' || c.site_id || ',%')";

herr *returns_visits_due(store *s, const actor *a, bool overdue_only, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    char *scope = NULL;
    json_t *cases = json_array(), *items = json_array();
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (e) goto cleanup;
    scope = ret_scope(a);
    if ((e = store_prepare(s, scoped_plans_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(
            cases, json_pack("{s:s,s:s,s:s,s:s,s:s}", "case_id", store_text(st, 0), "person_id",
                             store_text(st, 1), "given_name", store_text(st, 2), "family_name",
                             store_text(st, 3), "destination_country", store_text(st, 4)));
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    size_t i, k;
    json_t *c, *d;
    json_array_foreach(cases, i, c) {
        json_t *plan = NULL;
        if ((e = returns_plan_of_case(s, json_str(c, "case_id"), &plan))) goto cleanup;
        json_array_foreach(json_object_get(plan, "due"), k, d) {
            if (overdue_only && !json_is_true(json_object_get(d, "overdue"))) continue;
            json_t *item = json_deep_copy(c);
            json_object_update(item, d);
            json_array_append_new(items, item);
        }
        json_decref(plan);
    }
    /* The earliest due first. */
    size_t n = json_array_size(items);
    for (size_t x = 1; x < n; x++)
        for (size_t y = x; y > 0 && strcmp(json_str(json_array_get(items, y - 1), "due_on"),
                                           json_str(json_array_get(items, y), "due_on")) > 0;
             y--) {
            json_t *tmp = json_incref(json_array_get(items, y));
            json_array_set(items, y, json_array_get(items, y - 1));
            json_array_set_new(items, y - 1, tmp);
        }
    *out = json_pack("{s:O}", "items", items);
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(cases);
    json_decref(items);
    return e;
}
