/* The sync module's tables and the triggers that capture changes to replicated tables.
 *
 * The triggers are the store-level hook: they run inside the transaction of whatever
 * module writes the row, so a change and its log entry commit or roll back together,
 * and no module has to know about sync. They read sync_state.capture, which sync turns
 * off while it applies changes that came from elsewhere. */
#include "sync/sync.h"
#include "sync/sync_internal.h"

#include <stdio.h>
#include <string.h>

/* PostgreSQL's text of migrations 1 and 3: the same tables, its own triggers
 * (sync_pg.c). */
extern const char sync_pg_migration_1[];
extern const char sync_pg_migration_3[];

#include "sync/sync_tables.h"

static const char migration_1[] = SYNC_TABLES
    "CREATE TRIGGER sync_changes_number AFTER INSERT ON sync_changes"
    " WHEN NEW.origin_seq IS NULL BEGIN"
    " UPDATE sync_changes SET origin_seq = NEW.seq WHERE seq = NEW.seq; END;"

/* The capture triggers. A row insert is one change with field '*' and the whole row;
 * an update is one change per field whose value changed. */
#define SYNC_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define SYNC_ON  " WHEN (SELECT capture FROM sync_state) = 1 BEGIN"
#define SYNC_F(f)                                                                                  \
    " UNION ALL SELECT '" f "', json_quote(OLD." f "), json_quote(NEW." f ") WHERE OLD." f         \
    " IS NOT NEW." f
#define SYNC_INSERT_CHANGE                                                                         \
    " INSERT INTO sync_changes (origin, tbl, row_id, field, old_value, new_value, kind,"           \
    " site_id, changed_at)"

    "CREATE TRIGGER sync_persons_insert AFTER INSERT ON persons" SYNC_ON SYNC_INSERT_CHANGE
    " SELECT origin, 'persons', NEW.id, '*', NULL, " SYNC_PERSON_JSON(
        "NEW.") ", 'insert', NEW.registration_site_id, " SYNC_NOW " FROM sync_state; END;"

                "CREATE TRIGGER sync_persons_update AFTER UPDATE ON persons" SYNC_ON
                    SYNC_INSERT_CHANGE
                " SELECT (SELECT origin FROM sync_state), 'persons', NEW.id, f, o, n, 'update',"
                " NEW.registration_site_id, " SYNC_NOW
                " FROM (SELECT NULL AS f, NULL AS o, NULL AS n"
                " WHERE 0" SYNC_F("given_name") SYNC_F("family_name") SYNC_F("native_name") SYNC_F(
                    "sex") SYNC_F("birth_date") SYNC_F("birth_date_precision") SYNC_F("citizenship")
                    SYNC_F("languages") SYNC_F(
                        "phone") "); END;"

                                 "CREATE TRIGGER sync_stays_insert AFTER INSERT ON stays" SYNC_ON
                                     SYNC_INSERT_CHANGE
                                 " SELECT origin, 'stays', NEW.id, '*', NULL, " SYNC_STAY_JSON(
                                     "NEW.") ", 'insert', NEW.site_id, " SYNC_NOW
                                             " FROM sync_state; END;"

                                             "CREATE TRIGGER sync_stays_update AFTER UPDATE ON stays" SYNC_ON
                                                 SYNC_INSERT_CHANGE
                                             " SELECT (SELECT origin FROM sync_state), 'stays', NEW.id, f, o, n, 'update',"
                                             " NEW.site_id, " SYNC_NOW
                                             " FROM (SELECT NULL AS f, NULL AS o, NULL AS n"
                                             " WHERE 0" SYNC_F("bed") SYNC_F("checked_out_at")
                                                 SYNC_F("checkout_reason")
                                                     SYNC_F("checkout_note") "); END;";

/* The blocks of registration numbers a laptop was given (sync_reserve). */
static const char migration_2[] = "CREATE TABLE sync_blocks ("
                                  " site_id TEXT NOT NULL,"
                                  " year INTEGER NOT NULL,"
                                  " block_to INTEGER NOT NULL,"
                                  " PRIMARY KEY (site_id, year));";

/* On PostgreSQL the change log's numbers are taken under the write lock (sync_pg.c);
 * SQLite has one writer at a time already. */
static const char migration_3[] = "SELECT 1;";

static const store_migration migrations[] = {
    {1, migration_1, sync_pg_migration_1}, {2, migration_2}, {3, migration_3, sync_pg_migration_3}};

herr *sync_migrate(store *s) {
    return store_migrate(s, "sync", migrations, sizeof migrations / sizeof migrations[0]);
}

static const char origin_sql[] = "SELECT origin FROM sync_state";

herr *sync_origin(store *s, char out[SYNC_ORIGIN_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, origin_sql, &st);
    if (!e) e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_INTERNAL, NULL, "sync_state is empty");
    if (!e) snprintf(out, SYNC_ORIGIN_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

static const char capture_sql[] = "UPDATE sync_state SET capture = :on";

herr *sync_capture(store *s, bool on) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, capture_sql, &st);
    if (e) return e;
    store_bind_int(st, ":on", on ? 1 : 0);
    return store_run_done(&st);
}
