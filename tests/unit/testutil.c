#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/mem.h"
#include "schema/schema.h"

void assert_err_(herr *e, err_code code, const char *field, const char *expr, const char *file,
                 int line) {
    if (!e) {
        print_error("%s:%d: %s succeeded, expected error %s\n", file, line, expr,
                    err_code_name(code));
        _fail(file, line);
    }
    if (e->code != code || (field && strcmp(e->field, field) != 0)) {
        print_error("%s:%d: %s failed with %s (field '%s': %s), expected %s (field '%s')\n", file,
                    line, expr, err_code_name(e->code), e->field, e->message, err_code_name(code),
                    field ? field : "");
        err_free(e);
        _fail(file, line);
    }
    err_free(e);
}

store *test_db_open(void) {
    char path[] = "/tmp/haven-test-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    unlink(path);
    store *s = NULL;
    herr *e = crypto_init();
    if (!e) e = store_open(path, true, &s);
    if (!e) e = schema_migrate_all(s);
    if (e) {
        fprintf(stderr, "test database: %s\n", e->message);
        abort();
    }
    return s;
}

void test_db_close(store *s) {
    char *path = mem_strdup(store_path(s));
    store_close(s);
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    mem_free(path);
}
