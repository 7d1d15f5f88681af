/* haven interp schedule: plans the open interpretation requests of a period from the
 * command line (src/interpreting), as the system actor. The run (served, unserved with
 * their reasons, solver status, bound and gap, the first-come figure beside it) is
 * printed as JSON; a one-line summary goes to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_commands.h"
#include "core/actor.h"
#include "core/json.h"
#include "interpreting/interpreting.h"

static const char schedule_usage[] =
    "usage: haven interp schedule --db PATH --from DATE --to DATE [--time-limit SECONDS]\n"
    "Schedules the open interpretation requests whose window meets the days FROM..TO\n"
    "(YYYY-MM-DD, UTC, at most 31 days) with the integer program: most priority served,\n"
    "no double booking, availability, modes, gender and travel respected, the same\n"
    "interpreter preferred for the same person. Manual (locked) and confirmed\n"
    "assignments are kept; other proposals of those requests are replaced.\n"
    "--time-limit caps the solver (default 10 s; the best plan found so far is used).\n"
    "Prints the run as JSON: every unserved request with a reason and the nearest\n"
    "free slot. Exit 0 when the run is stored, 1 on error, 2 on a usage error.\n";

int cli_cmd_interp_schedule(int argc, char **argv) {
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'}, {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'}, {"time-limit", required_argument, 0, 'l'},
        {"help", no_argument, 0, 'h'},     {0, 0, 0, 0}};
    const char *db = NULL, *from = NULL, *to = NULL, *limit = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'l': limit = optarg; break;
        case 'h': return cli_usage(schedule_usage, 1);
        default: return cli_usage(schedule_usage, 0);
        }
    }
    if (!db || !from || !to || optind != argc) return cli_usage(schedule_usage, 0);
    long long seconds = 10;
    herr *e = limit ? cli_number(limit, "time-limit", 1, 300, &seconds) : NULL;
    if (e) return cli_fail(e);
    store *s = NULL;
    json_t *out = NULL;
    actor a;
    actor_system(&a, "cli");
    e = cli_open_db(db, &s);
    if (!e) e = interp_schedule(s, &a, from, to, (double)seconds, &out);
    store_close(s);
    actor_clear(&a);
    if (e) return cli_fail(e);
    char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    if (text) puts(text);
    free(text);
    fprintf(stderr, "haven: %lld of %lld requests served (first-come: %lld), solver %s\n",
            (long long)json_integer_value(json_object_get(out, "served")),
            (long long)json_integer_value(json_object_get(out, "requests")),
            (long long)json_integer_value(json_object_get(out, "greedy_served")),
            json_string_value(json_object_get(out, "status")));
    json_decref(out);
    return 0;
}
