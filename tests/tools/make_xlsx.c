/* make_xlsx: writes an .xlsx workbook with libxlsxwriter from a JSON description, for the
 * tests (a real workbook as Excel or LibreOffice would save it, not hand-made XML).
 *
 *   make_xlsx OUT.xlsx [--inline] < {"survey": [["type","name",...], [...]], "choices": ...}
 *
 * Each member is a sheet (in order), each array a row; strings become text cells and
 * numbers number cells. --inline writes strings inline (libxlsxwriter's constant-memory
 * mode) instead of in the shared-strings table, so both ways of storing text are tested. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: make_xlsx OUT.xlsx [--inline] < sheets.json\n");
        return 2;
    }
    json_error_t jerr;
    json_t *book = json_loadf(stdin, JSON_PRESERVE_ORDER, &jerr);
    if (!json_is_object(book)) {
        fprintf(stderr, "make_xlsx: bad JSON at line %d: %s\n", jerr.line, jerr.text);
        return 1;
    }
    lxw_workbook_options opts = {.constant_memory = argc > 2 && !strcmp(argv[2], "--inline"),
                                 .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(argv[1], &opts);
    const char *name;
    json_t *rows;
    json_object_foreach(book, name, rows) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        size_t r, c;
        json_t *row, *v;
        json_array_foreach(rows, r, row) json_array_foreach(row, c, v) {
            if (json_is_string(v) && json_string_length(v))
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, json_string_value(v), NULL);
            else if (json_is_number(v))
                worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, json_number_value(v), NULL);
            else if (json_is_boolean(v))
                worksheet_write_boolean(ws, (lxw_row_t)r, (lxw_col_t)c, json_is_true(v), NULL);
        }
    }
    json_decref(book);
    if (workbook_close(wb) != LXW_NO_ERROR) {
        fprintf(stderr, "make_xlsx: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
