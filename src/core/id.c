#include "core/id.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

/* Ids made in the same millisecond still sort in the order they were made: the 12 bits
 * after the version hold a counter (RFC 9562, method 1), started at a random value each
 * new millisecond and carried into the next millisecond when it runs out. Records that
 * are ordered "by time, then id" (a consent and its withdrawal, a referral's steps) keep
 * their order even when written within one clock tick. */
static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t id_last_ms; /* guarded by id_lock */
static unsigned id_counter; /* guarded by id_lock */

void id_new(char out[ID_LEN]) {
    unsigned char b[16];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint64_t ms = (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u;
    randombytes_buf(b, sizeof b);
    pthread_mutex_lock(&id_lock);
    if (ms > id_last_ms) {
        id_last_ms = ms;
        id_counter = ((unsigned)b[6] << 8 | b[7]) & 0x7ff;
    } else if (++id_counter > 0xfff) {
        id_last_ms++;
        id_counter = 0;
    }
    ms = id_last_ms;
    unsigned counter = id_counter;
    pthread_mutex_unlock(&id_lock);
    for (int i = 0; i < 6; i++) b[i] = (unsigned char)(ms >> (40 - 8 * i));
    b[6] = (unsigned char)(0x70 | (counter >> 8)); /* version 7, counter high bits */
    b[7] = (unsigned char)(counter & 0xff);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, ID_LEN, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

bool id_is_valid(const char *s) {
    if (!s || strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

void id_token(char out[TOKEN_LEN]) {
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2base64(out, TOKEN_LEN, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void id_password(char *out, int n) {
    /* No 0/O, 1/l/I: passwords are read aloud and copied from paper. */
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < n - 1; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[n - 1] = '\0';
}
