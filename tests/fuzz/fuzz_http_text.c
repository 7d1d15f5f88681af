/* libFuzzer harness: the text that error answers and log lines echo from requests.
 * Whatever the bytes, text_log_escape gives one line of well-formed UTF-8 without control
 * characters within its buffer, and err_new's message and field are well-formed UTF-8
 * (issue 10: "%ff" crashed the server, "%0a" forged a log line). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t cap = size % 97 + 1; /* buffer sizes small and odd, to cut anywhere */
    char *out = malloc(cap);
    size_t n = text_log_escape(out, cap, s);
    if (n >= cap || strlen(out) != n || !text_utf8_valid(out, n)) abort();
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) abort();
    herr *e = err_new(ERR_NOT_FOUND, s, "no endpoint GET %s", s);
    if (!text_utf8_valid(e->message, strlen(e->message)) ||
        !text_utf8_valid(e->field, strlen(e->field)))
        abort();
    err_free(e);
    free(out);
    free(s);
    return 0;
}
