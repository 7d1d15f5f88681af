/* haven audit verify, haven backup. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli_commands.h"
#include "protection/protection.h"

static const char verify_usage[] =
    "usage: haven audit verify --db PATH [--key-file FILE]\n"
    "Checks that no audit entry was changed, removed or reordered, and, against the head\n"
    "checkpoint kept beside the key file (FILE.audit-head; default $HAVEN_KEY_FILE, else\n"
    "PATH.key), that none of the newest entries was removed.\n"
    "Exit 0 and the number of entries when intact; exit 1 naming the first broken entry.\n";

int cli_cmd_audit_verify(int argc, char **argv) {
    const char *db = NULL, *key_file = NULL;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"key-file", required_argument, 0, 'k'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'k')
            key_file = optarg;
        else
            return cli_usage(verify_usage, c == 'h');
    }
    if (!db || optind != argc) return cli_usage(verify_usage, 0);
    store *s = NULL;
    char key_path[4096];
    bool anchored = true;
    herr *e = protection_key_path(db, key_file, key_path, sizeof key_path);
    if (!e) e = cli_open_db(db, &s);
    if (!e) e = audit_anchor_use(s, key_path, false);
    if (e && e->code == ERR_NOT_FOUND && s) { /* a log that was never anchored */
        err_free(e);
        e = NULL;
        anchored = false;
    }
    int64_t count = 0, broken = 0;
    if (!e) e = audit_verify(s, &count, &broken);
    store_close(s);
    audit_anchor_forget();
    if (e) return cli_fail(e);
    printf("audit log intact: %lld entries%s\n", (long long)count,
           anchored ? ", up to its checkpoint"
                    : " (no checkpoint beside the key file: removal of the newest entries "
                      "cannot be seen)");
    return 0;
}

static const char backup_usage[] =
    "usage: haven backup --db PATH --out FILE\n"
    "Copies the live database with SQLite's online backup, then opens the copy and\n"
    "checks its integrity and its audit chain.\n";

int cli_cmd_backup(int argc, char **argv) {
    const char *db = NULL, *out = NULL;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'o')
            out = optarg;
        else
            return cli_usage(backup_usage, c == 'h');
    }
    if (!db || !out || optind != argc) return cli_usage(backup_usage, 0);
    if (!strcmp(db, out)) return cli_fail(err_invalid("out", "--out must differ from --db"));
    store *s = NULL, *copy = NULL;
    int64_t count = 0, broken = 0;
    herr *e = cli_open_db(db, &s);
    if (!e) e = store_backup(s, out);
    if (!e) e = store_open(out, false, &copy);
    if (!e) e = store_check_integrity(copy);
    if (!e) e = audit_verify(copy, &count, &broken);
    store_close(copy);
    store_close(s);
    if (e) return cli_fail(e);
    printf("backup written to %s: integrity ok, audit log intact (%lld entries)\n", out,
           (long long)count);
    return 0;
}
