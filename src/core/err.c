#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

static herr oom_error = {ERR_INTERNAL, "out of memory", ""};

herr *err_new(err_code code, const char *field, const char *fmt, ...) {
    herr *e = calloc(1, sizeof *e);
    if (!e) return &oom_error;
    e->code = code;
    /* Messages echo input (paths, keys): format with room to spare, then keep what fits
     * as well-formed UTF-8 cut at a character boundary, so that building the JSON error
     * body from it cannot fail. */
    char text[2 * sizeof e->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    text_utf8_copy(e->message, sizeof e->message, text);
    if (field) text_utf8_copy(e->field, sizeof e->field, field);
    return e;
}

herr *err_with(herr *e, const char *key, ...) {
    if (!e || e == &oom_error) return e;
    text_utf8_copy(e->key, sizeof e->key, key);
    va_list ap;
    va_start(ap, key);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        if (e->n_params == ERR_MAX_PARAMS) continue;
        /* Values echo input too: whole characters, valid UTF-8 (see err_new). */
        text_utf8_copy(e->params[e->n_params].name, sizeof e->params[0].name, name);
        text_utf8_copy(e->params[e->n_params].value, sizeof e->params[0].value, value);
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
