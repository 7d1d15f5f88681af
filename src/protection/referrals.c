/* Referrals to service providers and their lifecycle:
 *
 *   draft -> sent -> accepted -> service_delivered -> closed
 *                 \-> declined -------------------->/
 *                     accepted -------------------->/  (the service did not happen)
 *
 * Each step is a row of protection_referral_steps (dated, signed, with a sealed note);
 * the referral row keeps the state and the date of each milestone for lists and the
 * overdue query (sent and no answer after N days). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

static const struct {
    const char *from, *to;
} transitions[] = {
    {"draft", "sent"},      {"sent", "accepted"},
    {"sent", "declined"},   {"accepted", "service_delivered"},
    {"accepted", "closed"}, {"service_delivered", "closed"},
    {"declined", "closed"},
};

static const char *const states[] = {"draft",  "sent", "accepted", "declined", "service_delivered",
                                     "closed", NULL};
static const char *const urgencies[] = {"normal", "urgent", NULL};

static bool transition_allowed(const char *from, const char *to) {
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (!strcmp(transitions[i].from, from) && !strcmp(transitions[i].to, to)) return true;
    return false;
}

/* "sent or closed" style list of the states reachable from a state, for messages. */
static void next_states(const char *from, char *out, size_t size) {
    out[0] = '\0';
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (strcmp(transitions[i].from, from) != 0) continue;
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? " or " : "", transitions[i].to);
    }
    if (!out[0]) snprintf(out, size, "nothing (it is final)");
}

static const char step_sql[] =
    "INSERT INTO protection_referral_steps (id, referral_id, from_state, to_state, at, by_id,"
    " by_name, note) VALUES (:id, :referral_id, :from_state, :to_state, :at, :by_id, :by_name,"
    " :note)";

static herr *add_step(store *s, const actor *a, const char *referral_id, const char *from,
                      const char *to, const char *at, const char *note) {
    store_stmt *st = NULL;
    char id[ID_LEN];
    id_new(id);
    herr *e = store_prepare(s, step_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":referral_id", referral_id);
    store_bind_text(st, ":from_state", from);
    store_bind_text(st, ":to_state", to);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = prot_bind_sealed(st, ":note", "protection_referral_steps", id, "note", note))) {
        store_done(st);
        return e;
    }
    return store_run_done(&st);
}

static const json_field create_fields[] = {
    {"person_id", JF_STRING, true, 36}, {"provider_id", JF_STRING, true, 36},
    {"site_id", JF_STRING, false, 36},  {"urgency", JF_STRING, false, 10},
    {"reason", JF_TEXT, false, 2000},   {"send", JF_BOOL, false, 0},
};

static const char serves_sql[] =
    "SELECT 1 FROM protection_provider_sites WHERE provider_id = :provider AND site_id = :site";
static const char insert_sql[] =
    "INSERT INTO protection_referrals (id, person_id, site_id, provider_id, service_type,"
    " urgency, state, consent_id, reason, created_at, by_id, by_name, sent_at, updated_at)"
    " VALUES (:id, :person_id, :site_id, :provider_id, :service_type, :urgency, :state,"
    " :consent_id, :reason, :now, :by_id, :by_name, :sent_at, :now)";

/* Inside the transaction: the site (given or the person's current one), the provider
 * (active, serving the site) and the consent. */
static herr *check_referral_refs(store *s, const actor *a, const json_t *in, char site[ID_LEN],
                                 char service_type[32], char consent_id[ID_LEN]) {
    const char *person = json_str(in, "person_id"), *provider = json_str(in, "provider_id");
    bool active = false, ok = false, row = false;
    herr *e = prot_check_person_write(s, a, person);
    if (e) return e;
    if (json_str(in, "site_id")) {
        if (!actor_has_site(a, json_str(in, "site_id")))
            return err_with(err_invalid("site_id", "no site with id %s among your sites",
                                        json_str(in, "site_id")),
                            "site_unknown", (const char *)NULL);
        snprintf(site, ID_LEN, "%s", json_str(in, "site_id"));
    } else if ((e = prot_current_site(s, a, person, site))) {
        return e;
    } else if (!site[0]) {
        return err_invalid("site_id", "give site_id: the person is not staying at one of your "
                                      "sites now");
    }
    if ((e = prot_provider_lookup(s, provider, "provider_id", service_type, &active))) return e;
    if (!active) return err_invalid("provider_id", "the provider %s is no longer active", provider);
    store_stmt *st = NULL;
    if ((e = store_prepare(s, serves_sql, &st))) return e;
    store_bind_text(st, ":provider", provider);
    store_bind_text(st, ":site", site);
    e = store_step(st, &row);
    store_done(st);
    if (e) return e;
    if (!row) return err_invalid("provider_id", "the provider does not serve the referral's site");
    if ((e = prot_referral_consent(s, person, provider, &ok, consent_id))) return e;
    if (!ok)
        return err_invalid("consent",
                           "the person has not consented to referral to this provider (or "
                           "withdrew consent): record consent of kind referral for provider_id "
                           "first");
    return NULL;
}

herr *protection_referral_create(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not refer", a->role);
    herr *e = json_check(in, create_fields, sizeof create_fields / sizeof create_fields[0]);
    if (e) return e;
    const char *urgency = json_str(in, "urgency") ? json_str(in, "urgency") : "normal";
    if ((e = check_code("urgency", urgency, urgencies))) return e;
    if ((e = check_not_blank(in, "reason", false))) return e;
    bool send = json_is_true(json_object_get(in, "send"));
    char id[ID_LEN], now[CLOCK_ISO_LEN], site[ID_LEN] = "", type[32], consent[ID_LEN];
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = check_referral_refs(s, a, in, site, type, consent))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person_id", json_str(in, "person_id"));
    store_bind_text(st, ":site_id", site);
    store_bind_text(st, ":provider_id", json_str(in, "provider_id"));
    store_bind_text(st, ":service_type", type);
    store_bind_text(st, ":urgency", urgency);
    store_bind_text(st, ":state", send ? "sent" : "draft");
    store_bind_text(st, ":consent_id", consent);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":sent_at", send ? now : NULL);
    if ((e = prot_bind_sealed(st, ":reason", "protection_referrals", id, "reason",
                              json_str(in, "reason"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = add_step(s, a, id, NULL, "draft", now, NULL))) goto cleanup;
    if (send && (e = add_step(s, a, id, "draft", "sent", now, NULL))) goto cleanup;
    detail = json_pack("{s:s,s:s,s:s}", "person_id", json_str(in, "person_id"), "provider_id",
                       json_str(in, "provider_id"), "state", send ? "sent" : "draft");
    if ((e = audit_record(s, a, "create", "protection_referral", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = protection_referral_get(s, a, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    return e;
}

#define REFERRAL_COLUMNS                                                                           \
    "r.id, r.person_id, r.site_id, r.provider_id, p.name, r.service_type, r.urgency,"              \
    " r.state, r.created_at, r.by_name, r.sent_at, r.answered_at, r.delivered_at,"                 \
    " r.closed_at, r.reason"

static json_t *referral_row(store_stmt *st, int64_t overdue_cutoff) {
    static const char *const keys[] = {
        "id",           "person_id",   "site_id",      "provider_id", "provider_name",
        "service_type", "urgency",     "state",        "created_at",  "created_by",
        "sent_at",      "answered_at", "delivered_at", "closed_at"};
    json_t *r = json_object();
    for (int i = 0; i < 14; i++) prot_set_col(r, keys[i], st, i);
    int64_t sent = 0;
    bool overdue = !strcmp(store_text(st, 7), "sent") && !store_is_null(st, 10) &&
                   clock_parse_iso(store_text(st, 10), &sent) && sent < overdue_cutoff;
    json_object_set_new(r, "overdue", json_boolean(overdue));
    return r;
}

static int64_t default_cutoff(void) {
    return clock_now() - (int64_t)PROTECTION_DEFAULT_OVERDUE_DAYS * 86400;
}

static const char get_sql[] =
    "SELECT " REFERRAL_COLUMNS " FROM protection_referrals r"
    " JOIN protection_providers p ON p.id = r.provider_id WHERE r.id = :id";
static const char steps_sql[] =
    "SELECT id, from_state, to_state, at, by_name, note FROM protection_referral_steps"
    " WHERE referral_id = :id ORDER BY at, id";

/* The referral, decrypted, without checks. */
static herr *load_referral(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *r = NULL;
    bool row;
    *out = NULL;
    herr *e = store_prepare(s, get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no referral with id %s", id);
        goto cleanup;
    }
    r = referral_row(st, default_cutoff());
    if ((e = prot_open_into(st, 14, "protection_referrals", id, "reason", r, "reason")))
        goto cleanup;
    store_done(st);
    if ((e = store_prepare(s, steps_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    json_t *steps = json_array();
    json_object_set_new(r, "steps", steps);
    while (!(e = store_step(st, &row)) && row) {
        json_t *step = json_object();
        prot_set_col(step, "from", st, 1);
        prot_set_col(step, "to", st, 2);
        prot_set_col(step, "at", st, 3);
        prot_set_col(step, "by", st, 4);
        json_array_append_new(steps, step);
        if ((e = prot_open_into(st, 5, "protection_referral_steps", store_text(st, 0), "note", step,
                                "note")))
            break;
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(r);
        return e;
    }
    *out = r;
    return NULL;
}

/* The referral if the actor may read it: its site is theirs (protection officers) or
 * they hold break-glass for the person. Unknown and invisible look the same. */
static herr *visible_referral(store *s, const actor *a, const char *id, prot_access *acc,
                              json_t **out) {
    if (!auth_allows(a->role, "protection.details") &&
        !auth_allows(a->role, "protection.break_glass"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read protection details",
                       a->role);
    if (!id_is_valid(id)) return err_new(ERR_NOT_FOUND, "id", "no referral with id %s", id);
    json_t *r = NULL;
    herr *e = load_referral(s, id, &r);
    if (e) return e;
    e = prot_check_person_read(s, a, json_str(r, "person_id"), acc);
    if (!e && !acc->break_glass_id[0] && !actor_has_site(a, json_str(r, "site_id")))
        e = err_new(ERR_NOT_FOUND, "id", "no referral with id %s", id);
    if (e && e->code == ERR_NOT_FOUND)
        snprintf(e->message, sizeof e->message, "no referral with id %s", id);
    if (e) {
        json_decref(r);
        return e;
    }
    *out = r;
    return NULL;
}

herr *protection_referral_get(store *s, const actor *a, const char *id, json_t **out) {
    prot_access acc;
    json_t *r = NULL;
    herr *e = visible_referral(s, a, id, &acc, &r);
    if (!e) e = prot_audit_read(s, a, &acc, "protection_referral", id, json_str(r, "person_id"));
    if (e) {
        json_decref(r);
        return e;
    }
    *out = r;
    return NULL;
}

static const json_field transition_fields[] = {
    {"to", JF_STRING, true, 20},
    {"note", JF_TEXT, false, 2000},
    {"at", JF_STRING, false, 40},
};

static const char move_sql[] =
    "UPDATE protection_referrals SET state = :to,"
    " sent_at = CASE WHEN :to = 'sent' THEN :at ELSE sent_at END,"
    " answered_at = CASE WHEN :to IN ('accepted', 'declined') THEN :at ELSE answered_at END,"
    " delivered_at = CASE WHEN :to = 'service_delivered' THEN :at ELSE delivered_at END,"
    " closed_at = CASE WHEN :to = 'closed' THEN :at ELSE closed_at END,"
    " updated_at = :now WHERE id = :id AND state = :from";

herr *protection_referral_transition(store *s, const actor *a, const char *id, const json_t *in,
                                     json_t **out) {
    store_stmt *st = NULL;
    json_t *r = NULL, *detail = NULL;
    prot_access acc;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change referrals", a->role);
    herr *e =
        json_check(in, transition_fields, sizeof transition_fields / sizeof transition_fields[0]);
    if (e) return e;
    const char *to = json_str(in, "to");
    if ((e = check_code("to", to, states))) return e;
    char at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    if ((e = check_time(in, "at", clock_now(), 86400, at))) return e;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = visible_referral(s, a, id, &acc, &r))) goto cleanup;
    const char *from = json_str(r, "state");
    if (!transition_allowed(from, to)) {
        char next[120];
        next_states(from, next, sizeof next);
        e = err_new(ERR_CONFLICT, "to", "a referral that is %s cannot become %s; it can become %s",
                    from, to, next);
        goto cleanup;
    }
    json_t *steps = json_object_get(r, "steps");
    const char *last = json_str(json_array_get(steps, json_array_size(steps) - 1), "at");
    if (last && strcmp(at, last) < 0) {
        e = err_invalid("at", "at cannot be before the referral's previous step (%s)", last);
        goto cleanup;
    }
    if ((e = store_prepare(s, move_sql, &st))) goto cleanup;
    store_bind_text(st, ":to", to);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":from", from);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if (store_changes(s) != 1) {
        e = err_new(ERR_CONFLICT, "to", "the referral changed meanwhile; reload it");
        goto cleanup;
    }
    if ((e = add_step(s, a, id, from, to, at, json_str(in, "note")))) goto cleanup;
    detail =
        json_pack("{s:s,s:s,s:s}", "person_id", json_str(r, "person_id"), "from", from, "to", to);
    if ((e = audit_record(s, a, "transition", "protection_referral", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    json_decref(r);
    r = NULL;
    e = load_referral(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(r);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT " REFERRAL_COLUMNS " FROM protection_referrals r"
    " JOIN protection_providers p ON p.id = r.provider_id"
    " WHERE (:all = 1 OR :sites LIKE '%,' || r.site_id || ',%')"
    " AND (:state IS NULL OR r.state = :state) AND (:provider IS NULL OR r.provider_id = :provider)"
    " AND (:site IS NULL OR r.site_id = :site)"
    " AND (:cutoff IS NULL OR (r.state = 'sent' AND r.sent_at < :cutoff))"
    " ORDER BY r.created_at DESC, r.id DESC LIMIT :limit";

herr *prot_add_people(store *s, const actor *a, json_t *items) {
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        json_t *p = NULL;
        herr *e = registry_person_get(s, a, json_str(item, "person_id"), &p);
        if (e && e->code == ERR_NOT_FOUND) {
            err_free(e);
            continue;
        }
        if (e) return e;
        json_object_set_new(item, "person",
                            json_pack("{s:s,s:s,s:s,s:s}", "id", json_str(p, "id"), "reg_no",
                                      json_str(p, "reg_no"), "given_name",
                                      json_str(p, "given_name"), "family_name",
                                      json_str(p, "family_name")));
        json_decref(p);
    }
    return NULL;
}

herr *prot_audit_list(store *s, const actor *a, const char *entity, const json_t *items) {
    json_t *ids = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
        json_array_append_new(ids, json_string(json_str(item, "id")));
    json_t *detail =
        json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(items), "ids", ids);
    herr *e = audit_record_read(s, a, entity, "", detail);
    json_decref(detail);
    return e;
}

herr *protection_referral_list(store *s, const actor *a, const protection_referral_query *q,
                               json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    char *scope = NULL, cutoff[CLOCK_ISO_LEN];
    bool row;
    herr *e = prot_check_lists(a);
    if (e) goto cleanup;
    if (q->state && (e = check_code("state", q->state, states))) goto cleanup;
    int limit = q->limit > 0 && q->limit <= 500 ? q->limit : 100;
    int64_t cut = clock_now() - (int64_t)(q->overdue_days > 0 ? q->overdue_days : 0) * 86400;
    clock_format_iso(cut, cutoff);
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    prot_bind_scope(st, a, &scope);
    store_bind_text(st, ":state", q->state);
    store_bind_text(st, ":provider", q->provider_id);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":cutoff", q->overdue_days > 0 ? cutoff : NULL);
    store_bind_int(st, ":limit", limit);
    int64_t flag_cut = q->overdue_days > 0 ? cut : default_cutoff();
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, referral_row(st, flag_cut));
    store_done(st);
    st = NULL;
    if (e || (e = prot_add_people(s, a, items))) goto cleanup;
    e = prot_audit_list(s, a, "protection_referrals", items);
cleanup:
    store_done(st);
    mem_free(scope);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const char person_sql[] =
    "SELECT " REFERRAL_COLUMNS " FROM protection_referrals r"
    " JOIN protection_providers p ON p.id = r.provider_id WHERE r.person_id = :person"
    " ORDER BY r.created_at DESC, r.id DESC";

herr *prot_referrals_of_person(store *s, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, person_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *r = referral_row(st, default_cutoff());
        json_array_append_new(items, r);
        if ((e = prot_open_into(st, 14, "protection_referrals", json_str(r, "id"), "reason", r,
                                "reason")))
            break;
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = items;
    return NULL;
}
