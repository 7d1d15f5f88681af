/* haven stats ...: the statistics of issue 6 from the command line (src/stats). Every
 * command runs as the system actor; results are JSON on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_commands.h"
#include "core/actor.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "stats/stats.h"

static void print_json(const json_t *j) {
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    if (text) puts(text);
    free(text);
}

/* Reads a whole file (or stdin for "-") into a new buffer. */
static herr *read_all(const char *path, char **out, size_t *len) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return err_new(ERR_IO, "file", "cannot open %s", path);
    size_t cap = 65536, n = 0;
    char *data = mem_alloc(cap);
    size_t got;
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = mem_realloc(data, cap *= 2);
    }
    herr *e = ferror(f) ? err_new(ERR_IO, "file", "cannot read %s", path) : NULL;
    if (f != stdin) fclose(f);
    if (e) {
        mem_free(data);
        return e;
    }
    *out = data;
    *len = n;
    return NULL;
}

/* The options shared by the commands; each command says which it needs. */
typedef struct {
    const char *db, *period, *ref_area, *format, *out, *indicator, *sex, *age;
    const char *file; /* the one positional argument, when the command takes it */
    const char *threshold, *jump_factor, *key_file;
} opts;

/* Returns -1 when the command goes on, else its exit code (usage, or --help). */
static int parse(int argc, char **argv, const char *usage, opts *o) {
    static const struct option longopts[] = {{"db", required_argument, 0, 'd'},
                                             {"period", required_argument, 0, 'p'},
                                             {"ref-area", required_argument, 0, 'r'},
                                             {"format", required_argument, 0, 'f'},
                                             {"out", required_argument, 0, 'o'},
                                             {"indicator", required_argument, 0, 'i'},
                                             {"sex", required_argument, 0, 's'},
                                             {"age", required_argument, 0, 'a'},
                                             {"threshold", required_argument, 0, 't'},
                                             {"jump-factor", required_argument, 0, 'j'},
                                             {"key-file", required_argument, 0, 'k'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'p': o->period = optarg; break;
        case 'r': o->ref_area = optarg; break;
        case 'f': o->format = optarg; break;
        case 'o': o->out = optarg; break;
        case 'i': o->indicator = optarg; break;
        case 's': o->sex = optarg; break;
        case 'a': o->age = optarg; break;
        case 't': o->threshold = optarg; break;
        case 'j': o->jump_factor = optarg; break;
        case 'k': o->key_file = optarg; break;
        default: return cli_usage(usage, c == 'h');
        }
    }
    if (optind == argc - 1) o->file = argv[optind];
    return -1;
}

#define PARSE_OR_RETURN(usage)                                                                     \
    opts o;                                                                                        \
    int parse_rc_ = parse(argc, argv, (usage), &o);                                                \
    if (parse_rc_ >= 0) return parse_rc_;

static const char catalogue_usage[] =
    "usage: haven stats catalogue\n"
    "Prints the indicator catalogue (codes, titles, articles, code lists, rules) as JSON.\n";

int cli_cmd_stats_catalogue(int argc, char **argv) {
    PARSE_OR_RETURN(catalogue_usage);
    if (optind != argc) return cli_usage(catalogue_usage, 0);
    json_t *cat = NULL;
    herr *e = stats_catalogue_json(&cat);
    if (e) return cli_fail(e);
    print_json(cat);
    json_decref(cat);
    return 0;
}

/* Opens the database, runs fn, prints its JSON; shared by the simple commands. */
static int run_json(const char *db, herr *(*fn)(store *, const opts *, json_t **), const opts *o) {
    store *s = NULL;
    json_t *out = NULL;
    herr *e = cli_open_db(db, &s);
    if (!e) e = fn(s, o, &out);
    store_close(s);
    if (e) return cli_fail(e);
    print_json(out);
    json_decref(out);
    return 0;
}

/* The persons at risk by kind of risk are counted from sealed screenings: the key is
 * loaded as haven serve loads it (never created here: a missing key file is an error
 * that says where it was looked for), and forgotten when the command ends. */
static herr *do_compute(store *s, const opts *o, json_t **out) {
    actor a;
    actor_system(&a, NULL);
    char path[4096];
    herr *e = protection_key_path(o->db, o->key_file, path, sizeof path);
    if (!e) e = protection_key_setup(s, path, false);
    if (e && e->code == ERR_NOT_FOUND) {
        herr *why = err_new(ERR_NOT_FOUND, "key-file",
                            "persons at risk are counted with the database's protection key: %s",
                            e->message);
        err_free(e);
        return why;
    }
    if (!e) e = stats_compute(s, &a, o->period, out);
    protection_key_forget();
    return e;
}

static const char compute_usage[] =
    "usage: haven stats compute --db PATH --period PERIOD [--key-file FILE]\n"
    "Computes the indicators Haven holds case data for (arrivals, accommodation, departures,\n"
    "length of stay; vulnerability screenings, persons at risk and referrals; return\n"
    "counselling and assisted voluntary returns, from the period of the first return record\n"
    "on) for a month\n"
    "(2023-05), quarter (2023-Q2) or year (2023) and stores them. Persons at risk are\n"
    "counted from sealed screenings: --key-file is the database's protection key, as for\n"
    "haven serve (default $HAVEN_KEY_FILE, else PATH.key).\n";

int cli_cmd_stats_compute(int argc, char **argv) {
    PARSE_OR_RETURN(compute_usage);
    if (!o.db || !o.period || optind != argc) return cli_usage(compute_usage, 0);
    return run_json(o.db, do_compute, &o);
}

static const char validate_usage[] =
    "usage: haven stats validate --db PATH --period PERIOD [--ref-area CODE]\n"
    "Checks the stored figures against the catalogue's rules and prints the report.\n"
    "Exit 0 without errors (warnings allowed), 1 when a rule of severity error is broken.\n";

int cli_cmd_stats_validate(int argc, char **argv) {
    PARSE_OR_RETURN(validate_usage);
    if (!o.db || !o.period || optind != argc) return cli_usage(validate_usage, 0);
    store *s = NULL;
    json_t *out = NULL;
    herr *e = cli_open_db(o.db, &s);
    if (!e) e = stats_validate(s, o.ref_area, o.period, &out);
    store_close(s);
    if (e) return cli_fail(e);
    print_json(out);
    int errors = (int)json_integer_value(json_object_get(out, "errors"));
    json_decref(out);
    return errors ? 1 : 0;
}

static const char export_usage[] =
    "usage: haven stats export --db PATH --period PERIOD --format sdmx-csv|xlsx|json\n"
    "                          [--ref-area CODE] [--out FILE]\n"
    "Writes the period's figures after disclosure control to FILE (stdout by default;\n"
    "xlsx needs --out).\n";

int cli_cmd_stats_export(int argc, char **argv) {
    PARSE_OR_RETURN(export_usage);
    if (!o.db || !o.period || !o.format || optind != argc) return cli_usage(export_usage, 0);
    stats_format fmt;
    herr *e = stats_format_parse(o.format, &fmt);
    if (e) return cli_fail(e);
    if (fmt == STATS_XLSX && !o.out)
        return cli_fail(err_invalid("out", "xlsx is a binary format: give --out FILE"));
    store *s = NULL;
    char *data = NULL;
    size_t len = 0;
    actor a;
    actor_system(&a, NULL);
    e = cli_open_db(o.db, &s);
    if (!e) e = stats_export(s, &a, o.ref_area, o.period, fmt, &data, &len);
    store_close(s);
    if (e) return cli_fail(e);
    FILE *f = o.out ? fopen(o.out, "wb") : stdout;
    if (!f)
        e = err_new(ERR_IO, "out", "cannot create %s", o.out);
    else if (fwrite(data, 1, len, f) != len)
        e = err_new(ERR_IO, "out", "cannot write the export");
    if (f && f != stdout && fclose(f) != 0 && !e)
        e = err_new(ERR_IO, "out", "cannot write %s", o.out);
    mem_free(data);
    return e ? cli_fail(e) : 0;
}

static const char import_usage[] =
    "usage: haven stats import --db PATH FILE\n"
    "Imports a neighbour's SDMX-CSV file (- for stdin). Every error is listed with its line\n"
    "and column; a file with errors imports nothing.\n";

int cli_cmd_stats_import(int argc, char **argv) {
    PARSE_OR_RETURN(import_usage);
    if (!o.db || optind != argc - 1) return cli_usage(import_usage, 0);
    char *data = NULL;
    size_t len = 0;
    store *s = NULL;
    json_t *report = NULL;
    actor a;
    actor_system(&a, NULL);
    herr *e = read_all(argv[optind], &data, &len);
    if (!e) e = cli_open_db(o.db, &s);
    if (!e) e = stats_import(s, &a, data, len, &report);
    store_close(s);
    mem_free(data);
    size_t i;
    json_t *err;
    json_array_foreach(json_object_get(report, "errors"), i, err) {
        fprintf(stderr, "%s:%lld:%lld: %s: %s\n", argv[optind],
                (long long)json_integer_value(json_object_get(err, "line")),
                (long long)json_integer_value(json_object_get(err, "column")),
                json_string_value(json_object_get(err, "field")),
                json_string_value(json_object_get(err, "message")));
    }
    if (!e) print_json(report);
    json_decref(report);
    return e ? cli_fail(e) : 0;
}

static herr *do_enter(store *s, const opts *o, json_t **out) {
    char *data = NULL;
    size_t len = 0;
    json_t *in = NULL;
    actor a;
    actor_system(&a, NULL);
    herr *e = read_all(o->file, &data, &len);
    if (!e) e = json_parse_body(data, len, &in);
    if (!e) e = stats_enter(s, &a, o->period, in, out);
    json_decref(in);
    mem_free(data);
    return e;
}

static const char enter_usage[] =
    "usage: haven stats enter --db PATH --period PERIOD FILE\n"
    "Enters aggregates of one indicator Haven holds no case data for, from a JSON file (-\n"
    "for stdin): {\"indicator\": \"ASY_APP\", \"cells\": [{\"citizen\": \"AF\", \"sex\": \"M\",\n"
    "\"age\": \"Y18-34\", \"value\": 12}]}. Detail cells only: totals are derived.\n";

int cli_cmd_stats_enter(int argc, char **argv) {
    PARSE_OR_RETURN(enter_usage);
    if (!o.db || !o.period || !o.file || optind != argc - 1) return cli_usage(enter_usage, 0);
    return run_json(o.db, do_enter, &o);
}

static herr *do_settings(store *s, const opts *o, json_t **out) {
    json_t *in = json_object();
    herr *e = NULL;
    if (o->ref_area) json_object_set_new(in, "ref_area", json_string(o->ref_area));
    if (o->threshold) {
        char *end = NULL;
        long n = strtol(o->threshold, &end, 10);
        if (*end || end == o->threshold)
            e = err_invalid("disclosure_threshold", "--threshold must be a whole number");
        json_object_set_new(in, "disclosure_threshold", json_integer(n));
    }
    if (o->jump_factor) {
        char *end = NULL;
        double f = strtod(o->jump_factor, &end);
        if (*end || end == o->jump_factor)
            e = err_invalid("jump_factor", "--jump-factor must be a number");
        json_object_set_new(in, "jump_factor", json_real(f));
    }
    actor a;
    actor_system(&a, NULL);
    if (!e)
        e = json_object_size(in) ? stats_settings_set(s, &a, in, out) : stats_settings_get(s, out);
    json_decref(in);
    return e;
}

static const char settings_usage[] =
    "usage: haven stats settings --db PATH [--ref-area CODE] [--threshold N] [--jump-factor F]\n"
    "Shows or changes the local administration (BA, RS, ME, MK, AL, XK), the disclosure\n"
    "threshold (cells below it are suppressed) and the jump factor of the validation.\n";

int cli_cmd_stats_settings(int argc, char **argv) {
    PARSE_OR_RETURN(settings_usage);
    if (!o.db || optind != argc) return cli_usage(settings_usage, 0);
    return run_json(o.db, do_settings, &o);
}

static herr *do_compare(store *s, const opts *o, json_t **out) {
    return stats_compare(s, o->indicator, o->period, o->sex, o->age, out);
}

static const char compare_usage[] =
    "usage: haven stats compare --db PATH --indicator CODE --period PERIOD [--sex S] [--age A]\n"
    "Prints the administrations' published figures side by side, one row per citizenship.\n";

int cli_cmd_stats_compare(int argc, char **argv) {
    PARSE_OR_RETURN(compare_usage);
    if (!o.db || !o.indicator || !o.period || optind != argc) return cli_usage(compare_usage, 0);
    return run_json(o.db, do_compare, &o);
}
