/* Reporting periods: a month "2023-05", a quarter "2023-Q2" or a year "2023", as
 * half-open UTC intervals [start, end). Computed in C so that the SQL stays common to
 * SQLite and PostgreSQL. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "stats/stats_internal.h"

static void fill(stats_period *p) {
    int first_month = p->freq == 'M' ? p->n : p->freq == 'Q' ? 3 * (p->n - 1) + 1 : 1;
    int months = p->freq == 'M' ? 1 : p->freq == 'Q' ? 3 : 12;
    int end_year = p->year, end_month = first_month + months;
    if (end_month > 12) {
        end_month -= 12;
        end_year++;
    }
    int64_t start = clock_days_from_civil(p->year, first_month, 1) * 86400;
    int64_t end = clock_days_from_civil(end_year, end_month, 1) * 86400;
    clock_format_iso(start, p->start_iso);
    clock_format_iso(end, p->end_iso);
    clock_format_date(end - 86400, p->last_day);
    char tmp[32];
    if (p->freq == 'M')
        snprintf(tmp, sizeof tmp, "%04d-%02d", p->year, p->n);
    else if (p->freq == 'Q')
        snprintf(tmp, sizeof tmp, "%04d-Q%d", p->year, p->n);
    else
        snprintf(tmp, sizeof tmp, "%04d", p->year);
    memcpy(p->text, tmp, sizeof p->text - 1); /* years are four digits: it fits */
    p->text[sizeof p->text - 1] = '\0';
}

static bool digits(const char *s, int n) {
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

herr *stats_period_parse(const char *text, const char *field, stats_period *out) {
    memset(out, 0, sizeof *out);
    size_t len = text ? strlen(text) : 0;
    if (len < 4 || !digits(text, 4)) goto bad;
    out->year =
        (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    if (out->year < 1900 || out->year > 2999) goto bad;
    if (len == 4) {
        out->freq = 'A';
    } else if (len == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
        out->freq = 'Q';
        out->n = text[6] - '0';
    } else if (len == 7 && text[4] == '-' && digits(text + 5, 2)) {
        out->freq = 'M';
        out->n = (text[5] - '0') * 10 + (text[6] - '0');
        if (out->n < 1 || out->n > 12) goto bad;
    } else {
        goto bad;
    }
    fill(out);
    return NULL;
bad:
    return err_invalid(field, "%s must be a month (2023-05), a quarter (2023-Q2) or a year (2023)",
                       field);
}

void stats_period_back(const stats_period *p, int steps, stats_period *out) {
    *out = *p;
    int per_year = p->freq == 'M' ? 12 : p->freq == 'Q' ? 4 : 1;
    int index = p->year * per_year + (per_year > 1 ? p->n - 1 : 0) - steps;
    out->year = index / per_year;
    out->n = per_year > 1 ? index % per_year + 1 : 0;
    fill(out);
}

bool stats_period_allows(const stats_period *p, char periodicity) {
    if (periodicity == 'M') return true;
    if (periodicity == 'Q') return p->freq != 'M';
    return p->freq == 'A';
}
