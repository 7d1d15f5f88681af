/* libFuzzer harness for the outreach module's parsers of outside input: the .xlsx
 * reader (libzip + libxml2), the XLSForm compiler and the expression language.
 *
 * An input starting with "EXPR:" is an expression: parsed, and when it parses,
 * evaluated with fixed field values and "." set. Any other input is a workbook: read,
 * compiled, and when it compiles, a fixed set of answers is checked against it.
 * Seeds: tests/fuzz/corpus/xlsform/ (real workbooks written by libxlsxwriter, and
 * expressions). Nothing may crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "outreach/xlsform.h"

static const char *lookup(const char *name, void *ctx) {
    (void)ctx;
    if (!strcmp(name, "age")) return "25";
    if (!strcmp(name, "needs")) return "food water";
    return "";
}

static void fuzz_expression(const uint8_t *data, size_t size) {
    char *text = mem_strndup((const char *)data, size);
    or_expr *x = NULL;
    herr *e = or_expr_parse(text, &x);
    if (!e) {
        char buf[128];
        or_value v = or_expr_eval(x, "7", lookup, NULL);
        or_value_text(v, buf, sizeof buf);
        (void)or_value_bool(v);
        or_expr_free(x);
    }
    err_free(e);
    mem_free(text);
}

static void fuzz_workbook(const uint8_t *data, size_t size) {
    or_book book;
    herr *e = or_xlsx_read(data, size, &book);
    if (e) {
        err_free(e);
        return;
    }
    json_t *def = NULL, *problems = json_array();
    or_xlsform_compile(&book, &def, problems);
    if (def) {
        json_t *answers = json_pack("{s:s,s:i,s:[s,s],s:s}", "survey_point", "izacic", "age", 30,
                                    "needs", "food", "other", "consent", "yes");
        json_t *clean = NULL;
        herr *ce = or_form_check(def, answers, &clean);
        err_free(ce);
        json_decref(clean);
        json_decref(answers);
    }
    json_decref(def);
    json_decref(problems);
    or_book_free(&book);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 5 && !memcmp(data, "EXPR:", 5))
        fuzz_expression(data + 5, size - 5);
    else
        fuzz_workbook(data, size);
    return 0;
}
