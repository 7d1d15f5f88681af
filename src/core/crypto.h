/* crypto: the libsodium calls Haven uses, behind names that say what they are for.
 * crypto_init() must be called once before any of them (main and tests do). */
#ifndef HAVEN_CORE_CRYPTO_H
#define HAVEN_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CRYPTO_HASH_HEX_LEN 65  /* 32-byte BLAKE2b as hex plus NUL */
#define CRYPTO_PWHASH_LEN   128 /* crypto_pwhash_STRBYTES */

herr *crypto_init(void);

/* How many password hashes (and verifications) may run at once in this process; the
 * others wait their turn. Default 2; n < 1 means 1. */
void crypto_password_concurrency(int n);

/* The most hashes that have run at once so far (for tests and benchmarks). */
int crypto_password_peak(void);

/* Argon2id hash of a password in libsodium's self-describing string format. At most
 * crypto_password_concurrency run at once. */
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

/* ---- sealing records at rest ---------------------------------------------------
 * XChaCha20-Poly1305 (IETF) with a random 24-byte nonce. A sealed value is
 * version (1 byte) | nonce (24) | ciphertext | tag (16); the associated data names the
 * record and field it belongs to, so a sealed value moved to another row or column no
 * longer opens. */
#define CRYPTO_KEY_LEN       32
#define CRYPTO_SEAL_OVERHEAD (1 + 24 + 16)

/* Fills buf with n random bytes. */
void crypto_random(void *buf, size_t n);

/* Seals len bytes of plain into out, which must hold len + CRYPTO_SEAL_OVERHEAD bytes. */
void crypto_seal(const unsigned char key[CRYPTO_KEY_LEN], const void *plain, size_t len,
                 const char *ad, unsigned char *out);

/* Opens a sealed value into a new NUL-terminated buffer (*out, caller frees with
 * mem_free; *out_len its length without the NUL). ERR_IO when the value is damaged, was
 * sealed under another key or belongs to another record (ad differs). */
herr *crypto_open(const unsigned char key[CRYPTO_KEY_LEN], const unsigned char *sealed, size_t len,
                  const char *ad, char **out, size_t *out_len);

/* The same, as text for a TEXT column (SQL common to SQLite and PostgreSQL has no
 * binary type): standard base64 of the sealed bytes, in a new string the caller frees
 * with mem_free. */
char *crypto_seal_text(const unsigned char key[CRYPTO_KEY_LEN], const void *plain, size_t len,
                       const char *ad);

/* Opens a value of crypto_seal_text; errors as crypto_open (ERR_IO). */
herr *crypto_open_text(const unsigned char key[CRYPTO_KEY_LEN], const char *sealed, const char *ad,
                       char **out, size_t *out_len);

/* Hex fingerprint of a key (keyed BLAKE2b of a fixed label): stored beside the data so
 * that a wrong key file is recognised before anything is decrypted. Reveals nothing of
 * the key. */
void crypto_key_fingerprint(const unsigned char key[CRYPTO_KEY_LEN], char out[CRYPTO_HASH_HEX_LEN]);

/* Writes a key file atomically: a temporary file beside path (mode 0600), fsync,
 * rename over path, fsync of the directory. ERR_IO naming the path on failure. */
herr *crypto_key_file_write(const char *path, const unsigned char key[CRYPTO_KEY_LEN]);

/* Reads a key file written by crypto_key_file_write. ERR_NOT_FOUND when absent;
 * ERR_FORBIDDEN when group or others may read it; ERR_INVALID when malformed. */
herr *crypto_key_file_read(const char *path, unsigned char key[CRYPTO_KEY_LEN]);

#endif
