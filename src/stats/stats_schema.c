/* The module's tables: stored figures (one row per cell) and settings. Figures of the
 * local administration are computed or entered; those of the others imported. A
 * suppressed cell of an imported file has no value (NULL) and its CONF_STATUS. */
#include "stats/stats_internal.h"

static const char migration_1[] =
    "CREATE TABLE stats_cells ("
    " ref_area TEXT NOT NULL,"
    " period TEXT NOT NULL,"
    " indicator TEXT NOT NULL,"
    " site TEXT NOT NULL,"
    " citizen TEXT NOT NULL,"
    " sex TEXT NOT NULL,"
    " age TEXT NOT NULL,"
    " value DOUBLE PRECISION,"
    " obs_status TEXT NOT NULL,"
    " conf_status TEXT NOT NULL,"
    " source TEXT NOT NULL CHECK (source IN ('computed', 'entered', 'imported')),"
    " updated_at TEXT NOT NULL,"
    " PRIMARY KEY (ref_area, period, indicator, site, citizen, sex, age));"
    "CREATE INDEX stats_cells_compare ON stats_cells (indicator, period, ref_area);"
    "CREATE TABLE stats_settings ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);";

static const store_migration migrations[] = {{1, migration_1}};

herr *stats_migrate(store *s) {
    return store_migrate(s, "stats", migrations, sizeof migrations / sizeof migrations[0]);
}
