/* The shared SQL's PostgreSQL text: see store_pg_sql.h for what changes. A small
 * scanner walks the text once, copying string literals, quoted names and comments
 * unchanged and rewriting words and parameters between them. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "store/store_pg_sql.h"

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) b->cap = b->cap ? 2 * b->cap : 256;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Length of the quoted run at s (opened by q, a doubled q stays inside). */
static size_t quoted_len(const char *s, char q) {
    size_t i = 1;
    while (s[i]) {
        if (s[i] == q) {
            if (s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return i;
}

static size_t comment_len(const char *s) {
    if (s[0] == '-' && s[1] == '-') {
        size_t i = 2;
        while (s[i] && s[i] != '\n') i++;
        return i;
    }
    if (s[0] == '/' && s[1] == '*') {
        const char *end = strstr(s + 2, "*/");
        return end ? (size_t)(end - s) + 2 : strlen(s);
    }
    return 0;
}

static bool word_is(const char *w, size_t n, const char *kw) {
    return strlen(kw) == n && !strncasecmp(w, kw, n);
}

/* SQLite's functions PostgreSQL has under another name (same arguments). */
static const char *renamed_function(const char *w, size_t n) {
    static const char *const map[][2] = {{"json_object", "json_build_object"},
                                         {"json_group_array", "json_agg"},
                                         {"json_group_object", "json_object_agg"},
                                         {"ifnull", "coalesce"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (word_is(w, n, map[i][0])) return map[i][1];
    return NULL;
}

/* The next word after position i (skipping spaces), as start and length. */
static size_t next_word(const char *s, size_t i, size_t *len) {
    while (s[i] && isspace((unsigned char)s[i])) i++;
    size_t j = i;
    while (word_char(s[j])) j++;
    *len = j - i;
    return i;
}

static int add_name(pg_sql *q, const char *name, size_t n) {
    for (int i = 0; i < q->n_names; i++)
        if (strlen(q->names[i]) == n && !strncmp(q->names[i], name, n)) return i;
    q->names = mem_realloc(q->names, (size_t)(q->n_names + 1) * sizeof *q->names);
    q->names[q->n_names] = mem_strndup(name, n);
    return q->n_names++;
}

/* The $ number (1-based) of the parameter name[0..n) in a null test or not. */
static int add_param(pg_sql *q, const char *name, size_t n, bool null_test) {
    int k = add_name(q, name, n);
    for (int i = 0; i < q->n; i++)
        if (q->name_of[i] == k && q->null_test[i] == null_test) return i + 1;
    q->name_of = mem_realloc(q->name_of, (size_t)(q->n + 1) * sizeof *q->name_of);
    q->null_test = mem_realloc(q->null_test, (size_t)(q->n + 1) * sizeof *q->null_test);
    q->name_of[q->n] = k;
    q->null_test[q->n] = null_test;
    return ++q->n;
}

/* Whether the text at s is "IS NULL" or "IS NOT NULL" (after spaces). */
static bool null_test_follows(const char *s) {
    size_t l1, l2, l3;
    size_t w1 = next_word(s, 0, &l1);
    if (!word_is(s + w1, l1, "IS")) return false;
    size_t w2 = next_word(s, w1 + l1, &l2);
    if (word_is(s + w2, l2, "NULL")) return true;
    if (!word_is(s + w2, l2, "NOT")) return false;
    size_t w3 = next_word(s, w2 + l2, &l3);
    return word_is(s + w3, l3, "NULL");
}

void pg_sql_rewrite(const char *sql, pg_sql *out) {
    sbuf b = {0};
    memset(out, 0, sizeof *out);
    bool or_ignore = false;
    size_t i = 0;
    while (sql[i]) {
        char c = sql[i];
        size_t n;
        if (c == '\'' || c == '"') {
            n = quoted_len(sql + i, c);
            put(&b, sql + i, n);
            i += n;
        } else if ((n = comment_len(sql + i))) {
            put(&b, sql + i, n);
            i += n;
        } else if (c == ':' && sql[i + 1] == ':') {
            put(&b, "::", 2);
            i += 2;
        } else if (c == ':' && (isalpha((unsigned char)sql[i + 1]) || sql[i + 1] == '_')) {
            n = 1;
            while (word_char(sql[i + n])) n++;
            char num[16];
            snprintf(num, sizeof num, "$%d",
                     add_param(out, sql + i, n, null_test_follows(sql + i + n)));
            puts_(&b, num);
            i += n;
        } else if (word_char(c) && (i == 0 || (!word_char(sql[i - 1]) && sql[i - 1] != '.'))) {
            n = 0;
            while (word_char(sql[i + n])) n++;
            const char *w = sql + i;
            size_t l1, l2, l3;
            size_t w1 = next_word(sql, i + n, &l1);
            if (word_is(w, n, "INTEGER") && word_is(sql + w1, l1, "PRIMARY")) {
                size_t w2 = next_word(sql, w1 + l1, &l2);
                if (word_is(sql + w2, l2, "KEY")) {
                    size_t end = w2 + l2;
                    size_t w3 = next_word(sql, end, &l3);
                    if (word_is(sql + w3, l3, "AUTOINCREMENT")) end = w3 + l3;
                    puts_(&b, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
                    i = end;
                    continue;
                }
            }
            if (word_is(w, n, "INSERT") && word_is(sql + w1, l1, "OR")) {
                size_t w2 = next_word(sql, w1 + l1, &l2);
                if (word_is(sql + w2, l2, "IGNORE")) {
                    puts_(&b, "INSERT");
                    or_ignore = true;
                    i = w2 + l2;
                    continue;
                }
            }
            const char *renamed = sql[i + n] == '(' ? renamed_function(w, n) : NULL;
            if (renamed)
                puts_(&b, renamed);
            else if (word_is(w, n, "INTEGER"))
                puts_(&b, "BIGINT");
            else if (word_is(w, n, "REAL"))
                puts_(&b, "DOUBLE PRECISION");
            else if (word_is(w, n, "BLOB"))
                puts_(&b, "BYTEA");
            else if (word_is(w, n, "LIKE"))
                puts_(&b, "ILIKE");
            else
                put(&b, w, n);
            i += n;
        } else {
            put(&b, sql + i, 1);
            i++;
        }
    }
    if (!b.p) puts_(&b, "");
    if (or_ignore) {
        while (b.len && (isspace((unsigned char)b.p[b.len - 1]) || b.p[b.len - 1] == ';'))
            b.p[--b.len] = '\0';
        puts_(&b, " ON CONFLICT DO NOTHING");
    }
    out->sql = b.p;
}

void pg_sql_free(pg_sql *q) {
    for (int i = 0; i < q->n_names; i++) mem_free(q->names[i]);
    mem_free(q->names);
    mem_free(q->name_of);
    mem_free(q->null_test);
    mem_free(q->sql);
    memset(q, 0, sizeof *q);
}

int pg_sql_param(const pg_sql *q, const char *param) {
    for (int i = 0; i < q->n_names; i++)
        if (!strcmp(q->names[i], param)) return i;
    return -1;
}
