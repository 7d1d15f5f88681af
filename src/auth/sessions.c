/* Logins, sessions and the login rate limit. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"

/* Slowing guessers without locking out the real user (docs/security-auth.md).
 *
 * Per (username, address) pair: the first PAIR_FREE_FAILURES failures cost nothing;
 * after them each attempt waits PAIR_BASE_DELAY seconds after the last failure, doubled
 * with each further failure, capped at PAIR_MAX_DELAY. While it waits the password is
 * not even checked, so a guesser gets a few guesses an hour, while the same account
 * from another address (the real user at another desk) is not slowed at all.
 *
 * Global bounds, for what a single pair cannot see:
 * - one account guessed from many addresses: past ACCOUNT_MAX_FAILURES failures in
 *   ACCOUNT_WINDOW from all addresses, every address waits for that account;
 * - many accounts guessed from one address (password spraying): past
 *   ADDRESS_MAX_ACCOUNTS different usernames failing from it in ADDRESS_WINDOW, the
 *   address waits, for every account. Failures on one account never count more than
 *   once here, so one forgetful user never locks the others behind a shared router. */
#define PAIR_FREE_FAILURES   3
#define PAIR_BASE_DELAY      30
#define PAIR_MAX_DELAY       (15 * 60)
#define PAIR_MEMORY_SECONDS  (24 * 3600)
#define ACCOUNT_MAX_FAILURES 100
#define ACCOUNT_WINDOW       (60 * 60)
#define ADDRESS_MAX_ACCOUNTS 20
#define ADDRESS_WINDOW       (15 * 60)
/* The session's last_seen is written at most this often, not on every request. */
#define TOUCH_INTERVAL_SECONDS 60

static const char pair_sql[] =
    "SELECT COUNT(*), MAX(at) FROM login_failures"
    " WHERE username = :username AND address = :address AND at >= :since";
static const char account_sql[] =
    "SELECT COUNT(*), MIN(at) FROM (SELECT at FROM login_failures"
    " WHERE username = :username AND at >= :since ORDER BY at DESC LIMIT :max) AS f";
static const char address_sql[] =
    "SELECT COUNT(DISTINCT username) FROM login_failures WHERE address = :address AND at >= :since";
static const char user_by_name_sql[] =
    "SELECT id, password_hash, active FROM users WHERE username = :username";
static const char record_failure_sql[] =
    "INSERT INTO login_failures (username, address, at) VALUES (:username, :address, :at)";
static const char forget_failures_sql[] = "DELETE FROM login_failures WHERE at < :oldest";
static const char clear_failures_sql[] =
    "DELETE FROM login_failures WHERE username = :username AND address = :address";
static const char prune_sql[] =
    "DELETE FROM sessions WHERE expires_at < :now OR created_at < :oldest";
static const char insert_session_sql[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
    " VALUES (:hash, :user_id, :now, :now, :expires)";

int64_t auth_login_delay(int failures) {
    if (failures < PAIR_FREE_FAILURES) return 0;
    int64_t d = PAIR_BASE_DELAY;
    for (int i = PAIR_FREE_FAILURES; i < failures && d < PAIR_MAX_DELAY; i++) d *= 2;
    return d < PAIR_MAX_DELAY ? d : PAIR_MAX_DELAY;
}

static herr *wait_error(int64_t seconds) {
    if (seconds < 1) seconds = 1;
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)seconds);
    return err_with(err_new(ERR_RATE_LIMITED, NULL,
                            "too many failed logins; wait %lld seconds and try again",
                            (long long)seconds),
                    "login_wait", "seconds", text, (const char *)NULL);
}

/* One count query: its first column as an integer, its second as a time (0 if none). */
static herr *count_since(store *s, const char *sql, const char *username, const char *address,
                         int64_t since_t, int64_t *count, int64_t *when) {
    char since[CLOCK_ISO_LEN];
    clock_format_iso(since_t, since);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    if (username) store_bind_text(st, ":username", username);
    if (address) store_bind_text(st, ":address", address);
    store_bind_text(st, ":since", since);
    if (sql == account_sql) store_bind_int(st, ":max", ACCOUNT_MAX_FAILURES);
    e = store_step(st, &row);
    *count = 0;
    if (when) *when = 0;
    if (!e && row) {
        *count = store_int(st, 0);
        if (when && !store_is_null(st, 1)) clock_parse_iso(store_text(st, 1), when);
    }
    store_done(st);
    return e;
}

static herr *check_rate_limit(store *s, const char *username, const char *address) {
    int64_t now = clock_now(), n = 0, at = 0;
    herr *e = count_since(s, pair_sql, username, address, now - PAIR_MEMORY_SECONDS, &n, &at);
    if (e) return e;
    int64_t delay = auth_login_delay((int)n);
    if (delay && now < at + delay) return wait_error(at + delay - now);
    if ((e = count_since(s, account_sql, username, NULL, now - ACCOUNT_WINDOW, &n, &at))) return e;
    /* at: the oldest of the newest ACCOUNT_MAX_FAILURES; the bound lifts when it ages out. */
    if (n >= ACCOUNT_MAX_FAILURES) return wait_error(at + ACCOUNT_WINDOW - now);
    if ((e = count_since(s, address_sql, NULL, address, now - ADDRESS_WINDOW, &n, NULL))) return e;
    if (n >= ADDRESS_MAX_ACCOUNTS) return wait_error(ADDRESS_WINDOW);
    return NULL;
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
    char oldest[CLOCK_ISO_LEN];
    clock_format_iso(clock_now() - PAIR_MEMORY_SECONDS, oldest);
    if ((e = store_prepare(s, forget_failures_sql, &st))) goto cleanup;
    store_bind_text(st, ":oldest", oldest);
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
    /* Only this pair's failures: a login elsewhere does not reset a guesser's delay. */
    if ((e = store_prepare(s, clear_failures_sql, &st))) goto cleanup;
    store_bind_text(st, ":username", username);
    store_bind_text(st, ":address", address);
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

static const json_field password_fields[] = {
    {"current_password", JF_STRING, true, 200},
    {"new_password", JF_STRING, true, 200},
};
static const char hash_by_id_sql[] =
    "SELECT password_hash, username FROM users WHERE id = :id AND active = 1";
static const char set_hash_sql[] =
    "UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id";
static const char end_other_sessions_sql[] =
    "DELETE FROM sessions WHERE user_id = :id AND token_hash <> :keep";

herr *auth_password_change(store *s, const actor *a, const char *keep_token, const json_t *in) {
    store_stmt *st = NULL;
    char hash[CRYPTO_PWHASH_LEN] = "", username[64] = "";
    bool row = false;
    herr *e = json_check(in, password_fields, 2);
    if (e) return e;
    const char *current = json_str(in, "current_password");
    const char *next = json_str(in, "new_password");
    if ((e = store_prepare(s, hash_by_id_sql, &st))) return e;
    store_bind_text(st, ":id", a->user_id);
    e = store_step(st, &row);
    if (!e && row) {
        snprintf(hash, sizeof hash, "%s", store_text(st, 0));
        snprintf(username, sizeof username, "%s", store_text(st, 1));
    }
    store_done(st);
    st = NULL;
    if (e) return e;
    if (!row) return err_new(ERR_UNAUTHENTICATED, NULL, "please log in");
    if ((e = check_rate_limit(s, username, a->address))) return e;
    if (!crypto_password_verify(hash, current)) {
        if ((e = record_failure(s, username, a->address))) return e;
        return err_with(err_invalid("current_password", "the current password is wrong"),
                        "current_password_wrong", (const char *)NULL);
    }
    if ((e = auth_password_check(username, next, "new_password"))) return e;
    if (!strcmp(current, next))
        return err_with(
            err_invalid("new_password", "the new password must differ from the current one"),
            "password_same", (const char *)NULL);
    char new_hash[CRYPTO_PWHASH_LEN], now[CLOCK_ISO_LEN], keep[CRYPTO_HASH_HEX_LEN] = "";
    if ((e = crypto_password_hash(next, new_hash))) return e;
    if (keep_token) crypto_hash_hex(keep_token, strlen(keep_token), keep);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, set_hash_sql, &st))) goto cleanup;
    store_bind_text(st, ":hash", new_hash);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", a->user_id);
    if ((e = store_run_done(&st))) goto cleanup;
    if ((e = store_prepare(s, end_other_sessions_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", a->user_id);
    store_bind_text(st, ":keep", keep);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    json_t *detail = json_pack("{s:b}", "other_sessions_ended", 1);
    e = audit_record(s, a, "password_changed", "user", a->user_id, detail);
    json_decref(detail);
    if (e) goto cleanup;
    e = store_commit(s);
cleanup:
    if (e) store_rollback(s);
    sodium_memzero(new_hash, sizeof new_hash);
    return e;
}
