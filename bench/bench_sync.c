/* bench_sync: one week of a centre's work done offline on a field laptop, then synced to
 * the central server over HTTP on loopback (libmicrohttpd, libcurl), as `haven sync` does.
 *
 * The central server holds the demo (3,000 people at four sites); the laptop enrols for
 * one site, then works offline: registrations with their check-ins, phone numbers
 * changed, check-outs, until about 5,000 changes wait in its log. The sync pushes them
 * in batches of 200 (each applied once, in one transaction per batch, with the
 * duplicates check against everyone else after each batch of registrations) and pulls
 * what the server has for the site.
 *
 * Baseline, same run: the same number of change rows written as bare INSERTs into a
 * table of the same shape in a scratch SQLite file, 200 per transaction with
 * synchronous=FULL (the floor of storing them, no network, no checks). Target: the
 * whole sync under 5 s (issue 17). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "demo/demo.h"
#include "registry/registry.h"
#include "schema/schema.h"
#include "store/store.h"
#include "sync/sync.h"

#define PASSWORD "bench-laptop-pass-1"
#define TARGET   5000
#define BATCH    200

static void die(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "bench_sync: %s: %s\n", what, e->message);
    exit(1);
}

static int64_t scalar(store *s, const char *sql) {
    store_stmt *st = NULL;
    bool row = false;
    die(store_prepare(s, sql, &st), sql);
    die(store_step(st, &row), sql);
    int64_t n = row ? store_int(st, 0) : 0;
    store_done(st);
    return n;
}

static char *first_site(store *s) {
    store_stmt *st = NULL;
    bool row = false;
    die(store_prepare(s, "SELECT id FROM sites ORDER BY code LIMIT 1", &st), "site");
    die(store_step(st, &row), "site");
    char *id = strdup(store_text(st, 0));
    store_done(st);
    return id;
}

/* The laptop's week: registrations checked in at the site, some phones changed, some
 * people checked out, until about TARGET changes are waiting. */
static int offline_week(store *s, const char *site, int64_t before) {
    actor a;
    actor_system(&a, "bench");
    static const char *const given[] = {"Ahmad", "Mohammad", "Ali",   "Hassan",
                                        "Omar",  "Yusuf",    "Bilal", "Samir"};
    static const char *const family[] = {"Karimi", "Rahimi", "Haidari", "Ahmadi",
                                         "Benali", "Amrani", "Khan",    "Hussaini"};
    static const char *const cit[] = {"AF", "MA", "PK", "SY", "DZ", "BD", "IQ", "TR"};
    char **ids = calloc(4000, sizeof *ids), **stays = calloc(4000, sizeof *stays);
    int n = 0;
    while (scalar(s, "SELECT COUNT(*) FROM sync_changes") - before < TARGET * 6 / 10 && n < 4000) {
        char birth[11];
        snprintf(birth, sizeof birth, "%04d-%02d-%02d", 1970 + n % 35, 1 + n % 12, 1 + n % 28);
        char fam[40];
        snprintf(fam, sizeof fam, "%s%c", family[n % 8], 'a' + n / 8 % 26);
        json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "given_name", given[n / 3 % 8],
                               "family_name", fam, "sex", n % 5 ? "M" : "F", "birth_date", birth,
                               "citizenship", cit[n % 8], "site_id", site),
               *out = NULL;
        die(registry_person_register(s, &a, in, &out), "register");
        ids[n] = strdup(json_str(out, "id"));
        json_decref(in);
        json_decref(out);
        in = json_pack("{s:s,s:s}", "person_id", ids[n], "site_id", site);
        die(registry_stay_check_in(s, &a, in, &out), "check in");
        stays[n] = strdup(json_str(out, "id"));
        json_decref(in);
        json_decref(out);
        n++;
    }
    for (int i = 0; i < n && scalar(s, "SELECT COUNT(*) FROM sync_changes") - before < TARGET;
         i++) {
        char phone[32];
        snprintf(phone, sizeof phone, "+387 61 %03d %03d", i / 1000, i % 1000);
        json_t *in = json_pack("{s:s}", "phone", phone), *out = NULL;
        die(registry_person_update(s, &a, ids[i], in, &out), "phone");
        json_decref(in);
        json_decref(out);
        if (i % 2) {
            in = json_pack("{s:s}", "reason", "moved_on");
            die(registry_stay_check_out(s, &a, stays[i], in, &out), "check out");
            json_decref(in);
            json_decref(out);
        }
    }
    for (int i = 0; i < n; i++) free(ids[i]), free(stays[i]);
    free(ids);
    free(stays);
    return n;
}

/* The baseline: count change rows of the same shape as bare INSERTs, BATCH per
 * transaction, synchronous=FULL, in a scratch file. */
static double bare_inserts(const char *dir, int count) {
    char path[300];
    snprintf(path, sizeof path, "%s/bare.db", dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE c (seq INTEGER PRIMARY KEY, origin TEXT, origin_seq INTEGER,"
                 " tbl TEXT, row_id TEXT, field TEXT, old_value TEXT, new_value TEXT, kind TEXT,"
                 " site_id TEXT, changed_at TEXT, UNIQUE (origin, origin_seq))",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(
        db,
        "INSERT INTO c (origin, origin_seq, tbl, row_id, field, old_value, new_value,"
        " kind, site_id, changed_at) VALUES ('0123456789abcdef0123456789abcdef', ?,"
        " 'persons', '01a24935-8e9e-7637-a184-9061d4eeacca', 'phone', NULL,"
        " '\"+387 61 000 000\"', 'update', '01a24935-8e9e-7637-a184-9061d4eeacc0',"
        " '2026-12-06T10:00:00Z')",
        -1, &st, NULL);
    double t0 = now_s();
    for (int i = 0; i < count; i++) {
        if (i % BATCH == 0) sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_int(st, 1, i + 1);
        sqlite3_step(st);
        sqlite3_reset(st);
        if (i % BATCH == BATCH - 1 || i == count - 1) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double t = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return t;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    die(crypto_init(), "crypto");
    log_set_quiet(1);
    char dir[] = "/tmp/haven-bench-sync-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char central_path[300], laptop_path[300];
    snprintf(central_path, sizeof central_path, "%s/central.db", dir);
    snprintf(laptop_path, sizeof laptop_path, "%s/laptop.db", dir);

    store *central = NULL, *laptop = NULL;
    actor sys;
    actor_system(&sys, "bench");
    die(store_open(central_path, true, &central), "open central");
    die(schema_migrate_all(central), "migrate central");
    json_t *logins = NULL;
    double t0 = now_s();
    die(demo_load(central, 7, 3000, &logins), "demo");
    json_decref(logins);
    char *site = first_site(central);
    json_t *in = json_pack("{s:s,s:s,s:s,s:[s]}", "username", "desk.laptop", "role", "registrar",
                           "password", PASSWORD, "sites", site),
           *out = NULL;
    die(auth_user_create(central, &sys, in, &out), "user");
    json_decref(in);
    json_decref(out);
    printf("  central: 3,000 demo people in %.1f s\n", now_s() - t0);

    api_config cfg = {.db_path = central_path, .host = "127.0.0.1", .threads = 4};
    api_server *srv = NULL;
    die(api_server_start(&cfg, &srv), "serve");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", api_server_port(srv));
    sync_options o = {
        .server = url, .username = "desk.laptop", .password = PASSWORD, .batch = BATCH};

    die(store_open(laptop_path, true, &laptop), "open laptop");
    die(schema_migrate_all(laptop), "migrate laptop");
    json_t *report = NULL;
    t0 = now_s();
    die(sync_run(laptop, &o, &report), "enrol");
    printf("  enrolment: %lld people of the site pulled in %.2f s\n",
           (long long)scalar(laptop, "SELECT COUNT(*) FROM persons"), now_s() - t0);
    json_decref(report);

    int64_t before = scalar(laptop, "SELECT COUNT(*) FROM sync_changes");
    t0 = now_s();
    int registered = offline_week(laptop, site, before);
    int64_t changes = scalar(laptop, "SELECT COUNT(*) FROM sync_changes") - before;
    printf("  offline week: %d registrations, %lld changes captured in %.1f s\n", registered,
           (long long)changes, now_s() - t0);

    t0 = now_s();
    double c0 = cpu_s();
    die(sync_run(laptop, &o, &report), "sync");
    double took = now_s() - t0, cpu = cpu_s() - c0;
    printf("  sync: pushed %lld, pulled %lld, conflicts %lld, duplicates found %lld\n",
           (long long)json_integer_value(json_object_get(report, "pushed")),
           (long long)json_integer_value(json_object_get(report, "pulled")),
           (long long)json_integer_value(json_object_get(report, "conflicts")),
           (long long)json_integer_value(json_object_get(report, "duplicates")));
    json_decref(report);
    double bare = bare_inserts(dir, (int)changes);
    printf("  sync used %.2f s of CPU (client and server) in %.2f s of wall time\n", cpu, took);
    printf("sync of %lld changes over HTTP: %.2f s (%.0f changes/s); bare INSERTs of as many rows, "
           "%d per transaction: %.3f s; ratio %.1fx; target < 5 s: %s\n",
           (long long)changes, took, changes / took, BATCH, bare, took / bare,
           took < 5 ? "met" : "NOT met");

    api_server_stop(srv);
    store_close(laptop);
    store_close(central);
    registry_shutdown();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_sync: could not remove %s\n", dir);
    free(site);
    return 0;
}
