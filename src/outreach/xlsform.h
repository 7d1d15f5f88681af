/* Internal to outreach: XLSForm files, their expressions and their answers.
 *
 * The expression language is the part of ODK XPath that forms in the field use for
 * relevance, constraints and calculations: ".", ${field}, numbers, 'strings', = != < <=
 * > >=, and, or, + - * div mod, unary minus, parentheses, and the functions selected(),
 * count-selected(), string-length(), not(), true(), false(), if(), number(), int() and
 * coalesce(). web/js/outreach/expr.js is the same grammar and the same evaluation in the
 * browser; tests/data/outreach_expr_cases.json holds cases both must agree on. Values
 * follow XPath 1.0: a field's value is a string ('' when empty), "=" compares as
 * numbers when either side is a number, "<" always as numbers, and a string is true
 * when not empty. */
#ifndef HAVEN_OUTREACH_XLSFORM_H
#define HAVEN_OUTREACH_XLSFORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* ---- expressions (expr.c) ---------------------------------------------------------- */

#define OR_EXPR_MAX_LEN   2000
#define OR_EXPR_MAX_DEPTH 48

typedef struct or_expr or_expr;

/* Parses text. ERR_INVALID with a message naming the character position and what is
 * wrong (including "function X is not supported"). Caller frees with or_expr_free. */
herr *or_expr_parse(const char *text, or_expr **out);
void or_expr_free(or_expr *x);

/* Calls fn for each ${name} the expression reads. */
void or_expr_fields(const or_expr *x, void (*fn)(const char *name, void *ctx), void *ctx);

/* A field's value as a string ("" when empty); the string must live until the
 * evaluation returns. */
typedef const char *(*or_lookup)(const char *name, void *ctx);

typedef enum { OV_NUM, OV_STR, OV_BOOL } or_value_type;
typedef struct {
    or_value_type type;
    double num;
    const char *str; /* OV_STR: owned by the expression, the lookup or the caller */
    bool b;
} or_value;

/* Evaluates with "." as dot (NULL: ""). */
or_value or_expr_eval(const or_expr *x, const char *dot, or_lookup lookup, void *ctx);

bool or_value_bool(or_value v);
double or_value_num(or_value v);

/* The value as text into out: numbers as integers when whole (below 1e15), else with
 * 15 significant digits; booleans "true"/"false". */
void or_value_text(or_value v, char *out, size_t size);

/* ---- .xlsx sheets (xlsx.c) ------------------------------------------------------------ */

typedef struct {
    int row;      /* as numbered in the spreadsheet (1 = first) */
    size_t n;     /* cells, from column A */
    char **cells; /* NULL where empty */
} or_row;

typedef struct {
    char *name;
    size_t n_rows;
    or_row *rows; /* rows with at least one cell, in order */
} or_sheet;

typedef struct {
    size_t n_sheets;
    or_sheet *sheets;
} or_book;

/* Reads every worksheet of an .xlsx (libzip + libxml2): shared strings, inline strings,
 * numbers and booleans as the text of their cells. ERR_INVALID when the bytes are not
 * an .xlsx workbook or a part is larger than OUTREACH_XLSX_PART_MAX. */
herr *or_xlsx_read(const void *data, size_t len, or_book *out);
void or_book_free(or_book *b);
const or_sheet *or_book_sheet(const or_book *b, const char *name);

/* ---- forms (xlsform.c) ---------------------------------------------------------------- */

/* Compiles the sheets of an XLSForm into the definition the browser fills and the
 * server checks against (see docs/outreach.md). Problems go into problems as
 * {"sheet","row","column","message"}; *out is NULL when there is any. */
void or_xlsform_compile(const or_book *book, json_t **out, json_t *problems);

/* Checks answers against a definition: the answers kept (not relevant ones dropped,
 * calculations recomputed) into *clean. ERR_INVALID on "data.<name>". */
herr *or_form_check(const json_t *def, const json_t *data, json_t **clean);

/* The answer as ODK keeps it: numbers as text, select_multiple as names joined by spaces. */
char *or_answer_text(const json_t *v);

#endif
