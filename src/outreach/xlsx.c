/* Reading the worksheets of an .xlsx file: the zip container with libzip, each XML part
 * with libxml2 (no network, no external entities, no entity substitution). Only what
 * an XLSForm needs: the text of every cell (shared strings, inline strings, numbers as
 * written, booleans), sheet by sheet, named as in the workbook. Sizes are checked
 * before anything is unpacked, so a zip bomb stops at the first oversized part. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"
#include "outreach/xlsform.h"

#define MAX_SHEETS  32
#define MAX_ROWS    5000
#define MAX_COLUMNS 200
#define MAX_TOTAL   (3 * OUTREACH_XLSX_PART_MAX)

typedef struct {
    zip_t *zip;
    size_t total; /* bytes unpacked so far */
    char **strings;
    size_t n_strings;
} reader;

static herr *bad(const char *what) {
    return err_invalid("file", "this is not an .xlsx workbook Haven can read: %s", what);
}

/* Unpacks one part; *out is NULL (and no error) when the part is absent. */
static herr *read_part(reader *r, const char *name, char **out, size_t *len) {
    zip_stat_t st;
    *out = NULL;
    *len = 0;
    zip_stat_init(&st);
    if (zip_stat(r->zip, name, 0, &st) != 0) return NULL;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > OUTREACH_XLSX_PART_MAX ||
        r->total + st.size > MAX_TOTAL)
        return err_invalid("file", "the part %s of the workbook is too large", name);
    zip_file_t *f = zip_fopen(r->zip, name, 0);
    if (!f) return bad("a part cannot be opened");
    char *buf = mem_alloc((size_t)st.size + 1);
    zip_int64_t got = zip_fread(f, buf, st.size);
    zip_fclose(f);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        mem_free(buf);
        return bad("a part is damaged");
    }
    r->total += (size_t)st.size;
    *out = buf;
    *len = (size_t)st.size;
    return NULL;
}

static herr *read_xml(reader *r, const char *name, xmlDoc **doc) {
    char *data = NULL;
    size_t len = 0;
    *doc = NULL;
    herr *e = read_part(r, name, &data, &len);
    if (e || !data) return e;
    if (len > 0x7fffffff) {
        mem_free(data);
        return bad("a part is too large");
    }
    *doc = xmlReadMemory(data, (int)len, name, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_COMPACT);
    mem_free(data);
    if (!*doc) return bad("a part is not well-formed XML");
    return NULL;
}

static bool is(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The text of every <t> under n (rich text runs), leaving out phonetic runs (<rPh>). */
static void collect_text(const xmlNode *n, or_buf *b) {
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is(c, "rPh")) continue;
        if (is(c, "t")) {
            xmlChar *t = xmlNodeGetContent(c);
            if (t) or_buf_str(b, (const char *)t);
            xmlFree(t);
        } else {
            collect_text(c, b);
        }
    }
}

static herr *read_shared_strings(reader *r) {
    xmlDoc *doc = NULL;
    herr *e = read_xml(r, "xl/sharedStrings.xml", &doc);
    if (e || !doc) return e;
    for (const xmlNode *si = xmlDocGetRootElement(doc)->children; si; si = si->next) {
        if (!is(si, "si")) continue;
        or_buf b = {.max = 32768};
        collect_text(si, &b);
        if (r->n_strings % 64 == 0)
            r->strings = mem_realloc(r->strings, (r->n_strings + 64) * sizeof *r->strings);
        r->strings[r->n_strings++] = b.data ? b.data : mem_strdup("");
    }
    xmlFreeDoc(doc);
    return NULL;
}

/* "BC12" -> column 54 (0-based) and row 12; false when it is not a cell reference. */
static bool cell_ref(const char *ref, size_t *col, int *row) {
    size_t c = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z') {
        c = c * 26 + (size_t)(*p - 'A' + 1);
        if (c > MAX_COLUMNS) return false;
        p++;
    }
    if (p == ref || c == 0) return false;
    int r = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        r = r * 10 + (*p - '0');
        if (r > 1048576) return false;
    }
    if (*p || r == 0) return false;
    *col = c - 1;
    *row = r;
    return true;
}

static char *attr(const xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *out = v ? mem_strdup((const char *)v) : NULL;
    xmlFree(v);
    return out;
}

/* The text of one <c> cell, or NULL when it holds nothing. */
static char *cell_text(reader *r, const xmlNode *c) {
    char *type = attr(c, "t"), *out = NULL;
    const xmlNode *v = NULL, *is_node = NULL;
    for (const xmlNode *k = c->children; k; k = k->next) {
        if (is(k, "v")) v = k;
        if (is(k, "is")) is_node = k;
    }
    if (type && !strcmp(type, "inlineStr")) {
        if (is_node) {
            or_buf b = {.max = 32768};
            collect_text(is_node, &b);
            out = b.data;
        }
    } else if (v) {
        xmlChar *t = xmlNodeGetContent(v);
        const char *text = t ? (const char *)t : "";
        if (type && !strcmp(type, "s")) {
            char *end = NULL;
            unsigned long i = strtoul(text, &end, 10);
            if (end != text && !*end && i < r->n_strings) out = mem_strdup(r->strings[i]);
        } else if (type && !strcmp(type, "b")) {
            out = mem_strdup(!strcmp(text, "1") ? "TRUE" : "FALSE");
        } else {
            out = mem_strdup(text); /* n, str, e: as written */
        }
        xmlFree(t);
    }
    mem_free(type);
    if (out && !out[0]) {
        mem_free(out);
        out = NULL;
    }
    return out;
}

static herr *read_sheet(reader *r, const char *part, or_sheet *sheet) {
    xmlDoc *doc = NULL;
    herr *e = read_xml(r, part, &doc);
    if (e) return e;
    if (!doc) return bad("a worksheet named in the workbook is missing");
    const xmlNode *data = NULL;
    for (const xmlNode *n = xmlDocGetRootElement(doc)->children; n; n = n->next)
        if (is(n, "sheetData")) data = n;
    int next_row = 1;
    for (const xmlNode *rn = data ? data->children : NULL; rn && !e; rn = rn->next) {
        if (!is(rn, "row")) continue;
        char *rattr = attr(rn, "r");
        int row_no = rattr ? atoi(rattr) : next_row;
        mem_free(rattr);
        if (row_no < next_row || row_no > 1048576) {
            e = bad("rows are out of order");
            break;
        }
        next_row = row_no + 1;
        or_row row = {.row = row_no};
        size_t next_col = 0;
        for (const xmlNode *c = rn->children; c; c = c->next) {
            if (!is(c, "c")) continue;
            char *ref = attr(c, "r");
            size_t col = next_col;
            int ref_row = row_no;
            if (ref && (!cell_ref(ref, &col, &ref_row) || ref_row != row_no)) {
                mem_free(ref);
                e = bad("a cell reference is not valid");
                break;
            }
            mem_free(ref);
            if (col >= MAX_COLUMNS) {
                e = err_invalid("file", "sheet %s has more than %d columns", sheet->name,
                                MAX_COLUMNS);
                break;
            }
            next_col = col + 1;
            char *text = cell_text(r, c);
            if (!text) continue;
            if (col >= row.n) {
                row.cells = mem_realloc(row.cells, (col + 1) * sizeof *row.cells);
                memset(row.cells + row.n, 0, (col + 1 - row.n) * sizeof *row.cells);
                row.n = col + 1;
            }
            mem_free(row.cells[col]);
            row.cells[col] = text;
        }
        if (!row.n) continue;
        if (sheet->n_rows == MAX_ROWS) {
            for (size_t i = 0; i < row.n; i++) mem_free(row.cells[i]);
            mem_free(row.cells);
            e = err_invalid("file", "sheet %s has more than %d rows", sheet->name, MAX_ROWS);
            break;
        }
        sheet->rows = mem_realloc(sheet->rows, (sheet->n_rows + 1) * sizeof *sheet->rows);
        sheet->rows[sheet->n_rows++] = row;
    }
    xmlFreeDoc(doc);
    return e;
}

/* The part a relationship target names: "worksheets/sheet1.xml" is under xl/, and
 * "/xl/worksheets/sheet1.xml" is from the root. */
static char *target_part(const char *target) {
    if (target[0] == '/') return mem_strdup(target + 1);
    return mem_printf("xl/%s", target);
}

static char *rel_target(const xmlDoc *rels, const char *id) {
    for (const xmlNode *n = rels ? xmlDocGetRootElement(rels)->children : NULL; n; n = n->next) {
        if (!is(n, "Relationship")) continue;
        char *rid = attr(n, "Id");
        bool match = rid && !strcmp(rid, id);
        mem_free(rid);
        if (match) {
            char *t = attr(n, "Target");
            if (!t) return NULL;
            char *part = strstr(t, "..") ? NULL : target_part(t);
            mem_free(t);
            return part;
        }
    }
    return NULL;
}

static herr *read_book(reader *r, or_book *out) {
    xmlDoc *wb = NULL, *rels = NULL;
    herr *e = read_xml(r, "xl/workbook.xml", &wb);
    if (!e && !wb) e = bad("it has no xl/workbook.xml");
    if (!e) e = read_xml(r, "xl/_rels/workbook.xml.rels", &rels);
    if (!e && !rels) e = bad("it has no workbook relationships");
    if (!e) e = read_shared_strings(r);
    const xmlNode *sheets = NULL;
    for (const xmlNode *n = wb && !e ? xmlDocGetRootElement(wb)->children : NULL; n; n = n->next)
        if (is(n, "sheets")) sheets = n;
    for (const xmlNode *n = sheets ? sheets->children : NULL; n && !e; n = n->next) {
        if (!is(n, "sheet")) continue;
        if (out->n_sheets == MAX_SHEETS) {
            e = err_invalid("file", "the workbook has more than %d sheets", MAX_SHEETS);
            break;
        }
        xmlChar *rid = xmlGetNsProp(
            n, (const xmlChar *)"id",
            (const xmlChar *)"http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        char *name = attr(n, "name");
        char *part = rid ? rel_target(rels, (const char *)rid) : NULL;
        xmlFree(rid);
        if (!name || !part) {
            mem_free(name);
            mem_free(part);
            e = bad("a sheet has no name or no part");
            break;
        }
        out->sheets = mem_realloc(out->sheets, (out->n_sheets + 1) * sizeof *out->sheets);
        or_sheet *sh = &out->sheets[out->n_sheets++];
        memset(sh, 0, sizeof *sh);
        sh->name = name;
        e = read_sheet(r, part, sh);
        mem_free(part);
    }
    if (!e && !out->n_sheets) e = bad("it has no sheets");
    xmlFreeDoc(wb);
    xmlFreeDoc(rels);
    return e;
}

/* libxml2 sets up its globals on first use; that must not race between threads. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

herr *or_xlsx_read(const void *data, size_t len, or_book *out) {
    memset(out, 0, sizeof *out);
    pthread_once(&xml_once, xmlInitParser);
    if (len > OUTREACH_XLSX_MAX)
        return err_new(ERR_TOO_LARGE, "file", "the file is larger than %d bytes",
                       OUTREACH_XLSX_MAX);
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_error_fini(&zerr);
    if (!src) return bad("it cannot be read");
    zip_error_init(&zerr);
    zip_t *zip = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    zip_error_fini(&zerr);
    if (!zip) {
        zip_source_free(src);
        return bad("it is not a zip file (save the form as .xlsx, not .xls or .csv)");
    }
    reader r = {.zip = zip};
    herr *e =
        zip_get_num_entries(zip, 0) > 2000 ? bad("it has too many parts") : read_book(&r, out);
    zip_discard(zip);
    for (size_t i = 0; i < r.n_strings; i++) mem_free(r.strings[i]);
    mem_free(r.strings);
    if (e) or_book_free(out);
    return e;
}

void or_book_free(or_book *b) {
    for (size_t s = 0; s < b->n_sheets; s++) {
        or_sheet *sh = &b->sheets[s];
        for (size_t i = 0; i < sh->n_rows; i++) {
            for (size_t c = 0; c < sh->rows[i].n; c++) mem_free(sh->rows[i].cells[c]);
            mem_free(sh->rows[i].cells);
        }
        mem_free(sh->rows);
        mem_free(sh->name);
    }
    mem_free(b->sheets);
    memset(b, 0, sizeof *b);
}

const or_sheet *or_book_sheet(const or_book *b, const char *name) {
    for (size_t i = 0; i < b->n_sheets; i++)
        if (!strcasecmp(b->sheets[i].name, name)) return &b->sheets[i];
    return NULL;
}
