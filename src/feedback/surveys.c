/* Satisfaction surveys: short forms whose questions are data (data/surveys.json),
 * anonymous responses, results per site and period. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "feedback/feedback.h"
#include "feedback/feedback_internal.h"
#include "registry/registry.h"

static json_t *form_of(const char *code) {
    json_t *forms = fb_forms(), *found = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(forms, i, f) {
        if (code && !strcmp(json_str(f, "code"), code)) found = json_incref(f);
    }
    json_decref(forms);
    return found;
}

static const json_field answer_fields[] = {
    {"form", JF_STRING, true, 40},     {"site_id", JF_STRING, true, 40},
    {"language", JF_STRING, false, 8}, {"answered_at", JF_STRING, false, 40},
    {"answers", JF_OBJECT, true, 0},
};

/* ERR_INVALID naming "answers.<id>" for an answer the question does not take. */
static herr *check_answers(const json_t *form, const json_t *answers) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v) {
        char field[64];
        snprintf(field, sizeof field, "answers.%.40s", key);
        const json_t *q = NULL;
        size_t i;
        json_t *each;
        json_array_foreach(json_object_get(form, "questions"), i, each) {
            if (!strcmp(json_str(each, "id"), key)) q = each;
        }
        if (!q) return err_invalid(field, "the form has no question %s", key);
        const char *type = json_str(q, "type");
        bool ok = false;
        if (!strcmp(type, "rating"))
            ok = json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 5;
        else if (!strcmp(type, "yes_no"))
            ok = json_is_boolean(v);
        else {
            json_t *opt;
            json_array_foreach(json_object_get(q, "options"), i, opt) {
                ok = ok ||
                     (json_is_string(v) && !strcmp(json_str(opt, "code"), json_string_value(v)));
            }
        }
        if (!ok) return err_invalid(field, "%s is not an answer to question %s", field, key);
    }
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO survey_responses (id, form, site_id, language, answered_at, answers, by_id,"
    " by_name) VALUES (:id, :form, :site, :language, :at, :answers, :by_id, :by_name)";

herr *feedback_survey_answer(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN], at[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    json_t *form = NULL;
    char *answers = NULL;
    herr *e = json_check(in, answer_fields, sizeof answer_fields / sizeof answer_fields[0]);
    if (e) return e;
    if (!(form = form_of(json_str(in, "form"))))
        return err_invalid("form", "no survey form %s", json_str(in, "form"));
    if (!actor_has_site(a, json_str(in, "site_id")))
        e = err_with(
            err_invalid("site_id", "no site with id %s among your sites", json_str(in, "site_id")),
            "site_unknown", (const char *)NULL);
    if (!e && json_str(in, "language") && !codes_language_valid(json_str(in, "language")))
        e = err_with(err_invalid("language", "language must be an ISO 639 code"), "language_code",
                     (const char *)NULL);
    if (!e) e = check_answers(form, json_object_get(in, "answers"));
    if (!e && !json_object_size(json_object_get(in, "answers")))
        e = err_invalid("answers", "answer at least one question");
    if (!e) e = check_time(in, "answered_at", clock_now(), 3600, at);
    if (e) goto cleanup;
    id_new(id);
    answers = json_dumps(json_object_get(in, "answers"), JSON_COMPACT | JSON_SORT_KEYS);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":form", json_str(in, "form"));
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":language", json_str(in, "language"));
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":answers", answers);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = json_pack("{s:s}", "form", json_str(in, "form"));
    e = audit_record(s, a, "answer", "survey_response", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    *out = json_pack("{s:s,s:s,s:s}", "id", id, "form", json_str(in, "form"), "answered_at", at);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(form);
    free(answers);
    return e;
}

static const char results_sql[] =
    "SELECT site_id, answers FROM survey_responses WHERE form = :form"
    " AND (:all = 1 OR :sites LIKE '%,' || site_id || ',%') AND (:site IS NULL OR site_id = :site)"
    " AND answered_at >= :from AND answered_at < :to";

/* Adds one answer to a question's tally {"n","sum"|"yes"|"counts"}. */
static void tally(json_t *questions, const json_t *form, const char *key, const json_t *v) {
    json_t *t = json_object_get(questions, key);
    if (!t) {
        t = json_pack("{s:i}", "n", 0);
        json_object_set_new(questions, key, t);
    }
    json_object_set_new(t, "n", json_integer(json_integer_value(json_object_get(t, "n")) + 1));
    if (json_is_integer(v)) {
        json_int_t sum = json_integer_value(json_object_get(t, "sum")) + json_integer_value(v);
        json_object_set_new(t, "sum", json_integer(sum));
        json_object_set_new(
            t, "mean",
            json_real((double)sum / (double)json_integer_value(json_object_get(t, "n"))));
    } else if (json_is_boolean(v)) {
        json_int_t yes = json_integer_value(json_object_get(t, "yes")) + json_is_true(v);
        json_object_set_new(t, "yes", json_integer(yes));
    } else if (json_is_string(v)) {
        json_t *counts = json_object_get(t, "counts");
        if (!counts) {
            counts = json_object();
            json_object_set_new(t, "counts", counts);
        }
        const char *c = json_string_value(v);
        json_object_set_new(counts, c,
                            json_integer(json_integer_value(json_object_get(counts, c)) + 1));
    }
    (void)form;
}

herr *feedback_survey_results(store *s, const actor *a, const char *form_code, const char *site_id,
                              const char *from_in, const char *to_in, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], fi[CLOCK_ISO_LEN], ti[CLOCK_ISO_LEN];
    json_t *form = form_of(form_code ? form_code : "satisfaction"), *by_site = json_object();
    json_t *overall = json_object(), *sites = NULL;
    store_stmt *st = NULL;
    char *scope = fb_scope(a);
    int64_t n = 0;
    bool row;
    herr *e = NULL;
    if (!form) e = err_invalid("form", "no survey form %s", form_code);
    if (!e) e = fb_period(from_in, to_in, from, to, fi, ti);
    if (!e && site_id && !actor_has_site(a, site_id))
        e = err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", site_id);
    if (!e) e = registry_site_list(s, a, &sites);
    if (e) goto cleanup;
    if ((e = store_prepare(s, results_sql, &st))) goto cleanup;
    store_bind_text(st, ":form", json_str(form, "code"));
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":from", fi);
    store_bind_text(st, ":to", ti);
    while (!(e = store_step(st, &row)) && row) {
        json_t *answers = json_loads(store_text(st, 1), 0, NULL);
        const char *site = store_text(st, 0);
        json_t *entry = json_object_get(by_site, site);
        if (!entry) {
            entry = json_pack("{s:s,s:i,s:{}}", "site_id", site, "responses", 0, "questions");
            json_object_set_new(by_site, site, entry);
        }
        json_object_set_new(
            entry, "responses",
            json_integer(json_integer_value(json_object_get(entry, "responses")) + 1));
        const char *key;
        json_t *v;
        json_object_foreach(answers, key, v) {
            tally(json_object_get(entry, "questions"), form, key, v);
            tally(overall, form, key, v);
        }
        json_decref(answers);
        n++;
    }
    store_done(st);
    if (e) goto cleanup;
    json_t *list = json_array();
    const char *key;
    json_t *entry;
    json_object_foreach(by_site, key, entry) {
        size_t i;
        json_t *site;
        json_array_foreach(json_object_get(sites, "items"), i, site) {
            if (!strcmp(json_str(site, "id"), key))
                json_set_str(entry, "site_name", json_str(site, "name"));
        }
        json_array_append(list, entry);
    }
    *out = json_pack("{s:O,s:s,s:s,s:I,s:o,s:O}", "form", form, "from", from, "to", to, "responses",
                     (json_int_t)n, "sites", list, "questions", overall);
cleanup:
    json_decref(form);
    json_decref(by_site);
    json_decref(overall);
    json_decref(sites);
    mem_free(scope);
    return e;
}
