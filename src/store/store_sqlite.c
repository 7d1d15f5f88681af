/* The SQLite backend of store.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store_backend.h"

typedef struct sq_store sq_store;
typedef struct sq_stmt sq_stmt;

struct sq_stmt {
    store_stmt base; /* first: a store_stmt * is a sq_stmt * */
    sq_store *owner;
    sqlite3_stmt *stmt;
    const char *sql; /* the caller's static string: cache key */
    bool cached;
    bool in_use;
    herr *bind_error;
    sq_stmt *next;
};

struct sq_store {
    store base; /* first: a store * is a sq_store * */
    sqlite3 *db;
    sq_stmt *cache;
    int depth; /* open transactions: 1 is BEGIN, deeper ones are savepoints */
    void (*after_commit[4])(store *s); /* run once the outermost transaction commits */
    int n_after_commit;
};

static herr *db_error(sqlite3 *db, int rc, const char *what) {
    int primary = rc & 0xff;
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (primary == SQLITE_CONSTRAINT) return err_new(ERR_CONFLICT, NULL, "%s: %s", what, msg);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return err_new(ERR_IO, NULL, "the database is busy, try again (%s)", what);
    return err_new(ERR_IO, NULL, "%s: %s", what, msg);
}

/* Creates path with mode 0600 when it does not exist; with always, also makes an
 * existing file 0600 (a backup is written over). */
static herr *create_private(const char *path, bool always) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        if (!always) return NULL;
        fd = open(path, O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0 || fchmod(fd, 0600) != 0) {
        herr *e = err_new(ERR_IO, "db", "cannot create %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return e;
    }
    close(fd);
    return NULL;
}

static const store_ops sq_ops;

herr *store_sqlite_open(const char *path, bool create, store **out) {
    herr *e = NULL;
    sqlite3 *db = NULL;
    *out = NULL;
    if (!create && access(path, F_OK) != 0)
        return err_new(ERR_NOT_FOUND, "db", "no database at %s (run haven init first)", path);
    /* Names, phones and risk flags: the file is the owner's alone, whatever the umask.
     * SQLite gives its -wal, -shm and -journal files the database file's mode. */
    if (create && (e = create_private(path, false))) return e;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        e = err_new(ERR_IO, "db", "cannot open database %s: %s", path,
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        goto cleanup;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                                  "PRAGMA foreign_keys=ON;"
                                  "PRAGMA synchronous=FULL;"
                                  "PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    rc = sqlite3_exec(db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        e = err_new(ERR_IO, "db", "cannot configure database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto cleanup;
    }
    sq_store *s = mem_alloc(sizeof *s);
    s->base.ops = &sq_ops;
    s->base.path = mem_strdup(path);
    s->db = db;
    db = NULL;
    *out = &s->base;
cleanup:
    if (db) sqlite3_close(db);
    return e;
}

static void sq_close(store *base_s) {
    sq_store *s = (sq_store *)base_s;
    if (!s) return;
    sq_stmt *st = s->cache;
    while (st) {
        sq_stmt *next = st->next;
        sqlite3_finalize(st->stmt);
        err_free(st->bind_error);
        mem_free(st);
        st = next;
    }
    sqlite3_close(s->db);
    mem_free(s->base.path);
    mem_free(s);
}

/* A transaction begun inside another becomes a savepoint, so that a bulk load (the
 * demo data) can wrap many module writes, each one "a transaction", in one commit. */
static herr *sq_begin(store *base_s) {
    sq_store *s = (sq_store *)base_s;
    herr *e;
    if (s->depth == 0) {
        e = store_exec(&s->base, "BEGIN IMMEDIATE");
    } else {
        char sql[32];
        snprintf(sql, sizeof sql, "SAVEPOINT sp%d", s->depth);
        e = store_exec(&s->base, sql);
    }
    if (!e) s->depth++;
    return e;
}

static herr *sq_commit(store *base_s) {
    sq_store *s = (sq_store *)base_s;
    if (s->depth == 0) return err_new(ERR_INTERNAL, NULL, "commit without a transaction");
    herr *e;
    if (s->depth == 1) {
        e = store_exec(&s->base, "COMMIT");
    } else {
        char sql[32];
        snprintf(sql, sizeof sql, "RELEASE sp%d", s->depth - 1);
        e = store_exec(&s->base, sql);
    }
    if (e) {
        store_rollback(&s->base);
        return e;
    }
    s->depth--;
    if (s->depth == 0) {
        int n = s->n_after_commit;
        void (*fns[4])(store *);
        memcpy(fns, s->after_commit, sizeof fns);
        s->n_after_commit = 0;
        for (int i = 0; i < n; i++) fns[i](&s->base);
    }
    return NULL;
}

static void sq_after_commit(store *base_s, void (*fn)(store *s)) {
    sq_store *s = (sq_store *)base_s;
    if (s->depth == 0) {
        fn(&s->base);
        return;
    }
    for (int i = 0; i < s->n_after_commit; i++)
        if (s->after_commit[i] == fn) return;
    if (s->n_after_commit < (int)(sizeof s->after_commit / sizeof s->after_commit[0]))
        s->after_commit[s->n_after_commit++] = fn;
}

static void sq_rollback(store *base_s) {
    sq_store *s = (sq_store *)base_s;
    if (s->depth > 1) {
        char sql[64];
        snprintf(sql, sizeof sql, "ROLLBACK TO sp%d; RELEASE sp%d", s->depth - 1, s->depth - 1);
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        s->depth--;
        return;
    }
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->depth = 0;
    s->n_after_commit = 0;
}

static bool sq_in_transaction(const store *base_s) {
    const sq_store *s = (const sq_store *)base_s;
    return s->depth > 0;
}

static herr *sq_prepare(store *base_s, const char *sql, store_stmt **out) {
    sq_store *s = (sq_store *)base_s;
    for (sq_stmt *st = s->cache; st; st = st->next) {
        if (st->sql == sql && !st->in_use) {
            st->in_use = true;
            *out = &st->base;
            return NULL;
        }
    }
    sqlite3_stmt *raw = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, NULL);
    if (rc != SQLITE_OK) {
        herr *e = err_new(ERR_INTERNAL, NULL, "SQL does not prepare: %s", sqlite3_errmsg(s->db));
        return e;
    }
    sq_stmt *st = mem_alloc(sizeof *st);
    st->base.ops = &sq_ops;
    st->owner = s;
    st->stmt = raw;
    st->sql = sql;
    st->in_use = true;
    /* A statement already busy (a nested use of the same SQL) is not cached again. */
    bool busy_twin = false;
    for (sq_stmt *c = s->cache; c; c = c->next)
        if (c->sql == sql) busy_twin = true;
    st->cached = !busy_twin;
    if (st->cached) {
        st->next = s->cache;
        s->cache = st;
    }
    *out = &st->base;
    return NULL;
}

static void sq_done(store_stmt *base_st) {
    sq_stmt *st = (sq_stmt *)base_st;
    if (!st) return;
    sqlite3_reset(st->stmt);
    sqlite3_clear_bindings(st->stmt);
    err_free(st->bind_error);
    st->bind_error = NULL;
    st->in_use = false;
    if (!st->cached) {
        sqlite3_finalize(st->stmt);
        mem_free(st);
    }
}

static int param_index(sq_stmt *st, const char *param) {
    if (st->bind_error) return 0;
    int i = sqlite3_bind_parameter_index(st->stmt, param);
    if (i == 0) st->bind_error = err_new(ERR_INTERNAL, NULL, "SQL has no parameter %s", param);
    return i;
}

static void bind_check(sq_stmt *st, int rc) {
    if (rc != SQLITE_OK && !st->bind_error) st->bind_error = db_error(st->owner->db, rc, "bind");
}

static void sq_bind_text(store_stmt *base_st, const char *param, const char *value) {
    sq_stmt *st = (sq_stmt *)base_st;
    int i = param_index(st, param);
    if (i)
        bind_check(st, value ? sqlite3_bind_text(st->stmt, i, value, -1, SQLITE_TRANSIENT)
                             : sqlite3_bind_null(st->stmt, i));
}

static void sq_bind_int(store_stmt *base_st, const char *param, int64_t value) {
    sq_stmt *st = (sq_stmt *)base_st;
    int i = param_index(st, param);
    if (i) bind_check(st, sqlite3_bind_int64(st->stmt, i, value));
}

static void sq_bind_double(store_stmt *base_st, const char *param, double value) {
    sq_stmt *st = (sq_stmt *)base_st;
    int i = param_index(st, param);
    if (i) bind_check(st, sqlite3_bind_double(st->stmt, i, value));
}

static void sq_bind_null(store_stmt *base_st, const char *param) {
    sq_stmt *st = (sq_stmt *)base_st;
    int i = param_index(st, param);
    if (i) bind_check(st, sqlite3_bind_null(st->stmt, i));
}

static void sq_bind_blob(store_stmt *base_st, const char *param, const void *data, size_t len) {
    sq_stmt *st = (sq_stmt *)base_st;
    int i = param_index(st, param);
    if (i) bind_check(st, sqlite3_bind_blob(st->stmt, i, data, (int)len, SQLITE_TRANSIENT));
}

static herr *sq_step(store_stmt *base_st, bool *row) {
    sq_stmt *st = (sq_stmt *)base_st;
    *row = false;
    if (st->bind_error) {
        herr *e = st->bind_error;
        st->bind_error = NULL;
        return e;
    }
    int rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW) {
        *row = true;
        return NULL;
    }
    if (rc == SQLITE_DONE) return NULL;
    return db_error(st->owner->db, rc, "database statement failed");
}

/* Never gives the statement back: the caller owns it until store_done, success or not.
 * (It used to, and call sites that also gave it back in cleanup freed an uncached
 * statement twice.) The reset ends the statement's read or write at once. */
static herr *sq_run(store_stmt *base_st) {
    sq_stmt *st = (sq_stmt *)base_st;
    bool row;
    herr *e = sq_step(base_st, &row);
    sqlite3_reset(st->stmt);
    return e;
}

static const char *sq_text(store_stmt *base_st, int col) {
    sq_stmt *st = (sq_stmt *)base_st;
    return (const char *)sqlite3_column_text(st->stmt, col);
}

static int64_t sq_int(store_stmt *base_st, int col) {
    sq_stmt *st = (sq_stmt *)base_st;
    return sqlite3_column_int64(st->stmt, col);
}

static double sq_double(store_stmt *base_st, int col) {
    sq_stmt *st = (sq_stmt *)base_st;
    return sqlite3_column_double(st->stmt, col);
}

static bool sq_is_null(store_stmt *base_st, int col) {
    sq_stmt *st = (sq_stmt *)base_st;
    return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

static const void *sq_blob(store_stmt *base_st, int col, size_t *len) {
    sq_stmt *st = (sq_stmt *)base_st;
    const void *p = sqlite3_column_blob(st->stmt, col);
    *len = (size_t)sqlite3_column_bytes(st->stmt, col);
    return p;
}

static int sq_changes(store *base_s) {
    sq_store *s = (sq_store *)base_s;
    return sqlite3_changes(s->db);
}

static herr *sq_exec(store *base_s, const char *sql) {
    sq_store *s = (sq_store *)base_s;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) return NULL;
    herr *e = (rc & 0xff) == SQLITE_CONSTRAINT
                  ? err_new(ERR_CONFLICT, NULL, "%s", msg ? msg : "constraint failed")
              : (rc & 0xff) == SQLITE_BUSY
                  ? err_new(ERR_IO, NULL, "the database is busy, try again")
                  : err_new(ERR_IO, NULL, "database error: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return e;
}

static herr *sq_make_append_only(store *s, const char *table) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER IF NOT EXISTS %s_no_update BEFORE UPDATE ON %s "
             "BEGIN SELECT RAISE(ABORT, '%s is append-only'); END;"
             "CREATE TRIGGER IF NOT EXISTS %s_no_delete BEFORE DELETE ON %s "
             "BEGIN SELECT RAISE(ABORT, '%s is append-only'); END;",
             table, table, table, table, table, table);
    return store_exec(s, sql);
}

static herr *sq_backup(store *base_s, const char *dest) {
    sq_store *s = (sq_store *)base_s;
    herr *e = NULL;
    sqlite3 *out = NULL;
    if ((e = create_private(dest, true))) {
        snprintf(e->field, sizeof e->field, "out");
        return e;
    }
    int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        e = err_new(ERR_IO, "out", "cannot create %s: %s", dest, sqlite3_errstr(rc));
        goto cleanup;
    }
    sqlite3_backup *b = sqlite3_backup_init(out, "main", s->db, "main");
    if (!b) {
        e = err_new(ERR_IO, "out", "backup to %s failed: %s", dest, sqlite3_errmsg(out));
        goto cleanup;
    }
    /* Copy in steps so writers are not blocked for the whole copy. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        e = err_new(ERR_IO, "out", "backup to %s failed: %s", dest, sqlite3_errstr(rc));
cleanup:
    if (out) sqlite3_close(out);
    return e;
}

static herr *sq_check_integrity(store *s) {
    static const char sql[] = "PRAGMA integrity_check";
    store_stmt *st = NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    bool row;
    e = store_step(st, &row);
    if (!e && (!row || strcmp(store_text(st, 0), "ok") != 0))
        e = err_new(ERR_IO, NULL, "database integrity check failed: %s",
                    row ? store_text(st, 0) : "no answer");
    store_done(st);
    return e;
}

/* One server owns a SQLite file: nobody else's writes need announcing. */
static herr *sq_notify_on_change(store *s, const char *table, const char *key_column,
                                 const char *columns, const char *channel) {
    (void)s, (void)table, (void)key_column, (void)columns, (void)channel;
    return NULL;
}

static herr *sq_listen(store *s, const char *channel) {
    (void)s, (void)channel;
    return err_invalid("db", "change notifications need a PostgreSQL database");
}

static herr *sq_notification(store *s, int timeout_ms, char **payload) {
    (void)s, (void)timeout_ms;
    *payload = NULL;
    return err_invalid("db", "change notifications need a PostgreSQL database");
}

static const store_ops sq_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .after_commit = sq_after_commit,
    .prepare = sq_prepare,
    .done = sq_done,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .run = sq_run,
    .text = sq_text,
    .int64 = sq_int,
    .dbl = sq_double,
    .is_null = sq_is_null,
    .blob = sq_blob,
    .changes = sq_changes,
    .exec = sq_exec,
    .make_append_only = sq_make_append_only,
    .backup = sq_backup,
    .check_integrity = sq_check_integrity,
    .notify_on_change = sq_notify_on_change,
    .listen = sq_listen,
    .notification = sq_notification,
};
