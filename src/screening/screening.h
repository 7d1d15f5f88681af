/* screening: watch lists, and manifests screened against them (advance passenger
 * information, a day's arrivals against a list of people sought).
 *
 * A list is stored as the CSV it came in (the columns of `haven match dedup`), sealed
 * under the protection key, so that a copy of the database does not give it away; its
 * name and size are plain. Screening opens the list, fits the matching model on list
 * and manifest together and returns, for each traveller who is probably someone on the
 * list, the list's record and the score (match_screen in match.h). Nothing of a
 * manifest is stored. Every change and every screening is audited. */
#ifndef HAVEN_SCREENING_SCREENING_H
#define HAVEN_SCREENING_SCREENING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Records a list may hold, and a manifest. */
#define SCREENING_MAX_LIST_RECORDS     200000
#define SCREENING_MAX_MANIFEST_RECORDS 50000

herr *screening_migrate(store *s);

/* Stores a watch list named name (1-120 characters) from CSV text. Every line must be
 * usable: otherwise ERR_INVALID (key csv_lines) with {"problems":[{line, reason}]} in
 * *problems (caller frees; up to 20) and nothing stored. ERR_CONFLICT without the
 * protection key. *out: {id, name, records, created_at}. */
herr *screening_list_create(store *s, const actor *a, const char *name, const char *csv, size_t len,
                            json_t **out, json_t **problems);

/* {"items":[{id, name, records, created_at, created_by}]}, newest first. */
herr *screening_list_index(store *s, json_t **out);

/* Deletes a list (ERR_NOT_FOUND when there is none). */
herr *screening_list_delete(store *s, const actor *a, const char *id);

/* Screens the manifest in csv against the list. *out: {list_id, threshold,
 * input_records, skipped:[{line, reason}] (the first 20; malformed lines are left out
 * and named), skipped_count, hits:[{input_id, list_record_id, score, reasons:[...]}]},
 * best first per traveller; reasons only with explain. threshold < 0: the model's. */
herr *screening_run(store *s, const actor *a, const char *list_id, const char *csv, size_t len,
                    double threshold, bool explain, json_t **out);

#endif
