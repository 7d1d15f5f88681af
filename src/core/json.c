#include "core/json.h"

#include <string.h>

#include "core/text.h"

/* The interface's word for a type (errors.key.wrong_type's {type}). */
static const char *type_key(json_field_type t) {
    switch (t) {
    case JF_STRING:
    case JF_TEXT: return "string";
    case JF_INT: return "integer";
    case JF_BOOL: return "boolean";
    case JF_STRING_ARRAY: return "string_array";
    case JF_OBJECT: return "object";
    case JF_ARRAY: return "array";
    }
    return "?";
}

static const char *type_name(json_field_type t) {
    switch (t) {
    case JF_STRING:
    case JF_TEXT: return "a string";
    case JF_INT: return "an integer";
    case JF_BOOL: return "true or false";
    case JF_STRING_ARRAY: return "an array of strings";
    case JF_OBJECT: return "an object";
    case JF_ARRAY: return "an array";
    }
    return "?";
}

static herr *check_string(const char *name, const char *s, json_field_type type, size_t max) {
    char max_text[24];
    snprintf(max_text, sizeof max_text, "%zu", max);
    if (max && text_utf8_length(s) > max)
        return err_with(err_invalid(name, "%s is longer than %zu characters", name, max),
                        "too_long", "max", max_text, NULL);
    if (type != JF_TEXT && !text_is_single_line(s))
        return err_with(err_invalid(name, "%s must be one line without control characters", name),
                        "one_line", NULL);
    return NULL;
}

static herr *check_member(const json_field *f, const json_t *v) {
    if (json_is_null(v)) {
        if (f->required) return err_required(f->name);
        return NULL;
    }
    bool ok = false;
    switch (f->type) {
    case JF_STRING:
    case JF_TEXT: ok = json_is_string(v); break;
    case JF_INT: ok = json_is_integer(v); break;
    case JF_BOOL: ok = json_is_boolean(v); break;
    case JF_STRING_ARRAY:
    case JF_ARRAY: ok = json_is_array(v); break;
    case JF_OBJECT: ok = json_is_object(v); break;
    }
    if (!ok)
        return err_with(err_invalid(f->name, "%s must be %s", f->name, type_name(f->type)),
                        "wrong_type", "type", type_key(f->type), NULL);
    if (f->type == JF_STRING || f->type == JF_TEXT)
        return check_string(f->name, json_string_value(v), f->type, f->max_len);
    if (f->type == JF_STRING_ARRAY || f->type == JF_ARRAY) {
        if (f->max_len && json_array_size(v) > f->max_len) {
            char max_text[24];
            snprintf(max_text, sizeof max_text, "%zu", f->max_len);
            return err_with(err_invalid(f->name, "%s has more than %zu items", f->name, f->max_len),
                            "too_many_items", "max", max_text, NULL);
        }
        if (f->type == JF_ARRAY) return NULL;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (!json_is_string(item))
                return err_with(err_invalid(f->name, "%s must be an array of strings", f->name),
                                "wrong_type", "type", "string_array", NULL);
            herr *e = check_string(f->name, json_string_value(item), JF_STRING, 64);
            if (e) return e;
        }
    }
    return NULL;
}

herr *json_check(const json_t *body, const json_field *fields, size_t n) {
    if (!json_is_object(body))
        return err_with(err_invalid("body", "the request body must be a JSON object"), "wrong_type",
                        "type", "object", NULL);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        const json_field *f = NULL;
        for (size_t i = 0; i < n && !f; i++)
            if (!strcmp(fields[i].name, key)) f = &fields[i];
        /* An empty key ({"": 1}) still names a field: the body (found by fuzz_person). */
        if (!f)
            return err_with(err_invalid(key[0] ? key : "body", "unknown field \"%s\"", key),
                            "unknown_field", NULL);
        herr *e = check_member(f, v);
        if (e) return e;
    }
    for (size_t i = 0; i < n; i++)
        if (fields[i].required && !json_object_get(body, fields[i].name))
            return err_with(err_invalid(fields[i].name, "%s is required", fields[i].name),
                            "required", NULL);
    return NULL;
}

const char *json_str(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

bool json_has(const json_t *obj, const char *key) { return json_object_get(obj, key) != NULL; }

herr *json_parse_body(const char *data, size_t len, json_t **out) {
    json_error_t jerr;
    *out = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!*out) {
        char line[16], column[16];
        snprintf(line, sizeof line, "%d", jerr.line);
        snprintf(column, sizeof column, "%d", jerr.column);
        return err_with(err_invalid("body", "malformed JSON at line %d, column %d: %s", jerr.line,
                                    jerr.column, jerr.text),
                        "malformed_json", "line", line, "column", column, NULL);
    }
    return NULL;
}

void json_set_str(json_t *obj, const char *key, const char *value) {
    json_object_set_new(obj, key, value ? json_string(value) : json_null());
}
