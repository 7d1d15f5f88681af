/* The XLSForm expression language: a tokenizer, a recursive-descent parser into a small
 * tree, and an evaluator (see xlsform.h for the grammar and the rules of values). The
 * same grammar is written in web/js/outreach/expr.js; both are tested on the cases in
 * tests/data/outreach_expr_cases.json. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "outreach/xlsform.h"

typedef enum { N_NUM, N_STR, N_FIELD, N_DOT, N_NEG, N_BIN, N_CALL } node_kind;

typedef enum {
    OP_OR,
    OP_AND,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD
} bin_op;

typedef enum {
    F_SELECTED,
    F_COUNT_SELECTED,
    F_STRING_LENGTH,
    F_NOT,
    F_TRUE,
    F_FALSE,
    F_IF,
    F_NUMBER,
    F_INT,
    F_COALESCE
} func;

static const struct {
    const char *name;
    func f;
    int arity;
} functions[] = {
    {"selected", F_SELECTED, 2},
    {"count-selected", F_COUNT_SELECTED, 1},
    {"string-length", F_STRING_LENGTH, 1},
    {"not", F_NOT, 1},
    {"true", F_TRUE, 0},
    {"false", F_FALSE, 0},
    {"if", F_IF, 3},
    {"number", F_NUMBER, 1},
    {"int", F_INT, 1},
    {"coalesce", F_COALESCE, 2},
};

typedef struct node {
    node_kind kind;
    int op; /* bin_op or func */
    double num;
    char *text; /* string literal or field name */
    struct node *a[3];
    int n;
} node;

struct or_expr {
    node *root;
};

typedef struct {
    const char *src, *p;
    int depth;
    herr *err;
} parser;

static node *new_node(node_kind k) {
    node *n = mem_alloc(sizeof *n);
    n->kind = k;
    return n;
}

static void free_node(node *n) {
    if (!n) return;
    for (int i = 0; i < 3; i++) free_node(n->a[i]);
    mem_free(n->text);
    mem_free(n);
}

static void fail(parser *ps, const char *what) {
    if (ps->err) return;
    ps->err = err_invalid("expression", "at character %d: %s", (int)(ps->p - ps->src) + 1, what);
}

static void skip_space(parser *ps) {
    while (*ps->p && isspace((unsigned char)*ps->p)) ps->p++;
}

static bool name_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Reads a bare word (function name or keyword) at p without consuming; its length. */
static size_t word_len(const char *p) {
    size_t n = 0;
    if (!isalpha((unsigned char)p[0])) return 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '-') n++;
    return n;
}

static bool keyword(parser *ps, const char *kw) {
    skip_space(ps);
    size_t n = strlen(kw);
    if (strncmp(ps->p, kw, n) != 0 || word_len(ps->p) != n) return false;
    ps->p += n;
    return true;
}

static bool punct(parser *ps, const char *op) {
    skip_space(ps);
    size_t n = strlen(op);
    if (strncmp(ps->p, op, n) != 0) return false;
    /* "<" must not take the first half of "<=", nor "!" of "!=" alone. */
    if (n == 1 && (op[0] == '<' || op[0] == '>') && ps->p[1] == '=') return false;
    ps->p += n;
    return true;
}

static node *parse_or(parser *ps);

static node *binary(int op, node *l, node *r) {
    node *n = new_node(N_BIN);
    n->op = op;
    n->a[0] = l;
    n->a[1] = r;
    n->n = 2;
    return n;
}

static node *parse_call(parser *ps, size_t len) {
    const char *name = ps->p;
    int which = -1;
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (strlen(functions[i].name) == len && !strncmp(functions[i].name, name, len))
            which = (int)i;
    if (which < 0) {
        char msg[120];
        snprintf(msg, sizeof msg, "function %.*s() is not supported", (int)(len > 40 ? 40 : len),
                 name);
        fail(ps, msg);
        return NULL;
    }
    ps->p += len;
    punct(ps, "(");
    node *n = new_node(N_CALL);
    n->op = functions[which].f;
    skip_space(ps);
    if (!punct(ps, ")")) {
        for (;;) {
            if (n->n == 3) {
                fail(ps, "too many arguments");
                break;
            }
            n->a[n->n++] = parse_or(ps);
            if (ps->err) break;
            if (punct(ps, ")")) break;
            if (!punct(ps, ",")) {
                fail(ps, "expected , or )");
                break;
            }
        }
    }
    if (!ps->err && n->n != functions[which].arity) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s() takes %d argument%s", functions[which].name,
                 functions[which].arity, functions[which].arity == 1 ? "" : "s");
        fail(ps, msg);
    }
    return n;
}

static node *parse_primary(parser *ps) {
    skip_space(ps);
    const char *p = ps->p;
    if (++ps->depth > OR_EXPR_MAX_DEPTH) {
        fail(ps, "the expression is nested too deeply");
        return NULL;
    }
    node *n = NULL;
    if (*p == '(') {
        ps->p++;
        n = parse_or(ps);
        if (!ps->err && !punct(ps, ")")) fail(ps, "expected )");
    } else if (p[0] == '$' && p[1] == '{') {
        const char *start = p + 2, *q = start;
        while (name_char(*q)) q++;
        if (*q != '}' || q == start) {
            fail(ps, "a field reference is written ${name}");
        } else {
            n = new_node(N_FIELD);
            n->text = mem_strndup(start, (size_t)(q - start));
            ps->p = q + 1;
        }
    } else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        /* XPath numbers: digits with an optional point, no exponent, no hex. */
        const char *q = p;
        while (isdigit((unsigned char)*q)) q++;
        if (*q == '.') q++;
        while (isdigit((unsigned char)*q)) q++;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)(q - p > 63 ? 63 : q - p), p);
        n = new_node(N_NUM);
        n->num = strtod(buf, NULL);
        ps->p = q;
    } else if (*p == '.' && p[1] == '.') {
        fail(ps, "parent paths (..) are not supported: use ${name}");
    } else if (*p == '.') {
        n = new_node(N_DOT);
        ps->p++;
    } else if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);
        if (!q) {
            fail(ps, "a string is not closed");
        } else {
            n = new_node(N_STR);
            n->text = mem_strndup(p + 1, (size_t)(q - p - 1));
            ps->p = q + 1;
        }
    } else if (*p == '-') {
        ps->p++;
        n = new_node(N_NEG);
        n->a[0] = parse_primary(ps);
        n->n = 1;
    } else if (word_len(p)) {
        size_t len = word_len(p);
        const char *after = p + len;
        while (isspace((unsigned char)*after)) after++;
        if (*after == '(') {
            n = parse_call(ps, len);
        } else {
            char msg[120];
            snprintf(msg, sizeof msg, "%.*s is not supported here: refer to fields as ${name}",
                     (int)(len > 40 ? 40 : len), p);
            fail(ps, msg);
        }
    } else if (*p == '/') {
        fail(ps, "paths such as /data/name are not supported: use ${name}");
    } else if (*p) {
        char msg[64];
        snprintf(msg, sizeof msg, "unexpected character %c", isprint((unsigned char)*p) ? *p : '?');
        fail(ps, msg);
    } else {
        fail(ps, "the expression ends too early");
    }
    ps->depth--;
    return n;
}

static node *parse_mul(parser *ps) {
    node *l = parse_primary(ps);
    while (!ps->err) {
        int op = punct(ps, "*")       ? OP_MUL
                 : keyword(ps, "div") ? OP_DIV
                 : keyword(ps, "mod") ? OP_MOD
                                      : -1;
        if (op < 0) break;
        l = binary(op, l, parse_primary(ps));
    }
    return l;
}

static node *parse_add(parser *ps) {
    node *l = parse_mul(ps);
    while (!ps->err) {
        int op = punct(ps, "+") ? OP_ADD : punct(ps, "-") ? OP_SUB : -1;
        if (op < 0) break;
        l = binary(op, l, parse_mul(ps));
    }
    return l;
}

static node *parse_rel(parser *ps) {
    node *l = parse_add(ps);
    while (!ps->err) {
        int op = punct(ps, "<=")   ? OP_LE
                 : punct(ps, ">=") ? OP_GE
                 : punct(ps, "<")  ? OP_LT
                 : punct(ps, ">")  ? OP_GT
                                   : -1;
        if (op < 0) break;
        l = binary(op, l, parse_add(ps));
    }
    return l;
}

static node *parse_eq(parser *ps) {
    node *l = parse_rel(ps);
    while (!ps->err) {
        int op = punct(ps, "!=") ? OP_NE : punct(ps, "=") ? OP_EQ : -1;
        if (op < 0) break;
        l = binary(op, l, parse_rel(ps));
    }
    return l;
}

static node *parse_and(parser *ps) {
    node *l = parse_eq(ps);
    while (!ps->err && keyword(ps, "and")) l = binary(OP_AND, l, parse_eq(ps));
    return l;
}

static node *parse_or(parser *ps) {
    if (++ps->depth > OR_EXPR_MAX_DEPTH) {
        fail(ps, "the expression is nested too deeply");
        ps->depth--;
        return NULL;
    }
    node *l = parse_and(ps);
    while (!ps->err && keyword(ps, "or")) l = binary(OP_OR, l, parse_and(ps));
    ps->depth--;
    return l;
}

herr *or_expr_parse(const char *text, or_expr **out) {
    *out = NULL;
    if (!text) return err_invalid("expression", "no expression");
    if (strlen(text) > OR_EXPR_MAX_LEN)
        return err_invalid("expression", "the expression is longer than %d characters",
                           OR_EXPR_MAX_LEN);
    parser ps = {text, text, 0, NULL};
    node *root = parse_or(&ps);
    skip_space(&ps);
    if (!ps.err && *ps.p) fail(&ps, "unexpected text after the expression");
    if (ps.err) {
        free_node(root);
        return ps.err;
    }
    *out = mem_alloc(sizeof **out);
    (*out)->root = root;
    return NULL;
}

void or_expr_free(or_expr *x) {
    if (!x) return;
    free_node(x->root);
    mem_free(x);
}

static void walk_fields(const node *n, void (*fn)(const char *, void *), void *ctx) {
    if (!n) return;
    if (n->kind == N_FIELD) fn(n->text, ctx);
    for (int i = 0; i < n->n; i++) walk_fields(n->a[i], fn, ctx);
}

void or_expr_fields(const or_expr *x, void (*fn)(const char *name, void *ctx), void *ctx) {
    walk_fields(x->root, fn, ctx);
}

/* ---- values ------------------------------------------------------------------------ */

static or_value num(double v) { return (or_value){.type = OV_NUM, .num = v}; }
static or_value boolean(bool b) { return (or_value){.type = OV_BOOL, .b = b}; }
static or_value str(const char *s) { return (or_value){.type = OV_STR, .str = s ? s : ""}; }

static double text_number(const char *s) {
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return NAN;
    char *end = NULL;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end)) end++;
    /* XPath numbers are digits with an optional point: no hex, no exponent, no "inf". */
    for (const char *q = s; q < end; q++)
        if (!isdigit((unsigned char)*q) && *q != '.' && *q != '-' && !isspace((unsigned char)*q))
            return NAN;
    return *end ? NAN : v;
}

double or_value_num(or_value v) {
    switch (v.type) {
    case OV_NUM: return v.num;
    case OV_BOOL: return v.b ? 1 : 0;
    case OV_STR: return text_number(v.str);
    }
    return NAN;
}

bool or_value_bool(or_value v) {
    switch (v.type) {
    case OV_NUM: return v.num != 0 && !isnan(v.num);
    case OV_BOOL: return v.b;
    case OV_STR: return v.str[0] != '\0';
    }
    return false;
}

void or_value_text(or_value v, char *out, size_t size) {
    if (v.type == OV_STR) {
        snprintf(out, size, "%s", v.str);
    } else if (v.type == OV_BOOL) {
        snprintf(out, size, "%s", v.b ? "true" : "false");
    } else if (isnan(v.num)) {
        snprintf(out, size, "NaN");
    } else if (isinf(v.num)) {
        snprintf(out, size, "%sInfinity", v.num < 0 ? "-" : "");
    } else if (v.num == trunc(v.num) && fabs(v.num) < 1e15) {
        snprintf(out, size, "%.0f", v.num == 0 ? 0.0 : v.num);
    } else {
        snprintf(out, size, "%.15g", v.num);
    }
}

/* Space-separated choice names in s: the count, and whether want is one of them. */
static int tokens(const char *s, const char *want, bool *found) {
    int n = 0;
    size_t wl = want ? strlen(want) : 0;
    if (found) *found = false;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *start = s;
        while (*s && *s != ' ') s++;
        n++;
        if (want && found && (size_t)(s - start) == wl && !strncmp(start, want, wl)) *found = true;
    }
    return n;
}

static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

typedef struct {
    const char *dot;
    or_lookup lookup;
    void *ctx;
    char scratch[4][64]; /* numbers turned into text for string functions */
    int used;
} eval_ctx;

static const char *as_text(eval_ctx *c, or_value v) {
    if (v.type == OV_STR) return v.str;
    char *buf = c->scratch[c->used++ % 4];
    or_value_text(v, buf, sizeof c->scratch[0]);
    return buf;
}

static or_value eval(const node *n, eval_ctx *c);

static or_value compare(int op, or_value l, or_value r, eval_ctx *c) {
    if (op == OP_EQ || op == OP_NE) {
        bool eq;
        if (l.type == OV_BOOL || r.type == OV_BOOL)
            eq = or_value_bool(l) == or_value_bool(r);
        else if (l.type == OV_NUM || r.type == OV_NUM)
            eq = or_value_num(l) == or_value_num(r);
        else
            eq = !strcmp(as_text(c, l), as_text(c, r));
        return boolean(op == OP_EQ ? eq : !eq);
    }
    double a = or_value_num(l), b = or_value_num(r);
    switch (op) {
    case OP_LT: return boolean(a < b);
    case OP_LE: return boolean(a <= b);
    case OP_GT: return boolean(a > b);
    default: return boolean(a >= b);
    }
}

static or_value call(const node *n, eval_ctx *c) {
    switch ((func)n->op) {
    case F_SELECTED: {
        const char *list = as_text(c, eval(n->a[0], c));
        const char *want = as_text(c, eval(n->a[1], c));
        bool found = false;
        tokens(list, want, &found);
        return boolean(found);
    }
    case F_COUNT_SELECTED: return num(tokens(as_text(c, eval(n->a[0], c)), NULL, NULL));
    case F_STRING_LENGTH: return num((double)utf8_chars(as_text(c, eval(n->a[0], c))));
    case F_NOT: return boolean(!or_value_bool(eval(n->a[0], c)));
    case F_TRUE: return boolean(true);
    case F_FALSE: return boolean(false);
    case F_IF: return or_value_bool(eval(n->a[0], c)) ? eval(n->a[1], c) : eval(n->a[2], c);
    case F_NUMBER: return num(or_value_num(eval(n->a[0], c)));
    case F_INT: return num(trunc(or_value_num(eval(n->a[0], c))));
    case F_COALESCE: {
        or_value a = eval(n->a[0], c);
        return as_text(c, a)[0] ? a : eval(n->a[1], c);
    }
    }
    return str("");
}

static or_value eval(const node *n, eval_ctx *c) {
    switch (n->kind) {
    case N_NUM: return num(n->num);
    case N_STR: return str(n->text);
    case N_DOT: return str(c->dot);
    case N_FIELD: return str(c->lookup ? c->lookup(n->text, c->ctx) : "");
    case N_NEG: return num(-or_value_num(eval(n->a[0], c)));
    case N_CALL: return call(n, c);
    case N_BIN: break;
    }
    if (n->op == OP_OR)
        return boolean(or_value_bool(eval(n->a[0], c)) || or_value_bool(eval(n->a[1], c)));
    if (n->op == OP_AND)
        return boolean(or_value_bool(eval(n->a[0], c)) && or_value_bool(eval(n->a[1], c)));
    or_value l = eval(n->a[0], c), r = eval(n->a[1], c);
    if (n->op <= OP_GE) return compare(n->op, l, r, c);
    double a = or_value_num(l), b = or_value_num(r);
    switch (n->op) {
    case OP_ADD: return num(a + b);
    case OP_SUB: return num(a - b);
    case OP_MUL: return num(a * b);
    case OP_DIV: return num(a / b);
    default: return num(fmod(a, b));
    }
}

or_value or_expr_eval(const or_expr *x, const char *dot, or_lookup lookup, void *ctx) {
    eval_ctx c = {.dot = dot ? dot : "", .lookup = lookup, .ctx = ctx};
    or_value v = eval(x->root, &c);
    /* A number turned into text lives in c.scratch, which ends here: return numbers and
     * booleans as they are, and strings only when they do not point into scratch. */
    if (v.type == OV_STR && v.str >= c.scratch[0] && v.str < c.scratch[0] + sizeof c.scratch)
        return num(text_number(v.str));
    return v;
}
