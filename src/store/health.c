/* A write probe for /healthz: one row in a table of its own, written and committed,
 * so that "writable" means a page really reached the database's journal. */
#include "core/clock.h"
#include "store/store.h"

static const char migration_1[] =
    "CREATE TABLE store_health (id INTEGER PRIMARY KEY, checked_at TEXT NOT NULL)";
static const store_migration migrations[] = {{1, migration_1}};

static const char probe_sql[] = "INSERT INTO store_health (id, checked_at) VALUES (1, :at)"
                                " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at";

herr *store_health_migrate(store *s) {
    return store_migrate(s, "store_health", migrations, sizeof migrations / sizeof migrations[0]);
}

herr *store_check_writable(store *s) {
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), at);
    store_stmt *st = NULL;
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, probe_sql, &st))) goto cleanup;
    store_bind_text(st, ":at", at);
    if ((e = store_run_done(&st))) goto cleanup;
    e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    return e;
}
