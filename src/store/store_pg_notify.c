/* Change notifications on PostgreSQL: triggers that NOTIFY a row's key when it changes,
 * and the listening side (LISTEN, then waiting on the connection's socket).
 *
 * NOTIFY is transactional: a notification sent by a trigger inside a transaction is
 * delivered to the listeners when, and only if, the transaction commits, after the data
 * is visible to them; identical notifications of one transaction are delivered once.
 * A listener that loses its connection loses what was sent meanwhile: its user must
 * catch up from the tables after listening again (src/registry/follow.c does). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "store/store_pg.h"

/* One trigger function for every table: TG_ARGV[0] is the channel, TG_ARGV[1] the key
 * column, read through to_jsonb so that any column type is announced as text. */
static const char function_sql[] =
    "CREATE OR REPLACE FUNCTION haven_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE k text; o text;"
    " BEGIN"
    "  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD) ->> TG_ARGV[1]; END IF;"
    "  IF TG_OP <> 'DELETE' THEN k := to_jsonb(NEW) ->> TG_ARGV[1]; END IF;"
    "  IF k IS NOT NULL THEN PERFORM pg_notify(TG_ARGV[0], k); END IF;"
    "  IF o IS NOT NULL AND o IS DISTINCT FROM k THEN PERFORM pg_notify(TG_ARGV[0], o); END IF;"
    "  RETURN NULL;"
    " END $$";

static const char exists_sql[] =
    "SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2)";

/* "a, b ,c" -> "a, b, c" into out (size n); false when a name is not plain or it is too
 * long. */
static bool column_list(const char *columns, char *out, size_t n) {
    size_t used = 0;
    out[0] = '\0';
    const char *p = columns;
    while (*p) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, ", ");
        char name[64];
        if (len == 0 || len >= sizeof name) return false;
        memcpy(name, p, len);
        name[len] = '\0';
        if (!pg_plain_name(name)) return false;
        int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", name);
        if (w < 0 || (size_t)w >= n - used) return false;
        used += (size_t)w;
        p += len;
        while (*p == ' ') p++;
        if (*p == ',') p++;
    }
    return used > 0;
}

static herr *trigger_exists(PGconn *conn, const char *name, const char *table, bool *exists) {
    const char *params[2] = {name, table};
    PGresult *res = PQexecParams(conn, exists_sql, 2, NULL, params, NULL, NULL, 0);
    herr *e = NULL;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        e = pg_result_error(conn, res, "cannot look up a trigger");
    else
        *exists = PQntuples(res) > 0;
    PQclear(res);
    return e;
}

herr *pg_notify_on_change(store *s, const char *table, const char *key_column, const char *columns,
                          const char *channel) {
    char name[64], cols[512] = "", sql[1024];
    if (!pg_plain_name(table) || !pg_plain_name(key_column) || !pg_plain_name(channel) ||
        (columns && !column_list(columns, cols, sizeof cols)))
        return err_new(ERR_INTERNAL, NULL, "notify on change: bad name (%s, %s, %s)", table,
                       key_column, channel);
    if ((size_t)snprintf(name, sizeof name, "%s_notify_%s", table, channel) >= sizeof name)
        return err_new(ERR_INTERNAL, NULL, "notify on change: %s_notify_%s is too long", table,
                       channel);
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER %s AFTER INSERT OR DELETE OR UPDATE%s%s ON %s FOR EACH ROW"
             " EXECUTE FUNCTION haven_notify_change('%s', '%s')",
             name, cols[0] ? " OF " : "", cols, table, channel, key_column);
    /* Under the write lock: two servers starting at once make it once. */
    herr *e = store_begin(s);
    if (e) return e;
    bool exists = false;
    PGconn *conn = pg_conn(s);
    e = trigger_exists(conn, name, table, &exists);
    if (!e && !exists) e = pg_exec_raw(conn, function_sql);
    if (!e && !exists) e = pg_exec_raw(conn, sql);
    if (e) {
        store_rollback(s);
        return e;
    }
    return store_commit(s);
}

herr *pg_listen(store *s, const char *channel) {
    if (!pg_plain_name(channel))
        return err_new(ERR_INTERNAL, NULL, "listen: bad channel name %s", channel);
    char sql[128];
    /* Named, so that an operator sees it in pg_stat_activity for what it is. */
    snprintf(sql, sizeof sql, "SET application_name = 'haven-listen'; LISTEN %s", channel);
    return pg_exec_raw(pg_conn(s), sql);
}

static herr *lost(PGconn *conn) {
    char msg[240];
    snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
    msg[strcspn(msg, "\n")] = '\0';
    return err_new(ERR_IO, "db", "the listening connection is lost: %s",
                   msg[0] ? msg : "closed by the server");
}

static int64_t ms_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

herr *pg_notification(store *s, int timeout_ms, char **payload) {
    PGconn *conn = pg_conn(s);
    int64_t deadline = ms_now() + (timeout_ms > 0 ? timeout_ms : 0);
    *payload = NULL;
    for (;;) {
        /* What arrived while statements ran is queued in libpq already. */
        if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) return lost(conn);
        PGnotify *n = PQnotifies(conn);
        if (n) {
            *payload = mem_strdup(n->extra ? n->extra : "");
            PQfreemem(n);
            return NULL;
        }
        int64_t left = deadline - ms_now();
        if (left <= 0) return NULL;
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
        if (p.fd < 0) return lost(conn);
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno != EINTR)
            return err_new(ERR_IO, "db", "waiting for notifications: %s", strerror(errno));
    }
}
