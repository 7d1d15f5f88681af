/* Complaints and feedback: recording, the steps to closing the loop, deadlines, the list
 * and its export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/codes.h"
#include "core/datafile.h"
#include "core/embedded.h"
#include "core/json.h"
#include "core/mem.h"
#include "feedback/feedback.h"
#include "feedback/feedback_internal.h"
#include "registry/registry.h"

/* ---- code lists ------------------------------------------------------------------------ */

typedef struct {
    json_t *list;
    const char *const *extra;
    int n_extra;
} list_ctx;

static void add_code(char *line, void *ctx) {
    list_ctx *c = ctx;
    char *f[8];
    int want = 4 + c->n_extra;
    if (datafile_split_tabs(line, f, 8) != want) return;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "code", f[0], "en", f[1 + c->n_extra], "bs",
                          f[2 + c->n_extra], "sr", f[3 + c->n_extra]);
    for (int i = 0; i < c->n_extra; i++)
        json_object_set_new(o, c->extra[i], json_integer(atoi(f[1 + i])));
    json_array_append_new(c->list, o);
}

json_t *fb_code_list(const char *file, const char *const *extra, int n_extra) {
    list_ctx c = {json_array(), extra, n_extra};
    datafile_each_line(file, add_code, &c);
    return c.list;
}

bool fb_code_in(const json_t *list, const char *code) {
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        if (code && !strcmp(json_str(o, "code"), code)) return true;
    }
    return false;
}

static const char *const deadline_cols[] = {"ack_days", "response_days"};

static json_t *categories(void) {
    return fb_code_list("feedback_categories.tsv", deadline_cols, 2);
}
static json_t *channels(void) { return fb_code_list("feedback_channels.tsv", NULL, 0); }

json_t *fb_forms(void) {
    size_t len = 0;
    const char *text = embedded_find("surveys.json", &len);
    json_t *doc = text ? json_loadb(text, len, 0, NULL) : NULL;
    json_t *forms = json_incref(json_object_get(doc, "forms"));
    json_decref(doc);
    return forms ? forms : json_array();
}

json_t *feedback_codes(void) {
    return json_pack("{s:o,s:o,s:o}", "channels", channels(), "categories", categories(), "forms",
                     fb_forms());
}

char *fb_scope(const actor *a) {
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    return scope;
}

herr *fb_period(const char *from_in, const char *to_in, char from[CLOCK_DATE_LEN],
                char to[CLOCK_DATE_LEN], char from_iso[CLOCK_ISO_LEN], char to_iso[CLOCK_ISO_LEN]) {
    herr *e = check_date_text("from", from_in, false, from);
    if (!e) e = check_date_text("to", to_in, false, to);
    if (e) return e;
    if (!to[0]) clock_format_date(clock_now(), to);
    int y, m, d;
    if (!from[0]) {
        clock_parse_date(to, &y, &m, &d);
        clock_format_date(
            clock_days_from_civil(m == 12 ? y : y - 1, m == 12 ? 1 : m + 1, 1) * 86400, from);
    }
    if (strcmp(from, to) > 0)
        return err_with(err_invalid("from", "from must not be after to"), "date_range",
                        (const char *)NULL);
    snprintf(from_iso, CLOCK_ISO_LEN, "%sT00:00:00Z", from);
    clock_parse_date(to, &y, &m, &d);
    clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, to_iso);
    return NULL;
}

/* ---- recording ------------------------------------------------------------------------ */

static const char *const kinds[] = {"complaint", "feedback", "suggestion", "appreciation", NULL};

static const json_field item_fields[] = {
    {"site_id", JF_STRING, true, 40},   {"channel", JF_STRING, true, 16},
    {"category", JF_STRING, true, 32},  {"kind", JF_STRING, false, 16},
    {"anonymous", JF_BOOL, false, 0},   {"person_id", JF_STRING, false, 40},
    {"contact", JF_STRING, false, 120}, {"language", JF_STRING, false, 8},
    {"summary", JF_TEXT, true, 4000},   {"received_at", JF_STRING, false, 40},
};

static herr *check_item(store *s, const actor *a, const json_t *in, char at[CLOCK_ISO_LEN]) {
    herr *e = json_check(in, item_fields, sizeof item_fields / sizeof item_fields[0]);
    if (e) return e;
    if (!actor_has_site(a, json_str(in, "site_id")))
        return err_with(
            err_invalid("site_id", "no site with id %s among your sites", json_str(in, "site_id")),
            "site_unknown", (const char *)NULL);
    json_t *list = channels();
    bool ok = fb_code_in(list, json_str(in, "channel"));
    json_decref(list);
    if (!ok) return err_invalid("channel", "no channel %s", json_str(in, "channel"));
    list = categories();
    ok = fb_code_in(list, json_str(in, "category"));
    json_decref(list);
    if (!ok) return err_invalid("category", "no category %s", json_str(in, "category"));
    if (json_str(in, "kind") && (e = check_code("kind", json_str(in, "kind"), kinds))) return e;
    if ((e = check_not_blank(in, "summary", true))) return e;
    const char *lang = json_str(in, "language");
    if (lang && !codes_language_valid(lang))
        return err_with(err_invalid("language", "language must be an ISO 639 code"),
                        "language_code", (const char *)NULL);
    bool anonymous = json_is_true(json_object_get(in, "anonymous"));
    const char *person = json_str(in, "person_id"), *contact = json_str(in, "contact");
    if (anonymous && person)
        return err_invalid("person_id", "anonymous feedback names nobody: leave out person_id");
    if (!anonymous && !person && !contact)
        return err_with(err_invalid("contact",
                                    "named feedback needs the person or a contact; or mark it "
                                    "anonymous"),
                        "named_needs_contact", (const char *)NULL);
    if (person && (e = registry_person_visible(s, a, person))) {
        if (e->code == ERR_NOT_FOUND) {
            err_free(e);
            return err_with(
                err_invalid("person_id", "no person with id %s among your sites", person),
                "person_unknown", (const char *)NULL);
        }
        return e;
    }
    return check_time(in, "received_at", clock_now(), 3600, at);
}

static const char insert_sql[] =
    "INSERT INTO feedback_items (id, site_id, channel, category, kind, anonymous, person_id,"
    " contact, language, summary, received_at, ack_due, response_due, state, by_id, by_name,"
    " updated_at) VALUES (:id, :site, :channel, :category, :kind, :anonymous, :person, :contact,"
    " :language, :summary, :at, :ack_due, :response_due, 'received', :by_id, :by_name, :now)";

static void due_dates(const char *category, const char *at, char ack[CLOCK_ISO_LEN],
                      char response[CLOCK_ISO_LEN]) {
    json_t *list = categories();
    int64_t t = 0, ack_days = 2, response_days = 14;
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (strcmp(json_str(c, "code"), category)) continue;
        ack_days = json_integer_value(json_object_get(c, "ack_days"));
        response_days = json_integer_value(json_object_get(c, "response_days"));
    }
    json_decref(list);
    clock_parse_iso(at, &t);
    clock_format_iso(t + ack_days * 86400, ack);
    clock_format_iso(t + response_days * 86400, response);
}

herr *feedback_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], ack[CLOCK_ISO_LEN], resp[CLOCK_ISO_LEN], id[ID_LEN];
    store_stmt *st = NULL;
    herr *e = check_item(s, a, in, at);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    due_dates(json_str(in, "category"), at, ack, resp);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":channel", json_str(in, "channel"));
    store_bind_text(st, ":category", json_str(in, "category"));
    store_bind_text(st, ":kind", json_str(in, "kind") ? json_str(in, "kind") : "complaint");
    store_bind_int(st, ":anonymous", json_is_true(json_object_get(in, "anonymous")));
    store_bind_text(st, ":person", json_str(in, "person_id"));
    store_bind_text(st, ":contact", json_str(in, "contact"));
    store_bind_text(st, ":language", json_str(in, "language"));
    store_bind_text(st, ":summary", json_str(in, "summary"));
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":ack_due", ack);
    store_bind_text(st, ":response_due", resp);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, "create", "feedback", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) return e;
    return feedback_get(s, a, id, out);
rollback:
    store_rollback(s);
    return e;
}

/* ---- reading ------------------------------------------------------------------------- */

#define ITEM_COLUMNS                                                                               \
    "f.id, f.site_id, f.channel, f.category, f.kind, f.anonymous, f.person_id, f.contact,"         \
    " f.language, f.summary, f.received_at, f.ack_due, f.response_due, f.state,"                   \
    " f.acknowledged_at, f.responded_at, f.closed_at, f.loop, f.by_name, f.updated_at"

static json_t *item_json(store_stmt *st, const char *now) {
    static const char *const cols[] = {"id",           "site_id", "channel",         "category",
                                       "kind",         NULL,      "person_id",       "contact",
                                       "language",     "summary", "received_at",     "ack_due",
                                       "response_due", "state",   "acknowledged_at", "responded_at",
                                       "closed_at",    "loop",    "by_name",         "updated_at"};
    json_t *o = json_object();
    store_texts_to_json(st, o, cols, 20, 0);
    json_object_set_new(o, "anonymous", json_boolean(store_int(st, 5)));
    const char *state = store_text(st, 13);
    bool late_ack = !strcmp(state, "received") && strcmp(store_text(st, 11), now) < 0;
    bool late_resp = (!strcmp(state, "received") || !strcmp(state, "acknowledged")) &&
                     strcmp(store_text(st, 12), now) < 0;
    json_object_set_new(o, "overdue", json_boolean(late_ack || late_resp));
    json_set_str(o, "overdue_for", late_resp ? "response" : late_ack ? "acknowledgement" : NULL);
    return o;
}

static const char get_sql[] = "SELECT " ITEM_COLUMNS " FROM feedback_items f WHERE f.id = :id";
static const char events_sql[] = "SELECT action, text, at, by_name FROM feedback_events"
                                 " WHERE item_id = :id ORDER BY at, id";

herr *feedback_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *o = NULL, *events = json_array();
    char now[CLOCK_ISO_LEN];
    bool row = false;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, get_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row || !actor_has_site(a, store_text(st, 1))) {
        e = err_new(ERR_NOT_FOUND, "id", "no feedback with id %s", id);
        goto cleanup;
    }
    o = item_json(st, now);
    store_done(st);
    if ((e = store_prepare(s, events_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(events, json_pack("{s:s,s:s?,s:s,s:s}", "action", store_text(st, 0),
                                                "text", store_text(st, 1), "at", store_text(st, 2),
                                                "by_name", store_text(st, 3)));
    if (!e) json_object_set(o, "events", events);
cleanup:
    store_done(st);
    json_decref(events);
    if (e) {
        json_decref(o);
        return e;
    }
    *out = o;
    return NULL;
}

/* ---- the steps ------------------------------------------------------------------------- */

static const char *const actions[] = {"acknowledge", "respond", "close", "note", "reopen", NULL};
static const char *const loops[] = {"told_person", "posted_publicly", "not_possible", NULL};

static const json_field act_fields[] = {
    {"action", JF_STRING, true, 16},
    {"text", JF_TEXT, false, 4000},
    {"loop", JF_STRING, false, 20},
};

static const char step_sql[] =
    "UPDATE feedback_items SET state = :state, updated_at = :now,"
    " acknowledged_at = CASE WHEN :action = 'acknowledge' THEN :now ELSE acknowledged_at END,"
    " responded_at = CASE WHEN :action = 'respond' THEN :now ELSE responded_at END,"
    " closed_at = CASE WHEN :action = 'close' THEN :now WHEN :action = 'reopen' THEN NULL"
    "  ELSE closed_at END,"
    " loop = CASE WHEN :action = 'close' THEN :loop WHEN :action = 'reopen' THEN NULL ELSE loop"
    "  END WHERE id = :id AND state = :from";
static const char event_sql[] =
    "INSERT INTO feedback_events (id, item_id, action, text, at, by_id, by_name)"
    " VALUES (:id, :item, :action, :text, :now, :by_id, :by_name)";

/* The state an action leads to from state, or NULL when it is not allowed. */
static const char *next_state(const char *action, const char *state) {
    if (!strcmp(action, "note")) return state;
    if (!strcmp(action, "acknowledge")) return strcmp(state, "received") ? NULL : "acknowledged";
    if (!strcmp(action, "respond"))
        return !strcmp(state, "received") || !strcmp(state, "acknowledged") ? "responded" : NULL;
    if (!strcmp(action, "close")) return strcmp(state, "closed") ? "closed" : NULL;
    return !strcmp(state, "closed") ? "acknowledged" : NULL; /* reopen */
}

herr *feedback_act(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *item = NULL;
    char now[CLOCK_ISO_LEN], event_id[ID_LEN];
    store_stmt *st = NULL;
    herr *e = json_check(in, act_fields, sizeof act_fields / sizeof act_fields[0]);
    if (e) return e;
    const char *action = json_str(in, "action"), *text = json_str(in, "text");
    const char *loop = json_str(in, "loop");
    if ((e = check_code("action", action, actions))) return e;
    if (a->user_id[0] && !auth_allows(a->role, "feedback.handle"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not handle feedback", a->role);
    bool needs_text = !strcmp(action, "respond") || !strcmp(action, "close") ||
                      !strcmp(action, "note") || !strcmp(action, "reopen");
    if (needs_text && (e = check_not_blank(in, "text", true))) return e;
    if (!strcmp(action, "close") && (e = check_code("loop", loop, loops))) return e;
    if ((e = feedback_get(s, a, id, &item))) return e;
    const char *from = json_str(item, "state"), *to = next_state(action, from);
    if (!to) {
        e = err_with(err_new(ERR_CONFLICT, "action", "cannot %s feedback that is %s", action, from),
                     "feedback_step", "action", action, "state", from, (const char *)NULL);
        goto cleanup;
    }
    if (loop && !strcmp(loop, "told_person") && json_is_true(json_object_get(item, "anonymous")) &&
        !json_str(item, "contact")) {
        e = err_invalid("loop", "anonymous feedback without contact cannot be told back in "
                                "person: post the answer for all");
        goto cleanup;
    }
    clock_format_iso(clock_now(), now);
    id_new(event_id);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, step_sql, &st))) goto rollback;
    store_bind_text(st, ":state", to);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":action", action);
    store_bind_text(st, ":loop", loop);
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":from", from);
    if ((e = store_run_done(&st))) goto rollback;
    if (store_changes(s) != 1) {
        e = err_new(ERR_CONFLICT, "action", "the feedback changed meanwhile: reload it");
        goto rollback;
    }
    if ((e = store_prepare(s, event_sql, &st))) goto rollback;
    store_bind_text(st, ":id", event_id);
    store_bind_text(st, ":item", id);
    store_bind_text(st, ":action", action);
    store_bind_text(st, ":text", text);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = json_pack("{s:s,s:s}", "from", from, "to", to);
    e = audit_record(s, a, action, "feedback", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = feedback_get(s, a, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(item);
    return e;
}

/* ---- the list and the export ------------------------------------------------------------ */

static const char list_sql[] =
    "SELECT " ITEM_COLUMNS ", COUNT(*) OVER () FROM feedback_items f"
    " WHERE (:all = 1 OR :sites LIKE '%,' || f.site_id || ',%')"
    " AND (:site IS NULL OR f.site_id = :site) AND (:state IS NULL OR f.state = :state)"
    " AND (:category IS NULL OR f.category = :category)"
    " AND (:channel IS NULL OR f.channel = :channel)"
    " AND (:from IS NULL OR f.received_at >= :from) AND (:to IS NULL OR f.received_at < :to)"
    " AND (:overdue = 0 OR (f.state = 'received' AND f.ack_due < :now)"
    "  OR (f.state IN ('received', 'acknowledged') AND f.response_due < :now))"
    " ORDER BY f.received_at DESC, f.id DESC LIMIT :limit OFFSET :offset";

static herr *query(store *s, const actor *a, const feedback_query *q, int limit, json_t *items,
                   int64_t *total) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], to_iso[CLOCK_ISO_LEN] = "", now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    bool row;
    herr *e = NULL;
    static const char *const states[] = {"received", "acknowledged", "responded", "closed", NULL};
    if (q->state && (e = check_code("state", q->state, states))) return e;
    if (q->site_id && !actor_has_site(a, q->site_id))
        return err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", q->site_id);
    if ((e = check_date_text("from", q->from, false, from))) return e;
    if ((e = check_date_text("to", q->to, false, to))) return e;
    if (to[0]) {
        int y, m, d;
        clock_parse_date(to, &y, &m, &d);
        clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, to_iso);
    }
    clock_format_iso(clock_now(), now);
    char *scope = fb_scope(a);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":state", q->state);
    store_bind_text(st, ":category", q->category);
    store_bind_text(st, ":channel", q->channel);
    store_bind_text(st, ":from", from[0] ? from : NULL);
    store_bind_text(st, ":to", to_iso[0] ? to_iso : NULL);
    store_bind_int(st, ":overdue", q->overdue);
    store_bind_text(st, ":now", now);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, item_json(st, now));
        *total = store_int(st, 20);
    }
    store_done(st);
cleanup:
    mem_free(scope);
    return e;
}

herr *feedback_list(store *s, const actor *a, const feedback_query *q, json_t **out) {
    int limit = q->limit ? q->limit : 100;
    int64_t total = 0;
    if (limit < 1 || limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    json_t *items = json_array();
    herr *e = query(s, a, q, limit, items, &total);
    if (!e)
        *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                         q->offset, "items", items);
    json_decref(items);
    return e;
}

/* A growing text with a cap (the export refuses to grow past it). */
typedef struct {
    char *data;
    size_t len, cap;
    bool full;
} text_buf;

#define EXPORT_MAX_BYTES (64u * 1024u * 1024u)

static void buf_add_n(text_buf *b, const char *s, size_t n) {
    if (b->full || b->len + n + 1 > EXPORT_MAX_BYTES) {
        b->full = true;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = mem_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_add(text_buf *b, const char *s) { buf_add_n(b, s, strlen(s)); }

/* A CSV field: quoted, with quotes doubled; a leading =, +, - or @ gets a ' so that a
 * spreadsheet does not run it as a formula. */
static void csv_field(text_buf *b, const char *v) {
    const char *text = v ? v : "";
    buf_add(b, text[0] && strchr("=+-@", text[0]) ? "\"'" : "\"");
    for (const char *p = text; *p; p++) {
        buf_add_n(b, p, 1);
        if (*p == '"') buf_add(b, "\""); /* doubled */
    }
    buf_add(b, "\"");
}

herr *feedback_export_csv(store *s, const actor *a, const feedback_query *q, char **out,
                          size_t *len) {
    json_t *items = json_array();
    text_buf b = {0};
    int64_t total = 0;
    feedback_query all = *q;
    all.offset = 0;
    herr *e = query(s, a, &all, 10000, items, &total);
    if (e) goto cleanup;
    static const char *const cols[] = {"id",       "site_id",      "received_at", "channel",
                                       "category", "kind",         "state",       "language",
                                       "summary",  "responded_at", "closed_at",   "loop"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        if (c) buf_add(&b, ",");
        buf_add(&b, cols[c]);
    }
    buf_add(&b, ",anonymous,overdue\r\n");
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (c) buf_add(&b, ",");
            csv_field(&b, json_str(o, cols[c]));
        }
        buf_add(&b, json_is_true(json_object_get(o, "anonymous")) ? ",yes" : ",no");
        buf_add(&b, json_is_true(json_object_get(o, "overdue")) ? ",yes\r\n" : ",no\r\n");
    }
    if (b.full) {
        e = err_new(ERR_TOO_LARGE, NULL, "the export is too large: narrow the filters");
        goto cleanup;
    }
    json_t *detail = json_pack("{s:I}", "rows", (json_int_t)json_array_size(items));
    e = audit_record_read(s, a, "feedback_export", "", detail);
    json_decref(detail);
    if (e) goto cleanup;
    *out = b.data;
    *len = b.len;
    b.data = NULL;
cleanup:
    mem_free(b.data);
    json_decref(items);
    return e;
}
