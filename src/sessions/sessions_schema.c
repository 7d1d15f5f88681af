/* The sessions module's tables. Group sessions hang on a site; attendance on a session
 * and a registered person (with the person's sex and age group on the day, so that the
 * figures of a month do not change when a birth date is corrected later); anonymous
 * counts per sex and age group. Trainings for officials follow (migration 2). */
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

static const char migration_1[] =
    "CREATE TABLE group_sessions ("
    " id TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " topic TEXT NOT NULL,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " starts_at TEXT NOT NULL,"
    " duration_minutes INTEGER CHECK (duration_minutes BETWEEN 1 AND 1440),"
    " facilitator TEXT NOT NULL,"
    " language TEXT NOT NULL,"
    " interpreter TEXT,"
    " interpreted_languages TEXT NOT NULL DEFAULT '',"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX group_sessions_site ON group_sessions (site_id, starts_at);"
    "CREATE INDEX group_sessions_kind ON group_sessions (kind, starts_at);"
    "CREATE INDEX group_sessions_at ON group_sessions (starts_at);"

    "CREATE TABLE group_session_attendees ("
    " session_id TEXT NOT NULL REFERENCES group_sessions (id),"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " sex TEXT NOT NULL,"
    " age_group TEXT NOT NULL,"
    " added_at TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " PRIMARY KEY (session_id, person_id));"
    "CREATE INDEX group_session_attendees_person ON group_session_attendees (person_id);"

    "CREATE TABLE group_session_counts ("
    " session_id TEXT NOT NULL REFERENCES group_sessions (id),"
    " sex TEXT NOT NULL CHECK (sex IN ('F', 'M', 'X')),"
    " age_group TEXT NOT NULL,"
    " count INTEGER NOT NULL CHECK (count BETWEEN 0 AND 10000),"
    " PRIMARY KEY (session_id, sex, age_group));";

static const char migration_2[] =
    "CREATE TABLE trainings ("
    " id TEXT PRIMARY KEY,"
    " title TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('training', 'workshop', 'conference', 'study_visit',"
    "  'meeting')),"
    " starts_on TEXT NOT NULL,"
    " ends_on TEXT NOT NULL,"
    " venue TEXT,"
    " site_id TEXT REFERENCES sites (id),"
    " organiser TEXT,"
    " language TEXT,"
    " description TEXT,"
    " certificate_text TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " CHECK (ends_on >= starts_on));"
    "CREATE INDEX trainings_starts ON trainings (starts_on);"
    "CREATE TABLE training_agenda ("
    " id TEXT PRIMARY KEY,"
    " training_id TEXT NOT NULL REFERENCES trainings (id),"
    " day TEXT NOT NULL,"
    " time TEXT NOT NULL,"
    " title TEXT NOT NULL,"
    " speaker TEXT);"
    "CREATE INDEX training_agenda_training ON training_agenda (training_id, day, time);"
    "CREATE TABLE training_participants ("
    " id TEXT PRIMARY KEY,"
    " training_id TEXT NOT NULL REFERENCES trainings (id),"
    " name TEXT NOT NULL,"
    " organisation TEXT NOT NULL,"
    " country TEXT,"
    " sex TEXT CHECK (sex IN ('F', 'M', 'X')),"
    " position TEXT,"
    " email TEXT,"
    " attended INTEGER NOT NULL DEFAULT 1,"
    " certificate_no TEXT UNIQUE,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX training_participants_training ON training_participants (training_id);"
    "CREATE TABLE training_evaluations ("
    " id TEXT PRIMARY KEY,"
    " training_id TEXT NOT NULL REFERENCES trainings (id),"
    " participant_id TEXT UNIQUE REFERENCES training_participants (id),"
    " answers TEXT NOT NULL,"
    " submitted_at TEXT NOT NULL);"
    "CREATE INDEX training_evaluations_training ON training_evaluations (training_id);";

static const store_migration migrations[] = {
    {1, migration_1},
    {2, migration_2},
};

herr *sessions_migrate(store *s) {
    return store_migrate(s, "sessions", migrations, sizeof migrations / sizeof migrations[0]);
}
