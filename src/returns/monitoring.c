/* Forced-return monitoring: an operation (its day, kind, route, destination, how many
 * returnees and escorts, the monitors who accompanied it), the monitor's report with the
 * checklist of data/return_operation_checklist.tsv answered item by item, and findings
 * with a recommendation whose follow-up is tracked (open -> in_progress -> implemented
 * or rejected).
 *
 * Status of an operation: planned -> reported (the report is written once; findings may
 * be added after it, follow-ups change until each finding is closed). The people
 * returned are not named here: the monitor reports on the operation. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

static void add_item(char *line, void *ctx) {
    char *f[5];
    if (datafile_split_tabs(line, f, 5) != 5) return;
    json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", f[0], "phase", f[1], "en",
                                         f[2], "bs", f[3], "sr", f[4]));
}

json_t *returns_operation_checklist(void) {
    json_t *list = json_array();
    datafile_each_line("return_operation_checklist.tsv", add_item, list);
    return list;
}

/* ---- operations ---- */

static const json_field op_fields[] = {
    {"date", JF_STRING, true, 10},
    {"kind", JF_STRING, true, 20},
    {"route", JF_STRING, true, 200},
    {"destination_country", JF_STRING, true, 12},
    {"returnees", JF_INT, true, 0},
    {"escorts", JF_INT, false, 0},
    {"escort_organisation", JF_STRING, false, 160},
    {"monitors", JF_STRING_ARRAY, true, 10},
    {"site_id", JF_STRING, false, 40},
    {"note", JF_TEXT, false, 2000},
};
static const char *const op_kinds[] = {"charter_flight", "scheduled_flight", "land", NULL};

static const char insert_op_sql[] =
    "INSERT INTO return_operations (id, site_id, op_date, kind, route, destination_country,"
    " returnees, escorts, escort_organisation, monitors, status, note, by_id, by_name,"
    " created_at, updated_at) VALUES (:id, :site, :date, :kind, :route, :dest, :returnees,"
    " :escorts, :org, :monitors, 'planned', :note, :by_id, :by_name, :now, :now)";

/* The site of a record the actor writes: given (one of theirs), else their only one. */
static herr *own_site(const actor *a, const char *site_in, char out[ID_LEN]) {
    const char *site = site_in;
    if (!site && a->n_sites == 1) site = a->site_ids[0];
    if (!site) return err_invalid("site_id", "site_id is required: say which office keeps it");
    if (!actor_has_site(a, site))
        return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    snprintf(out, ID_LEN, "%s", site);
    return NULL;
}

static herr *check_operation(const json_t *in, char date[CLOCK_DATE_LEN], char **monitors) {
    *monitors = NULL;
    herr *e = check_date_text("date", json_str(in, "date"), true, date);
    if (!e) e = check_code("kind", json_str(in, "kind"), op_kinds);
    if (!e) e = check_not_blank(in, "route", true);
    if (e) return e;
    if (!codes_country_valid(json_str(in, "destination_country")))
        return err_invalid("destination_country",
                           "destination_country must be an ISO 3166 code such as PK, MA");
    json_int_t n = json_integer_value(json_object_get(in, "returnees"));
    if (n < 1 || n > 500) return err_invalid("returnees", "returnees must be from 1 to 500");
    json_int_t esc = json_integer_value(json_object_get(in, "escorts"));
    if (esc < 0 || esc > 2000) return err_invalid("escorts", "escorts must be from 0 to 2000");
    const json_t *list = json_object_get(in, "monitors");
    if (json_array_size(list) == 0)
        return err_invalid("monitors", "monitors needs the name of at least one monitor");
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (!*json_string_value(v) || strlen(json_string_value(v)) > 120) {
            char field[32];
            snprintf(field, sizeof field, "monitors[%zu]", i);
            return err_invalid(field, "%s must be a name of 1 to 120 characters", field);
        }
    }
    *monitors = json_dumps(list, JSON_COMPACT);
    return NULL;
}

herr *returns_operation_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char date[CLOCK_DATE_LEN], site[ID_LEN], id[ID_LEN], now[CLOCK_ISO_LEN];
    char *monitors = NULL;
    json_t *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.write");
    if (!e) e = json_check(in, op_fields, sizeof op_fields / sizeof op_fields[0]);
    if (!e) e = check_operation(in, date, &monitors);
    if (!e) e = own_site(a, json_str(in, "site_id"), site);
    if (e) goto cleanup;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_op_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":date", date);
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_text(st, ":route", json_str(in, "route"));
    store_bind_text(st, ":dest", json_str(in, "destination_country"));
    store_bind_int(st, ":returnees", json_integer_value(json_object_get(in, "returnees")));
    store_bind_int(st, ":escorts", json_integer_value(json_object_get(in, "escorts")));
    store_bind_text(st, ":org", json_str(in, "escort_organisation"));
    store_bind_text(st, ":monitors", monitors);
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    detail = check_field_names(in);
    if ((e = audit_record(s, a, "create", "return_operation", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_operation_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    free(monitors);
    json_decref(detail);
    return e;
}

/* ---- read ---- */

#define OP_COLUMNS                                                                                 \
    "o.id, o.site_id, s.name, o.op_date, o.kind, o.route, o.destination_country, o.status,"        \
    " o.escort_organisation, o.report, o.reported_at, o.reported_by, o.note, o.by_name,"           \
    " o.created_at, o.updated_at, o.returnees, o.escorts, o.monitors, o.checklist,"                \
    " (SELECT COUNT(*) FROM return_findings f WHERE f.operation_id = o.id),"                       \
    " (SELECT COUNT(*) FROM return_findings f WHERE f.operation_id = o.id"                         \
    "  AND f.follow_up IN ('open', 'in_progress'))"

static const char one_op_sql[] =
    "SELECT " OP_COLUMNS " FROM return_operations o JOIN sites s ON s.id = o.site_id"
    " WHERE o.id = :id AND (:all = 1 OR :sites LIKE '%,' || o.site_id || ',%')";

static json_t *op_json(store_stmt *st) {
    static const char *const cols[] = {"id",
                                       "site_id",
                                       "site_name",
                                       "date",
                                       "kind",
                                       "route",
                                       "destination_country",
                                       "status",
                                       "escort_organisation",
                                       "report",
                                       "reported_at",
                                       "reported_by",
                                       "note",
                                       "by_name",
                                       "created_at",
                                       "updated_at"};
    json_t *o = json_object();
    store_texts_to_json(st, o, cols, 16, 0);
    json_object_set_new(o, "returnees", json_integer(store_int(st, 16)));
    json_object_set_new(o, "escorts", json_integer(store_int(st, 17)));
    json_t *m = json_loads(store_text(st, 18), 0, NULL);
    json_object_set_new(o, "monitors", m ? m : json_array());
    json_t *c = store_is_null(st, 19) ? NULL : json_loads(store_text(st, 19), 0, NULL);
    json_object_set_new(o, "checklist", c ? c : json_null());
    json_object_set_new(o, "findings_count", json_integer(store_int(st, 20)));
    json_object_set_new(o, "findings_open", json_integer(store_int(st, 21)));
    return o;
}

static herr *load_op(store *s, const actor *a, const char *id, json_t **out) {
    char *scope = ret_scope(a);
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = store_prepare(s, one_op_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        store_bind_int(st, ":all", a->all_sites);
        store_bind_text(st, ":sites", scope);
        if (!(e = store_step(st, &row)) && row) *out = op_json(st);
    }
    store_done(st);
    mem_free(scope);
    if (!e && !*out) e = err_new(ERR_NOT_FOUND, "id", "no return operation with id %s", id);
    return e;
}

static const char findings_sql[] =
    "SELECT id, finding, severity, recommendation, addressed_to, follow_up, follow_up_note,"
    " by_name, created_at, updated_at FROM return_findings WHERE operation_id = :id"
    " ORDER BY created_at, id";

herr *returns_operation_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *o = NULL;
    bool row;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.read");
    if (!e) e = load_op(s, a, id, &o);
    if (e) return e;
    json_t *list = json_array();
    json_object_set_new(o, "findings", list);
    if ((e = store_prepare(s, findings_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        static const char *const cols[] = {
            "id",        "finding",        "severity", "recommendation", "addressed_to",
            "follow_up", "follow_up_note", "by_name",  "created_at",     "updated_at"};
        json_t *f = json_object();
        store_texts_to_json(st, f, cols, 10, 0);
        json_array_append_new(list, f);
    }
    if (e) goto cleanup;
    if ((e = audit_record_read(s, a, "return_operation", id, NULL))) goto cleanup;
    *out = o;
    o = NULL;
cleanup:
    store_done(st);
    json_decref(o);
    return e;
}

static const char list_op_sql[] =
    "SELECT " OP_COLUMNS ", COUNT(*) OVER () FROM return_operations o"
    " JOIN sites s ON s.id = o.site_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || o.site_id || ',%')"
    " AND (:status IS NULL OR o.status = :status)"
    " AND (:open = 0 OR EXISTS (SELECT 1 FROM return_findings f WHERE f.operation_id = o.id"
    "  AND f.follow_up IN ('open', 'in_progress')))"
    " ORDER BY o.op_date DESC, o.id LIMIT :limit OFFSET :offset";

static const char *const op_statuses[] = {"planned", "reported", NULL};

herr *returns_operation_list(store *s, const actor *a, const char *status, bool open_findings,
                             int limit, int offset, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    bool row;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.read");
    if (!e && status) e = check_code("status", status, op_statuses);
    if (e) return e;
    if (limit == 0) limit = 100;
    if (limit < 1 || limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    scope = ret_scope(a);
    if ((e = store_prepare(s, list_op_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":status", status);
    store_bind_int(st, ":open", open_findings);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", offset);
    items = json_array();
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, op_json(st));
        total = store_int(st, 22);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:O}", "total", (json_int_t)total, "items", items);
cleanup:
    store_done(st);
    json_decref(items);
    mem_free(scope);
    return e;
}

/* ---- the report ---- */

static const json_field report_fields[] = {
    {"checklist", JF_OBJECT, true, 0},
    {"report", JF_TEXT, true, 20000},
};
static const char *const answers[] = {"yes", "no", "not_observed", NULL};

/* Every item of the checklist answered, nothing else: compact JSON into *out. */
static herr *check_checklist(const json_t *given, char **out) {
    json_t *items = returns_operation_checklist(), *item;
    char field[64];
    size_t i;
    herr *e = NULL;
    *out = NULL;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)given, key, v) {
        bool known = false;
        json_array_foreach(items, i, item) known = known || !strcmp(json_str(item, "id"), key);
        snprintf(field, sizeof field, "checklist.%.40s", key);
        if (!known) {
            e = err_invalid(field, "%s is not an item of the checklist", field);
            goto cleanup;
        }
        if ((e = check_code(field, json_string_value(v), answers))) goto cleanup;
    }
    json_array_foreach(items, i, item) {
        if (json_object_get(given, json_str(item, "id"))) continue;
        snprintf(field, sizeof field, "checklist.%.40s", json_str(item, "id"));
        e = err_with(err_invalid(field, "%s is not answered", field), "required",
                     (const char *)NULL);
        goto cleanup;
    }
    *out = json_dumps(given, JSON_COMPACT | JSON_SORT_KEYS);
cleanup:
    json_decref(items);
    return e;
}

static const char report_sql[] =
    "UPDATE return_operations SET status = 'reported', checklist = :checklist, report = :report,"
    " reported_at = :now, reported_by = :by, updated_at = :now WHERE id = :id AND status = 'planned'";

herr *returns_operation_report(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out) {
    char now[CLOCK_ISO_LEN], today[CLOCK_DATE_LEN];
    char *checklist = NULL;
    json_t *o = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.write");
    if (!e) e = json_check(in, report_fields, 2);
    if (!e) e = check_not_blank(in, "report", true);
    if (!e) e = load_op(s, a, id, &o);
    if (e) goto cleanup;
    if (strcmp(json_str(o, "status"), "planned")) {
        e = err_with(err_new(ERR_CONFLICT, "report",
                             "the report of this operation was written on %.10s",
                             json_str(o, "reported_at")),
                     "returns_operation_reported", (const char *)NULL);
        goto cleanup;
    }
    clock_format_date(clock_now(), today);
    if (strcmp(json_str(o, "date"), today) > 0) {
        e = err_invalid("report", "the operation (%s) has not taken place yet",
                        json_str(o, "date"));
        goto cleanup;
    }
    if ((e = check_checklist(json_object_get(in, "checklist"), &checklist))) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, report_sql, &st))) goto rollback;
    store_bind_text(st, ":checklist", checklist);
    store_bind_text(st, ":report", json_str(in, "report"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    if (store_changes(s) != 1) {
        e = err_with(err_new(ERR_CONFLICT, "report", "the operation changed meanwhile: reload it"),
                     "returns_changed", (const char *)NULL);
        goto rollback;
    }
    detail = json_pack("{s:s}", "status", "reported");
    if ((e = audit_record(s, a, "report", "return_operation", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_operation_get(s, a, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    free(checklist);
    json_decref(o);
    json_decref(detail);
    return e;
}

/* ---- findings ---- */

static const json_field finding_fields[] = {
    {"finding", JF_TEXT, true, 4000},
    {"severity", JF_STRING, true, 16},
    {"recommendation", JF_TEXT, true, 4000},
    {"addressed_to", JF_STRING, false, 160},
};
static const char *const severities[] = {"observation", "concern", "serious", NULL};

static const char insert_finding_sql[] =
    "INSERT INTO return_findings (id, operation_id, finding, severity, recommendation,"
    " addressed_to, follow_up, by_id, by_name, created_at, updated_at) VALUES (:id, :op,"
    " :finding, :severity, :rec, :to, 'open', :by_id, :by_name, :now, :now)";

herr *returns_finding_add(store *s, const actor *a, const char *op_id, const json_t *in,
                          json_t **out) {
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    json_t *o = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.write");
    if (!e) e = json_check(in, finding_fields, sizeof finding_fields / sizeof finding_fields[0]);
    if (!e) e = check_not_blank(in, "finding", true);
    if (!e) e = check_not_blank(in, "recommendation", true);
    if (!e) e = check_code("severity", json_str(in, "severity"), severities);
    if (!e) e = load_op(s, a, op_id, &o);
    if (e) goto cleanup;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_finding_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":op", op_id);
    store_bind_text(st, ":finding", json_str(in, "finding"));
    store_bind_text(st, ":severity", json_str(in, "severity"));
    store_bind_text(st, ":rec", json_str(in, "recommendation"));
    store_bind_text(st, ":to", json_str(in, "addressed_to"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    detail = json_pack("{s:s,s:s}", "finding_id", id, "severity", json_str(in, "severity"));
    if ((e = audit_record(s, a, "add_finding", "return_operation", op_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_operation_get(s, a, op_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(o);
    json_decref(detail);
    return e;
}

static const json_field follow_fields[] = {
    {"follow_up", JF_STRING, true, 16},
    {"note", JF_TEXT, false, 2000},
};
static const char *const follow_ups[] = {"open", "in_progress", "implemented", "rejected", NULL};

static const char follow_sql[] =
    "UPDATE return_findings SET follow_up = :to, follow_up_note = COALESCE(:note,"
    " follow_up_note), updated_at = :now WHERE id = :id AND operation_id = :op"
    " AND follow_up IN ('open', 'in_progress')";
static const char finding_state_sql[] =
    "SELECT follow_up FROM return_findings WHERE id = :id AND operation_id = :op";

herr *returns_finding_follow_up(store *s, const actor *a, const char *op_id, const char *finding_id,
                                const json_t *in, json_t **out) {
    char now[CLOCK_ISO_LEN], was[16] = "";
    json_t *o = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = ret_require(a, "returns.monitoring.write");
    if (!e) e = json_check(in, follow_fields, 2);
    if (!e) e = check_code("follow_up", json_str(in, "follow_up"), follow_ups);
    if (!e) e = load_op(s, a, op_id, &o);
    if (e) goto cleanup;
    if ((e = store_prepare(s, finding_state_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", finding_id);
    store_bind_text(st, ":op", op_id);
    if (!(e = store_step(st, &row)) && row) snprintf(was, sizeof was, "%s", store_text(st, 0));
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "finding_id", "no finding with id %s on this operation",
                    finding_id);
        goto cleanup;
    }
    if (strcmp(was, "open") && strcmp(was, "in_progress")) {
        e = err_with(
            err_new(ERR_CONFLICT, "follow_up", "the finding's follow-up is closed (%s)", was),
            "returns_finding_closed", "state", was, (const char *)NULL);
        goto cleanup;
    }
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, follow_sql, &st))) goto rollback;
    store_bind_text(st, ":to", json_str(in, "follow_up"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", finding_id);
    store_bind_text(st, ":op", op_id);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    detail = json_pack("{s:s,s:s,s:s}", "finding_id", finding_id, "from", was, "to",
                       json_str(in, "follow_up"));
    if ((e = audit_record(s, a, "follow_up", "return_operation", op_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_operation_get(s, a, op_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(o);
    json_decref(detail);
    return e;
}
