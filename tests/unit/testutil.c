#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "schema/schema.h"

void assert_err_(herr *e, err_code code, const char *field, const char *expr, const char *file,
                 int line) {
    if (!e) {
        print_error("%s:%d: %s succeeded, expected error %s\n", file, line, expr,
                    err_code_name(code));
        _fail(file, line);
    }
    if (e->code != code || (field && strcmp(e->field, field) != 0)) {
        print_error("%s:%d: %s failed with %s (field '%s': %s), expected %s (field '%s')\n", file,
                    line, expr, err_code_name(e->code), e->field, e->message, err_code_name(code),
                    field ? field : "");
        err_free(e);
        _fail(file, line);
    }
    err_free(e);
}

/* With HAVEN_TEST_PG_URL (a server's base URL, "postgresql://user@host:port"), each test
 * database is a new PostgreSQL database, dropped by test_db_close. */
static const char *pg_base(void) {
    const char *url = getenv("HAVEN_TEST_PG_URL");
    return url && url[0] ? url : NULL;
}

static void pg_admin(const char *sql) {
    char *url = mem_printf("%s/postgres", pg_base());
    PGconn *c = PQconnectdb(url);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "test database: %s: %s\n", sql, PQerrorMessage(c));
        abort();
    }
    PQclear(r);
    PQfinish(c);
    mem_free(url);
}

bool test_db_is_postgres(void) { return pg_base() != NULL; }

static store *pg_test_db_open(void) {
    static int counter;
    char sql[128];
    char name[64];
    snprintf(name, sizeof name, "haven_t_%d_%d", (int)getpid(), ++counter);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    pg_admin(sql);
    char *url = mem_printf("%s/%s", pg_base(), name);
    store *s = NULL;
    herr *e = crypto_init();
    if (!e) e = store_open(url, true, &s);
    if (!e) e = schema_migrate_all(s);
    mem_free(url);
    if (e) {
        fprintf(stderr, "test database: %s\n", e->message);
        abort();
    }
    return s;
}

store *test_db_open_sqlite(void) {
    char path[] = "/tmp/haven-test-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    unlink(path);
    store *s = NULL;
    herr *e = crypto_init();
    if (!e) e = store_open(path, true, &s);
    if (!e) e = schema_migrate_all(s);
    if (e) {
        fprintf(stderr, "test database: %s\n", e->message);
        abort();
    }
    return s;
}

store *test_db_open(void) { return pg_base() ? pg_test_db_open() : test_db_open_sqlite(); }

void test_db_close(store *s) {
    char *path = mem_strdup(store_path(s));
    store_close(s);
    if (store_url_is_postgres(path)) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE %s", strrchr(path, '/') + 1);
        pg_admin(sql);
        mem_free(path);
        return;
    }
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    mem_free(path);
}

void test_sites_create(store *s, const actor *sys, int n, const char *const *names,
                       const char *const *codes, int capacity, char ids[][ID_LEN]) {
    for (int i = 0; i < n; i++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", names[i], "code", codes[i], "kind",
                               "temporary_reception_centre", "capacity", capacity);
        json_t *out = NULL;
        assert_ok(registry_site_create(s, sys, in, &out));
        snprintf(ids[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(in);
        json_decref(out);
    }
}
