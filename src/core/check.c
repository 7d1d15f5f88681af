/* Input checks shared by the modules' write functions (see check.h). */
#include "core/check.h"

#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/json.h"

herr *check_code(const char *field, const char *value, const char *const *codes) {
    if (value)
        for (size_t i = 0; codes[i]; i++)
            if (!strcmp(codes[i], value)) return NULL;
    char list[400] = "";
    for (size_t i = 0; codes[i]; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", codes[i]);
    }
    return err_with(err_invalid(field, "%s must be one of %s", field, list), "one_of",
                    (const char *)NULL);
}

herr *check_date_text(const char *field, const char *value, bool required,
                      char out[CLOCK_DATE_LEN]) {
    int y, m, d;
    out[0] = '\0';
    if (!value)
        return required ? err_with(err_invalid(field, "%s is required (YYYY-MM-DD)", field),
                                   "required", (const char *)NULL)
                        : NULL;
    if (strlen(value) != 10 || !clock_parse_date(value, &y, &m, &d) || y < 2000 || y > 2100)
        return err_with(err_invalid(field, "%s must be a date YYYY-MM-DD", field), "date_format",
                        (const char *)NULL);
    snprintf(out, CLOCK_DATE_LEN, "%s", value);
    return NULL;
}

herr *check_date(const json_t *in, const char *field, bool required, char out[CLOCK_DATE_LEN]) {
    return check_date_text(field, json_str(in, field), required, out);
}

herr *check_time(const json_t *in, const char *field, int64_t def, int64_t max_ahead,
                 char out[CLOCK_ISO_LEN]) {
    const char *v = json_str(in, field);
    int64_t t = def;
    out[0] = '\0';
    if (!v && def < 0)
        return err_with(err_invalid(field, "%s is required (2023-05-01T09:30:00Z)", field),
                        "required", (const char *)NULL);
    if (v && !clock_parse_iso(v, &t))
        return err_with(err_invalid(field, "%s must be a time such as 2023-05-01T09:30:00Z", field),
                        "time_format", (const char *)NULL);
    if (t < 946684800)
        return err_with(err_invalid(field, "%s must be after the year 2000", field),
                        "time_too_early", (const char *)NULL);
    if (max_ahead >= 0 && t > clock_now() + max_ahead)
        return err_with(err_invalid(field, "%s cannot be in the future", field), "future",
                        (const char *)NULL);
    clock_format_iso(t, out);
    return NULL;
}

herr *check_not_blank(const json_t *in, const char *field, bool required) {
    const char *v = json_str(in, field);
    if (!v) return required ? err_required(field) : NULL;
    for (const char *p = v; *p; p++)
        if (!strchr(" \t\r\n", *p)) return NULL;
    return err_with(err_invalid(field, "%s cannot be empty", field), "empty", (const char *)NULL);
}

herr *check_id(const char *field, const char *value, bool required) {
    if (!value)
        return required ? err_with(err_invalid(field, "%s is required", field), "required",
                                   (const char *)NULL)
                        : NULL;
    if (!id_is_valid(value))
        return err_with(err_invalid(field, "%s must be a record id", field), "record_id",
                        (const char *)NULL);
    return NULL;
}

json_t *check_field_names(const json_t *in) {
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_array_append_new(names, json_string(key));
    return json_pack("{s:o}", "fields", names);
}
