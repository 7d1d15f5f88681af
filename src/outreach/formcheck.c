/* Checking a submission's answers against its form, as the browser did while it was
 * filled: types, choices, required answers, relevance (answers to questions that are
 * not relevant are dropped, as ODK does), constraints, and calculations (recomputed
 * here; the phone's result is not trusted). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach_internal.h"
#include "outreach/xlsform.h"

#define MAX_TEXT   10000
#define MAX_GROUPS 32

char *or_answer_text(const json_t *v) {
    if (json_is_string(v)) return mem_strdup(json_string_value(v));
    if (json_is_integer(v)) return mem_printf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) {
        char buf[64];
        or_value_text((or_value){.type = OV_NUM, .num = json_real_value(v)}, buf, sizeof buf);
        return mem_strdup(buf);
    }
    if (json_is_array(v)) {
        or_buf b = {0};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i) or_buf_str(&b, " ");
            or_buf_str(&b, json_string_value(x) ? json_string_value(x) : "");
        }
        return b.data ? b.data : mem_strdup("");
    }
    return mem_strdup("");
}

static const char *lookup(const char *name, void *ctx) {
    const char *v = json_string_value(json_object_get(ctx, name));
    return v ? v : "";
}

/* The question's label in the form's first language, for messages. */
static const char *label_of(const json_t *q) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)json_object_get(q, "label"), key, v) return json_string_value(v);
    return json_str(q, "name");
}

static herr *answer_error(const json_t *q, const char *fmt, const char *detail) {
    char field[64];
    snprintf(field, sizeof field, "data.%s", json_str(q, "name"));
    herr *e = err_invalid(field, "%s", "");
    char what[200];
    snprintf(what, sizeof what, fmt, detail ? detail : "");
    snprintf(e->message, sizeof e->message, "%.100s (%.40s): %.150s", label_of(q),
             json_str(q, "name"), what);
    return e;
}

static bool in_list(const json_t *def, const json_t *q, const char *choice) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(json_object_get(def, "choices"), json_str(q, "list")), i,
                       o) if (!strcmp(json_str(o, "name"), choice)) return true;
    return false;
}

static bool parse_geopoint(const char *s) {
    double v[4] = {0};
    int n = 0;
    const char *p = s;
    while (*p && n < 4) {
        char *end = NULL;
        v[n] = strtod(p, &end);
        if (end == p) return false;
        n++;
        p = end;
        while (*p == ' ') p++;
    }
    return !*p && n >= 2 && fabs(v[0]) <= 90 && fabs(v[1]) <= 180 && (n < 4 || v[3] >= 0);
}

/* The answer in the shape stored, or an error; *kept NULL means no answer. */
static herr *typed(const json_t *def, const json_t *q, const json_t *v, json_t **kept) {
    const char *type = json_str(q, "type");
    *kept = NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
        (json_is_array(v) && !json_array_size(v)))
        return NULL;
    if (!strcmp(type, "integer")) {
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        if (!isfinite(x) || x != trunc(x) || fabs(x) > 1e15)
            return answer_error(q, "must be a whole number%s", NULL);
        *kept = json_integer((json_int_t)x);
    } else if (!strcmp(type, "decimal")) {
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return answer_error(q, "must be a number%s", NULL);
        *kept = json_real(json_number_value(v));
    } else if (!strcmp(type, "text")) {
        if (!json_is_string(v) || json_string_length(v) > MAX_TEXT)
            return answer_error(q, "must be a text of up to 10000 characters%s", NULL);
        *kept = json_copy((json_t *)v);
    } else if (!strcmp(type, "select_one")) {
        if (!json_is_string(v) || !in_list(def, q, json_string_value(v)))
            return answer_error(q, "\"%.60s\" is not one of its choices",
                                json_is_string(v) ? json_string_value(v) : "?");
        *kept = json_copy((json_t *)v);
    } else if (!strcmp(type, "select_multiple")) {
        json_t *list = json_array();
        char *joined = json_is_string(v) ? mem_strdup(json_string_value(v)) : NULL;
        if (joined) {
            char *save = NULL;
            for (char *t = strtok_r(joined, " ", &save); t; t = strtok_r(NULL, " ", &save))
                json_array_append_new(list, json_string(t));
            mem_free(joined);
        } else if (json_is_array(v)) {
            json_array_extend(list, (json_t *)v);
        }
        size_t i, k;
        json_t *x;
        herr *e =
            json_array_size(list) ? NULL : answer_error(q, "must be a list of choices%s", NULL);
        json_array_foreach(list, i, x) {
            if (e) break;
            if (!json_is_string(x) || !in_list(def, q, json_string_value(x)))
                e = answer_error(q, "\"%.60s\" is not one of its choices",
                                 json_is_string(x) ? json_string_value(x) : "?");
            for (k = 0; !e && k < i; k++)
                if (json_equal(x, json_array_get(list, k)))
                    e = answer_error(q, "\"%.60s\" is chosen twice", json_string_value(x));
        }
        if (e) {
            json_decref(list);
            return e;
        }
        *kept = list;
    } else if (!strcmp(type, "date") || !strcmp(type, "today")) {
        int y, m, d;
        if (!json_is_string(v) || json_string_length(v) != 10 ||
            !clock_parse_date(json_string_value(v), &y, &m, &d))
            return answer_error(q, "must be a date YYYY-MM-DD%s", NULL);
        *kept = json_copy((json_t *)v);
    } else if (!strcmp(type, "geopoint")) {
        if (!json_is_string(v) || !parse_geopoint(json_string_value(v)))
            return answer_error(q, "must be \"latitude longitude [altitude [accuracy]]\"%s", NULL);
        *kept = json_copy((json_t *)v);
    } else if (!strcmp(type, "start") || !strcmp(type, "end")) {
        int64_t t;
        if (!json_is_string(v) || !clock_parse_iso(json_string_value(v), &t))
            return answer_error(q, "must be a time such as 2023-05-01T09:30:00Z%s", NULL);
        *kept = json_copy((json_t *)v);
    }
    return NULL;
}

static bool eval_bool(const char *text, const char *dot, json_t *values) {
    or_expr *x = NULL;
    herr *e = or_expr_parse(text, &x);
    if (e) { /* the form was checked at import: cannot happen */
        err_free(e);
        return false;
    }
    bool b = or_value_bool(or_expr_eval(x, dot, lookup, values));
    or_expr_free(x);
    return b;
}

static json_t *calculate(const char *text, json_t *values) {
    or_expr *x = NULL;
    herr *e = or_expr_parse(text, &x);
    if (e) {
        err_free(e);
        return NULL;
    }
    or_value v = or_expr_eval(x, NULL, lookup, values);
    char buf[1024];
    or_value_text(v, buf, sizeof buf);
    or_expr_free(x);
    if (v.type == OV_NUM && isnan(v.num)) return NULL;
    return buf[0] ? json_string(buf) : NULL;
}

static herr *check_question(const json_t *def, const json_t *q, const json_t *data, bool relevant,
                            json_t *values, json_t *clean) {
    const char *name = json_str(q, "name"), *type = json_str(q, "type");
    if (!strcmp(type, "note")) return NULL;
    if (!relevant) {
        json_object_set_new(values, name, json_string(""));
        return NULL;
    }
    if (!strcmp(type, "calculate")) {
        json_t *v = calculate(json_str(q, "calculation"), values);
        json_object_set_new(values, name, v ? json_copy(v) : json_string(""));
        if (v) json_object_set_new(clean, name, v);
        return NULL;
    }
    json_t *kept = NULL;
    herr *e = typed(def, q, json_object_get(data, name), &kept);
    if (e) return e;
    if (!kept) {
        json_object_set_new(values, name, json_string(""));
        if (json_is_true(json_object_get(q, "required")))
            return answer_error(q, "an answer is required%s", NULL);
        return NULL;
    }
    char *text = or_answer_text(kept);
    json_object_set_new(values, name, json_string(text));
    const char *constraint = json_str(q, "constraint");
    if (constraint && !eval_bool(constraint, text, values)) {
        mem_free(text);
        json_decref(kept);
        const char *key;
        json_t *msg;
        json_object_foreach(json_object_get(q, "constraint_message"), key,
                            msg) return answer_error(q, "%s", json_string_value(msg));
        return answer_error(q, "the answer is not allowed (%.120s)", constraint);
    }
    mem_free(text);
    json_object_set_new(clean, name, kept);
    return NULL;
}

herr *or_form_check(const json_t *def, const json_t *data, json_t **clean) {
    json_t *values = json_object(), *out = json_object();
    const json_t *questions = json_object_get(def, "questions");
    bool stack[MAX_GROUPS + 1] = {true};
    int depth = 0;
    herr *e = NULL;
    *clean = NULL;
    if (!json_is_object(data)) {
        e = err_invalid("data", "data must be an object of answers");
        goto cleanup;
    }
    /* Every answer belongs to a question of this version of the form. */
    const char *key;
    json_t *v, *q;
    size_t i;
    json_object_foreach((json_t *)data, key, v) {
        bool known = false;
        json_array_foreach(questions, i,
                           q) if (json_str(q, "name") && !strcmp(json_str(q, "name"), key) &&
                                  strcmp(json_str(q, "type"), "begin_group")) known = true;
        if (!known) {
            char field[64];
            snprintf(field, sizeof field, "data.%s", key);
            e = err_invalid(
                field,
                "the form has no question %.40s (any more): it changed since this was entered",
                key);
            goto cleanup;
        }
        char *text = or_answer_text(v);
        json_object_set_new(values, key, json_string(text));
        mem_free(text);
    }
    json_array_foreach(questions, i, q) {
        const char *type = json_str(q, "type");
        if (!strcmp(type, "end_group")) {
            if (depth > 0) depth--;
            continue;
        }
        const char *rel = json_str(q, "relevant");
        bool relevant = stack[depth] && (!rel || eval_bool(rel, NULL, values));
        if (!strcmp(type, "begin_group")) {
            if (depth < MAX_GROUPS) stack[++depth] = relevant;
            continue;
        }
        if ((e = check_question(def, q, data, relevant, values, out))) goto cleanup;
    }
    *clean = out;
    out = NULL;
cleanup:
    json_decref(values);
    json_decref(out);
    return e;
}
