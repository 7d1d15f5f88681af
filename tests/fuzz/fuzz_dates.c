/* Dates as outside input gives them: birth dates with precision as registrars and CSV
 * files write them (match_parse_birth_date), calendar dates and ISO 8601 timestamps of
 * request bodies (clock_parse_date, clock_parse_iso). Invariants: what is accepted is a
 * real date that formats back to the same day; a parsed timestamp formats and parses
 * back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/mem.h"
#include "fuzzutil.h"
#include "match/match.h"

static int days_in(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    int y, m, d;
    match_date_precision p;
    if (match_parse_birth_date(s, &y, &m, &d, &p)) {
        if (p == MATCH_DATE_UNKNOWN) {
            FUZZ_ASSERT(y == 0 && m == 0 && d == 0, "unknown date with parts");
        } else {
            FUZZ_ASSERT(y >= 1900 && y <= 2100, "year %d", y);
            if (p == MATCH_DATE_EXACT || d) {
                FUZZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m), "%d-%d-%d", y, m, d);
            }
        }
    }
    if (clock_parse_date(s, &y, &m, &d)) {
        FUZZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m), "%d-%d-%d", y, m, d);
        char back[CLOCK_DATE_LEN];
        clock_format_date(clock_days_from_civil(y, m, d) * 86400, back);
        FUZZ_ASSERT(!strcmp(back, s), "%s formats back as %s", s, back);
    }
    int64_t t;
    if (clock_parse_iso(s, &t)) {
        char iso[CLOCK_ISO_LEN];
        clock_format_iso(t, iso);
        int64_t again = 0;
        FUZZ_ASSERT(clock_parse_iso(iso, &again) && again == t, "%s -> %s does not parse back", s,
                    iso);
    }
    mem_free(s);
    return 0;
}
