/* haven serve, haven permissions, haven routes. */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli_commands.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/text.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "sessions/sessions.h"
#include "phrasebook/phrasebook.h"

static const char serve_usage[] =
    "usage: haven serve --db PATH [--listen HOST:PORT] [--web DIR] [--threads N]\n"
    "                   [--tls-cert FILE --tls-key FILE] [--trusted-proxy ADDR]\n"
    "                   [--secure-cookie] [--quiet] [--key-file FILE] [--tiles FILE]\n"
    "                   [--header-timeout S] [--per-address-limit N] [--max-connections N]\n"
    "                   [--max-inflight-mb N] [--hash-threads N] [--min-free-disk-mb N]\n"
    "Serves the API under /api/v1 and the web interface. --listen defaults to\n"
    "127.0.0.1:8080; port 0 picks a free port. The address served is printed on start.\n"
    "--web defaults to ./web, or web/ beside the binary's parent directory.\n"
    "--key-file is the key that encrypts protection data (default $HAVEN_KEY_FILE, else\n"
    "PATH.key); it must be the database's own key.\n"
    "--tls-cert/--tls-key (PEM) serve HTTPS. --trusted-proxy is the address of a reverse\n"
    "proxy (nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed. The session\n"
    "cookie is Secure whenever the client came over HTTPS; --secure-cookie forces it.\n"
    "Limits (docs/security-http.md): request headers within --header-timeout seconds\n"
    "(10); --per-address-limit open connections per client address (256; the trusted\n"
    "proxy is exempt); --max-connections in all (4096); --max-inflight-mb of request\n"
    "bodies in memory (64); --hash-threads password hashes at once (2, 64 MiB each);\n"
    "/healthz fails below --min-free-disk-mb free beside the database (64).\n"
    "--tiles is a PMTiles file of OpenStreetMap for the outreach map (docs/outreach.md).\n";

/* Reads a PEM file whole into a new string (at most 1 MiB). */
static herr *read_pem(const char *path, const char *option, char **out) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return err_invalid(option, "cannot open %s", path);
    char *buf = mem_alloc(1024 * 1024 + 1);
    size_t n = fread(buf, 1, 1024 * 1024 + 1, f);
    fclose(f);
    if (n == 0 || n > 1024 * 1024) {
        mem_free(buf);
        return err_invalid(option, "%s is empty or larger than 1 MiB", path);
    }
    buf[n] = '\0';
    *out = buf;
    return NULL;
}

static herr *parse_listen(const char *listen, char host[64], uint16_t *port) {
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= 64)
        return err_invalid("listen", "--listen must be HOST:PORT, for example 127.0.0.1:8080");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535) return err_invalid("listen", "port must be from 0 to 65535");
    *port = (uint16_t)p;
    return NULL;
}

static int is_dir(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* ./web when run from the source tree, else <binary>/../web. */
static void default_web_dir(char out[PATH_MAX]) {
    out[0] = '\0';
    if (is_dir("web")) {
        snprintf(out, PATH_MAX, "web");
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash) return;
        *slash = '\0';
    }
    if (strlen(exe) + 5 >= PATH_MAX) return;
    strcat(exe, "/web");
    if (is_dir(exe)) memcpy(out, exe, strlen(exe) + 1);
}

int cli_cmd_serve(int argc, char **argv) {
    const char *db = NULL, *listen = "127.0.0.1:8080", *web = NULL, *key_file = NULL;
    const char *tiles = NULL;
    const char *tls_cert = NULL, *tls_key = NULL, *proxy = NULL;
    int threads = 4, secure = 0;
    long long limits[6] = {0}; /* header timeout, per address, connections, MiB, hashes, MiB */
    static const struct {
        const char *name;
        long long min, max;
    } limit_opts[6] = {{"header-timeout", 1, 3600},     {"per-address-limit", 1, 100000},
                       {"max-connections", 16, 100000}, {"max-inflight-mb", 1, 65536},
                       {"hash-threads", 1, 64},         {"min-free-disk-mb", 1, 1LL << 40}};
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"tls-cert", required_argument, 0, 'C'},
                                         {"tls-key", required_argument, 0, 'K'},
                                         {"trusted-proxy", required_argument, 0, 'P'},
                                         {"header-timeout", required_argument, 0, 0},
                                         {"per-address-limit", required_argument, 0, 1},
                                         {"max-connections", required_argument, 0, 2},
                                         {"max-inflight-mb", required_argument, 0, 3},
                                         {"hash-threads", required_argument, 0, 4},
                                         {"min-free-disk-mb", required_argument, 0, 5},
                                         {"listen", required_argument, 0, 'l'},
                                         {"web", required_argument, 0, 'w'},
                                         {"threads", required_argument, 0, 't'},
                                         {"secure-cookie", no_argument, 0, 's'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"key-file", required_argument, 0, 'k'},
                                         {"tiles", required_argument, 0, 'T'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c >= 0 && c < 6) {
            herr *bad = cli_number(optarg, limit_opts[c].name, limit_opts[c].min, limit_opts[c].max,
                                   &limits[c]);
            if (bad) return cli_fail(bad);
        } else if (c == 'C')
            tls_cert = optarg;
        else if (c == 'K')
            tls_key = optarg;
        else if (c == 'P')
            proxy = optarg;
        else if (c == 'd')
            db = optarg;
        else if (c == 'l')
            listen = optarg;
        else if (c == 'w')
            web = optarg;
        else if (c == 't') {
            long long v = 0;
            herr *bad = cli_number(optarg, "threads", 1, 64, &v);
            if (bad) return cli_fail(bad);
            threads = (int)v;
        } else if (c == 's')
            secure = 1;
        else if (c == 'q')
            log_set_quiet(1);
        else if (c == 'k')
            key_file = optarg;
        else if (c == 'T')
            tiles = optarg;
        else
            return cli_usage(serve_usage, c == 'h');
    }
    if (!db || optind != argc) return cli_usage(serve_usage, 0);
    char host[64], web_dir[PATH_MAX];
    uint16_t port = 0;
    herr *e = parse_listen(listen, host, &port);
    if (e) return cli_fail(e);
    if (web)
        snprintf(web_dir, sizeof web_dir, "%s", web);
    else
        default_web_dir(web_dir);
    if (web && !is_dir(web)) return cli_fail(err_invalid("web", "no directory %s", web));
    if (!tls_cert != !tls_key)
        return cli_fail(err_invalid("tls", "--tls-cert and --tls-key go together"));
    unsigned char probe_addr[16];
    if (proxy && inet_pton(AF_INET, proxy, probe_addr) != 1 &&
        inet_pton(AF_INET6, proxy, probe_addr) != 1)
        return cli_fail(err_invalid("trusted-proxy", "--trusted-proxy must be an IP address"));

    /* Migrate once before the pool opens its connections, load the protection key
     * (created for a database that has none yet) and the match index now rather
     * than at the first registration. */
    store *s = NULL;
    char key_path[4096];
    int lock = -1;
    if ((e = protection_key_path(db, key_file, key_path, sizeof key_path))) return cli_fail(e);
    /* Held until the server stops: haven key rotate refuses while it is. */
    if ((e = cli_db_lock(db, "serve", &lock))) return cli_fail(e);
    if ((e = cli_open_db(db, &s))) {
        cli_db_unlock(lock);
        return cli_fail(e);
    }
    e = protection_key_setup(s, key_path, true);
    if (!e) e = audit_anchor_use(s, key_path, true);
    /* PostgreSQL: other servers may share the database; listen for their changes before
     * the index is loaded, so that none falls in between (nothing on SQLite). */
    registry_follower *follower = NULL;
    if (!e) e = registry_follow_start(db, &follower);
    json_t *probe = json_pack("{s:s}", "family_name", "-"), *none = NULL;
    actor system;
    actor_system(&system, "serve");
    if (!e) e = registry_find_candidates(s, &system, probe, NULL, &none);
    json_decref(probe);
    json_decref(none);
    store_close(s);
    if (e) {
        registry_follow_stop(follower);
        cli_db_unlock(lock);
        return cli_fail(e);
    }

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* server threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);

    char *cert = NULL, *pem_key = NULL;
    if (tls_cert && ((e = read_pem(tls_cert, "tls-cert", &cert)) ||
                     (e = read_pem(tls_key, "tls-key", &pem_key)))) {
        mem_free(cert);
        registry_follow_stop(follower);
        cli_db_unlock(lock);
        return cli_fail(e);
    }
    api_config cfg = {.db_path = db,
                      .host = host,
                      .port = port,
                      .web_dir = web_dir[0] ? web_dir : NULL,
                      .tiles = tiles,
                      .threads = threads,
                      .secure_cookie = secure,
                      .tls_cert = cert,
                      .tls_key = pem_key,
                      .trusted_proxy = proxy,
                      .header_timeout = (unsigned)limits[0],
                      .per_address = (unsigned)limits[1],
                      .max_connections = (unsigned)limits[2],
                      .inflight_bytes = (size_t)limits[3] << 20,
                      .hash_threads = (int)limits[4],
                      .min_free_disk = (uint64_t)limits[5] << 20};
    api_server *srv = NULL;
    e = api_server_start(&cfg, &srv);
    if (pem_key) crypto_wipe(pem_key, strlen(pem_key));
    mem_free(cert);
    mem_free(pem_key);
    if (e) {
        registry_follow_stop(follower);
        cli_db_unlock(lock);
        return cli_fail(e);
    }
    printf("Haven is serving %s://%s:%u/ (database %s%s%s)\n", tls_cert ? "https" : "http", host,
           api_server_port(srv), db, cfg.web_dir ? ", web interface from " : ", no web interface",
           cfg.web_dir ? cfg.web_dir : "");
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("stopping on signal %d", sig);
    api_server_stop(srv);
    registry_follow_stop(follower);
    registry_shutdown();
    sessions_shutdown();
    phrasebook_speech_shutdown();
    protection_key_forget();
    audit_anchor_forget();
    text_shutdown();
    cli_db_unlock(lock);
    return 0;
}

int cli_cmd_permissions(int argc, char **argv) {
    (void)argc;
    (void)argv;
    json_t *m = auth_matrix_json();
    json_dumpf(m, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    putchar('\n');
    json_decref(m);
    return 0;
}

int cli_cmd_routes(int argc, char **argv) {
    (void)argc;
    (void)argv;
    json_t *r = api_routes_json();
    json_dumpf(r, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(r);
    return 0;
}
