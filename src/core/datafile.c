#include "core/datafile.h"

#include <string.h>

#include "core/embedded.h"
#include "core/log.h"

int datafile_split_tabs(char *line, char **fields, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

int datafile_each_line(const char *file, void (*fn)(char *line, void *ctx), void *ctx) {
    size_t len = 0;
    const char *data = embedded_find(file, &len);
    if (!data) {
        log_error("data file %s is missing from the build", file);
        return -1;
    }
    const char *p = data;
    while (p < data + len) {
        const char *nl = memchr(p, '\n', (size_t)(data + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
        char line[1024];
        size_t copy = n < sizeof line ? n : sizeof line - 1;
        memcpy(line, p, copy);
        line[copy] = '\0';
        if (copy && line[copy - 1] == '\r') line[copy - 1] = '\0';
        if (line[0] && line[0] != '#') fn(line, ctx);
        p += n + 1;
    }
    return 0;
}
