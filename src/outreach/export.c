/* Survey results: a summary per question, and the submissions as CSV or XLSX in the
 * column layout of KoboToolbox's exports ("XML values and headers", group names in
 * the headers with "/"), so that analysis scripts written for Kobo read Haven's files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/tempfile.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"
#include "outreach/xlsform.h"

static const char all_sql[] =
    "SELECT id, number, data, submitted_at, by_name, version FROM outreach_submissions"
    " WHERE form_id = :form ORDER BY number";

static herr *load(store *s, const char *form_id, json_t **form, json_t **rows) {
    store_stmt *st = NULL;
    bool row;
    *rows = json_array();
    herr *e = outreach_form_get(s, form_id, form);
    if (!e) e = store_prepare(s, all_sql, &st);
    if (e) return e;
    store_bind_text(st, ":form", form_id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *data = json_loads(store_text(st, 2), 0, NULL);
        json_array_append_new(*rows, json_pack("{s:s,s:I,s:o,s:s,s:s,s:I}", "id", store_text(st, 0),
                                               "number", (json_int_t)store_int(st, 1), "data",
                                               data ? data : json_object(), "submitted_at",
                                               store_text(st, 3), "by", store_text(st, 4),
                                               "version", (json_int_t)store_int(st, 5)));
    }
    store_done(st);
    return e;
}

static bool answerable(const char *type) {
    return strcmp(type, "begin_group") && strcmp(type, "end_group") && strcmp(type, "note");
}

static const json_t *choices_of(const json_t *form, const json_t *q) {
    return json_object_get(json_object_get(form, "choices"), json_str(q, "list"));
}

/* ---- summary --------------------------------------------------------------------- */

static json_t *summarise(const json_t *form, const json_t *q, const json_t *rows) {
    const char *name = json_str(q, "name"), *type = json_str(q, "type");
    json_t *out = json_pack("{s:s,s:s,s:s,s:O}", "name", name, "path", json_str(q, "path"), "type",
                            type, "label", json_object_get(q, "label"));
    size_t answered = 0, i, k;
    json_t *r, *c;
    double sum = 0, min = INFINITY, max = -INFINITY;
    bool select = json_str(q, "list") != NULL;
    json_t *counts = json_array();
    if (select)
        json_array_foreach(choices_of(form, q), k, c) json_array_append_new(
            counts, json_pack("{s:s,s:O,s:i}", "name", json_str(c, "name"), "label",
                              json_object_get(c, "label"), "count", 0));
    json_array_foreach(rows, i, r) {
        const json_t *v = json_object_get(json_object_get(r, "data"), name);
        if (!v) continue;
        answered++;
        if (json_is_number(v)) {
            double x = json_number_value(v);
            sum += x;
            min = fmin(min, x);
            max = fmax(max, x);
        }
        json_array_foreach(counts, k, c) {
            bool hit =
                json_is_string(v) ? !strcmp(json_string_value(v), json_str(c, "name")) : false;
            size_t j;
            json_t *x;
            if (json_is_array(v))
                json_array_foreach(v, j, x) if (!strcmp(json_string_value(x), json_str(c, "name")))
                    hit = true;
            if (hit)
                json_object_set_new(
                    c, "count", json_integer(json_integer_value(json_object_get(c, "count")) + 1));
        }
    }
    json_object_set_new(out, "answered", json_integer((json_int_t)answered));
    if (select) {
        json_array_foreach(counts, k, c) json_object_set_new(
            c, "share",
            json_real(answered ? (double)json_integer_value(json_object_get(c, "count")) /
                                     (double)answered
                               : 0));
        json_object_set_new(out, "choices", counts);
    } else {
        json_decref(counts);
    }
    if ((!strcmp(type, "integer") || !strcmp(type, "decimal")) && answered) {
        json_object_set_new(out, "mean", json_real(sum / (double)answered));
        json_object_set_new(out, "min", json_real(min));
        json_object_set_new(out, "max", json_real(max));
        json_object_set_new(out, "sum", json_real(sum));
    }
    return out;
}

herr *outreach_form_summary(store *s, const char *form_id, json_t **out) {
    json_t *form = NULL, *rows = NULL, *questions = json_array();
    herr *e = load(s, form_id, &form, &rows);
    if (e) goto cleanup;
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(form, "questions"), i, q) {
        const char *type = json_str(q, "type");
        if (!answerable(type) || !strcmp(type, "start") || !strcmp(type, "end")) continue;
        json_array_append_new(questions, summarise(form, q, rows));
    }
    *out = json_pack("{s:{s:s,s:s,s:O,s:O},s:I,s:O}", "form", "id", form_id, "title",
                     json_str(form, "title"), "version", json_object_get(form, "version"),
                     "languages", json_object_get(form, "languages"), "submissions",
                     (json_int_t)json_array_size(rows), "questions", questions);
cleanup:
    json_decref(form);
    json_decref(rows);
    json_decref(questions);
    return e;
}

/* ---- the table in Kobo's layout --------------------------------------------------- */

typedef enum { CV_TEXT, CV_NUMBER } cell_kind;

typedef struct {
    char *header;
    const json_t *q;    /* the question, or NULL for a _meta column */
    const char *choice; /* select_multiple: the 0/1 column of this choice */
    int part;           /* geopoint: 0 the whole, 1..4 latitude, longitude, altitude, precision */
    const char *meta;   /* _id, _uuid, ... */
} column;

static const char *const meta_columns[] = {"_id",
                                           "_uuid",
                                           "_submission_time",
                                           "_validation_status",
                                           "_notes",
                                           "_status",
                                           "_submitted_by",
                                           "__version__",
                                           "_tags",
                                           "_index",
                                           NULL};
static const char *const geo_parts[] = {NULL, "latitude", "longitude", "altitude", "precision"};

static void add_column(column **cols, size_t *n, column c) {
    *cols = mem_realloc(*cols, (*n + 1) * sizeof **cols);
    (*cols)[(*n)++] = c;
}

static column *layout(const json_t *form, size_t *n) {
    column *cols = NULL;
    size_t i, k;
    json_t *q, *c;
    *n = 0;
    json_array_foreach(json_object_get(form, "questions"), i, q) {
        const char *type = json_str(q, "type"), *path = json_str(q, "path");
        if (!answerable(type)) continue;
        add_column(&cols, n, (column){mem_strdup(path), q, NULL, 0, NULL});
        if (!strcmp(type, "select_multiple"))
            json_array_foreach(choices_of(form, q), k, c)
                add_column(&cols, n,
                           (column){mem_printf("%s/%s", path, json_str(c, "name")), q,
                                    json_str(c, "name"), 0, NULL});
        if (!strcmp(type, "geopoint"))
            for (int p = 1; p <= 4; p++)
                add_column(&cols, n,
                           (column){mem_printf("_%s_%s", path, geo_parts[p]), q, NULL, p, NULL});
    }
    for (i = 0; meta_columns[i]; i++)
        add_column(&cols, n, (column){mem_strdup(meta_columns[i]), NULL, NULL, 0, meta_columns[i]});
    return cols;
}

/* The value of a cell: text into out (empty when none); *is_num when it is a number. */
static void cell_value(const column *c, const json_t *row, size_t index, const json_t *form,
                       char *out, size_t size, bool *is_num, double *num) {
    *is_num = false;
    out[0] = '\0';
    if (c->meta) {
        if (!strcmp(c->meta, "_id") || !strcmp(c->meta, "_index")) {
            *is_num = true;
            *num = !strcmp(c->meta, "_id")
                       ? (double)json_integer_value(json_object_get(row, "number"))
                       : (double)index;
            snprintf(out, size, "%.0f", *num);
        } else if (!strcmp(c->meta, "_uuid")) {
            snprintf(out, size, "%s", json_str(row, "id"));
        } else if (!strcmp(c->meta, "_submission_time")) {
            snprintf(out, size, "%.19s", json_str(row, "submitted_at")); /* Kobo: no zone */
        } else if (!strcmp(c->meta, "_status")) {
            snprintf(out, size, "submitted_via_web");
        } else if (!strcmp(c->meta, "_submitted_by")) {
            snprintf(out, size, "%s", json_str(row, "by"));
        } else if (!strcmp(c->meta, "__version__")) {
            snprintf(out, size, "%s",
                     json_str(form, "version_label")[0] ? json_str(form, "version_label") : "1");
        } else if (!strcmp(c->meta, "_notes") || !strcmp(c->meta, "_tags")) {
            snprintf(out, size, "%s", "");
        }
        return;
    }
    const json_t *v = json_object_get(json_object_get(row, "data"), json_str(c->q, "name"));
    if (!v) return;
    if (c->choice) {
        bool hit = false;
        size_t j;
        json_t *x;
        json_array_foreach(v, j, x) if (!strcmp(json_string_value(x), c->choice)) hit = true;
        *is_num = true;
        *num = hit;
        snprintf(out, size, "%d", hit);
        return;
    }
    if (c->part) {
        double parts[4] = {0};
        int got = sscanf(json_string_value(v) ? json_string_value(v) : "", "%lf %lf %lf %lf",
                         &parts[0], &parts[1], &parts[2], &parts[3]);
        if (got >= c->part) {
            *is_num = true;
            *num = parts[c->part - 1];
            snprintf(out, size, "%.15g", *num);
        }
        return;
    }
    char *text = or_answer_text(v);
    snprintf(out, size, "%s", text);
    mem_free(text);
    if (json_is_number(v)) {
        *is_num = true;
        *num = json_number_value(v);
    }
}

static void free_layout(column *cols, size_t n) {
    for (size_t i = 0; i < n; i++) mem_free(cols[i].header);
    mem_free(cols);
}

/* Kobo's CSV: ';' between fields, every field in double quotes. */
static void csv_field(or_buf *b, const char *s, bool last) {
    or_buf_str(b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"') or_buf_str(b, "\"");
        or_buf_add(b, p, 1);
    }
    or_buf_str(b, last ? "\"\r\n" : "\";");
}

#define CELL_MAX 12000

static herr *write_csv(const json_t *form, const json_t *rows, char **data, size_t *len) {
    size_t n, i, k;
    column *cols = layout(form, &n);
    or_buf b = {.max = 256u * 1024 * 1024};
    char *text = mem_alloc(CELL_MAX);
    json_t *row;
    for (k = 0; k < n; k++) csv_field(&b, cols[k].header, k + 1 == n);
    json_array_foreach(rows, i, row) for (k = 0; k < n; k++) {
        bool is_num;
        double num;
        cell_value(&cols[k], row, i + 1, form, text, CELL_MAX, &is_num, &num);
        csv_field(&b, text, k + 1 == n);
    }
    mem_free(text);
    free_layout(cols, n);
    if (b.full) {
        or_buf_free(&b);
        return err_new(ERR_TOO_LARGE, NULL, "the export is larger than 256 MB");
    }
    *data = b.data ? b.data : mem_strdup("");
    *len = b.len;
    return NULL;
}

/* A sheet name Excel accepts: up to 31 characters, none of []:*?/\ (form_id is ASCII
 * letters, digits and _ - . by the import's rules). */
static void sheet_name(const char *form_id, char out[32]) {
    size_t n = 0;
    for (const char *p = form_id; *p && n < 31; p++) out[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    out[n] = '\0';
    if (!n) snprintf(out, 32, "data");
}

static herr *write_xlsx(const json_t *form, const json_t *rows, char **data, size_t *len) {
    char *path = NULL;
    herr *e = NULL;
    int fd = tempfile_create("outreach", &path);
    if (fd < 0) {
        mem_free(path);
        return err_new(ERR_IO, NULL, "cannot make a temporary file for the export");
    }
    close(fd);
    lxw_workbook_options opts = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opts);
    char name[32];
    sheet_name(json_str(form, "form_id"), name);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, name) : NULL;
    size_t n, i, k;
    column *cols = layout(form, &n);
    char *text = mem_alloc(CELL_MAX);
    json_t *row;
    for (k = 0; ws && k < n && k < 16384; k++)
        worksheet_write_string(ws, 0, (lxw_col_t)k, cols[k].header, NULL);
    json_array_foreach(rows, i, row) for (k = 0; ws && k < n && k < 16384 && i < 1048575; k++) {
        bool is_num;
        double num;
        cell_value(&cols[k], row, i + 1, form, text, CELL_MAX, &is_num, &num);
        if (is_num)
            worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, num, NULL);
        else if (text[0])
            worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, text, NULL);
    }
    mem_free(text);
    free_layout(cols, n);
    if (!wb || workbook_close(wb) != LXW_NO_ERROR)
        e = err_new(ERR_IO, NULL, "cannot write the workbook");
    FILE *f = e ? NULL : fopen(path, "rb");
    if (!e && !f) e = err_new(ERR_IO, NULL, "cannot read the workbook back");
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        rewind(f);
        *data = mem_alloc(size > 0 ? (size_t)size : 1);
        *len = size > 0 ? fread(*data, 1, (size_t)size, f) : 0;
        fclose(f);
    }
    unlink(path);
    mem_free(path);
    return e;
}

herr *outreach_export(store *s, const actor *a, const char *form_id, outreach_format format,
                      char **data, size_t *len, char **filename) {
    json_t *form = NULL, *rows = NULL, *detail = NULL;
    *data = NULL;
    *filename = NULL;
    if (!auth_allows(a->role, "outreach.export"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not export surveys", a->role);
    herr *e = load(s, form_id, &form, &rows);
    if (!e)
        e = format == OUTREACH_CSV ? write_csv(form, rows, data, len)
                                   : write_xlsx(form, rows, data, len);
    if (!e) {
        detail = json_pack("{s:s,s:I}", "format", format == OUTREACH_CSV ? "csv" : "xlsx", "rows",
                           (json_int_t)json_array_size(rows));
        e = audit_record_read(s, a, "outreach_export", form_id, detail);
    }
    if (!e)
        *filename =
            mem_printf("%s.%s", json_str(form, "form_id"), format == OUTREACH_CSV ? "csv" : "xlsx");
    if (e) {
        mem_free(*data);
        *data = NULL;
    }
    json_decref(form);
    json_decref(rows);
    json_decref(detail);
    return e;
}
