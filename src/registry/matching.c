/* The registry's link to identity matching: one in-memory match index per database,
 * loaded from the persons table on first use and kept up to date by the registry's own
 * writes (registration, correction, merge) and, on a PostgreSQL database shared by
 * several servers, by the others' writes as the follower hears of them (follow.c calls
 * registry_person_followed and registry_match_resync here). Nothing else in the
 * registry knows about the engine: registry_find_candidates asks it through this file. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "match/match.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

/* One process serves one database; tests open many in turn, so a different path
 * reloads the index. (Switching databases while another thread queries is not
 * supported: the server never does.) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static match_index *index_of_db;  /* guarded by lock (the index has its own rwlock inside) */
static char index_path[PATH_MAX]; /* guarded by lock */
static size_t trained_at;         /* guarded by lock: records indexed at the last training */
/* Retraining runs on its own thread so that the registration which doubled the index
 * does not wait for it (queries go on meanwhile; other additions wait for the sample).
 * It is joined before the index is replaced or freed. */
static pthread_t trainer;    /* guarded by lock */
static bool trainer_running; /* guarded by lock */

/* Waits for a retraining still running. Called with `lock` held. */
static void trainer_join(void) {
    if (!trainer_running) return;
    pthread_join(trainer, NULL);
    trainer_running = false;
}

/* Set once at start by the documents module; read by every thread that matches. */
static _Atomic(const registry_document_source *) doc_source;

void registry_set_document_source(const registry_document_source *src) {
    atomic_store(&doc_source, src);
}

const registry_document_source *registry_documents(void) { return atomic_load(&doc_source); }

size_t registry_match_documents(const json_t *docs, match_document out[MATCH_MAX_DOCUMENTS]) {
    size_t n = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        if (n == MATCH_MAX_DOCUMENTS) break;
        if (!json_str(d, "type") || !json_str(d, "number")) continue;
        out[n].type = json_str(d, "type");
        out[n].country = json_str(d, "country");
        out[n].number = json_str(d, "number");
        n++;
    }
    return n;
}

/* One person's documents from the source, or NULL (none, no source, or a failure,
 * which is logged: matching goes on without them). Caller decrefs. */
static json_t *documents_of(store *s, const char *id) {
    const registry_document_source *src = registry_documents();
    json_t *docs = NULL;
    if (!src || !id) return NULL;
    herr *e = src->of_person(s, id, &docs);
    if (e) {
        log_error("documents of person %s not read for matching: %s", id, e->message);
        err_free(e);
        return NULL;
    }
    return docs;
}

static match_date_precision precision_of(const char *date, const char *precision) {
    if (!date) return MATCH_DATE_UNKNOWN;
    if (precision && !strcmp(precision, "year")) return MATCH_DATE_YEAR;
    if (precision && !strcmp(precision, "estimated")) return MATCH_DATE_ESTIMATED;
    return MATCH_DATE_EXACT;
}

void registry_match_record(const char *id, const char *given, const char *family,
                           const char *native, const char *sex, const char *birth_date,
                           const char *precision, const char *citizenship, match_record *r) {
    memset(r, 0, sizeof *r);
    r->id = id;
    r->given_name = given;
    r->family_name = family;
    r->native_name = native;
    r->sex = sex && (sex[0] == 'M' || sex[0] == 'F') ? sex[0] : 0;
    if (birth_date && strlen(birth_date) == 10) {
        r->birth_year = atoi(birth_date);
        r->birth_month = atoi(birth_date + 5);
        r->birth_day = atoi(birth_date + 8);
    }
    r->precision = precision_of(birth_date, precision);
    /* "unknown" is no citizenship at all: it must not agree with another "unknown". */
    r->citizenship = citizenship && strcmp(citizenship, "unknown") ? citizenship : NULL;
}

static const char all_sql[] =
    "SELECT id, given_name, family_name, native_name, sex, birth_date, birth_date_precision,"
    " citizenship FROM persons WHERE merged_into IS NULL";

/* Adds (or replaces) every unmerged stored person in ix, with their documents. */
static herr *add_stored(store *s, match_index *ix) {
    store_stmt *st = NULL;
    json_t *docs = NULL;
    const registry_document_source *src = registry_documents();
    herr *e = src ? src->all(s, &docs) : NULL;
    if (!e) e = store_prepare(s, all_sql, &st);
    bool row;
    while (!e && !(e = store_step(st, &row)) && row) {
        match_record r;
        match_document held[MATCH_MAX_DOCUMENTS];
        registry_match_record(store_text(st, 0), store_text(st, 1), store_text(st, 2),
                              store_text(st, 3), store_text(st, 4), store_text(st, 5),
                              store_text(st, 6), store_text(st, 7), &r);
        r.n_documents = registry_match_documents(json_object_get(docs, r.id), held);
        r.documents = held;
        e = match_index_add(ix, &r);
    }
    store_done(st);
    json_decref(docs);
    return e;
}

static herr *load(store *s, match_index **out) {
    match_index *ix = NULL;
    herr *e = match_index_new(&ix);
    if (!e) e = add_stored(s, ix);
    if (!e) e = match_index_train(ix);
    if (e) {
        match_index_free(ix);
        return e;
    }
    *out = ix;
    return NULL;
}

herr *registry_match_index(store *s, match_index **out) {
    herr *e = NULL;
    pthread_mutex_lock(&lock);
    if (!index_of_db || strcmp(index_path, store_path(s)) != 0) {
        trainer_join();
        match_index_free(index_of_db);
        index_of_db = NULL;
        if (!(e = load(s, &index_of_db))) {
            snprintf(index_path, sizeof index_path, "%s", store_path(s));
            trained_at = match_index_size(index_of_db);
        }
    }
    *out = index_of_db;
    pthread_mutex_unlock(&lock);
    return e;
}

static void *retrain(void *p) {
    herr *e = match_index_train(p);
    if (e) {
        log_error("retraining the match model failed: %s", e->message);
        err_free(e);
    }
    return NULL;
}

/* Training is redone whenever the index has doubled since the last time, so the model
 * follows the population without paying for EM on every registration. */
static void maybe_retrain(match_index *ix) {
    size_t n = match_index_size(ix);
    pthread_mutex_lock(&lock);
    if (n >= 50 && n >= 2 * trained_at && ix == index_of_db) {
        trained_at = n;
        trainer_join();
        trainer_running = pthread_create(&trainer, NULL, retrain, ix) == 0;
        if (!trainer_running) retrain(ix); /* no thread to be had: train here */
    }
    pthread_mutex_unlock(&lock);
}

/* Adds or replaces a person (fields as in the person JSON) in the index; failures are
 * logged, never returned: the write they follow has committed. */
static void registry_match_put(store *s, const char *id, const json_t *p) {
    match_index *ix = NULL;
    json_t *docs = NULL;
    herr *e = registry_match_index(s, &ix);
    if (!e) {
        match_record r;
        match_document held[MATCH_MAX_DOCUMENTS];
        registry_match_record(id, json_str(p, "given_name"), json_str(p, "family_name"),
                              json_str(p, "native_name"), json_str(p, "sex"),
                              json_str(p, "birth_date"), json_str(p, "birth_date_precision"),
                              json_str(p, "citizenship"), &r);
        docs = documents_of(s, id);
        r.n_documents = registry_match_documents(docs, held);
        r.documents = held;
        e = match_index_add(ix, &r);
        json_decref(docs);
    }
    if (e) {
        /* The record is saved; only suggestions about it are missing until restart. */
        log_error("person %s not added to the match index: %s", id, e->message);
        err_free(e);
        return;
    }
    maybe_retrain(ix);
}

/* Removes a person from the index (merged into another, or gone). */
static void registry_match_drop(store *s, const char *id) {
    match_index *ix = NULL;
    herr *e = registry_match_index(s, &ix);
    if (!e) e = match_index_remove(ix, id);
    if (e && e->code != ERR_NOT_FOUND)
        log_error("person %s not removed from the match index: %s", id, e->message);
    err_free(e);
}

static const char one_sql[] =
    "SELECT id, given_name, family_name, native_name, sex, birth_date, birth_date_precision,"
    " citizenship FROM persons WHERE id = :id AND merged_into IS NULL";

herr *registry_match_stored(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = store_prepare(s, one_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && row) {
        json_t *p = json_object();
        static const char *const names[] = {
            "id",  "given_name", "family_name",          "native_name",
            "sex", "birth_date", "birth_date_precision", "citizenship"};
        for (int i = 0; i < 8; i++) json_set_str(p, names[i], store_text(st, i));
        *out = p;
    }
    store_done(st);
    return e;
}

/* Serialises refreshes: each reads a person and puts what it read into the index as one
 * step, so that of two refreshes of one person the later read is also the later put. A
 * registrar's own refresh after a commit and the follower's after another server's
 * commit of the same person cannot then leave the older state in the index: the last
 * refresh starts after the last commit and reads it. Taken before `lock`, never after. */
static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;

void registry_match_refresh(store *s, const char *id) {
    json_t *p = NULL;
    pthread_mutex_lock(&refresh_lock);
    herr *e = registry_match_stored(s, id, &p);
    if (e)
        log_error("person %s not read again for the match index: %s", id, e->message);
    else if (p)
        registry_match_put(s, id, p);
    else
        registry_match_drop(s, id); /* merged, or not there (any longer) */
    pthread_mutex_unlock(&refresh_lock);
    err_free(e);
    json_decref(p);
}

void registry_documents_changed(store *s, const char *person_id) {
    registry_match_refresh(s, person_id);
}

/* The loaded index of s's database, or NULL when none is loaded. The pointer stays valid
 * until registry_shutdown or a switch to another database, neither of which happens
 * while a server (and its follower) runs. */
static match_index *loaded_index(store *s) {
    pthread_mutex_lock(&lock);
    match_index *ix = index_of_db && !strcmp(index_path, store_path(s)) ? index_of_db : NULL;
    pthread_mutex_unlock(&lock);
    return ix;
}

static const char merged_sql[] = "SELECT id FROM persons WHERE merged_into IS NOT NULL";

herr *registry_match_resync(store *s) {
    match_index *ix = loaded_index(s);
    if (!ix) return NULL;
    /* Every record is replaced in place (queries see the old or the new one, never a
     * gap); a person merged meanwhile goes. Persons are never deleted, so these two
     * cover every change. */
    herr *e = add_stored(s, ix);
    store_stmt *st = NULL;
    bool row;
    if (!e) e = store_prepare(s, merged_sql, &st);
    while (!e && !(e = store_step(st, &row)) && row)
        err_free(match_index_remove(ix, store_text(st, 0)));
    store_done(st);
    return e;
}

/* Longest payload looked at: an id is 36 bytes; the rest is not ours. */
#define FOLLOW_PAYLOAD_MAX 64

void registry_person_followed(store *s, const char *payload) {
    if (!payload || !id_is_valid(payload)) {
        char shown[FOLLOW_PAYLOAD_MAX + 1];
        snprintf(shown, sizeof shown, "%s", payload ? payload : "(none)");
        for (char *c = shown; *c; c++) /* into a log line: printable ASCII only */
            if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) *c = '?';
        log_error("a change notification on %s that is not a person id was ignored: '%s'",
                  REGISTRY_CHANNEL, shown);
        return;
    }
    if (!loaded_index(s)) return; /* it will be loaded with this change in it */
    registry_match_refresh(s, payload);
}

void registry_shutdown(void) {
    pthread_mutex_lock(&lock);
    trainer_join();
    match_index_free(index_of_db);
    index_of_db = NULL;
    index_path[0] = '\0';
    pthread_mutex_unlock(&lock);
    match_shutdown();
}
