/* RFC 4180 CSV reading for `haven match dedup`, and birth dates as registrars write
 * them. A malformed row is reported with the line it starts on and skipped; reading
 * goes on from the next line. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "match/match.h"

struct match_csv {
    FILE *f;
    long line;    /* line of the next character */
    bool started; /* BOM checked */
    char *buf;    /* field bytes, each NUL-terminated */
    size_t len, cap;
    size_t *starts;
    char **fields;
    size_t n, cap_fields;
};

herr *match_csv_open(FILE *f, match_csv **out) {
    match_csv *c = mem_alloc(sizeof *c);
    c->f = f;
    c->line = 1;
    *out = c;
    return NULL;
}

void match_csv_free(match_csv *c) {
    if (!c) return;
    mem_free(c->buf);
    mem_free(c->starts);
    mem_free(c->fields);
    mem_free(c);
}

static void put(match_csv *c, char ch) {
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->buf = mem_realloc(c->buf, c->cap);
    }
    c->buf[c->len++] = ch;
}

static void end_field(match_csv *c) {
    put(c, '\0');
    if (c->n + 2 > c->cap_fields) {
        c->cap_fields *= 2;
        c->starts = mem_realloc(c->starts, c->cap_fields * sizeof *c->starts);
        c->fields = mem_realloc(c->fields, c->cap_fields * sizeof *c->fields);
    }
    c->n++;
    c->starts[c->n] = c->len;
}

static int get(match_csv *c) {
    int ch = getc(c->f);
    if (ch == '\n') c->line++;
    return ch;
}

/* Skips to the end of the current line. */
static void skip_line(match_csv *c) {
    int ch;
    while ((ch = get(c)) != EOF && ch != '\n') {
    }
}

int match_csv_next(match_csv *c, char ***fields, size_t *n, long *line, char *why,
                   size_t why_size) {
    if (!c->started) {
        c->started = true;
        int a = getc(c->f);
        if (a == 0xef) {
            int b = getc(c->f), d = getc(c->f);
            if (b != 0xbb || d != 0xbf) {
                /* Not a BOM: nothing sensible to push back three bytes; treat as data. */
                ungetc(d, c->f);
                put(c, (char)a);
                put(c, (char)b);
            }
        } else if (a != EOF) {
            ungetc(a, c->f);
        }
    }
    for (;;) {
        size_t carried = c->len; /* bytes of a false BOM at the very start */
        c->n = 0;
        if (!c->cap_fields) {
            c->cap_fields = 16;
            c->starts = mem_alloc(c->cap_fields * sizeof *c->starts);
            c->fields = mem_alloc(c->cap_fields * sizeof *c->fields);
        }
        c->starts[0] = 0;
        *line = c->line;
        int ch = get(c);
        if (ch == EOF && carried == 0) return 0;
        if (carried == 0 && (ch == '\n' || (ch == '\r' && (ch = get(c)) == '\n'))) continue;
        bool quoted = false, after_quote = false, field_start = carried == 0;
        for (;; ch = get(c)) {
            if (quoted) {
                if (ch == EOF) {
                    snprintf(why, why_size, "unterminated quoted field");
                    c->len = 0;
                    return -1;
                }
                if (ch == '"') {
                    int nx = getc(c->f);
                    if (nx == '"') {
                        put(c, '"');
                        continue;
                    }
                    ungetc(nx, c->f);
                    quoted = false;
                    after_quote = true;
                    continue;
                }
                put(c, (char)ch);
                continue;
            }
            if (ch == ',' || ch == '\n' || ch == EOF || ch == '\r') {
                if (ch == '\r') {
                    int nx = getc(c->f);
                    if (nx != '\n' && nx != EOF)
                        ungetc(nx, c->f);
                    else if (nx == '\n')
                        c->line++;
                }
                end_field(c);
                after_quote = false;
                field_start = true;
                if (ch == ',') continue;
                break;
            }
            if (after_quote) {
                snprintf(why, why_size, "text after a closing quote");
                c->len = 0;
                skip_line(c);
                return -1;
            }
            if (ch == '"') {
                if (field_start && c->len == c->starts[c->n]) {
                    quoted = true;
                    field_start = false;
                    continue;
                }
                snprintf(why, why_size, "quote inside an unquoted field");
                c->len = 0;
                skip_line(c);
                return -1;
            }
            field_start = false;
            put(c, (char)ch);
        }
        for (size_t i = 0; i < c->n; i++) {
            c->fields[i] = c->buf + c->starts[i];
            if (!text_utf8_valid(c->fields[i], strlen(c->fields[i]))) {
                snprintf(why, why_size, "field %zu is not valid UTF-8", i + 1);
                c->len = 0;
                return -1;
            }
        }
        c->len = 0;
        *fields = c->fields;
        *n = c->n;
        return 1;
    }
}

static bool digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static bool real_date(int y, int m, int d) {
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

bool match_parse_birth_date(const char *s, int *year, int *month, int *day,
                            match_date_precision *precision) {
    *year = *month = *day = 0;
    *precision = MATCH_DATE_UNKNOWN;
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) return true;
    int y = 0, m = 0, d = 0;
    if (n == 4 && digits(s, 4)) {
        y = atoi(s);
        if (y < 1900 || y > 2100) return false;
        *year = y;
        *precision = MATCH_DATE_YEAR;
        return true;
    }
    if (n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
        digits(s + 8, 2)) {
        y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    } else if (n == 10 && digits(s, 2) && (s[2] == '.' || s[2] == '/') && digits(s + 3, 2) &&
               s[5] == s[2] && digits(s + 6, 4)) {
        /* 14.03.1999 as written in the region (day first). */
        d = atoi(s), m = atoi(s + 3), y = atoi(s + 6);
    } else if (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)) {
        y = atoi(s), m = atoi(s + 5);
        if (y < 1900 || y > 2100 || m < 1 || m > 12) return false;
        *year = y;
        *precision = MATCH_DATE_YEAR;
        return true;
    } else {
        return false;
    }
    if (!real_date(y, m, d)) return false;
    *year = y, *month = m, *day = d;
    *precision = (m == 1 && d == 1) ? MATCH_DATE_YEAR : MATCH_DATE_EXACT;
    return true;
}
