/* embedded: the files of data/ compiled into the binary (see cmake/embed.cmake). */
#ifndef HAVEN_CORE_EMBEDDED_H
#define HAVEN_CORE_EMBEDDED_H

#include <stddef.h>

/* Contents of data/<name>, NUL-terminated, with its length in *len (may be NULL);
 * NULL when there is no such file. The memory is static. */
const char *embedded_find(const char *name, size_t *len);

#endif
