/* demo: the demonstration data of `haven init --demo`: the four temporary reception
 * centres of Una-Sana and Sarajevo cantons, a user of each role, and a few thousand
 * people with stays, shaped like the 2023 figures (Afghanistan 42%, Morocco 21%,
 * Syria 7% ...; about 93% men; stays of about 8 days). Written through the modules'
 * own functions, so it is validated and audited like any other data. */
#ifndef HAVEN_DEMO_DEMO_H
#define HAVEN_DEMO_DEMO_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* Loads the demo into an empty database in one transaction. *logins receives
 * [{"username","role","password","sites"}] of the demo users (caller owns it).
 * ERR_CONFLICT when the database already has sites. */
herr *demo_load(store *s, uint64_t seed, int n_persons, json_t **logins);

#endif
