/* A fixed pool of threads with a bounded queue (see workers.h). */
#include "api/workers.h"

#include <pthread.h>

#include "core/mem.h"

typedef struct {
    api_job job;
    void *arg;
} queued_job;

struct api_workers {
    pthread_t *threads;
    int n_threads;
    /* lock guards everything below */
    pthread_mutex_t lock;
    pthread_cond_t work;
    queued_job *queue; /* a ring of queue_max */
    int queue_max, head, count, running;
    bool stopping;
};

static void *work(void *arg) {
    api_workers *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->count && !w->stopping) pthread_cond_wait(&w->work, &w->lock);
        if (!w->count) break; /* stopping and nothing left */
        queued_job j = w->queue[w->head];
        w->head = (w->head + 1) % w->queue_max;
        w->count--;
        w->running++;
        pthread_mutex_unlock(&w->lock);
        j.job(j.arg);
        pthread_mutex_lock(&w->lock);
        w->running--;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

herr *api_workers_start(int threads, int queue_max, api_workers **out) {
    api_workers *w = mem_alloc(sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    w->queue_max = queue_max > 0 ? queue_max : 1;
    w->queue = mem_alloc((size_t)w->queue_max * sizeof *w->queue);
    w->threads = mem_alloc((size_t)threads * sizeof *w->threads);
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&w->threads[i], NULL, work, w) != 0) {
            api_workers_stop(w);
            *out = NULL;
            return err_new(ERR_INTERNAL, NULL, "cannot start a worker thread");
        }
        w->n_threads++;
    }
    *out = w;
    return NULL;
}

bool api_workers_submit(api_workers *w, api_job job, void *arg) {
    bool ok = false;
    pthread_mutex_lock(&w->lock);
    if (!w->stopping && w->count < w->queue_max) {
        w->queue[(w->head + w->count) % w->queue_max] = (queued_job){job, arg};
        w->count++;
        pthread_cond_signal(&w->work);
        ok = true;
    }
    pthread_mutex_unlock(&w->lock);
    return ok;
}

int api_workers_backlog(api_workers *w) {
    pthread_mutex_lock(&w->lock);
    int n = w->count + w->running;
    pthread_mutex_unlock(&w->lock);
    return n;
}

void api_workers_stop(api_workers *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->work);
    pthread_mutex_unlock(&w->lock);
    for (int i = 0; i < w->n_threads; i++) pthread_join(w->threads[i], NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    mem_free(w->queue);
    mem_free(w->threads);
    mem_free(w);
}
