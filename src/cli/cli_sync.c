/* haven sync: a field site's laptop exchanges changes with the central server. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_commands.h"
#include "core/crypto.h"
#include "core/json.h"
#include "schema/schema.h"
#include "sync/sync.h"

static const char sync_usage[] =
    "usage: haven sync --db LOCAL.db --server URL --username U --password-stdin\n"
    "                  [--batch N] [--ca-file PEM]\n"
    "Enrols LOCAL.db (created when absent) with the server's data of the user's sites the\n"
    "first time, then sends this database's changes and takes in everyone else's.\n"
    "The password is read from the first line of standard input. A cut connection is\n"
    "tried again; a run stopped half way goes on from there next time (docs/sync.md).\n"
    "  --batch N      changes per request (1-500, default 200)\n"
    "  --ca-file PEM  certificate authority of a server with a private certificate\n";

int cli_cmd_sync(int argc, char **argv) {
    const char *db = NULL, *server = NULL, *username = NULL, *ca = NULL, *batch_text = NULL;
    int from_stdin = 0;
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},       {"server", required_argument, 0, 's'},
        {"username", required_argument, 0, 'u'}, {"password-stdin", no_argument, 0, 'p'},
        {"batch", required_argument, 0, 'b'},    {"ca-file", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 's')
            server = optarg;
        else if (c == 'u')
            username = optarg;
        else if (c == 'p')
            from_stdin = 1;
        else if (c == 'b')
            batch_text = optarg;
        else if (c == 'c')
            ca = optarg;
        else
            return cli_usage(sync_usage, c == 'h');
    }
    if (!db || !server || !username || !from_stdin || optind != argc)
        return cli_usage(sync_usage, 0);
    long long batch = 200;
    herr *e = batch_text ? cli_number(batch_text, "batch", 1, SYNC_MAX_BATCH, &batch) : NULL;
    if (e) return cli_fail(e);
    char password[256] = "";
    if (!fgets(password, sizeof password, stdin)) password[0] = '\0';
    password[strcspn(password, "\r\n")] = '\0';
    store *s = NULL;
    json_t *report = NULL;
    sync_options o = {.server = server,
                      .username = username,
                      .password = password,
                      .batch = (int)batch,
                      .ca_file = ca};
    e = crypto_init();
    if (!e) e = store_open(db, true, &s);
    if (!e) e = schema_migrate_all(s);
    if (!e) e = sync_run(s, &o, &report);
    store_close(s);
    crypto_wipe(password, sizeof password);
    if (e) return cli_fail(e);
    printf("synced with %s: %lld rows enrolled, %lld changes sent, %lld taken in, %lld open "
           "conflicts\n",
           server, (long long)json_integer_value(json_object_get(report, "enrolled")),
           (long long)json_integer_value(json_object_get(report, "pushed")),
           (long long)json_integer_value(json_object_get(report, "pulled")),
           (long long)json_integer_value(json_object_get(report, "conflicts")));
    json_decref(report);
    return 0;
}
