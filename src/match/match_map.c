/* Open-addressing hash map from 64-bit keys (0 is reserved for empty) to 32-bit
 * values, with linear probing and backward-shift deletion (no tombstones), and the
 * posting lists of the blocking index. A key may be present several times (the id
 * map keeps hashes of ids and checks the id itself). */
#include <string.h>

#include "core/mem.h"
#include "match/match_map.h"

static size_t slot_of(const mmap64 *m, uint64_t key) {
    return (size_t)(key ^ (key >> 29)) & (m->cap - 1);
}

static void grow(mmap64 *m) {
    mmap64 old = *m;
    m->cap = old.cap ? old.cap * 2 : 64;
    m->t = mem_alloc(m->cap * sizeof *m->t);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.t[i].key) mmap_put(m, old.t[i].key, old.t[i].val);
    mem_free(old.t);
}

void mmap_put(mmap64 *m, uint64_t key, uint32_t val) {
    if ((m->n + 1) * 4 > m->cap * 3) grow(m);
    size_t i = slot_of(m, key);
    while (m->t[i].key) i = (i + 1) & (m->cap - 1);
    m->t[i].key = key;
    m->t[i].val = val;
    m->n++;
}

long mmap_find(const mmap64 *m, uint64_t key, long from) {
    if (!m->cap) return -1;
    size_t i = from < 0 ? slot_of(m, key) : ((size_t)from + 1) & (m->cap - 1);
    while (m->t[i].key) {
        if (m->t[i].key == key) return (long)i;
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

void mmap_del_at(mmap64 *m, long pos) {
    size_t i = (size_t)pos, mask = m->cap - 1;
    m->t[i].key = 0;
    m->n--;
    /* Shift back every following entry whose home slot does not lie in (i, j]. */
    for (size_t j = (i + 1) & mask; m->t[j].key; j = (j + 1) & mask) {
        size_t home = slot_of(m, m->t[j].key);
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (between) continue;
        m->t[i] = m->t[j];
        m->t[j].key = 0;
        i = j;
    }
}

void mmap_free(mmap64 *m) {
    mem_free(m->t);
    memset(m, 0, sizeof *m);
}

size_t mmap_memory(const mmap64 *m) { return m->cap * sizeof *m->t; }

void mlist_add(mlist *l, uint32_t v) {
    if (l->cap == 0 && l->n == 0) {
        l->u.one = v;
        l->n = 1;
        return;
    }
    if (l->cap == 0) {
        uint32_t first = l->u.one;
        l->cap = 4;
        l->u.v = mem_alloc(l->cap * sizeof *l->u.v);
        l->u.v[0] = first;
    } else if (l->n == l->cap) {
        l->cap *= 2;
        l->u.v = mem_realloc(l->u.v, l->cap * sizeof *l->u.v);
    }
    l->u.v[l->n++] = v;
}

void mlist_remove(mlist *l, uint32_t v) {
    uint32_t *items = mlist_items(l);
    for (uint32_t i = 0; i < l->n; i++) {
        if (items[i] == v) {
            items[i] = items[l->n - 1];
            l->n--;
            return;
        }
    }
}

void mlist_free(mlist *l) {
    if (l->cap) mem_free(l->u.v);
    memset(l, 0, sizeof *l);
}
