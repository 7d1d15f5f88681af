/* Internal to the registry: checking a person's fields. */
#ifndef HAVEN_REGISTRY_PERSON_INPUT_H
#define HAVEN_REGISTRY_PERSON_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

typedef struct {
    int birth_year;        /* 0 when no birth date was given */
    char phone_digits[33]; /* digits of phone, for search */
    int64_t registered_at; /* registration only */
} person_input;

/* Checks in against the person fields; registering adds the required fields and
 * allows site_id, registered_at, check_in and bed. ERR_INVALID names the field. */
herr *person_input_check(const json_t *in, bool registering, person_input *out);

#endif
