#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli_commands.h"

/* Every command of `haven`: name (one or two words), what it does, its function. */
static const struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"init", "create or upgrade a database (--db PATH [--demo])", cli_cmd_init},
    {"serve", "serve the API and web interface (--db PATH --listen HOST:PORT)", cli_cmd_serve},
    {"user add", "add an account (--db PATH --username U --role R --password-stdin)",
     cli_cmd_user_add},
    {"audit verify", "check the audit log's hash chain (--db PATH)", cli_cmd_audit_verify},
    {"backup", "copy the live database (--db PATH --out FILE)", cli_cmd_backup},
    {"key rotate", "re-encrypt protection data under a new key (--db PATH [--key-file F])",
     cli_cmd_key_rotate},
    {"permissions", "print the role x permission matrix as JSON", cli_cmd_permissions},
    {"routes", "print every API route with its permission as JSON", cli_cmd_routes},
    {"stats catalogue", "print the statistics indicator catalogue as JSON",
     cli_cmd_stats_catalogue},
    {"stats compute", "compute a period's statistics (--db PATH --period 2023-05 [--key-file F])",
     cli_cmd_stats_compute},
    {"stats validate", "check a period's statistics against the rules (--db --period)",
     cli_cmd_stats_validate},
    {"stats export", "export a period (--db --period --format sdmx-csv|xlsx|json [--out])",
     cli_cmd_stats_export},
    {"stats import", "import a neighbour's SDMX-CSV file (--db PATH FILE)", cli_cmd_stats_import},
    {"stats enter", "enter aggregates from a JSON file (--db --period FILE)", cli_cmd_stats_enter},
    {"stats settings", "show or change statistics settings (--db [--ref-area ...])",
     cli_cmd_stats_settings},
    {"stats compare", "administrations side by side (--db --indicator --period)",
     cli_cmd_stats_compare},
    {"match dedup", "find probable duplicate people (INPUT.csv | --db PATH)", cli_cmd_match_dedup},
    {"match screen", "input records probably on a watch list (--list WATCH.csv INPUT.csv)",
     cli_cmd_match_screen},
    {"demo people", "write synthetic arrivals with known truth (--out DIR)", cli_cmd_demo_people},
    {"interp schedule", "schedule interpreters for a period (--db PATH --from DATE --to DATE)",
     cli_cmd_interp_schedule},
    {"sync",
     "exchange changes with the central server (--db --server --username"
     " --password-stdin)",
     cli_cmd_sync},
};

static void usage(FILE *f) {
    fprintf(f, "usage: haven COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'haven COMMAND --help' for the options of a command.\n");
}

int cli_main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const char *name = commands[i].name;
        const char *space = strchr(name, ' ');
        if (!space) {
            if (!strcmp(argv[1], name)) return commands[i].run(argc - 1, argv + 1);
        } else if (argc >= 3 && !strncmp(argv[1], name, (size_t)(space - name)) &&
                   strlen(argv[1]) == (size_t)(space - name) && !strcmp(argv[2], space + 1)) {
            return commands[i].run(argc - 2, argv + 2);
        }
    }
    fprintf(stderr, "haven: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
