/* The match index followed under ThreadSanitizer: what the follower thread of a server on
 * a shared PostgreSQL database does (src/registry/follow.c: read an announced person
 * again, ignore a bad payload, catch up after a reconnection) runs here on its own thread
 * while registrar threads register and correct people (each write puts its record in the
 * index, and retraining starts in the background when the index doubles) and a desk
 * thread asks for candidates. A SQLite file stands in for the database: the follower's
 * calls are the same, only the notifications are replaced by ids handed over in memory.
 * Built in build-tsan/ only; run by ctest as tsan/registry_follow. Exit status 0 when
 * ThreadSanitizer saw nothing (it exits 66 otherwise). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/actor.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/registry.h"
#include "schema/schema.h"

#define REGISTRARS    2
#define PER_REGISTRAR 60

static char db_path[64];
static char site_id[64];
static actor admin;

/* Ids registered so far, for the follower to be "told" of. */
static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static char ids[REGISTRARS * PER_REGISTRAR][40]; /* guarded by ids_lock */
static int n_ids;                                /* guarded by ids_lock */
static atomic_bool registering_done;

static const char *const given[] = {"Mohammad", "Muhamed", "Ahmad", "Zarmina", "Parwana"};
static const char *const family[] = {"Hussaini", "Rahimi", "Khostwal", "Tokhi", "Noori"};

static store *open_db(void) {
    store *s = NULL;
    herr *e = store_open(db_path, false, &s);
    if (e) {
        fprintf(stderr, "open: %s\n", e->message);
        abort();
    }
    return s;
}

static void check(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "%s: %s\n", what, e->message);
    abort();
}

static void *registrar(void *arg) {
    int r = (int)(long)arg;
    store *s = open_db();
    for (int i = 0; i < PER_REGISTRAR; i++) {
        char birth[16];
        snprintf(birth, sizeof birth, "%d-%02d-%02d", 1970 + (r * 7 + i) % 30, 1 + i % 12,
                 1 + i % 28);
        json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "given_name", given[(r + i) % 5],
                               "family_name", family[(r * 3 + i) % 5], "sex", "M", "birth_date",
                               birth, "citizenship", "AF", "site_id", site_id);
        json_t *out = NULL;
        check(registry_person_register(s, &admin, in, &out), "register");
        pthread_mutex_lock(&ids_lock);
        snprintf(ids[n_ids++], sizeof ids[0], "%s", json_str(out, "id"));
        pthread_mutex_unlock(&ids_lock);
        if (i % 5 == 4) { /* a correction: the registrar's own put, racing the follower's */
            json_t *fix = json_pack("{s:s}", "family_name", family[i % 5]), *got = NULL;
            check(registry_person_update(s, &admin, json_str(out, "id"), fix, &got), "update");
            json_decref(got);
            json_decref(fix);
        }
        json_decref(out);
        json_decref(in);
    }
    store_close(s);
    return NULL;
}

static void *follower(void *arg) {
    (void)arg;
    store *s = open_db();
    for (int round = 0; !atomic_load(&registering_done) || round % 50 != 0; round++) {
        char id[40] = "";
        pthread_mutex_lock(&ids_lock);
        if (n_ids) snprintf(id, sizeof id, "%s", ids[(round * 7) % n_ids]);
        pthread_mutex_unlock(&ids_lock);
        if (id[0]) registry_person_followed(s, id);
        if (round % 500 == 3) registry_person_followed(s, "not a person id\n");
        if (round % 50 == 25) check(registry_match_resync(s), "resync");
    }
    store_close(s);
    return NULL;
}

static void *desk(void *arg) {
    (void)arg;
    store *s = open_db();
    size_t seen = 0;
    while (!atomic_load(&registering_done)) {
        json_t *typed = json_pack("{s:s,s:s,s:s}", "given_name", "Muhammad", "family_name",
                                  "Husaini", "citizenship", "AF"),
               *page = NULL;
        check(registry_desk_candidates(s, &admin, typed, NULL, 50, &page), "candidates");
        seen += json_array_size(json_object_get(page, "items"));
        json_decref(page);
        json_decref(typed);
    }
    store_close(s);
    return (void *)seen;
}

int main(void) {
    snprintf(db_path, sizeof db_path, "/tmp/haven-tsan-follow-%ld.db", (long)getpid());
    actor_system(&admin, "tsan");
    store *s = NULL;
    check(crypto_init(), "crypto");
    check(store_open(db_path, true, &s), "create");
    check(schema_migrate_all(s), "migrate");
    json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", "Lipa", "municipality", "Bihać", "kind",
                           "temporary_reception_centre", "capacity", 1000),
           *site = NULL;
    check(registry_site_create(s, &admin, in, &site), "site");
    snprintf(site_id, sizeof site_id, "%s", json_str(site, "id"));
    json_decref(site);
    json_decref(in);
    json_t *none = NULL, *probe = json_pack("{s:s}", "family_name", "-");
    check(registry_find_candidates(s, &admin, probe, NULL, &none), "load the index");
    json_decref(none);
    json_decref(probe);
    store_close(s);

    pthread_t t[REGISTRARS + 2];
    int k = 0;
    for (long r = 0; r < REGISTRARS; r++) pthread_create(&t[k++], NULL, registrar, (void *)r);
    pthread_t f, d;
    pthread_create(&f, NULL, follower, NULL);
    pthread_create(&d, NULL, desk, NULL);
    for (int i = 0; i < k; i++) pthread_join(t[i], NULL);
    atomic_store(&registering_done, true);
    pthread_join(f, NULL);
    pthread_join(d, NULL);
    printf("%d people registered and followed\n", n_ids);
    registry_shutdown();
    text_shutdown();
    char side[96];
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
    return 0;
}
