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

/* Readmission requests and the people on them (registered or as the request describes
 * them, with the data the READM_REQ statistic needs kept on the row). */
static const char migration_3[] =
    "CREATE TABLE return_readmissions ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " agreement TEXT NOT NULL,"
    " requesting_state TEXT NOT NULL,"
    " requested_state TEXT NOT NULL,"
    " reference TEXT,"
    " requested_on TEXT NOT NULL,"
    " deadline TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused', 'handed_over',"
    "  'withdrawn')),"
    " answered_on TEXT,"
    " outcome TEXT,"
    " handover_on TEXT,"
    " border_crossing TEXT,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX return_readmissions_site ON return_readmissions (site_id, status, deadline);"
    "CREATE INDEX return_readmissions_on ON return_readmissions (requested_on);"
    "CREATE TABLE return_readmission_persons ("
    " request_id TEXT NOT NULL REFERENCES return_readmissions (id),"
    " seq INTEGER NOT NULL,"
    " person_id TEXT REFERENCES persons (id),"
    " given_name TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " sex TEXT NOT NULL,"
    " birth_date TEXT,"
    " citizenship TEXT NOT NULL,"
    " PRIMARY KEY (request_id, seq));"
    "CREATE INDEX return_readmission_persons_person ON return_readmission_persons (person_id);";

/* Forced-return operations with the monitor's report (checklist answers as JSON) and
 * findings whose follow-up is tracked; grant instalments of a reintegration plan. */
static const char migration_4[] =
    "CREATE TABLE return_operations ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " op_date TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('charter_flight', 'scheduled_flight', 'land')),"
    " route TEXT NOT NULL,"
    " destination_country TEXT NOT NULL,"
    " returnees INTEGER NOT NULL,"
    " escorts INTEGER NOT NULL DEFAULT 0,"
    " escort_organisation TEXT,"
    " monitors TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('planned', 'reported')),"
    " checklist TEXT,"
    " report TEXT,"
    " reported_at TEXT,"
    " reported_by TEXT,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX return_operations_site ON return_operations (site_id, op_date);"
    "CREATE TABLE return_findings ("
    " id TEXT PRIMARY KEY,"
    " operation_id TEXT NOT NULL REFERENCES return_operations (id),"
    " finding TEXT NOT NULL,"
    " severity TEXT NOT NULL CHECK (severity IN ('observation', 'concern', 'serious')),"
    " recommendation TEXT NOT NULL,"
    " addressed_to TEXT,"
    " follow_up TEXT NOT NULL CHECK (follow_up IN ('open', 'in_progress', 'implemented',"
    "  'rejected')),"
    " follow_up_note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX return_findings_operation ON return_findings (operation_id);"
    "CREATE TABLE return_instalments ("
    " id TEXT PRIMARY KEY,"
    " plan_id TEXT NOT NULL REFERENCES return_plans (id),"
    " seq INTEGER NOT NULL,"
    " amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),"
    " currency TEXT NOT NULL,"
    " due_on TEXT NOT NULL,"
    " description TEXT,"
    " status TEXT NOT NULL CHECK (status IN ('planned', 'approved', 'paid', 'cancelled')),"
    " approved_by_id TEXT,"
    " approved_by_name TEXT,"
    " approved_at TEXT,"
    " paid_on TEXT,"
    " payment_reference TEXT,"
    " paid_by_name TEXT,"
    " cancel_reason TEXT,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " UNIQUE (plan_id, seq));";

/* Transitions of one moment are listed in the order recorded: SQLite's rowid says it;
 * PostgreSQL has no rowid, so there the table gets a column of that name that counts
 * the same way. Nothing to do on SQLite. */
static const char migration_5[] = "SELECT 1";
static const char migration_5_pg[] =
    "ALTER TABLE return_transitions ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY";

static const store_migration migrations[] = {
    {1, migration_1},
    {2, migration_2},
    {3, migration_3},
    {4, migration_4},
    {5, migration_5, migration_5_pg},
};

herr *returns_migrate(store *s) {
    return store_migrate(s, "returns", migrations, sizeof migrations / sizeof migrations[0]);
}
