/* Tracing requests: a relative lost on the route, matched against every registration at
 * every site, proposals confirmed or rejected by a caseworker, and what the asker may be
 * told, which depends on the found person's consent.
 *
 * Tracing is need to know: only roles with tracing.read (protection officers) read it,
 * and only for requests recorded at their sites; the administrator is not among them.
 * Matching looks at every site, because a relative is rarely registered where the asker
 * is: a proposal shows the caseworker enough to compare (names, birth, citizenship,
 * registration number, the site where they stay), and every read is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "families/families.h"
#include "families/families_internal.h"
#include "registry/registry.h"

static const char *const tracing_relations[] = {"spouse",  "child",          "parent",
                                                "sibling", "other_relative", NULL};
static const char *const sexes[] = {"M", "F", "X", NULL};
static const char *const precisions[] = {"exact", "year", "estimated", NULL};

/* ERR_FORBIDDEN unless the role may read (write) tracing. */
static herr *allowed(const actor *a, const char *permission) {
    if (auth_allows(a->role, permission)) return NULL;
    return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not see tracing requests", a->role);
}

/* ---- the request ---------------------------------------------------------------------- */

static const json_field request_fields[] = {
    {"site_id", JF_STRING, true, 40},          {"asker_person_id", JF_STRING, false, 40},
    {"asker_name", JF_STRING, false, 120},     {"asker_contact", JF_STRING, false, 120},
    {"relation", JF_STRING, true, 16},         {"sought", JF_OBJECT, true, 0},
    {"last_seen_place", JF_STRING, true, 200}, {"last_seen_date", JF_STRING, false, 10},
    {"circumstances", JF_TEXT, false, 4000},
};
static const json_field sought_fields[] = {
    {"given_name", JF_STRING, false, 80},   {"family_name", JF_STRING, true, 80},
    {"native_name", JF_STRING, false, 120}, {"sex", JF_STRING, false, 1},
    {"birth_date", JF_STRING, false, 10},   {"birth_date_precision", JF_STRING, false, 10},
    {"citizenship", JF_STRING, false, 16},
};

static herr *check_sought(const json_t *sought, char birth[CLOCK_DATE_LEN]) {
    herr *e = json_check(sought, sought_fields, sizeof sought_fields / sizeof sought_fields[0]);
    if (e) return e;
    if ((e = check_not_blank(sought, "family_name", true))) return e;
    const char *sex = json_str(sought, "sex"), *prec = json_str(sought, "birth_date_precision");
    if (sex && (e = check_code("sex", sex, sexes))) return e;
    if (prec && (e = check_code("birth_date_precision", prec, precisions))) return e;
    birth[0] = '\0';
    const char *b = json_str(sought, "birth_date");
    int y, m, d;
    if (b && !clock_parse_date(b, &y, &m, &d))
        return err_invalid("birth_date", "birth_date must be a real date YYYY-MM-DD");
    if (b) {
        char today[CLOCK_DATE_LEN];
        clock_format_date(clock_now(), today);
        if (strcmp(b, today) > 0 || y < 1900)
            return err_invalid("birth_date", "birth_date must be between 1900 and today");
        snprintf(birth, CLOCK_DATE_LEN, "%s", b);
    }
    const char *cit = json_str(sought, "citizenship");
    if (cit && !codes_country_valid(cit))
        return err_invalid("citizenship", "citizenship must be a country code (ISO 3166)");
    return NULL;
}

static herr *check_request(store *s, const actor *a, const json_t *in, char birth[CLOCK_DATE_LEN],
                           char seen[CLOCK_DATE_LEN]) {
    herr *e = json_check(in, request_fields, sizeof request_fields / sizeof request_fields[0]);
    if (e) return e;
    if (!actor_has_site(a, json_str(in, "site_id")))
        return err_with(
            err_invalid("site_id", "no site with id %s among your sites", json_str(in, "site_id")),
            "site_unknown", (const char *)NULL);
    if ((e = check_code("relation", json_str(in, "relation"), tracing_relations))) return e;
    if ((e = fam_prefix(check_sought(json_object_get(in, "sought"), birth), "sought."))) return e;
    if ((e = check_not_blank(in, "last_seen_place", true))) return e;
    if ((e = check_date_text("last_seen_date", json_str(in, "last_seen_date"), false, seen)))
        return e;
    const char *asker = json_str(in, "asker_person_id");
    if (!asker && !json_str(in, "asker_name"))
        return err_with(
            err_invalid("asker_name", "who asks is required: asker_person_id or asker_name"),
            "required", (const char *)NULL);
    if (json_str(in, "asker_name") && (e = check_not_blank(in, "asker_name", false))) return e;
    if (asker) {
        if ((e = check_id("asker_person_id", asker, true))) return e;
        if ((e = registry_person_visible(s, a, asker))) {
            if (e->code != ERR_NOT_FOUND) return e;
            err_free(e);
            return err_with(
                err_invalid("asker_person_id", "no person with id %s among your sites", asker),
                "person_unknown", (const char *)NULL);
        }
    }
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO tracing_requests (id, site_id, asker_person_id, asker_name, asker_contact,"
    " relation, sought_given_name, sought_family_name, sought_native_name, sought_sex,"
    " sought_birth_date, sought_birth_date_precision, sought_citizenship, last_seen_place,"
    " last_seen_date, circumstances, status, consent, created_at, created_by, updated_at)"
    " VALUES (:id, :site, :asker, :asker_name, :asker_contact, :relation, :given, :family,"
    " :native, :sex, :birth, :precision, :citizenship, :place, :seen, :circumstances, 'open',"
    " 'not_asked', :now, :by, :now)";

static herr *match_request(store *s, const char *id, int *added);

herr *tracing_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN], now[CLOCK_ISO_LEN], birth[CLOCK_DATE_LEN], seen[CLOCK_DATE_LEN];
    store_stmt *st = NULL;
    herr *e = allowed(a, "tracing.write");
    if (e || (e = check_request(s, a, in, birth, seen))) return e;
    const json_t *sought = json_object_get(in, "sought");
    const char *cit = json_str(sought, "citizenship");
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":asker", json_str(in, "asker_person_id"));
    store_bind_text(st, ":asker_name", json_str(in, "asker_name"));
    store_bind_text(st, ":asker_contact", json_str(in, "asker_contact"));
    store_bind_text(st, ":relation", json_str(in, "relation"));
    store_bind_text(st, ":given", json_str(sought, "given_name"));
    store_bind_text(st, ":family", json_str(sought, "family_name"));
    store_bind_text(st, ":native", json_str(sought, "native_name"));
    store_bind_text(st, ":sex", json_str(sought, "sex"));
    store_bind_text(st, ":birth", birth[0] ? birth : NULL);
    store_bind_text(st, ":precision",
                    birth[0] ? (json_str(sought, "birth_date_precision")
                                    ? json_str(sought, "birth_date_precision")
                                    : "exact")
                             : NULL);
    store_bind_text(st, ":citizenship", cit);
    store_bind_text(st, ":place", json_str(in, "last_seen_place"));
    store_bind_text(st, ":seen", seen[0] ? seen : NULL);
    store_bind_text(st, ":circumstances", json_str(in, "circumstances"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, "create", "tracing_request", id, detail);
    json_decref(detail);
    int added = 0;
    if (e || (e = match_request(s, id, &added)) || (e = store_commit(s))) goto rollback;
    return tracing_get(s, a, id, out);
rollback:
    store_done(st);
    store_rollback(s);
    return e;
}

/* ---- matching ------------------------------------------------------------------------- */

#define TRACING_PROPOSALS 10

static const char sought_sql[] =
    "SELECT sought_given_name, sought_family_name, sought_native_name, sought_sex,"
    " sought_birth_date, sought_birth_date_precision, sought_citizenship, asker_person_id, status"
    " FROM tracing_requests WHERE id = :id";
static const char match_insert_sql[] =
    "INSERT INTO tracing_matches (id, request_id, person_id, score, reasons, state, proposed_at)"
    " VALUES (:id, :request, :person, :score, :reasons, 'proposed', :now)"
    " ON CONFLICT (request_id, person_id) DO NOTHING";

/* Adds the matcher's candidates for the request as proposals (inside the caller's
 * transaction). The registry is asked as the system: tracing looks at every site. */
static herr *match_request(store *s, const char *id, int *added) {
    store_stmt *st = NULL;
    json_t *person = NULL, *page = NULL;
    char asker[ID_LEN] = "", now[CLOCK_ISO_LEN];
    bool row = false, open = false;
    *added = 0;
    herr *e = store_prepare(s, sought_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row)) || !row) goto cleanup;
    static const char *const keys[] = {"given_name", "family_name",          "native_name", "sex",
                                       "birth_date", "birth_date_precision", "citizenship"};
    person = json_object();
    for (int i = 0; i < 7; i++)
        if (!store_is_null(st, i)) json_set_str(person, keys[i], store_text(st, i));
    if (!store_is_null(st, 7)) snprintf(asker, sizeof asker, "%s", store_text(st, 7));
    open = !strcmp(store_text(st, 8), "open");
    store_done(st);
    st = NULL;
    if (!open) goto cleanup;
    actor sys;
    actor_system(&sys, "tracing");
    if ((e = registry_desk_candidates(s, &sys, person, asker[0] ? asker : NULL, TRACING_PROPOSALS,
                                      &page)))
        goto cleanup;
    clock_format_iso(clock_now(), now);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(page, "items"), i, c) {
        const char *pid = json_str(c, "id");
        if (!pid) continue;
        char mid[ID_LEN];
        id_new(mid);
        char *reasons = json_dumps(json_object_get(c, "reasons"), JSON_COMPACT);
        if ((e = store_prepare(s, match_insert_sql, &st))) {
            free(reasons);
            goto cleanup;
        }
        store_bind_text(st, ":id", mid);
        store_bind_text(st, ":request", id);
        store_bind_text(st, ":person", pid);
        store_bind_double(st, ":score", json_number_value(json_object_get(c, "score")));
        store_bind_text(st, ":reasons", reasons ? reasons : "[]");
        store_bind_text(st, ":now", now);
        e = store_run_done(&st);
        free(reasons);
        if (e) goto cleanup;
        *added += store_changes(s) > 0;
    }
cleanup:
    store_done(st);
    json_decref(person);
    json_decref(page);
    return e;
}

/* ---- reading -------------------------------------------------------------------------- */

#define REQUEST_COLUMNS                                                                            \
    "id, site_id, asker_person_id, asker_name, asker_contact, relation, sought_given_name,"        \
    " sought_family_name, sought_native_name, sought_sex, sought_birth_date,"                      \
    " sought_birth_date_precision, sought_citizenship, last_seen_place, last_seen_date,"           \
    " circumstances, status, consent, consent_note, consent_at, close_note, created_at,"           \
    " created_by, updated_at"

static const char request_sql[] = "SELECT " REQUEST_COLUMNS " FROM tracing_requests WHERE id = :id";
static const char matches_sql[] =
    "SELECT id, person_id, score, reasons, state, note, proposed_at, decided_at, decided_by"
    " FROM tracing_matches WHERE request_id = :id ORDER BY state = 'rejected', score DESC, id";

static json_t *request_row(store_stmt *st) {
    static const char *const cols[] = {"id",
                                       "site_id",
                                       "asker_person_id",
                                       "asker_name",
                                       "asker_contact",
                                       "relation",
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       "last_seen_place",
                                       "last_seen_date",
                                       "circumstances",
                                       "status",
                                       "consent",
                                       "consent_note",
                                       "consent_at",
                                       "close_note",
                                       "created_at",
                                       "created_by",
                                       "updated_at"};
    static const char *const sought[] = {"given_name", "family_name",          "native_name", "sex",
                                         "birth_date", "birth_date_precision", "citizenship"};
    json_t *o = json_object(), *so = json_object();
    store_texts_to_json(st, o, cols, 24, 0);
    store_texts_to_json(st, so, sought, 7, 6);
    json_object_set_new(o, "sought", so);
    return o;
}

/* The request, when the actor may read it (role and site); ERR_NOT_FOUND otherwise. */
static herr *load_request(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    if (!id || !id_is_valid(id))
        return err_new(ERR_NOT_FOUND, "id", "no tracing request with id %s", id ? id : "");
    herr *e = store_prepare(s, request_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row))) {
        if (row && actor_has_site(a, store_text(st, 1)))
            *out = request_row(st);
        else
            e = err_new(ERR_NOT_FOUND, "id", "no tracing request with id %s", id);
    }
    store_done(st);
    return e;
}

/* What the caseworker sees of a proposed person: enough to compare, and where they are. */
static json_t *match_person(store *s, const char *person_id) {
    actor sys;
    json_t *p = NULL;
    actor_system(&sys, "tracing");
    herr *e = registry_person_get(s, &sys, person_id, &p);
    if (e) {
        err_free(e);
        return json_null();
    }
    json_t *o = json_object();
    static const char *const keys[] = {
        "reg_no",     "given_name",           "family_name", "native_name", "sex",
        "birth_date", "birth_date_precision", "citizenship", NULL};
    for (int i = 0; keys[i]; i++) json_set_str(o, keys[i], json_str(p, keys[i]));
    /* Where to find them: the site they stay at now, else the one they registered at. */
    json_t *cur = json_object_get(p, "current_stay"), *site = NULL;
    const char *site_id =
        json_is_object(cur) ? json_str(cur, "site_id") : json_str(p, "registration_site_id");
    json_set_str(o, "site_id", site_id);
    json_object_set_new(o, "checked_in", json_boolean(json_is_object(cur)));
    if (site_id && !(e = registry_site_get(s, &sys, site_id, &site)))
        json_set_str(o, "site_name", json_str(site, "name"));
    err_free(e);
    json_decref(site);
    json_decref(p);
    return o;
}

static herr *load_matches(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    json_t *list = json_array();
    herr *e = store_prepare(s, matches_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *reasons = json_loads(store_text(st, 3), 0, NULL);
        json_t *m = json_pack("{s:s,s:s,s:f,s:o,s:s}", "id", store_text(st, 0), "person_id",
                              store_text(st, 1), "score", store_double(st, 2), "reasons",
                              reasons ? reasons : json_array(), "state", store_text(st, 4));
        static const char *const k[] = {"note", "proposed_at", "decided_at", "decided_by"};
        store_texts_to_json(st, m, k, 4, 5);
        json_array_append_new(list, m);
    }
    store_done(st);
    st = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        json_object_set_new(m, "person", match_person(s, json_str(m, "person_id")));
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(list);
        return e;
    }
    *out = list;
    return NULL;
}

/* What the asker may be told: that the person was found, and where, only with the found
 * person's consent. */
static json_t *disclosure(const json_t *req, const json_t *matches) {
    const json_t *found = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(matches, i, m) {
        if (!strcmp(json_str(m, "state"), "confirmed")) found = m;
    }
    const char *consent = json_str(req, "consent");
    bool may = found && !strcmp(consent, "given");
    json_t *d = json_pack("{s:b,s:s,s:b}", "found", found != NULL, "consent", consent,
                          "may_tell_asker", may);
    if (may) {
        const json_t *p = json_object_get(found, "person");
        json_object_set_new(d, "tell_asker",
                            json_pack("{s:s?,s:s?,s:s?}", "given_name", json_str(p, "given_name"),
                                      "family_name", json_str(p, "family_name"), "site_name",
                                      json_str(p, "site_name")));
    }
    return d;
}

herr *tracing_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *req = NULL, *matches = NULL;
    int added = 0;
    herr *e = allowed(a, "tracing.read");
    if (e || (e = load_request(s, a, id, &req))) return e;
    /* Continuous matching: people registered since the last look are proposed now. */
    if ((e = store_begin(s))) goto cleanup;
    json_t *detail = json_pack("{s:s}", "site_id", json_str(req, "site_id"));
    if (!(e = match_request(s, id, &added)))
        e = audit_record_read(s, a, "tracing_request", id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) {
        store_rollback(s);
        goto cleanup;
    }
    if ((e = load_matches(s, id, &matches))) goto cleanup;
    json_object_set_new(req, "disclosure", disclosure(req, matches));
    json_object_set(req, "matches", matches);
cleanup:
    json_decref(matches);
    if (e) {
        json_decref(req);
        return e;
    }
    *out = req;
    return NULL;
}

static const char *const statuses[] = {"open", "found", "reunited", "closed", NULL};

static const char list_sql[] =
    "SELECT r.id, r.site_id, r.status, r.sought_given_name, r.sought_family_name,"
    " r.last_seen_place, r.created_at,"
    " (SELECT COUNT(*) FROM tracing_matches m WHERE m.request_id = r.id AND m.state = 'proposed'),"
    " COUNT(*) OVER ()"
    " FROM tracing_requests r"
    " WHERE (:site IS NULL OR r.site_id = :site) AND (:status IS NULL OR r.status = :status)"
    "  AND (:all = 1 OR instr(:scope, ',' || r.site_id || ',') > 0)"
    " ORDER BY r.created_at DESC, r.id LIMIT :limit OFFSET :offset";

herr *tracing_list(store *s, const actor *a, const tracing_query *q, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = allowed(a, "tracing.read");
    if (e) return e;
    int limit = q->limit ? q->limit : 50;
    if (limit < 1 || limit > 200) return err_invalid("limit", "limit must be from 1 to 200");
    if (q->offset < 0)
        return err_with(err_invalid("offset", "offset must not be negative"), "wrong_type",
                        (const char *)NULL);
    if (q->status && (e = check_code("status", q->status, statuses))) return e;
    if (q->site_id && !actor_has_site(a, q->site_id))
        return err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", q->site_id);
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    json_t *items = json_array(), *ids = json_array();
    int64_t total = 0;
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":status", q->status);
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":scope", scope);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    while (!(e = store_step(st, &row)) && row) {
        char *name = mem_printf("%s%s%s", store_is_null(st, 3) ? "" : store_text(st, 3),
                                store_is_null(st, 3) ? "" : " ", store_text(st, 4));
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", store_text(st, 0), "site_id",
                             store_text(st, 1), "status", store_text(st, 2), "sought_name", name,
                             "last_seen_place", store_text(st, 5), "created_at", store_text(st, 6),
                             "proposed", (json_int_t)store_int(st, 7)));
        json_array_append_new(ids, json_string(store_text(st, 0)));
        mem_free(name);
        total = store_int(st, 8);
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    json_t *detail = json_pack("{s:O}", "ids", ids);
    e = audit_record_read(s, a, "tracing_request", "", detail);
    json_decref(detail);
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(ids);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I,s:o}", "total", (json_int_t)total, "items", items);
    return NULL;
}

/* ---- steps ---------------------------------------------------------------------------- */

static const char open_sql[] =
    "SELECT r.id FROM tracing_requests r WHERE r.status = 'open'"
    " AND (:all = 1 OR instr(:scope, ',' || r.site_id || ',') > 0) ORDER BY r.created_at";

herr *tracing_rematch(store *s, const actor *a, const char *id, json_t **out) {
    json_t *req = NULL, *ids = json_array();
    store_stmt *st = NULL;
    char *scope = NULL;
    int total = 0;
    herr *e = allowed(a, "tracing.write");
    if (e) goto cleanup;
    if (id) {
        if ((e = load_request(s, a, id, &req))) goto cleanup;
        json_array_append_new(ids, json_string(id));
    } else {
        bool row = false;
        scope = mem_strdup(",");
        for (size_t i = 0; i < a->n_sites; i++) {
            char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
            mem_free(scope);
            scope = next;
        }
        if ((e = store_prepare(s, open_sql, &st))) goto cleanup;
        store_bind_int(st, ":all", a->all_sites);
        store_bind_text(st, ":scope", scope);
        while (!(e = store_step(st, &row)) && row)
            json_array_append_new(ids, json_string(store_text(st, 0)));
        store_done(st);
        st = NULL;
        if (e) goto cleanup;
    }
    if ((e = store_begin(s))) goto cleanup;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        int added = 0;
        if ((e = match_request(s, json_string_value(v), &added))) break;
        total += added;
    }
    if (!e) {
        json_t *detail =
            json_pack("{s:I,s:i}", "requests", (json_int_t)json_array_size(ids), "proposed", total);
        e = audit_record(s, a, "rematch", "tracing_request", id ? id : "", detail);
        json_decref(detail);
    }
    if (e || (e = store_commit(s))) {
        store_rollback(s);
        goto cleanup;
    }
    *out = json_pack("{s:i,s:I}", "proposed", total, "requests", (json_int_t)json_array_size(ids));
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(req);
    json_decref(ids);
    return e;
}

static const char *const decisions[] = {"confirm", "reject", NULL};
static const json_field decide_fields[] = {
    {"decision", JF_STRING, true, 10},
    {"note", JF_TEXT, false, 2000},
};
static const char match_state_sql[] =
    "SELECT state FROM tracing_matches WHERE id = :id AND request_id = :request";
static const char decide_sql[] =
    "UPDATE tracing_matches SET state = :state, note = :note, decided_at = :now,"
    " decided_by = :by WHERE id = :id AND request_id = :request AND state = 'proposed'";
static const char status_sql[] = "UPDATE tracing_requests SET status = :status, updated_at = :now,"
                                 " close_note = COALESCE(:note, close_note) WHERE id = :id";

static herr *set_status(store *s, const char *id, const char *status, const char *note) {
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, status_sql, &st);
    if (e) return e;
    store_bind_text(st, ":status", status);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":note", note);
    store_bind_text(st, ":id", id);
    e = store_run_done(&st);
    store_done(st);
    return e;
}

herr *tracing_decide(store *s, const actor *a, const char *id, const char *match_id,
                     const json_t *in, json_t **out) {
    json_t *req = NULL;
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN], state[16] = "";
    bool row = false;
    herr *e = allowed(a, "tracing.write");
    if (!e) e = json_check(in, decide_fields, sizeof decide_fields / sizeof decide_fields[0]);
    if (!e) e = check_code("decision", json_str(in, "decision"), decisions);
    if (e || (e = load_request(s, a, id, &req))) return e;
    bool confirm = !strcmp(json_str(in, "decision"), "confirm");
    if ((e = store_prepare(s, match_state_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", match_id);
    store_bind_text(st, ":request", id);
    if (!(e = store_step(st, &row)) && row) snprintf(state, sizeof state, "%s", store_text(st, 0));
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "match_id", "no proposal %s for this request", match_id);
        goto cleanup;
    }
    if (strcmp(state, "proposed")) {
        e = err_with(err_new(ERR_CONFLICT, "decision", "the proposal was %s already", state),
                     "tracing_decided", (const char *)NULL);
        goto cleanup;
    }
    if (confirm && strcmp(json_str(req, "status"), "open")) {
        e = err_with(err_new(ERR_CONFLICT, "decision",
                             "the request is %s: a match is confirmed only while it is open",
                             json_str(req, "status")),
                     "tracing_not_open", (const char *)NULL);
        goto cleanup;
    }
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, decide_sql, &st))) goto rollback;
    store_bind_text(st, ":state", confirm ? "confirmed" : "rejected");
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":id", match_id);
    store_bind_text(st, ":request", id);
    if ((e = store_run_done(&st))) goto rollback;
    if (confirm && (e = set_status(s, id, "found", NULL))) goto rollback;
    json_t *detail =
        json_pack("{s:s,s:s}", "match_id", match_id, "decision", json_str(in, "decision"));
    e = audit_record(s, a, "decide", "tracing_request", id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) goto rollback;
    e = tracing_get(s, a, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    store_done(st);
    json_decref(req);
    return e;
}

static const char *const consents[] = {"given", "refused", NULL};
static const json_field consent_fields[] = {
    {"consent", JF_STRING, true, 10},
    {"note", JF_TEXT, false, 2000},
};
static const char consent_sql[] =
    "UPDATE tracing_requests SET consent = :consent, consent_note = :note, consent_at = :now,"
    " updated_at = :now WHERE id = :id";

herr *tracing_consent(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *req = NULL;
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    herr *e = allowed(a, "tracing.write");
    if (!e) e = json_check(in, consent_fields, sizeof consent_fields / sizeof consent_fields[0]);
    if (!e) e = check_code("consent", json_str(in, "consent"), consents);
    if (e || (e = load_request(s, a, id, &req))) return e;
    if (!strcmp(json_str(req, "status"), "open")) {
        e = err_with(err_new(ERR_CONFLICT, "consent",
                             "consent is asked of the found person: confirm a match first"),
                     "tracing_consent_before_found", (const char *)NULL);
        goto cleanup;
    }
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, consent_sql, &st))) goto rollback;
    store_bind_text(st, ":consent", json_str(in, "consent"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = json_pack("{s:s}", "consent", json_str(in, "consent"));
    e = audit_record(s, a, "consent", "tracing_request", id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) goto rollback;
    e = tracing_get(s, a, id, out);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    store_done(st);
    json_decref(req);
    return e;
}

static const char *const closings[] = {"reunited", "closed", NULL};
static const json_field close_fields[] = {
    {"status", JF_STRING, true, 10},
    {"note", JF_TEXT, false, 2000},
};

herr *tracing_close(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *req = NULL;
    herr *e = allowed(a, "tracing.write");
    if (!e) e = json_check(in, close_fields, sizeof close_fields / sizeof close_fields[0]);
    if (!e) e = check_code("status", json_str(in, "status"), closings);
    if (e || (e = load_request(s, a, id, &req))) return e;
    const char *status = json_str(in, "status"), *now_status = json_str(req, "status");
    if (!strcmp(now_status, "reunited") || !strcmp(now_status, "closed")) {
        e = err_with(err_new(ERR_CONFLICT, "status", "the request is %s already", now_status),
                     "tracing_closed", (const char *)NULL);
    } else if (!strcmp(status, "reunited") && strcmp(now_status, "found")) {
        e = err_with(
            err_new(ERR_CONFLICT, "status", "a reunification is recorded after a confirmed match"),
            "tracing_reunited_before_found", (const char *)NULL);
    }
    if (e) goto cleanup;
    if ((e = store_begin(s))) goto cleanup;
    json_t *detail = json_pack("{s:s}", "status", status);
    if (!(e = set_status(s, id, status, json_str(in, "note"))))
        e = audit_record(s, a, "close", "tracing_request", id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) {
        store_rollback(s);
        goto cleanup;
    }
    e = tracing_get(s, a, id, out);
cleanup:
    json_decref(req);
    return e;
}
