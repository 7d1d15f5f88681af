/* The audit log (administrators only).
 *
 * audit_list filters by entity and entity id in SQL; the audit page also searches by
 * actor, action and date. Those filters are applied here, on the pages audit_list
 * returns, so that the audit module (and its hash chain) stays as it is: the route reads
 * the log newest first in batches, keeps the entries that match, and stops when it has
 * `limit` of them or has looked at SCAN_MAX entries. next_cursor then says where to go on,
 * so a search over a long log is continued page by page rather than answered at once. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "registry/registry.h"

enum { SCAN_BATCH = 500, SCAN_MAX = 20000 };

/* The search's filters beyond entity and id; NULL when not given. */
typedef struct {
    const char *actor;  /* part of the actor's name or login, any case; or the actor's id */
    const char *action; /* exact */
    const char *from;   /* YYYY-MM-DD, inclusive */
    const char *to;     /* YYYY-MM-DD, inclusive */
} audit_filter;

static bool is_date(const char *s) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    return true;
}

/* ASCII case-insensitive search; names beyond ASCII match in the case typed. */
static bool contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i]) {
            char a = hay[i], b = needle[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b) break;
            i++;
        }
        if (i == n) return true;
    }
    return n == 0;
}

static bool matches(const json_t *item, const audit_filter *f) {
    const char *name = json_string_value(json_object_get(item, "actor_name"));
    const char *id = json_string_value(json_object_get(item, "actor_id"));
    const char *action = json_string_value(json_object_get(item, "action"));
    const char *at = json_string_value(json_object_get(item, "at"));
    if (f->actor && !(id && !strcmp(id, f->actor)) && !(name && contains_nocase(name, f->actor)))
        return false;
    if (f->action && !(action && !strcmp(action, f->action))) return false;
    if ((f->from || f->to) && (!at || strlen(at) < 10)) return false;
    if (f->from && strncmp(at, f->from, 10) < 0) return false;
    if (f->to && strncmp(at, f->to, 10) > 0) return false;
    return true;
}

static herr *search(api_request *req, const audit_filter *f, int limit, long long before,
                    json_t **out) {
    json_t *items = json_array();
    long long cursor = before;
    bool more = true;
    int scanned = 0;
    herr *e = NULL;
    while (more && (int)json_array_size(items) < limit && scanned < SCAN_MAX) {
        json_t *page = NULL;
        e = audit_list(req->db, api_query(req, "entity"), api_query(req, "id"), SCAN_BATCH, cursor,
                       &page);
        if (e) goto cleanup;
        json_t *batch = json_object_get(page, "items");
        size_t i;
        json_t *item;
        json_array_foreach(batch, i, item) {
            scanned++;
            cursor = (long long)json_integer_value(json_object_get(item, "seq"));
            if (matches(item, f)) json_array_append(items, item);
            if ((int)json_array_size(items) == limit) break;
        }
        /* Stopped inside the batch: go on after the last entry looked at. */
        more =
            json_is_integer(json_object_get(page, "next_cursor")) || i + 1 < json_array_size(batch);
        json_decref(page);
    }
cleanup:
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o,s:o}", "items", items, "next_cursor",
                     more ? json_integer(cursor) : json_null());
    return NULL;
}

static herr *list_audit(api_request *req, api_response *res) {
    int limit = 0;
    herr *e = api_query_int(req, "limit", 100, 1, 1000, &limit);
    if (e) return e;
    const char *cursor = api_query(req, "cursor");
    long long before = 0;
    if (cursor) {
        char *end = NULL;
        before = strtoll(cursor, &end, 10);
        if (*end || before < 1)
            return err_invalid("cursor", "cursor is not one this server gave out");
    }
    /* Protection facts are need to know: the audit view must not tell an administrator
     * who was referred where. Readers without protection details see such entries as
     * "a protection record was changed", and cannot ask for one record's entries. */
    bool details = auth_allows(req->actor.role, "protection.details");
    const char *entity = api_query(req, "entity");
    if (!details && audit_is_protection_fact(entity) && api_query(req, "id"))
        return err_new(ERR_FORBIDDEN, "id",
                       "the entries of one protection record are need to know");
    audit_filter f = {api_query(req, "actor"), api_query(req, "action"), api_query(req, "from"),
                      api_query(req, "to")};
    if (f.actor && !*f.actor) f.actor = NULL;
    if (f.action && !*f.action) f.action = NULL;
    if (f.from && !*f.from) f.from = NULL;
    if (f.to && !*f.to) f.to = NULL;
    if (f.from && !is_date(f.from))
        return err_with(err_invalid("from", "from must be a date, YYYY-MM-DD"), "date_format",
                        (const char *)NULL);
    if (f.to && !is_date(f.to))
        return err_with(err_invalid("to", "to must be a date, YYYY-MM-DD"), "date_format",
                        (const char *)NULL);
    if (f.from && f.to && strcmp(f.from, f.to) > 0)
        return err_with(err_invalid("to", "to is before from"), "date_range", (const char *)NULL);
    json_t *out = NULL;
    if (f.actor || f.action || f.from || f.to)
        e = search(req, &f, limit, before, &out);
    else
        e = audit_list(req->db, entity, api_query(req, "id"), limit, before, &out);
    if (!e && !details) audit_redact_protection(out);
    return e ? e : api_reply(res, 200, out);
}

/* "Who saw this": the reads of one person's sensitive records, for the data protection
 * officer and the administrator (audit.readers). Need to know holds: the person must be
 * one the reader may see (their sites), and each entry says who read, when and from
 * where, and what kind of record: a reader without protection details learns that the
 * protection file was opened, not whether it was a case, a referral or a screening, nor
 * any content (no record ids, no detail beyond the break-glass mark). Looking is itself
 * audited ("person_readers"), and left out of the list it reads. */
static herr *list_person_readers(api_request *req, api_response *res) {
    const char *person = req->params[0];
    int limit = 0;
    json_t *found = NULL;
    herr *e = api_query_int(req, "limit", 50, 1, 200, &limit);
    if (!e) e = registry_person_visible(req->db, &req->actor, person);
    if (!e) e = audit_list_person_reads(req->db, person, limit + 1, &found);
    if (e) return e;
    bool details = auth_allows(req->actor.role, "protection.details");
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(found, "items"), i, it) {
        const char *entity = json_string_value(json_object_get(it, "entity"));
        if (!entity || !strcmp(entity, "person_readers")) continue;
        if ((int)json_array_size(items) == limit) break;
        json_t *detail = json_object_get(it, "detail");
        bool glass = json_is_string(json_object_get(detail, "break_glass_id"));
        const char *shown = !details && audit_is_protection_fact(entity) ? "protection" : entity;
        json_array_append_new(
            items,
            json_pack("{s:O,s:O,s:O,s:O,s:O,s:s,s:b}", "seq", json_object_get(it, "seq"), "at",
                      json_object_get(it, "at"), "actor_id", json_object_get(it, "actor_id"),
                      "actor_name", json_object_get(it, "actor_name"), "address",
                      json_object_get(it, "address"), "entity", shown, "break_glass", glass));
    }
    json_decref(found);
    if ((e = audit_record_read(req->db, &req->actor, "person_readers", person, NULL))) {
        json_decref(items);
        return e;
    }
    return api_reply(res, 200, json_pack("{s:s,s:o}", "person_id", person, "items", items));
}

const api_route api_routes_audit[] = {
    {"GET", "/api/v1/audit", "audit.read", list_audit, NULL, 0},
    {"GET", "/api/v1/persons/{}/readers", "audit.readers", list_person_readers, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
