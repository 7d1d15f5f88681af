/* The PostgreSQL backend's engine-specific pieces: the SQLite functions the shared SQL
 * uses, defined in the database; append-only tables; backup through pg_dump; the
 * integrity check. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store_pg.h"

extern char **environ;

/* SQLite's functions as the shared SQL calls them. Version the list: a database
 * installed by an older Haven gets the new ones on its next `haven init`. */
static const char compat_sql[] =
    "SELECT pg_advisory_xact_lock(1213612398);"
    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer"
    " LANGUAGE sql IMMUTABLE STRICT AS 'SELECT strpos($1, $2)';"
    /* json_each over a JSON array given as text: key is the index, as SQLite's. */
    "CREATE OR REPLACE FUNCTION json_each(text) RETURNS TABLE (key bigint, value json)"
    " LANGUAGE sql IMMUTABLE STRICT AS"
    " 'SELECT (o - 1)::bigint, v FROM json_array_elements($1::json) WITH ORDINALITY AS a (v, o)';"
    "CREATE OR REPLACE FUNCTION json_quote(anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " 'SELECT coalesce(to_json($1)::text, ''null'')';"
    "CREATE OR REPLACE FUNCTION json_quote(text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " 'SELECT coalesce(to_json($1)::text, ''null'')';"
    /* json_extract(json, '$') and '$.name' paths: the value as text (NULL for null). */
    "CREATE OR REPLACE FUNCTION json_extract(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " 'SELECT CASE WHEN $2 = ''$'' THEN $1::json #>> ''{}''"
    " ELSE $1::json #>> string_to_array(substr($2, 3), ''.'') END';"
    /* SUM over a comparison: SQLite's comparisons are 0 or 1, PostgreSQL's booleans. */
    "CREATE OR REPLACE FUNCTION haven_sum_bool(bigint, boolean) RETURNS bigint"
    " LANGUAGE sql IMMUTABLE AS"
    " 'SELECT CASE WHEN $2 IS NULL THEN $1 ELSE coalesce($1, 0) + $2::int END';"
    "CREATE OR REPLACE AGGREGATE sum(boolean) (sfunc = haven_sum_bool, stype = bigint);"
    "CREATE OR REPLACE FUNCTION hex(bytea) RETURNS text"
    " LANGUAGE sql IMMUTABLE STRICT AS 'SELECT upper(encode($1, ''hex''))';"
    "CREATE OR REPLACE FUNCTION randomblob(integer) RETURNS bytea LANGUAGE sql VOLATILE AS"
    " 'SELECT substring(decode(string_agg(replace(gen_random_uuid()::text, ''-'', ''''), ''''),"
    " ''hex'') FROM 1 FOR greatest($1, 1))"
    " FROM generate_series(1, (greatest($1, 1) + 15) / 16)';"
    /* strftime(format, 'now' or a time): %Y %m %d %H %M %S %f %s %j, others literal. */
    "CREATE OR REPLACE FUNCTION strftime(fmt text, t text) RETURNS text"
    " LANGUAGE plpgsql STABLE AS $$"
    " DECLARE ts timestamp; out text := ''; i int := 1; c text;"
    " BEGIN"
    "  IF t IS NULL OR fmt IS NULL THEN RETURN NULL; END IF;"
    "  ts := CASE WHEN t = 'now' THEN (clock_timestamp() AT TIME ZONE 'UTC')"
    "        ELSE (t::timestamptz AT TIME ZONE 'UTC') END;"
    "  WHILE i <= length(fmt) LOOP"
    "   c := substr(fmt, i, 1);"
    "   IF c = '%' AND i < length(fmt) THEN"
    "    i := i + 1; c := substr(fmt, i, 1);"
    "    out := out || CASE c WHEN 'Y' THEN to_char(ts, 'YYYY') WHEN 'm' THEN to_char(ts, 'MM')"
    "     WHEN 'd' THEN to_char(ts, 'DD') WHEN 'H' THEN to_char(ts, 'HH24')"
    "     WHEN 'M' THEN to_char(ts, 'MI') WHEN 'S' THEN to_char(ts, 'SS')"
    "     WHEN 'f' THEN to_char(ts, 'SS.MS') WHEN 'j' THEN to_char(ts, 'DDD')"
    "     WHEN 's' THEN floor(extract(epoch FROM ts))::bigint::text"
    "     WHEN '%' THEN '%' ELSE '%' || c END;"
    "   ELSE out := out || c; END IF;"
    "   i := i + 1;"
    "  END LOOP;"
    "  RETURN out;"
    " END $$;"
    "CREATE OR REPLACE FUNCTION haven_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '23000'; END $$;";

herr *pg_admin_install(PGconn *conn) {
    herr *e = pg_exec_raw(conn, "BEGIN");
    if (!e) e = pg_exec_raw(conn, compat_sql);
    if (!e) return pg_exec_raw(conn, "COMMIT");
    err_free(pg_exec_raw(conn, "ROLLBACK"));
    return e;
}

bool pg_plain_name(const char *table) {
    if (!table[0] || strlen(table) > 60) return false;
    for (const char *p = table; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return true;
}

herr *pg_make_append_only(store *s, const char *table) {
    if (!pg_plain_name(table)) return err_new(ERR_INTERNAL, NULL, "bad table name %s", table);
    char sql[400];
    snprintf(sql, sizeof sql,
             "CREATE OR REPLACE TRIGGER %s_append_only BEFORE UPDATE OR DELETE ON %s"
             " FOR EACH ROW EXECUTE FUNCTION haven_append_only()",
             table, table);
    return store_exec(s, sql);
}

/* pg_dump's custom format, restored with pg_restore (docs/deployment.md). The file is
 * made the owner's alone before pg_dump writes into it. */
herr *pg_backup(store *s, const char *dest) {
    int fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0) {
        herr *e = err_new(ERR_IO, "out", "cannot create %s: %s", dest, strerror(errno));
        if (fd >= 0) close(fd);
        return e;
    }
    close(fd);
    char *argv[] = {"pg_dump",    "--format=custom", "--no-owner",          "--file",
                    (char *)dest, "--dbname",        (char *)store_path(s), NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (rc != 0)
        return err_new(ERR_IO, "out",
                       "cannot run pg_dump (%s): install postgresql-client, or back up the "
                       "server with pg_basebackup and WAL archiving (docs/deployment.md)",
                       strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return err_new(ERR_IO, "out", "pg_dump failed (exit %d): see its message above",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return NULL;
}

/* PostgreSQL checks its own pages (data checksums, initdb -k); this asks the server
 * that the catalogue answers and that every table Haven made is readable. */
herr *pg_check_integrity(store *s) {
    static const char sql[] = "SELECT count(*) FROM pg_class WHERE relkind = 'r'";
    PGresult *res = PQexec(pg_conn(s), sql);
    herr *e = NULL;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        e = pg_result_error(pg_conn(s), res, "database integrity check failed");
    PQclear(res);
    return e;
}
