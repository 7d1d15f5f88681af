/* Health, code lists, the permission matrix. */
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "store/store.h"
#include "api/api_internal.h"
#include "auth/auth.h"
#include "core/codes.h"
#include "core/log.h"
#include "protection/protection.h"
#include "registry/registry.h"

/* The write probe commits (an fsync): a monitor or a balancer polling every second is
 * answered from the last probe for up to two seconds. */
#define PROBE_EVERY_SECONDS 2

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t probe_at;         /* guarded by probe_lock */
static char probe_failure[320]; /* guarded by probe_lock; "" when writable */

static void probe_database(store *db, char out[320]) {
    pthread_mutex_lock(&probe_lock);
    time_t now = time(NULL);
    if (!probe_at || now - probe_at >= PROBE_EVERY_SECONDS || now < probe_at) {
        herr *e = store_check_writable(db);
        snprintf(probe_failure, sizeof probe_failure, "%s", e ? e->message : "");
        err_free(e);
        probe_at = now;
    }
    memcpy(out, probe_failure, 320);
    pthread_mutex_unlock(&probe_lock);
}

/* Free bytes for unprivileged writers under the database's directory. On PostgreSQL
 * the database's disk is the database server's (watched there); this is then the disk
 * of haven's working directory, where it writes exports and temporary files. */
static bool free_disk(const char *db_path, unsigned long long *out) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", store_url_is_postgres(db_path) ? "./." : db_path);
    struct statvfs vfs;
    if (statvfs(dirname(dir), &vfs) != 0) return false;
    *out = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    return true;
}

/* What a monitor needs: 200 when the database takes a write, the protection key is
 * loaded and the disk has room; 503 naming every failing check otherwise. */
static herr *get_health(api_request *req, api_response *res) {
    json_t *checks = json_object(), *failing = json_array();
    char db_failure[320];
    probe_database(req->db, db_failure);
    json_object_set_new(checks, "database",
                        json_pack("{s:b,s:s}", "ok", !db_failure[0], "detail",
                                  db_failure[0] ? db_failure : "a write was committed"));
    if (db_failure[0]) json_array_append_new(failing, json_string("database"));
    bool key = protection_key_loaded();
    json_object_set_new(checks, "key", json_pack("{s:b}", "ok", key));
    if (!key) json_array_append_new(failing, json_string("key"));
    unsigned long long free_bytes = 0, min = req->health ? req->health->min_free_disk : 0;
    bool known = req->health && free_disk(req->health->db_path, &free_bytes);
    bool room = known && free_bytes >= min;
    json_object_set_new(checks, "disk",
                        json_pack("{s:b,s:I,s:I}", "ok", room, "free_mb",
                                  (json_int_t)(free_bytes >> 20), "min_free_mb",
                                  (json_int_t)(min >> 20)));
    if (!room) json_array_append_new(failing, json_string("disk"));
    bool ok = json_array_size(failing) == 0;
    if (!ok) {
        char *names = json_dumps(failing, JSON_COMPACT);
        log_error("health check failing: %s%s%s", names ? names : "?",
                  db_failure[0] ? "; database: " : "", db_failure);
        free(names);
    }
    return api_reply(res, ok ? 200 : 503,
                     json_pack("{s:s,s:o,s:o}", "status", ok ? "ok" : "failing", "failing", failing,
                               "checks", checks));
}

static const char *locale_param(api_request *req) {
    const char *lang = api_query(req, "lang");
    if (!lang) return "en";
    if (!strcmp(lang, "sr-Cyrl")) return "sr_Cyrl";
    if (!strcmp(lang, "bs")) return "bs";
    return "en";
}

static herr *get_countries(api_request *req, api_response *res) {
    return api_reply(res, 200,
                     json_pack("{s:o}", "items", codes_countries_json(locale_param(req))));
}

static herr *get_languages(api_request *req, api_response *res) {
    return api_reply(res, 200,
                     json_pack("{s:o}", "items", codes_languages_json(locale_param(req))));
}

static herr *get_site_kinds(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, json_pack("{s:o}", "items", registry_site_kinds()));
}

static herr *get_permissions(api_request *req, api_response *res) {
    (void)req;
    return api_reply(res, 200, auth_matrix_json());
}

const api_route api_routes_meta[] = {
    {"GET", "/healthz", NULL, get_health, NULL, 0},
    {"GET", "/api/v1/codes/countries", "codes.read", get_countries, NULL, 0},
    {"GET", "/api/v1/codes/languages", "codes.read", get_languages, NULL, 0},
    {"GET", "/api/v1/codes/site-kinds", "codes.read", get_site_kinds, NULL, 0},
    {"GET", "/api/v1/permissions", "session.own", get_permissions, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
