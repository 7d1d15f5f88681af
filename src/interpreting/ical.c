/* The iCalendar feed (RFC 5545) of one interpreter's assignments, at a secret URL a
 * phone calendar subscribes to. The token is 32 random bytes shown once; the database
 * keeps its BLAKE2b hash, so a copy of the database does not open the feeds, and
 * issuing a new token or revoking closes the old URL at once. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

static void put(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap) *cap = *cap ? 2 * *cap : 1024;
        *buf = mem_realloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

void interp_ics_line(char **buf, size_t *len, size_t *cap, const char *name, const char *value,
                     bool escape) {
    /* The logical line, escaped: backslash, semicolon, comma and newlines. */
    size_t vlen = strlen(value);
    char *line = mem_alloc(strlen(name) + 2 * vlen + 2);
    size_t n = (size_t)sprintf(line, "%s:", name);
    for (const char *p = value; *p; p++) {
        if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
            line[n++] = '\\';
            line[n++] = *p;
        } else if (escape && *p == '\n') {
            line[n++] = '\\';
            line[n++] = 'n';
        } else if (*p == '\r' || (unsigned char)*p < 0x20) {
            /* no control characters inside a content line */
        } else {
            line[n++] = *p;
        }
    }
    /* Folded at 75 octets (74 after the leading space of a continuation), never inside
     * a UTF-8 sequence. */
    size_t at = 0, limit = 75;
    while (n - at > limit) {
        size_t cut = at + limit;
        while (cut > at && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--;
        put(buf, len, cap, line + at, cut - at);
        put(buf, len, cap, "\r\n ", 3);
        at = cut;
        limit = 74;
    }
    put(buf, len, cap, line + at, n - at);
    put(buf, len, cap, "\r\n", 2);
    mem_free(line);
}

/* "20261207T090000Z" from "2026-12-07T09:00:00Z". */
static void basic_time(const char *iso, char out[17]) {
    snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14,
             iso + 17);
}

static herr *target(store *s, const actor *a, const char *interpreter_id, char id[ID_LEN]) {
    if (!interpreter_id) return interp_own_interpreter(s, a, id);
    json_t *in = NULL;
    herr *e = interp_interpreter_get(s, a, interpreter_id, &in);
    if (e) return e;
    json_decref(in);
    snprintf(id, ID_LEN, "%s", interpreter_id);
    return NULL;
}

static herr *set_hash(store *s, const actor *a, const char *id, const char *hash,
                      const char *action) {
    static const char sql[] =
        "UPDATE interpreters SET feed_hash = :hash, updated_at = :now WHERE id = :id";
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, sql, &st))) goto rollback;
    store_bind_text(st, ":hash", hash);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto rollback;
    if ((e = audit_record(s, a, action, "interp_feed", id, NULL))) goto rollback;
    return store_commit(s);
rollback:
    store_rollback(s);
    return e;
}

herr *interp_feed_issue(store *s, const actor *a, const char *interpreter_id, json_t **out) {
    char id[ID_LEN], token[TOKEN_LEN], hash[CRYPTO_HASH_HEX_LEN];
    herr *e = target(s, a, interpreter_id, id);
    if (e) return e;
    id_token(token);
    crypto_hash_hex(token, strlen(token), hash);
    if ((e = set_hash(s, a, id, hash, "issue"))) return e;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/interp/feed/%s.ics", token);
    *out = json_pack("{s:s,s:s,s:s}", "interpreter_id", id, "token", token, "path", path);
    return NULL;
}

herr *interp_feed_revoke(store *s, const actor *a, const char *interpreter_id) {
    char id[ID_LEN];
    herr *e = target(s, a, interpreter_id, id);
    return e ? e : set_hash(s, a, id, NULL, "revoke");
}

herr *interp_feed_ics(store *s, const char *token, char **out, size_t *len) {
    static const char who_sql[] = "SELECT id, name FROM interpreters WHERE feed_hash = :hash";
    static const char events_sql[] =
        "SELECT x.id, x.starts_at, x.ends_at, x.mode, x.status, x.updated_at, r.language,"
        " r.kind, r.unit, s.name FROM interp_assignments x JOIN interp_requests r"
        " ON r.id = x.request_id JOIN sites s ON s.id = r.site_id"
        " WHERE x.interpreter_id = :id AND x.ends_at >= :since ORDER BY x.starts_at LIMIT 2000";
    char hash[CRYPTO_HASH_HEX_LEN], id[ID_LEN], since[CLOCK_ISO_LEN];
    char *name = NULL, *buf = NULL;
    size_t n = 0, cap = 0;
    store_stmt *st = NULL;
    bool row = false;
    size_t tlen = token ? strlen(token) : 0;
    if (tlen > 4 && !strcmp(token + tlen - 4, ".ics")) tlen -= 4;
    if (tlen != TOKEN_LEN - 1) return err_new(ERR_NOT_FOUND, "token", "no such calendar");
    crypto_hash_hex(token, tlen, hash);
    herr *e = store_prepare(s, who_sql, &st);
    if (e) return e;
    store_bind_text(st, ":hash", hash);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "token", "no such calendar");
    if (!e) {
        snprintf(id, sizeof id, "%s", store_text(st, 0));
        name = mem_strdup(store_text(st, 1));
    }
    store_done(st);
    if (e) return e;

    interp_ics_line(&buf, &n, &cap, "BEGIN", "VCALENDAR", false);
    interp_ics_line(&buf, &n, &cap, "VERSION", "2.0", false);
    interp_ics_line(&buf, &n, &cap, "PRODID", "-//Haven//Interpreting//EN", false);
    interp_ics_line(&buf, &n, &cap, "CALSCALE", "GREGORIAN", false);
    interp_ics_line(&buf, &n, &cap, "METHOD", "PUBLISH", false);
    char *cal_name = mem_printf("Haven: %s", name);
    interp_ics_line(&buf, &n, &cap, "X-WR-CALNAME", cal_name, true);
    mem_free(cal_name);
    clock_format_iso(clock_now() - 30 * 86400, since);
    if ((e = store_prepare(s, events_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":since", since);
    while (!(e = store_step(st, &row)) && row) {
        char start[17], end[17], stamp[17], lang[64];
        basic_time(store_text(st, 1), start);
        basic_time(store_text(st, 2), end);
        basic_time(store_text(st, 5), stamp);
        codes_language_name(store_text(st, 6), "en", lang, sizeof lang);
        const char *mode = store_text(st, 3), *status = store_text(st, 4);
        char *uid = mem_printf("%s@haven", store_text(st, 0));
        char *summary = mem_printf("Interpreting %s (%s)", lang, store_text(st, 7));
        char *where = !strcmp(mode, "in_person")
                          ? mem_strdup(store_text(st, 9))
                          : mem_printf("%s call for %s", !strcmp(mode, "video") ? "Video" : "Phone",
                                       store_text(st, 9));
        char *desc = mem_printf("Requested by: %s\nSite: %s\nMode: %s", store_text(st, 8),
                                store_text(st, 9), mode);
        interp_ics_line(&buf, &n, &cap, "BEGIN", "VEVENT", false);
        interp_ics_line(&buf, &n, &cap, "UID", uid, false);
        interp_ics_line(&buf, &n, &cap, "DTSTAMP", stamp, false);
        interp_ics_line(&buf, &n, &cap, "DTSTART", start, false);
        interp_ics_line(&buf, &n, &cap, "DTEND", end, false);
        interp_ics_line(&buf, &n, &cap, "SUMMARY", summary, true);
        interp_ics_line(&buf, &n, &cap, "LOCATION", where, true);
        interp_ics_line(&buf, &n, &cap, "DESCRIPTION", desc, true);
        interp_ics_line(&buf, &n, &cap, "STATUS",
                        !strcmp(status, "confirmed") ? "CONFIRMED"
                        : strcmp(status, "proposed") ? "CANCELLED"
                                                     : "TENTATIVE",
                        false);
        interp_ics_line(&buf, &n, &cap, "END", "VEVENT", false);
        mem_free(uid);
        mem_free(summary);
        mem_free(where);
        mem_free(desc);
    }
    store_done(st);
    if (e) goto cleanup;
    interp_ics_line(&buf, &n, &cap, "END", "VCALENDAR", false);
    *out = buf;
    *len = n;
    buf = NULL;
cleanup:
    mem_free(buf);
    mem_free(name);
    return e;
}
