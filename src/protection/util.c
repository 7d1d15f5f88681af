/* Small input checks shared by the module's write functions. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "protection/protection_internal.h"

herr *prot_check_code(const char *field, const char *value, const char *const *codes) {
    if (value)
        for (size_t i = 0; codes[i]; i++)
            if (!strcmp(codes[i], value)) return NULL;
    char list[400] = "";
    for (size_t i = 0; codes[i]; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", codes[i]);
    }
    return err_invalid(field, "%s must be one of %s", field, list);
}

herr *prot_check_date(const json_t *in, const char *field, bool required,
                      char out[CLOCK_DATE_LEN]) {
    const char *v = json_str(in, field);
    int y, m, d;
    out[0] = '\0';
    if (!v) return required ? err_invalid(field, "%s is required (YYYY-MM-DD)", field) : NULL;
    if (strlen(v) != 10 || !clock_parse_date(v, &y, &m, &d) || y < 2000 || y > 2100)
        return err_invalid(field, "%s must be a date YYYY-MM-DD", field);
    snprintf(out, CLOCK_DATE_LEN, "%s", v);
    return NULL;
}

herr *prot_check_time(const json_t *in, const char *field, int64_t def, char out[CLOCK_ISO_LEN]) {
    const char *v = json_str(in, field);
    int64_t t = def;
    if (v && !clock_parse_iso(v, &t))
        return err_invalid(field, "%s must be a time such as 2023-05-01T09:30:00Z", field);
    if (t > clock_now() + 86400) return err_invalid(field, "%s cannot be in the future", field);
    clock_format_iso(t, out);
    return NULL;
}

herr *prot_check_not_blank(const json_t *in, const char *field, bool required) {
    const char *v = json_str(in, field);
    if (!v) return required ? err_required(field) : NULL;
    for (const char *p = v; *p; p++)
        if (!strchr(" \t\r\n", *p)) return NULL;
    return err_invalid(field, "%s cannot be empty", field);
}

json_t *prot_field_names(const json_t *in) {
    json_t *names = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_array_append_new(names, json_string(key));
    return json_pack("{s:o}", "fields", names);
}

void prot_set_col(json_t *obj, const char *key, store_stmt *st, int col) {
    json_set_str(obj, key, store_is_null(st, col) ? NULL : store_text(st, col));
}
