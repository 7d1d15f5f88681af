/* Internal to src/match: a 64-bit-key hash map and posting lists. */
#ifndef HAVEN_MATCH_MAP_H
#define HAVEN_MATCH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key;
    uint32_t val;
} mmap_entry;

typedef struct {
    mmap_entry *t;
    size_t cap, n;
} mmap64;

/* Inserts (duplicates allowed). key must not be 0. */
void mmap_put(mmap64 *m, uint64_t key, uint32_t val);

/* Position of the next entry with key after position from (-1: the first), or -1. */
long mmap_find(const mmap64 *m, uint64_t key, long from);

void mmap_del_at(mmap64 *m, long pos);
void mmap_free(mmap64 *m);
size_t mmap_memory(const mmap64 *m);

/* A list of record slots; one slot is held inline (most keys have one record). */
typedef struct {
    uint32_t n, cap;
    union {
        uint32_t one;
        uint32_t *v;
    } u;
} mlist;

static inline uint32_t *mlist_items(mlist *l) { return l->cap ? l->u.v : &l->u.one; }
void mlist_add(mlist *l, uint32_t v);
void mlist_remove(mlist *l, uint32_t v);
void mlist_free(mlist *l);

#endif
