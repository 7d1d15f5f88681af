/* The storage interface: migrations, transactions and savepoints, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "testutil.h"

static herr *count_rows(store *s, const char *sql, int64_t *n) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    e = store_step(st, &row);
    *n = row ? store_int(st, 0) : -1;
    store_done(st);
    return e;
}

static const char create_sql[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)";
static const store_migration migrations[] = {{1, create_sql},
                                             {2, "INSERT INTO t (name) VALUES ('first')"}};

static void test_migrations_apply_once(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    int64_t n;
    assert_ok(count_rows(s, "SELECT COUNT(*) FROM t", &n));
    assert_int_equal(n, 1);
    test_db_close(s);
}

static void test_failed_migration_changes_nothing(void **state) {
    (void)state;
    store *s = test_db_open();
    static const store_migration bad[] = {
        {1, "CREATE TABLE u (x INTEGER); INSERT INTO nowhere VALUES (1)"}};
    herr *e = store_migrate(s, "bad_module", bad, 1);
    assert_non_null(e);
    assert_non_null(strstr(e->message, "bad_module 1"));
    err_free(e);
    int64_t n;
    assert_ok(
        count_rows(s, "SELECT COUNT(*) FROM schema_migrations WHERE module = 'bad_module'", &n));
    assert_int_equal(n, 0);
    store_stmt *st = NULL;
    assert_err(store_prepare(s, "SELECT * FROM u", &st), ERR_INTERNAL, NULL);
    test_db_close(s);
}

static const char insert_sql[] = "INSERT INTO t (name) VALUES (:name)";

static herr *insert(store *s, const char *name) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, insert_sql, &st);
    if (e) return e;
    store_bind_text(st, ":name", name);
    return store_run_done(&st);
}

static void test_savepoint_rolls_back_only_the_inner_write(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 1));
    assert_ok(store_begin(s));
    assert_ok(insert(s, "outer"));
    assert_ok(store_begin(s));
    assert_ok(insert(s, "inner"));
    store_rollback(s);
    assert_true(store_in_transaction(s));
    assert_ok(store_begin(s));
    assert_ok(insert(s, "inner kept"));
    assert_ok(store_commit(s));
    assert_ok(store_commit(s));
    assert_false(store_in_transaction(s));
    int64_t n;
    assert_ok(count_rows(s, "SELECT COUNT(*) FROM t", &n));
    assert_int_equal(n, 2);
    test_db_close(s);
}

static void test_constraint_violation_is_a_conflict(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_err(insert(s, "first"), ERR_CONFLICT, NULL);
    test_db_close(s);
}

static void test_unknown_parameter_is_reported_at_step(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 1));
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, insert_sql, &st));
    store_bind_text(st, ":nmae", "typo");
    assert_err(store_run_done(&st), ERR_INTERNAL, NULL);
    test_db_close(s);
}

/* An uncached statement (the same SQL already busy) that fails: store_run keeps it, the
 * caller gives it back once in cleanup. Before the fix store_run freed it and the
 * cleanup freed it again (ASan: double free). */
static herr *insert_nested_failing(store *s) {
    store_stmt *outer = NULL, *inner = NULL;
    herr *e = store_prepare(s, insert_sql, &outer);
    if (e) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &inner))) goto cleanup;
    store_bind_text(inner, ":name", "first"); /* taken: a conflict */
    if ((e = store_run(inner))) goto cleanup;
cleanup:
    store_done(inner);
    store_done(outer);
    return e;
}

static void test_failed_uncached_statement_is_freed_once(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_err(insert_nested_failing(s), ERR_CONFLICT, NULL);
    /* The cached statement was given back: it runs again. */
    assert_ok(insert(s, "third"));
    test_db_close(s);
}

static void test_run_done_gives_back_and_clears(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    store_stmt *outer = NULL, *inner = NULL;
    assert_ok(store_prepare(s, insert_sql, &outer));
    assert_ok(store_prepare(s, insert_sql, &inner));
    store_bind_text(inner, ":name", "first");
    assert_err(store_run_done(&inner), ERR_CONFLICT, NULL);
    assert_null(inner);
    store_done(inner); /* a cleanup after it does nothing */
    store_bind_text(outer, ":name", "fourth");
    assert_ok(store_run_done(&outer));
    assert_null(outer);
    int64_t n;
    assert_ok(count_rows(s, "SELECT COUNT(*) FROM t", &n));
    assert_int_equal(n, 2);
    test_db_close(s);
}

static void test_same_statement_can_nest(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_ok(insert(s, "second"));
    static const char all_sql[] = "SELECT name FROM t ORDER BY id";
    store_stmt *outer = NULL, *inner = NULL;
    assert_ok(store_prepare(s, all_sql, &outer));
    bool row;
    int pairs = 0;
    while (!store_step(outer, &row) && row) {
        assert_ok(store_prepare(s, all_sql, &inner));
        bool r2;
        while (!store_step(inner, &r2) && r2) pairs++;
        store_done(inner);
    }
    store_done(outer);
    assert_int_equal(pairs, 4);
    test_db_close(s);
}

static void test_open_missing_database_is_not_found(void **state) {
    (void)state;
    store *s = NULL;
    if (test_db_is_postgres()) {
        char url[300];
        snprintf(url, sizeof url, "%s/haven_no_such_db", getenv("HAVEN_TEST_PG_URL"));
        assert_err(store_open(url, false, &s), ERR_NOT_FOUND, "db");
    } else {
        assert_err(store_open("/tmp/haven-no-such-dir/x.db", false, &s), ERR_NOT_FOUND, "db");
    }
    assert_null(s);
}

/* The engine's own dialect inside a transaction: a failed statement (here a conflict)
 * leaves the transaction usable, as on SQLite, and a parameter that stands only in a
 * null test or beside numbers gets its type from where it stands. */
static void test_failed_statement_keeps_the_transaction(void **state) {
    (void)state;
    store *s = test_db_open();
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_ok(store_begin(s));
    assert_err(insert(s, "first"), ERR_CONFLICT, NULL);
    assert_ok(insert(s, "after the conflict"));
    assert_ok(store_commit(s));
    static const char sql[] = "SELECT COUNT(*) FROM t WHERE (:name IS NULL OR name = :name)"
                              " AND (:min IS NULL OR id >= :min) AND name NOT LIKE 'X%'";
    store_stmt *st = NULL;
    bool row;
    assert_ok(store_prepare(s, sql, &st));
    store_bind_text(st, ":name", NULL);
    store_bind_null(st, ":min");
    assert_ok(store_step(st, &row));
    assert_true(row);
    assert_int_equal(store_int(st, 0), 2);
    store_done(st);
    assert_ok(store_prepare(s, sql, &st));
    store_bind_text(st, ":name", "after the conflict");
    store_bind_int(st, ":min", 1);
    assert_ok(store_step(st, &row));
    assert_int_equal(store_int(st, 0), 1);
    store_done(st);
    test_db_close(s);
}

/* Blobs round-trip byte for byte, NUL bytes included. */
static void test_blob_round_trip(void **state) {
    (void)state;
    store *s = test_db_open();
    static const store_migration m[] = {{1, "CREATE TABLE b (id INTEGER PRIMARY KEY, v BLOB)"}};
    assert_ok(store_migrate(s, "blob_module", m, 1));
    static const unsigned char data[] = {0, 1, 2, 0xff, 0, '\\', 'x'};
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, "INSERT INTO b (id, v) VALUES (1, :v)", &st));
    store_bind_blob(st, ":v", data, sizeof data);
    assert_ok(store_run_done(&st));
    assert_int_equal(store_changes(s), 1);
    bool row;
    size_t len = 0;
    assert_ok(store_prepare(s, "SELECT v FROM b WHERE id = 1", &st));
    assert_ok(store_step(st, &row));
    assert_true(row);
    const void *got = store_blob(st, 0, &len);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(got, data, sizeof data);
    store_done(st);
    test_db_close(s);
}

/* Text columns become strings, NULL columns JSON null, unnamed columns are skipped. */
static void test_texts_to_json(void **state) {
    (void)state;
    store *s = test_db_open();
    static const store_migration m[] = {{1, "CREATE TABLE t (a TEXT, b TEXT, c TEXT, d TEXT)"}};
    assert_ok(store_migrate(s, "texts_module", m, 1));
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, "INSERT INTO t VALUES ('x', NULL, 'skipped', 'Ђорђе')", &st));
    assert_ok(store_run_done(&st));
    bool row;
    assert_ok(store_prepare(s, "SELECT 'first', a, b, c, d FROM t", &st));
    assert_ok(store_step(st, &row));
    assert_true(row);
    static const char *const cols[] = {"a", "b", NULL, "d"};
    json_t *o = json_object();
    store_texts_to_json(st, o, cols, 4, 1);
    store_done(st);
    assert_int_equal(json_object_size(o), 3);
    assert_string_equal(json_string_value(json_object_get(o, "a")), "x");
    assert_true(json_is_null(json_object_get(o, "b")));
    assert_null(json_object_get(o, "c"));
    assert_string_equal(json_string_value(json_object_get(o, "d")), "Ђорђе");
    json_decref(o);
    test_db_close(s);
}

static unsigned mode_of(const char *path) {
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (unsigned)(sb.st_mode & 0777);
}

/* The database, its -wal and -shm, and a backup: 0600 under the usual umask 022. */
static void test_database_files_are_private(void **state) {
    (void)state;
    if (test_db_is_postgres()) skip(); /* files are the server's: initdb makes them 0600 */
    char dir[] = "/tmp/haven-mode-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[128], wal[140], shm[140], backup[128], backup_old[128];
    snprintf(db, sizeof db, "%s/haven.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    snprintf(backup, sizeof backup, "%s/backup.db", dir);
    snprintf(backup_old, sizeof backup_old, "%s/old.db", dir);
    mode_t saved = umask(022);
    store *s = NULL;
    assert_ok(store_open(db, true, &s));
    assert_ok(store_migrate(s, "demo_module", migrations, 2));
    assert_int_equal(mode_of(db), 0600);
    assert_int_equal(mode_of(wal), 0600);
    assert_int_equal(mode_of(shm), 0600);
    assert_ok(store_backup(s, backup));
    assert_int_equal(mode_of(backup), 0600);
    FILE *f = fopen(backup_old, "w"); /* a backup written over a file others could read */
    assert_non_null(f);
    fclose(f);
    chmod(backup_old, 0644);
    assert_ok(store_backup(s, backup_old));
    assert_int_equal(mode_of(backup_old), 0600);
    store_close(s);
    umask(saved);
    unlink(backup);
    unlink(backup_old);
    unlink(wal);
    unlink(shm);
    unlink(db);
    rmdir(dir);
}

/* Waits for one notification on l: its payload (caller frees), or NULL. */
static char *heard(store *l, int ms) {
    char *p = NULL;
    assert_ok(store_notification(l, ms, &p));
    return p;
}

static void expect_heard(store *l, const char *want) {
    char *p = heard(l, 2000);
    if (!p) fail_msg("no notification; wanted %s", want);
    assert_string_equal(p, want);
    mem_free(p);
}

static void expect_silence(store *l) {
    char *p = heard(l, 150);
    if (p) fail_msg("unexpected notification %s", p);
}

/* Another server's listener hears of a committed change of a watched column, by the
 * row's key, once per transaction; of a rolled-back one, or of another column, never. */
static void test_changes_are_announced_on_commit_only(void **state) {
    (void)state;
    store *s = test_db_open(), *l = NULL;
    assert_ok(store_exec(s, "CREATE TABLE notify_t (k TEXT PRIMARY KEY, v TEXT, w TEXT)"));
    assert_ok(store_notify_on_change(s, "notify_t", "k", "v", "test_changes"));
    assert_ok(store_notify_on_change(s, "notify_t", "k", "v", "test_changes")); /* again: as is */
    assert_ok(store_open(store_path(s), false, &l));
    if (!store_is_postgres(s)) { /* SQLite: one server owns the file, nobody listens */
        assert_err(store_listen(l, "test_changes"), ERR_INVALID, "db");
        char *p = NULL;
        assert_err(store_notification(l, 10, &p), ERR_INVALID, "db");
        assert_null(p);
        store_close(l);
        test_db_close(s);
        return;
    }
    assert_ok(store_listen(l, "test_changes"));
    expect_silence(l);
    assert_ok(store_begin(s));
    assert_ok(store_exec(s, "INSERT INTO notify_t (k, v) VALUES ('gone', 'x')"));
    store_rollback(s);
    expect_silence(l);
    assert_ok(store_begin(s));
    assert_ok(store_exec(s, "INSERT INTO notify_t (k, v) VALUES ('p1', 'x')"));
    assert_ok(store_exec(s, "UPDATE notify_t SET v = 'y' WHERE k = 'p1'"));
    expect_silence(l); /* not before the commit */
    assert_ok(store_commit(s));
    expect_heard(l, "p1");
    expect_silence(l); /* one transaction, one notification per key */
    assert_ok(store_exec(s, "UPDATE notify_t SET w = 'z' WHERE k = 'p1'"));
    expect_silence(l);
    assert_ok(store_exec(s, "UPDATE notify_t SET v = 'w' WHERE k = 'p1'"));
    expect_heard(l, "p1");
    assert_ok(store_exec(s, "UPDATE notify_t SET k = 'p2', v = 'q' WHERE k = 'p1'"));
    expect_heard(l, "p2"); /* a changed key: the new one and the old one */
    expect_heard(l, "p1");
    assert_ok(store_exec(s, "DELETE FROM notify_t"));
    expect_heard(l, "p2");
    /* What arrived while the listener ran statements of its own is not lost. */
    assert_ok(store_exec(s, "INSERT INTO notify_t (k) VALUES ('p3')"));
    assert_ok(store_exec(l, "SELECT pg_sleep(0.2)"));
    expect_heard(l, "p3");
    assert_err(store_notify_on_change(s, "notify_t; drop", "k", NULL, "c"), ERR_INTERNAL, NULL);
    assert_err(store_notify_on_change(s, "notify_t", "k", "v, w;x", "c"), ERR_INTERNAL, NULL);
    assert_err(store_notify_on_change(s, "notify_t", "k", "", "c"), ERR_INTERNAL, NULL);
    assert_err(store_listen(l, "Bad-Channel"), ERR_INTERNAL, NULL);
    /* The listening connection cut by the server: ERR_IO, at once rather than never. */
    assert_ok(store_exec(s, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = 'haven-listen'"
                            " AND datname = current_database()"));
    char *p = NULL;
    assert_err(store_notification(l, 5000, &p), ERR_IO, "db");
    assert_null(p);
    store_close(l);
    test_db_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_apply_once),
        cmocka_unit_test(test_failed_migration_changes_nothing),
        cmocka_unit_test(test_savepoint_rolls_back_only_the_inner_write),
        cmocka_unit_test(test_constraint_violation_is_a_conflict),
        cmocka_unit_test(test_unknown_parameter_is_reported_at_step),
        cmocka_unit_test(test_same_statement_can_nest),
        cmocka_unit_test(test_failed_uncached_statement_is_freed_once),
        cmocka_unit_test(test_run_done_gives_back_and_clears),
        cmocka_unit_test(test_database_files_are_private),
        cmocka_unit_test(test_open_missing_database_is_not_found),
        cmocka_unit_test(test_failed_statement_keeps_the_transaction),
        cmocka_unit_test(test_blob_round_trip),
        cmocka_unit_test(test_texts_to_json),
        cmocka_unit_test(test_changes_are_announced_on_commit_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
