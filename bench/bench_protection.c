/* Protection benchmark: what encryption at rest and the audit cost.
 *
 * 1. Screenings recorded: 2,000 protection_screening_create calls, each its own durable
 *    transaction (validated against the questionnaire, sealed, written, audited in the
 *    hash chain), beside 2,000 bare INSERTs of the same row with the payload in clear,
 *    one transaction each, same durability.
 * 2. A year's figures: protection_period_figures over 42,000 screenings (IOM's emergency
 *    screenings in BiH in 2023), which opens the sealed payload of every screening with a
 *    risk to count people by category, beside the same category count over the same
 *    payloads stored in clear (same SQL shape and JSON parsing, no decryption). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "demo/demo.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "schema/schema.h"

#define PEOPLE 3000
#define TIMED  2000
#define YEAR   42000

static void die(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "bench: %s: %s\n", what, e->message);
    exit(1);
}

/* About one screening in six finds a risk, as in 2023. */
static const char *const answers[] = {
    "{\"child_status\":\"adult\",\"serious_medical\":false,\"distress\":false}",
    "{\"child_status\":\"adult\",\"serious_medical\":false,\"distress\":false}",
    "{\"child_status\":\"adult\",\"serious_medical\":false,\"violence\":false}",
    "{\"child_status\":\"adult\",\"older_person\":false,\"distress\":false}",
    "{\"child_status\":\"with_parent\",\"serious_medical\":false}",
    "{\"child_status\":\"unaccompanied\",\"distress\":true,\"observations\":\"alone since Tuzla\"}",
};

static const char bare_table_sql[] =
    "CREATE TABLE bare_screenings (id TEXT PRIMARY KEY, person_id TEXT, has_risk INTEGER,"
    " payload TEXT)";
static const char bare_insert_sql[] =
    "INSERT INTO bare_screenings (id, person_id, has_risk, payload) VALUES (:id, :person,"
    " :risk, :payload)";
static const char bare_count_sql[] =
    "SELECT person_id, payload FROM bare_screenings WHERE has_risk = 1";

static herr *screen(store *s, const actor *a, const char *person, const char *site, int k,
                    bool bare) {
    json_t *in = json_pack("{s:s,s:o}", "site_id", site, "answers",
                           json_loads(answers[k % 6], 0, NULL)),
           *out = NULL;
    herr *e = protection_screening_create(s, a, person, in, &out);
    if (!e && bare) {
        /* The same row in clear, for the figures' baseline. */
        json_t *payload = json_pack("{s:O,s:O}", "answers", json_object_get(in, "answers"), "risks",
                                    json_object_get(out, "risks"));
        char *text = json_dumps(payload, JSON_COMPACT), id[ID_LEN];
        store_stmt *st = NULL;
        id_new(id);
        e = store_prepare(s, bare_insert_sql, &st);
        if (!e) {
            store_bind_text(st, ":id", id);
            store_bind_text(st, ":person", person);
            store_bind_int(st, ":risk", k % 6 == 5);
            store_bind_text(st, ":payload", text);
            e = store_run_done(&st);
        }
        free(text);
        json_decref(payload);
    }
    json_decref(in);
    json_decref(out);
    return e;
}

static double bare_inserts(store *s, json_t *people) {
    static const char sql[] =
        "INSERT INTO bare_timed (id, person_id, has_risk, payload) VALUES (:id, :p, :r, :v)";
    die(store_exec(s, "CREATE TABLE bare_timed (id TEXT PRIMARY KEY, person_id TEXT,"
                      " has_risk INTEGER, payload TEXT)"),
        "bare table");
    double t0 = now_s();
    for (int i = 0; i < TIMED; i++) {
        char id[ID_LEN];
        id_new(id);
        store_stmt *st = NULL;
        die(store_begin(s), "begin");
        die(store_prepare(s, sql, &st), "prepare");
        store_bind_text(st, ":id", id);
        store_bind_text(
            st, ":p",
            json_string_value(json_array_get(people, (size_t)i % json_array_size(people))));
        store_bind_int(st, ":r", i % 6 == 5);
        store_bind_text(st, ":v", answers[i % 6]);
        die(store_run_done(&st), "insert");
        die(store_commit(s), "commit");
    }
    return now_s() - t0;
}

/* The category count of protection_period_figures over payloads in clear. */
static double bare_figures(store *s, long *persons) {
    double t0 = now_s();
    json_t *sets = json_object();
    store_stmt *st = NULL;
    bool row;
    die(store_prepare(s, bare_count_sql, &st), "prepare");
    while (!store_step(st, &row) && row) {
        json_t *p = json_loads(store_text(st, 1), 0, NULL);
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(p, "risks"), i, r) {
            json_t *set = json_object_get(sets, json_string_value(r));
            if (!set) json_object_set_new(sets, json_string_value(r), set = json_object());
            json_object_set_new(set, store_text(st, 0), json_true());
        }
        json_decref(p);
    }
    store_done(st);
    *persons = (long)json_object_size(json_object_get(sets, "unaccompanied_child"));
    json_decref(sets);
    return now_s() - t0;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    die(crypto_init(), "crypto");
    log_set_quiet(1);
    char dir[] = "/tmp/haven-bench-XXXXXX", db[256];
    if (!mkdtemp(dir)) return 1;
    snprintf(db, sizeof db, "%s/protection.db", dir);
    store *s = NULL;
    die(store_open(db, true, &s), "open");
    die(schema_migrate_all(s), "migrate");
    unsigned char key[CRYPTO_KEY_LEN];
    crypto_random(key, sizeof key);
    protection_key_use(key);
    json_t *logins = NULL, *people = json_array(), *site_of = json_object();
    double t0 = now_s();
    die(demo_load(s, 11, PEOPLE, &logins), "demo");
    printf("  loaded %d people through the registry in %.1f s\n", PEOPLE, now_s() - t0);
    actor a;
    actor_system(&a, "bench");
    snprintf(a.role, sizeof a.role, "protection");
    char cursor[ID_LEN] = "";
    for (;;) {
        registry_person_query q = {.limit = 200, .cursor = cursor[0] ? cursor : NULL};
        json_t *page = NULL;
        die(registry_person_search(s, &a, &q, &page), "search");
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(page, "items"), i, p) {
            json_array_append_new(people, json_string(json_str(p, "id")));
            json_object_set_new(site_of, json_str(p, "id"),
                                json_string(json_str(p, "registration_site_id")));
        }
        const char *next = json_str(page, "next_cursor");
        if (next) snprintf(cursor, sizeof cursor, "%s", next);
        json_decref(page);
        if (!next) break;
    }
    size_t n = json_array_size(people);
#define PERSON(i) json_string_value(json_array_get(people, (size_t)(i) % n))
#define SITE(i)   json_string_value(json_object_get(site_of, PERSON(i)))

    printf("protection: screenings recorded (%d, one durable transaction each)\n", TIMED);
    t0 = now_s();
    for (int i = 0; i < TIMED; i++) die(screen(s, &a, PERSON(i), SITE(i), i, false), "screen");
    double haven_s = now_s() - t0, bare_s = bare_inserts(s, people);
    printf("  Haven: %.0f screenings/s (%.2f s; each validated, sealed, written and audited)\n",
           TIMED / haven_s, haven_s);
    printf("  bare:  %.0f inserts/s (%.2f s; the row in clear, same durability)\n", TIMED / bare_s,
           bare_s);
    printf("  ratio Haven/bare throughput: %.2f\n", bare_s / haven_s);

    die(store_exec(s, bare_table_sql), "bare table");
    t0 = now_s();
    die(store_begin(s), "begin");
    for (int i = TIMED; i < YEAR; i++) die(screen(s, &a, PERSON(i), SITE(i), i, true), "screen");
    die(store_commit(s), "commit");
    printf("protection: a year's figures over %d screenings (%d more loaded in %.1f s)\n", YEAR,
           YEAR - TIMED, now_s() - t0);
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN];
    clock_format_date(clock_now() - 364 * 86400, from);
    clock_format_date(clock_now(), to);
    json_t *fig = NULL;
    t0 = now_s();
    die(protection_period_figures(s, from, to, &fig), "figures");
    double fig_s = now_s() - t0;
    long bare_children = 0;
    double base_s = bare_figures(s, &bare_children);
    printf("  Haven: %.0f ms (all figures; the %d sealed payloads with risks opened, %lld people"
           " with risks)\n",
           fig_s * 1000, (YEAR - TIMED) / 6 + TIMED / 6,
           (long long)json_integer_value(json_object_get(fig, "persons_with_risks")));
    printf("  bare:  %.0f ms (the category count alone, over %d payloads in clear)\n",
           base_s * 1000, (YEAR - TIMED) / 6);
    printf("  ratio Haven/bare time: %.1fx\n", fig_s / base_s);
    json_decref(fig);
    json_decref(logins);
    json_decref(people);
    json_decref(site_of);
    store_close(s);
    protection_key_forget();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
