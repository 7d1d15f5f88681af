#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem_die(size_t n) {
    fprintf(stderr, "haven: out of memory allocating %zu bytes\n", n);
    abort();
}

void *mem_alloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p) mem_die(n);
    return p;
}

void *mem_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) mem_die(n);
    return q;
}

char *mem_strdup(const char *s) {
    if (!s) return NULL;
    return mem_strndup(s, strlen(s));
}

char *mem_strndup(const char *s, size_t n) {
    if (!s) return NULL;
    char *p = mem_alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mem_printf(const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = mem_alloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void mem_free(void *p) { free(p); }

void mem_buf_append(mem_buf *b, const void *data, size_t n) {
    if (!n) return;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = mem_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}
