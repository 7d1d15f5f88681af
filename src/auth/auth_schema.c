/* The tables of accounts and sessions. Sessions are stored by the hash of their token,
 * so a copied database does not hand out live sessions. */
#include "auth/auth.h"

static const char migration_1[] =
    "CREATE TABLE users ("
    " id TEXT PRIMARY KEY,"
    " username TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL,"
    " role TEXT NOT NULL,"
    " password_hash TEXT NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 1,"
    " locale TEXT NOT NULL DEFAULT 'en',"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE TABLE user_sites ("
    " user_id TEXT NOT NULL REFERENCES users (id),"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " PRIMARY KEY (user_id, site_id));"
    "CREATE INDEX user_sites_site ON user_sites (site_id);"
    "CREATE TABLE sessions ("
    " token_hash TEXT PRIMARY KEY,"
    " user_id TEXT NOT NULL REFERENCES users (id),"
    " created_at TEXT NOT NULL,"
    " last_seen_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE TABLE login_failures ("
    " id INTEGER PRIMARY KEY,"
    " username TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX login_failures_username ON login_failures (username, at);"
    "CREATE INDEX login_failures_address ON login_failures (address, at);";

/* The login delay is counted per (username, address) pair. */
static const char migration_2[] =
    "CREATE INDEX login_failures_pair ON login_failures (username, address, at);";

static const store_migration migrations[] = {{1, migration_1}, {2, migration_2}};

herr *auth_migrate(store *s) {
    return store_migrate(s, "auth", migrations, sizeof migrations / sizeof migrations[0]);
}
