/* The screening module's table: watch lists, their records sealed. */
#include "screening/screening.h"

static const char migration_1[] = "CREATE TABLE watch_lists ("
                                  " id TEXT PRIMARY KEY,"
                                  " name TEXT NOT NULL,"
                                  " records INTEGER NOT NULL CHECK (records >= 0),"
                                  " sealed_csv TEXT NOT NULL,"
                                  " created_at TEXT NOT NULL,"
                                  " by_id TEXT NOT NULL,"
                                  " by_name TEXT NOT NULL);"
                                  "CREATE INDEX watch_lists_created ON watch_lists (created_at);";

static const store_migration migrations[] = {
    {1, migration_1},
};

herr *screening_migrate(store *s) {
    return store_migrate(s, "screening", migrations, sizeof migrations / sizeof migrations[0]);
}
