#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static herr oom_error = {ERR_INTERNAL, "out of memory", ""};

herr *err_new(err_code code, const char *field, const char *fmt, ...) {
    herr *e = calloc(1, sizeof *e);
    if (!e) return &oom_error;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (field) snprintf(e->field, sizeof e->field, "%s", field);
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
