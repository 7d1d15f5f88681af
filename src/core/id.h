/* id: identifiers and secrets.
 * Record ids are UUIDv7 text (time-ordered, so keyset pagination and B-tree inserts
 * follow registration order); tokens are 32 random bytes, URL-safe base64. */
#ifndef HAVEN_CORE_ID_H
#define HAVEN_CORE_ID_H

#include <stdbool.h>

#define ID_LEN    37 /* 36 characters plus NUL */
#define TOKEN_LEN 44 /* 43 characters plus NUL */

/* Writes a new UUIDv7 ("0190c1b2-....") into out. */
void id_new(char out[ID_LEN]);

/* True when s is a UUID in canonical lower-case text form. */
bool id_is_valid(const char *s);

/* Writes a new random session token into out. */
void id_token(char out[TOKEN_LEN]);

/* Writes a random password of n-1 characters from an unambiguous alphabet. */
void id_password(char *out, int n);

#endif
