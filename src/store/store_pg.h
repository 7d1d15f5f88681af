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

#endif
