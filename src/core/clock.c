#include "core/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Set by single-threaded tests only (0 in the server): no lock. */
static int64_t fake_now;

int64_t clock_now(void) { return fake_now ? fake_now : (int64_t)time(NULL); }

void clock_set_fake(int64_t t) { fake_now = t; }

/* Howard Hinnant's days_from_civil algorithm: exact for the whole proleptic
 * Gregorian calendar without any table or libc time zone state. */
int64_t clock_days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t z, int *year, int *month, int *day) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    const int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

static int64_t floor_div(int64_t a, int64_t b) {
    return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

int64_t clock_day_start(int64_t t) { return floor_div(t, 86400) * 86400; }

void clock_format_iso(int64_t t, char out[CLOCK_ISO_LEN]) {
    int64_t days = floor_div(t, 86400);
    int64_t secs = t - days * 86400;
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    char tmp[64]; /* roomy: the compiler cannot see that the fields are in range */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, CLOCK_ISO_LEN - 1);
    out[CLOCK_ISO_LEN - 1] = '\0';
}

void clock_format_date(int64_t t, char out[CLOCK_DATE_LEN]) {
    int y, m, d;
    clock_civil_from_days(floor_div(t, 86400), &y, &m, &d);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d);
    memcpy(out, tmp, CLOCK_DATE_LEN - 1);
    out[CLOCK_DATE_LEN - 1] = '\0';
}

static bool digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

static bool parse_date_prefix(const char *s, int *y, int *m, int *d) {
    if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' ||
        !digits(s + 8, 2, d))
        return false;
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

bool clock_parse_date(const char *s, int *year, int *month, int *day) {
    if (!s || strlen(s) != 10) return false;
    return parse_date_prefix(s, year, month, day);
}

bool clock_parse_iso(const char *s, int64_t *out) {
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20 || !parse_date_prefix(s, &y, &mo, &d)) return false;
    if (s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
        s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 59) return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    int offset = 0;
    if (*p == 'Z' && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59) return false;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
    } else {
        return false;
    }
    int64_t t = clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    /* An offset can push the instant out of the years 1..9999 that clock_format_iso
     * writes back (found by tests/fuzz/fuzz_dates.c). */
    if (t < clock_days_from_civil(1, 1, 1) * 86400 ||
        t >= clock_days_from_civil(10000, 1, 1) * 86400)
        return false;
    *out = t;
    return true;
}
