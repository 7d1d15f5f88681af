/* Internal to the interpreting module. */
#ifndef HAVEN_INTERPRETING_INTERNAL_H
#define HAVEN_INTERPRETING_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "interpreting/interpreting.h"
#include "store/store.h"

/* Mode bits from and to their codes ("in_person", "video", "phone"); 0 when unknown. */
const char *interp_mode_code(unsigned mode);
unsigned interp_mode_from_code(const char *code);

/* Free spans in UTC of an interpreter's profile (weekly pattern in time_zone, leave
 * removed, extra hours added) over [from, to), whole slots only, sorted and merged.
 * Caller frees *out with mem_free. ERR_INVALID (field time_zone) when ICU does not
 * know the zone. */
herr *interp_availability(const json_t *profile, const char *time_zone, int64_t from, int64_t to,
                          interp_span **out, size_t *n);

/* ERR_INVALID unless tz is a time zone ICU knows. */
herr *interp_check_time_zone(const char *tz);

/* The interpreter linked to the actor's account into id; ERR_NOT_FOUND when none. */
herr *interp_own_interpreter(store *s, const actor *a, char id[ID_LEN]);

#endif
