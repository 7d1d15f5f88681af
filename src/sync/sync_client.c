/* The site's side of a sync: an HTTP(S) client (libcurl) that logs in, enrols an empty
 * database, pushes this installation's changes and pulls everyone else's.
 *
 * Every step commits its progress with the data it brought (pushed_upto after the
 * server acknowledged a batch; pulled_upto and the enrolment position in the same
 * transaction as the rows), so a run cut anywhere goes on from there, and a request
 * repeated after a cut connection does no harm: the server skips changes it holds. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sync/sync.h"
#include "sync/sync_internal.h"

#define SYNC_MAX_RESPONSE (64u * 1024 * 1024)

typedef struct {
    const sync_options *o;
    char token[128];
} client;

typedef struct {
    char *data;
    size_t len;
    bool too_big;
} buffer;

static size_t on_data(char *p, size_t size, size_t n, void *arg) {
    buffer *b = arg;
    size_t add = size * n;
    if (b->len + add > SYNC_MAX_RESPONSE) {
        b->too_big = true;
        return 0;
    }
    b->data = mem_realloc(b->data, b->len + add + 1);
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* One request. ERR_UNAVAILABLE when it may succeed if tried again (no connection, cut,
 * timeout, 502/503/504/429); the server's own error otherwise. *out owned by the caller. */
static herr *request_once(client *c, const char *method, const char *path, const json_t *body,
                          json_t **out) {
    CURL *h = curl_easy_init();
    struct curl_slist *headers = NULL;
    buffer b = {0};
    char *url = mem_printf("%s%s", c->o->server, path), *text = NULL, *auth = NULL;
    herr *e = NULL;
    if (!h) {
        e = err_new(ERR_INTERNAL, NULL, "libcurl could not start");
        goto cleanup;
    }
    headers = curl_slist_append(headers, "Accept: application/json");
    if (body) {
        text = json_dumps(body, JSON_COMPACT);
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
    }
    if (c->token[0]) {
        auth = mem_printf("Authorization: Bearer %s", c->token);
        headers = curl_slist_append(headers, auth);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->o->timeout_s > 0 ? c->o->timeout_s : 60L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    if (c->o->ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, c->o->ca_file);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (b.too_big) {
        e = err_new(ERR_TOO_LARGE, NULL, "the server's answer is larger than %u bytes",
                    SYNC_MAX_RESPONSE);
        goto cleanup;
    }
    if (rc != CURLE_OK) {
        e = err_new(ERR_UNAVAILABLE, NULL, "%s %s: %s", method, path, curl_easy_strerror(rc));
        goto cleanup;
    }
    json_t *j = b.len ? json_loadb(b.data, b.len, 0, NULL) : json_object();
    curl_off_t expected = -1;
    curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
    if (status == 0 || (status != 204 && (!b.len || !j)) ||
        (expected >= 0 && (size_t)expected != b.len)) {
        /* A connection closed in the middle of the answer can look like a short success. */
        json_decref(j);
        e = err_new(ERR_UNAVAILABLE, NULL, "%s %s: the answer was cut short", method, path);
        goto cleanup;
    }
    if (status >= 200 && status < 300) {
        *out = j;
        goto cleanup;
    }
    json_t *err = json_object_get(j, "error");
    const char *msg = json_str(err, "message");
    err_code code = status == 401                      ? ERR_UNAUTHENTICATED
                    : status == 403                    ? ERR_FORBIDDEN
                    : status == 404                    ? ERR_NOT_FOUND
                    : status == 409                    ? ERR_CONFLICT
                    : status == 400                    ? ERR_INVALID
                    : (status == 429 || status >= 502) ? ERR_UNAVAILABLE
                                                       : ERR_IO;
    e = err_new(code, json_str(err, "field"), "%s %s: the server answered %ld%s%s", method, path,
                status, msg ? ": " : "", msg ? msg : "");
    json_decref(j);
cleanup:
    if (h) curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    mem_free(url);
    mem_free(auth);
    free(text);
    mem_free(b.data);
    return e;
}

static void pause_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* request_once, tried again (waiting longer each time) while it may yet succeed. */
static herr *request(client *c, const char *method, const char *path, const json_t *body,
                     json_t **out) {
    int tries = c->o->retries > 0 ? c->o->retries : 8;
    int wait = c->o->retry_ms > 0 ? c->o->retry_ms : 500;
    for (int i = 1;; i++) {
        herr *e = request_once(c, method, path, body, out);
        if (!e || e->code != ERR_UNAVAILABLE || i >= tries) return e;
        log_info("sync: %s; trying again (%d of %d)", e->message, i + 1, tries);
        err_free(e);
        pause_ms(wait);
        if (wait < 5000) wait *= 2;
    }
}

static herr *login(client *c) {
    json_t *body = json_pack("{s:s,s:s}", "username", c->o->username, "password",
                             c->o->password ? c->o->password : "");
    json_t *res = NULL;
    herr *e = request(c, "POST", "/api/v1/session", body, &res);
    json_decref(body);
    if (e) return e;
    if (!json_str(res, "token"))
        e = err_new(ERR_IO, NULL, "the server gave no session token");
    else
        snprintf(c->token, sizeof c->token, "%s", json_str(res, "token"));
    json_decref(res);
    return e;
}

/* ---- local state ---------------------------------------------------------------------- */

typedef struct {
    char origin[SYNC_ORIGIN_LEN];
    int64_t pushed_upto, pulled_upto;
    int enrol_table;
    char enrol_after[128];
    bool enrolled, started;
} state;

static const char state_sql[] =
    "SELECT origin, pushed_upto, pulled_upto, enrol_table, enrol_after, enrolled_at, server"
    " FROM sync_state";

static herr *state_read(store *s, state *out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, state_sql, &st);
    if (!e) e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_INTERNAL, NULL, "sync_state is empty");
    if (!e) {
        snprintf(out->origin, sizeof out->origin, "%s", store_text(st, 0));
        out->pushed_upto = store_int(st, 1);
        out->pulled_upto = store_int(st, 2);
        out->enrol_table = (int)store_int(st, 3);
        snprintf(out->enrol_after, sizeof out->enrol_after, "%s", store_text(st, 4));
        out->enrolled = !store_is_null(st, 5);
        out->started = !store_is_null(st, 6);
    }
    store_done(st);
    return e;
}

static const char start_sql[] =
    "UPDATE sync_state SET server = :server, pulled_upto = :seq, enrol_table = 0,"
    " enrol_after = ''";
static const char enrol_step_sql[] = "UPDATE sync_state SET enrol_table = :t, enrol_after = :after";
static const char enrolled_sql[] = "UPDATE sync_state SET enrolled_at = :now";
static const char pushed_sql[] = "UPDATE sync_state SET pushed_upto = :n";
static const char pulled_sql[] = "UPDATE sync_state SET pulled_upto = :n";
static const char any_person_sql[] = "SELECT 1 FROM persons LIMIT 1";

static herr *state_set(store *s, const char *sql, const char *param, int64_t n) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_int(st, param, n);
    return store_run_done(&st);
}

/* ---- enrolment ------------------------------------------------------------------------ */

static const char *const enrol_tables[] = {"sites", "registration_counters", "persons", "stays"};
#define ENROL_TABLES 4

static herr *enrol(client *c, store *s, state *stt, int batch, json_t *report) {
    herr *e = NULL;
    json_t *res = NULL;
    int rows = 0;
    if (!stt->started) {
        bool any = false;
        store_stmt *st = NULL;
        if ((e = store_prepare(s, any_person_sql, &st))) return e;
        e = store_step(st, &any);
        store_done(st);
        if (!e && any)
            e = err_invalid("db", "this database holds people but was never synced: enrol"
                                  " an empty database");
        if (!e) e = request(c, "GET", "/api/v1/sync/status", NULL, &res);
        if (e) return e;
        json_int_t seq = json_integer_value(json_object_get(res, "seq"));
        json_decref(res);
        res = NULL;
        if ((e = store_begin(s))) return e;
        store_stmt *st2 = NULL;
        if (!(e = store_prepare(s, start_sql, &st2))) {
            store_bind_text(st2, ":server", c->o->server);
            store_bind_int(st2, ":seq", seq);
            e = store_run_done(&st2);
        }
        if (!e) e = store_commit(s);
        if (e) {
            store_rollback(s);
            return e;
        }
        stt->enrol_table = 0;
        stt->enrol_after[0] = '\0';
        stt->pulled_upto = seq; /* the snapshot holds everything before */
        stt->started = true;
    }
    while (stt->enrol_table < ENROL_TABLES) {
        const char *table = enrol_tables[stt->enrol_table];
        char path[256];
        snprintf(path, sizeof path, "/api/v1/sync/snapshot?table=%s&limit=%d&after=%s", table,
                 batch, stt->enrol_after);
        if ((e = request(c, "GET", path, NULL, &res))) return e;
        json_t *list = json_object_get(res, "rows"), *r, *ids = json_array();
        const char *next = json_str(res, "next");
        size_t i;
        bool began = false;
        if ((e = store_begin(s))) goto page_done;
        began = true;
        if ((e = sync_capture(s, false))) goto page_done;
        json_array_foreach(list, i, r) {
            if ((e = sync_insert_row(s, table, r))) goto page_done;
            if (!strcmp(table, "persons") && store_changes(s))
                json_array_append_new(ids, json_string(json_str(r, "id")));
        }
        if ((e = sync_capture(s, true))) goto page_done;
        if (next) {
            snprintf(stt->enrol_after, sizeof stt->enrol_after, "%s", next);
        } else {
            stt->enrol_table++;
            stt->enrol_after[0] = '\0';
        }
        store_stmt *st = NULL;
        if ((e = store_prepare(s, enrol_step_sql, &st))) goto page_done;
        store_bind_int(st, ":t", stt->enrol_table);
        store_bind_text(st, ":after", stt->enrol_after);
        if ((e = store_run_done(&st))) goto page_done;
        e = store_commit(s);
        began = false;
        rows += (int)json_array_size(list);
        json_array_foreach(ids, i, r) registry_person_rematch(s, json_string_value(r));
    page_done:
        if (e && began) store_rollback(s);
        json_decref(ids);
        json_decref(res);
        res = NULL;
        if (e) return e;
    }
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    store_stmt *st = NULL;
    if ((e = store_prepare(s, enrolled_sql, &st))) return e;
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    stt->enrolled = true;
    json_object_set_new(report, "enrolled", json_integer(rows));
    return NULL;
}

/* ---- registration number blocks ------------------------------------------------------ */

/* Numbers reserved at a time per site; a new block is asked for when half is used. */
#define SYNC_BLOCK 200

static const char blocks_left_sql[] =
    "SELECT b.site_id FROM sync_blocks b JOIN registration_counters r ON r.site_id = b.site_id"
    " AND r.year = b.year WHERE b.year = :year AND b.block_to - r.last >= :half";
static const char block_counter_sql[] =
    "INSERT INTO registration_counters (site_id, year, last) VALUES (:site, :year, :last)"
    " ON CONFLICT (site_id, year) DO UPDATE SET last = excluded.last";
static const char block_sql[] =
    "INSERT INTO sync_blocks (site_id, year, block_to) VALUES (:site, :year, :to)"
    " ON CONFLICT (site_id, year) DO UPDATE SET block_to = excluded.block_to";

static herr *reserve(client *c, store *s) {
    int y, m, d;
    clock_civil_from_days(clock_day_start(clock_now()) / 86400, &y, &m, &d);
    store_stmt *st = NULL;
    json_t *skip = json_array(), *res = NULL, *b;
    bool row;
    size_t i;
    herr *e = store_prepare(s, blocks_left_sql, &st);
    if (!e) {
        store_bind_int(st, ":year", y);
        store_bind_int(st, ":half", SYNC_BLOCK / 2);
        while (!(e = store_step(st, &row)) && row)
            json_array_append_new(skip, json_string(store_text(st, 0)));
    }
    store_done(st);
    st = NULL;
    json_t *body = json_pack("{s:i,s:i,s:O}", "year", y, "count", SYNC_BLOCK, "skip", skip);
    if (!e) e = request(c, "POST", "/api/v1/sync/reserve", body, &res);
    json_decref(body);
    json_decref(skip);
    if (e) return e;
    bool began = false;
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    json_array_foreach(json_object_get(res, "blocks"), i, b) {
        const char *site = json_str(b, "site_id");
        json_int_t year = json_integer_value(json_object_get(b, "year"));
        if ((e = store_prepare(s, block_counter_sql, &st))) goto cleanup;
        store_bind_text(st, ":site", site);
        store_bind_int(st, ":year", year);
        store_bind_int(st, ":last", json_integer_value(json_object_get(b, "from")) - 1);
        if ((e = store_run_done(&st))) goto cleanup;
        if ((e = store_prepare(s, block_sql, &st))) goto cleanup;
        store_bind_text(st, ":site", site);
        store_bind_int(st, ":year", year);
        store_bind_int(st, ":to", json_integer_value(json_object_get(b, "to")));
        if ((e = store_run_done(&st))) goto cleanup;
    }
    e = store_commit(s);
    began = false;
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(res);
    return e;
}

/* ---- push and pull --------------------------------------------------------------------- */

static const char own_changes_sql[] =
    "SELECT " SYNC_CHANGE_COLUMNS " FROM sync_changes c WHERE c.origin = :origin AND"
    " c.seq > :after ORDER BY c.seq LIMIT :limit";

static herr *push(client *c, store *s, state *stt, int batch, json_t *report) {
    herr *e = NULL;
    int total = 0;
    for (;;) {
        store_stmt *st = NULL;
        json_t *changes = json_array(), *res = NULL;
        int64_t last = stt->pushed_upto;
        bool row;
        if (!(e = store_prepare(s, own_changes_sql, &st))) {
            store_bind_text(st, ":origin", stt->origin);
            store_bind_int(st, ":after", stt->pushed_upto);
            store_bind_int(st, ":limit", batch);
            while (!(e = store_step(st, &row)) && row) {
                json_array_append_new(changes, sync_change_row(st));
                last = store_int(st, 0);
            }
        }
        store_done(st);
        size_t n = json_array_size(changes);
        if (!e && n) {
            json_t *body = json_pack("{s:s,s:O}", "origin", stt->origin, "changes", changes);
            e = request(c, "POST", "/api/v1/sync/push", body, &res);
            json_decref(body);
            if (!e) e = state_set(s, pushed_sql, ":n", last);
            if (!e) stt->pushed_upto = last;
            total += (int)n;
        }
        json_decref(changes);
        json_decref(res);
        if (e || n < (size_t)batch) break;
    }
    json_object_set_new(report, "pushed", json_integer(total));
    return e;
}

static herr *pull_batch(store *s, state *stt, json_t *res, int *applied) {
    json_t *changes = json_object_get(res, "changes"), *ch, *persons = json_array();
    size_t i;
    herr *e = store_begin(s);
    if (e) {
        json_decref(persons);
        return e;
    }
    if ((e = sync_capture(s, false))) goto cleanup;
    json_array_foreach(changes, i, ch) {
        char pid[40] = "";
        if (json_is_true(json_object_get(ch, "carry"))) {
            json_t *row = json_object_get(ch, "row");
            if ((e = sync_insert_row(s, "persons", row))) goto cleanup;
            if (store_changes(s)) snprintf(pid, sizeof pid, "%s", json_str(row, "id"));
        } else {
            const char *origin = json_str(ch, "origin");
            sync_outcome how;
            if (!origin || !strcmp(origin, stt->origin)) continue;
            if ((e = sync_apply(s, ch, origin, &how, pid))) goto cleanup;
            *applied += how != SYNC_DUPLICATE;
        }
        if (pid[0]) json_array_append_new(persons, json_string(pid));
    }
    if ((e = sync_capture(s, true))) goto cleanup;
    json_int_t upto = json_integer_value(json_object_get(res, "upto"));
    if ((e = state_set(s, pulled_sql, ":n", upto))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    stt->pulled_upto = upto;
    json_array_foreach(persons, i, ch) registry_person_rematch(s, json_string_value(ch));
    json_decref(persons);
    return NULL;
cleanup:
    store_rollback(s);
    json_decref(persons);
    return e;
}

static herr *pull(client *c, store *s, state *stt, int batch, json_t *report) {
    herr *e = NULL;
    int applied = 0;
    for (;;) {
        char path[256];
        json_t *res = NULL;
        snprintf(path, sizeof path, "/api/v1/sync/changes?after=%lld&limit=%d&origin=%s",
                 (long long)stt->pulled_upto, batch, stt->origin);
        if ((e = request(c, "GET", path, NULL, &res))) break;
        e = pull_batch(s, stt, res, &applied);
        bool more = json_is_true(json_object_get(res, "more"));
        json_decref(res);
        if (e || !more) break;
    }
    json_object_set_new(report, "pulled", json_integer(applied));
    return e;
}

static const char open_conflicts_sql[] =
    "SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open'";

herr *sync_run(store *local, const sync_options *o, json_t **out) {
    static bool curl_ready = false;
    if (!curl_ready) {
        /* Once per process, before any thread may use libcurl. */
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    if (!o->server || (strncmp(o->server, "http://", 7) && strncmp(o->server, "https://", 8)))
        return err_invalid("server", "server must be an http:// or https:// address");
    if (!o->username || !o->username[0]) return err_invalid("username", "give a username");
    client c = {.o = o};
    state stt = {0};
    int batch = o->batch > 0 && o->batch <= SYNC_MAX_BATCH ? o->batch : 200;
    json_t *report = json_pack("{s:i,s:i,s:i}", "enrolled", 0, "pushed", 0, "pulled", 0);
    herr *e = state_read(local, &stt);
    if (!e) e = login(&c);
    if (!e && !stt.enrolled) e = enrol(&c, local, &stt, batch, report);
    if (!e) e = reserve(&c, local);
    if (!e) e = push(&c, local, &stt, batch, report);
    if (!e) e = pull(&c, local, &stt, batch, report);
    if (!e) {
        store_stmt *st = NULL;
        bool row = false;
        if (!(e = store_prepare(local, open_conflicts_sql, &st))) e = store_step(st, &row);
        if (!e && row) json_object_set_new(report, "conflicts", json_integer(store_int(st, 0)));
        store_done(st);
    }
    if (!e) {
        actor sys;
        actor_system(&sys, o->username);
        if (!(e = store_begin(local))) {
            e = audit_record(local, &sys, "sync.run", "sync", o->server, report);
            if (!e) e = store_commit(local);
            if (e) store_rollback(local);
        }
    }
    if (c.token[0]) {
        json_t *res = NULL;
        herr *le = request_once(&c, "DELETE", "/api/v1/session", NULL, &res);
        err_free(le);
        json_decref(res);
    }
    if (!e && out) *out = json_incref(report);
    json_decref(report);
    return e;
}
