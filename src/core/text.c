#include "core/text.h"

#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "core/mem.h"

/* Length of the well-formed UTF-8 sequence at s[0..len) (1 to 4), or 0 when the bytes
 * there are not one (stray continuation, overlong, surrogate, truncated, > U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, size_t len) {
    unsigned c = s[0];
    size_t n;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 3, cp = c & 0x07;
    else
        return 0;
    if (n >= len) return 0; /* truncated sequence */
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n + 1;
}

bool text_utf8_valid(const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(s + i, len - i);
        if (!n) return false;
        i += n;
    }
    return true;
}

size_t text_log_escape(char *dst, size_t size, const char *src) {
    static const char hex[] = "0123456789abcdef";
    if (!size) return 0;
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t len = strlen((const char *)s), w = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence(s + i, len - i);
        char esc[5];
        const char *piece = (const char *)s + i;
        size_t piece_len = n;
        bool control = n == 1 && (s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\');
        if (n == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f) control = true; /* C1 */
        if (!n || control) {
            /* One byte at a time: a C1 control's two bytes each get their escape. */
            esc[0] = '\\', esc[1] = 'x', esc[2] = hex[s[i] >> 4], esc[3] = hex[s[i] & 15];
            esc[4] = '\0';
            piece = esc, piece_len = 4, n = 1;
        }
        if (w + piece_len >= size) break; /* never cut inside a character or an escape */
        memcpy(dst + w, piece, piece_len);
        w += piece_len;
        i += n;
    }
    dst[w] = '\0';
    return w;
}

size_t text_utf8_length(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

size_t text_visible_length(const char *s) {
    size_t n = 0;
    int32_t i = 0, len = s ? (int32_t)strlen(s) : 0;
    while (i < len) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c < 0) continue; /* not UTF-8: not a visible character */
        int8_t type = u_charType(c);
        if (u_isUWhiteSpace(c) || type == U_CONTROL_CHAR || type == U_FORMAT_CHAR ||
            type == U_UNASSIGNED || type == U_SURROGATE || type == U_PRIVATE_USE_CHAR ||
            type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
            u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
            u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL) ||
            u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR))
            continue;
        n++;
    }
    return n;
}

bool text_is_single_line(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) return false;
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) return false; /* C1 controls */
    }
    return true;
}

static pthread_mutex_t fold_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *fold_trans; /* guarded by fold_lock, and used only with it held */

static herr *fold_open(void) {
    if (fold_trans) return NULL;
    static const char rules[] = "Any-Latin; Latin-ASCII; Lower";
    UChar id[64];
    UErrorCode status = U_ZERO_ERROR;
    u_uastrcpy(id, rules);
    fold_trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
    if (U_FAILURE(status))
        return err_new(ERR_INTERNAL, NULL, "ICU transliterator failed: %s", u_errorName(status));
    return NULL;
}

/* Keeps letters and digits, turns every other run into one space. */
static void squeeze_to_words(char *s) {
    char *w = s;
    int pending_space = 0;
    for (char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (pending_space && w != s) *w++ = ' ';
            pending_space = 0;
            *w++ = (char)c;
        } else {
            pending_space = 1;
        }
    }
    *w = '\0';
}

herr *text_fold(const char *s, char **out) {
    herr *e = NULL;
    UChar *buf = NULL;
    char *res = NULL;
    *out = NULL;
    UErrorCode status = U_ZERO_ERROR;
    int32_t len = 0;
    u_strFromUTF8(NULL, 0, &len, s, -1, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) {
        e = err_new(ERR_INVALID, NULL, "text is not valid UTF-8");
        goto cleanup;
    }
    /* Transliteration can grow text (one Arabic letter becomes "sh", U+FDFA eighteen
     * letters and their Latin): leave room, and start again with more when it was not
     * enough (found by tests/fuzz/fuzz_names.c). */
    int32_t cap = len * 4 + 16;
    for (int attempt = 0; attempt < 4; attempt++, cap *= 4) {
        mem_free(buf);
        buf = mem_alloc((size_t)cap * sizeof(UChar));
        status = U_ZERO_ERROR;
        u_strFromUTF8(buf, cap, &len, s, -1, &status);
        if (U_FAILURE(status)) {
            e = err_new(ERR_INVALID, NULL, "text is not valid UTF-8");
            goto cleanup;
        }
        pthread_mutex_lock(&fold_lock);
        e = fold_open();
        int32_t limit = len;
        if (!e) utrans_transUChars(fold_trans, buf, &len, cap, 0, &limit, &status);
        pthread_mutex_unlock(&fold_lock);
        if (e) goto cleanup;
        if (status != U_BUFFER_OVERFLOW_ERROR) break;
    }
    if (U_FAILURE(status)) {
        e = err_new(ERR_INTERNAL, NULL, "transliteration failed: %s", u_errorName(status));
        goto cleanup;
    }
    int32_t n8 = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &n8, buf, len, &status);
    res = mem_alloc((size_t)n8 + 1);
    status = U_ZERO_ERROR;
    u_strToUTF8(res, n8 + 1, &n8, buf, len, &status);
    squeeze_to_words(res);
    *out = res;
    res = NULL;
cleanup:
    mem_free(buf);
    mem_free(res);
    return e;
}

void text_shutdown(void) {
    pthread_mutex_lock(&fold_lock);
    if (fold_trans) utrans_close(fold_trans);
    fold_trans = NULL;
    pthread_mutex_unlock(&fold_lock);
}
