#include "fuzzutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/text.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "schema/schema.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
    fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

char *fuzz_cstr(const uint8_t *data, size_t size) {
    char *s = mem_alloc(size + 1);
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

const char *fuzz_tmpdir(void) {
    const char *dir = getenv("FUZZ_TMPDIR");
    if (dir && dir[0]) return dir;
    if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
    dir = getenv("TMPDIR");
    return dir && dir[0] ? dir : "/tmp";
}

void fuzz_check_utf8(const char *what, const char *s, size_t len) {
    FUZZ_ASSERT(s != NULL, "%s is NULL", what);
    FUZZ_ASSERT(text_utf8_valid(s, len), "%s is not valid UTF-8", what);
}

void fuzz_check_json(const char *what, const json_t *v) {
    if (!v) return;
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    FUZZ_ASSERT(text != NULL, "%s cannot be dumped as JSON", what);
    free(text);
}

void fuzz_check_err(herr *e) {
    if (!e) return;
    FUZZ_ASSERT(e->code >= ERR_INVALID && e->code <= ERR_INTERNAL, "bad error code %d",
                (int)e->code);
    size_t mlen = strnlen(e->message, sizeof e->message);
    size_t flen = strnlen(e->field, sizeof e->field);
    FUZZ_ASSERT(mlen < sizeof e->message, "message not terminated");
    FUZZ_ASSERT(flen < sizeof e->field, "field not terminated");
    FUZZ_ASSERT(mlen > 0, "empty message (code %s)", err_code_name(e->code));
    fuzz_check_utf8("error message", e->message, mlen);
    fuzz_check_utf8("error field", e->field, flen);
    FUZZ_ASSERT(e->code != ERR_INVALID || flen > 0, "validation error without a field: %s",
                e->message);
    FUZZ_ASSERT(e->code != ERR_INTERNAL, "internal error on outside input: %s", e->message);
    /* What the server sends (server.c's error body) must be buildable. */
    json_t *body =
        json_pack("{s:{s:s,s:s,s:o}}", "error", "code", err_code_name(e->code), "message",
                  e->message, "field", e->field[0] ? json_string(e->field) : json_null());
    FUZZ_ASSERT(body != NULL, "error body cannot be built from: %s", e->message);
    json_decref(body);
    fuzz_check_utf8("error key", e->key, strnlen(e->key, sizeof e->key));
    for (int i = 0; i < e->n_params; i++) {
        fuzz_check_utf8("error param name", e->params[i].name, strlen(e->params[i].name));
        fuzz_check_utf8("error param value", e->params[i].value, strlen(e->params[i].value));
        json_t *v = json_string(e->params[i].value);
        FUZZ_ASSERT(v != NULL, "param %s cannot be sent", e->params[i].name);
        json_decref(v);
    }
    err_free(e);
}

static const char *placeholder(const char *v) {
    fuzz_world *w = fuzz_world_get();
    if (!v || v[0] != '@') return NULL;
    if (!strcmp(v, "@site0")) return w->site[0];
    if (!strcmp(v, "@site1")) return w->site[1];
    if (!strcmp(v, "@person")) return w->person;
    if (!strcmp(v, "@stay")) return w->stay;
    if (!strcmp(v, "@provider")) return w->provider;
    return NULL;
}

static void substitute(json_t *v, int depth) {
    if (depth > 8) return;
    if (json_is_object(v)) {
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item) {
            const char *id = placeholder(json_string_value(item));
            if (id)
                json_object_set_new(v, key, json_string(id));
            else
                substitute(item, depth + 1);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            const char *id = placeholder(json_string_value(item));
            if (id)
                json_array_set_new(v, i, json_string(id));
            else
                substitute(item, depth + 1);
        }
    }
}

json_t *fuzz_body(const uint8_t *data, size_t size) {
    json_t *body = NULL;
    herr *e = json_parse_body((const char *)data, size, &body);
    if (e) {
        FUZZ_ASSERT(!strcmp(e->field, "body"), "parse error names field %s", e->field);
        fuzz_check_err(e);
        return NULL;
    }
    substitute(body, 0);
    return body;
}

/* ---- the shared world ------------------------------------------------------------- */

static fuzz_world world;
static bool world_made;
static char db_path[256];

static void world_remove(void) {
    if (!world_made) return;
    store_close(world.s);
    registry_shutdown();
    protection_key_forget();
    text_shutdown();
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        unlink(p);
    }
    actor *all[] = {&world.admin, &world.registrar, &world.protection, &world.statistician};
    for (size_t i = 0; i < 4; i++) actor_clear(all[i]);
    world_made = false;
}

static void must(herr *e, const char *what) {
    if (!e) return;
    fprintf(stderr, "fuzz world: %s: %s (field %s)\n", what, e->message, e->field);
    abort();
}

static void role_actor(actor *a, const char *name, const char *role, int site) {
    actor_system(a, name);
    snprintf(a->role, sizeof a->role, "%s", role);
    snprintf(a->address, sizeof a->address, "127.0.0.1");
    a->all_sites = !strcmp(role, "admin") || site < 0;
    if (site >= 0) actor_add_site(a, world.site[site]);
}

static const unsigned char fuzz_key[CRYPTO_KEY_LEN] = "fuzz-key-fuzz-key-fuzz-key-fuzz";

fuzz_world *fuzz_world_get(void) {
    if (world_made) return &world;
    log_set_quiet(1);
    snprintf(db_path, sizeof db_path, "%s/haven-fuzz-XXXXXX", fuzz_tmpdir());
    int fd = mkstemp(db_path);
    if (fd < 0) abort();
    close(fd);
    unlink(db_path);
    must(crypto_init(), "crypto");
    must(store_open(db_path, true, &world.s), "open");
    world_made = true;
    atexit(world_remove);
    must(schema_migrate_all(world.s), "schema");
    protection_key_use(fuzz_key);
    actor_system(&world.admin, "fuzz");
    snprintf(world.admin.user_id, sizeof world.admin.user_id,
             "00000000-0000-4000-8000-000000000001");
    static const char *const names[] = {"TRC Lipa", "TRC Borići"};
    static const char *const codes[] = {"LIP", "BOR"};
    for (int i = 0; i < 2; i++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", names[i], "code", codes[i], "kind",
                               "temporary_reception_centre", "capacity", 100000);
        json_t *out = NULL;
        must(registry_site_create(world.s, &world.admin, in, &out), "site");
        snprintf(world.site[i], ID_LEN, "%s", json_str(out, "id"));
        json_decref(in);
        json_decref(out);
    }
    role_actor(&world.registrar, "desk", "registrar", 0);
    role_actor(&world.statistician, "stats", "statistician", -1);
    /* The protection officer is a real user: referrals and cases name their worker. */
    json_t *in = json_pack("{s:s,s:s,s:[s],s:s,s:s}", "username", "officer", "role", "protection",
                           "sites", world.site[0], "password", "correct horse battery staple",
                           "access_reason", "the fuzz world needs an officer");
    json_t *out = NULL;
    must(auth_user_create(world.s, &world.admin, in, &out), "user");
    role_actor(&world.protection, "officer", "protection", 0);
    snprintf(world.protection.user_id, sizeof world.protection.user_id, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", "Ahmad", "family_name", "Rahimi",
                   "sex", "M", "citizenship", "AF", "birth_date", "1999-03-14", "site_id",
                   world.site[0], "check_in", 1);
    out = NULL;
    must(registry_person_register(world.s, &world.admin, in, &out), "person");
    snprintf(world.person, ID_LEN, "%s", json_str(out, "id"));
    snprintf(world.stay, ID_LEN, "%s", json_str(json_object_get(out, "stay"), "id"));
    json_decref(in);
    json_decref(out);
    in = json_pack("{s:s,s:s,s:s,s:s,s:[s,s]}", "name", "Health centre Bihać", "organisation",
                   "Dom zdravlja", "service_type", "medical", "contact", "+387 37 000", "sites",
                   world.site[0], world.site[1]);
    out = NULL;
    must(protection_provider_create(world.s, &world.admin, in, &out), "provider");
    snprintf(world.provider, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    return &world;
}
