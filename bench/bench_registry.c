#define _GNU_SOURCE /* memmem, strcasestr in the little HTTP client */
/* Registry benchmark: registrations per second through the HTTP API, and search
 * latency at 100k persons through the API, each beside the same operation done as a
 * bare SQLite statement in the same run. */
#include <math.h>
#include <pthread.h>
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
#include "core/text.h"
#include "demo/demo.h"
#include "http_client.h"
#include "registry/registry.h"
#include "schema/schema.h"

#define CLIENTS       4
#define REGISTRATIONS 2000
#define SEARCH_PEOPLE 100000
#define SEARCHES      2000

static void die(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "bench: %s: %s\n", what, e->message);
    exit(1);
}

static const char *const given[] = {"Mohammad", "Ahmad", "Ali",   "Omid",
                                    "Youssef",  "Hamza", "Bilal", "Farid"};
static const char *const family[] = {"Ahmadi",    "Hussaini", "Rahimi", "Karimi",
                                     "El Amrani", "Benali",   "Haddad", "Khan"};

typedef struct {
    int port, from, to;
    const char *token, *site_id;
    int failures;
} client_job;

static void *register_many(void *arg) {
    client_job *j = arg;
    http_conn c;
    if (http_connect(&c, j->port) != 0) {
        j->failures = j->to - j->from;
        return NULL;
    }
    char body[1024];
    for (int i = j->from; i < j->to; i++) {
        snprintf(body, sizeof body,
                 "{\"given_name\":\"%s\",\"family_name\":\"%s %d\",\"sex\":\"M\","
                 "\"birth_date\":\"%d-0%d-1%d\",\"citizenship\":\"AF\",\"languages\":[\"fa\"],"
                 "\"site_id\":\"%s\"}",
                 given[i % 8], family[(i / 8) % 8], i, 1980 + i % 25, 1 + i % 9, i % 9, j->site_id);
        if (http_request(&c, "POST", "/api/v1/persons", j->token, body, NULL, 0) != 201)
            j->failures++;
    }
    close(c.fd);
    return NULL;
}

/* The bare baseline: the same row, one transaction each, synchronous=FULL. */
static double bare_inserts(const char *path, int n) {
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE bare (id TEXT PRIMARY KEY, given TEXT, family TEXT, sex TEXT,"
                 " birth TEXT, citizenship TEXT, site TEXT)",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO bare VALUES (?1, ?2, ?3, 'M', '1990-01-01', 'AF', 's')", -1,
                       &st, NULL);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        char id[ID_LEN], fam[64];
        id_new(id);
        snprintf(fam, sizeof fam, "%s %d", family[i % 8], i);
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, given[i % 8], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, fam, -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return dt;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, int n, double p) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int k = (int)ceil(p * n) - 1;
    return v[k < 0 ? 0 : k];
}

static char *login(int port, const char *user, const char *password) {
    http_conn c;
    char body[256], answer[4096];
    http_connect(&c, port);
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    int status = http_request(&c, "POST", "/api/v1/session", NULL, body, answer, sizeof answer);
    close(c.fd);
    json_t *j = json_loads(answer, 0, NULL);
    char *token = status == 201 ? strdup(json_string_value(json_object_get(j, "token"))) : NULL;
    json_decref(j);
    if (!token) {
        fprintf(stderr, "bench: login failed (%d)\n", status);
        exit(1);
    }
    return token;
}

static herr *make_admin(store *s, const char *password) {
    actor a;
    actor_system(&a, "bench");
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "username", "bench", "role", "admin", "password", password);
    json_t *out = NULL;
    herr *e = auth_user_create(s, &a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

typedef struct {
    char q[128]; /* URL-encoded, for the API */
    char t1[64], t2[64];
} search_query;

static void prefix_end(const char *p, char *out, size_t n) {
    snprintf(out, n, "%s", p);
    size_t k = strlen(out);
    if (k) out[k - 1]++;
}

/* Queries a clerk would type: a family name and the start of a given name. */
static int make_queries(const char *path, search_query *q, int n) {
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT given_name, family_name FROM persons ORDER BY random() LIMIT ?1",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, n);
    int k = 0;
    while (k < n && sqlite3_step(st) == SQLITE_ROW) {
        char *g = NULL, *f = NULL;
        if (text_fold((const char *)sqlite3_column_text(st, 0), &g) ||
            text_fold((const char *)sqlite3_column_text(st, 1), &f))
            continue;
        char *space = strchr(f, ' ');
        if (space) *space = '\0';
        g[strlen(g) > 3 ? 3 : strlen(g)] = '\0';
        snprintf(q[k].t1, sizeof q[k].t1, "%s", f);
        snprintf(q[k].t2, sizeof q[k].t2, "%s", g);
        snprintf(q[k].q, sizeof q[k].q, "%s%%20%s", f, g);
        free(g);
        free(f);
        k++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return k;
}

static void bare_search(const char *path, search_query *q, int n, double *lat) {
    sqlite3 *db;
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(
        db,
        "SELECT p.id, p.reg_no, p.given_name, p.family_name, p.native_name, p.sex,"
        " p.birth_date, p.citizenship FROM persons p"
        " WHERE p.id IN (SELECT person_id FROM person_tokens WHERE token >= ?1 AND token < ?2)"
        " AND p.id IN (SELECT person_id FROM person_tokens WHERE token >= ?3 AND token < ?4)"
        " AND p.merged_into IS NULL ORDER BY p.id DESC LIMIT 50",
        -1, &st, NULL);
    for (int i = 0; i < n; i++) {
        char e1[64], e2[64];
        prefix_end(q[i].t1, e1, sizeof e1);
        prefix_end(q[i].t2, e2, sizeof e2);
        double t0 = now_s();
        sqlite3_bind_text(st, 1, q[i].t1, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, e1, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, q[i].t2, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, e2, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
        sqlite3_reset(st);
        lat[i] = now_s() - t0;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void api_search(int port, const char *token, search_query *q, int n, double *lat,
                       int *failures) {
    http_conn c;
    http_connect(&c, port);
    char path[512];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/api/v1/persons?q=%.200s&limit=50", q[i].q);
        double t0 = now_s();
        if (http_request(&c, "GET", path, token, NULL, NULL, 0) != 200) (*failures)++;
        lat[i] = now_s() - t0;
    }
    close(c.fd);
}

static void setup_db(const char *path, const char *password, int people, char site_id[ID_LEN]) {
    store *s = NULL;
    die(store_open(path, true, &s), "open");
    die(schema_migrate_all(s), "migrate");
    die(make_admin(s, password), "admin");
    if (people) {
        json_t *logins = NULL;
        double t0 = now_s();
        die(demo_load(s, 7, people, &logins), "demo");
        printf("  loaded %d people with their stays through the registry in %.1f s\n", people,
               now_s() - t0);
        json_decref(logins);
    } else {
        actor a;
        actor_system(&a, "bench");
        json_t *in = json_pack("{s:s,s:s,s:i}", "name", "Bench centre", "kind",
                               "temporary_reception_centre", "capacity", 100000);
        json_t *out = NULL;
        die(registry_site_create(s, &a, in, &out), "site");
        snprintf(site_id, ID_LEN, "%s", json_string_value(json_object_get(out, "id")));
        json_decref(in);
        json_decref(out);
    }
    store_close(s);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows as it happens */
    die(crypto_init(), "crypto");
    log_set_quiet(1);
    char dir[] = "/tmp/haven-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char db[256], bare_db[256], big_db[256];
    snprintf(db, sizeof db, "%s/reg.db", dir);
    snprintf(bare_db, sizeof bare_db, "%s/bare.db", dir);
    snprintf(big_db, sizeof big_db, "%s/big.db", dir);
    const char *password = "bench password 123";

    printf("registry: registrations through the API (%d, %d clients, synchronous=FULL)\n",
           REGISTRATIONS, CLIENTS);
    char site_id[ID_LEN];
    setup_db(db, password, 0, site_id);
    api_config cfg = {.db_path = db, .host = "127.0.0.1", .port = 0, .threads = CLIENTS};
    api_server *srv = NULL;
    die(api_server_start(&cfg, &srv), "serve");
    char *token = login(api_server_port(srv), "bench", password);
    pthread_t th[CLIENTS];
    client_job jobs[CLIENTS];
    double t0 = now_s();
    for (int i = 0; i < CLIENTS; i++) {
        jobs[i] = (client_job){api_server_port(srv),
                               i * REGISTRATIONS / CLIENTS,
                               (i + 1) * REGISTRATIONS / CLIENTS,
                               token,
                               site_id,
                               0};
        pthread_create(&th[i], NULL, register_many, &jobs[i]);
    }
    int failures = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        failures += jobs[i].failures;
    }
    double api_s = now_s() - t0;
    api_server_stop(srv);
    free(token);
    double bare_s = bare_inserts(bare_db, REGISTRATIONS);
    double api_rate = REGISTRATIONS / api_s, bare_rate = REGISTRATIONS / bare_s;
    printf("  API:  %.0f registrations/s (%.2f s, %d failed; each validated, numbered, indexed,\n"
           "        audited and answered with candidates)\n",
           api_rate, api_s, failures);
    printf("  bare: %.0f inserts/s (%.2f s; one INSERT per transaction, same durability)\n",
           bare_rate, bare_s);
    printf("  ratio API/bare throughput: %.2f\n", api_rate / bare_rate);

    printf("registry: search latency at %d people\n", SEARCH_PEOPLE);
    setup_db(big_db, password, SEARCH_PEOPLE, site_id);
    static search_query queries[SEARCHES];
    int n = make_queries(big_db, queries, SEARCHES);
    static double api_lat[SEARCHES], bare_lat[SEARCHES];
    cfg.db_path = big_db;
    die(api_server_start(&cfg, &srv), "serve");
    token = login(api_server_port(srv), "bench", password);
    failures = 0;
    api_search(api_server_port(srv), token, queries, n, api_lat, &failures);
    api_server_stop(srv);
    free(token);
    bare_search(big_db, queries, n, bare_lat);
    double a50 = percentile(api_lat, n, 0.5) * 1e3, a99 = percentile(api_lat, n, 0.99) * 1e3;
    double b50 = percentile(bare_lat, n, 0.5) * 1e3, b99 = percentile(bare_lat, n, 0.99) * 1e3;
    printf("  API:  p50 %.2f ms, p99 %.2f ms over %d name searches (%d failed)\n", a50, a99, n,
           failures);
    printf("  bare: p50 %.2f ms, p99 %.2f ms (the same token-index query, no HTTP/JSON/scoping)\n",
           b50, b99);
    printf("  ratio API/bare: p50 %.1fx, p99 %.1fx\n", a50 / b50, a99 / b99);
    char cmd[sizeof dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    text_shutdown();
    return failures ? 1 : 0;
}
