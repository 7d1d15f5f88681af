/* Watch-list screening: which records of an input (a passenger manifest, a day's
 * arrivals) are probably someone on a list.
 *
 * The list and the input go into one index, so that the model is fitted on the
 * population that is being compared (a list alone holds almost no true pairs for EM
 * to learn from, and the frequency of a name among the travellers is what makes an
 * agreement on it worth something). Each input record is then queried and only the
 * list's records are kept. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "match/match.h"

/* Internal ids: "L<index>" for the list, "I<index>" for the input. */
static void internal_id(char out[32], char kind, size_t i) { snprintf(out, 32, "%c%zu", kind, i); }

static herr *add_all(match_index *ix, const match_record *recs, size_t n, char kind,
                     const char *what) {
    for (size_t i = 0; i < n; i++) {
        char id[32];
        internal_id(id, kind, i);
        match_record r = recs[i];
        r.id = id;
        herr *e = match_index_add(ix, &r);
        if (e) {
            herr *named = err_invalid("record", "%s record %zu ('%.60s'): %s", what, i + 1,
                                      recs[i].id ? recs[i].id : "", e->message);
            err_free(e);
            return named;
        }
    }
    return NULL;
}

typedef struct {
    match_index *ix;
    const match_record *input;
    size_t from, to;
    double threshold;
    match_hit *hits;
    size_t n, cap;
    herr *err;
} screen_work;

static void *screen_range(void *arg) {
    screen_work *w = arg;
    for (size_t i = w->from; i < w->to && !w->err; i++) {
        char id[32];
        internal_id(id, 'I', i);
        match_record r = w->input[i];
        r.id = id;
        match_candidate *c = NULL;
        size_t n = 0;
        w->err = match_index_query(w->ix, &r, w->threshold, 0, &c, &n);
        for (size_t k = 0; k < n; k++) {
            if (c[k].id[0] != 'L') continue;
            if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 64;
                w->hits = mem_realloc(w->hits, w->cap * sizeof *w->hits);
            }
            w->hits[w->n++] = (match_hit){
                .input = i, .list = (size_t)strtoull(c[k].id + 1, NULL, 10), .score = c[k].score};
        }
        mem_free(c);
    }
    return NULL;
}

static int by_input_then_score(const void *x, const void *y) {
    const match_hit *a = x, *b = y;
    if (a->input != b->input) return a->input < b->input ? -1 : 1;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return a->list < b->list ? -1 : a->list > b->list;
}

herr *match_screen(const match_record *list, size_t n_list, const match_record *input,
                   size_t n_input, const match_screen_options *opt, match_hit **hits,
                   size_t *n_hits, double *threshold_used, match_index **ix_out) {
    *hits = NULL;
    *n_hits = 0;
    match_index *ix = NULL;
    screen_work *ws = NULL;
    pthread_t *threads = NULL;
    int nthreads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1) nthreads = 1;
    herr *e = match_index_new(&ix);
    if (!e) e = add_all(ix, list, n_list, 'L', "list");
    if (!e) e = add_all(ix, input, n_input, 'I', "input");
    if (!e) e = match_index_train(ix);
    if (e) goto cleanup;
    double threshold = opt->threshold >= 0 ? opt->threshold : match_default_threshold(ix);
    if (threshold_used) *threshold_used = threshold;

    ws = mem_alloc((size_t)nthreads * sizeof *ws);
    threads = mem_alloc((size_t)nthreads * sizeof *threads);
    size_t per = (n_input + (size_t)nthreads - 1) / (size_t)nthreads;
    for (int t = 0; t < nthreads; t++) {
        size_t from = (size_t)t * per;
        ws[t] = (screen_work){.ix = ix,
                              .input = input,
                              .from = from < n_input ? from : n_input,
                              .to = from + per < n_input ? from + per : n_input,
                              .threshold = threshold};
    }
    for (int t = 1; t < nthreads; t++) pthread_create(&threads[t], NULL, screen_range, &ws[t]);
    screen_range(&ws[0]);
    for (int t = 1; t < nthreads; t++) pthread_join(threads[t], NULL);

    size_t total = 0;
    for (int t = 0; t < nthreads; t++) {
        if (ws[t].err && !e) e = ws[t].err, ws[t].err = NULL;
        total += ws[t].n;
    }
    if (e) goto cleanup;
    match_hit *all = mem_alloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int t = 0; t < nthreads; t++) {
        if (ws[t].n) memcpy(all + k, ws[t].hits, ws[t].n * sizeof *all);
        k += ws[t].n;
    }
    qsort(all, total, sizeof *all, by_input_then_score);
    *hits = all;
    *n_hits = total;

cleanup:
    if (ws)
        for (int t = 0; t < nthreads; t++) {
            mem_free(ws[t].hits);
            err_free(ws[t].err);
        }
    mem_free(ws);
    mem_free(threads);
    if (ix_out && !e)
        *ix_out = ix;
    else
        match_index_free(ix);
    return e;
}

herr *match_screen_explain(match_index *ix, const match_record *input_rec, size_t input_index,
                           const match_record *list_rec, size_t list_index, match_candidate *out) {
    char a_id[32], b_id[32];
    internal_id(a_id, 'I', input_index);
    internal_id(b_id, 'L', list_index);
    match_record a = *input_rec, b = *list_rec;
    a.id = a_id;
    b.id = b_id;
    return match_index_explain(ix, &a, &b, out);
}
