/* The registry's tables: sites, persons (with their search tokens), stays. Occupancy,
 * arrivals, departures and length of stay are derived from stays, never stored. */
#include "registry/registry.h"
#include "registry/registry_internal.h"

static const char migration_1[] =
    "CREATE TABLE sites ("
    " id TEXT PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL,"
    " municipality TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL,"
    " capacity INTEGER NOT NULL CHECK (capacity >= 0),"
    " active INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"

    "CREATE TABLE persons ("
    " id TEXT PRIMARY KEY,"
    " reg_no TEXT NOT NULL UNIQUE,"
    " given_name TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " native_name TEXT,"
    " sex TEXT NOT NULL CHECK (sex IN ('M', 'F', 'X')),"
    " birth_date TEXT,"
    " birth_date_precision TEXT CHECK (birth_date_precision IN ('exact', 'year', 'estimated')),"
    " citizenship TEXT NOT NULL,"
    " languages TEXT NOT NULL DEFAULT '',"
    " phone TEXT,"
    " phone_digits TEXT,"
    " registration_site_id TEXT NOT NULL REFERENCES sites (id),"
    " registered_at TEXT NOT NULL,"
    " search_key TEXT NOT NULL,"
    " merged_into TEXT REFERENCES persons (id),"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX persons_registration_site ON persons (registration_site_id, id);"
    "CREATE INDEX persons_registered_at ON persons (registered_at);"
    "CREATE INDEX persons_phone ON persons (phone_digits);"

    /* One row per folded name word: prefix search by index range. */
    "CREATE TABLE person_tokens ("
    " token TEXT NOT NULL,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " PRIMARY KEY (token, person_id));"
    "CREATE INDEX person_tokens_person ON person_tokens (person_id);"

    "CREATE TABLE stays ("
    " id TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " bed TEXT,"
    " checked_in_at TEXT NOT NULL,"
    " checked_out_at TEXT,"
    " checkout_reason TEXT CHECK (checkout_reason IN"
    "  ('moved_on', 'transferred', 'returned', 'absconded', 'other')),"
    " checkout_note TEXT,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at));"
    /* A person has at most one open stay: the database enforces it too. */
    "CREATE UNIQUE INDEX stays_one_open ON stays (person_id) WHERE checked_out_at IS NULL;"
    "CREATE INDEX stays_site_in ON stays (site_id, checked_in_at);"
    "CREATE INDEX stays_site_out ON stays (site_id, checked_out_at);"
    "CREATE INDEX stays_person ON stays (person_id, checked_in_at);"

    "CREATE TABLE registration_counters ("
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " year INTEGER NOT NULL,"
    " last INTEGER NOT NULL,"
    " PRIMARY KEY (site_id, year));";

/* Merges keep both records: the duplicate points at the survivor and can be split off
 * again. "Not the same person" decisions are remembered so they are not suggested again. */
static const char migration_2[] =
    "CREATE TABLE person_merges ("
    " id TEXT PRIMARY KEY,"
    " survivor_id TEXT NOT NULL REFERENCES persons (id),"
    " merged_id TEXT NOT NULL REFERENCES persons (id),"
    " merged_at TEXT NOT NULL,"
    " merged_by TEXT NOT NULL,"
    " undone_at TEXT,"
    " undone_by TEXT);"
    "CREATE INDEX person_merges_survivor ON person_merges (survivor_id);"
    "CREATE INDEX person_merges_merged ON person_merges (merged_id);"
    "CREATE INDEX persons_merged_into ON persons (merged_into);"
    "CREATE TABLE person_distinct ("
    " person_a TEXT NOT NULL REFERENCES persons (id),"
    " person_b TEXT NOT NULL REFERENCES persons (id),"
    " marked_at TEXT NOT NULL,"
    " marked_by TEXT NOT NULL,"
    " PRIMARY KEY (person_a, person_b),"
    " CHECK (person_a < person_b));";

/* The index on merged_into covers merged records only: "merged_into IS NULL" (every
 * live record) must never drive a query through it. */
static const char migration_3[] =
    "DROP INDEX persons_merged_into;"
    "CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;";

/* The per-site time indexes carry every column statistics and occupancy read from a
 * stay, so a month is computed from the index alone (no table lookups): 2.4x faster
 * on ten million stays (docs/benchmarks.md). */
static const char migration_4[] =
    "DROP INDEX stays_site_in;"
    "DROP INDEX stays_site_out;"
    "CREATE INDEX stays_site_in ON stays"
    " (site_id, checked_in_at, checked_out_at, person_id, checkout_reason);"
    "CREATE INDEX stays_site_out ON stays"
    " (site_id, checked_out_at, checked_in_at, person_id, checkout_reason);";

/* Opaque references to candidates at sites the registrar cannot see: the desk gets the
 * reference, a supervisor who can see the person opens it (registry_candidate_ref_open). */
static const char migration_5[] = "CREATE TABLE candidate_refs ("
                                  " ref TEXT PRIMARY KEY,"
                                  " person_id TEXT NOT NULL UNIQUE REFERENCES persons (id),"
                                  " created_at TEXT NOT NULL);";

/* The name index searched by registry_person_search (search_words.c): its rowid is the
 * person's rowid, which SQLite keeps unless the database is VACUUMed (Haven never does;
 * the online backup copies pages and keeps it too). Filled by the backfill below. */
static const char migration_6[] =
    "CREATE VIRTUAL TABLE person_words USING fts5"
    " (words, prefix = '1 2 3', tokenize = \"unicode61 tokenchars '_'\");";

static const store_migration migrations[] = {
    {1, migration_1}, {2, migration_2}, {3, migration_3},
    {4, migration_4}, {5, migration_5}, {6, migration_6, registry_pg_migration_6}};

herr *registry_migrate(store *s) {
    herr *e = store_migrate(s, "registry", migrations, sizeof migrations / sizeof migrations[0]);
    /* Skeleton search tokens for people registered before they existed (none once
     * written: every registration and correction writes them). */
    if (!e) e = registry_backfill_skeletons(s);
    if (!e) e = registry_backfill_search_words(s);
    /* Other servers on the same PostgreSQL database follow what their match index
     * reads (registry_follow_start); merged_into covers merges and their undoing. */
    if (!e)
        e = store_notify_on_change(s, "persons", "id",
                                   "given_name, family_name, native_name, sex, birth_date,"
                                   " birth_date_precision, citizenship, merged_into",
                                   REGISTRY_CHANNEL);
    return e;
}
