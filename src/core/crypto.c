#include "core/crypto.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

herr *crypto_init(void) {
    if (sodium_init() < 0) return err_new(ERR_INTERNAL, NULL, "libsodium could not start");
    return NULL;
}

/* Argon2id cost: libsodium's "interactive" limits (2 passes, 64 MiB), about 0.1 s on the
 * reception laptops Haven runs on; enough against offline guessing of a stolen file,
 * cheap enough that a clerk's login does not wait. */
herr *crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]) {
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return err_new(ERR_INTERNAL, NULL, "password hashing ran out of memory");
    return NULL;
}

bool crypto_password_verify(const char *stored, const char *password) {
    return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX_LEN]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN, h, sizeof h);
}

void crypto_hash_parts_hex(const char *const *parts, char out[CRYPTO_HASH_HEX_LEN]) {
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    for (size_t i = 0; parts[i]; i++) {
        uint64_t n = strlen(parts[i]);
        unsigned char len[8];
        for (int k = 0; k < 8; k++) len[k] = (unsigned char)(n >> (8 * k));
        crypto_generichash_update(&st, len, sizeof len);
        crypto_generichash_update(&st, (const unsigned char *)parts[i], n);
    }
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN, h, sizeof h);
}

bool crypto_equal(const char *a, const char *b) {
    size_t n = strlen(a);
    if (n != strlen(b)) return false;
    return sodium_memcmp(a, b, n) == 0;
}

void crypto_wipe(void *p, size_t n) { sodium_memzero(p, n); }
