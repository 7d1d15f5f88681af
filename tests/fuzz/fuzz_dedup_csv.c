/* The CSV that `haven match dedup` reads (src/match/match_csv.c): RFC 4180 with BOM,
 * quotes, CRLF, malformed rows skipped. Each row is then turned into a record as the
 * command does (birth dates, sex) and added to an index. Invariants: every field
 * returned is valid UTF-8 with no NUL inside its length; line numbers never go back;
 * malformed rows come with a reason. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "fuzzutil.h"
#include "match/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f) return 0; /* fmemopen refuses size 0 on older glibc */
    match_csv *csv = NULL;
    match_index *ix = NULL;
    fuzz_check_err(match_csv_open(f, &csv));
    fuzz_check_err(match_index_new(&ix));
    char **fields;
    size_t n;
    long line, last = 0;
    char why[160];
    int r, rows = 0;
    while ((r = match_csv_next(csv, &fields, &n, &line, why, sizeof why)) != 0) {
        FUZZ_ASSERT(line >= last, "line went back from %ld to %ld", last, line);
        last = line;
        FUZZ_ASSERT(rows++ < 100000, "runaway reader");
        if (r < 0) {
            FUZZ_ASSERT(why[0] != '\0', "malformed row at line %ld without a reason", line);
            continue;
        }
        FUZZ_ASSERT(n >= 1, "a row with no fields at line %ld", line);
        for (size_t i = 0; i < n; i++) fuzz_check_utf8("csv field", fields[i], strlen(fields[i]));
        /* id,given_name,family_name,sex,birth_date,citizenship as dedup reads them */
        match_record rec = {0};
        char id[32];
        snprintf(id, sizeof id, "r%d", rows);
        rec.id = id;
        rec.given_name = n > 1 ? fields[1] : NULL;
        rec.family_name = n > 2 ? fields[2] : NULL;
        rec.sex = n > 3 && (fields[3][0] == 'M' || fields[3][0] == 'F') ? fields[3][0] : 0;
        if (n > 4 && !match_parse_birth_date(fields[4], &rec.birth_year, &rec.birth_month,
                                             &rec.birth_day, &rec.precision))
            rec.birth_year = rec.birth_month = rec.birth_day = 0;
        rec.citizenship = n > 5 ? fields[5] : NULL;
        herr *e = match_index_add(ix, &rec);
        if (e && e->code == ERR_INVALID) {
            err_free(e); /* names over the index's limits are refused, not a bug */
            continue;
        }
        fuzz_check_err(e);
    }
    match_candidate *c = NULL;
    size_t nc = 0;
    match_record probe = {.given_name = "Mohammad", .family_name = "Ahmadi", .sex = 'M'};
    fuzz_check_err(match_index_query(ix, &probe, 0.0, 5, &c, &nc));
    mem_free(c);
    match_index_free(ix);
    match_csv_free(csv);
    fclose(f);
    return 0;
}
