/* Compiling an XLSForm (sheets survey, choices, settings) into the definition Haven's
 * form filler and checker use. Every problem is collected with its sheet, row and
 * column, so that the person who wrote the form can fix them all at once; a form with
 * any problem is refused whole. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach_internal.h"
#include "outreach/xlsform.h"

#define MAX_PROBLEMS 50

typedef struct {
    const or_sheet *sheet;
    const or_row *head;
} table;

typedef struct {
    json_t *problems;
    json_t *names; /* name -> {"type","row"} of every question */
} compiler;

static void problem(compiler *c, const char *sheet, int row, const char *column, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

static void problem(compiler *c, const char *sheet, int row, const char *column, const char *fmt,
                    ...) {
    if (json_array_size(c->problems) >= MAX_PROBLEMS) return;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *p = json_pack("{s:s,s:i,s:s}", "sheet", sheet, "row", row, "message", msg);
    json_object_set_new(p, "column", column ? json_string(column) : json_null());
    json_array_append_new(c->problems, p);
}

static const char *head_name(const table *t, size_t col) {
    return col < t->head->n ? t->head->cells[col] : NULL;
}

static int column(const table *t, const char *name) {
    for (size_t i = 0; i < t->head->n; i++)
        if (t->head->cells[i] && !strcasecmp(t->head->cells[i], name)) return (int)i;
    return -1;
}

static const char *cell(const or_row *r, int col) {
    if (col < 0 || (size_t)col >= r->n || !r->cells[col]) return NULL;
    const char *s = r->cells[col];
    while (isspace((unsigned char)*s)) s++;
    return *s ? r->cells[col] : NULL;
}

/* The labels of a row: {"": plain column, "English (en)": label::English (en), ...}. */
static json_t *translations(const table *t, const or_row *r, const char *base) {
    json_t *out = json_object();
    size_t bl = strlen(base);
    for (size_t i = 0; i < t->head->n; i++) {
        const char *h = head_name(t, i);
        if (!h || strncasecmp(h, base, bl) != 0) continue;
        const char *lang = NULL;
        if (h[bl] == '\0')
            lang = "";
        else if (h[bl] == ':' && h[bl + 1] == ':')
            lang = h + bl + 2;
        if (!lang) continue;
        const char *v = cell(r, (int)i);
        if (v) json_object_set_new(out, lang, json_string(v));
    }
    return out;
}

static bool valid_name(const char *s) {
    if (!s || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && !strchr("_-.", s[n])) return false;
    return n <= 64;
}

/* "select_one yes_no" -> type and list; false when the type is unknown. */
static bool parse_type(const char *raw, char type[24], char list[72]) {
    char t[128];
    size_t n = 0;
    list[0] = '\0';
    for (const char *p = raw; *p && n + 1 < sizeof t; p++)
        t[n++] = (char)tolower((unsigned char)*p);
    t[n] = '\0';
    while (n && isspace((unsigned char)t[n - 1])) t[--n] = '\0';
    static const struct {
        const char *word, *type;
    } simple[] = {
        {"integer", "integer"},
        {"int", "integer"},
        {"decimal", "decimal"},
        {"text", "text"},
        {"string", "text"},
        {"date", "date"},
        {"geopoint", "geopoint"},
        {"note", "note"},
        {"calculate", "calculate"},
        {"start", "start"},
        {"end", "end"},
        {"today", "today"},
        {"begin group", "begin_group"},
        {"begin_group", "begin_group"},
        {"end group", "end_group"},
        {"end_group", "end_group"},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (!strcmp(t, simple[i].word)) {
            snprintf(type, 24, "%s", simple[i].type);
            return true;
        }
    static const struct {
        const char *prefix, *type;
    } selects[] = {{"select_one ", "select_one"},
                   {"select one ", "select_one"},
                   {"select_multiple ", "select_multiple"},
                   {"select multiple ", "select_multiple"}};
    for (size_t i = 0; i < 4; i++) {
        size_t pl = strlen(selects[i].prefix);
        if (strncmp(t, selects[i].prefix, pl) != 0) continue;
        const char *l = raw + pl;
        while (isspace((unsigned char)*l)) l++;
        snprintf(list, 72, "%s", l);
        for (size_t k = strlen(list); k && isspace((unsigned char)list[k - 1]); k--)
            list[k - 1] = '\0';
        if (strchr(list, ' ') || !list[0]) return false;
        snprintf(type, 24, "%s", selects[i].type);
        return true;
    }
    return false;
}

/* yes / true / true() / 1 -> 1; no / false / false() / 0 / empty -> 0; else -1. */
static int parse_flag(const char *v) {
    if (!v) return 0;
    static const char *const yes[] = {"yes", "true", "true()", "1"};
    static const char *const no[] = {"no", "false", "false()", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) return 1;
        if (!strcasecmp(v, no[i])) return 0;
    }
    return -1;
}

typedef struct {
    compiler *c;
    int row;
    const char *column;
    const char *self;
} ref_check;

static void check_ref(const char *name, void *ctx) {
    ref_check *rc = ctx;
    if (!json_object_get(rc->c->names, name))
        problem(rc->c, "survey", rc->row, rc->column, "${%s} names no question of this form", name);
}

/* Parses an expression column into q[column]; a problem when it cannot be. */
static void expression(compiler *c, const table *t, const or_row *r, json_t *q, const char *col) {
    const char *text = cell(r, column(t, col));
    if (!text) return;
    or_expr *x = NULL;
    herr *e = or_expr_parse(text, &x);
    if (e) {
        problem(c, "survey", r->row, col, "%s", e->message);
        err_free(e);
        return;
    }
    ref_check rc = {c, r->row, col, json_str(q, "name")};
    or_expr_fields(x, check_ref, &rc);
    or_expr_free(x);
    json_object_set_new(q, col, json_string(text));
}

static const char *const refused_columns[] = {"choice_filter", "repeat_count", "trigger", NULL};

static json_t *compile_row(compiler *c, const table *t, const or_row *r, json_t *groups) {
    const char *raw = cell(r, column(t, "type"));
    char type[24], list[72];
    if (!parse_type(raw, type, list)) {
        if (!strncasecmp(raw, "begin repeat", 12) || !strncasecmp(raw, "begin_repeat", 12))
            problem(c, "survey", r->row, "type", "repeat groups are not supported");
        else
            problem(c, "survey", r->row, "type",
                    "question type \"%.60s\" is not supported (Haven knows integer, decimal, "
                    "text, select_one, select_multiple, date, geopoint, note, calculate, start, "
                    "end, today, begin group, end group)",
                    raw);
        return NULL;
    }
    for (size_t i = 0; refused_columns[i]; i++)
        if (cell(r, column(t, refused_columns[i])))
            problem(c, "survey", r->row, refused_columns[i], "%s is not supported",
                    refused_columns[i]);
    if (!strcmp(type, "end_group")) {
        if (!json_array_size(groups))
            problem(c, "survey", r->row, "type", "end group without a begin group");
        else
            json_array_remove(groups, json_array_size(groups) - 1);
        return json_pack("{s:s,s:i}", "type", type, "row", r->row);
    }
    const char *name = cell(r, column(t, "name"));
    json_t *q = json_pack("{s:s,s:s?,s:i}", "type", type, "name", name, "row", r->row);
    or_buf path = {0};
    for (size_t i = 0; i < json_array_size(groups); i++) {
        or_buf_str(&path, json_string_value(json_array_get(groups, i)));
        or_buf_str(&path, "/");
    }
    or_buf_str(&path, name ? name : "");
    json_object_set_new(q, "path", json_string(path.data));
    or_buf_free(&path);
    if (list[0]) json_object_set_new(q, "list", json_string(list));
    json_object_set_new(q, "label", translations(t, r, "label"));
    json_object_set_new(q, "hint", translations(t, r, "hint"));
    json_object_set_new(q, "constraint_message", translations(t, r, "constraint_message"));
    json_object_set_new(q, "required_message", translations(t, r, "required_message"));
    const char *appearance = cell(r, column(t, "appearance"));
    if (appearance) json_object_set_new(q, "appearance", json_string(appearance));
    int required = parse_flag(cell(r, column(t, "required")));
    if (required < 0)
        problem(c, "survey", r->row, "required",
                "required must be yes or no (an expression is not supported)");
    json_object_set_new(q, "required", json_boolean(required == 1));
    expression(c, t, r, q, "relevant");
    expression(c, t, r, q, "constraint");
    expression(c, t, r, q, "calculation");
    const char *def = cell(r, column(t, "default"));
    if (def && (strchr(def, '(') || strstr(def, "${")))
        problem(c, "survey", r->row, "default",
                "a default must be a plain value, not an expression");
    else if (def)
        json_object_set_new(q, "default", json_string(def));
    bool is_group = !strcmp(type, "begin_group");
    if (!strcmp(type, "calculate") && !json_object_get(q, "calculation"))
        problem(c, "survey", r->row, "calculation", "a calculate question needs a calculation");
    if (strcmp(type, "calculate") != 0 && json_object_get(q, "calculation"))
        problem(c, "survey", r->row, "calculation", "only calculate questions have a calculation");
    if ((is_group || !strcmp(type, "note")) && json_object_get(q, "constraint"))
        problem(c, "survey", r->row, "constraint", "a %s cannot have a constraint",
                is_group ? "group" : "note");
    if (is_group) json_array_append_new(groups, json_string(name ? name : ""));
    return q;
}

static void compile_survey(compiler *c, const or_sheet *sh, json_t *questions) {
    if (!sh || sh->n_rows < 2) {
        problem(c, "survey", 1, NULL, "the survey sheet is missing or has no questions");
        return;
    }
    table t = {sh, &sh->rows[0]};
    if (column(&t, "type") < 0 || column(&t, "name") < 0) {
        problem(c, "survey", sh->rows[0].row, NULL, "the survey sheet needs columns type and name");
        return;
    }
    /* First every name, so that expressions may refer to questions further down. */
    for (size_t i = 1; i < sh->n_rows; i++) {
        const or_row *r = &sh->rows[i];
        const char *type = cell(r, column(&t, "type")), *name = cell(r, column(&t, "name"));
        if (!type || !name) continue;
        if (!valid_name(name))
            problem(c, "survey", r->row, "name",
                    "\"%.40s\" is not a valid name (letters, digits, _ - . starting with a letter)",
                    name);
        else if (json_object_get(c->names, name))
            problem(c, "survey", r->row, "name", "the name %s is used twice", name);
        else
            json_object_set_new(c->names, name,
                                json_pack("{s:s,s:i}", "type", type, "row", r->row));
    }
    json_t *groups = json_array();
    for (size_t i = 1; i < sh->n_rows; i++) {
        const or_row *r = &sh->rows[i];
        const char *type = cell(r, column(&t, "type")), *name = cell(r, column(&t, "name"));
        if (!type && !name) continue;
        if (!type) {
            problem(c, "survey", r->row, "type", "the row has a name but no type");
            continue;
        }
        json_t *q = compile_row(c, &t, r, groups);
        if (!q) continue;
        if (!name && strcmp(json_str(q, "type"), "end_group") != 0)
            problem(c, "survey", r->row, "name", "every question needs a name");
        json_array_append_new(questions, q);
    }
    if (json_array_size(groups))
        problem(c, "survey", sh->rows[sh->n_rows - 1].row, "type",
                "the group %s is not closed (end group)",
                json_string_value(json_array_get(groups, json_array_size(groups) - 1)));
    json_decref(groups);
}

static void compile_choices(compiler *c, const or_sheet *sh, json_t *choices) {
    if (!sh || !sh->n_rows) return;
    table t = {sh, &sh->rows[0]};
    int list_col = column(&t, "list_name");
    if (list_col < 0) list_col = column(&t, "list name");
    int name_col = column(&t, "name");
    if (list_col < 0 || name_col < 0) {
        problem(c, "choices", sh->rows[0].row, NULL,
                "the choices sheet needs columns list_name and name");
        return;
    }
    for (size_t i = 1; i < sh->n_rows; i++) {
        const or_row *r = &sh->rows[i];
        const char *list = cell(r, list_col), *name = cell(r, name_col);
        if (!list && !name) continue;
        if (!list || !name) {
            problem(c, "choices", r->row, list ? "name" : "list_name",
                    "a choice needs a list_name and a name");
            continue;
        }
        json_t *items = json_object_get(choices, list);
        if (!items) json_object_set_new(choices, list, items = json_array());
        size_t k;
        json_t *o;
        json_array_foreach(items, k, o) if (!strcmp(json_str(o, "name"), name)) {
            problem(c, "choices", r->row, "name", "the choice %s is twice in the list %s", name,
                    list);
            name = NULL;
            break;
        }
        if (name)
            json_array_append_new(
                items, json_pack("{s:s,s:o}", "name", name, "label", translations(&t, r, "label")));
    }
}

/* Every select names a list that exists; select_multiple choices have no spaces. */
static void check_lists(compiler *c, const json_t *questions, const json_t *choices) {
    size_t i;
    json_t *q;
    json_array_foreach(questions, i, q) {
        const char *list = json_str(q, "list");
        if (!list) continue;
        const json_t *items = json_object_get(choices, list);
        int row = (int)json_integer_value(json_object_get(q, "row"));
        if (!items) {
            problem(c, "survey", row, "type", "the list %s is not in the choices sheet", list);
            continue;
        }
        if (strcmp(json_str(q, "type"), "select_multiple") != 0) continue;
        size_t k;
        json_t *o;
        json_array_foreach(items, k, o) if (strchr(json_str(o, "name"), ' '))
            problem(c, "survey", row, "type",
                    "choice \"%s\" of list %s has a space, which select_multiple cannot hold",
                    json_str(o, "name"), list);
    }
}

static json_t *compile_settings(compiler *c, const or_sheet *sh) {
    json_t *s = json_object();
    if (!sh || sh->n_rows < 2) {
        problem(c, "settings", 1, "form_id", "the settings sheet must give the form a form_id");
        return s;
    }
    table t = {sh, &sh->rows[0]};
    const or_row *r = &sh->rows[1];
    static const char *const keys[] = {"form_title", "form_id", "version", "default_language"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = cell(r, column(&t, keys[i]));
        if (v) json_object_set_new(s, keys[i], json_string(v));
    }
    const char *id = json_str(s, "form_id");
    if (!id)
        problem(c, "settings", r->row, "form_id",
                "the settings sheet must give the form a form_id");
    else if (!valid_name(id))
        problem(c, "settings", r->row, "form_id",
                "form_id must be letters, digits, _ - . (up to 64)");
    return s;
}

/* The languages of the form's labels, the plain "label" column first as "". */
static json_t *languages(const json_t *questions) {
    json_t *langs = json_array();
    size_t i;
    json_t *q;
    json_array_foreach(questions, i, q) {
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(q, "label"), key, v) {
            bool seen = false;
            for (size_t k = 0; k < json_array_size(langs); k++)
                if (!strcmp(json_string_value(json_array_get(langs, k)), key)) seen = true;
            if (!seen) json_array_append_new(langs, json_string(key));
        }
    }
    return langs;
}

void or_xlsform_compile(const or_book *book, json_t **out, json_t *problems) {
    compiler c = {problems, json_object()};
    json_t *questions = json_array(), *choices = json_object();
    *out = NULL;
    json_t *settings = compile_settings(&c, or_book_sheet(book, "settings"));
    compile_survey(&c, or_book_sheet(book, "survey"), questions);
    compile_choices(&c, or_book_sheet(book, "choices"), choices);
    check_lists(&c, questions, choices);
    size_t answerable = 0, i;
    json_t *q;
    json_array_foreach(questions, i, q) {
        const char *type = json_str(q, "type");
        if (strcmp(type, "begin_group") && strcmp(type, "end_group") && strcmp(type, "note"))
            answerable++;
    }
    if (!answerable && !json_array_size(problems))
        problem(&c, "survey", 2, NULL, "the form has no question to answer");
    if (!json_array_size(problems)) {
        const char *title = json_str(settings, "form_title");
        *out = json_pack("{s:s,s:s,s:s,s:s?,s:o,s:O,s:O}", "form_id", json_str(settings, "form_id"),
                         "title", title ? title : json_str(settings, "form_id"), "version_label",
                         json_str(settings, "version") ? json_str(settings, "version") : "",
                         "default_language", json_str(settings, "default_language"), "languages",
                         languages(questions), "questions", questions, "choices", choices);
    }
    json_decref(settings);
    json_decref(questions);
    json_decref(choices);
    json_decref(c.names);
}
