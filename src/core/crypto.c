#include "core/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

herr *crypto_init(void) {
    if (sodium_init() < 0) return err_new(ERR_INTERNAL, NULL, "libsodium could not start");
    return NULL;
}

/* At most hash_limit Argon2id computations run at once, process-wide: each takes 64 MiB,
 * so fifty logins at the same moment must queue rather than take 3 GiB. */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_free = PTHREAD_COND_INITIALIZER;
static int hash_limit = 2, hash_running, hash_peak; /* guarded by hash_lock */

void crypto_password_concurrency(int n) {
    pthread_mutex_lock(&hash_lock);
    hash_limit = n > 0 ? n : 1;
    pthread_cond_broadcast(&hash_free);
    pthread_mutex_unlock(&hash_lock);
}

int crypto_password_peak(void) {
    pthread_mutex_lock(&hash_lock);
    int n = hash_peak;
    pthread_mutex_unlock(&hash_lock);
    return n;
}

static void hash_enter(void) {
    pthread_mutex_lock(&hash_lock);
    while (hash_running >= hash_limit) pthread_cond_wait(&hash_free, &hash_lock);
    if (++hash_running > hash_peak) hash_peak = hash_running;
    pthread_mutex_unlock(&hash_lock);
}

static void hash_leave(void) {
    pthread_mutex_lock(&hash_lock);
    hash_running--;
    pthread_cond_signal(&hash_free);
    pthread_mutex_unlock(&hash_lock);
}

/* Argon2id cost: libsodium's "interactive" limits (2 passes, 64 MiB), about 0.1 s on the
 * reception laptops Haven runs on; enough against offline guessing of a stolen file,
 * cheap enough that a clerk's login does not wait. */
herr *crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_LEN]) {
    hash_enter();
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    hash_leave();
    if (rc != 0) return err_new(ERR_INTERNAL, NULL, "password hashing ran out of memory");
    return NULL;
}

bool crypto_password_verify(const char *stored, const char *password) {
    hash_enter();
    bool ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    hash_leave();
    return ok;
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

void crypto_random(void *buf, size_t n) { randombytes_buf(buf, n); }

#define SEAL_VERSION 1
#define SEAL_NONCE   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

void crypto_seal(const unsigned char key[CRYPTO_KEY_LEN], const void *plain, size_t len,
                 const char *ad, unsigned char *out) {
    out[0] = SEAL_VERSION;
    randombytes_buf(out + 1, SEAL_NONCE);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + 1 + SEAL_NONCE, &clen, plain, len,
                                               (const unsigned char *)ad, strlen(ad), NULL, out + 1,
                                               key);
}

herr *crypto_open(const unsigned char key[CRYPTO_KEY_LEN], const unsigned char *sealed, size_t len,
                  const char *ad, char **out, size_t *out_len) {
    *out = NULL;
    if (!sealed || len < CRYPTO_SEAL_OVERHEAD || sealed[0] != SEAL_VERSION)
        return err_new(ERR_IO, NULL, "an encrypted value is damaged or of an unknown version");
    size_t plen = len - CRYPTO_SEAL_OVERHEAD;
    char *plain = mem_alloc(plen + 1);
    unsigned long long got = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)plain, &got, NULL, sealed + 1 + SEAL_NONCE, len - 1 - SEAL_NONCE,
            (const unsigned char *)ad, strlen(ad), sealed + 1, key) != 0) {
        mem_free(plain);
        return err_new(ERR_IO, NULL,
                       "an encrypted value cannot be opened: wrong key file, or the data was "
                       "changed");
    }
    plain[got] = '\0';
    *out = plain;
    if (out_len) *out_len = (size_t)got;
    return NULL;
}

char *crypto_seal_text(const unsigned char key[CRYPTO_KEY_LEN], const void *plain, size_t len,
                       const char *ad) {
    size_t n = len + CRYPTO_SEAL_OVERHEAD;
    unsigned char *sealed = mem_alloc(n);
    crypto_seal(key, plain, len, ad, sealed);
    size_t tlen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *text = mem_alloc(tlen);
    sodium_bin2base64(text, tlen, sealed, n, sodium_base64_VARIANT_ORIGINAL);
    mem_free(sealed);
    return text;
}

herr *crypto_open_text(const unsigned char key[CRYPTO_KEY_LEN], const char *sealed, const char *ad,
                       char **out, size_t *out_len) {
    size_t tlen = strlen(sealed), n = 0;
    unsigned char *bin = mem_alloc(tlen / 4 * 3 + 3);
    herr *e = NULL;
    *out = NULL;
    if (sodium_base642bin(bin, tlen / 4 * 3 + 3, sealed, tlen, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        e = err_new(ERR_IO, NULL, "an encrypted value is damaged (not base64)");
    else
        e = crypto_open(key, bin, n, ad, out, out_len);
    mem_free(bin);
    return e;
}

void crypto_key_fingerprint(const unsigned char key[CRYPTO_KEY_LEN],
                            char out[CRYPTO_HASH_HEX_LEN]) {
    static const char label[] = "haven key fingerprint v1";
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)label, sizeof label - 1, key,
                       CRYPTO_KEY_LEN);
    sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN, h, sizeof h);
}

static const char key_header[] = "haven-key v1\n";

herr *crypto_key_file_write(const char *path, const unsigned char key[CRYPTO_KEY_LEN]) {
    char hex[2 * CRYPTO_KEY_LEN + 1], *tmp = mem_printf("%s.tmp", path), *dir = mem_strdup(path);
    char text[sizeof key_header + sizeof hex + 1];
    herr *e = NULL;
    sodium_bin2hex(hex, sizeof hex, key, CRYPTO_KEY_LEN);
    int n = snprintf(text, sizeof text, "%s%s\n", key_header, hex);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = err_new(ERR_IO, "key-file", "cannot write the key file %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    bool ok = fchmod(fd, 0600) == 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        e = err_new(ERR_IO, "key-file", "cannot write the key file %s: %s", path, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
cleanup:
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(text, sizeof text);
    mem_free(tmp);
    mem_free(dir);
    return e;
}

herr *crypto_key_file_read(const char *path, unsigned char key[CRYPTO_KEY_LEN]) {
    char text[256] = "";
    herr *e = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return err_new(ERR_NOT_FOUND, "key-file", "no key file %s", path);
        return err_new(ERR_IO, "key-file", "cannot read the key file %s: %s", path,
                       strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        e = err_new(ERR_IO, "key-file", "the key file %s is not a regular file", path);
        goto cleanup;
    }
    if (sb.st_mode & 077) {
        e = err_new(ERR_FORBIDDEN, "key-file",
                    "the key file %s may be read by other users; run chmod 600 %s", path, path);
        goto cleanup;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    size_t hl = sizeof key_header - 1;
    size_t bin_len = 0;
    if (n < (ssize_t)(hl + 2 * CRYPTO_KEY_LEN) || memcmp(text, key_header, hl) != 0 ||
        sodium_hex2bin(key, CRYPTO_KEY_LEN, text + hl, 2 * CRYPTO_KEY_LEN, NULL, &bin_len, NULL) !=
            0 ||
        bin_len != CRYPTO_KEY_LEN)
        e = err_new(ERR_INVALID, "key-file", "the key file %s is not a Haven key file", path);
cleanup:
    sodium_memzero(text, sizeof text);
    close(fd);
    return e;
}
