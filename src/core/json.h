/* json: checking request bodies against a field list, and small helpers over jansson.
 *
 * A module describes the fields it accepts once, as a table; json_check() rejects
 * anything else (unknown fields, wrong types, over-long or multi-line strings,
 * missing required fields) with an ERR_INVALID error that names the field. */
#ifndef HAVEN_CORE_JSON_H
#define HAVEN_CORE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef enum {
    JF_STRING, /* one-line text */
    JF_TEXT,   /* text that may span lines (notes) */
    JF_INT,    /* integer */
    JF_BOOL,
    JF_STRING_ARRAY, /* array of one-line strings */
    JF_OBJECT,
    JF_ARRAY,
} json_field_type;

typedef struct {
    const char *name;
    json_field_type type;
    bool required;
    size_t max_len; /* strings: code points; arrays: items; 0 means no limit */
} json_field;

/* Checks that body is an object whose members all appear in fields with the right
 * type; null is accepted for fields that are not required (meaning "none"). */
herr *json_check(const json_t *body, const json_field *fields, size_t n_fields);

/* Member as string, or NULL when absent, null or not a string. */
const char *json_str(const json_t *obj, const char *key);

/* True when the member is present (null counts as present). */
bool json_has(const json_t *obj, const char *key);

/* Parses a request body; ERR_INVALID with field "body" and jansson's message
 * (line and column) on malformed JSON or invalid UTF-8. */
herr *json_parse_body(const char *data, size_t len, json_t **out);

/* Sets key to a string, or to null when value is NULL. */
void json_set_str(json_t *obj, const char *key, const char *value);

#endif
