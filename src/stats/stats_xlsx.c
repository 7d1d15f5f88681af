/* XLSX export: one sheet per indicator, laid out like the paper template: citizenship
 * down, sex and age across, the whole administration first and then one table per
 * site for indicators broken down by site. Suppressed cells show their CONF_STATUS in
 * lower case ("c" primary, "d" secondary), as on paper. libxlsxwriter writes files
 * only, so the workbook goes through a temporary file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/tempfile.h"
#include "core/codes.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

typedef struct {
    lxw_workbook *wb;
    lxw_format *bold, *head, *count, *mean, *flag;
} book;

static const char *sex_label(const char *code) {
    const stats_cat *cat = stats_cat_get();
    int i = stats_cat_sex(cat, code);
    json_t *list = json_object_get(json_object_get(cat->root, "codelists"), "SEX");
    const char *en = json_string_value(json_object_get(json_array_get(list, (size_t)i), "en"));
    return en ? en : code;
}

/* "AF Afghanistan" as on the paper form (the code first, so that rows sort and match
 * the exchange file); a static buffer, used at once. */
static const char *citizen_label(const char *code) {
    static _Thread_local char label[96];
    char name[80];
    if (!strcmp(code, "TOTAL")) return "Total";
    if (!strcmp(code, "STLS")) return "STLS Stateless";
    if (!strcmp(code, "UNK")) return "UNK Unknown";
    codes_country_name(code, "en", name, sizeof name);
    snprintf(label, sizeof label, "%s %s", code, name);
    return label;
}

/* Writes the table of one site index (national when it is the total) from row; returns
 * the next free row. */
static lxw_row_t write_table(book *b, lxw_worksheet *ws, const stats_cube *cube, int site,
                             lxw_row_t row) {
    const stats_indicator *in = &stats_cat_get()->ind[cube->ind];
    const char *site_code = cube->codes[DIM_SITE][site];
    char heading[96];
    snprintf(heading, sizeof heading, "%s%s", site_code[0] ? "Site " : "Whole administration",
             site_code);
    worksheet_write_string(ws, row++, 0, heading, b->bold);
    worksheet_write_string(ws, row, 0, "CITIZEN", b->bold);
    lxw_col_t col = 1;
    for (int s = 0; s < cube->n[DIM_SEX]; s++) {
        /* The sex over its age columns, as on the paper form. */
        lxw_col_t first = col, last = (lxw_col_t)(col + cube->n[DIM_AGE] - 1);
        if (last > first)
            worksheet_merge_range(ws, row, first, row, last, sex_label(cube->codes[DIM_SEX][s]),
                                  b->head);
        else
            worksheet_write_string(ws, row, first, sex_label(cube->codes[DIM_SEX][s]), b->head);
        for (int a = 0; a < cube->n[DIM_AGE]; a++, col++)
            worksheet_write_string(ws, row + 1, col, cube->codes[DIM_AGE][a], b->head);
    }
    row += 2;
    for (int c = 0; c < cube->n[DIM_CITIZEN]; c++, row++) {
        worksheet_write_string(ws, row, 0, citizen_label(cube->codes[DIM_CITIZEN][c]), b->bold);
        col = 1;
        for (int s = 0; s < cube->n[DIM_SEX]; s++)
            for (int a = 0; a < cube->n[DIM_AGE]; a++, col++) {
                int at[DIM_COUNT] = {site, c, s, a};
                const stats_cell *cell = cube->cell[stats_cube_index(cube, at)];
                if (!cell) continue;
                if (cell->state != CELL_VALUE) {
                    char flag[2] = {(char)(cell->conf[0] | 0x20), 0};
                    worksheet_write_string(ws, row, col, flag, b->flag);
                } else {
                    worksheet_write_number(ws, row, col, cell->value,
                                           in->measure == MEASURE_MEAN ? b->mean : b->count);
                }
            }
    }
    return row + 1;
}

static void write_sheet(book *b, stats_set *set, int ind) {
    const stats_cat *cat = stats_cat_get();
    const stats_indicator *in = &cat->ind[ind];
    stats_cube cube;
    stats_cube_build(&cube, set, ind);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, in->code);
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_freeze_panes(ws, 0, 1);
    worksheet_write_string(ws, 0, 0, in->title_en, b->bold);
    worksheet_write_string(ws, 1, 0, in->title_bs, NULL);
    char line[256];
    snprintf(line, sizeof line, "REF_AREA %s, period %s, unit %s%s%s", set->ref_area,
             set->period.text, in->unit, in->article ? ", Regulation (EC) 862/2007 " : "",
             in->article ? in->article : "");
    worksheet_write_string(ws, 2, 0, line, NULL);
    lxw_row_t row = 4;
    /* The whole administration (the site total, last in the cube) first. */
    if (cube.total[DIM_SITE] >= 0) row = write_table(b, ws, &cube, cube.total[DIM_SITE], row);
    for (int site = 0; site < cube.n[DIM_SITE]; site++)
        if (site != cube.total[DIM_SITE]) row = write_table(b, ws, &cube, site, row);
    worksheet_write_string(
        ws, row, 0, "c: confidential (small cell); d: confidential (secondary suppression)", NULL);
    stats_cube_free(&cube);
}

static herr *read_file(const char *path, char **out, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return err_new(ERR_IO, NULL, "cannot read the workbook back");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    herr *e = NULL;
    char *data = mem_alloc(n > 0 ? (size_t)n : 1);
    if (n <= 0 || fread(data, 1, (size_t)n, f) != (size_t)n) {
        e = err_new(ERR_IO, NULL, "cannot read the workbook back");
        mem_free(data);
    } else {
        *out = data;
        *len = (size_t)n;
    }
    fclose(f);
    return e;
}

herr *stats_write_xlsx(const stats_set *set_in, char **out, size_t *len) {
    char *path = NULL;
    herr *e = NULL;
    int fd = tempfile_create("stats", &path);
    if (fd < 0) {
        e = err_new(ERR_IO, NULL, "cannot create a temporary file for the workbook");
        goto cleanup;
    }
    close(fd);
    stats_set *set = (stats_set *)set_in; /* cubes point into it; nothing is changed */
    book b = {0};
    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    b.wb = workbook_new_opt(path, &opts);
    if (!b.wb) {
        e = err_new(ERR_IO, NULL, "cannot create the workbook");
        goto cleanup;
    }
    b.bold = workbook_add_format(b.wb);
    format_set_bold(b.bold);
    b.head = workbook_add_format(b.wb);
    format_set_bold(b.head);
    format_set_align(b.head, LXW_ALIGN_CENTER);
    format_set_border(b.head, LXW_BORDER_THIN);
    b.count = workbook_add_format(b.wb);
    format_set_num_format(b.count, "0");
    b.mean = workbook_add_format(b.wb);
    format_set_num_format(b.mean, "0.0");
    b.flag = workbook_add_format(b.wb);
    format_set_align(b.flag, LXW_ALIGN_RIGHT);
    int last = -1;
    for (size_t i = 0; i < set->n; i++)
        if (set->cells[i].ind != last) {
            last = set->cells[i].ind;
            write_sheet(&b, set, last);
        }
    lxw_error rc = workbook_close(b.wb);
    if (rc != LXW_NO_ERROR) {
        e = err_new(ERR_IO, NULL, "cannot write the workbook: %s", lxw_strerror(rc));
        goto cleanup;
    }
    e = read_file(path, out, len);
cleanup:
    if (fd >= 0) unlink(path);
    mem_free(path);
    return e;
}
