/* The PostgreSQL backend of store.h, through libpq.
 *
 * Statements: the shared SQL is rewritten once per text and connection
 * (store_pg_sql.c) and prepared on the server under a name of its own; every value is
 * sent as text of unknown type, so PostgreSQL infers each parameter's type from where
 * it stands, as SQLite's affinities would. A parameter whose type nothing decides (a
 * bare ":site IS NULL") is prepared again with the types of the values bound. A
 * statement's rows arrive all at once and store_step walks them.
 *
 * Transactions: store_begin is BEGIN plus a transaction-level advisory lock, so
 * writers queue one after another as on SQLite's BEGIN IMMEDIATE; nested levels are
 * savepoints. PostgreSQL aborts the whole transaction on any failed statement where
 * SQLite fails only the statement: inside a transaction each write (and each first
 * prepare) runs under a savepoint of its own, so a module that meets a conflict can go
 * on as it does on SQLite.
 *
 * HAVEN_PG_DEBUG=1 in the environment prints each statement PostgreSQL refuses, with
 * its rewritten text, on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "store/store_pg.h"
#include "store/store_pg_sql.h"

typedef struct pg_store pg_store;
typedef struct pg_stmt pg_stmt;

/* One server-side prepared statement: the SQL text and the types it was prepared
 * with ("" for all inferred; otherwise one letter per parameter). */
typedef struct pg_prepared {
    const char *sql;
    char *types;
    char name[16];
    struct pg_prepared *next;
} pg_prepared;

/* A bound value: text (as sent) or bytes. */
typedef struct {
    char kind; /* 0 unbound, 't' text, 'i' integer, 'd' double, 'b' bytes, 'n' NULL */
    char *data;
    int len;
} pg_value;

struct pg_stmt {
    store_stmt base; /* first: a store_stmt * is a pg_stmt * */
    pg_store *owner;
    const char *sql; /* the caller's static string: cache key */
    pg_sql q;
    bool write;          /* not a SELECT/WITH: runs under a savepoint inside a transaction */
    bool untyped_failed; /* preparing with inferred types failed: use the bound types */
    bool cached, in_use;
    herr *bind_error;
    pg_value *values;
    PGresult *res;
    int row, rows;
    unsigned char *blob; /* the current bytea value, decoded */
    pg_stmt *next;
};

struct pg_store {
    store base; /* first: a store * is a pg_store * */
    PGconn *conn;
    pg_stmt *cache;
    pg_prepared *prepared;
    int n_prepared;
    int depth;
    int changes;
    void (*after_commit[4])(store *s);
    int n_after_commit;
};

static const store_ops pg_ops;

PGconn *pg_conn(store *s) { return ((pg_store *)s)->conn; }

herr *pg_result_error(PGconn *conn, const PGresult *res, const char *what) {
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    if (!msg || !msg[0]) msg = PQerrorMessage(conn);
    char clean[300];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "?");
    char *nl = strchr(clean, '\n');
    if (nl) *nl = '\0';
    if (state && !strncmp(state, "23", 2))
        return err_new(ERR_CONFLICT, NULL, "%s: %s", what, clean);
    if (state && (!strcmp(state, "40P01") || !strcmp(state, "40001") || !strcmp(state, "55P03")))
        return err_new(ERR_IO, NULL, "the database is busy, try again (%s)", what);
    if (state && (!strncmp(state, "42", 2)))
        return err_new(ERR_INTERNAL, NULL, "SQL does not prepare: %s", clean);
    return err_new(ERR_IO, NULL, "%s: %s", what, clean);
}

herr *pg_exec_raw(PGconn *conn, const char *sql) {
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    herr *e = NULL;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        e = pg_result_error(conn, res, "database error");
    PQclear(res);
    return e;
}

static void quiet_notices(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* "postgresql://user:secret@host/db" -> "postgresql://user@host/db" for messages. */
static char *without_password(const char *url) {
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (!at || !colon || colon > at) return mem_strdup(url);
    return mem_printf("%.*s%s", (int)(colon - url), url, at);
}

herr *store_pg_open(const char *url, bool create, store **out) {
    herr *e = NULL;
    *out = NULL;
    /* TCP keepalives notice a link that died without a word (a listener waiting for
     * notifications would otherwise wait for hours); the URL's own settings win. */
    const char *const keys[] = {"keepalives_idle", "keepalives_interval", "keepalives_count",
                                "dbname", NULL};
    const char *const values[] = {"30", "10", "3", url, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    char *shown = without_password(url);
    if (PQstatus(conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(conn);
        char clean[240];
        snprintf(clean, sizeof clean, "%s", msg);
        char *nl = strchr(clean, '\n');
        if (nl) *nl = '\0';
        e = strstr(msg, "does not exist")
                ? err_new(ERR_NOT_FOUND, "db",
                          "no database at %s (create it with createdb, then "
                          "run haven init): %s",
                          shown, clean)
                : err_new(ERR_IO, "db", "cannot connect to %s: %s", shown, clean);
        goto cleanup;
    }
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    if ((e = pg_exec_raw(conn, "SET TIME ZONE 'UTC'; SET client_min_messages = warning;"
                               " SET standard_conforming_strings = on")))
        goto cleanup;
    if (create && (e = pg_admin_install(conn))) goto cleanup;
    pg_store *s = mem_alloc(sizeof *s);
    s->base.ops = &pg_ops;
    s->base.path = mem_strdup(url);
    s->base.postgres = true;
    s->conn = conn;
    conn = NULL;
    *out = &s->base;
cleanup:
    if (e) {
        herr *wrapped = err_new(e->code, "db", "%s", e->message);
        err_free(e);
        e = wrapped;
    }
    mem_free(shown);
    if (conn) PQfinish(conn);
    return e;
}

static void clear_values(pg_stmt *st) {
    for (int i = 0; i < st->q.n_names; i++) {
        mem_free(st->values[i].data);
        st->values[i] = (pg_value){0};
    }
}

static void clear_result(pg_stmt *st) {
    if (st->res) PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->rows = 0;
    if (st->blob) PQfreemem(st->blob);
    st->blob = NULL;
}

static void stmt_free(pg_stmt *st) {
    clear_result(st);
    clear_values(st);
    mem_free(st->values);
    pg_sql_free(&st->q);
    err_free(st->bind_error);
    mem_free(st);
}

static void pg_close(store *base) {
    pg_store *s = (pg_store *)base;
    for (pg_stmt *st = s->cache, *next; st; st = next) {
        next = st->next;
        stmt_free(st);
    }
    for (pg_prepared *p = s->prepared, *next; p; p = next) {
        next = p->next;
        mem_free(p->types);
        mem_free(p);
    }
    PQfinish(s->conn);
    mem_free(s->base.path);
    mem_free(s);
}

/* Runs fn's SQL under a savepoint when a transaction is open, so that its failure
 * leaves the transaction usable (as a failed statement does on SQLite). */
static herr *savepoint(pg_store *s, const char *verb) {
    if (s->depth == 0) return NULL;
    char sql[64];
    snprintf(sql, sizeof sql, "%s haven_stmt", verb);
    return pg_exec_raw(s->conn, sql);
}

static herr *pg_begin(store *base) {
    pg_store *s = (pg_store *)base;
    herr *e;
    if (s->depth == 0) {
        char sql[96];
        snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%s)", STORE_PG_WRITE_LOCK);
        e = pg_exec_raw(s->conn, sql);
        if (e) err_free(pg_exec_raw(s->conn, "ROLLBACK"));
    } else {
        char sql[32];
        snprintf(sql, sizeof sql, "SAVEPOINT sp%d", s->depth);
        e = pg_exec_raw(s->conn, sql);
    }
    if (!e) s->depth++;
    return e;
}

static void pg_rollback(store *base) {
    pg_store *s = (pg_store *)base;
    if (s->depth > 1) {
        char sql[64];
        snprintf(sql, sizeof sql, "ROLLBACK TO sp%d; RELEASE sp%d", s->depth - 1, s->depth - 1);
        err_free(pg_exec_raw(s->conn, sql));
        s->depth--;
        return;
    }
    if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) err_free(pg_exec_raw(s->conn, "ROLLBACK"));
    s->depth = 0;
    s->n_after_commit = 0;
}

static herr *pg_commit(store *base) {
    pg_store *s = (pg_store *)base;
    if (s->depth == 0) return err_new(ERR_INTERNAL, NULL, "commit without a transaction");
    herr *e;
    if (s->depth == 1) {
        e = pg_exec_raw(s->conn, "COMMIT");
    } else {
        char sql[32];
        snprintf(sql, sizeof sql, "RELEASE sp%d", s->depth - 1);
        e = pg_exec_raw(s->conn, sql);
    }
    if (e) {
        pg_rollback(base);
        return e;
    }
    s->depth--;
    if (s->depth == 0) {
        int n = s->n_after_commit;
        void (*fns[4])(store *);
        memcpy(fns, s->after_commit, sizeof fns);
        s->n_after_commit = 0;
        for (int i = 0; i < n; i++) fns[i](base);
    }
    return NULL;
}

static bool pg_in_transaction(const store *base) { return ((const pg_store *)base)->depth > 0; }

static void pg_after_commit(store *base, void (*fn)(store *s)) {
    pg_store *s = (pg_store *)base;
    if (s->depth == 0) {
        fn(base);
        return;
    }
    for (int i = 0; i < s->n_after_commit; i++)
        if (s->after_commit[i] == fn) return;
    if (s->n_after_commit < (int)(sizeof s->after_commit / sizeof s->after_commit[0]))
        s->after_commit[s->n_after_commit++] = fn;
}

static pg_prepared *find_prepared(pg_store *s, const char *sql, const char *types) {
    for (pg_prepared *p = s->prepared; p; p = p->next)
        if (p->sql == sql && !strcmp(p->types, types)) return p;
    return NULL;
}

static Oid oid_of(char kind) {
    switch (kind) {
    case 'i': return 20;  /* int8 */
    case 'd': return 701; /* float8 */
    case 'b': return 17;  /* bytea */
    case 'N': return 20;  /* a NULL compared with numbers */
    case 't':
    case 'n': return 25; /* text */
    default: return 0;
    }
}

/* Prepares st's text on the server with types ("" = inferred). Under a savepoint in a
 * transaction, so that SQL that does not prepare leaves the transaction usable. */
static herr *prepare_on_server(pg_stmt *st, const char *types, pg_prepared **out, char state[6]) {
    pg_store *s = st->owner;
    state[0] = '\0';
    *out = find_prepared(s, st->sql, types);
    if (*out) return NULL;
    Oid *oids = mem_alloc(sizeof(Oid) * (size_t)(st->q.n + 1));
    for (int i = 0; i < st->q.n; i++)
        oids[i] = st->q.null_test[i] ? 25 : types[0] ? oid_of(types[i]) : 0;
    pg_prepared *p = mem_alloc(sizeof *p);
    snprintf(p->name, sizeof p->name, "h%d", ++s->n_prepared);
    herr *e = savepoint(s, "SAVEPOINT");
    if (!e) {
        PGresult *res = PQprepare(s->conn, p->name, st->q.sql, st->q.n, oids);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            e = pg_result_error(s->conn, res, "SQL does not prepare");
            if (getenv("HAVEN_PG_DEBUG"))
                fprintf(stderr, "pg prepare [%s]: %s\n%s\n", types, st->q.sql,
                        PQresultErrorMessage(res));
            const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            snprintf(state, 6, "%s", code ? code : "");
        }
        PQclear(res);
        herr *e2 = savepoint(s, e ? "ROLLBACK TO" : "RELEASE");
        if (e && !e2 && s->depth) e2 = savepoint(s, "RELEASE");
        if (!e)
            e = e2;
        else
            err_free(e2);
    }
    mem_free(oids);
    if (e) {
        mem_free(p);
        return e;
    }
    p->sql = st->sql;
    p->types = mem_strdup(types);
    p->next = s->prepared;
    s->prepared = p;
    *out = p;
    return NULL;
}

static bool is_write(const char *sql) {
    while (*sql == ' ' || *sql == '\n' || *sql == '(') sql++;
    return strncasecmp(sql, "SELECT", 6) != 0 && strncasecmp(sql, "WITH", 4) != 0;
}

static herr *pg_prepare(store *base, const char *sql, store_stmt **out) {
    pg_store *s = (pg_store *)base;
    for (pg_stmt *st = s->cache; st; st = st->next) {
        if (st->sql == sql && !st->in_use) {
            st->in_use = true;
            *out = &st->base;
            return NULL;
        }
    }
    pg_stmt *twin = NULL;
    for (pg_stmt *c = s->cache; c; c = c->next)
        if (c->sql == sql) twin = c;
    pg_stmt *st = mem_alloc(sizeof *st);
    st->base.ops = &pg_ops;
    st->owner = s;
    st->sql = sql;
    st->row = -1;
    pg_sql_rewrite(sql, &st->q);
    st->values = mem_alloc(sizeof *st->values * (size_t)(st->q.n_names + 1));
    st->write = is_write(st->q.sql);
    if (twin) {
        st->untyped_failed = twin->untyped_failed;
    } else {
        /* Prepared now, so that SQL that cannot prepare fails here as on SQLite. */
        pg_prepared *p;
        char state[6];
        herr *e = prepare_on_server(st, "", &p, state);
        if (e) {
            /* indeterminate_datatype, ambiguous_parameter, ambiguous_function, undefined_function
             * (an operator between unknowns): the bound values' types will decide. */
            if (strcmp(state, "42P18") && strcmp(state, "42P08") && strcmp(state, "42725") &&
                strcmp(state, "42883")) {
                stmt_free(st);
                return e;
            }
            err_free(e);
            st->untyped_failed = true;
        }
    }
    st->in_use = true;
    st->cached = !twin;
    if (st->cached) {
        st->next = s->cache;
        s->cache = st;
    }
    *out = &st->base;
    return NULL;
}

static void pg_done(store_stmt *base) {
    pg_stmt *st = (pg_stmt *)base;
    clear_result(st);
    clear_values(st);
    err_free(st->bind_error);
    st->bind_error = NULL;
    st->in_use = false;
    if (!st->cached) stmt_free(st);
}

static pg_value *slot(pg_stmt *st, const char *param) {
    if (st->bind_error) return NULL;
    int i = pg_sql_param(&st->q, param);
    if (i < 0) {
        st->bind_error = err_new(ERR_INTERNAL, NULL, "SQL has no parameter %s", param);
        return NULL;
    }
    mem_free(st->values[i].data);
    st->values[i] = (pg_value){0};
    return &st->values[i];
}

static void pg_bind_text(store_stmt *base, const char *param, const char *value) {
    pg_value *v = slot((pg_stmt *)base, param);
    if (!v) return;
    v->kind = value ? 't' : 'n';
    v->data = value ? mem_strdup(value) : NULL;
}

static void pg_bind_int(store_stmt *base, const char *param, int64_t value) {
    pg_value *v = slot((pg_stmt *)base, param);
    if (!v) return;
    v->kind = 'i';
    v->data = mem_printf("%lld", (long long)value);
}

static void pg_bind_double(store_stmt *base, const char *param, double value) {
    pg_value *v = slot((pg_stmt *)base, param);
    if (!v) return;
    v->kind = 'd';
    v->data = mem_printf("%.17g", value);
}

static void pg_bind_null(store_stmt *base, const char *param) {
    pg_value *v = slot((pg_stmt *)base, param);
    if (v) v->kind = 'n';
}

static void pg_bind_blob(store_stmt *base, const char *param, const void *data, size_t len) {
    pg_value *v = slot((pg_stmt *)base, param);
    if (!v) return;
    v->kind = 'b';
    v->data = mem_alloc(len + 1);
    if (len) memcpy(v->data, data, len);
    v->len = (int)len;
}

/* Runs the statement with its bound values; the rows wait in st->res. */
static herr *execute(pg_stmt *st) {
    pg_store *s = st->owner;
    int n = st->q.n;
    char *types = mem_alloc((size_t)n + 1);
    const char **vals = mem_alloc(sizeof *vals * (size_t)(n + 1));
    int *lens = mem_alloc(sizeof *lens * (size_t)(n + 1));
    int *fmts = mem_alloc(sizeof *fmts * (size_t)(n + 1));
    herr *e = NULL;
    for (int i = 0; i < n; i++) {
        pg_value *v = &st->values[st->q.name_of[i]];
        types[i] = v->kind ? v->kind : 'n';
        vals[i] = v->kind == 'n' || !v->kind ? NULL : v->data;
        lens[i] = v->len;
        fmts[i] = v->kind == 'b' && !st->q.null_test[i];
    }
    pg_prepared *p = NULL;
    char state[6];
    e = prepare_on_server(st, st->untyped_failed ? types : "", &p, state);
    if (e && st->untyped_failed && (!strcmp(state, "42883") || !strcmp(state, "42804")) &&
        strchr(types, 'n')) {
        /* A NULL typed as text met a number ("operator does not exist: text = integer"):
         * the NULLs are numbers then. */
        err_free(e);
        for (int i = 0; i < n; i++)
            if (types[i] == 'n') types[i] = 'N';
        e = prepare_on_server(st, types, &p, state);
    }
    if (e) goto cleanup;
    bool guarded = st->write && s->depth > 0;
    if (guarded && (e = savepoint(s, "SAVEPOINT"))) goto cleanup;
    st->res = PQexecPrepared(s->conn, p->name, n, vals, lens, fmts, 0);
    ExecStatusType rs = PQresultStatus(st->res);
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
        e = pg_result_error(s->conn, st->res, "database statement failed");
        if (getenv("HAVEN_PG_DEBUG"))
            fprintf(stderr, "pg exec: %s\n%s\n", st->q.sql, PQresultErrorMessage(st->res));
        if (guarded) {
            err_free(savepoint(s, "ROLLBACK TO"));
            err_free(savepoint(s, "RELEASE"));
        }
        PQclear(st->res);
        st->res = NULL;
        goto cleanup;
    }
    if (guarded && (e = savepoint(s, "RELEASE"))) goto cleanup;
    st->rows = PQntuples(st->res);
    const char *changed = PQcmdTuples(st->res);
    s->changes = changed && changed[0] ? atoi(changed) : 0;
cleanup:
    mem_free(types);
    mem_free(vals);
    mem_free(lens);
    mem_free(fmts);
    return e;
}

static herr *pg_step(store_stmt *base, bool *row) {
    pg_stmt *st = (pg_stmt *)base;
    *row = false;
    if (st->bind_error) {
        herr *e = st->bind_error;
        st->bind_error = NULL;
        return e;
    }
    if (st->blob) PQfreemem(st->blob);
    st->blob = NULL;
    if (!st->res) {
        herr *e = execute(st);
        if (e) return e;
    }
    st->row++;
    *row = st->row < st->rows;
    return NULL;
}

/* Runs once and forgets the rows; the values stay bound, as a reset keeps them. */
static herr *pg_run(store_stmt *base) {
    pg_stmt *st = (pg_stmt *)base;
    bool row;
    clear_result(st);
    herr *e = pg_step(base, &row);
    clear_result(st);
    return e;
}

static bool in_row(const pg_stmt *st, int col) {
    return st->res && st->row >= 0 && st->row < st->rows && col >= 0 && col < PQnfields(st->res);
}

static bool pg_is_null(store_stmt *base, int col) {
    pg_stmt *st = (pg_stmt *)base;
    return !in_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static const char *pg_text(store_stmt *base, int col) {
    pg_stmt *st = (pg_stmt *)base;
    if (pg_is_null(base, col)) return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_int(store_stmt *base, int col) {
    const char *t = pg_text(base, col);
    if (!t) return 0;
    if (!strcmp(t, "t")) return 1;
    if (!strcmp(t, "f")) return 0;
    if (strchr(t, '.') || strchr(t, 'e')) return (int64_t)strtod(t, NULL);
    return strtoll(t, NULL, 10);
}

static double pg_double(store_stmt *base, int col) {
    const char *t = pg_text(base, col);
    if (!t) return 0;
    if (!strcmp(t, "t")) return 1;
    if (!strcmp(t, "f")) return 0;
    return strtod(t, NULL);
}

static const void *pg_blob(store_stmt *base, int col, size_t *len) {
    pg_stmt *st = (pg_stmt *)base;
    *len = 0;
    if (pg_is_null(base, col)) return NULL;
    const char *t = PQgetvalue(st->res, st->row, col);
    if (PQftype(st->res, col) != 17) {
        *len = (size_t)PQgetlength(st->res, st->row, col);
        return t;
    }
    if (st->blob) PQfreemem(st->blob);
    st->blob = PQunescapeBytea((const unsigned char *)t, len);
    return st->blob;
}

static int pg_changes(store *base) { return ((pg_store *)base)->changes; }

static herr *pg_exec(store *base, const char *sql) {
    pg_store *s = (pg_store *)base;
    pg_sql q;
    pg_sql_rewrite(sql, &q);
    herr *e = NULL;
    if (q.n) {
        e = err_new(ERR_INTERNAL, NULL, "store_exec with parameters: %s", q.names[0]);
    } else {
        bool guarded = s->depth > 0;
        if (guarded) e = savepoint(s, "SAVEPOINT");
        if (!e) {
            e = pg_exec_raw(s->conn, q.sql);
            if (guarded) {
                if (e) err_free(savepoint(s, "ROLLBACK TO"));
                herr *e2 = savepoint(s, "RELEASE");
                if (!e)
                    e = e2;
                else
                    err_free(e2);
            }
        }
    }
    pg_sql_free(&q);
    return e;
}

static const store_ops pg_ops = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .after_commit = pg_after_commit,
    .prepare = pg_prepare,
    .done = pg_done,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .run = pg_run,
    .text = pg_text,
    .int64 = pg_int,
    .dbl = pg_double,
    .is_null = pg_is_null,
    .blob = pg_blob,
    .changes = pg_changes,
    .exec = pg_exec,
    .make_append_only = pg_make_append_only,
    .backup = pg_backup,
    .check_integrity = pg_check_integrity,
    .notify_on_change = pg_notify_on_change,
    .listen = pg_listen,
    .notification = pg_notification,
};
