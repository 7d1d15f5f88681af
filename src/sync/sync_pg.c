/* The sync module's SQL for PostgreSQL: migration 1's tables as on SQLite, its capture
 * triggers in PL/pgSQL (SQLite's trigger bodies are plain statements). The same rows
 * reach sync_changes: one per insert with the whole row, one per changed field. */
#include "sync/sync.h"
#include "sync/sync_internal.h"

#define PG_NOW "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define PG_F(f)                                                                                    \
    " UNION ALL SELECT '" f "', json_quote(OLD." f "), json_quote(NEW." f ") WHERE OLD." f         \
    " IS DISTINCT FROM NEW." f
#define PG_CHANGE                                                                                  \
    " INSERT INTO sync_changes (origin, tbl, row_id, field, old_value, new_value, kind,"           \
    " site_id, changed_at)"
#define PG_TRIGGER(name, event, table, body)                                                       \
    "CREATE FUNCTION " name "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"                      \
    " IF (SELECT capture FROM sync_state) = 1 THEN " body "; END IF; RETURN NULL; END $$;"         \
    "CREATE TRIGGER " name " AFTER " event " ON " table " FOR EACH ROW EXECUTE FUNCTION " name     \
    "();"

#include "sync/sync_tables.h"

const char sync_pg_migration_1[] = SYNC_TABLES
    "CREATE FUNCTION sync_changes_number() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF NEW.origin_seq IS NULL THEN NEW.origin_seq := NEW.seq; END IF; RETURN NEW; END $$;"
    "CREATE TRIGGER sync_changes_number BEFORE INSERT ON sync_changes"
    " FOR EACH ROW EXECUTE FUNCTION sync_changes_number();" PG_TRIGGER(
        "sync_persons_insert", "INSERT", "persons",
        PG_CHANGE " SELECT origin, 'persons', NEW.id, '*', NULL, " SYNC_PERSON_JSON(
            "NEW.") ", 'insert', NEW.registration_site_id, " PG_NOW " FROM sync_state")
        PG_TRIGGER("sync_persons_update", "UPDATE", "persons",
                   PG_CHANGE
                   " SELECT (SELECT origin FROM sync_state), 'persons', NEW.id, f, o, n,"
                   " 'update', NEW.registration_site_id, " PG_NOW
                   " FROM (SELECT NULL AS f, NULL AS o, NULL AS n WHERE false" PG_F("given_name")
                       PG_F("family_name") PG_F("native_name") PG_F("sex") PG_F("birth_date")
                           PG_F("birth_date_precision") PG_F("citizenship") PG_F("languages")
                               PG_F("phone") ") c")
            PG_TRIGGER("sync_stays_insert", "INSERT", "stays",
                       PG_CHANGE " SELECT origin, 'stays', NEW.id, '*', NULL, " SYNC_STAY_JSON(
                           "NEW.") ", 'insert', NEW.site_id, " PG_NOW " FROM sync_state")
                PG_TRIGGER("sync_stays_update", "UPDATE", "stays",
                           PG_CHANGE
                           " SELECT (SELECT origin FROM sync_state), 'stays', NEW.id, f, o, n,"
                           " 'update', NEW.site_id, " PG_NOW
                           " FROM (SELECT NULL AS f, NULL AS o, NULL AS n WHERE false" PG_F("bed")
                               PG_F("checked_out_at") PG_F("checkout_reason")
                                   PG_F("checkout_note") ") c");

/* Migration 3: a change's number is taken under the store's write lock. A site pulls the
 * changes numbered after the last it took, so changes must become visible in the order
 * of their numbers. Every write transaction holds the lock from its start (store_begin),
 * so a change is numbered and committed before the next writer numbers its own; a
 * statement run outside a transaction takes the lock here, before its number (the
 * column's default is drawn before this trigger runs, and is replaced: gaps are
 * harmless). */
const char sync_pg_migration_3[] =
    "CREATE OR REPLACE FUNCTION sync_changes_number() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM pg_advisory_xact_lock(" STORE_PG_WRITE_LOCK ");"
    " NEW.seq := nextval(pg_get_serial_sequence('sync_changes', 'seq'));"
    " IF NEW.origin_seq IS NULL THEN NEW.origin_seq := NEW.seq; END IF; RETURN NEW; END $$;";
