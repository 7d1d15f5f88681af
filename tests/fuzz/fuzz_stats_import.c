/* A neighbour's SDMX-CSV file (POST /api/v1/stats/import, `haven stats import`):
 * stats_import as a statistician on the shared database. Invariants: an error is
 * ERR_INVALID (field "file") with a report whose every error has a line, a column and
 * a valid UTF-8 message, or ERR_CONFLICT (the local administration's own figures); the
 * report can be sent as JSON; a file that was imported imports again the same way. */
#include <stdint.h>
#include <string.h>

#include "fuzzutil.h"
#include "stats/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_world *w = fuzz_world_get();
    json_t *report = NULL;
    herr *e = stats_import(w->s, &w->statistician, (const char *)data, size, &report);
    fuzz_check_json("report", report);
    if (e && e->code == ERR_INVALID) {
        FUZZ_ASSERT(!strcmp(e->field, "file"), "import error on field %s", e->field);
        json_t *errors = json_object_get(report, "errors");
        FUZZ_ASSERT(json_array_size(errors) > 0, "refused without a reported error: %s",
                    e->message);
        size_t i;
        json_t *item;
        json_array_foreach(errors, i, item) {
            FUZZ_ASSERT(json_integer_value(json_object_get(item, "line")) >= 1,
                        "error without a line");
            FUZZ_ASSERT(json_is_string(json_object_get(item, "message")), "error without text");
        }
    }
    bool imported = !e;
    fuzz_check_err(e);
    json_decref(report);
    if (imported) {
        report = NULL;
        e = stats_import(w->s, &w->statistician, (const char *)data, size, &report);
        FUZZ_ASSERT(!e, "an imported file is refused the second time: %s", e ? e->message : "");
        json_decref(report);
    }
    return 0;
}
