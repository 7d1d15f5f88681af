/* Screening a manifest against a stored list. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/crypto.h"
#include "core/mem.h"
#include "match/match.h"
#include "protection/protection.h"
#include "screening/screening.h"
#include "screening/screening_internal.h"

/* Opens the sealed CSV of a list into *csv (caller wipes and frees). */
static herr *open_list(store *s, const char *id, char **csv) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, "SELECT sealed_csv FROM watch_lists WHERE id = :id", &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    bool row = false;
    if (!(e = store_step(st, &row)) && !row)
        e = err_new(ERR_NOT_FOUND, "list_id", "no watch list with this id");
    if (!e) e = protection_open_text("watch_lists", id, "sealed_csv", store_text(st, 0), csv);
    store_done(st);
    return e;
}

static json_t *reasons_of(match_index *ix, const match_record_set *input,
                          const match_record_set *list, const match_hit *h) {
    json_t *out = json_array();
    match_candidate c;
    herr *e = match_screen_explain(ix, &input->recs[h->input], h->input, &list->recs[h->list],
                                   h->list, &c);
    for (size_t r = 0; !e && r < c.n_reasons; r++)
        json_array_append_new(
            out, json_pack("{s:s,s:s}", "code", c.reason_codes[r], "text", c.reasons[r]));
    err_free(e);
    return out;
}

herr *screening_run(store *s, const actor *a, const char *list_id, const char *csv, size_t len,
                    double threshold, bool explain, json_t **out) {
    *out = NULL;
    char *list_csv = NULL;
    match_record_set list = {0}, input = {0};
    json_t *list_problems = json_array(), *skipped = json_array(), *hits = NULL;
    match_hit *found = NULL;
    match_index *ix = NULL;
    size_t n_found = 0, list_skipped = 0, input_skipped = 0;
    double used = 0;
    herr *e = check_id("list_id", list_id, true);
    if (!e && (threshold > 1)) e = err_invalid("threshold", "threshold must be between 0 and 1");
    if (!e) e = open_list(s, list_id, &list_csv);
    if (!e)
        e = screening_read_csv(list_csv, strlen(list_csv), 0, &list, list_problems, &list_skipped);
    if (!e)
        e = screening_read_csv(csv, len, SCREENING_MAX_MANIFEST_RECORDS, &input, skipped,
                               &input_skipped);
    if (e) goto cleanup;
    match_screen_options o = {.threshold = threshold, .threads = 0};
    if ((e = match_screen(list.recs, list.n, input.recs, input.n, &o, &found, &n_found, &used,
                          explain ? &ix : NULL)))
        goto cleanup;
    hits = json_array();
    for (size_t i = 0; i < n_found; i++) {
        const match_hit *h = &found[i];
        json_t *hit = json_pack("{s:s,s:s,s:f}", "input_id", input.recs[h->input].id,
                                "list_record_id", list.recs[h->list].id, "score",
                                (double)(long)(h->score * 10000 + 0.5) / 10000);
        if (explain) json_object_set_new(hit, "reasons", reasons_of(ix, &input, &list, h));
        json_array_append_new(hits, hit);
    }
    /* Who screened what against which list, and how many were found: never the names. */
    json_t *detail = json_pack("{s:I,s:I,s:f}", "input_records", (json_int_t)input.n, "hits",
                               (json_int_t)n_found, "threshold", used);
    e = audit_record_read(s, a, "watch_list", list_id, detail);
    json_decref(detail);
    if (e) goto cleanup;
    *out = json_pack("{s:s,s:f,s:I,s:O,s:I,s:O}", "list_id", list_id, "threshold", used,
                     "input_records", (json_int_t)input.n, "skipped", skipped, "skipped_count",
                     (json_int_t)input_skipped, "hits", hits);
cleanup:
    if (list_csv) {
        crypto_wipe(list_csv, strlen(list_csv));
        mem_free(list_csv);
    }
    match_index_free(ix);
    mem_free(found);
    json_decref(hits);
    json_decref(skipped);
    json_decref(list_problems);
    match_record_set_free(&list);
    match_record_set_free(&input);
    return e;
}
