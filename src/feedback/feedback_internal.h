/* Shared inside the feedback module only. */
#ifndef HAVEN_FEEDBACK_INTERNAL_H
#define HAVEN_FEEDBACK_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/clock.h"

/* The lines of a data file of codes with three names: [{"code",...,"en","bs","sr"}];
 * n_extra integer columns after the code (named by extra). */
json_t *fb_code_list(const char *file, const char *const *extra, int n_extra);

/* True when code is in the list. */
bool fb_code_in(const json_t *list, const char *code);

/* The actor's sites as ",a,b," (caller frees). */
char *fb_scope(const actor *a);

/* from..to (YYYY-MM-DD, default the last 12 months) and the ISO bounds. */
herr *fb_period(const char *from_in, const char *to_in, char from[CLOCK_DATE_LEN],
                char to[CLOCK_DATE_LEN], char from_iso[CLOCK_ISO_LEN], char to_iso[CLOCK_ISO_LEN]);

/* data/surveys.json (caller owns). */
json_t *fb_forms(void);

#endif
