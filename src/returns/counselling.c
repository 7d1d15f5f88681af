/* Individual return counselling sessions: who was counselled, when, by whom, in which
 * language and with which interpreter, on which topics, and what came of it. Group
 * information sessions on return are sessions of src/sessions (kind
 * "return_information"), not rows here. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

#define CLOCK_SKEW_SECONDS 300

static const json_field counselling_fields[] = {
    {"person_id", JF_STRING, true, 40},      {"held_at", JF_STRING, false, 40},
    {"counsellor_id", JF_STRING, false, 40}, {"site_id", JF_STRING, false, 40},
    {"language", JF_STRING, true, 8},        {"interpreter", JF_STRING, false, 120},
    {"mode", JF_STRING, false, 16},          {"topics", JF_STRING_ARRAY, true, 8},
    {"outcome", JF_STRING, true, 24},        {"note", JF_TEXT, false, 2000},
};

static const char *const modes[] = {"in_person", "virtual", "phone", NULL};
static const char *const topics[] = {"avrr_programme", "eligibility", "travel_documents",
                                     "reintegration",  "medical",     "family",
                                     "legal_options",  "other",       NULL};
static const char *const outcomes[] = {"information_only", "considering", "intention_expressed",
                                       "declined", NULL};

/* Checks the topics and joins them with spaces into a new string (mem_free). */
static herr *topics_text(const json_t *list, char **out) {
    size_t i;
    json_t *v;
    char field[32];
    *out = NULL;
    if (json_array_size(list) == 0)
        return err_invalid("topics", "topics needs at least one of the topics spoken about");
    char *text = mem_strdup("");
    json_array_foreach(list, i, v) {
        snprintf(field, sizeof field, "topics[%zu]", i);
        herr *e = check_code(field, json_string_value(v), topics);
        if (e) {
            mem_free(text);
            return e;
        }
        char *next = mem_printf("%s%s%s", text, i ? " " : "", json_string_value(v));
        mem_free(text);
        text = next;
    }
    *out = text;
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO return_counselling (id, person_id, site_id, held_at, counsellor_id,"
    " counsellor_name, language, interpreter, mode, topics, outcome, note, by_id, by_name,"
    " created_at) VALUES (:id, :person, :site, :at, :counsellor, :counsellor_name, :language,"
    " :interpreter, :mode, :topics, :outcome, :note, :by_id, :by_name, :now)";

#define COUNSELLING_COLUMNS                                                                        \
    "r.id, r.person_id, p.reg_no, p.given_name, p.family_name, r.site_id, r.held_at,"              \
    " r.counsellor_id, r.counsellor_name, r.language, r.interpreter, r.mode, r.topics,"            \
    " r.outcome, r.note, r.created_at"

static const char one_sql[] =
    "SELECT " COUNSELLING_COLUMNS " FROM return_counselling r JOIN persons p ON p.id = r.person_id"
    " WHERE r.id = :id";

static json_t *counselling_json(store_stmt *st) {
    static const char *const cols[] = {"id",         "person_id",     "reg_no",
                                       "given_name", "family_name",   "site_id",
                                       "held_at",    "counsellor_id", "counsellor_name",
                                       "language",   "interpreter",   "mode",
                                       NULL,         "outcome",       "note",
                                       "created_at"};
    json_t *r = json_object();
    store_texts_to_json(st, r, cols, 16, 0);
    json_t *list = json_array();
    char *copy = mem_strdup(store_text(st, 12)), *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(list, json_string(tok));
    mem_free(copy);
    json_object_set_new(r, "topics", list);
    return r;
}

static herr *load_one(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, one_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && row) *out = counselling_json(st);
    store_done(st);
    return e;
}

herr *returns_counselling_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char site[ID_LEN], cid[ID_LEN], cname[72], id[ID_LEN], at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    char *topic_list = NULL;
    store_stmt *st = NULL;
    json_t *detail = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e)
        e = json_check(in, counselling_fields,
                       sizeof counselling_fields / sizeof counselling_fields[0]);
    if (e) return e;
    const char *lang = json_str(in, "language");
    const char *mode = json_str(in, "mode") ? json_str(in, "mode") : "in_person";
    if (!codes_language_valid(lang))
        return err_with(
            err_invalid("language", "language must be an ISO 639 code such as fa, ar, ps"),
            "language_code", (const char *)NULL);
    if ((e = check_code("mode", mode, modes))) return e;
    if ((e = check_code("outcome", json_str(in, "outcome"), outcomes))) return e;
    if ((e = check_time(in, "held_at", clock_now(), CLOCK_SKEW_SECONDS, at))) return e;
    if ((e = ret_person_site(s, a, "person_id", json_str(in, "person_id"), json_str(in, "site_id"),
                             site, NULL)))
        return e;
    if ((e = ret_counsellor(s, a, json_str(in, "counsellor_id"), true, cid, cname))) return e;
    if (!cname[0]) snprintf(cname, sizeof cname, "%s", a->username);
    if ((e = topics_text(json_object_get(in, "topics"), &topic_list))) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", json_str(in, "person_id"));
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":counsellor", cid[0] ? cid : NULL);
    store_bind_text(st, ":counsellor_name", cname);
    store_bind_text(st, ":language", lang);
    store_bind_text(st, ":interpreter", json_str(in, "interpreter"));
    store_bind_text(st, ":mode", mode);
    store_bind_text(st, ":topics", topic_list);
    store_bind_text(st, ":outcome", json_str(in, "outcome"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto rollback;
    detail = check_field_names(in);
    json_object_set_new(detail, "person_id", json_string(json_str(in, "person_id")));
    json_object_set_new(detail, "site_id", json_string(site));
    if ((e = audit_record(s, a, "create", "return_counselling", id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = load_one(s, id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    mem_free(topic_list);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT " COUNSELLING_COLUMNS ", COUNT(*) OVER () FROM return_counselling r"
    " JOIN persons p ON p.id = r.person_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || r.site_id || ',%')"
    " AND (:person IS NULL OR r.person_id = :person)"
    " AND (:counsellor IS NULL OR r.counsellor_id = :counsellor)"
    " AND (:from IS NULL OR r.held_at >= :from) AND (:to IS NULL OR r.held_at < :to)"
    " ORDER BY r.held_at DESC, r.id LIMIT :limit OFFSET :offset";

herr *returns_counselling_list(store *s, const actor *a, const char *person_id,
                               const char *counsellor_id, const char *from, const char *to,
                               int limit, int offset, json_t **out) {
    char from_d[CLOCK_DATE_LEN], to_d[CLOCK_DATE_LEN], from_iso[CLOCK_ISO_LEN],
        to_iso[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    bool row;
    *out = NULL;
    herr *e = ret_require(a, "returns.read");
    if (!e) e = check_date_text("from", from, false, from_d);
    if (!e) e = check_date_text("to", to, false, to_d);
    if (e) return e;
    if (limit < 1 || limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    from_iso[0] = to_iso[0] = '\0';
    if (from_d[0]) snprintf(from_iso, sizeof from_iso, "%sT00:00:00Z", from_d);
    if (to_d[0]) {
        int y, m, d;
        clock_parse_date(to_d, &y, &m, &d);
        clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, to_iso);
    }
    scope = ret_scope(a);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":sites", scope);
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":counsellor", counsellor_id);
    store_bind_text(st, ":from", from_iso[0] ? from_iso : NULL);
    store_bind_text(st, ":to", to_iso[0] ? to_iso : NULL);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", offset);
    items = json_array();
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, counselling_json(st));
        total = store_int(st, 16);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:O}", "total", (json_int_t)total, "items", items);
cleanup:
    store_done(st);
    json_decref(items);
    mem_free(scope);
    return e;
}
