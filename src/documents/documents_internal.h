/* Shared inside the documents module only. */
#ifndef HAVEN_DOCUMENTS_INTERNAL_H
#define HAVEN_DOCUMENTS_INTERNAL_H

#include <jansson.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Installs the module as the registry's document source (documents/matching.c). */
void documents_connect_matching(void);

/* The audit detail {"person_id": id}. Caller decrefs. */
json_t *documents_person_detail(const char *person_id);

#endif
