#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_commands.h"
#include "core/crypto.h"
#include "schema/schema.h"

int cli_fail(herr *e) {
    if (e->field[0])
        fprintf(stderr, "haven: %s (field: %s)\n", e->message, e->field);
    else
        fprintf(stderr, "haven: %s\n", e->message);
    err_free(e);
    return 1;
}

int cli_usage(const char *text, int help) {
    fputs(text, help ? stdout : stderr);
    return help ? 0 : 2;
}

herr *cli_open_db(const char *path, store **out) {
    herr *e = crypto_init();
    if (!e) e = store_open(path, false, out);
    /* Migrations are idempotent: an older database is brought up to date on open. */
    if (!e) e = schema_migrate_all(*out);
    if (e && *out) {
        store_close(*out);
        *out = NULL;
    }
    return e;
}

herr *cli_number(const char *text, const char *option, long long min, long long max,
                 long long *out) {
    char *end = NULL;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (!*text || *end || errno == ERANGE || n < min || n > max)
        return err_invalid(option, "--%s must be a whole number from %lld to %lld (got '%s')",
                           option, min, max, text);
    *out = n;
    return NULL;
}
