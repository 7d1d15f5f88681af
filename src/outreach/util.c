/* Small input checks, idempotent creation and a byte buffer, shared by the module. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach_internal.h"

void or_body_hash(const json_t *in, char out[CRYPTO_HASH_HEX_LEN]) {
    char *text = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    crypto_hash_hex(text ? text : "", text ? strlen(text) : 0, out);
    free(text);
}

herr *or_client_id(const json_t *in, char out[ID_LEN]) {
    const json_t *v = json_object_get(in, "id");
    if (!v || json_is_null(v)) {
        id_new(out);
        return NULL;
    }
    const char *id = json_string_value(v);
    if (!id || !id_is_valid(id))
        return err_invalid("id", "id must be a UUID in lower-case text, made by the client");
    snprintf(out, ID_LEN, "%s", id);
    return NULL;
}

herr *or_idem_check(store *s, const char *lookup_sql, const char *id, const char *hash,
                    const char *what, bool *exists) {
    store_stmt *st = NULL;
    bool row = false;
    *exists = false;
    herr *e = store_prepare(s, lookup_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row)) || !row) goto cleanup;
    if (strcmp(store_text(st, 0), hash) != 0) {
        e = err_new(ERR_CONFLICT, "id",
                    "a different %s was already sent with this id (%s): send this one as a new "
                    "record",
                    what, id);
        goto cleanup;
    }
    *exists = true;
cleanup:
    store_done(st);
    return e;
}

herr *or_check_code(const char *field, const char *value, const char *const *codes) {
    if (value)
        for (size_t i = 0; codes[i]; i++)
            if (!strcmp(codes[i], value)) return NULL;
    or_buf list = {.max = 400};
    for (size_t i = 0; codes[i]; i++) {
        if (i) or_buf_str(&list, ", ");
        or_buf_str(&list, codes[i]);
    }
    herr *e =
        err_with(err_invalid(field, "%s must be one of %s", field, list.data ? list.data : ""),
                 "one_of", (const char *)NULL);
    or_buf_free(&list);
    return e;
}

herr *or_check_date(const json_t *in, const char *field, bool required, char out[CLOCK_DATE_LEN]) {
    const char *v = json_str(in, field);
    int y, m, d;
    out[0] = '\0';
    if (!v) return required ? err_invalid(field, "%s is required (YYYY-MM-DD)", field) : NULL;
    if (strlen(v) != 10 || !clock_parse_date(v, &y, &m, &d) || y < 2000)
        return err_with(err_invalid(field, "%s must be a date YYYY-MM-DD", field), "date_format",
                        (const char *)NULL);
    char tomorrow[CLOCK_DATE_LEN];
    clock_format_date(clock_now() + 86400, tomorrow);
    if (strcmp(v, tomorrow) > 0)
        return err_with(err_invalid(field, "%s cannot be in the future", field), "future",
                        (const char *)NULL);
    snprintf(out, CLOCK_DATE_LEN, "%s", v);
    return NULL;
}

herr *or_check_time(const json_t *in, const char *field, char out[CLOCK_ISO_LEN]) {
    const char *v = json_str(in, field);
    int64_t t;
    out[0] = '\0';
    if (!v) return NULL;
    if (!clock_parse_iso(v, &t))
        return err_invalid(field, "%s must be a time such as 2023-05-01T09:30:00Z", field);
    clock_format_iso(t, out);
    return NULL;
}

herr *or_check_number(const json_t *in, const char *field, bool required, double min, double max,
                      double *out) {
    const json_t *v = json_object_get(in, field);
    if (!v || json_is_null(v))
        return required ? err_with(err_invalid(field, "%s is required", field), "required",
                                   (const char *)NULL)
                        : NULL;
    if (!json_is_number(v)) return err_invalid(field, "%s must be a number", field);
    double x = json_number_value(v);
    if (!isfinite(x) || x < min || x > max)
        return err_invalid(field, "%s must be from %g to %g", field, min, max);
    *out = x;
    return NULL;
}

herr *or_check_not_blank(const json_t *in, const char *field, bool required) {
    const char *v = json_str(in, field);
    if (!v) return required ? err_required(field) : NULL;
    for (const char *p = v; *p; p++)
        if (!strchr(" \t\r\n", *p)) return NULL;
    return err_with(err_invalid(field, "%s cannot be empty", field), "empty", (const char *)NULL);
}

void or_set_col(json_t *obj, const char *key, store_stmt *st, int col) {
    json_set_str(obj, key, store_is_null(st, col) ? NULL : store_text(st, col));
}

json_t *or_field_names(const json_t *in) {
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_array_append_new(names, json_string(key));
    return json_pack("{s:o}", "fields", names);
}

herr *or_month_range(const char *month, char from[CLOCK_DATE_LEN], char to[CLOCK_DATE_LEN],
                     char label[8]) {
    int y, m, d;
    if (!month) {
        clock_civil_from_days(clock_now() / 86400, &y, &m, &d);
    } else {
        char day[CLOCK_DATE_LEN];
        snprintf(day, sizeof day, "%.7s-01", month);
        if (strlen(month) != 7 || !clock_parse_date(day, &y, &m, &d) || y < 2000 || y > 2100)
            return err_invalid("month", "month must be YYYY-MM");
    }
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u;
    unsigned ny = um == 12 ? (uy + 1) % 10000u : uy, nm = um == 12 ? 1 : um + 1;
    snprintf(label, 8, "%04u-%02u", uy, um);
    snprintf(from, CLOCK_DATE_LEN, "%04u-%02u-01", uy, um);
    snprintf(to, CLOCK_DATE_LEN, "%04u-%02u-01", ny, nm % 100u);
    return NULL;
}

void or_buf_add(or_buf *b, const char *s, size_t n) {
    if (b->full) return;
    if (b->max && b->len + n > b->max) {
        b->full = true;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->data = mem_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void or_buf_str(or_buf *b, const char *s) { or_buf_add(b, s, strlen(s)); }

void or_buf_printf(or_buf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        or_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = mem_alloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    or_buf_add(b, big, (size_t)n);
    mem_free(big);
}

void or_buf_free(or_buf *b) {
    mem_free(b->data);
    memset(b, 0, sizeof *b);
}
