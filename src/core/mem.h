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

#endif
