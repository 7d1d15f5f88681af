/* Shared inside the screening module only. */
#ifndef HAVEN_SCREENING_INTERNAL_H
#define HAVEN_SCREENING_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "match/match.h"

/* Reads CSV text (a request body) into set; each skipped line is appended to problems
 * as {line, reason} (up to 20) and counted in *skipped. */
herr *screening_read_csv(const char *csv, size_t len, size_t max_records, match_record_set *set,
                         json_t *problems, size_t *skipped);

#endif
