/* Consent: what a person agreed to, when and how. A consent is never changed; a
 * withdrawal is a new record with given = false, and the latest record counts. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"

static const char *const consent_kinds[] = {"registration", "referral", "data_sharing", NULL};
static const char *const consent_methods[] = {"verbal", "written", NULL};

static const json_field consent_fields[] = {
    {"kind", JF_STRING, true, 20},      {"provider_id", JF_STRING, false, 36},
    {"given", JF_BOOL, true, 0},        {"method", JF_STRING, true, 10},
    {"given_at", JF_STRING, false, 40}, {"note", JF_TEXT, false, 2000},
};

static const char insert_sql[] =
    "INSERT INTO protection_consents (id, person_id, kind, provider_id, given, method, given_at,"
    " site_id, by_id, by_name, note, created_at) VALUES (:id, :person_id, :kind, :provider_id,"
    " :given, :method, :given_at, :site_id, :by_id, :by_name, :note, :now)";

herr *protection_consent_record(store *s, const actor *a, const char *person_id, const json_t *in,
                                json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    bool began = false, active = false;
    char service_type[32];
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not record consent", a->role);
    herr *e = json_check(in, consent_fields, sizeof consent_fields / sizeof consent_fields[0]);
    if (e) return e;
    const char *kind = json_str(in, "kind"), *provider = json_str(in, "provider_id");
    if ((e = check_code("kind", kind, consent_kinds))) return e;
    if ((e = check_code("method", json_str(in, "method"), consent_methods))) return e;
    if (!strcmp(kind, "referral") && !provider)
        return err_invalid("provider_id", "consent to referral names the provider (provider_id)");
    if (!strcmp(kind, "registration") && provider)
        return err_invalid("provider_id", "consent to registration names no provider");
    char id[ID_LEN], at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN], site[ID_LEN];
    if ((e = check_time(in, "given_at", clock_now(), 86400, at))) return e;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = prot_check_person_write(s, a, person_id))) goto cleanup;
    if (provider && (e = prot_provider_lookup(s, provider, "provider_id", service_type, &active)))
        goto cleanup;
    if ((e = prot_current_site(s, a, person_id, site))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person_id", person_id);
    store_bind_text(st, ":kind", kind);
    store_bind_text(st, ":provider_id", provider);
    store_bind_int(st, ":given", json_is_true(json_object_get(in, "given")));
    store_bind_text(st, ":method", json_str(in, "method"));
    store_bind_text(st, ":given_at", at);
    store_bind_text(st, ":site_id", site[0] ? site : NULL);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = prot_bind_sealed(st, ":note", "protection_consents", id, "note",
                              json_str(in, "note"))))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s,s:s,s:b}", "person_id", person_id, "kind", kind, "given",
                       json_is_true(json_object_get(in, "given")));
    if ((e = audit_record(s, a, "create", "protection_consent", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    *out = json_pack("{s:s,s:s,s:s,s:s?,s:b,s:s,s:s,s:s,s:s?}", "id", id, "person_id", person_id,
                     "kind", kind, "provider_id", provider, "given",
                     json_is_true(json_object_get(in, "given")), "method", json_str(in, "method"),
                     "given_at", at, "recorded_by", a->username, "note", json_str(in, "note"));
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT c.id, c.kind, c.provider_id, p.name, c.given, c.method, c.given_at, c.by_name, c.note"
    " FROM protection_consents c LEFT JOIN protection_providers p ON p.id = c.provider_id"
    " WHERE c.person_id = :person ORDER BY c.given_at DESC, c.created_at DESC, c.id DESC";

herr *prot_consents_of_person(store *s, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    while (!(e = store_step(st, &row)) && row) {
        const char *id = store_text(st, 0);
        json_t *c =
            json_pack("{s:s,s:s,s:s}", "id", id, "person_id", person_id, "kind", store_text(st, 1));
        prot_set_col(c, "provider_id", st, 2);
        prot_set_col(c, "provider_name", st, 3);
        json_object_set_new(c, "given", json_boolean(store_int(st, 4)));
        prot_set_col(c, "method", st, 5);
        prot_set_col(c, "given_at", st, 6);
        prot_set_col(c, "recorded_by", st, 7);
        json_array_append_new(items, c);
        if ((e = prot_open_into(st, 8, "protection_consents", id, "note", c, "note"))) break;
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

herr *protection_consent_list(store *s, const actor *a, const char *person_id, json_t **out) {
    prot_access acc;
    json_t *items = NULL;
    herr *e = prot_check_person_read(s, a, person_id, &acc);
    if (!e) e = prot_consents_of_person(s, person_id, &items);
    if (!e) e = prot_audit_read(s, a, &acc, "protection_consents", person_id, person_id);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

static const char latest_sql[] =
    "SELECT id, given FROM protection_consents WHERE person_id = :person AND kind = 'referral'"
    " AND provider_id = :provider ORDER BY given_at DESC, created_at DESC, id DESC LIMIT 1";

herr *prot_referral_consent(store *s, const char *person_id, const char *provider_id, bool *ok,
                            char consent_id[ID_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    *ok = false;
    consent_id[0] = '\0';
    herr *e = store_prepare(s, latest_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":provider", provider_id);
    e = store_step(st, &row);
    if (!e && row && store_int(st, 1)) {
        *ok = true;
        snprintf(consent_id, ID_LEN, "%s", store_text(st, 0));
    }
    store_done(st);
    return e;
}
