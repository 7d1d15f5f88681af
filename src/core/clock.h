/* clock: UTC time as seconds since the epoch, ISO 8601 text, and calendar dates.
 * Storage and the API use "YYYY-MM-DDTHH:MM:SSZ"; dates are "YYYY-MM-DD". */
#ifndef HAVEN_CORE_CLOCK_H
#define HAVEN_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_ISO_LEN  21 /* "2026-11-23T12:00:00Z" plus NUL */
#define CLOCK_DATE_LEN 11 /* "2026-11-23" plus NUL */

/* Current time; tests may pin it with clock_set_fake (0 releases it). */
int64_t clock_now(void);
void clock_set_fake(int64_t t);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (CLOCK_ISO_LEN bytes). */
void clock_format_iso(int64_t t, char out[CLOCK_ISO_LEN]);

/* Formats the UTC day of t as "YYYY-MM-DD". */
void clock_format_date(int64_t t, char out[CLOCK_DATE_LEN]);

/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM" (an optional
 * fraction of seconds is ignored). Returns false on anything else, including
 * impossible dates such as February 30th and instants whose UTC year is outside
 * 1..9999 (what clock_format_iso can write back). */
bool clock_parse_iso(const char *s, int64_t *out);

/* Parses a real calendar date "YYYY-MM-DD"; false otherwise. */
bool clock_parse_date(const char *s, int *year, int *month, int *day);

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t clock_days_from_civil(int year, int month, int day);
void clock_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Midnight UTC at the start of the day that contains t. */
int64_t clock_day_start(int64_t t);

#endif
