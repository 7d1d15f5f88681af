#define _GNU_SOURCE /* memmem, strcasestr in the little HTTP client */
/* Distributions benchmark: 10,000 distributions recorded through the API (4 clients on
 * loopback, each request authenticated, validated, checked against the entitlement rule,
 * taken from stock by the conditional update, written to the ledger and audited in one
 * durable transaction), beside 10,000 bare ledger INSERTs in the same run (one row per
 * transaction, same durability, no checks). At the end the stock of every (site, item)
 * must equal the sum of its ledger, and the bench item's stock what was received less
 * what was given. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "api/api.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "distributions/distributions.h"
#include "http_client.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "schema/schema.h"

#define CLIENTS       4
#define DISTRIBUTIONS 10000
#define PEOPLE        400
#define RECEIVED      1000000

static void die(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "bench: %s: %s\n", what, e->message);
    exit(1);
}

typedef struct {
    char db[256];
    char site[ID_LEN], item[ID_LEN];
    char (*people)[ID_LEN];
} world;

static void setup(world *w, const char *password) {
    store *s = NULL;
    actor a;
    actor_system(&a, "bench");
    die(store_open(w->db, true, &s), "open");
    die(schema_migrate_all(s), "migrate");
    json_t *in = json_pack("{s:s,s:s,s:s}", "username", "bench", "role", "admin", "password",
                           password),
           *out = NULL;
    die(auth_user_create(s, &a, in, &out), "user");
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:s,s:s,s:i}", "name", "TRC Bench", "code", "BEN", "kind",
                   "temporary_reception_centre", "capacity", 100000);
    die(registry_site_create(s, &a, in, &out), "site");
    snprintf(w->site, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    die(store_begin(s), "begin");
    for (int i = 0; i < PEOPLE; i++) {
        char given[32];
        snprintf(given, sizeof given, "Person%d", i);
        in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", given, "family_name", "Bench",
                       "sex", "M", "citizenship", "AF", "site_id", w->site, "check_in", 1);
        die(registry_person_register(s, &a, in, &out), "person");
        snprintf(w->people[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(in);
        json_decref(out);
    }
    die(store_commit(s), "commit");
    /* A ration with no period (a person may come back for more): every request is
     * entitled, so that what is measured is the full path of a distribution. */
    in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "code", "bench_ration", "name_en", "Ration",
                   "name_bs", "Obrok", "name_sr", "Оброк", "category", "food", "unit", "portion",
                   "per", "person", "max_quantity", 10);
    die(distributions_item_create(s, &a, in, &out), "item");
    snprintf(w->item, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", w->site, "item_id", w->item, "kind", "receipt",
                   "quantity", RECEIVED);
    die(distributions_stock_move(s, &a, in, &out), "receipt");
    json_decref(in);
    json_decref(out);
    store_close(s);
}

static char *login(int port, const char *password) {
    http_conn c;
    char body[256], answer[4096];
    http_connect(&c, port);
    snprintf(body, sizeof body, "{\"username\":\"bench\",\"password\":\"%s\"}", password);
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

typedef struct {
    int port, from, to;
    const char *token;
    const world *w;
    int failures;
} job;

static void *give_many(void *arg) {
    job *j = arg;
    http_conn c;
    if (http_connect(&c, j->port) != 0) {
        j->failures = j->to - j->from;
        return NULL;
    }
    for (int i = j->from; i < j->to; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"person_id\":\"%s\",\"site_id\":\"%s\",\"items\":[{\"item_id\":\"%s\","
                 "\"quantity\":1}]}",
                 j->w->people[i % PEOPLE], j->w->site, j->w->item);
        if (http_request(&c, "POST", "/api/v1/distributions", j->token, body, NULL, 0) != 201)
            j->failures++;
    }
    close(c.fd);
    return NULL;
}

static const char bare_table_sql[] =
    "CREATE TABLE bare_ledger (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, item_id TEXT NOT"
    " NULL, kind TEXT NOT NULL, delta INTEGER NOT NULL, at TEXT NOT NULL)";
static const char bare_insert_sql[] =
    "INSERT INTO bare_ledger (id, site_id, item_id, kind, delta, at) VALUES (:id, :site, :item,"
    " 'distribution', -1, :at)";

/* The baseline: one ledger row per durable transaction, nothing else. */
static double bare_inserts(const char *path, const world *w) {
    store *s = NULL;
    die(store_open(path, true, &s), "bare open");
    die(store_exec(s, bare_table_sql), "bare table");
    double t0 = now_s();
    for (int i = 0; i < DISTRIBUTIONS; i++) {
        char id[ID_LEN], at[CLOCK_ISO_LEN];
        store_stmt *st = NULL;
        id_new(id);
        clock_format_iso(clock_now(), at);
        die(store_begin(s), "bare begin");
        die(store_prepare(s, bare_insert_sql, &st), "bare prepare");
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":site", w->site);
        store_bind_text(st, ":item", w->item);
        store_bind_text(st, ":at", at);
        die(store_run_done(&st), "bare insert");
        die(store_commit(s), "bare commit");
    }
    double dt = now_s() - t0;
    store_close(s);
    return dt;
}

/* Every (site, item): stock equals the sum of its ledger. Returns the bench item's stock. */
static long long check_ledger(const world *w, int *mismatches) {
    store *s = NULL;
    actor a;
    actor_system(&a, "bench");
    json_t *out = NULL;
    long long bench_stock = -1;
    *mismatches = 0;
    die(store_open(w->db, false, &s), "reopen");
    die(distributions_stock(s, &a, NULL, &out), "stock");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it) {
        json_int_t q = json_integer_value(json_object_get(it, "quantity"));
        if (q != json_integer_value(json_object_get(it, "ledger_sum"))) (*mismatches)++;
        if (!strcmp(json_str(it, "item_id"), w->item)) bench_stock = q;
    }
    json_decref(out);
    store_close(s);
    return bench_stock;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    die(crypto_init(), "crypto");
    log_set_quiet(1);
    static const unsigned char key[CRYPTO_KEY_LEN] = "bench-distributions-key-01234567";
    protection_key_use(key);
    char dir[] = "/tmp/haven-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    world w = {.people = calloc(PEOPLE, sizeof *w.people)};
    char bare_db[300];
    snprintf(w.db, sizeof w.db, "%s/dist.db", dir);
    snprintf(bare_db, sizeof bare_db, "%s/bare.db", dir);
    const char *password = "bench password 123";
    printf("distributions: %d distributions through the API (%d clients, synchronous=FULL)\n",
           DISTRIBUTIONS, CLIENTS);
    setup(&w, password);
    api_config cfg = {.db_path = w.db, .host = "127.0.0.1", .port = 0, .threads = CLIENTS};
    api_server *srv = NULL;
    die(api_server_start(&cfg, &srv), "serve");
    char *token = login(api_server_port(srv), password);
    pthread_t th[CLIENTS];
    job jobs[CLIENTS];
    double t0 = now_s();
    for (int i = 0; i < CLIENTS; i++) {
        jobs[i] = (job){api_server_port(srv),
                        i * DISTRIBUTIONS / CLIENTS,
                        (i + 1) * DISTRIBUTIONS / CLIENTS,
                        token,
                        &w,
                        0};
        pthread_create(&th[i], NULL, give_many, &jobs[i]);
    }
    int failures = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        failures += jobs[i].failures;
    }
    double api_s = now_s() - t0;
    api_server_stop(srv);
    free(token);
    double bare_s = bare_inserts(bare_db, &w);
    int mismatches = 0;
    long long stock = check_ledger(&w, &mismatches);
    printf("  API:  %.0f distributions/s (%.2f s, %d failed; each authenticated, validated,\n"
           "        checked against the rule, taken from stock, ledgered and audited)\n",
           DISTRIBUTIONS / api_s, api_s, failures);
    printf("  bare: %.0f ledger inserts/s (%.2f s; one INSERT per transaction, same durability)\n",
           DISTRIBUTIONS / bare_s, bare_s);
    printf("  ratio: the API records a distribution in %.1fx the time of a bare ledger insert\n",
           api_s / bare_s);
    long long want = (long long)RECEIVED - (DISTRIBUTIONS - failures);
    printf("  stock equals its ledger for every site and item: %s; bench item %lld (expected "
           "%lld): %s\n",
           mismatches ? "NO" : "yes", stock, want, stock == want ? "yes" : "NO");
    free(w.people);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
    protection_key_forget();
    return mismatches || stock != want || failures ? 1 : 0;
}
