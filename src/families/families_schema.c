/* The families module's tables: families and their members, tracing requests and the
 * matches proposed for them. A person is in one family at most (the primary key of
 * family_members is the person); a family has one head at most (a partial index). */
#include "families/families.h"

static const char migration_1[] =
    "CREATE TABLE families ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " name TEXT NOT NULL,"
    " note TEXT,"
    " created_at TEXT NOT NULL,"
    " created_by TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX families_site ON families (site_id, created_at);"
    "CREATE TABLE family_members ("
    " person_id TEXT PRIMARY KEY REFERENCES persons (id),"
    " family_id TEXT NOT NULL REFERENCES families (id),"
    " relation TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'sibling',"
    "  'guardian', 'other_relative')),"
    " separation TEXT CHECK (separation IN ('unaccompanied', 'separated')),"
    " guardian_person_id TEXT REFERENCES persons (id),"
    " added_at TEXT NOT NULL,"
    " CHECK (guardian_person_id IS NULL OR guardian_person_id <> person_id));"
    "CREATE INDEX family_members_family ON family_members (family_id);"
    "CREATE UNIQUE INDEX family_members_one_head ON family_members (family_id)"
    " WHERE relation = 'head';"

    "CREATE TABLE tracing_requests ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " asker_person_id TEXT REFERENCES persons (id),"
    " asker_name TEXT,"
    " asker_contact TEXT,"
    " relation TEXT NOT NULL,"
    " sought_given_name TEXT,"
    " sought_family_name TEXT NOT NULL,"
    " sought_native_name TEXT,"
    " sought_sex TEXT,"
    " sought_birth_date TEXT,"
    " sought_birth_date_precision TEXT,"
    " sought_citizenship TEXT,"
    " last_seen_place TEXT NOT NULL,"
    " last_seen_date TEXT,"
    " circumstances TEXT,"
    " status TEXT NOT NULL CHECK (status IN ('open', 'found', 'reunited', 'closed')),"
    " consent TEXT NOT NULL CHECK (consent IN ('not_asked', 'given', 'refused')),"
    " consent_note TEXT,"
    " consent_at TEXT,"
    " close_note TEXT,"
    " created_at TEXT NOT NULL,"
    " created_by TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX tracing_requests_site ON tracing_requests (site_id, created_at);"
    "CREATE TABLE tracing_matches ("
    " id TEXT PRIMARY KEY,"
    " request_id TEXT NOT NULL REFERENCES tracing_requests (id),"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " score REAL NOT NULL,"
    " reasons TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('proposed', 'confirmed', 'rejected')),"
    " note TEXT,"
    " proposed_at TEXT NOT NULL,"
    " decided_at TEXT,"
    " decided_by TEXT,"
    " UNIQUE (request_id, person_id));";

static const store_migration migrations[] = {
    {1, migration_1},
};

herr *families_migrate(store *s) {
    return store_migrate(s, "families", migrations, sizeof migrations / sizeof migrations[0]);
}
