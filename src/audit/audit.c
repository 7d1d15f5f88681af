#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/mem.h"

static const char migration_1[] =
    "CREATE TABLE audit_log ("
    " seq INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor_id TEXT NOT NULL,"
    " actor_name TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " entity TEXT NOT NULL,"
    " entity_id TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " detail TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);";

static const store_migration migrations[] = {{1, migration_1}};

herr *audit_migrate(store *s) {
    herr *e = store_migrate(s, "audit", migrations, sizeof migrations / sizeof migrations[0]);
    if (!e) e = store_make_append_only(s, "audit_log");
    return e;
}

/* The chain starts from a fixed, documented value rather than an empty string so that
 * the first entry's hash also depends on something. */
static const char genesis_hash[] = "haven-audit-genesis";

typedef struct {
    char seq[24];
    const char *at, *actor_id, *actor_name, *action, *entity, *entity_id, *address, *detail;
    const char *prev_hash;
} audit_fields;

static void entry_hash(const audit_fields *f, char out[CRYPTO_HASH_HEX_LEN]) {
    const char *parts[] = {f->prev_hash,  f->seq,    f->at,     f->actor_id,
                           f->actor_name, f->action, f->entity, f->entity_id,
                           f->address,    f->detail, NULL};
    crypto_hash_parts_hex(parts, out);
}

static const char last_sql[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
static const char insert_sql[] =
    "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, entity, entity_id, address,"
    " detail, prev_hash, hash) VALUES (:seq, :at, :actor_id, :actor_name, :action, :entity,"
    " :entity_id, :address, :detail, :prev_hash, :hash)";

/* ---- the anchor ---------------------------------------------------------------------- */

static pthread_mutex_t anchor_lock = PTHREAD_MUTEX_INITIALIZER;
static bool anchor_on;
static bool anchor_follow; /* moved forward after commits (not for a backup's checkpoint) */
static unsigned char anchor_key[CRYPTO_KEY_LEN];
static char anchor_head_path[4096];
static int64_t anchor_seq; /* the checkpoint on disk */
static char anchor_hash[CRYPTO_HASH_HEX_LEN];

static const char head_header[] = "haven-audit-head v1";

static void head_mac(int64_t seq, const char *hash, char out[CRYPTO_HASH_HEX_LEN]) {
    char text[96];
    int n = snprintf(text, sizeof text, "%lld:%s", (long long)seq, hash);
    unsigned char mac[32];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)text, (size_t)n, anchor_key,
                       sizeof anchor_key);
    sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN, mac, sizeof mac);
}

/* Reads the checkpoint: ERR_NOT_FOUND when there is none, ERR_CONFLICT when it does not
 * carry this key's MAC. */
static herr *head_read(const char *path, int64_t *seq, char hash[CRYPTO_HASH_HEX_LEN]) {
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return err_new(ERR_NOT_FOUND, NULL, "no audit head checkpoint %s", path);
        return err_new(ERR_IO, NULL, "cannot read %s: %s", path, strerror(errno));
    }
    char header[32] = "", h[CRYPTO_HASH_HEX_LEN] = "", mac[CRYPTO_HASH_HEX_LEN] = "";
    long long n = -1;
    int got = fscanf(f, "%31[^\n] %lld %64s %64s", header, &n, h, mac);
    fclose(f);
    char want[CRYPTO_HASH_HEX_LEN];
    if (got == 4 && n >= 0) head_mac(n, h, want);
    if (got != 4 || n < 0 || strcmp(header, head_header) != 0 || !crypto_equal(want, mac))
        return err_new(ERR_CONFLICT, NULL,
                       "the audit head checkpoint %s was altered (or is not this key's)", path);
    *seq = n;
    snprintf(hash, CRYPTO_HASH_HEX_LEN, "%s", h);
    return NULL;
}

static herr *head_write(const char *path, int64_t seq, const char *hash) {
    char mac[CRYPTO_HASH_HEX_LEN], text[256];
    head_mac(seq, hash, mac);
    int n = snprintf(text, sizeof text, "%s\n%lld %s %s\n", head_header, (long long)seq, hash, mac);
    /* A temporary name of this process's own: two servers sharing a key file (on one
     * machine) must not write into each other's half-written checkpoint. */
    char *tmp = mem_printf("%s.tmp.%ld", path, (long)getpid());
    herr *e = NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    if (fd >= 0) ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        e = err_new(ERR_IO, NULL, "cannot write the audit head checkpoint %s: %s", path,
                    strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    /* No fsync of the directory: if the rename is lost in a crash, the older checkpoint
     * stays, and a log ahead of its checkpoint is fine; the file's own fsync above keeps
     * a checkpoint that did land whole. */
cleanup:
    mem_free(tmp);
    return e;
}

static const char hash_at_sql[] = "SELECT hash FROM audit_log WHERE seq = :seq";

/* The hash of entry seq ("" when there is none; the genesis value for 0). */
static herr *hash_at(store *s, int64_t seq, char out[CRYPTO_HASH_HEX_LEN]) {
    out[0] = 0;
    if (seq == 0) {
        snprintf(out, CRYPTO_HASH_HEX_LEN, "%s", genesis_hash);
        return NULL;
    }
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, hash_at_sql, &st);
    if (e) return e;
    store_bind_int(st, ":seq", seq);
    e = store_step(st, &row);
    if (!e && row) snprintf(out, CRYPTO_HASH_HEX_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

static herr *head_of_log(store *s, int64_t *seq, char hash[CRYPTO_HASH_HEX_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, last_sql, &st);
    if (e) return e;
    e = store_step(st, &row);
    *seq = row ? store_int(st, 0) : 0;
    snprintf(hash, CRYPTO_HASH_HEX_LEN, "%s", row ? store_text(st, 1) : genesis_hash);
    store_done(st);
    return e;
}

/* After a commit that added entries: moves the checkpoint to the newest entry, but only
 * when the entry the checkpoint names is still there unchanged. Called with the lock. */
static herr *advance_checkpoint(store *s) {
    int64_t seq;
    char hash[CRYPTO_HASH_HEX_LEN], at_old[CRYPTO_HASH_HEX_LEN];
    herr *e = head_of_log(s, &seq, hash);
    if (!e) e = hash_at(s, anchor_seq, at_old);
    if (e) return e;
    if (seq < anchor_seq || strcmp(at_old, anchor_hash) != 0)
        return err_new(ERR_CONFLICT, NULL,
                       "the audit log no longer holds entry %lld of its checkpoint (truncated "
                       "or rewritten); the checkpoint is kept: run haven audit verify",
                       (long long)anchor_seq);
    if (seq == anchor_seq) return NULL;
    if ((e = head_write(anchor_head_path, seq, hash))) return e;
    anchor_seq = seq;
    snprintf(anchor_hash, sizeof anchor_hash, "%s", hash);
    return NULL;
}

static void checkpoint_after_commit(store *s) {
    pthread_mutex_lock(&anchor_lock);
    herr *e = anchor_on && anchor_follow ? advance_checkpoint(s) : NULL;
    pthread_mutex_unlock(&anchor_lock);
    if (e) log_error("audit anchor: %s", e->message);
    err_free(e);
}

/* Reads the anchor key (creating it when may_create) and the checkpoint at head_path
 * (writing a first one when there is none and may_create). */
static herr *anchor_start(store *s, const char *key_path, const char *head_path, bool may_create,
                          bool follow) {
    char key_file[4096];
    herr *e = NULL;
    audit_anchor_forget();
    if ((size_t)snprintf(key_file, sizeof key_file, "%s.audit-key", key_path) >= sizeof key_file ||
        (size_t)snprintf(anchor_head_path, sizeof anchor_head_path, "%s", head_path) >=
            sizeof anchor_head_path)
        return err_invalid("key-file", "the key file's path is too long");
    pthread_mutex_lock(&anchor_lock);
    e = crypto_key_file_read(key_file, anchor_key);
    if (e && e->code == ERR_NOT_FOUND && may_create) {
        err_free(e);
        crypto_random(anchor_key, sizeof anchor_key);
        e = crypto_key_file_write(key_file, anchor_key);
    }
    if (e) goto cleanup;
    e = head_read(anchor_head_path, &anchor_seq, anchor_hash);
    if (e && e->code == ERR_NOT_FOUND && may_create) {
        /* The first checkpoint: it vouches for the log as it is now. */
        err_free(e);
        e = head_of_log(s, &anchor_seq, anchor_hash);
        if (!e) e = head_write(anchor_head_path, anchor_seq, anchor_hash);
    } else if (e && e->code == ERR_NOT_FOUND) {
        /* The key is there, so a checkpoint was written: someone removed it. */
        err_free(e);
        e = err_new(ERR_CONFLICT, NULL, "the audit head checkpoint %s is missing",
                    anchor_head_path);
    }
    if (e) goto cleanup;
    anchor_on = true;
    anchor_follow = follow;
cleanup:
    if (e) crypto_wipe(anchor_key, sizeof anchor_key);
    pthread_mutex_unlock(&anchor_lock);
    return e;
}

herr *audit_anchor_use(store *s, const char *key_path, bool may_create) {
    char head_path[4096];
    if ((size_t)snprintf(head_path, sizeof head_path, "%s.audit-head", key_path) >=
        sizeof head_path)
        return err_invalid("key-file", "the key file's path is too long");
    return anchor_start(s, key_path, head_path, may_create, true);
}

herr *audit_anchor_use_checkpoint(store *s, const char *key_path, const char *head_path) {
    return anchor_start(s, key_path, head_path, false, false);
}

herr *audit_anchor_export(store *s, const char *head_path) {
    int64_t seq;
    char hash[CRYPTO_HASH_HEX_LEN];
    pthread_mutex_lock(&anchor_lock);
    herr *e = anchor_on ? head_of_log(s, &seq, hash)
                        : err_new(ERR_INTERNAL, NULL, "no audit anchor is in use");
    if (!e) e = head_write(head_path, seq, hash);
    pthread_mutex_unlock(&anchor_lock);
    return e;
}

void audit_anchor_forget(void) {
    pthread_mutex_lock(&anchor_lock);
    anchor_on = false;
    anchor_follow = false;
    anchor_seq = 0;
    anchor_hash[0] = 0;
    crypto_wipe(anchor_key, sizeof anchor_key);
    pthread_mutex_unlock(&anchor_lock);
}

/* With an anchor: the log must reach the checkpoint, and hold its entry unchanged. */
static herr *verify_against_anchor(store *s, int64_t count, int64_t *broken_seq) {
    int64_t seq;
    char hash[CRYPTO_HASH_HEX_LEN], at[CRYPTO_HASH_HEX_LEN];
    pthread_mutex_lock(&anchor_lock);
    bool on = anchor_on;
    pthread_mutex_unlock(&anchor_lock);
    if (!on) return NULL;
    herr *e = head_read(anchor_head_path, &seq, hash);
    if (e) return e;
    if (count < seq) {
        *broken_seq = count + 1;
        return err_new(ERR_CONFLICT, NULL,
                       "audit log truncated: %lld entries missing after #%lld (the checkpoint "
                       "%s names #%lld)",
                       (long long)(seq - count), (long long)count, anchor_head_path,
                       (long long)seq);
    }
    if ((e = hash_at(s, seq, at))) return e;
    if (strcmp(at, hash) != 0) {
        *broken_seq = seq;
        return err_new(ERR_CONFLICT, NULL,
                       "audit entry %lld is not the one the checkpoint %s names (the log was "
                       "rewritten)",
                       (long long)seq, anchor_head_path);
    }
    return NULL;
}

herr *audit_record(store *s, const actor *a, const char *action, const char *entity,
                   const char *entity_id, const json_t *detail) {
    herr *e = NULL;
    store_stmt *st = NULL;
    char *detail_text = NULL;
    char prev[CRYPTO_HASH_HEX_LEN] = "";
    int64_t seq = 1;
    if (!store_in_transaction(s))
        return err_new(ERR_INTERNAL, NULL, "audit_record outside a transaction");
    e = store_prepare(s, last_sql, &st);
    if (e) goto cleanup;
    bool row;
    e = store_step(st, &row);
    if (e) goto cleanup;
    if (row) {
        seq = store_int(st, 0) + 1;
        snprintf(prev, sizeof prev, "%s", store_text(st, 1));
    } else {
        snprintf(prev, sizeof prev, "%s", genesis_hash);
    }
    store_done(st);
    st = NULL;

    detail_text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : mem_strdup("{}");
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), at);
    audit_fields f = {.at = at,
                      .actor_id = a->user_id,
                      .actor_name = a->username,
                      .action = action,
                      .entity = entity,
                      .entity_id = entity_id ? entity_id : "",
                      .address = a->address,
                      .detail = detail_text,
                      .prev_hash = prev};
    snprintf(f.seq, sizeof f.seq, "%lld", (long long)seq);
    char hash[CRYPTO_HASH_HEX_LEN];
    entry_hash(&f, hash);

    e = store_prepare(s, insert_sql, &st);
    if (e) goto cleanup;
    store_bind_int(st, ":seq", seq);
    store_bind_text(st, ":at", f.at);
    store_bind_text(st, ":actor_id", f.actor_id);
    store_bind_text(st, ":actor_name", f.actor_name);
    store_bind_text(st, ":action", f.action);
    store_bind_text(st, ":entity", f.entity);
    store_bind_text(st, ":entity_id", f.entity_id);
    store_bind_text(st, ":address", f.address);
    store_bind_text(st, ":detail", f.detail);
    store_bind_text(st, ":prev_hash", f.prev_hash);
    store_bind_text(st, ":hash", hash);
    if ((e = store_run_done(&st))) goto cleanup;
    if (anchor_on) store_after_commit(s, checkpoint_after_commit);
cleanup:
    store_done(st);
    free(detail_text); /* from json_dumps or mem_strdup: both plain malloc */
    return e;
}

herr *audit_record_read(store *s, const actor *a, const char *entity, const char *entity_id,
                        const json_t *detail) {
    if (store_in_transaction(s)) return audit_record(s, a, "read", entity, entity_id, detail);
    herr *e = store_begin(s);
    if (e) return e;
    e = audit_record(s, a, "read", entity, entity_id, detail);
    if (e) {
        store_rollback(s);
        return e;
    }
    return store_commit(s);
}

static const char walk_sql[] =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, address, detail,"
    " prev_hash, hash FROM audit_log ORDER BY seq";

herr *audit_verify(store *s, int64_t *count, int64_t *broken_seq) {
    herr *e = NULL;
    store_stmt *st = NULL;
    char prev[CRYPTO_HASH_HEX_LEN];
    snprintf(prev, sizeof prev, "%s", genesis_hash);
    int64_t expected_seq = 1;
    *count = 0;
    *broken_seq = 0;
    e = store_prepare(s, walk_sql, &st);
    if (e) return e;
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        int64_t seq = store_int(st, 0);
        audit_fields f = {.at = store_text(st, 1),
                          .actor_id = store_text(st, 2),
                          .actor_name = store_text(st, 3),
                          .action = store_text(st, 4),
                          .entity = store_text(st, 5),
                          .entity_id = store_text(st, 6),
                          .address = store_text(st, 7),
                          .detail = store_text(st, 8),
                          .prev_hash = store_text(st, 9)};
        snprintf(f.seq, sizeof f.seq, "%lld", (long long)seq);
        char hash[CRYPTO_HASH_HEX_LEN];
        entry_hash(&f, hash);
        const char *why = NULL;
        if (seq != expected_seq)
            why = seq > expected_seq ? "an entry before it is missing" : "entries are out of order";
        else if (strcmp(f.prev_hash, prev) != 0)
            why = "it does not follow the entry before it (removed or reordered)";
        else if (strcmp(hash, store_text(st, 10)) != 0)
            why = "its content was changed";
        if (why) {
            *broken_seq = seq;
            e = err_new(ERR_CONFLICT, NULL, "audit entry %lld is broken: %s", (long long)seq, why);
            break;
        }
        snprintf(prev, sizeof prev, "%s", store_text(st, 10));
        expected_seq = seq + 1;
        (*count)++;
    }
    store_done(st);
    if (!e) e = verify_against_anchor(s, *count, broken_seq);
    return e;
}

static const char list_sql[] =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, address, detail"
    " FROM audit_log"
    " WHERE (:entity IS NULL OR entity = :entity) AND (:entity_id IS NULL OR entity_id = :entity_id)"
    " AND (:before = 0 OR seq < :before)"
    " AND (:restricted = 1 OR entity NOT LIKE 'restricted.%')"
    " ORDER BY seq DESC LIMIT :limit";

static herr *list(store *s, const char *entity, const char *entity_id, int limit, int64_t before,
                  bool restricted, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    int64_t last = 0;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    store_bind_int(st, ":restricted", restricted);
    store_bind_text(st, ":entity", entity);
    store_bind_text(st, ":entity_id", entity_id);
    store_bind_int(st, ":before", before);
    store_bind_int(st, ":limit", limit);
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        json_t *detail = json_loads(store_text(st, 8), 0, NULL);
        last = store_int(st, 0);
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "seq", (json_int_t)last, "at",
                             store_text(st, 1), "actor_id", store_text(st, 2), "actor_name",
                             store_text(st, 3), "action", store_text(st, 4), "entity",
                             store_text(st, 5), "entity_id", store_text(st, 6), "address",
                             store_text(st, 7), "detail", detail ? detail : json_object()));
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    bool more = (int)json_array_size(items) == limit;
    *out = json_pack("{s:o,s:o}", "items", items, "next_cursor",
                     more ? json_integer(last) : json_null());
    return NULL;
}

herr *audit_list(store *s, const char *entity, const char *entity_id, int limit, int64_t before,
                 json_t **out) {
    return list(s, entity, entity_id, limit, before, false, out);
}

herr *audit_list_restricted(store *s, const char *entity, const char *entity_id, int limit,
                            json_t **out) {
    if (!entity || strncmp(entity, AUDIT_RESTRICTED_PREFIX, strlen(AUDIT_RESTRICTED_PREFIX)))
        return err_new(ERR_INTERNAL, "entity", "not a restricted entity: %s", entity);
    return list(s, entity, entity_id, limit, 0, true, out);
}

static const char action_sql[] =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, address, detail"
    " FROM audit_log WHERE action = :action ORDER BY seq DESC LIMIT :limit";

/* A scan of the reads (there is no index on detail): the person's own entries through the
 * entity index would miss the protection reads, whose entity id is a case or referral. */
static const char person_reads_sql[] =
    "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, address, detail"
    " FROM audit_log WHERE action = 'read' AND entity NOT LIKE 'restricted.%'"
    " AND (entity_id = :person OR (detail LIKE '%person_id%'"
    "  AND json_extract(detail, '$.person_id') = :person))"
    " ORDER BY seq DESC LIMIT :limit";

static herr *list_query(store *s, const char *sql, const char *name, const char *value, int limit,
                        json_t **out);

herr *audit_list_action(store *s, const char *action, int limit, json_t **out) {
    return list_query(s, action_sql, ":action", action, limit, out);
}

herr *audit_list_person_reads(store *s, const char *person_id, int limit, json_t **out) {
    return list_query(s, person_reads_sql, ":person", person_id, limit, out);
}

static herr *list_query(store *s, const char *sql, const char *name, const char *value, int limit,
                        json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    herr *e = store_prepare(s, sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, name, value);
    store_bind_int(st, ":limit", limit);
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        json_t *detail = json_loads(store_text(st, 8), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "seq", (json_int_t)store_int(st, 0),
                      "at", store_text(st, 1), "actor_id", store_text(st, 2), "actor_name",
                      store_text(st, 3), "action", store_text(st, 4), "entity", store_text(st, 5),
                      "entity_id", store_text(st, 6), "address", store_text(st, 7), "detail",
                      detail ? detail : json_object()));
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

/* Entities of the protection module that carry no fact about a person. */
static const char *const protection_plain[] = {"protection_key", "protection_provider",
                                               "protection_figures"};

bool audit_is_protection_fact(const char *entity) {
    if (!entity || strncmp(entity, "protection_", 11) != 0) return false;
    for (size_t i = 0; i < sizeof protection_plain / sizeof protection_plain[0]; i++)
        if (!strcmp(entity, protection_plain[i])) return false;
    return true;
}

void audit_redact_protection(json_t *list) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item) {
        if (!audit_is_protection_fact(json_string_value(json_object_get(item, "entity")))) continue;
        const char *action = json_string_value(json_object_get(item, "action"));
        bool read = action && !strcmp(action, "read");
        json_object_set_new(item, "action", json_string(read ? "read" : "change"));
        json_object_set_new(item, "entity", json_string("protection"));
        json_object_set_new(item, "entity_id", json_string(""));
        json_object_set_new(item, "detail", json_object());
        json_object_set_new(item, "redacted", json_true());
    }
}
