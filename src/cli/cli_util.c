#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/store.h"
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

herr *cli_db_lock(const char *db, const char *what, int *fd) {
    char path[4096], holder[128] = "";
    *fd = -1;
    /* PostgreSQL: no file to lock. Several haven serve may share the database: each
     * follows the others' changes into its match index (docs/deployment.md). */
    if (store_url_is_postgres(db)) return NULL;
    if ((size_t)snprintf(path, sizeof path, "%s.lock", db) >= sizeof path)
        return err_invalid("db", "the database path is too long");
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0)
        return err_new(ERR_IO, "db", "cannot open the lock file %s: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int why = errno;
        ssize_t n = pread(f, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = 0;
        holder[strcspn(holder, "\n")] = 0;
        close(f);
        if (why == EWOULDBLOCK)
            return err_new(ERR_CONFLICT, "db",
                           "the database %s is in use by %s; stop it first (lock file %s)", db,
                           holder[0] ? holder : "another haven process", path);
        return err_new(ERR_IO, "db", "cannot lock %s: %s", path, strerror(why));
    }
    int n = snprintf(holder, sizeof holder, "haven %s (process %ld)\n", what, (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, holder, (size_t)n, 0) != n) {
        herr *e = err_new(ERR_IO, "db", "cannot write the lock file %s: %s", path, strerror(errno));
        close(f);
        return e;
    }
    *fd = f;
    return NULL;
}

void cli_db_unlock(int fd) {
    if (fd < 0) return;
    if (ftruncate(fd, 0) != 0) { /* only a stale name in the file: the lock goes with fd */
    }
    close(fd);
}
