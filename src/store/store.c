/* store.h's entry points: each picks the engine of the handle it is given. A path
 * that starts "postgresql://" or "postgres://" opens PostgreSQL (store_pg.c), any
 * other path a SQLite file (store_sqlite.c). */
#include <string.h>

#include "core/json.h"
#include "store/store_backend.h"

bool store_url_is_postgres(const char *path) {
    return path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11));
}

herr *store_open(const char *path, bool create, store **out) {
    return store_url_is_postgres(path) ? store_pg_open(path, create, out)
                                       : store_sqlite_open(path, create, out);
}

bool store_is_postgres(const store *s) { return s->postgres; }
void store_close(store *s) {
    if (s) s->ops->close(s);
}
const char *store_path(const store *s) { return s->path; }
herr *store_begin(store *s) { return s->ops->begin(s); }
herr *store_commit(store *s) { return s->ops->commit(s); }
void store_rollback(store *s) { s->ops->rollback(s); }
bool store_in_transaction(const store *s) { return s->ops->in_transaction(s); }
void store_after_commit(store *s, void (*fn)(store *s)) { s->ops->after_commit(s, fn); }
herr *store_prepare(store *s, const char *sql, store_stmt **out) {
    return s->ops->prepare(s, sql, out);
}
void store_done(store_stmt *st) {
    if (st) st->ops->done(st);
}
void store_bind_text(store_stmt *st, const char *param, const char *value) {
    st->ops->bind_text(st, param, value);
}
void store_bind_int(store_stmt *st, const char *param, int64_t value) {
    st->ops->bind_int(st, param, value);
}
void store_bind_double(store_stmt *st, const char *param, double value) {
    st->ops->bind_double(st, param, value);
}
void store_bind_null(store_stmt *st, const char *param) { st->ops->bind_null(st, param); }
void store_bind_blob(store_stmt *st, const char *param, const void *data, size_t len) {
    st->ops->bind_blob(st, param, data, len);
}
herr *store_step(store_stmt *st, bool *row) { return st->ops->step(st, row); }
herr *store_run(store_stmt *st) { return st->ops->run(st); }

herr *store_run_done(store_stmt **st) {
    if (!*st) return err_new(ERR_INTERNAL, NULL, "store_run_done without a statement");
    herr *e = store_run(*st);
    store_done(*st);
    *st = NULL;
    return e;
}

const char *store_text(store_stmt *st, int col) { return st->ops->text(st, col); }
int64_t store_int(store_stmt *st, int col) { return st->ops->int64(st, col); }
double store_double(store_stmt *st, int col) { return st->ops->dbl(st, col); }
bool store_is_null(store_stmt *st, int col) { return st->ops->is_null(st, col); }

void store_texts_to_json(store_stmt *st, json_t *obj, const char *const *cols, int n, int first) {
    for (int i = 0; i < n; i++)
        if (cols[i])
            json_set_str(obj, cols[i],
                         store_is_null(st, first + i) ? NULL : store_text(st, first + i));
}
const void *store_blob(store_stmt *st, int col, size_t *len) { return st->ops->blob(st, col, len); }
int store_changes(store *s) { return s->ops->changes(s); }
herr *store_exec(store *s, const char *sql) { return s->ops->exec(s, sql); }
herr *store_make_append_only(store *s, const char *table) {
    return s->ops->make_append_only(s, table);
}
herr *store_backup(store *s, const char *dest) { return s->ops->backup(s, dest); }
herr *store_check_integrity(store *s) { return s->ops->check_integrity(s); }
herr *store_notify_on_change(store *s, const char *table, const char *key_column,
                             const char *columns, const char *channel) {
    return s->ops->notify_on_change(s, table, key_column, columns, channel);
}
herr *store_listen(store *s, const char *channel) { return s->ops->listen(s, channel); }
herr *store_notification(store *s, int timeout_ms, char **payload) {
    *payload = NULL;
    return s->ops->notification(s, timeout_ms, payload);
}
