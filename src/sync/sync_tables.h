/* sync_tables: the sync module's tables in the SQL both engines share (migration 1 of
 * sync_schema.c and of sync_pg.c). Internal to src/sync. */
#ifndef HAVEN_SYNC_TABLES_H
#define HAVEN_SYNC_TABLES_H

/* The tables, in the SQL both engines share. */
#define SYNC_TABLES                                                                                \
    "CREATE TABLE sync_state ("                                                                    \
    " one INTEGER PRIMARY KEY CHECK (one = 1),"                                                    \
    " origin TEXT NOT NULL,"                                                                       \
    " capture INTEGER NOT NULL DEFAULT 1,"                                                         \
    " server TEXT,"                                                                                \
    " pushed_upto INTEGER NOT NULL DEFAULT 0,"                                                     \
    " pulled_upto INTEGER NOT NULL DEFAULT 0,"                                                     \
    " enrol_table INTEGER NOT NULL DEFAULT 0,"                                                     \
    " enrol_after TEXT NOT NULL DEFAULT '',"                                                       \
    " enrolled_at TEXT);"                                                                          \
    "INSERT INTO sync_state (one, origin) VALUES (1, lower(hex(randomblob(16))));" /* One row per  \
                                                                                    * captured or  \
                                                                                    * received     \
                                                                                    * change.      \
                                                                                    * origin_seq   \
                                                                                    * is the       \
                                                                                    * change's     \
                                                                                    * number at    \
                                                                                    * its origin   \
                                                                                    * (for a local \
                                                                                    * change, its  \
                                                                                    * own seq);    \
                                                                                    * (origin,     \
                                                                                    * origin_seq)  \
                                                                                    * names it     \
                                                                                    * everywhere.  \
                                                                                    */             \
    "CREATE TABLE sync_changes ("                                                                  \
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"                                                      \
    " origin TEXT NOT NULL,"                                                                       \
    " origin_seq INTEGER,"                                                                         \
    " tbl TEXT NOT NULL,"                                                                          \
    " row_id TEXT NOT NULL,"                                                                       \
    " field TEXT NOT NULL,"                                                                        \
    " old_value TEXT,"                                                                             \
    " new_value TEXT,"                                                                             \
    " kind TEXT NOT NULL CHECK (kind IN ('insert', 'update', 'resolve')),"                         \
    " site_id TEXT,"                                                                               \
    " changed_at TEXT NOT NULL,"                                                                   \
    " status TEXT NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'conflict')),"           \
    " UNIQUE (origin, origin_seq));"                                                               \
    "CREATE INDEX sync_changes_row ON sync_changes (tbl, row_id, field);"                          \
    "CREATE TABLE sync_conflicts ("                                                                \
    " id TEXT PRIMARY KEY,"                                                                        \
    " tbl TEXT NOT NULL,"                                                                          \
    " row_id TEXT NOT NULL,"                                                                       \
    " field TEXT NOT NULL,"                                                                        \
    " site_id TEXT,"                                                                               \
    " base_value TEXT,"                                                                            \
    " local_value TEXT,"                                                                           \
    " incoming_value TEXT,"                                                                        \
    " incoming_origin TEXT NOT NULL,"                                                              \
    " incoming_seq INTEGER NOT NULL,"                                                              \
    " detected_at TEXT NOT NULL,"                                                                  \
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),"                 \
    " chosen TEXT CHECK (chosen IN ('local', 'incoming', 'elsewhere')),"                           \
    " resolved_value TEXT,"                                                                        \
    " reason TEXT,"                                                                                \
    " resolved_by TEXT,"                                                                           \
    " resolved_at TEXT);"                                                                          \
    "CREATE INDEX sync_conflicts_open ON sync_conflicts (status, detected_at);"                    \
    "CREATE INDEX sync_conflicts_row ON sync_conflicts (tbl, row_id, field);"                      \
    "CREATE TABLE sync_duplicates ("                                                               \
    " id TEXT PRIMARY KEY,"                                                                        \
    " person_id TEXT NOT NULL REFERENCES persons (id),"                                            \
    " candidate_id TEXT NOT NULL REFERENCES persons (id),"                                         \
    " score REAL NOT NULL,"                                                                        \
    " reasons TEXT NOT NULL,"                                                                      \
    " origin TEXT NOT NULL,"                                                                       \
    " found_at TEXT NOT NULL,"                                                                     \
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'distinct',"         \
    " 'dismissed')),"                                                                              \
    " closed_by TEXT,"                                                                             \
    " closed_at TEXT,"                                                                             \
    " UNIQUE (person_id, candidate_id));"                                                          \
    "CREATE INDEX sync_duplicates_open ON sync_duplicates (status, score);"

#endif
