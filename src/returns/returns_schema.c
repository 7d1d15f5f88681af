/* The returns module's tables. A case hangs on a principal person and a site; its
 * travellers (the principal among them) and its history of transitions hang on the
 * case. The current state is kept on the case (with the time it was entered) so that
 * lists and the overdue check need no walk of the history; every change of it writes a
 * history row in the same transaction. Individual counselling sessions hang on a person
 * and a site. */
#include "returns/returns.h"

static const char migration_1[] =
    "CREATE TABLE return_cases ("
    " id TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " destination_country TEXT NOT NULL,"
    " destination_place TEXT,"
    " counsellor_id TEXT,"
    " counsellor_name TEXT,"
    " state TEXT NOT NULL,"
    " state_at TEXT NOT NULL,"
    " due_at TEXT,"
    " closed_reason TEXT,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX return_cases_site ON return_cases (site_id, state);"
    "CREATE INDEX return_cases_state ON return_cases (state, state_at);"

    "CREATE TABLE return_travellers ("
    " case_id TEXT NOT NULL REFERENCES return_cases (id),"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " principal INTEGER NOT NULL DEFAULT 0,"
    " added_at TEXT NOT NULL,"
    " PRIMARY KEY (case_id, person_id));"
    "CREATE INDEX return_travellers_person ON return_travellers (person_id);"

    "CREATE TABLE return_transitions ("
    " id TEXT PRIMARY KEY,"
    " case_id TEXT NOT NULL REFERENCES return_cases (id),"
    " from_state TEXT,"
    " to_state TEXT NOT NULL,"
    " at TEXT NOT NULL,"
    " details TEXT NOT NULL DEFAULT '{}',"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " recorded_at TEXT NOT NULL);"
    "CREATE INDEX return_transitions_case ON return_transitions (case_id, at);"
    "CREATE INDEX return_transitions_to ON return_transitions (to_state, at);"

    "CREATE TABLE return_counselling ("
    " id TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " held_at TEXT NOT NULL,"
    " counsellor_id TEXT,"
    " counsellor_name TEXT NOT NULL,"
    " language TEXT NOT NULL,"
    " interpreter TEXT,"
    " mode TEXT NOT NULL CHECK (mode IN ('in_person', 'virtual', 'phone')),"
    " topics TEXT NOT NULL,"
    " outcome TEXT NOT NULL CHECK (outcome IN ('information_only', 'considering',"
    "  'intention_expressed', 'declined')),"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX return_counselling_site ON return_counselling (site_id, held_at);"
    "CREATE INDEX return_counselling_person ON return_counselling (person_id, held_at);"
    "CREATE INDEX return_counselling_at ON return_counselling (held_at);";

/* Reintegration: one plan per case (after departure), its monitoring visits at 3, 6 and
 * 12 months after arrival with the questionnaire's answers and the score computed then. */
static const char migration_2[] =
    "CREATE TABLE return_plans ("
    " id TEXT PRIMARY KEY,"
    " case_id TEXT NOT NULL UNIQUE REFERENCES return_cases (id),"
    " kind TEXT NOT NULL CHECK (kind IN ('business', 'housing', 'medical', 'education',"
    "  'psychosocial')),"
    " budget_eur INTEGER NOT NULL CHECK (budget_eur BETWEEN 0 AND 100000),"
    " modality TEXT NOT NULL CHECK (modality IN ('cash', 'in_kind', 'mixed')),"
    " partner TEXT NOT NULL,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE return_visits ("
    " id TEXT PRIMARY KEY,"
    " plan_id TEXT NOT NULL REFERENCES return_plans (id),"
    " month INTEGER NOT NULL CHECK (month IN (3, 6, 12)),"
    " visited_on TEXT NOT NULL,"
    " answers TEXT NOT NULL,"
    " score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " UNIQUE (plan_id, month));";

static const store_migration migrations[] = {
    {1, migration_1},
    {2, migration_2},
};

herr *returns_migrate(store *s) {
    return store_migrate(s, "returns", migrations, sizeof migrations / sizeof migrations[0]);
}
