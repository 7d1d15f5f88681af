/* haven match dedup, haven demo people. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli_commands.h"
#include "core/mem.h"
#include "match/match.h"

static const char dedup_usage[] =
    "usage: haven match dedup INPUT.csv [--threshold T] [--explain] [--threads N]\n"
    "       haven match dedup --db PATH [--threshold T] [--explain]\n"
    "Finds records that are probably the same person. INPUT.csv is UTF-8 CSV (RFC 4180)\n"
    "with the header id,given_name,family_name,sex,birth_date,citizenship ('-' reads\n"
    "stdin); birth_date is YYYY-MM-DD, YYYY-01-01 or YYYY for year only, DD.MM.YYYY, or\n"
    "empty. --db reads the registered people (merged ones left out) instead.\n"
    "Writes id_a,id_b,score (and reasons with --explain) to stdout, best matches\n"
    "grouped; the score is the probability that the two records are one person and\n"
    "--threshold defaults to the fitted model's. Malformed lines are reported on stderr\n"
    "with their line number and skipped.\n"
    "Exit status: 0 all lines read, 1 some malformed lines skipped (or a failure),\n"
    "2 usage, unreadable input or a header without id, given_name, family_name.\n";

/* Records read from CSV or the database, owning their strings. */
typedef struct {
    match_record *recs;
    long *lines; /* CSV line of each record */
    size_t n, cap;
} record_set;

static void set_free(record_set *s) {
    for (size_t i = 0; i < s->n; i++) {
        match_record *r = &s->recs[i];
        mem_free((char *)r->id);
        mem_free((char *)r->given_name);
        mem_free((char *)r->family_name);
        mem_free((char *)r->native_name);
        mem_free((char *)r->citizenship);
    }
    mem_free(s->recs);
    mem_free(s->lines);
}

static const record_set *sort_set;

static int by_id_line(const void *x, const void *y) {
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(sort_set->recs[a].id, sort_set->recs[b].id);
    if (c) return c;
    return sort_set->lines[a] < sort_set->lines[b] ? -1 : 1;
}

/* Ids must be unique: every later use of an id is reported like a malformed line and
 * dropped. Returns how many were. */
static size_t drop_duplicate_ids(record_set *s) {
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
        fprintf(stderr, "haven: line %ld: id '%.60s' already used on line %ld (skipped)\n",
                s->lines[idx[i]], s->recs[idx[i]].id, s->lines[idx[i - 1]]);
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (drop[i]) {
            match_record *r = &s->recs[i];
            mem_free((char *)r->id);
            mem_free((char *)r->given_name);
            mem_free((char *)r->family_name);
            mem_free((char *)r->native_name);
            mem_free((char *)r->citizenship);
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

static match_record *set_add(record_set *s) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->recs = mem_realloc(s->recs, s->cap * sizeof *s->recs);
    }
    match_record *r = &s->recs[s->n++];
    memset(r, 0, sizeof *r);
    return r;
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

/* Reads the CSV; returns 2 for an unusable file or header, else 0, counting skipped
 * lines in *bad. */
static int read_csv(const char *path, record_set *set, size_t *bad) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "haven: cannot open %s: %s\n", path, strerror(errno));
        return 2;
    }
    match_csv *csv = NULL;
    match_csv_open(f, &csv);
    char **fields, why[160];
    size_t n;
    long line;
    int rc = 0, got;
    int col[COL_N];
    for (int k = 0; k < COL_N; k++) col[k] = -1;
    size_t n_header = 0;
    while ((got = match_csv_next(csv, &fields, &n, &line, why, sizeof why)) == -1)
        fprintf(stderr, "haven: line %ld: %s (skipped)\n", line, why), (*bad)++;
    if (got == 1) {
        n_header = n;
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < COL_N; k++)
                if (!strcasecmp(fields[i], col_names[k]) && col[k] < 0) col[k] = (int)i;
    }
    if (got != 1 || col[COL_ID] < 0 || col[COL_GIVEN] < 0 || col[COL_FAMILY] < 0) {
        fprintf(stderr,
                "haven: %s: the first line must be the header "
                "id,given_name,family_name,sex,birth_date,citizenship\n",
                path);
        rc = 2;
        goto cleanup;
    }
    while ((got = match_csv_next(csv, &fields, &n, &line, why, sizeof why)) != 0) {
        if (got == 1 && n != n_header)
            snprintf(why, sizeof why, "expected %zu fields, found %zu", n_header, n), got = -1;
        if (got == 1) {
            match_record *r = set_add(set);
            if (!row_to_record(fields, col, r, why, sizeof why)) {
                set->n--;
                got = -1;
            } else {
                set->lines = mem_realloc(set->lines, set->cap * sizeof *set->lines);
                set->lines[set->n - 1] = line;
            }
        }
        if (got == -1) {
            fprintf(stderr, "haven: line %ld: %s (skipped)\n", line, why);
            (*bad)++;
        }
    }
    *bad += drop_duplicate_ids(set);
cleanup:
    match_csv_free(csv);
    if (f != stdin) fclose(f);
    return rc;
}

static const char persons_sql[] =
    "SELECT id, given_name, family_name, native_name, sex, birth_date, birth_date_precision,"
    " citizenship FROM persons WHERE merged_into IS NULL ORDER BY id";

/* Registered people who have not been merged into another. */
static herr *read_db(const char *path, record_set *set) {
    store *s = NULL;
    store_stmt *st = NULL;
    herr *e = cli_open_db(path, &s);
    if (!e) e = store_prepare(s, persons_sql, &st);
    bool row = false;
    while (!e && !(e = store_step(st, &row)) && row) {
        match_record *r = set_add(set);
        r->id = mem_strdup(store_text(st, 0));
        r->given_name = mem_strdup(store_text(st, 1));
        r->family_name = mem_strdup(store_text(st, 2));
        r->native_name = store_is_null(st, 3) ? NULL : mem_strdup(store_text(st, 3));
        const char *sex = store_text(st, 4);
        r->sex = sex && (sex[0] == 'M' || sex[0] == 'F') ? sex[0] : 0;
        const char *date = store_is_null(st, 5) ? "" : store_text(st, 5);
        if (!match_parse_birth_date(date, &r->birth_year, &r->birth_month, &r->birth_day,
                                    &r->precision))
            r->birth_year = r->birth_month = r->birth_day = 0;
        const char *prec = store_is_null(st, 6) ? "" : store_text(st, 6);
        if (r->birth_year && (!strcmp(prec, "year") || !strcmp(prec, "estimated")))
            r->precision = !strcmp(prec, "year") ? MATCH_DATE_YEAR : MATCH_DATE_ESTIMATED;
        const char *cit = store_text(st, 7);
        r->citizenship = mem_strdup(cit && strcmp(cit, "unknown") ? cit : "");
    }
    if (st) store_done(st);
    store_close(s);
    return e;
}

/* One CSV cell. A cell that a spreadsheet would read as a formula (starting with = + - @,
 * tab or CR: OWASP's CSV injection rule) gets a leading ' inside quotes. */
static void csv_out(const char *s) {
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    if (formula) putchar('\'');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

int cli_cmd_match_dedup(int argc, char **argv) {
    const char *db = NULL;
    double threshold = -1;
    bool explain = false;
    int threads = 0;
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"threshold", required_argument, 0, 't'},
        {"explain", no_argument, 0, 'e'},  {"threads", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},     {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        if (c == 'd')
            db = optarg;
        else if (c == 'e')
            explain = true;
        else if (c == 't') {
            threshold = strtod(optarg, &end);
            if (!*optarg || *end || threshold < 0 || threshold > 1)
                return cli_usage(dedup_usage, 0);
        } else if (c == 'j') {
            long long v = 0;
            herr *bad = cli_number(optarg, "threads", 1, 64, &v);
            if (bad) return cli_fail(bad);
            threads = (int)v;
        } else
            return cli_usage(dedup_usage, c == 'h');
    }
    if ((db && optind != argc) || (!db && optind != argc - 1)) return cli_usage(dedup_usage, 0);
    record_set set = {0};
    size_t bad = 0;
    int rc = 0;
    if (db) {
        herr *e = read_db(db, &set);
        if (e) {
            set_free(&set);
            return cli_fail(e);
        }
    } else {
        rc = read_csv(argv[optind], &set, &bad);
        if (rc) {
            set_free(&set);
            return rc;
        }
    }
    match_dedup_options o = {.threshold = threshold,
                             .threads = threads,
                             .train = true,
                             .cluster = true,
                             .progress = set.n >= 50000};
    match_pair *pairs = NULL;
    size_t n_pairs = 0;
    double used = 0;
    match_index *ix = NULL;
    herr *e = match_dedup(set.recs, set.n, &o, &pairs, &n_pairs, &used, explain ? &ix : NULL);
    if (e) {
        set_free(&set);
        return cli_fail(e);
    }
    fputs(explain ? "id_a,id_b,score,reasons\n" : "id_a,id_b,score\n", stdout);
    for (size_t i = 0; i < n_pairs; i++) {
        csv_out(set.recs[pairs[i].a].id);
        putchar(',');
        csv_out(set.recs[pairs[i].b].id);
        printf(",%.4f", pairs[i].score);
        if (explain) {
            match_candidate cand;
            char reasons[MATCH_MAX_REASONS * 100] = "";
            if (!(e = match_index_explain(ix, &set.recs[pairs[i].a], &set.recs[pairs[i].b], &cand)))
                for (size_t r = 0; r < cand.n_reasons; r++) {
                    if (r) strcat(reasons, "; ");
                    strcat(reasons, cand.reasons[r]);
                }
            err_free(e);
            putchar(',');
            csv_out(reasons);
        }
        putchar('\n');
    }
    if (o.progress || explain)
        fprintf(stderr, "haven: %zu records, %zu pairs at threshold %.3f, %zu lines skipped\n",
                set.n, n_pairs, used, bad);
    if (explain) match_index_describe_model(ix, stderr);
    fflush(stdout);
    match_index_free(ix);
    mem_free(pairs);
    set_free(&set);
    match_shutdown();
    return bad ? 1 : rc;
}

static const char demo_usage[] =
    "usage: haven demo people --out DIR [--n N] [--seed S]\n"
    "Writes DIR/people.csv (the input of 'haven match dedup') with N synthetic arrivals\n"
    "(default 1000) and DIR/truth.csv mapping each record id to its true person id.\n";

int cli_cmd_demo_people(int argc, char **argv) {
    const char *out = NULL;
    long n = 1000;
    unsigned long long seed = 1;
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"n", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'n') {
            long long v = 0;
            herr *bad = cli_number(optarg, "n", 1, 100000000, &v);
            if (bad) return cli_fail(bad);
            n = (long)v;
        } else if (c == 's') {
            long long v = 0;
            herr *bad = cli_number(optarg, "seed", 0, 9223372036854775807LL, &v);
            if (bad) return cli_fail(bad);
            seed = (unsigned long long)v;
        } else
            return cli_usage(demo_usage, c == 'h');
    }
    if (!out || optind != argc) return cli_usage(demo_usage, 0);
    match_demo *d = NULL;
    herr *e = match_demo_generate((size_t)n, seed, &d);
    if (!e) e = match_demo_write(d, out);
    if (!e)
        printf("wrote %s/people.csv (%zu records of %zu people) and %s/truth.csv\n", out, d->n,
               d->n_persons, out);
    match_demo_free(d);
    return e ? cli_fail(e) : 0;
}
