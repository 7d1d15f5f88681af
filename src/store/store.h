/* store: Haven's one storage interface.
 *
 * Modules write their SQL as static strings with named parameters (":name") in the
 * subset of SQL that SQLite and PostgreSQL share, and run it only through these
 * functions. Everything specific to a database engine (pragmas, triggers, backup,
 * connection handling) lives behind this header: store_sqlite.c for a file, store_pg.c
 * (with store_pg_sql.c and store_pg_admin.c) for a "postgresql://" URL, chosen by
 * store_open. See docs/deployment.md for what differs on PostgreSQL.
 *
 * A store handle is one connection and is used by one thread at a time; a server
 * takes handles from a store_pool. Errors from bind calls are remembered in the
 * statement and returned by the next store_step, so call sites stay short. */
#ifndef HAVEN_STORE_STORE_H
#define HAVEN_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"

typedef struct store store;
typedef struct store_stmt store_stmt;
typedef struct store_pool store_pool;

/* Opens (creating when create is true) the database at path with WAL, foreign keys
 * and synchronous=FULL. ERR_IO when it cannot be opened; ERR_NOT_FOUND when it does
 * not exist and create is false. */
herr *store_open(const char *path, bool create, store **out);
void store_close(store *s);
/* The file, or for PostgreSQL the URL as given. */
const char *store_path(const store *s);

/* PostgreSQL: a path that starts "postgresql://" or "postgres://" is a libpq connection
 * URL (store_pg.c) and store_open connects to it; create makes Haven's schema usable
 * there (the database itself is made by its administrator). store_is_postgres says which
 * engine a handle speaks, for the few places whose SQL must differ (kept in store or in
 * one per-backend statement file, never scattered). */
bool store_url_is_postgres(const char *path);
bool store_is_postgres(const store *s);

/* Write transactions. store_begin takes the write lock at once so that two writers
 * never deadlock on an upgrade. Inside an open transaction, begin/commit/rollback
 * act on a savepoint, so a module's one-transaction write can be part of a bulk load.
 * store_rollback undoes the innermost level and is safe when none is open. */
herr *store_begin(store *s);
herr *store_commit(store *s);
void store_rollback(store *s);
bool store_in_transaction(const store *s);

/* Calls fn(s) once after the outermost transaction open now commits (dropped when it
 * rolls back; called at once outside a transaction). For work that must see only
 * committed data, such as the audit log's head checkpoint. Up to 4 distinct fns. */
void store_after_commit(store *s, void (*fn)(store *s));

/* Returns a prepared statement for sql (cached per connection; sql should be a static
 * string). Give it back with store_done, which resets it. */
herr *store_prepare(store *s, const char *sql, store_stmt **out);
void store_done(store_stmt *st);

/* Binds a named parameter (":name"). NULL text binds SQL NULL. */
void store_bind_text(store_stmt *st, const char *param, const char *value);
void store_bind_int(store_stmt *st, const char *param, int64_t value);
void store_bind_double(store_stmt *st, const char *param, double value);
void store_bind_null(store_stmt *st, const char *param);
void store_bind_blob(store_stmt *st, const char *param, const void *data, size_t len);

/* Advances: *row is true when a row is available. A constraint violation becomes
 * ERR_CONFLICT, a busy database ERR_IO, any bind error ERR_INTERNAL. */
herr *store_step(store_stmt *st, bool *row);

/* Runs a statement that returns no rows (steps once and resets). The statement stays
 * the caller's: give it back with store_done (in cleanup), whether this failed or not. */
herr *store_run(store_stmt *st);

/* store_run, then store_done, and *st becomes NULL: a store_done(*st) in the caller's
 * cleanup afterwards does nothing. The usual way to run a write. */
herr *store_run_done(store_stmt **st);

/* Column accessors for the current row; text is valid until the next step. */
const char *store_text(store_stmt *st, int col);
int64_t store_int(store_stmt *st, int col);
double store_double(store_stmt *st, int col);
bool store_is_null(store_stmt *st, int col);
const void *store_blob(store_stmt *st, int col, size_t *len);

/* Sets obj[cols[i]] to the text of column first + i of the current row (JSON null for
 * SQL NULL), for i < n; a NULL name skips its column. The usual way to turn a row of
 * text columns into an object. */
void store_texts_to_json(store_stmt *st, json_t *obj, const char *const *cols, int n, int first);

/* Rows changed by the last statement. */
int store_changes(store *s);

/* Runs SQL text with no parameters (schema scripts). */
herr *store_exec(store *s, const char *sql);

/* The key of the PostgreSQL advisory lock every write transaction takes first
 * (store_begin; 0x4861766e, "Havn"), as SQL text: SQL that must queue with the writers
 * (sync's trigger that numbers the change log) takes it too. */
#define STORE_PG_WRITE_LOCK "1214346862"

/* Numbered migrations of one module, applied in order, each pending one in its own
 * transaction, recorded in schema_migrations; running again does nothing. */
typedef struct {
    int version;
    const char *sql;
    const char *pg; /* PostgreSQL's text where the shared subset cannot say it; NULL: sql */
} store_migration;
herr *store_migrate(store *s, const char *module, const store_migration *m, size_t n);

/* The table of the write probe below (registered in schema.c). */
herr *store_health_migrate(store *s);

/* Writes and commits one row of a table kept for the purpose: NULL when the database
 * takes a write now; the error (disk full, read-only, locked too long) otherwise. */
herr *store_check_writable(store *s);

/* Makes a table append-only: updates and deletes fail inside the database. */
herr *store_make_append_only(store *s, const char *table);

/* Copies the live database to dest with the engine's online backup. */
herr *store_backup(store *s, const char *dest);

/* Runs the engine's own integrity check. */
herr *store_check_integrity(store *s);

/* ---- change notifications between servers on one database -----------------------------
 * Several `haven serve` may share one PostgreSQL database, and each keeps state in memory
 * (the match index) that must follow the others' writes. PostgreSQL carries the news
 * (NOTIFY, sent from inside the writing transaction, so it is heard only if that commits);
 * on SQLite one server owns the file, so store_notify_on_change does nothing there and
 * store_listen fails. See docs/deployment.md. */

/* Makes every committed insert or delete of a row of table, and every update that sets one
 * of columns (comma-separated plain names; NULL: any column), announce the row's
 * key_column on channel (as the notification's payload text; an update that changes the
 * key announces the old one too). Idempotent: the trigger (named <table>_notify_<channel>)
 * is made once; run it from a module's migrate. ERR_INTERNAL for a name that is not plain
 * lower-case SQL. */
herr *store_notify_on_change(store *s, const char *table, const char *key_column,
                             const char *columns, const char *channel);

/* Listens on channel with s's connection, which should be a handle of its own (the
 * listener's): ERR_INVALID on SQLite, ERR_IO when the server refuses. */
herr *store_listen(store *s, const char *channel);

/* The next notification on the channels s listens to, waiting up to timeout_ms: *payload
 * is its text (caller frees with mem_free; "" for none), or NULL when none came in time.
 * Notifications that arrived while s ran statements are returned first. ERR_IO when the
 * connection is lost: close s and open another (what was announced meanwhile is lost). */
herr *store_notification(store *s, int timeout_ms, char **payload);

/* A fixed set of connections shared by server threads. */
herr *store_pool_open(const char *path, int size, store_pool **out);
store *store_pool_acquire(store_pool *p); /* waits for a free handle */
void store_pool_release(store_pool *p, store *s);
void store_pool_close(store_pool *p);

#endif
