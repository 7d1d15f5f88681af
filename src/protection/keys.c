/* The key that seals protection data at rest, and the sealing of columns.
 *
 * Why a file beside the database and not a passphrase: a reception laptop must restart
 * unattended after a power cut, and a passphrase typed at every start ends up on a
 * sticky note. The key file is what an administrator backs up separately from the
 * database (docs/protection.md); a copied database alone opens nothing.
 *
 * The associated data of a sealed value is "table/record id/column", so a value copied
 * into another row or column fails to open instead of showing one person's notes on
 * another's file. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/store.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"

/* The process's key, shared by every server thread. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char process_key[CRYPTO_KEY_LEN]; /* guarded by key_lock */
static bool key_loaded;                           /* guarded by key_lock */

void protection_key_use(const unsigned char key[CRYPTO_KEY_LEN]) {
    pthread_mutex_lock(&key_lock);
    memcpy(process_key, key, CRYPTO_KEY_LEN);
    key_loaded = true;
    pthread_mutex_unlock(&key_lock);
}

void protection_key_forget(void) {
    pthread_mutex_lock(&key_lock);
    crypto_wipe(process_key, sizeof process_key);
    key_loaded = false;
    pthread_mutex_unlock(&key_lock);
}

bool prot_key_get(unsigned char out[32]) {
    pthread_mutex_lock(&key_lock);
    bool ok = key_loaded;
    if (ok) memcpy(out, process_key, CRYPTO_KEY_LEN);
    pthread_mutex_unlock(&key_lock);
    return ok;
}

bool protection_key_loaded(void) {
    pthread_mutex_lock(&key_lock);
    bool ok = key_loaded;
    pthread_mutex_unlock(&key_lock);
    return ok;
}

static herr *no_key(void) {
    return err_new(ERR_CONFLICT, NULL,
                   "the protection key is not loaded: start haven with the database's key "
                   "file (--key-file or HAVEN_KEY_FILE)");
}

static char *ad_of(const char *table, const char *id, const char *column) {
    return mem_printf("%s/%s/%s", table, id, column);
}

herr *prot_bind_sealed(store_stmt *st, const char *param, const char *table, const char *id,
                       const char *column, const char *plain) {
    if (!plain) {
        store_bind_null(st, param);
        return NULL;
    }
    unsigned char key[CRYPTO_KEY_LEN];
    if (!prot_key_get(key)) return no_key();
    char *ad = ad_of(table, id, column);
    char *sealed = crypto_seal_text(key, plain, strlen(plain), ad);
    store_bind_text(st, param, sealed);
    crypto_wipe(key, sizeof key);
    mem_free(sealed);
    mem_free(ad);
    return NULL;
}

herr *prot_open_column(store_stmt *st, int col, const char *table, const char *id,
                       const char *column, char **out) {
    *out = NULL;
    if (store_is_null(st, col)) return NULL;
    unsigned char key[CRYPTO_KEY_LEN];
    if (!prot_key_get(key)) return no_key();
    char *ad = ad_of(table, id, column);
    herr *e = crypto_open_text(key, store_text(st, col), ad, out, NULL);
    crypto_wipe(key, sizeof key);
    mem_free(ad);
    return e;
}

herr *prot_open_into(store_stmt *st, int col, const char *table, const char *id, const char *column,
                     json_t *obj, const char *key) {
    char *plain = NULL;
    herr *e = prot_open_column(st, col, table, id, column, &plain);
    if (e) return e;
    json_object_set_new(obj, key, plain ? json_string(plain) : json_null());
    mem_free(plain);
    return NULL;
}

herr *protection_key_path(const char *db_path, const char *explicit_path, char *out, size_t size) {
    const char *env = getenv("HAVEN_KEY_FILE");
    int n;
    if (explicit_path && explicit_path[0])
        n = snprintf(out, size, "%s", explicit_path);
    else if (env && env[0])
        n = snprintf(out, size, "%s", env);
    else if (store_url_is_postgres(db_path))
        return err_invalid("key-file",
                           "a PostgreSQL database needs --key-file or HAVEN_KEY_FILE: its key "
                           "file lives on the server that runs haven, not in the database");
    else
        n = snprintf(out, size, "%s.key", db_path);
    if (n < 0 || (size_t)n >= size) return err_invalid("key-file", "the key file path is too long");
    return NULL;
}

herr *protection_seal_text(const char *table, const char *id, const char *column, const char *plain,
                           char **out) {
    unsigned char key[CRYPTO_KEY_LEN];
    *out = NULL;
    if (!prot_key_get(key)) return no_key();
    char *ad = ad_of(table, id, column);
    *out = crypto_seal_text(key, plain, strlen(plain), ad);
    crypto_wipe(key, sizeof key);
    mem_free(ad);
    return NULL;
}

herr *protection_open_text(const char *table, const char *id, const char *column,
                           const char *sealed, char **out) {
    unsigned char key[CRYPTO_KEY_LEN];
    *out = NULL;
    if (!prot_key_get(key)) return no_key();
    char *ad = ad_of(table, id, column);
    herr *e = crypto_open_text(key, sealed, ad, out, NULL);
    crypto_wipe(key, sizeof key);
    mem_free(ad);
    return e;
}

/* ---- the fingerprint in the database ------------------------------------------------ */

static const char meta_get_sql[] = "SELECT value FROM protection_meta WHERE name = :name";
static const char meta_set_sql[] =
    "INSERT INTO protection_meta (name, value) VALUES (:name, :value)"
    " ON CONFLICT (name) DO UPDATE SET value = :value";

static herr *stored_fingerprint(store *s, char out[CRYPTO_HASH_HEX_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    out[0] = '\0';
    herr *e = store_prepare(s, meta_get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":name", "key_fingerprint");
    e = store_step(st, &row);
    if (!e && row) snprintf(out, CRYPTO_HASH_HEX_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

/* Inside a transaction: stores the fingerprint and audits it. */
static herr *set_fingerprint(store *s, const char *fp, const char *action) {
    actor a;
    actor_system(&a, "haven");
    store_stmt *st = NULL;
    herr *e = store_prepare(s, meta_set_sql, &st);
    if (e) return e;
    store_bind_text(st, ":name", "key_fingerprint");
    store_bind_text(st, ":value", fp);
    if ((e = store_run_done(&st))) return e;
    char prefix[17];
    snprintf(prefix, sizeof prefix, "%.16s", fp);
    json_t *detail = json_pack("{s:s}", "fingerprint_prefix", prefix);
    e = audit_record(s, &a, action, "protection_key", "", detail);
    json_decref(detail);
    return e;
}

static herr *store_fingerprint(store *s, const char *fp, const char *action) {
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = set_fingerprint(s, fp, action))) {
        store_rollback(s);
        return e;
    }
    return store_commit(s);
}

herr *protection_key_setup(store *s, const char *path, bool may_create) {
    unsigned char key[CRYPTO_KEY_LEN];
    char stored[CRYPTO_HASH_HEX_LEN], fp[CRYPTO_HASH_HEX_LEN];
    herr *e = stored_fingerprint(s, stored);
    if (e) return e;
    e = crypto_key_file_read(path, key);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        e = NULL;
        if (stored[0])
            return err_new(ERR_NOT_FOUND, "key-file",
                           "the key file %s is missing; this database's protection data cannot "
                           "be read without it: restore it from where the key is backed up",
                           path);
        if (!may_create) return err_new(ERR_NOT_FOUND, "key-file", "no key file %s", path);
        crypto_random(key, sizeof key);
        crypto_key_fingerprint(key, fp);
        if ((e = crypto_key_file_write(path, key))) goto cleanup;
        if ((e = store_fingerprint(s, fp, "create_key"))) {
            unlink(path);
            goto cleanup;
        }
        log_info("new protection key written to %s: back it up apart from the database", path);
        protection_key_use(key);
        goto cleanup;
    }
    if (e) goto cleanup;
    crypto_key_fingerprint(key, fp);
    if (stored[0] && strcmp(stored, fp) != 0) {
        e = err_new(ERR_CONFLICT, "key-file",
                    "the key file %s does not belong to this database (if a key rotation was "
                    "interrupted, the right key is in %s.new or %s.old)",
                    path, path, path);
        goto cleanup;
    }
    if (!stored[0] && (e = store_fingerprint(s, fp, "adopt_key"))) goto cleanup;
    protection_key_use(key);
cleanup:
    crypto_wipe(key, sizeof key);
    return e;
}

/* ---- rotation ----------------------------------------------------------------------- */

typedef struct {
    const char *table, *column, *select_sql, *update_sql;
} sealed_column;

#define SEALED(t, c)                                                                               \
    {                                                                                              \
        t, c, "SELECT id, " c " FROM " t " WHERE " c " IS NOT NULL",                               \
            "UPDATE " t " SET " c " = :v WHERE id = :id"                                           \
    }

/* Every sealed column under the key: a new one must be listed here to be rotated. The
 * feedback module's PSEA reports and the screening module's watch lists are sealed under the
 * same key (protection_seal_text). */
static const sealed_column sealed_columns[] = {
    SEALED("protection_screenings", "payload"), SEALED("protection_consents", "note"),
    SEALED("protection_referrals", "reason"),   SEALED("protection_referral_steps", "note"),
    SEALED("protection_cases", "guardian"),     SEALED("protection_cases", "summary"),
    SEALED("protection_cases", "close_note"),   SEALED("protection_case_actions", "description"),
    SEALED("protection_case_notes", "text"),    SEALED("protection_case_events", "note"),
    SEALED("protection_bia", "summary"),        SEALED("protection_break_glass", "reason"),
    SEALED("psea_reports", "payload"),          SEALED("psea_events", "note"),
    SEALED("watch_lists", "sealed_csv"),        SEALED("person_photos", "image"),
};

typedef struct {
    char id[ID_LEN];
    char *sealed;
} resealed;

/* Reads every value of one column, opens it with old and seals it with new, then
 * writes them back (reading first: no update under a running scan). */
static herr *reseal_column(store *s, const sealed_column *c, const unsigned char *old_key,
                           const unsigned char *new_key, long *count) {
    store_stmt *st = NULL;
    resealed *rows = NULL;
    size_t n = 0;
    bool row;
    herr *e = store_prepare(s, c->select_sql, &st);
    if (e) return e;
    while (!(e = store_step(st, &row)) && row) {
        const char *id = store_text(st, 0);
        char *ad = ad_of(c->table, id, c->column), *plain = NULL;
        size_t plen = 0;
        e = crypto_open_text(old_key, store_text(st, 1), ad, &plain, &plen);
        if (!e) {
            rows = mem_realloc(rows, (n + 1) * sizeof *rows);
            snprintf(rows[n].id, ID_LEN, "%s", id);
            rows[n].sealed = crypto_seal_text(new_key, plain, plen, ad);
            n++;
            crypto_wipe(plain, plen);
        }
        mem_free(plain);
        mem_free(ad);
        if (e) break;
    }
    store_done(st);
    st = NULL;
    for (size_t i = 0; i < n && !e; i++) {
        if ((e = store_prepare(s, c->update_sql, &st))) break;
        store_bind_text(st, ":v", rows[i].sealed);
        store_bind_text(st, ":id", rows[i].id);
        e = store_run_done(&st);
        (*count)++;
    }
    for (size_t i = 0; i < n; i++) mem_free(rows[i].sealed);
    mem_free(rows);
    return e;
}

herr *protection_key_rotate(store *s, const char *path, long *count) {
    unsigned char old_key[CRYPTO_KEY_LEN], new_key[CRYPTO_KEY_LEN];
    char stored[CRYPTO_HASH_HEX_LEN], fp[CRYPTO_HASH_HEX_LEN];
    char *old_path = mem_printf("%s.old", path), *new_path = mem_printf("%s.new", path);
    bool began = false, wrote_old = false, wrote_new = false;
    *count = 0;
    herr *e = stored_fingerprint(s, stored);
    if (e) goto cleanup;
    if ((e = crypto_key_file_read(path, old_key))) goto cleanup;
    crypto_key_fingerprint(old_key, fp);
    if (stored[0] && strcmp(stored, fp) != 0) {
        e = err_new(ERR_CONFLICT, "key-file", "the key file %s does not belong to this database",
                    path);
        goto cleanup;
    }
    if ((e = crypto_key_file_write(old_path, old_key))) goto cleanup;
    wrote_old = true;
    crypto_random(new_key, sizeof new_key);
    if ((e = crypto_key_file_write(new_path, new_key))) goto cleanup;
    wrote_new = true;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    for (size_t i = 0; i < sizeof sealed_columns / sizeof sealed_columns[0]; i++)
        if ((e = reseal_column(s, &sealed_columns[i], old_key, new_key, count))) goto cleanup;
    crypto_key_fingerprint(new_key, fp);
    if ((e = set_fingerprint(s, fp, "rotate_key"))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    /* Committed: the database is under the new key, which is safe in path.new. */
    if (rename(new_path, path) != 0) {
        e = err_new(ERR_IO, "key-file",
                    "the data was re-encrypted but %s could not be renamed to %s: do it by hand",
                    new_path, path);
        wrote_new = wrote_old = false; /* keep both files for the administrator */
        goto cleanup;
    }
    wrote_new = false;
    protection_key_use(new_key);
cleanup:
    if (began) store_rollback(s);
    if (wrote_new) unlink(new_path);
    if (wrote_old) unlink(old_path);
    crypto_wipe(old_key, sizeof old_key);
    crypto_wipe(new_key, sizeof new_key);
    mem_free(old_path);
    mem_free(new_path);
    return e;
}
