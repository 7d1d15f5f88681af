/* Private temporary files: one place that knows where they go and how they are named. */
#include "core/tempfile.h"

#include <stdlib.h>

#include "core/mem.h"

int tempfile_create(const char *name, char **path) {
    const char *dir = getenv("TMPDIR");
    *path = mem_printf("%s/haven-%s-XXXXXX", dir && dir[0] ? dir : "/tmp", name);
    return mkstemp(*path); /* 0600 */
}
