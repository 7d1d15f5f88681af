/* The feedback module's tables. psea_reports keeps in clear only what the module needs
 * to route a report to the right focal points (the site), to sort it (the date) and to
 * follow it (the state); the rest, recorder included, is one sealed JSON payload. */
#include "feedback/feedback.h"

static const char migration_1[] =
    "CREATE TABLE feedback_items ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " channel TEXT NOT NULL,"
    " category TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('complaint', 'feedback', 'suggestion', 'appreciation')),"
    " anonymous INTEGER NOT NULL CHECK (anonymous IN (0, 1)),"
    " person_id TEXT REFERENCES persons (id),"
    " contact TEXT,"
    " language TEXT,"
    " summary TEXT NOT NULL,"
    " received_at TEXT NOT NULL,"
    " ack_due TEXT NOT NULL,"
    " response_due TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('received', 'acknowledged', 'responded', 'closed')),"
    " acknowledged_at TEXT,"
    " responded_at TEXT,"
    " closed_at TEXT,"
    " loop TEXT CHECK (loop IN ('told_person', 'posted_publicly', 'not_possible')),"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX feedback_items_site ON feedback_items (site_id, received_at);"
    "CREATE INDEX feedback_items_state ON feedback_items (state, response_due);"
    "CREATE TABLE feedback_events ("
    " id TEXT PRIMARY KEY,"
    " item_id TEXT NOT NULL REFERENCES feedback_items (id),"
    " action TEXT NOT NULL,"
    " text TEXT,"
    " at TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL);"
    "CREATE INDEX feedback_events_item ON feedback_events (item_id, at);"

    "CREATE TABLE psea_reports ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " received_at TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('received', 'assessed', 'referred', 'investigating',"
    "  'closed')),"
    " updated_at TEXT NOT NULL,"
    " payload TEXT NOT NULL /* sealed */);"
    "CREATE INDEX psea_reports_site ON psea_reports (site_id, received_at);"
    "CREATE TABLE psea_events ("
    " id TEXT PRIMARY KEY,"
    " report_id TEXT NOT NULL REFERENCES psea_reports (id),"
    " state TEXT NOT NULL,"
    " note TEXT /* sealed */,"
    " at TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL);"
    "CREATE INDEX psea_events_report ON psea_events (report_id, at);"

    "CREATE TABLE survey_responses ("
    " id TEXT PRIMARY KEY,"
    " form TEXT NOT NULL,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " language TEXT,"
    " answered_at TEXT NOT NULL,"
    " answers TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL);"
    "CREATE INDEX survey_responses_site ON survey_responses (form, site_id, answered_at);";

static const store_migration migrations[] = {
    {1, migration_1},
};

herr *feedback_migrate(store *s) {
    return store_migrate(s, "feedback", migrations, sizeof migrations / sizeof migrations[0]);
}
