/* crypto: the libsodium calls Haven uses, behind names that say what they are for.
 * crypto_init() must be called once before any of them (main and tests do). */
#ifndef HAVEN_CORE_CRYPTO_H
#define HAVEN_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CRYPTO_HASH_HEX_LEN 65 /* 32-byte BLAKE2b as hex plus NUL */
#define CRYPTO_PWHASH_LEN 128  /* crypto_pwhash_STRBYTES */

herr *crypto_init(void);

/* Argon2id hash of a password in libsodium's self-describing string format. */
herr *crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]);

/* True when password matches the stored hash. Takes the full Argon2id time either way. */
bool crypto_password_verify(const char *stored, const char *password);

/* Hex BLAKE2b-256 (generichash) of data. */
void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX_LEN]);

/* Hex BLAKE2b-256 over several parts, each prefixed with its length so that
 * ("ab","c") and ("a","bc") hash differently. parts ends with NULL. */
void crypto_hash_parts_hex(const char *const *parts, char out[CRYPTO_HASH_HEX_LEN]);

/* Overwrites a secret in memory (the compiler may not optimise it away). */
void crypto_wipe(void *p, size_t n);

/* Constant-time comparison of two NUL-terminated strings of equal length. */
bool crypto_equal(const char *a, const char *b);

#endif
