/* The PSEA channel: allegations of sexual exploitation and abuse, readable only by the
 * PSEA focal points (see feedback.h for the rules).
 *
 * Why the recorder is inside the sealed payload and not a column: "who took this
 * report" can point at the survivor (a small centre, one interpreter, one day). It is
 * needed only to keep the recorder out, which the focal point's read does after opening
 * the payload anyway. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "feedback/feedback.h"
#include "feedback/feedback_internal.h"
#include "protection/protection.h"
#include "registry/registry.h"

static const json_field report_fields[] = {
    {"site_id", JF_STRING, true, 40},
    {"channel", JF_STRING, false, 16},
    {"summary", JF_TEXT, true, 8000},
    {"incident_date", JF_STRING, false, 10},
    {"location", JF_STRING, false, 200},
    {"survivor", JF_TEXT, false, 1000},
    {"survivor_person_id", JF_STRING, false, 40},
    {"alleged", JF_TEXT, false, 1000},
    {"anonymous", JF_BOOL, false, 0},
    {"contact", JF_STRING, false, 200},
    {"language", JF_STRING, false, 8},
};

static const char *const states[] = {"received",      "assessed", "referred",
                                     "investigating", "closed",   NULL};

/* The same answer for a report that does not exist and one the reader may not see. */
static herr *not_found(const char *id) {
    return err_new(ERR_NOT_FOUND, "id", "no PSEA report with id %s that you may read", id);
}

static herr *check_report(store *s, const actor *a, const json_t *in) {
    herr *e = json_check(in, report_fields, sizeof report_fields / sizeof report_fields[0]);
    if (e) return e;
    if (!actor_has_site(a, json_str(in, "site_id")))
        return err_with(
            err_invalid("site_id", "no site with id %s among your sites", json_str(in, "site_id")),
            "site_unknown", (const char *)NULL);
    if ((e = check_not_blank(in, "summary", true))) return e;
    char day[CLOCK_DATE_LEN];
    if ((e = check_date(in, "incident_date", false, day))) return e;
    const char *ch = json_str(in, "channel");
    if (ch) {
        json_t *list = fb_code_list("feedback_channels.tsv", NULL, 0);
        bool ok = fb_code_in(list, ch);
        json_decref(list);
        if (!ok) return err_invalid("channel", "no channel %s", ch);
    }
    const char *lang = json_str(in, "language");
    if (lang && !codes_language_valid(lang))
        return err_with(err_invalid("language", "language must be an ISO 639 code"),
                        "language_code", (const char *)NULL);
    const char *person = json_str(in, "survivor_person_id");
    if (person && (e = registry_person_visible(s, a, person))) {
        if (e->code != ERR_NOT_FOUND) return e;
        err_free(e);
        return err_with(
            err_invalid("survivor_person_id", "no person with id %s among your sites", person),
            "person_unknown", (const char *)NULL);
    }
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO psea_reports (id, site_id, received_at, state, updated_at, payload)"
    " VALUES (:id, :site, :now, 'received', :now, :payload)";

herr *feedback_psea_record(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    char *plain = NULL, *sealed = NULL;
    store_stmt *st = NULL;
    herr *e = check_report(s, a, in);
    if (e) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    json_t *payload = json_deep_copy(in);
    json_object_set_new(payload, "recorded_by_id", json_string(a->user_id));
    json_object_set_new(payload, "recorded_by_name", json_string(a->username));
    plain = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    e = protection_seal_text("psea_reports", id, "payload", plain, &sealed);
    crypto_wipe(plain, strlen(plain));
    free(plain);
    if (e) return e;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":payload", sealed);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, "record", FEEDBACK_PSEA_ENTITY, id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    /* A reference the recorder can give the person, not the id: nothing to look up. */
    char reference[16];
    snprintf(reference, sizeof reference, "PSEA-%.4s%.4s", now + 2, id + 32);
    *out = json_pack("{s:s,s:s,s:s}", "id", id, "received_at", now, "reference", reference);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    mem_free(sealed);
    return e;
}

/* ---- reading -------------------------------------------------------------------------- */

static const char get_sql[] =
    "SELECT id, site_id, received_at, state, updated_at, payload FROM psea_reports WHERE id = :id";
static const char list_sql[] =
    "SELECT id, site_id, received_at, state, updated_at, payload FROM psea_reports"
    " WHERE (:all = 1 OR :sites LIKE '%,' || site_id || ',%') ORDER BY received_at DESC LIMIT 500";
static const char events_sql[] = "SELECT id, state, note, at, by_name FROM psea_events"
                                 " WHERE report_id = :id ORDER BY at, id";

/* Opens the current row when the actor may read it; *visible false otherwise. */
static herr *open_row(store_stmt *st, const actor *a, bool *visible, json_t **out) {
    *visible = false;
    *out = NULL;
    if (!auth_allows(a->role, "psea.read") || !actor_has_site(a, store_text(st, 1))) return NULL;
    char *plain = NULL;
    herr *e = protection_open_text("psea_reports", store_text(st, 0), "payload", store_text(st, 5),
                                   &plain);
    if (e) return e;
    json_t *p = json_loads(plain, 0, NULL);
    crypto_wipe(plain, strlen(plain));
    mem_free(plain);
    if (!p) return err_new(ERR_IO, NULL, "a PSEA report could not be read");
    if (!strcmp(json_str(p, "recorded_by_id") ? json_str(p, "recorded_by_id") : "", a->user_id)) {
        json_decref(p);
        return NULL;
    }
    json_object_set_new(p, "id", json_string(store_text(st, 0)));
    json_object_set_new(p, "received_at", json_string(store_text(st, 2)));
    json_object_set_new(p, "state", json_string(store_text(st, 3)));
    json_object_set_new(p, "updated_at", json_string(store_text(st, 4)));
    json_object_del(p, "recorded_by_id");
    *visible = true;
    *out = p;
    return NULL;
}

static herr *report_for(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false, visible = false;
    *out = NULL;
    if (!id || !id_is_valid(id)) return not_found(id ? id : "");
    herr *e = store_prepare(s, get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && row) e = open_row(st, a, &visible, out);
    store_done(st);
    if (!e && !visible) e = not_found(id);
    return e;
}

herr *feedback_psea_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *r = NULL, *events = json_array();
    store_stmt *st = NULL;
    bool row;
    herr *e = report_for(s, a, id, &r);
    if (e) goto cleanup;
    if ((e = store_prepare(s, events_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        char *note = NULL;
        if (!store_is_null(st, 2) && (e = protection_open_text("psea_events", store_text(st, 0),
                                                               "note", store_text(st, 2), &note)))
            break;
        json_t *ev = json_pack("{s:s,s:s,s:s}", "state", store_text(st, 1), "at", store_text(st, 3),
                               "by_name", store_text(st, 4));
        json_set_str(ev, "note", note);
        mem_free(note);
        json_array_append_new(events, ev);
    }
    store_done(st);
    if (e) goto cleanup;
    json_object_set(r, "events", events);
    if ((e = audit_record_read(s, a, FEEDBACK_PSEA_ENTITY, id, NULL))) goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    json_decref(r);
    json_decref(events);
    return e;
}

herr *feedback_psea_list(store *s, const actor *a, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array(), *ids = json_array();
    char *scope = fb_scope(a);
    bool row;
    herr *e = NULL;
    if (!auth_allows(a->role, "psea.read")) {
        e = err_new(ERR_FORBIDDEN, NULL, "only PSEA focal points read PSEA reports");
        goto cleanup;
    }
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    while (!(e = store_step(st, &row)) && row) {
        json_t *p = NULL;
        bool visible = false;
        if ((e = open_row(st, a, &visible, &p))) break;
        if (!visible) continue;
        const char *summary = json_str(p, "summary");
        char start[121] = "";
        size_t n = 0;
        /* The first 80 characters, cut at a character boundary. */
        for (size_t chars = 0; summary && summary[n] && chars < 80 && n < sizeof start - 5;
             chars++) {
            n++;
            while (summary[n] && ((unsigned char)summary[n] & 0xC0) == 0x80) n++;
        }
        if (summary)
            snprintf(start, sizeof start, "%.*s%s", (int)n, summary, summary[n] ? "…" : "");
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", json_str(p, "id"), "site_id",
                              store_text(st, 1), "received_at", json_str(p, "received_at"), "state",
                              json_str(p, "state"), "summary_start", start);
        json_set_str(o, "channel", json_str(p, "channel"));
        json_array_append_new(items, o);
        json_array_append_new(ids, json_string(json_str(p, "id")));
        json_decref(p);
    }
    store_done(st);
    if (e) goto cleanup;
    json_t *detail = json_pack("{s:I,s:O}", "count", (json_int_t)json_array_size(ids), "ids", ids);
    e = audit_record_read(s, a, FEEDBACK_PSEA_ENTITY, "", detail);
    json_decref(detail);
    if (!e) *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(items);
    json_decref(ids);
    mem_free(scope);
    return e;
}

/* ---- a focal point's steps ----------------------------------------------------------------- */

static const json_field act_fields[] = {
    {"state", JF_STRING, true, 16},
    {"note", JF_TEXT, false, 4000},
};
static const char state_sql[] =
    "UPDATE psea_reports SET state = :state, updated_at = :now WHERE id = :id";
static const char event_sql[] =
    "INSERT INTO psea_events (id, report_id, state, note, at, by_id, by_name)"
    " VALUES (:id, :report, :state, :note, :now, :by_id, :by_name)";

herr *feedback_psea_act(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *r = NULL;
    char now[CLOCK_ISO_LEN], event_id[ID_LEN];
    char *sealed = NULL;
    store_stmt *st = NULL;
    herr *e = report_for(s, a, id, &r);
    if (e) return e;
    if (!auth_allows(a->role, "psea.handle")) {
        e = not_found(id);
        goto cleanup;
    }
    if ((e = json_check(in, act_fields, 2))) goto cleanup;
    if ((e = check_code("state", json_str(in, "state"), states))) goto cleanup;
    if ((e = check_not_blank(in, "note", false))) goto cleanup;
    /* A closed report may be reopened with new information, not closed twice. */
    if (!strcmp(json_str(r, "state"), "closed") && !strcmp(json_str(in, "state"), "closed")) {
        e = err_new(ERR_CONFLICT, "state", "the report is already closed");
        goto cleanup;
    }
    id_new(event_id);
    clock_format_iso(clock_now(), now);
    if (json_str(in, "note") &&
        (e = protection_seal_text("psea_events", event_id, "note", json_str(in, "note"), &sealed)))
        goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, state_sql, &st))) goto rollback;
    store_bind_text(st, ":state", json_str(in, "state"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto rollback;
    if ((e = store_prepare(s, event_sql, &st))) goto rollback;
    store_bind_text(st, ":id", event_id);
    store_bind_text(st, ":report", id);
    store_bind_text(st, ":state", json_str(in, "state"));
    store_bind_text(st, ":note", sealed);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail =
        json_pack("{s:s,s:s}", "from", json_str(r, "state"), "to", json_str(in, "state"));
    e = audit_record(s, a, "step", FEEDBACK_PSEA_ENTITY, id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = feedback_psea_get(s, a, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(r);
    mem_free(sealed);
    return e;
}

herr *feedback_psea_audit(store *s, const actor *a, const char *id, json_t **out) {
    json_t *r = NULL;
    herr *e = report_for(s, a, id, &r);
    json_decref(r);
    if (e) return e;
    json_t *reads = NULL, *all = NULL;
    if ((e = audit_list_restricted(s, FEEDBACK_PSEA_ENTITY, id, 1000, &reads))) return e;
    /* List reads name every id they showed: they are this report's reads too. */
    if ((e = audit_list_restricted(s, FEEDBACK_PSEA_ENTITY, "", 1000, &all))) {
        json_decref(reads);
        return e;
    }
    json_t *items = json_array();
    size_t i, k;
    json_t *entry, *v;
    json_array_foreach(json_object_get(reads, "items"), i, entry) json_array_append(items, entry);
    json_array_foreach(json_object_get(all, "items"), i, entry) {
        json_array_foreach(json_object_get(json_object_get(entry, "detail"), "ids"), k, v) {
            if (!strcmp(json_string_value(v), id)) {
                json_array_append(items, entry);
                break;
            }
        }
    }
    json_decref(reads);
    json_decref(all);
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}
