/* Logins, sessions and the login rate limit. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/mem.h"

/* Failed logins allowed in the window, per username and per address. Per address is
 * higher: a reception centre's clerks share one address behind a router. */
#define FAILURE_WINDOW_SECONDS    (15 * 60)
#define MAX_FAILURES_PER_USERNAME 5
#define MAX_FAILURES_PER_ADDRESS  30
/* The session's last_seen is written at most this often, not on every request. */
#define TOUCH_INTERVAL_SECONDS 60

static const char failures_sql[] =
    "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = :username AND at >= :since),"
    " (SELECT COUNT(*) FROM login_failures WHERE address = :address AND at >= :since)";
static const char user_by_name_sql[] =
    "SELECT id, password_hash, active FROM users WHERE username = :username";
static const char record_failure_sql[] =
    "INSERT INTO login_failures (username, address, at) VALUES (:username, :address, :at)";
static const char clear_failures_sql[] = "DELETE FROM login_failures WHERE username = :username";
static const char prune_sql[] =
    "DELETE FROM sessions WHERE expires_at < :now OR created_at < :oldest";
static const char insert_session_sql[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
    " VALUES (:hash, :user_id, :now, :now, :expires)";

static herr *check_rate_limit(store *s, const char *username, const char *address) {
    char since[CLOCK_ISO_LEN];
    clock_format_iso(clock_now() - FAILURE_WINDOW_SECONDS, since);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, failures_sql, &st);
    if (e) return e;
    store_bind_text(st, ":username", username);
    store_bind_text(st, ":address", address);
    store_bind_text(st, ":since", since);
    e = store_step(st, &row);
    if (!e && (store_int(st, 0) >= MAX_FAILURES_PER_USERNAME ||
               store_int(st, 1) >= MAX_FAILURES_PER_ADDRESS))
        e = err_new(ERR_RATE_LIMITED, NULL, "too many failed logins; wait %d minutes and try again",
                    FAILURE_WINDOW_SECONDS / 60);
    store_done(st);
    return e;
}

static herr *record_failure(store *s, const char *username, const char *address) {
    actor a;
    actor_system(&a, username);
    snprintf(a.address, sizeof a.address, "%s", address);
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    store_stmt *st = NULL;
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, record_failure_sql, &st))) goto cleanup;
    store_bind_text(st, ":username", username);
    store_bind_text(st, ":address", address);
    store_bind_text(st, ":at", now);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = audit_record(s, &a, "login_failed", "session", "", NULL))) goto cleanup;
    e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    return e;
}

static herr *open_session(store *s, const char *user_id, const char *username, const char *address,
                          char token[TOKEN_LEN]) {
    actor a;
    actor_system(&a, username);
    snprintf(a.user_id, sizeof a.user_id, "%s", user_id);
    snprintf(a.address, sizeof a.address, "%s", address);
    int64_t t = clock_now();
    char now[CLOCK_ISO_LEN], expires[CLOCK_ISO_LEN], oldest[CLOCK_ISO_LEN];
    clock_format_iso(t, now);
    clock_format_iso(t + AUTH_SESSION_IDLE_SECONDS, expires);
    clock_format_iso(t - AUTH_SESSION_MAX_SECONDS, oldest);
    id_token(token);
    char hash[CRYPTO_HASH_HEX_LEN];
    crypto_hash_hex(token, strlen(token), hash);
    store_stmt *st = NULL;
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, clear_failures_sql, &st))) goto cleanup;
    store_bind_text(st, ":username", username);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, prune_sql, &st))) goto cleanup;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":oldest", oldest);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, insert_session_sql, &st))) goto cleanup;
    store_bind_text(st, ":hash", hash);
    store_bind_text(st, ":user_id", user_id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":expires", expires);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = audit_record(s, &a, "login", "user", user_id, NULL))) goto cleanup;
    e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    return e;
}

/* Written once under pthread_once (dummy_once), read-only afterwards. */
static char dummy_hash[CRYPTO_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void) {
    herr *e = crypto_password_hash("haven-timing-equaliser", dummy_hash);
    err_free(e); /* on failure verification simply fails, which is safe */
}

herr *auth_login(store *s, const char *username, const char *password, const char *address,
                 char token[TOKEN_LEN], json_t **user) {
    store_stmt *st = NULL;
    char user_id[ID_LEN] = "", hash[CRYPTO_PWHASH_LEN] = "";
    bool active = false, row = false;
    if (!username || !username[0]) return err_required("username");
    if (!password || !password[0]) return err_required("password");
    if (strlen(username) > 64 || strlen(password) > 200)
        return err_new(ERR_UNAUTHENTICATED, NULL, "wrong username or password");
    herr *e = check_rate_limit(s, username, address);
    if (e) return e;
    if ((e = store_prepare(s, user_by_name_sql, &st))) return e;
    store_bind_text(st, ":username", username);
    e = store_step(st, &row);
    if (!e && row) {
        snprintf(user_id, sizeof user_id, "%s", store_text(st, 0));
        snprintf(hash, sizeof hash, "%s", store_text(st, 1));
        active = store_int(st, 2) != 0;
    }
    store_done(st);
    if (e) return e;
    /* Unknown users cost the same Argon2id time as known ones: no user enumeration. */
    pthread_once(&dummy_once, make_dummy_hash);
    bool ok = crypto_password_verify(row ? hash : dummy_hash, password) && row && active;
    if (!ok) {
        if ((e = record_failure(s, username, address))) return e;
        return err_new(ERR_UNAUTHENTICATED, NULL, "wrong username or password");
    }
    if ((e = open_session(s, user_id, username, address, token))) return e;
    return auth_user_get(s, user_id, user);
}

static const char session_sql[] =
    "SELECT u.id, u.username, u.role, s.last_seen_at, s.expires_at, s.created_at"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = :hash AND u.active = 1";
static const char touch_sql[] =
    "UPDATE sessions SET last_seen_at = :now, expires_at = :expires WHERE token_hash = :hash";
static const char sites_sql[] = "SELECT site_id FROM user_sites WHERE user_id = :id";

static herr *touch_session(store *s, const char *hash, int64_t t) {
    char now[CLOCK_ISO_LEN], expires[CLOCK_ISO_LEN];
    clock_format_iso(t, now);
    clock_format_iso(t + AUTH_SESSION_IDLE_SECONDS, expires);
    store_stmt *st = NULL;
    herr *e = store_prepare(s, touch_sql, &st);
    if (e) return e;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":expires", expires);
    store_bind_text(st, ":hash", hash);
    return store_run_done(&st);
}

herr *auth_session_actor(store *s, const char *token, const char *address, actor *out) {
    store_stmt *st = NULL;
    bool row = false;
    char hash[CRYPTO_HASH_HEX_LEN];
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != TOKEN_LEN - 1)
        return err_new(ERR_UNAUTHENTICATED, NULL, "please log in");
    crypto_hash_hex(token, strlen(token), hash);
    int64_t t = clock_now();
    bool touch = false;
    herr *e = store_prepare(s, session_sql, &st);
    if (e) return e;
    store_bind_text(st, ":hash", hash);
    if ((e = store_step(st, &row))) goto cleanup;
    int64_t last_seen = 0, expires = 0, created = 0;
    if (row) {
        clock_parse_iso(store_text(st, 3), &last_seen);
        clock_parse_iso(store_text(st, 4), &expires);
        clock_parse_iso(store_text(st, 5), &created);
    }
    if (!row || expires <= t || created + AUTH_SESSION_MAX_SECONDS <= t) {
        e = err_new(ERR_UNAUTHENTICATED, NULL, "your session has expired; please log in again");
        goto cleanup;
    }
    snprintf(out->user_id, sizeof out->user_id, "%s", store_text(st, 0));
    snprintf(out->username, sizeof out->username, "%s", store_text(st, 1));
    snprintf(out->role, sizeof out->role, "%s", store_text(st, 2));
    snprintf(out->address, sizeof out->address, "%s", address ? address : "");
    out->all_sites = !strcmp(out->role, "admin");
    touch = t - last_seen >= TOUCH_INTERVAL_SECONDS;
    store_done(st);
    st = NULL;
    if ((e = store_prepare(s, sites_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", out->user_id);
    while (!(e = store_step(st, &row)) && row) actor_add_site(out, store_text(st, 0));
    store_done(st);
    st = NULL;
    if (!e && touch) e = touch_session(s, hash, t);
cleanup:
    store_done(st);
    if (e) actor_clear(out);
    return e;
}

static const char delete_session_sql[] = "DELETE FROM sessions WHERE token_hash = :hash";

herr *auth_logout(store *s, const actor *a, const char *token) {
    char hash[CRYPTO_HASH_HEX_LEN];
    crypto_hash_hex(token, strlen(token), hash);
    store_stmt *st = NULL;
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, delete_session_sql, &st))) goto cleanup;
    store_bind_text(st, ":hash", hash);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = audit_record(s, a, "logout", "user", a->user_id, NULL))) goto cleanup;
    e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    return e;
}
