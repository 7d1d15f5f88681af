/* Records read from CSV (the columns of `haven match dedup`), for the command line and
 * for the API's watch-list screening alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "match/match.h"

static void free_record(match_record *r) {
    mem_free((char *)r->id);
    mem_free((char *)r->given_name);
    mem_free((char *)r->family_name);
    mem_free((char *)r->native_name);
    mem_free((char *)r->citizenship);
}

void match_record_set_free(match_record_set *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free_record(&s->recs[i]);
    mem_free(s->recs);
    mem_free(s->lines);
    memset(s, 0, sizeof *s);
}

match_record *match_record_set_add(match_record_set *s, long line) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->recs = mem_realloc(s->recs, s->cap * sizeof *s->recs);
        s->lines = mem_realloc(s->lines, s->cap * sizeof *s->lines);
    }
    match_record *r = &s->recs[s->n];
    memset(r, 0, sizeof *r);
    s->lines[s->n++] = line;
    return r;
}

static const match_record_set *sort_set;

static int by_id_line(const void *x, const void *y) {
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(sort_set->recs[a].id, sort_set->recs[b].id);
    if (c) return c;
    return sort_set->lines[a] < sort_set->lines[b] ? -1 : 1;
}

/* Ids must be unique: every later use of an id is reported like a malformed line and
 * dropped. Returns how many were. */
static size_t drop_duplicate_ids(match_record_set *s, match_skip_fn skip, void *ctx) {
    size_t *idx = mem_alloc((s->n ? s->n : 1) * sizeof *idx);
    bool *drop = mem_alloc((s->n ? s->n : 1) * sizeof *drop);
    for (size_t i = 0; i < s->n; i++) idx[i] = i;
    sort_set = s;
    qsort(idx, s->n, sizeof *idx, by_id_line);
    size_t dropped = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (strcmp(s->recs[idx[i]].id, s->recs[idx[i - 1]].id) != 0) continue;
        drop[idx[i]] = true;
        dropped++;
        char why[160];
        snprintf(why, sizeof why, "id '%.60s' already used on line %ld", s->recs[idx[i]].id,
                 s->lines[idx[i - 1]]);
        if (skip) skip(ctx, s->lines[idx[i]], why);
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (drop[i]) {
            free_record(&s->recs[i]);
            continue;
        }
        s->recs[k] = s->recs[i];
        s->lines[k++] = s->lines[i];
    }
    s->n = k;
    mem_free(idx);
    mem_free(drop);
    return dropped;
}

enum { COL_ID, COL_GIVEN, COL_FAMILY, COL_SEX, COL_DATE, COL_CIT, COL_NATIVE, COL_N };
static const char *const col_names[COL_N] = {"id",         "given_name",  "family_name", "sex",
                                             "birth_date", "citizenship", "native_name"};

/* Fills r from one CSV row; false with a reason when a value is not acceptable. */
static bool row_to_record(char **f, const int *col, match_record *r, char *why, size_t size) {
    const char *v[COL_N];
    for (int k = 0; k < COL_N; k++) v[k] = col[k] >= 0 ? f[col[k]] : "";
    if (!v[COL_ID][0] || strlen(v[COL_ID]) > 63) {
        snprintf(why, size, "id is empty or longer than 63 bytes");
        return false;
    }
    if (!v[COL_GIVEN][0] && !v[COL_FAMILY][0] && !v[COL_NATIVE][0]) {
        snprintf(why, size, "no name");
        return false;
    }
    const char *sx = v[COL_SEX];
    if (sx[0] && (sx[1] || !strchr("MFXmfx", sx[0]))) {
        snprintf(why, size, "sex must be M, F, X or empty");
        return false;
    }
    if (!match_parse_birth_date(v[COL_DATE], &r->birth_year, &r->birth_month, &r->birth_day,
                                &r->precision)) {
        snprintf(why, size, "birth_date '%.20s' is not a date", v[COL_DATE]);
        return false;
    }
    r->sex = sx[0] ? (char)(sx[0] & ~0x20) : 0;
    r->id = mem_strdup(v[COL_ID]);
    r->given_name = mem_strdup(v[COL_GIVEN]);
    r->family_name = mem_strdup(v[COL_FAMILY]);
    r->native_name = v[COL_NATIVE][0] ? mem_strdup(v[COL_NATIVE]) : NULL;
    r->citizenship = mem_strdup(v[COL_CIT]);
    return true;
}

herr *match_records_read_csv(FILE *f, size_t max_records, match_record_set *set, match_skip_fn skip,
                             void *ctx, size_t *skipped) {
    match_csv *csv = NULL;
    herr *e = match_csv_open(f, &csv);
    if (e) return e;
    char **fields, why[160];
    size_t n, n_header = 0;
    long line;
    int got;
    int col[COL_N];
    for (int k = 0; k < COL_N; k++) col[k] = -1;
    while ((got = match_csv_next(csv, &fields, &n, &line, why, sizeof why)) == -1) {
        if (skip) skip(ctx, line, why);
        (*skipped)++;
    }
    if (got == 1) {
        n_header = n;
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < COL_N; k++)
                if (!strcasecmp(fields[i], col_names[k]) && col[k] < 0) col[k] = (int)i;
    }
    if (got != 1 || col[COL_ID] < 0 || col[COL_GIVEN] < 0 || col[COL_FAMILY] < 0) {
        e = err_with(err_invalid("header", "the first line must be the header "
                                           "id,given_name,family_name,sex,birth_date,citizenship"),
                     "csv_header", "columns",
                     "id,given_name,family_name,sex,birth_date,citizenship", (const char *)NULL);
        goto cleanup;
    }
    while ((got = match_csv_next(csv, &fields, &n, &line, why, sizeof why)) != 0) {
        if (got == 1 && n != n_header)
            snprintf(why, sizeof why, "expected %zu fields, found %zu", n_header, n), got = -1;
        if (got == 1 && max_records && set->n >= max_records) {
            char max[24];
            snprintf(max, sizeof max, "%zu", max_records);
            e = err_with(err_invalid("records", "more than %zu records", max_records),
                         "too_many_records", "max", max, (const char *)NULL);
            goto cleanup;
        }
        if (got == 1) {
            match_record *r = match_record_set_add(set, line);
            if (!row_to_record(fields, col, r, why, sizeof why)) {
                set->n--;
                got = -1;
            }
        }
        if (got == -1) {
            if (skip) skip(ctx, line, why);
            (*skipped)++;
        }
    }
    *skipped += drop_duplicate_ids(set, skip, ctx);
cleanup:
    match_csv_free(csv);
    return e;
}
