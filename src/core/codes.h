/* codes: the code lists people are described with, from ICU's copy of CLDR rather
 * than a table typed by hand: ISO 3166 alpha-2 countries (plus XK for Kosovo and the
 * words "stateless" and "unknown") and ISO 639 languages (two- or three-letter). */
#ifndef HAVEN_CORE_CODES_H
#define HAVEN_CORE_CODES_H

#include <jansson.h>
#include <stdbool.h>

/* True for an upper-case ISO 3166 alpha-2 code, "XK", "stateless" or "unknown". */
bool codes_country_valid(const char *code);

/* True for a lower-case ISO 639-1 or 639-3 code ICU can name ("ps", "prs", "ary"). */
bool codes_language_valid(const char *code);

/* Country or language name in the locale ("en", "bs", "sr", "sr_Cyrl"); writes the
 * code itself when ICU has no name. */
void codes_country_name(const char *code, const char *locale, char *out, int size);
void codes_language_name(const char *code, const char *locale, char *out, int size);

/* [{"code","name"}] of every country (with XK, stateless, unknown), sorted by name,
 * for pickers. Caller owns the result (json_decref). */
json_t *codes_countries_json(const char *locale);

/* [{"code","name"}] of every language ICU can name in the locale (the ISO 639 list,
 * plus 639-3 codes met at reception such as prs, ary, kmr), sorted by name, for
 * pickers. Caller owns the result (json_decref). */
json_t *codes_languages_json(const char *locale);

#endif
