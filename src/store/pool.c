/* A fixed pool of connections for server threads. SQLite in WAL mode lets the
 * readers run side by side; writers queue on the database's write lock. */
#include <pthread.h>

#include "core/mem.h"
#include "store/store.h"

struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t available; /* signalled under lock when a handle comes back */
    store **free_list;        /* guarded by lock */
    int n_free;               /* guarded by lock */
    int size;                 /* set at open, read-only afterwards */
};

herr *store_pool_open(const char *path, int size, store_pool **out) {
    store_pool *p = mem_alloc(sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->available, NULL);
    p->free_list = mem_alloc((size_t)size * sizeof *p->free_list);
    p->size = size;
    for (int i = 0; i < size; i++) {
        herr *e = store_open(path, false, &p->free_list[p->n_free]);
        if (e) {
            store_pool_close(p);
            *out = NULL;
            return e;
        }
        p->n_free++;
    }
    *out = p;
    return NULL;
}

store *store_pool_acquire(store_pool *p) {
    pthread_mutex_lock(&p->lock);
    while (p->n_free == 0) pthread_cond_wait(&p->available, &p->lock);
    store *s = p->free_list[--p->n_free];
    pthread_mutex_unlock(&p->lock);
    return s;
}

void store_pool_release(store_pool *p, store *s) {
    while (store_in_transaction(s)) store_rollback(s); /* never hand one out mid-transaction */
    pthread_mutex_lock(&p->lock);
    p->free_list[p->n_free++] = s;
    pthread_cond_signal(&p->available);
    pthread_mutex_unlock(&p->lock);
}

void store_pool_close(store_pool *p) {
    if (!p) return;
    for (int i = 0; i < p->n_free; i++) store_close(p->free_list[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->available);
    mem_free(p->free_list);
    mem_free(p);
}
