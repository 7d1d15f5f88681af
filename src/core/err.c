#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

static herr oom_error = {ERR_INTERNAL, "out of memory", ""};

/* Makes buf valid UTF-8 in place: a sequence cut by the size limit is dropped, any
 * other invalid byte becomes '?'. Messages echo outside input (paths, field names)
 * and must always become a JSON string. */
static void make_utf8(char *buf) {
    unsigned char *s = (unsigned char *)buf;
    size_t len = strlen(buf);
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t n = c >= 0xc2 && c <= 0xdf   ? 2
                   : c >= 0xe0 && c <= 0xef ? 3
                   : c >= 0xf0 && c <= 0xf4 ? 4
                                            : 1;
        if (i + n > len) {
            size_t k = i + 1;
            while (k < len && (s[k] & 0xc0) == 0x80) k++;
            if (k == len) { /* cut inside a character */
                s[i] = '\0';
                break;
            }
        }
        if (c >= 0x80 && (i + n > len || !text_utf8_valid(buf + i, n))) {
            s[i] = '?';
            n = 1;
        }
        i += n;
    }
}

herr *err_new(err_code code, const char *field, const char *fmt, ...) {
    herr *e = calloc(1, sizeof *e);
    if (!e) return &oom_error;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    make_utf8(e->message);
    if (field) {
        snprintf(e->field, sizeof e->field, "%s", field);
        make_utf8(e->field);
    }
    return e;
}

herr *err_with(herr *e, const char *key, ...) {
    if (!e || e == &oom_error) return e;
    snprintf(e->key, sizeof e->key, "%s", key ? key : "");
    va_list ap;
    va_start(ap, key);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        if (e->n_params == ERR_MAX_PARAMS) continue;
        snprintf(e->params[e->n_params].name, sizeof e->params[0].name, "%s", name);
        snprintf(e->params[e->n_params].value, sizeof e->params[0].value, "%s", value ? value : "");
        make_utf8(e->params[e->n_params].name);
        make_utf8(e->params[e->n_params].value); /* values echo input, cut at 95 bytes */
        e->n_params++;
    }
    va_end(ap);
    return e;
}

void err_free(herr *e) {
    if (e && e != &oom_error) free(e);
}

static const struct {
    err_code code;
    const char *name;
    int status;
} err_table[] = {
    {ERR_INVALID, "invalid", 400},
    {ERR_UNAUTHENTICATED, "unauthenticated", 401},
    {ERR_FORBIDDEN, "forbidden", 403},
    {ERR_NOT_FOUND, "not_found", 404},
    {ERR_CONFLICT, "conflict", 409},
    {ERR_TOO_LARGE, "too_large", 413},
    {ERR_UNSUPPORTED, "unsupported_media_type", 415},
    {ERR_RATE_LIMITED, "rate_limited", 429},
    {ERR_IO, "io", 500},
    {ERR_INTERNAL, "internal", 500},
    {ERR_UNAVAILABLE, "unavailable", 503},
};

const char *err_code_name(err_code code) {
    for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
        if (err_table[i].code == code) return err_table[i].name;
    return "internal";
}

int err_http_status(err_code code) {
    for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
        if (err_table[i].code == code) return err_table[i].status;
    return 500;
}
