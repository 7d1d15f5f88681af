/* Shared inside the outreach module only. */
#ifndef HAVEN_OUTREACH_INTERNAL_H
#define HAVEN_OUTREACH_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* ---- idempotent creation (idem.c) ------------------------------------------------ */

/* The hash a body is stored with: BLAKE2b of its compact JSON with sorted keys. */
void or_body_hash(const json_t *in, char out[CRYPTO_HASH_HEX_LEN]);

/* The id of a record to create: the client's "id" (a canonical lower-case UUID, else
 * ERR_INVALID on "id"), or a new one when absent. */
herr *or_client_id(const json_t *in, char out[ID_LEN]);

/* Inside the write transaction: runs lookup_sql (":id" -> one column, body_hash). When
 * no row: *exists false. When a row with the same hash: *exists true (a replay). When
 * a row with another hash: ERR_CONFLICT naming "id". */
herr *or_idem_check(store *s, const char *lookup_sql, const char *id, const char *hash,
                    const char *what, bool *exists);

/* ---- small checks (util.c) -------------------------------------------------------- */

/* ERR_INVALID on field unless value is one of codes (NULL-terminated). */
herr *or_check_code(const char *field, const char *value, const char *const *codes);

/* A required or optional date "YYYY-MM-DD" (2000..tomorrow) into out ("" when absent). */
herr *or_check_date(const json_t *in, const char *field, bool required, char out[CLOCK_DATE_LEN]);

/* An optional ISO 8601 time into out ("" when absent). */
herr *or_check_time(const json_t *in, const char *field, char out[CLOCK_ISO_LEN]);

/* A number member (integer or real) within [min, max]. */
herr *or_check_number(const json_t *in, const char *field, bool required, double min, double max,
                      double *out);

/* ERR_INVALID unless a text field, when present, is not blank. */
herr *or_check_not_blank(const json_t *in, const char *field, bool required);

/* Sets obj[key] to the column as a string or null. */
void or_set_col(json_t *obj, const char *key, store_stmt *st, int col);

/* {"fields":[names]} for audit details. */
json_t *or_field_names(const json_t *in);

/* "YYYY-MM" valid month into from/to dates ("YYYY-MM-01", first day of next month);
 * NULL month: the current one. */
herr *or_month_range(const char *month, char from[CLOCK_DATE_LEN], char to[CLOCK_DATE_LEN],
                     char label[8]);

/* ---- locations (locations.c) ------------------------------------------------------ */

/* ERR_INVALID on field unless the location exists and is active. */
herr *or_location_check_active(store *s, const char *id, const char *field);

/* ---- a growing byte buffer with a cap (buf.c) ------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap, max; /* max 0: no cap */
    bool full;            /* a write went past max and was dropped */
} or_buf;

void or_buf_add(or_buf *b, const char *s, size_t n);
void or_buf_str(or_buf *b, const char *s);
void or_buf_printf(or_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void or_buf_free(or_buf *b);

#endif
