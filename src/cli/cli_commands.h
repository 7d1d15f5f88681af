/* The commands of `haven`, one function each: argv[0] is the command's last word and
 * the options follow; each returns the process exit code (0 ok, 1 failure, 2 usage). */
#ifndef HAVEN_CLI_COMMANDS_H
#define HAVEN_CLI_COMMANDS_H

#include "core/err.h"
#include "store/store.h"

int cli_cmd_init(int argc, char **argv);
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_user_add(int argc, char **argv);
int cli_cmd_audit_verify(int argc, char **argv);
int cli_cmd_backup(int argc, char **argv);
int cli_cmd_key_rotate(int argc, char **argv);
int cli_cmd_permissions(int argc, char **argv);
int cli_cmd_routes(int argc, char **argv);
int cli_cmd_stats_catalogue(int argc, char **argv);
int cli_cmd_stats_compute(int argc, char **argv);
int cli_cmd_stats_validate(int argc, char **argv);
int cli_cmd_stats_export(int argc, char **argv);
int cli_cmd_stats_import(int argc, char **argv);
int cli_cmd_stats_enter(int argc, char **argv);
int cli_cmd_stats_settings(int argc, char **argv);
int cli_cmd_stats_compare(int argc, char **argv);
int cli_cmd_match_dedup(int argc, char **argv);
int cli_cmd_match_screen(int argc, char **argv);
int cli_cmd_demo_people(int argc, char **argv);
int cli_cmd_interp_schedule(int argc, char **argv);
int cli_cmd_sync(int argc, char **argv);

/* Shared by the commands. */

/* Prints "haven: message (field)" on stderr, frees e and returns 1. */
int cli_fail(herr *e);

/* Prints usage text on stderr (or stdout for --help) and returns 2 (or 0). */
int cli_usage(const char *text, int help);

/* Reads a whole number for --option from text, within [min, max]. ERR_INVALID naming
 * the option when text is empty, has anything after the digits, or is out of range. */
herr *cli_number(const char *text, const char *option, long long min, long long max,
                 long long *out);

/* Starts libsodium and opens an existing, migrated database. */
herr *cli_open_db(const char *path, store **out);

/* The lock a running server holds on its database ("<db>.lock", flock): haven serve
 * takes it for its whole run, haven key rotate for the rotation; either refuses while
 * the other holds it, naming the holder's process id. *fd stays open (the lock) until
 * cli_db_unlock. what: "serve" or "key rotate", written into the file. */
herr *cli_db_lock(const char *db, const char *what, int *fd);
void cli_db_unlock(int fd);

#endif
