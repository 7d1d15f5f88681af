/* haven init, haven user add. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli_commands.h"
#include "core/actor.h"
#include "core/crypto.h"
#include "core/json.h"
#include "demo/demo.h"
#include "distributions/distributions.h"
#include "feedback/feedback.h"
#include "interpreting/interpreting.h"
#include "sessions/sessions.h"
#include "outreach/outreach.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "returns/returns.h"
#include "families/families.h"
#include "schema/schema.h"

static const char init_usage[] =
    "usage: haven init --db PATH [--demo] [--demo-people N] [--seed S] [--logins-file FILE]\n"
    "                  [--key-file FILE]\n"
    "Creates the database (or brings an existing one up to date: safe to run again),\n"
    "an 'admin' account whose random password is printed once, and the key that\n"
    "encrypts protection data (mode 0600; back it up apart from the database).\n"
    "  --key-file F       the key file (default $HAVEN_KEY_FILE, else PATH.key)\n"
    "  --demo             add the demo sites, users of each role and people\n"
    "  --demo-people N    how many people the demo registers (default 5000)\n"
    "  --seed S           seed of the demo generator (default 2023)\n"
    "  --logins-file F    also write the new logins to F (mode 0600)\n";

static herr *create_admin(store *s, json_t *logins) {
    char id[ID_LEN];
    herr *e = auth_user_id(s, "admin", id);
    if (!e) return NULL; /* already there: never reset a password behind anyone's back */
    if (e->code != ERR_NOT_FOUND) return e;
    err_free(e);
    actor a;
    actor_system(&a, "init");
    json_t *in = json_pack("{s:s,s:s,s:s}", "username", "admin", "display_name", "Administrator",
                           "role", "admin");
    json_t *out = NULL;
    e = auth_user_create(s, &a, in, &out);
    json_decref(in);
    if (e) return e;
    json_array_append_new(logins, json_pack("{s:s,s:s,s:s}", "username", "admin", "role", "admin",
                                            "password", json_str(out, "initial_password")));
    json_decref(out);
    return NULL;
}

static void print_logins(FILE *f, const json_t *logins) {
    size_t i;
    json_t *l;
    fprintf(f, "%-18s %-13s %s\n", "username", "role", "password");
    json_array_foreach(logins, i, l) fprintf(f, "%-18s %-13s %s\n", json_str(l, "username"),
                                             json_str(l, "role"), json_str(l, "password"));
}

static herr *write_logins(const char *path, const json_t *logins) {
    FILE *f = fopen(path, "w");
    if (!f) return err_new(ERR_IO, "logins-file", "cannot write %s", path);
    chmod(path, 0600);
    print_logins(f, logins);
    if (fclose(f) != 0) return err_new(ERR_IO, "logins-file", "cannot write %s", path);
    return NULL;
}

/* The modules' demos after the registry's, each in one transaction of its own. */
static herr *(*const module_demos[])(store *, unsigned long long) = {
    protection_demo_load, sessions_demo_load,     distributions_demo_load, feedback_demo_load,
    outreach_demo_load,   interpreting_demo_load, returns_demo_load,       families_demo_load,
};

/* The default catalogue of distributed items, in every new database. */
static herr *seed_catalogue(store *s) {
    int added = 0;
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = distributions_catalogue_seed(s, &added))) {
        store_rollback(s);
        return e;
    }
    return store_commit(s);
}

static herr *load_module_demos(store *s, unsigned long long seed) {
    for (size_t i = 0; i < sizeof module_demos / sizeof module_demos[0]; i++) {
        herr *e = store_begin(s);
        if (e) return e;
        if ((e = module_demos[i](s, seed))) {
            store_rollback(s);
            return e;
        }
        if ((e = store_commit(s))) return e;
    }
    return NULL;
}

int cli_cmd_init(int argc, char **argv) {
    const char *db = NULL, *logins_file = NULL, *key_file = NULL;
    int demo = 0, people = 5000;
    unsigned long long seed = 2023;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"demo", no_argument, 0, 'D'},
                                         {"demo-people", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"logins-file", required_argument, 0, 'l'},
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
        else if (c == 'D')
            demo = 1;
        else if (c == 'n' || c == 's') {
            long long v = 0;
            herr *bad = cli_number(optarg, c == 'n' ? "demo-people" : "seed", 0,
                                   c == 'n' ? 1000000 : 9223372036854775807LL, &v);
            if (bad) return cli_fail(bad);
            if (c == 'n')
                people = (int)v;
            else
                seed = (unsigned long long)v;
        } else if (c == 'l')
            logins_file = optarg;
        else
            return cli_usage(init_usage, c == 'h');
    }
    if (!db || optind != argc) return cli_usage(init_usage, 0);
    store *s = NULL;
    json_t *logins = json_array(), *demo_logins = NULL;
    char key_path[4096];
    herr *e = crypto_init();
    if (!e) e = protection_key_path(db, key_file, key_path, sizeof key_path);
    if (!e) e = store_open(db, true, &s);
    if (!e) e = schema_migrate_all(s);
    if (!e) e = protection_key_setup(s, key_path, true);
    if (!e) e = audit_anchor_use(s, key_path, true);
    if (!e) e = create_admin(s, logins);
    if (!e) e = seed_catalogue(s);
    if (!e && demo) e = demo_load(s, seed, people, &demo_logins);
    if (!e && demo) e = load_module_demos(s, seed);
    if (!e && demo_logins) json_array_extend(logins, demo_logins);
    if (!e && logins_file && json_array_size(logins)) e = write_logins(logins_file, logins);
    store_close(s);
    registry_shutdown();
    audit_anchor_forget();
    if (e) {
        json_decref(logins);
        json_decref(demo_logins);
        return cli_fail(e);
    }
    if (json_array_size(logins)) {
        printf("New logins (passwords are shown once; write them down or use --logins-file):\n");
        print_logins(stdout, logins);
    }
    printf("Database ready: %s%s\n", db, demo ? " (with demo data)" : "");
    printf("Protection key: %s (keep a copy apart from the database)\n", key_path);
    json_decref(logins);
    json_decref(demo_logins);
    return 0;
}

static const char user_add_usage[] =
    "usage: haven user add --db PATH --username U --role ROLE [--site SITE_ID]...\n"
    "                      [--display-name NAME] [--reason TEXT] --password-stdin\n"
    "Adds an account; the password is read from the first line of standard input.\n"
    "ROLE is one of the codes `haven permissions` lists (data/roles.tsv).\n"
    "  --reason TEXT      why, for a role that reads protection or PSEA data (required\n"
    "                     then, at least 10 characters; audited as an access grant)\n";

int cli_cmd_user_add(int argc, char **argv) {
    const char *db = NULL, *username = NULL, *role = NULL, *display = NULL, *reason = NULL;
    int from_stdin = 0;
    json_t *sites = json_array();
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"username", required_argument, 0, 'u'},
                                         {"role", required_argument, 0, 'r'},
                                         {"site", required_argument, 0, 's'},
                                         {"display-name", required_argument, 0, 'n'},
                                         {"password-stdin", no_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {"reason", required_argument, 0, 'R'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'u')
            username = optarg;
        else if (c == 'r')
            role = optarg;
        else if (c == 's')
            json_array_append_new(sites, json_string(optarg));
        else if (c == 'n')
            display = optarg;
        else if (c == 'p')
            from_stdin = 1;
        else if (c == 'R')
            reason = optarg;
        else {
            json_decref(sites);
            return cli_usage(user_add_usage, c == 'h');
        }
    }
    if (!db || !username || !role || !from_stdin || optind != argc) {
        json_decref(sites);
        return cli_usage(user_add_usage, 0);
    }
    char password[256] = "";
    if (!fgets(password, sizeof password, stdin)) password[0] = '\0';
    password[strcspn(password, "\r\n")] = '\0';
    store *s = NULL;
    json_t *out = NULL;
    json_t *in = json_pack("{s:s,s:s,s:s,s:o}", "username", username, "role", role, "password",
                           password, "sites", sites);
    if (display) json_object_set_new(in, "display_name", json_string(display));
    if (reason) json_object_set_new(in, "access_reason", json_string(reason));
    actor a;
    actor_system(&a, getenv("USER") ? getenv("USER") : "cli");
    herr *e = cli_open_db(db, &s);
    if (!e) e = auth_user_create(s, &a, in, &out);
    store_close(s);
    json_decref(in);
    crypto_wipe(password, sizeof password);
    if (e) return cli_fail(e);
    printf("user %s added (id %s, role %s)\n", username, json_str(out, "id"), role);
    json_decref(out);
    return 0;
}
