/* The distributions module's tables.
 *
 * dist_stock holds the balance per site and item and refuses to go negative (CHECK);
 * every change to it is made in the same transaction as its line in dist_ledger, which
 * is append-only, so that the balance is always the sum of the ledger. */
#include "distributions/distributions.h"

static const char migration_1[] =
    "CREATE TABLE dist_items ("
    " id TEXT PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " name_en TEXT NOT NULL,"
    " name_bs TEXT NOT NULL,"
    " name_sr TEXT NOT NULL,"
    " category TEXT NOT NULL CHECK (category IN ('meal', 'food', 'diet', 'baby', 'hygiene',"
    "  'clothing', 'nfi')),"
    " unit TEXT NOT NULL CHECK (unit IN ('portion', 'piece', 'kit', 'pack', 'pair')),"
    " per TEXT NOT NULL CHECK (per IN ('person', 'family')),"
    " period_days INTEGER CHECK (period_days BETWEEN 1 AND 365),"
    " max_quantity INTEGER NOT NULL DEFAULT 1 CHECK (max_quantity BETWEEN 1 AND 100),"
    " min_age_months INTEGER,"
    " max_age_months INTEGER,"
    " sex TEXT CHECK (sex IN ('F', 'M')),"
    " flag TEXT,"
    " low_stock INTEGER NOT NULL DEFAULT 0 CHECK (low_stock >= 0),"
    " active INTEGER NOT NULL DEFAULT 1,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"

    "CREATE TABLE dist_person_flags ("
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " flag TEXT NOT NULL,"
    " note TEXT,"
    " set_at TEXT NOT NULL,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " PRIMARY KEY (person_id, flag));"

    "CREATE TABLE dist_stock ("
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " item_id TEXT NOT NULL REFERENCES dist_items (id),"
    " quantity INTEGER NOT NULL CHECK (quantity >= 0),"
    " updated_at TEXT NOT NULL,"
    " PRIMARY KEY (site_id, item_id));"

    "CREATE TABLE dist_ledger ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " item_id TEXT NOT NULL REFERENCES dist_items (id),"
    " kind TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer_in', 'transfer_out', 'loss',"
    "  'count', 'distribution')),"
    " delta INTEGER NOT NULL,"
    " balance INTEGER NOT NULL CHECK (balance >= 0),"
    " ref TEXT,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX dist_ledger_site ON dist_ledger (site_id, item_id, at);"

    "CREATE TABLE dist_bulk ("
    " id TEXT PRIMARY KEY,"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " item_id TEXT NOT NULL REFERENCES dist_items (id),"
    " quantity_each INTEGER NOT NULL,"
    " recipients INTEGER NOT NULL,"
    " skipped INTEGER NOT NULL,"
    " note TEXT,"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL,"
    " at TEXT NOT NULL);"

    "CREATE TABLE dist_given ("
    " id TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " site_id TEXT NOT NULL REFERENCES sites (id),"
    " item_id TEXT NOT NULL REFERENCES dist_items (id),"
    " quantity INTEGER NOT NULL CHECK (quantity > 0),"
    " at TEXT NOT NULL,"
    " reason TEXT,"
    " bulk_id TEXT REFERENCES dist_bulk (id),"
    " by_id TEXT NOT NULL,"
    " by_name TEXT NOT NULL);"
    "CREATE INDEX dist_given_person ON dist_given (person_id, item_id, at);"
    "CREATE INDEX dist_given_site ON dist_given (site_id, at);"
    "CREATE INDEX dist_given_at ON dist_given (at);"

    /* The other people a per-family item was for. */
    "CREATE TABLE dist_given_members ("
    " given_id TEXT NOT NULL REFERENCES dist_given (id),"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " PRIMARY KEY (given_id, person_id));"
    "CREATE INDEX dist_given_members_person ON dist_given_members (person_id);";

static const store_migration migrations[] = {
    {1, migration_1},
};

herr *distributions_migrate(store *s) {
    herr *e =
        store_migrate(s, "distributions", migrations, sizeof migrations / sizeof migrations[0]);
    if (!e) e = store_make_append_only(s, "dist_ledger");
    return e;
}
