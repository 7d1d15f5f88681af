/* Numbered, per-module schema migrations. */
#include "core/clock.h"
#include "store/store.h"

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL,"
    " PRIMARY KEY (module, version))";
static const char applied_sql[] =
    "SELECT 1 FROM schema_migrations WHERE module = :module AND version = :version";
static const char record_sql[] =
    "INSERT INTO schema_migrations (module, version, applied_at) VALUES (:module, :version, :at)";

static herr *is_applied(store *s, const char *module, int version, bool *applied) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, applied_sql, &st);
    if (e) return e;
    store_bind_text(st, ":module", module);
    store_bind_int(st, ":version", version);
    e = store_step(st, applied);
    store_done(st);
    return e;
}

static herr *apply_one(store *s, const char *module, const store_migration *m) {
    store_stmt *st = NULL;
    herr *e = store_begin(s);
    if (e) return e;
    bool applied = false;
    e = is_applied(s, module, m->version, &applied); /* re-check under the write lock */
    if (e || applied) goto cleanup;
    e = store_exec(s, store_is_postgres(s) && m->pg ? m->pg : m->sql);
    if (e) goto cleanup;
    e = store_prepare(s, record_sql, &st);
    if (e) goto cleanup;
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), at);
    store_bind_text(st, ":module", module);
    store_bind_int(st, ":version", m->version);
    store_bind_text(st, ":at", at);
    e = store_run_done(&st);
cleanup:
    if (e) {
        store_rollback(s);
        herr *wrapped =
            err_new(e->code, NULL, "migration %s %d failed: %s", module, m->version, e->message);
        err_free(e);
        return wrapped;
    }
    return store_commit(s);
}

herr *store_migrate(store *s, const char *module, const store_migration *m, size_t n) {
    herr *e = store_exec(s, create_table_sql);
    for (size_t i = 0; !e && i < n; i++) {
        bool applied = false;
        e = is_applied(s, module, m[i].version, &applied);
        if (!e && !applied) e = apply_one(s, module, &m[i]);
    }
    return e;
}
