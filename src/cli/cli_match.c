/* haven match dedup, haven demo people. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

typedef match_record_set record_set;

static void set_free(record_set *s) { match_record_set_free(s); }

static void report_skipped(void *path, long line, const char *why) {
    fprintf(stderr, "haven: %s: line %ld: %s (skipped)\n", (const char *)path, line, why);
}

/* Reads the CSV; returns 2 for an unusable file or header, else 0, counting skipped
 * lines in *bad. */
static int read_csv(const char *path, record_set *set, size_t *bad) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "haven: cannot open %s: %s\n", path, strerror(errno));
        return 2;
    }
    herr *e = match_records_read_csv(f, 0, set, report_skipped, (void *)path, bad);
    if (f != stdin) fclose(f);
    if (!e) return 0;
    fprintf(stderr, "haven: %s: %s\n", path, e->message);
    err_free(e);
    return 2;
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
        match_record *r = match_record_set_add(set, 0);
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

/* The options dedup and screen share; extra names the file option of each (--db for
 * dedup, --list for screen). Returns -1 to go on, else the exit status to return. */
typedef struct {
    const char *extra;
    double threshold;
    bool explain;
    int threads;
} match_options;

static int parse_match_options(int argc, char **argv, const char *extra, const char *usage,
                               match_options *o) {
    *o = (match_options){.threshold = -1};
    const struct option opts[] = {
        {extra, required_argument, 0, 'x'}, {"threshold", required_argument, 0, 't'},
        {"explain", no_argument, 0, 'e'},   {"threads", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},      {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        if (c == 'x')
            o->extra = optarg;
        else if (c == 'e')
            o->explain = true;
        else if (c == 't') {
            o->threshold = strtod(optarg, &end);
            if (!*optarg || *end || o->threshold < 0 || o->threshold > 1)
                return cli_usage(usage, 0);
        } else if (c == 'j') {
            long long v = 0;
            herr *bad = cli_number(optarg, "threads", 1, 64, &v);
            if (bad) return cli_fail(bad);
            o->threads = (int)v;
        } else
            return cli_usage(usage, c == 'h');
    }
    return -1;
}

int cli_cmd_match_dedup(int argc, char **argv) {
    match_options mo;
    int parsed = parse_match_options(argc, argv, "db", dedup_usage, &mo);
    if (parsed >= 0) return parsed;
    const char *db = mo.extra;
    double threshold = mo.threshold;
    bool explain = mo.explain;
    int threads = mo.threads;
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

static const char screen_usage[] =
    "usage: haven match screen --list WATCH.csv INPUT.csv [--threshold T] [--explain]\n"
    "                          [--threads N]\n"
    "Finds the records of INPUT.csv (a passenger manifest, a day's arrivals) that are\n"
    "probably someone on the watch list WATCH.csv. Both files take the columns of\n"
    "'haven match dedup' (id,given_name,family_name,sex,birth_date,citizenship).\n"
    "Writes input_id,list_id,score (and reasons with --explain) to stdout, one line per\n"
    "probable match, best first for each input record; the score is the probability\n"
    "that the two records are one person and --threshold defaults to the fitted model's.\n"
    "Malformed lines are reported on stderr with their file and line and skipped.\n"
    "Exit status: 0 all lines read, 1 some malformed lines skipped (or a failure),\n"
    "2 usage, unreadable input or a header without id, given_name, family_name.\n";

int cli_cmd_match_screen(int argc, char **argv) {
    match_options mo;
    int parsed = parse_match_options(argc, argv, "list", screen_usage, &mo);
    if (parsed >= 0) return parsed;
    const char *list_path = mo.extra;
    double threshold = mo.threshold;
    bool explain = mo.explain;
    int threads = mo.threads;
    if (!list_path || optind != argc - 1) return cli_usage(screen_usage, 0);
    if (!strcmp(list_path, "-") && !strcmp(argv[optind], "-")) return cli_usage(screen_usage, 0);
    record_set list = {0}, input = {0};
    size_t bad = 0;
    match_hit *hits = NULL;
    size_t n_hits = 0;
    double used = 0;
    match_index *ix = NULL;
    int rc = read_csv(list_path, &list, &bad);
    if (!rc) rc = read_csv(argv[optind], &input, &bad);
    if (rc) goto cleanup;
    match_screen_options o = {.threshold = threshold, .threads = threads};
    herr *e = match_screen(list.recs, list.n, input.recs, input.n, &o, &hits, &n_hits, &used,
                           explain ? &ix : NULL);
    if (e) {
        rc = cli_fail(e);
        goto cleanup;
    }
    fputs(explain ? "input_id,list_id,score,reasons\n" : "input_id,list_id,score\n", stdout);
    for (size_t i = 0; i < n_hits; i++) {
        const match_hit *h = &hits[i];
        csv_out(input.recs[h->input].id);
        putchar(',');
        csv_out(list.recs[h->list].id);
        printf(",%.4f", h->score);
        if (explain) {
            match_candidate cand;
            char reasons[MATCH_MAX_REASONS * 100] = "";
            if (!(e = match_screen_explain(ix, &input.recs[h->input], h->input, &list.recs[h->list],
                                           h->list, &cand)))
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
    fprintf(stderr,
            "haven: %zu input records against %zu on the list: %zu probable matches at "
            "threshold %.3f, %zu lines skipped\n",
            input.n, list.n, n_hits, used, bad);
    fflush(stdout);
    rc = bad ? 1 : 0;
cleanup:
    match_index_free(ix);
    mem_free(hits);
    set_free(&list);
    set_free(&input);
    match_shutdown();
    return rc;
}
