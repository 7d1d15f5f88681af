/* Outreach surveys: the expression language on the cases shared with the browser's
 * copy, XLSForm workbooks written by libxlsxwriter and imported, forms Haven cannot
 * evaluate refused naming sheet, row and column, and answers checked as the form says. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/actor.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/xlsform.h"
#include "testutil.h"

static json_t *cases_values;

static const char *case_lookup(const char *name, void *ctx) {
    (void)ctx;
    const char *v = json_string_value(json_object_get(cases_values, name));
    return v ? v : "";
}

static void test_expressions_agree_with_the_shared_cases(void **state) {
    (void)state;
    json_error_t jerr;
    json_t *all = json_load_file(HAVEN_SOURCE_DIR "/tests/data/outreach_expr_cases.json", 0, &jerr);
    assert_non_null(all);
    cases_values = json_object_get(all, "values");
    size_t i, checked = 0;
    json_t *c;
    json_array_foreach(json_object_get(all, "cases"), i, c) {
        const char *text = json_str(c, "expr"), *want_err = json_str(c, "error");
        or_expr *x = NULL;
        herr *e = or_expr_parse(text, &x);
        if (want_err) {
            if (!e || !strstr(e->message, want_err)) {
                print_error("%s: wanted error \"%s\", got %s\n", text, want_err,
                            e ? e->message : "none");
                fail();
            }
            err_free(e);
            checked++;
            continue;
        }
        if (e) {
            print_error("%s: %s\n", text, e->message);
            fail();
        }
        or_value v = or_expr_eval(x, json_str(c, "dot"), case_lookup, NULL);
        const json_t *want = json_object_get(c, "result");
        if (json_is_boolean(want)) {
            if (or_value_bool(v) != json_is_true(want)) {
                print_error("%s: wanted %s\n", text, json_is_true(want) ? "true" : "false");
                fail();
            }
        } else if (json_is_number(want)) {
            double got = or_value_num(v);
            if (fabs(got - json_number_value(want)) > 1e-12) {
                print_error("%s: wanted %.17g, got %.17g\n", text, json_number_value(want), got);
                fail();
            }
        } else {
            char buf[128];
            or_value_text(v, buf, sizeof buf);
            if (strcmp(buf, json_string_value(want)) != 0) {
                print_error("%s: wanted \"%s\", got \"%s\"\n", text, json_string_value(want), buf);
                fail();
            }
        }
        or_expr_free(x);
        checked++;
    }
    assert_true(checked > 80);
    json_decref(all);
}

/* ---- workbooks --------------------------------------------------------------------- */

/* Writes sheets (a JSON object of arrays of rows) with libxlsxwriter, as Excel would,
 * and returns the bytes. inline_strings uses inline strings instead of shared ones. */
static char *workbook(const json_t *sheets, bool inline_strings, size_t *len) {
    char path[] = "/tmp/haven-xlsform-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook_options opts = {.constant_memory = inline_strings, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    const char *name;
    json_t *rows;
    json_object_foreach((json_t *)sheets, name, rows) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        size_t r, k;
        json_t *row, *v;
        json_array_foreach(rows, r, row) json_array_foreach(row, k, v) {
            if (json_is_string(v) && json_string_length(v))
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)k, json_string_value(v), NULL);
            else if (json_is_number(v))
                worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)k, json_number_value(v), NULL);
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *data = mem_alloc((size_t)size);
    *len = fread(data, 1, (size_t)size, f);
    fclose(f);
    unlink(path);
    return data;
}

static json_t *flow_form(void) {
    json_error_t jerr;
    json_t *f = json_load_file(HAVEN_SOURCE_DIR "/data/outreach_flow_monitoring.json",
                               JSON_PRESERVE_ORDER, &jerr);
    assert_non_null(f);
    return f;
}

typedef struct {
    store *s;
    actor team;
} world;

static int setup(void **state) {
    world *w = mem_alloc(sizeof *w);
    w->s = test_db_open();
    actor_system(&w->team, "mirza");
    snprintf(w->team.role, sizeof w->team.role, "outreach");
    w->team.all_sites = false;
    *state = w;
    return 0;
}

static int teardown(void **state) {
    world *w = *state;
    test_db_close(w->s);
    actor_clear(&w->team);
    mem_free(w);
    return 0;
}

static void test_an_xlsform_from_excel_is_imported_with_its_languages(void **state) {
    world *w = *state;
    for (int inline_strings = 0; inline_strings < 2; inline_strings++) {
        json_t *sheets = flow_form();
        size_t len = 0;
        char *x = workbook(sheets, inline_strings, &len);
        json_t *form = NULL, *problems = NULL;
        assert_ok(outreach_form_import(w->s, &w->team, x, len, &form, &problems));
        assert_null(problems);
        assert_string_equal(json_str(form, "form_id"), "flow_monitoring");
        assert_int_equal(json_integer_value(json_object_get(form, "version")), inline_strings + 1);
        assert_int_equal(json_array_size(json_object_get(form, "languages")), 3);
        const json_t *qs = json_object_get(form, "questions");
        const json_t *age = NULL;
        size_t i;
        json_t *q;
        json_array_foreach(qs, i, q) if (json_str(q, "name") && !strcmp(json_str(q, "name"), "age"))
            age = q;
        assert_non_null(age);
        assert_string_equal(json_str(age, "path"), "respondent/age");
        assert_string_equal(json_str(json_object_get(age, "label"), "Bosnian (bs)"), "Dob");
        assert_true(json_is_true(json_object_get(age, "required")));
        assert_int_equal(
            json_array_size(json_object_get(json_object_get(form, "choices"), "country")), 10);
        json_decref(form);
        json_decref(sheets);
        mem_free(x);
    }
}

/* Imports sheets expecting refusal; returns the problems (caller frees). */
static json_t *refused(world *w, json_t *sheets) {
    size_t len = 0;
    char *x = workbook(sheets, false, &len);
    json_t *form = NULL, *problems = NULL;
    assert_err(outreach_form_import(w->s, &w->team, x, len, &form, &problems), ERR_INVALID, "file");
    assert_null(form);
    assert_non_null(problems);
    mem_free(x);
    json_decref(sheets);
    return problems;
}

static bool has_problem(const json_t *problems, const char *sheet, int row, const char *column,
                        const char *text) {
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        const char *col = json_str(p, "column");
        if (!strcmp(json_str(p, "sheet"), sheet) &&
            json_integer_value(json_object_get(p, "row")) == row &&
            (!column || (col && !strcmp(col, column))) && strstr(json_str(p, "message"), text))
            return true;
    }
    return false;
}

static void test_what_haven_cannot_evaluate_is_refused_naming_sheet_row_and_reason(void **state) {
    world *w = *state;
    json_t *sheets = json_pack(
        "{s:[[s,s,s,s,s,s],[s,s,s,s,s,s],[s,s,s,s,s,s],[s,s,s,s,s,s],[s,s,s,s,s,s],[s,s,s,s,s,s],"
        "[s,s,s,s,s,s]],s:[[s,s,s],[s,s,s]],s:[[s,s],[s,s]]}",
        "survey", "type", "name", "label", "relevant", "constraint", "choice_filter", "integer",
        "age", "Age", "", ". > today()", "", "begin repeat", "people", "People", "", "", "",
        "image", "photo", "Photo", "", "", "", "select_one colours", "colour", "Colour",
        "${nowhere} = 1", "", "", "select_one yes_no", "ok", "OK", "", "", "${age} > 1", "text",
        "age", "Again", "", "", "", "choices", "list_name", "name", "label", "yes_no", "yes", "Yes",
        "settings", "form_id", "form_title", "bad form", "Bad");
    json_t *p = refused(w, sheets);
    assert_true(has_problem(p, "survey", 2, "constraint", "today() is not supported"));
    assert_true(has_problem(p, "survey", 3, "type", "repeat groups are not supported"));
    assert_true(has_problem(p, "survey", 4, "type", "\"image\" is not supported"));
    assert_true(has_problem(p, "survey", 5, "relevant", "${nowhere} names no question"));
    assert_true(
        has_problem(p, "survey", 5, "type", "the list colours is not in the choices sheet"));
    assert_true(has_problem(p, "survey", 6, "choice_filter", "not supported"));
    assert_true(has_problem(p, "survey", 7, "name", "used twice"));
    assert_true(has_problem(p, "settings", 2, "form_id", "form_id must be"));
    json_decref(p);

    /* Not a workbook at all. */
    json_t *form = NULL, *problems = NULL;
    assert_err(outreach_form_import(w->s, &w->team, "type,name\n", 10, &form, &problems),
               ERR_INVALID, "file");
    assert_null(problems);
}

/* Answers as a JSON text; checked against the flow form; returns the error or the clean
 * answers in *clean. */
static herr *check(const json_t *def, const char *answers, json_t **clean) {
    json_t *data = json_loads(answers, 0, NULL);
    assert_non_null(data);
    *clean = NULL;
    herr *e = or_form_check(def, data, clean);
    json_decref(data);
    return e;
}

static void test_answers_are_checked_as_the_form_says(void **state) {
    world *w = *state;
    json_t *sheets = flow_form();
    size_t len = 0;
    char *x = workbook(sheets, false, &len);
    json_t *def = NULL, *problems = NULL, *clean = NULL;
    assert_ok(outreach_form_import(w->s, &w->team, x, len, &def, &problems));
    mem_free(x);
    json_decref(sheets);

    /* Consent refused: nothing else is relevant, and answers given anyway are dropped. */
    assert_ok(check(def, "{\"survey_point\":\"izacic\",\"consent\":\"no\",\"age\":30}", &clean));
    assert_null(json_object_get(clean, "age"));
    json_decref(clean);
    /* Required, constraint with its message, relevance and calculation. */
    herr *e = check(
        def,
        "{\"survey_point\":\"izacic\",\"consent\":\"yes\",\"sex\":\"male\",\"age\":12,"
        "\"nationality\":\"AF\",\"group_size\":0,\"needs\":[\"food\"],\"destination\":\"italy\"}",
        &clean);
    assert_non_null(e);
    assert_string_equal(e->field, "data.age");
    assert_non_null(strstr(e->message, "children are not interviewed alone"));
    err_free(e);
    assert_err(check(def, "{\"survey_point\":\"izacic\",\"consent\":\"yes\"}", &clean), ERR_INVALID,
               "data.sex");
    assert_err(
        check(def,
              "{\"survey_point\":\"izacic\",\"consent\":\"yes\",\"sex\":\"male\",\"age\":30,"
              "\"nationality\":\"AF\",\"group_size\":2,\"with_children\":\"yes\",\"children\":3,"
              "\"needs\":[\"food\"],\"destination\":\"italy\"}",
              &clean),
        ERR_INVALID, "data.children");
    assert_err(
        check(
            def,
            "{\"survey_point\":\"izacic\",\"consent\":\"yes\",\"sex\":\"male\",\"age\":30,"
            "\"nationality\":\"AF\",\"group_size\":0,\"needs\":[\"food\",\"water\",\"legal\",\"other\"],"
            "\"destination\":\"italy\"}",
            &clean),
        ERR_INVALID, "data.needs");
    assert_err(check(def, "{\"survey_point\":\"moon\"}", &clean), ERR_INVALID, "data.survey_point");
    assert_err(check(def, "{\"survey_point\":\"izacic\",\"name\":\"Ali\"}", &clean), ERR_INVALID,
               "data.name");
    assert_ok(check(
        def,
        "{\"survey_point\":\"izacic\",\"consent\":\"yes\",\"sex\":\"female\",\"age\":30.0,"
        "\"nationality\":\"SY\",\"group_size\":0,\"with_children\":\"yes\",\"needs\":\"food other\","
        "\"needs_other\":\"a phone charger\",\"destination\":\"germany\",\"days_in_bih\":16,"
        "\"weeks_in_bih\":\"99\",\"gps\":\"44.8 15.9\"}",
        &clean));
    assert_null(json_object_get(clean, "with_children")); /* group_size 0: not relevant */
    assert_int_equal(json_integer_value(json_object_get(clean, "age")), 30);
    assert_int_equal(json_array_size(json_object_get(clean, "needs")), 2);
    assert_string_equal(json_str(clean, "weeks_in_bih"), "2"); /* recomputed, not the phone's */
    json_decref(clean);
    json_decref(def);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expressions_agree_with_the_shared_cases),
        cmocka_unit_test_setup_teardown(test_an_xlsform_from_excel_is_imported_with_its_languages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_what_haven_cannot_evaluate_is_refused_naming_sheet_row_and_reason, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_answers_are_checked_as_the_form_says, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
