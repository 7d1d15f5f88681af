/* The follower: keeps this server's match index current with what other servers on the
 * same PostgreSQL database write. A thread of its own listens on REGISTRY_CHANNEL with a
 * connection of its own and reads each announced person again (registry_person_followed).
 *
 * Notifications are sent by triggers inside the writing transaction, so they arrive
 * after the commit and the person read then is the committed one; every commit is
 * followed by its own notification, so the last read of a person is never older than its
 * last commit. A lost connection loses the notifications sent meanwhile: after listening
 * again the follower takes every stored person again (registry_match_resync), which costs
 * about what loading the index at start does, once per reconnection. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"
#include "registry/registry.h"

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS   10000

struct registry_follower {
    char *path;       /* read-only after start */
    store *s;         /* the follower thread's alone once it runs; NULL while down */
    pthread_t thread; /* joined by registry_follow_stop */
    atomic_bool stop; /* set by registry_follow_stop, read by the thread */
};

/* Opens, listens, then catches up: in this order, so that nothing committed after the
 * catch-up's read can go unannounced. */
static herr *connect_and_listen(registry_follower *f, bool catch_up) {
    herr *e = store_open(f->path, false, &f->s);
    if (!e) e = store_listen(f->s, REGISTRY_CHANNEL);
    if (!e && catch_up) e = registry_match_resync(f->s);
    if (e) {
        store_close(f->s);
        f->s = NULL;
    }
    return e;
}

/* Sleeps ms in steps short enough that a stop is seen promptly; true when stopping. */
static bool nap(registry_follower *f, int ms) {
    while (ms > 0 && !atomic_load(&f->stop)) {
        int step = ms < REGISTRY_FOLLOW_POLL_MS ? ms : REGISTRY_FOLLOW_POLL_MS;
        struct timespec t = {.tv_sec = 0, .tv_nsec = (long)step * 1000000};
        nanosleep(&t, NULL);
        ms -= step;
    }
    return atomic_load(&f->stop);
}

static void *follow(void *arg) {
    registry_follower *f = arg;
    int backoff = 0;
    while (!atomic_load(&f->stop)) {
        if (!f->s) {
            if (backoff && nap(f, backoff)) break;
            herr *e = connect_and_listen(f, true);
            if (e) {
                if (!backoff)
                    log_error("match index follower: cannot listen again (%s); retrying up to "
                              "every %d s",
                              e->message, BACKOFF_MAX_MS / 1000);
                err_free(e);
                backoff = backoff ? backoff * 2 : BACKOFF_FIRST_MS;
                if (backoff > BACKOFF_MAX_MS) backoff = BACKOFF_MAX_MS;
                continue;
            }
            log_info("match index follower: listening again; the index has caught up");
            backoff = 0;
        }
        char *payload = NULL;
        herr *e = store_notification(f->s, REGISTRY_FOLLOW_POLL_MS, &payload);
        if (e) {
            log_error("match index follower: %s; reconnecting", e->message);
            err_free(e);
            store_close(f->s);
            f->s = NULL;
            continue;
        }
        if (payload) registry_person_followed(f->s, payload);
        mem_free(payload);
    }
    return NULL;
}

herr *registry_follow_start(const char *path, registry_follower **out) {
    *out = NULL;
    if (!store_url_is_postgres(path)) return NULL;
    registry_follower *f = mem_alloc(sizeof *f);
    f->path = mem_strdup(path);
    atomic_init(&f->stop, false);
    /* The first connection here, so that a database that refuses is told at start; a
     * catch-up too, in case the index was loaded already. */
    herr *e = connect_and_listen(f, true);
    if (!e && pthread_create(&f->thread, NULL, follow, f) != 0)
        e = err_new(ERR_INTERNAL, NULL, "cannot start the match index follower thread");
    if (e) {
        store_close(f->s);
        mem_free(f->path);
        mem_free(f);
        return e;
    }
    *out = f;
    return NULL;
}

void registry_follow_stop(registry_follower *f) {
    if (!f) return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    store_close(f->s);
    mem_free(f->path);
    mem_free(f);
}
