#include "core/codes.h"

#include "core/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

static bool is_lower_alpha(const char *s, size_t min, size_t max) {
    size_t n = strlen(s);
    if (n < min || n > max) return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i])) return false;
    return true;
}

bool codes_country_valid(const char *code) {
    if (!code) return false;
    if (!strcmp(code, "XK") || !strcmp(code, "stateless") || !strcmp(code, "unknown")) return true;
    if (strlen(code) != 2) return false;
    for (const char *const *c = uloc_getISOCountries(); *c; c++)
        if (!strcmp(*c, code)) return true;
    return false;
}

bool codes_language_valid(const char *code) {
    if (!code || !is_lower_alpha(code, 2, 3) || !strcmp(code, "und")) return false;
    for (const char *const *l = uloc_getISOLanguages(); *l; l++)
        if (!strcmp(*l, code)) return true;
    /* Some 639-3 codes (prs for Dari) are named by CLDR but not listed. */
    UChar name[64];
    UErrorCode st = U_ZERO_ERROR;
    uloc_getDisplayLanguage(code, "en", name, 64, &st);
    return U_SUCCESS(st) && st != U_USING_DEFAULT_WARNING;
}

static void to_utf8(const UChar *u, char *out, int size) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strToUTF8(out, size, &n, u, -1, &st);
    if (U_FAILURE(st) || n >= size) out[0] = '\0';
}

static const char *special_country_name(const char *code, const char *locale) {
    bool local = locale && (!strncmp(locale, "bs", 2) || !strncmp(locale, "hr", 2) ||
                            !strncmp(locale, "sr", 2));
    bool cyrl = locale && strstr(locale, "Cyrl");
    if (!strcmp(code, "stateless"))
        return cyrl ? "без држављанства" : local ? "bez državljanstva" : "Stateless";
    if (!strcmp(code, "unknown")) return cyrl ? "непознато" : local ? "nepoznato" : "Unknown";
    return NULL;
}

void codes_country_name(const char *code, const char *locale, char *out, int size) {
    const char *special = special_country_name(code, locale);
    if (special) {
        snprintf(out, (size_t)size, "%s", special);
        return;
    }
    char loc[16];
    snprintf(loc, sizeof loc, "und_%s", code);
    UChar name[128];
    UErrorCode st = U_ZERO_ERROR;
    uloc_getDisplayCountry(loc, locale ? locale : "en", name, 128, &st);
    if (U_FAILURE(st)) {
        snprintf(out, (size_t)size, "%s", code);
        return;
    }
    to_utf8(name, out, size);
    if (!out[0]) snprintf(out, (size_t)size, "%s", code);
}

void codes_language_name(const char *code, const char *locale, char *out, int size) {
    UChar name[128];
    UErrorCode st = U_ZERO_ERROR;
    uloc_getDisplayLanguage(code, locale ? locale : "en", name, 128, &st);
    if (U_FAILURE(st)) {
        snprintf(out, (size_t)size, "%s", code);
        return;
    }
    to_utf8(name, out, size);
    if (!out[0]) snprintf(out, (size_t)size, "%s", code);
}

static int by_name(const void *a, const void *b) {
    json_t *const *x = a, *const *y = b;
    return strcmp(json_string_value(json_object_get(*x, "name")),
                  json_string_value(json_object_get(*y, "name")));
}

json_t *codes_countries_json(const char *locale) {
    size_t n = 3;
    for (const char *const *c = uloc_getISOCountries(); *c; c++) n++;
    json_t **items = mem_alloc(n * sizeof *items);
    size_t k = 0;
    char name[128];
    const char *extra[] = {"XK", "stateless", "unknown"};
    for (size_t i = 0; i < 3; i++) {
        codes_country_name(extra[i], locale, name, sizeof name);
        items[k++] = json_pack("{s:s,s:s}", "code", extra[i], "name", name);
    }
    for (const char *const *c = uloc_getISOCountries(); *c; c++) {
        codes_country_name(*c, locale, name, sizeof name);
        items[k++] = json_pack("{s:s,s:s}", "code", *c, "name", name);
    }
    /* Byte order is close enough to alphabetical for a type-ahead picker. */
    qsort(items, k, sizeof *items, by_name);
    json_t *arr = json_array();
    for (size_t i = 0; i < k; i++) json_array_append_new(arr, items[i]);
    mem_free(items);
    return arr;
}

/* Named by CLDR but not in ICU's list of ISO languages; common among arrivals. */
static const char *const extra_languages[] = {"prs", "ary", "arq", "kmr", "sdh", "hbs"};

json_t *codes_languages_json(const char *locale) {
    size_t n = sizeof extra_languages / sizeof extra_languages[0];
    for (const char *const *l = uloc_getISOLanguages(); *l; l++) n++;
    json_t **items = mem_alloc(n * sizeof *items);
    size_t k = 0;
    char name[128];
    for (size_t i = 0; i < n; i++) {
        size_t nx = sizeof extra_languages / sizeof extra_languages[0];
        const char *code = i < nx ? extra_languages[i] : uloc_getISOLanguages()[i - nx];
        if (!codes_language_valid(code)) continue;
        bool dup = false;
        for (size_t j = 0; i >= nx && j < nx; j++) dup = dup || !strcmp(code, extra_languages[j]);
        if (dup) continue;
        codes_language_name(code, locale, name, sizeof name);
        /* A code ICU cannot name would only puzzle a registrar. */
        if (!strcmp(name, code)) continue;
        items[k++] = json_pack("{s:s,s:s}", "code", code, "name", name);
    }
    qsort(items, k, sizeof *items, by_name);
    json_t *arr = json_array();
    for (size_t i = 0; i < k; i++) json_array_append_new(arr, items[i]);
    mem_free(items);
    return arr;
}
