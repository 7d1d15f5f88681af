/* The baseline of the HTTP benchmark (bench/http.bench.sh): the reads the API answers,
 * done as bare SQLite statements in a C loop on the same database, the registration as
 * one bare INSERT per transaction, and a login as the bare Argon2id verification; each
 * on THREADS threads for SECONDS, printed as "BASE <what> rps=... p99_ms=...".
 *
 * usage: http_baseline DB PERSON_ID SITE_ID SECONDS THREADS */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"

enum { PERSON, SEARCH, OCCUPANCY, REGISTER, LOGIN, N_KINDS };
static const char *const names[N_KINDS] = {"person", "search", "occupancy", "register", "login"};

static const char *const sql[N_KINDS] = {
    "SELECT * FROM persons WHERE id = ?1",
    /* the FTS5 name index a DBA would query for "moh ahm" (prefixes, newest first) */
    "SELECT p.id, p.reg_no, p.given_name, p.family_name, p.native_name, p.sex, p.birth_date,"
    " p.citizenship FROM person_words w JOIN persons p ON p.rowid = w.rowid"
    " WHERE person_words MATCH '\"moh\"* AND \"ahm\"*'"
    " AND p.merged_into IS NULL ORDER BY w.rowid DESC LIMIT 50",
    /* the stays of the site over the default 30 days, as the occupancy series reads them */
    "SELECT t.checked_in_at, t.checked_out_at FROM stays t WHERE t.site_id = ?2"
    " AND t.checked_in_at < ?3 AND (t.checked_out_at IS NULL OR t.checked_out_at >= ?4)",
    "INSERT INTO bare_persons VALUES (?5, 'Bench', 'Runner', 'M', '1990-01-01', 'AF', ?2)",
    NULL,
};

static const char *db_path, *person_id, *site_id;
static double seconds;
static char now_iso[32], month_ago_iso[32], pw_hash[crypto_pwhash_STRBYTES];

typedef struct {
    int kind, n, cap;
    double *lat;
} job;

static void record(job *j, double dt) {
    if (j->n == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 4096;
        j->lat = realloc(j->lat, (size_t)j->cap * sizeof *j->lat);
    }
    j->lat[j->n++] = dt;
}

static void *run(void *arg) {
    job *j = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (j->kind != LOGIN) {
        sqlite3_open(db_path, &db);
        sqlite3_busy_timeout(db, 10000);
        sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
        sqlite3_prepare_v2(db, sql[j->kind], -1, &st, NULL);
    }
    double end = now_s() + seconds;
    long k = 0;
    while (now_s() < end) {
        double t0 = now_s();
        if (j->kind == LOGIN) {
            if (crypto_pwhash_str_verify(pw_hash, "bench password 123", 18) != 0) abort();
        } else {
            char id[64];
            snprintf(id, sizeof id, "%p-%ld", (void *)j, k++);
            sqlite3_bind_text(st, 1, person_id, -1, SQLITE_STATIC);
            if (sqlite3_bind_parameter_index(st, "?2"))
                sqlite3_bind_text(st, 2, site_id, -1, SQLITE_STATIC);
            if (sqlite3_bind_parameter_index(st, "?3"))
                sqlite3_bind_text(st, 3, now_iso, -1, SQLITE_STATIC);
            if (sqlite3_bind_parameter_index(st, "?4"))
                sqlite3_bind_text(st, 4, month_ago_iso, -1, SQLITE_STATIC);
            if (sqlite3_bind_parameter_index(st, "?5"))
                sqlite3_bind_text(st, 5, id, -1, SQLITE_TRANSIENT);
            if (j->kind == REGISTER) sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
            while (sqlite3_step(st) == SQLITE_ROW) {
            }
            sqlite3_reset(st);
            if (j->kind == REGISTER) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        }
        record(j, now_s() - t0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 6 || sodium_init() < 0) {
        fprintf(stderr, "usage: http_baseline DB PERSON_ID SITE_ID SECONDS THREADS\n");
        return 2;
    }
    db_path = argv[1], person_id = argv[2], site_id = argv[3], seconds = atof(argv[4]);
    int threads = atoi(argv[5]);
    time_t t = time(NULL), ago = t - 30 * 86400;
    strftime(now_iso, sizeof now_iso, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    strftime(month_ago_iso, sizeof month_ago_iso, "%Y-%m-%dT%H:%M:%SZ", gmtime(&ago));
    if (crypto_pwhash_str(pw_hash, "bench password 123", 18, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return 1;
    sqlite3 *db;
    sqlite3_open(db_path, &db);
    sqlite3_exec(db,
                 "CREATE TABLE IF NOT EXISTS bare_persons (id TEXT PRIMARY KEY, given TEXT,"
                 " family TEXT, sex TEXT, birth TEXT, citizenship TEXT, site TEXT)",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    for (int kind = 0; kind < N_KINDS; kind++) {
        job *jobs = calloc((size_t)threads, sizeof *jobs);
        pthread_t *th = calloc((size_t)threads, sizeof *th);
        for (int i = 0; i < threads; i++) {
            jobs[i].kind = kind;
            pthread_create(&th[i], NULL, run, &jobs[i]);
        }
        int total = 0;
        for (int i = 0; i < threads; i++) {
            pthread_join(th[i], NULL);
            total += jobs[i].n;
        }
        double *all = malloc((size_t)(total ? total : 1) * sizeof *all);
        int k = 0;
        for (int i = 0; i < threads; i++) {
            memcpy(all + k, jobs[i].lat, (size_t)jobs[i].n * sizeof *all);
            k += jobs[i].n;
            free(jobs[i].lat);
        }
        qsort(all, (size_t)total, sizeof *all, cmp);
        int p99 = (int)ceil(0.99 * total) - 1;
        printf("BASE %s rps=%.1f p99_ms=%.3f\n", names[kind], total / seconds,
               total ? all[p99 < 0 ? 0 : p99] * 1e3 : 0.0);
        free(all);
        free(jobs);
        free(th);
    }
    return 0;
}
