/* haven key rotate. */
#include <getopt.h>
#include <stdio.h>

#include "audit/audit.h"
#include "cli/cli_commands.h"
#include "protection/protection.h"

static const char rotate_usage[] =
    "usage: haven key rotate --db PATH [--key-file FILE]\n"
    "Re-encrypts every protection value under a new random key in one transaction and\n"
    "replaces the key file (default $HAVEN_KEY_FILE, else PATH.key). The old key is kept\n"
    "as FILE.old until the new one is in place. Refused while 'haven serve' runs on PATH\n"
    "(it holds PATH.lock); back up the new\n"
    "key afterwards (backups of the database taken before need the old key).\n";

int cli_cmd_key_rotate(int argc, char **argv) {
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
            return cli_usage(rotate_usage, c == 'h');
    }
    if (!db || optind != argc) return cli_usage(rotate_usage, 0);
    char path[4096];
    store *s = NULL;
    long count = 0;
    int lock = -1;
    herr *e = protection_key_path(db, key_file, path, sizeof path);
    /* A running server keeps encrypting under the key it loaded: never rotate under it. */
    if (!e) e = cli_db_lock(db, "key rotate", &lock);
    if (!e) e = cli_open_db(db, &s);
    if (!e) e = protection_key_setup(s, path, false);
    if (!e) e = audit_anchor_use(s, path, true);
    if (!e) e = protection_key_rotate(s, path, &count);
    store_close(s);
    cli_db_unlock(lock);
    protection_key_forget();
    audit_anchor_forget();
    if (e) return cli_fail(e);
    printf("protection data re-encrypted (%ld values); new key in %s\n", count, path);
    return 0;
}
