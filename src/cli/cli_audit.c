/* haven audit verify, haven backup. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli_commands.h"
#include "protection/protection.h"

static const char verify_usage[] =
    "usage: haven audit verify --db PATH [--key-file FILE] [--checkpoint HEAD]\n"
    "Checks that no audit entry was changed, removed or reordered, and, against the head\n"
    "checkpoint kept beside the key file (FILE.audit-head; default $HAVEN_KEY_FILE, else\n"
    "PATH.key), that none of the newest entries was removed. For a backup, give the\n"
    "checkpoint haven backup wrote beside it: --checkpoint BACKUP.audit-head.\n"
    "Exit 0 and the number of entries when intact; exit 1 naming the first broken entry.\n";

int cli_cmd_audit_verify(int argc, char **argv) {
    const char *db = NULL, *key_file = NULL, *checkpoint = NULL;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"key-file", required_argument, 0, 'k'},
                                         {"checkpoint", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'k')
            key_file = optarg;
        else if (c == 'c')
            checkpoint = optarg;
        else
            return cli_usage(verify_usage, c == 'h');
    }
    if (!db || optind != argc) return cli_usage(verify_usage, 0);
    store *s = NULL;
    char key_path[4096];
    bool anchored = true;
    herr *e = protection_key_path(db, key_file, key_path, sizeof key_path);
    if (!e) e = cli_open_db(db, &s);
    if (!e && checkpoint)
        e = audit_anchor_use_checkpoint(s, key_path, checkpoint);
    else if (!e)
        e = audit_anchor_use(s, key_path, false);
    if (e && e->code == ERR_NOT_FOUND && s && !checkpoint) { /* never anchored */
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
    "usage: haven backup --db PATH --out FILE [--key-file KEY]\n"
    "Copies the live database with SQLite's online backup, then opens the copy and\n"
    "checks its integrity and its audit chain (against the live checkpoint beside KEY,\n"
    "default $HAVEN_KEY_FILE, else PATH.key). Writes FILE.audit-head, the copy's own\n"
    "checkpoint: keep it with the backup; haven audit verify --db FILE --checkpoint\n"
    "FILE.audit-head checks the backup later, and a restore copies it to KEY.audit-head.\n"
    "With --db postgresql://... FILE is written by pg_dump (custom format, restore with\n"
    "pg_restore) and the live database's audit chain is verified; for point-in-time\n"
    "recovery use WAL archiving and pg_basebackup (docs/deployment.md).\n";

/* PostgreSQL: pg_dump writes the copy (custom format); the live database's audit chain
 * is verified in the same run, since a dump is not a database haven can open. */
static herr *pg_backup_and_verify(store *s, const char *out, int64_t *count) {
    int64_t broken = 0;
    herr *e = store_backup(s, out);
    if (!e) e = store_check_integrity(s);
    if (!e) e = audit_verify(s, count, &broken);
    return e;
}

int cli_cmd_backup(int argc, char **argv) {
    const char *db = NULL, *out = NULL, *key_file = NULL;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"out", required_argument, 0, 'o'},
                                         {"key-file", required_argument, 0, 'k'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'k')
            key_file = optarg;
        else
            return cli_usage(backup_usage, c == 'h');
    }
    if (!db || !out || optind != argc) return cli_usage(backup_usage, 0);
    if (!strcmp(db, out)) return cli_fail(err_invalid("out", "--out must differ from --db"));
    store *s = NULL, *copy = NULL;
    int64_t count = 0, broken = 0;
    char key_path[4096], head_path[4096];
    bool anchored = true;
    herr *e = protection_key_path(db, key_file, key_path, sizeof key_path);
    if (!e &&
        (size_t)snprintf(head_path, sizeof head_path, "%s.audit-head", out) >= sizeof head_path)
        e = err_invalid("out", "the backup's path is too long");
    if (!e) e = cli_open_db(db, &s);
    if (!e) e = audit_anchor_use(s, key_path, false);
    if (e && e->code == ERR_NOT_FOUND && s) { /* a log that was never anchored */
        err_free(e);
        e = NULL;
        anchored = false;
    }
    if (!e && store_is_postgres(s)) {
        e = pg_backup_and_verify(s, out, &count);
        store_close(s);
        audit_anchor_forget();
        if (e) return cli_fail(e);
        printf("backup written to %s by pg_dump (restore with pg_restore): audit log intact "
               "(%lld entries)\n",
               out, (long long)count);
        return 0;
    }
    if (!e) e = store_backup(s, out);
    if (!e) e = store_open(out, false, &copy);
    if (!e) e = store_check_integrity(copy);
    if (!e) e = audit_verify(copy, &count, &broken);
    if (!e && anchored) e = audit_anchor_export(copy, head_path);
    store_close(copy);
    store_close(s);
    audit_anchor_forget();
    if (e) return cli_fail(e);
    printf("backup written to %s: integrity ok, audit log intact (%lld entries)\n", out,
           (long long)count);
    if (anchored)
        printf("its audit checkpoint: %s (keep it with the backup)\n", head_path);
    else
        printf("no audit checkpoint beside the key file: the backup has none either\n");
    return 0;
}
