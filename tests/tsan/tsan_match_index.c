/* The match index under ThreadSanitizer, without the server around it: writer threads
 * add and remove records while reader threads query, ask the size and the default
 * threshold, and a trainer thread retrains (as src/registry/matching.c does when the
 * index doubles). Every access must be ordered by the index's own lock: nothing else
 * (no database, no HTTP) synchronises these threads, so a race is reported at once.
 * Built in build-tsan/ only; run by ctest as tsan/match_index. Exit status 0 when
 * ThreadSanitizer saw nothing (it exits 66 otherwise). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"
#include "match/match.h"

#define WRITERS    2
#define READERS    3
#define PER_WRITER 400

static match_index *ix;
static const char *const given[] = {"Mohammad", "Muhamed", "Ahmad", "Ali", "Hassan", "Omid"};
static const char *const family[] = {"Ahmadi", "Rahimi", "Hussaini", "Karimi", "Noori"};

static void record(int w, int i, char id[32], match_record *r) {
    snprintf(id, 32, "w%d-%d", w, i);
    *r = (match_record){.id = id,
                        .given_name = given[(w + i) % 6],
                        .family_name = family[(w * 7 + i) % 5],
                        .sex = 'M',
                        .birth_year = 1980 + i % 20,
                        .birth_month = 1 + i % 12,
                        .birth_day = 1 + i % 28,
                        .precision = MATCH_DATE_EXACT,
                        .citizenship = "AF"};
}

static void *writer(void *arg) {
    int w = (int)(long)arg;
    for (int i = 0; i < PER_WRITER; i++) {
        char id[32];
        match_record r;
        record(w, i, id, &r);
        herr *e = match_index_add(ix, &r);
        if (e) abort();
        if (i % 10 == 9) {
            record(w, i - 5, id, &r);
            err_free(match_index_remove(ix, id));
        }
    }
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    size_t seen = 0;
    for (int i = 0; i < 300; i++) {
        char id[32];
        match_record r;
        record(i % WRITERS, i, id, &r);
        r.id = NULL;
        double t = match_default_threshold(ix);
        match_candidate *c = NULL;
        size_t n = 0;
        if (match_index_query(ix, &r, t, 5, &c, &n)) abort();
        mem_free(c);
        seen += match_index_size(ix) + n;
    }
    return (void *)seen;
}

static void *trainer(void *arg) {
    (void)arg;
    /* Retrain each time the index has doubled, as the registry does. */
    size_t trained_at = 25;
    for (int rounds = 0; rounds < 400 && trained_at < WRITERS * PER_WRITER; rounds++) {
        size_t n = match_index_size(ix);
        if (n >= 50 && n >= 2 * trained_at) {
            trained_at = n;
            if (match_index_train(ix)) abort();
        }
        sched_yield();
    }
    return NULL;
}

int main(void) {
    if (match_index_new(&ix)) return 1;
    pthread_t t[WRITERS + READERS + 1];
    int k = 0;
    for (long w = 0; w < WRITERS; w++) pthread_create(&t[k++], NULL, writer, (void *)w);
    for (int r = 0; r < READERS; r++) pthread_create(&t[k++], NULL, reader, NULL);
    pthread_create(&t[k++], NULL, trainer, NULL);
    for (int i = 0; i < k; i++) pthread_join(t[i], NULL);
    printf("%zu records indexed, default threshold %.3f\n", match_index_size(ix),
           match_default_threshold(ix));
    match_index_free(ix);
    match_shutdown();
    return 0;
}
