/* Validation of a person's fields, shared by registration and correction. Nothing is
 * written until every field passed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/text.h"
#include "registry/person_input.h"

static const json_field person_fields[] = {
    {"given_name", JF_STRING, false, 100},   {"family_name", JF_STRING, false, 100},
    {"native_name", JF_STRING, false, 200},  {"sex", JF_STRING, false, 1},
    {"birth_date", JF_STRING, false, 10},    {"birth_date_precision", JF_STRING, false, 10},
    {"citizenship", JF_STRING, false, 9},    {"languages", JF_STRING_ARRAY, false, 10},
    {"phone", JF_STRING, false, 32},         {"site_id", JF_STRING, false, 36},
    {"registered_at", JF_STRING, false, 40}, {"check_in", JF_BOOL, false, 0},
    {"bed", JF_STRING, false, 40},
};

/* Nothing that shows: spaces, zero-width or direction-control characters only. */
static bool blank(const char *s) { return text_visible_length(s) == 0; }

static herr *check_name(const json_t *in, const char *field, bool required) {
    if (!json_has(in, field)) {
        if (required) return err_required(field);
        return NULL;
    }
    const char *v = json_str(in, field);
    if ((required || json_has(in, field)) && blank(v) && strcmp(field, "native_name") != 0)
        return err_with(err_invalid(field, "%s cannot be empty", field), "empty",
                        (const char *)NULL);
    if (v && v[0] && blank(v)) /* a native name may be left out, not made invisible */
        return err_invalid(field, "%s has no visible character", field);
    return NULL;
}

static herr *check_birth_date(const json_t *in, person_input *out) {
    const char *date = json_str(in, "birth_date");
    const char *precision = json_str(in, "birth_date_precision");
    if (date) {
        int y, m, d;
        if (!clock_parse_date(date, &y, &m, &d))
            return err_invalid("birth_date", "birth_date must be a real date YYYY-MM-DD");
        char today[CLOCK_DATE_LEN];
        clock_format_date(clock_now(), today);
        if (strcmp(date, today) > 0)
            return err_invalid("birth_date", "birth_date cannot be in the future");
        if (y < 1900) return err_invalid("birth_date", "birth_date cannot be before 1900");
        out->birth_year = y;
    }
    if (precision) {
        if (strcmp(precision, "exact") && strcmp(precision, "year") &&
            strcmp(precision, "estimated"))
            return err_invalid("birth_date_precision",
                               "birth_date_precision must be exact, year or estimated");
        if (!date && json_has(in, "birth_date"))
            return err_invalid("birth_date_precision", "birth_date_precision needs a birth_date");
    }
    return NULL;
}

static herr *check_languages(const json_t *in) {
    json_t *langs = json_object_get(in, "languages");
    size_t i;
    json_t *v;
    json_array_foreach(langs, i, v) {
        if (!codes_language_valid(json_string_value(v)))
            return err_invalid("languages",
                               "'%s' is not an ISO 639 language code (for example ps, fa, ar, ur)",
                               json_string_value(v));
    }
    return NULL;
}

static herr *check_phone(const char *phone, char digits[33]) {
    int n = 0;
    for (const char *p = phone; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n < 32) digits[n++] = *p;
        } else if (!strchr("+ ()-./", *p)) {
            return err_invalid("phone", "phone may contain digits, spaces and + ( ) - . / only");
        }
    }
    digits[n] = '\0';
    if (n < 6) return err_invalid("phone", "phone must have at least 6 digits");
    return NULL;
}

herr *person_input_check(const json_t *in, bool registering, person_input *out) {
    memset(out, 0, sizeof *out);
    herr *e = json_check(in, person_fields, sizeof person_fields / sizeof person_fields[0]);
    if (e) return e;
    if ((e = check_name(in, "given_name", registering))) return e;
    if ((e = check_name(in, "family_name", registering))) return e;
    if ((e = check_name(in, "native_name", false))) return e;
    const char *sex = json_str(in, "sex");
    if (registering && !sex) return err_invalid("sex", "sex is required (M, F or X)");
    if (json_has(in, "sex") && (!sex || (strcmp(sex, "M") && strcmp(sex, "F") && strcmp(sex, "X"))))
        return err_with(err_invalid("sex", "sex must be M, F or X"), "one_of", (const char *)NULL);
    if ((e = check_birth_date(in, out))) return e;
    const char *cit = json_str(in, "citizenship");
    if (registering && !cit)
        return err_invalid("citizenship", "citizenship is required (use \"unknown\" if not known)");
    if (json_has(in, "citizenship") && !codes_country_valid(cit))
        return err_invalid("citizenship",
                           "citizenship must be an ISO 3166 alpha-2 code such as AF, MA or SY, "
                           "XK, \"stateless\" or \"unknown\"");
    if ((e = check_languages(in))) return e;
    const char *phone = json_str(in, "phone");
    if (phone && phone[0] && (e = check_phone(phone, out->phone_digits))) return e;
    if (!registering) {
        static const char *const fixed[] = {"site_id", "registered_at", "check_in", "bed"};
        for (size_t i = 0; i < 4; i++)
            if (json_has(in, fixed[i]))
                return err_invalid(fixed[i], "%s cannot be changed here", fixed[i]);
        return NULL;
    }
    if (!json_str(in, "site_id")) return err_required("site_id");
    const char *at = json_str(in, "registered_at");
    out->registered_at = clock_now();
    if (at) {
        if (!clock_parse_iso(at, &out->registered_at))
            return err_invalid("registered_at",
                               "registered_at must be a time like 2026-11-23T08:30:00Z");
        if (out->registered_at > clock_now() + 300)
            return err_invalid("registered_at", "registered_at cannot be in the future");
        if (out->registered_at < 86400)
            return err_invalid("registered_at", "registered_at must be after 1970-01-01");
    }
    /* Nobody is registered before being born. */
    const char *birth = json_str(in, "birth_date");
    char day[CLOCK_DATE_LEN];
    clock_format_date(out->registered_at, day);
    if (birth && strcmp(day, birth) < 0)
        return err_invalid("registered_at", "registered_at (%s) cannot be before birth_date (%s)",
                           day, birth);
    if (json_has(in, "bed") && !json_is_true(json_object_get(in, "check_in")) &&
        json_str(in, "bed"))
        return err_invalid("bed", "bed needs check_in: true");
    return NULL;
}
