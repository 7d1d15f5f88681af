/* Accounts: create, change, list. Passwords never leave this file except as the
 * one-time initial password of a new account when none was given. */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"

static const json_field user_fields[] = {
    {"username", JF_STRING, false, 32},  {"display_name", JF_STRING, false, 100},
    {"role", JF_STRING, false, 24},      {"sites", JF_STRING_ARRAY, false, 200},
    {"password", JF_STRING, false, 200}, {"active", JF_BOOL, false, 0},
    {"locale", JF_STRING, false, 8},     {"access_reason", JF_TEXT, false, 500},
};
#define N_USER_FIELDS (sizeof user_fields / sizeof user_fields[0])

static const char *const locales[] = {"en", "bs", "sr-Cyrl"};

static herr *check_username(const char *u) {
    size_t n = strlen(u);
    /* Keys and parameters, so that the form says what is wrong with this name rather than
     * repeating the rule its hint already shows. */
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '.' || c == '_' ||
              c == '-')) {
            /* The character as typed: the whole UTF-8 sequence, not its first byte. */
            char ch[5] = {c, 0, 0, 0, 0};
            for (size_t k = 1; k < 4 && i + k < n && ((unsigned char)u[i + k] & 0xC0) == 0x80; k++)
                ch[k] = u[i + k];
            return err_with(
                err_invalid("username",
                            "username may use only a-z, 0-9, '.', '_' and '-' (got '%s')", ch),
                "username_char", "char", ch, (const char *)NULL);
        }
    }
    if (n < 3 || n > 32) {
        char len[24];
        snprintf(len, sizeof len, "%zu", n);
        return err_with(err_invalid("username", "username must be 3 to 32 characters (has %zu)", n),
                        n < 3 ? "username_short" : "username_long", "n", len, (const char *)NULL);
    }
    return NULL;
}

static herr *check_locale(const char *l) {
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
        if (!strcmp(l, locales[i])) return NULL;
    return err_invalid("locale", "locale must be en, bs or sr-Cyrl");
}

/* ---- the password rule ------------------------------------------------------- */

#define MAX_COMMON 512

/* data/common_passwords.txt, lower-cased, read once. */
static char common[MAX_COMMON][48];
static size_t n_common;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void lower_ascii(const char *in, char *out, size_t size) {
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++) out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static void load_common_line(char *line, void *ctx) {
    (void)ctx;
    if (n_common == MAX_COMMON || !line[0]) return;
    lower_ascii(line, common[n_common++], sizeof common[0]);
}

static void load_common(void) {
    datafile_each_line("common_passwords.txt", load_common_line, NULL);
}

static size_t utf8_chars(const char *p) {
    size_t n = 0;
    for (; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) n++;
    return n;
}

herr *auth_password_check(const char *username, const char *password, const char *field) {
    if (utf8_chars(password) < AUTH_MIN_PASSWORD) {
        char min[8];
        snprintf(min, sizeof min, "%d", AUTH_MIN_PASSWORD);
        return err_with(
            err_invalid(field, "%s must have at least %d characters", field, AUTH_MIN_PASSWORD),
            "password_short", "min", min, (const char *)NULL);
    }
    char lower[256], user[64] = "";
    lower_ascii(password, lower, sizeof lower);
    if (username) lower_ascii(username, user, sizeof user);
    if (user[0] && strstr(lower, user) && strlen(lower) < strlen(user) + 6)
        return err_with(err_invalid(field, "%s must not be the username", field),
                        "password_username", (const char *)NULL);
    pthread_once(&common_once, load_common);
    for (size_t i = 0; i < n_common; i++)
        if (!strcmp(lower, common[i]))
            return err_with(err_invalid(field, "%s is too common; choose another", field),
                            "password_common", (const char *)NULL);
    return NULL;
}

/* ---- granting access to protection and PSEA data ------------------------------ */

const char *auth_sensitive_kind(const char *role) {
    if (!role) return NULL;
    if (auth_allows(role, "protection.details")) return "protection";
    if (auth_allows(role, "psea.read")) return "psea";
    return NULL;
}

static herr *check_reason(const json_t *in) {
    const char *r = json_str(in, "access_reason");
    size_t visible = 0;
    for (const char *p = r ? r : ""; *p; p++)
        if (!isspace((unsigned char)*p) && ((unsigned char)*p & 0xC0) != 0x80) visible++;
    if (!r)
        return err_with(err_invalid("access_reason",
                                    "access_reason is required: this role reads protection or "
                                    "PSEA data"),
                        "access_reason_required", (const char *)NULL);
    if (visible < AUTH_MIN_ACCESS_REASON)
        return err_with(err_invalid("access_reason",
                                    "access_reason must say why, in at least %d characters",
                                    AUTH_MIN_ACCESS_REASON),
                        "access_reason_short", "min", "10", (const char *)NULL);
    return NULL;
}

/* The audit entry of a grant, its own act beside "create"/"update" of the user. */
static herr *record_grant(store *s, const actor *a, const char *kind, const char *id,
                          const char *username, const char *role, const json_t *sites,
                          const char *reason) {
    char action[48];
    snprintf(action, sizeof action, "%s.access_granted", kind);
    json_t *detail = json_pack("{s:s,s:s,s:o,s:s}", "username", username, "role", role, "sites",
                               sites ? json_deep_copy(sites) : json_array(), "reason", reason);
    herr *e = audit_record(s, a, action, "user", id, detail);
    json_decref(detail);
    return e;
}

static const char site_exists_sql[] = "SELECT 1 FROM sites WHERE id = :id";

static herr *check_sites(store *s, const json_t *sites) {
    size_t i;
    json_t *v;
    json_array_foreach(sites, i, v) {
        const char *id = json_string_value(v);
        store_stmt *st = NULL;
        herr *e = store_prepare(s, site_exists_sql, &st);
        if (e) return e;
        store_bind_text(st, ":id", id);
        bool row = false;
        e = store_step(st, &row);
        store_done(st);
        if (e) return e;
        if (!row) return err_invalid("sites", "no site with id %s", id);
    }
    return NULL;
}

/* Checks every given field; for creation also the required ones. */
static herr *check_user_input(store *s, const json_t *in, bool creating) {
    herr *e = json_check(in, user_fields, N_USER_FIELDS);
    if (e) return e;
    const char *v;
    if (creating && !json_str(in, "username")) return err_required("username");
    if (creating && !json_str(in, "role")) return err_required("role");
    if (!creating && json_has(in, "username"))
        return err_invalid("username", "username cannot be changed");
    if ((v = json_str(in, "username")) && (e = check_username(v))) return e;
    if (json_has(in, "role") && !auth_role_valid(json_str(in, "role"))) {
        char codes[512];
        auth_role_codes(codes, sizeof codes);
        return err_with(err_invalid("role", "role must be one of %s", codes), "one_of",
                        (const char *)NULL);
    }
    if ((v = json_str(in, "password")) && creating &&
        (e = auth_password_check(json_str(in, "username"), v, "password")))
        return e;
    if ((v = json_str(in, "locale")) && (e = check_locale(v))) return e;
    if (json_has(in, "display_name") && json_str(in, "display_name") &&
        !json_str(in, "display_name")[0])
        return err_with(err_invalid("display_name", "display_name cannot be empty"), "empty",
                        (const char *)NULL);
    json_t *sites = json_object_get(in, "sites");
    if (json_is_array(sites) && (e = check_sites(s, sites))) return e;
    return NULL;
}

static const char user_sql[] =
    "SELECT id, username, display_name, role, active, locale, created_at, updated_at"
    " FROM users WHERE id = :id";
static const char user_sites_sql[] =
    "SELECT site_id FROM user_sites WHERE user_id = :id ORDER BY site_id";

herr *auth_user_get(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *u = NULL;
    bool row;
    herr *e = store_prepare(s, user_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (e) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no user with id %s", id);
        goto cleanup;
    }
    u = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "id", store_text(st, 0), "username",
                  store_text(st, 1), "display_name", store_text(st, 2), "role", store_text(st, 3),
                  "active", (int)store_int(st, 4), "locale", store_text(st, 5), "created_at",
                  store_text(st, 6), "updated_at", store_text(st, 7));
    store_done(st);
    st = NULL;
    json_t *sites = json_array();
    json_object_set_new(u, "sites", sites);
    e = store_prepare(s, user_sites_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(sites, json_string(store_text(st, 0)));
cleanup:
    store_done(st);
    if (e) {
        json_decref(u);
        return e;
    }
    *out = u;
    return NULL;
}

static const char list_sql[] = "SELECT id FROM users ORDER BY username";

herr *auth_user_list(store *s, json_t **out) {
    store_stmt *st = NULL;
    json_t *ids = json_array(), *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(ids, json_string(store_text(st, 0)));
    store_done(st);
    st = NULL;
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        json_t *u = NULL;
        if ((e = auth_user_get(s, json_string_value(id), &u))) goto cleanup;
        json_array_append_new(items, u);
    }
cleanup:
    store_done(st);
    json_decref(ids);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const char id_by_name_sql[] = "SELECT id FROM users WHERE username = :username";

herr *auth_user_id(store *s, const char *username, char out[ID_LEN]) {
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, id_by_name_sql, &st);
    if (e) return e;
    store_bind_text(st, ":username", username);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "username", "no user named %s", username);
    if (!e) snprintf(out, ID_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

static const char insert_sql[] =
    "INSERT INTO users (id, username, display_name, role, password_hash, active, locale,"
    " created_at, updated_at) VALUES (:id, :username, :display_name, :role, :hash, :active,"
    " :locale, :now, :now)";
static const char clear_sites_sql[] = "DELETE FROM user_sites WHERE user_id = :id";
static const char add_site_sql[] = "INSERT INTO user_sites (user_id, site_id) VALUES (:id, :site)";
static const char name_taken_sql[] = "SELECT 1 FROM users WHERE username = :username";

static herr *set_sites(store *s, const char *id, const json_t *sites) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, clear_sites_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) return e;
    size_t i;
    json_t *v;
    json_array_foreach(sites, i, v) {
        if ((e = store_prepare(s, add_site_sql, &st))) return e;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":site", json_string_value(v));
        e = store_run_done(&st);
        if (e && e->code == ERR_CONFLICT) { /* listed twice: once is enough */
            err_free(e);
            e = NULL;
        }
        if (e) return e;
    }
    return NULL;
}

herr *auth_user_create(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL, *user = NULL;
    char generated[17] = "";
    herr *e = check_user_input(s, in, true);
    if (e) return e;
    const char *username = json_str(in, "username");
    const char *password = json_str(in, "password");
    const char *kind = auth_sensitive_kind(json_str(in, "role"));
    if (kind && (e = check_reason(in))) return e;
    if (!password) {
        id_password(generated, sizeof generated);
        password = generated;
    }
    /* Hash before the transaction: Argon2id takes a tenth of a second. */
    char hash[CRYPTO_PWHASH_LEN];
    if ((e = crypto_password_hash(password, hash))) return e;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);

    if ((e = store_begin(s))) return e;
    bool taken = false;
    if ((e = store_prepare(s, name_taken_sql, &st))) goto cleanup;
    store_bind_text(st, ":username", username);
    e = store_step(st, &taken);
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if (taken) {
        e = err_with(err_new(ERR_CONFLICT, "username", "username %s is taken", username),
                     "username_taken", "username", username, (const char *)NULL);
        goto cleanup;
    }
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":username", username);
    store_bind_text(st, ":display_name",
                    json_str(in, "display_name") ? json_str(in, "display_name") : username);
    store_bind_text(st, ":role", json_str(in, "role"));
    store_bind_text(st, ":hash", hash);
    store_bind_int(st, ":active", json_is_false(json_object_get(in, "active")) ? 0 : 1);
    store_bind_text(st, ":locale", json_str(in, "locale") ? json_str(in, "locale") : "en");
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    json_t *sites = json_object_get(in, "sites");
    if (json_is_array(sites) && (e = set_sites(s, id, sites))) goto cleanup;
    detail = json_pack("{s:s,s:s}", "username", username, "role", json_str(in, "role"));
    if ((e = audit_record(s, a, "create", "user", id, detail))) goto cleanup;
    if (kind && (e = record_grant(s, a, kind, id, username, json_str(in, "role"), sites,
                                  json_str(in, "access_reason"))))
        goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    if ((e = auth_user_get(s, id, &user))) goto cleanup;
    if (generated[0]) json_object_set_new(user, "initial_password", json_string(generated));
    *out = user;
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    json_decref(detail);
    sodium_memzero(generated, sizeof generated);
    return e;
}

static const char update_sql[] =
    "UPDATE users SET display_name = COALESCE(:display_name, display_name),"
    " role = COALESCE(:role, role), active = COALESCE(:active, active),"
    " locale = COALESCE(:locale, locale), password_hash = COALESCE(:hash, password_hash),"
    " updated_at = :now WHERE id = :id";
static const char other_admins_sql[] =
    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> :id";
static const char end_sessions_sql[] = "DELETE FROM sessions WHERE user_id = :id";

/* Refuses a change that would leave no active administrator. */
static herr *keep_an_admin(store *s, const char *id, const json_t *in, const json_t *before) {
    bool was_admin = !strcmp(json_str(before, "role"), "admin") &&
                     json_is_true(json_object_get(before, "active"));
    bool demoted = json_str(in, "role") && strcmp(json_str(in, "role"), "admin") != 0;
    bool disabled = json_is_false(json_object_get(in, "active"));
    if (!was_admin || !(demoted || disabled)) return NULL;
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, other_admins_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (!e && store_int(st, 0) == 0)
        e = err_new(ERR_CONFLICT, demoted ? "role" : "active",
                    "this is the last active administrator; make another one first");
    store_done(st);
    return e;
}

/* The kind of sensitive access this change grants ("protection", "psea"), or NULL: a
 * role that reads such data given to someone who did not have it, or new sites added
 * to someone who has it. */
static const char *granted_kind(const json_t *in, const json_t *before) {
    const char *old_role = json_str(before, "role");
    const char *role = json_str(in, "role") ? json_str(in, "role") : old_role;
    const char *kind = auth_sensitive_kind(role);
    if (!kind) return NULL;
    const char *old_kind = auth_sensitive_kind(old_role);
    if (!old_kind || strcmp(old_kind, kind) != 0 || strcmp(old_role, role) != 0) return kind;
    json_t *sites = json_object_get(in, "sites"), *old_sites = json_object_get(before, "sites");
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(sites, i, v) {
        bool had = false;
        json_array_foreach(old_sites, j, w) had = had || json_equal(v, w);
        if (!had) return kind;
    }
    return NULL;
}

herr *auth_user_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *before = NULL, *detail = NULL;
    herr *e = check_user_input(s, in, false);
    if (e) return e;
    char hash[CRYPTO_PWHASH_LEN];
    const char *password = json_str(in, "password");
    if (password) {
        json_t *who = NULL;
        if ((e = auth_user_get(s, id, &who))) return e;
        e = auth_password_check(json_str(who, "username"), password, "password");
        json_decref(who);
        if (e) return e;
        if ((e = crypto_password_hash(password, hash))) return e;
    }
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    const char *grant = NULL;

    if ((e = store_begin(s))) return e;
    if ((e = auth_user_get(s, id, &before))) goto cleanup;
    if ((e = keep_an_admin(s, id, in, before))) goto cleanup;
    if ((grant = granted_kind(in, before)) && (e = check_reason(in))) goto cleanup;
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":display_name", json_str(in, "display_name"));
    store_bind_text(st, ":role", json_str(in, "role"));
    json_t *active = json_object_get(in, "active");
    if (json_is_boolean(active))
        store_bind_int(st, ":active", json_is_true(active));
    else
        store_bind_null(st, ":active");
    store_bind_text(st, ":locale", json_str(in, "locale"));
    store_bind_text(st, ":hash", password ? hash : NULL);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    json_t *sites = json_object_get(in, "sites");
    if (json_is_array(sites) && (e = set_sites(s, id, sites))) goto cleanup;
    /* A new password, a disabled account or a new role ends the open sessions. */
    if (password || json_is_false(active) || json_str(in, "role")) {
        if ((e = store_prepare(s, end_sessions_sql, &st))) goto cleanup;
        store_bind_text(st, ":id", id);
        if ((e = store_run_done(&st))) goto cleanup;
        st = NULL;
    }
    detail = json_object();
    json_t *changed = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_array_append_new(changed, json_string(key));
    json_object_set_new(detail, "fields", changed);
    if ((e = audit_record(s, a, "update", "user", id, detail))) goto cleanup;
    if (grant) {
        json_t *now_sites = json_object_get(in, "sites");
        if (!json_is_array(now_sites)) now_sites = json_object_get(before, "sites");
        const char *role = json_str(in, "role") ? json_str(in, "role") : json_str(before, "role");
        if ((e = record_grant(s, a, grant, id, json_str(before, "username"), role, now_sites,
                              json_str(in, "access_reason"))))
            goto cleanup;
    }
    if ((e = store_commit(s))) goto cleanup;
    e = auth_user_get(s, id, out);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    json_decref(before);
    json_decref(detail);
    return e;
}
