/* The interpreting module's tables. An interpreter's languages, sites, weekly pattern
 * and exceptions are one JSON profile (checked on write, read whole by the scheduler);
 * requests hang on a site; an assignment joins a request to an interpreter at a time,
 * with at most one live (proposed or confirmed) assignment per request, and the ones
 * declined by their interpreter kept so that a re-run does not offer them again; a run records what
 * a scheduling run found, with the reasons for what it left unserved. The feed token is stored as
 * its hash only. */
#include "interpreting/interpreting.h"

static const char migration_1[] =
    "CREATE TABLE interpreters ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " gender TEXT NOT NULL CHECK (gender IN ('F', 'M', 'X')),"
    " time_zone TEXT NOT NULL,"
    " hourly_rate INTEGER CHECK (hourly_rate >= 0),"
    " currency TEXT,"
    " user_id TEXT UNIQUE REFERENCES users (id),"
    " profile TEXT NOT NULL,"
    " languages TEXT NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 1,"
    " feed_hash TEXT UNIQUE,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"

    "CREATE TABLE interp_requests ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " unit TEXT NOT NULL,"
    " language TEXT NOT NULL,"
    " gender_required TEXT CHECK (gender_required IN ('F', 'M')),"
    " earliest TEXT NOT NULL,"
    " latest TEXT NOT NULL,"
    " duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 480),"
    " modes INTEGER NOT NULL CHECK (modes BETWEEN 1 AND 7),"
    " priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),"
    " kind TEXT NOT NULL,"
    " person_id TEXT,"
    " note TEXT,"
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX interp_requests_window ON interp_requests (earliest, latest);"
    "CREATE INDEX interp_requests_person ON interp_requests (person_id);"

    "CREATE TABLE interp_assignments ("
    " id TEXT PRIMARY KEY,"
    " request_id TEXT NOT NULL REFERENCES interp_requests (id),"
    " interpreter_id TEXT NOT NULL REFERENCES interpreters (id),"
    " starts_at TEXT NOT NULL,"
    " ends_at TEXT NOT NULL,"
    " mode TEXT NOT NULL CHECK (mode IN ('in_person', 'video', 'phone')),"
    " status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'declined', 'cancelled')),"
    " locked INTEGER NOT NULL DEFAULT 0,"
    " run_id TEXT,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX interp_assignments_live ON interp_assignments (request_id)"
    " WHERE status IN ('proposed', 'confirmed');"
    "CREATE INDEX interp_assignments_interpreter ON interp_assignments"
    " (interpreter_id, starts_at);"
    "CREATE INDEX interp_assignments_start ON interp_assignments (starts_at);"

    "CREATE TABLE interp_runs ("
    " id TEXT PRIMARY KEY,"
    " period_from TEXT NOT NULL,"
    " period_to TEXT NOT NULL,"
    " result TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL);";

/* No-shows: who did not come to an assignment (the interpreter or the client), when,
 * and why; at most one per assignment. */
static const char migration_2[] =
    "CREATE TABLE interp_noshows ("
    " id TEXT PRIMARY KEY,"
    " assignment_id TEXT NOT NULL UNIQUE REFERENCES interp_assignments (id),"
    " interpreter_id TEXT NOT NULL REFERENCES interpreters (id),"
    " who TEXT NOT NULL CHECK (who IN ('interpreter', 'client')),"
    " reason TEXT NOT NULL,"
    " note TEXT,"
    " noticed_at TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX interp_noshows_interpreter ON interp_noshows (interpreter_id, who);";

static const store_migration migrations[] = {{1, migration_1}, {2, migration_2}};

herr *interpreting_migrate(store *s) {
    return store_migrate(s, "interpreting", migrations, sizeof migrations / sizeof migrations[0]);
}
