/* check: the small input checks every module's write functions repeat: a code from a
 * list, a calendar date, a time, a non-blank text, a record id. Each returns NULL or an
 * ERR_INVALID naming the field, so a caller can chain them before it writes anything. */
#ifndef HAVEN_CORE_CHECK_H
#define HAVEN_CORE_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/err.h"

/* ERR_INVALID on field unless value is one of codes (NULL-terminated); NULL value is
 * refused too. The message lists the codes. */
herr *check_code(const char *field, const char *value, const char *const *codes);

/* The member field of in as a real date "YYYY-MM-DD" (years 2000..2100) into out; ""
 * when absent and not required. */
herr *check_date(const json_t *in, const char *field, bool required, char out[CLOCK_DATE_LEN]);

/* The same for a date given as text (NULL: absent). */
herr *check_date_text(const char *field, const char *value, bool required,
                      char out[CLOCK_DATE_LEN]);

/* The member field of in as an ISO 8601 time, normalised to UTC "...Z" into out; def
 * when absent (def < 0 with the field absent: ERR_INVALID, the field is required). Times
 * more than max_ahead seconds after now are refused (max_ahead < 0: no limit). */
herr *check_time(const json_t *in, const char *field, int64_t def, int64_t max_ahead,
                 char out[CLOCK_ISO_LEN]);

/* ERR_INVALID unless the text member, when present (or required), holds more than
 * white space. */
herr *check_not_blank(const json_t *in, const char *field, bool required);

/* ERR_INVALID unless value is a record id (a canonical UUID); required when asked. */
herr *check_id(const char *field, const char *value, bool required);

/* {"fields":[member names of in]}: the audit detail of a write (names, never values). */
json_t *check_field_names(const json_t *in);

#endif
