/* mem: the one allocation wrapper. Running out of memory is treated as fatal (the
 * process logs and aborts) so that callers need not thread an error through every
 * allocation; everything else that can fail returns an herr. */
#ifndef HAVEN_CORE_MEM_H
#define HAVEN_CORE_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n); /* zeroed */
void *mem_realloc(void *p, size_t n);
char *mem_strdup(const char *s); /* NULL in, NULL out */
char *mem_strndup(const char *s, size_t n);
char *mem_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mem_free(void *p);

/* A byte buffer that grows as writers append to it (a PDF or PNG streamed by cairo,
 * say); data stays NULL until the first bytes come. The owner frees data. */
typedef struct {
    char *data;
    size_t len, cap;
} mem_buf;
void mem_buf_append(mem_buf *b, const void *data, size_t n);

#endif
