/* store_pg: the PostgreSQL backend's internals shared by its files (src/store only). */
#ifndef HAVEN_STORE_PG_H
#define HAVEN_STORE_PG_H

#include <libpq-fe.h>

#include "store/store_backend.h"

/* The error of a failed result: SQLSTATE class 23 (a constraint) is ERR_CONFLICT,
 * a deadlock, serialization failure or lock timeout ERR_IO "busy", others ERR_IO. */
herr *pg_result_error(PGconn *conn, const PGresult *res, const char *what);

/* Runs internal SQL (not rewritten) with no parameters. */
herr *pg_exec_raw(PGconn *conn, const char *sql);

/* Defines, once per database, the SQLite functions the shared SQL uses (instr, hex,
 * randomblob, strftime, ...) and the append-only trigger function. */
herr *pg_admin_install(PGconn *conn);

herr *pg_make_append_only(store *s, const char *table);
herr *pg_backup(store *s, const char *dest);
herr *pg_check_integrity(store *s);
PGconn *pg_conn(store *s);

/* True for a name that may stand in SQL text as it is: [a-z0-9_], 1 to 60 bytes. */
bool pg_plain_name(const char *name);

/* store_notify_on_change, store_listen and store_notification (store_pg_notify.c). */
herr *pg_notify_on_change(store *s, const char *table, const char *key_column, const char *columns,
                          const char *channel);
herr *pg_listen(store *s, const char *channel);
herr *pg_notification(store *s, int timeout_ms, char **payload);

#endif
