/* Vulnerability screening at arrival: answers, the risks they raise, and the history
 * of every screening of a person. Answers, risks and the note are sealed together in
 * one value; only "a risk was found" is stored in clear (the registration desk's flag). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

static const json_field screening_fields[] = {
    {"site_id", JF_STRING, true, 36},
    {"answers", JF_OBJECT, true, 0},
    {"additional_risks", JF_STRING_ARRAY, false, 20},
    {"note", JF_TEXT, false, 4000},
    {"screened_at", JF_STRING, false, 40},
};

/* The risks the answers raise plus those the screener adds, without repeats. */
static herr *screening_risks(const json_t *in, json_t **risks) {
    herr *e = prot_questionnaire_evaluate(json_object_get(in, "answers"), risks);
    if (e) return e;
    size_t i, k;
    json_t *r, *have;
    json_array_foreach(json_object_get(in, "additional_risks"), i, r) {
        if (!protection_category_valid(json_string_value(r))) {
            json_decref(*risks);
            *risks = NULL;
            return err_invalid("additional_risks",
                               "%s is not a risk category of the "
                               "questionnaire",
                               json_string_value(r));
        }
        bool seen = false;
        json_array_foreach(*risks, k, have) seen = seen || json_equal(have, r);
        if (!seen) json_array_append(*risks, r);
    }
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO protection_screenings (id, person_id, site_id, screened_at, by_id, by_name,"
    " questionnaire_version, has_risk, payload, created_at) VALUES (:id, :person_id, :site_id,"
    " :screened_at, :by_id, :by_name, :version, :has_risk, :payload, :now)";

herr *protection_screening_create(store *s, const actor *a, const char *person_id, const json_t *in,
                                  json_t **out) {
    store_stmt *st = NULL;
    json_t *risks = NULL, *payload = NULL, *detail = NULL, *site = NULL;
    char *payload_text = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not screen", a->role);
    herr *e =
        json_check(in, screening_fields, sizeof screening_fields / sizeof screening_fields[0]);
    if (e) return e;
    char id[ID_LEN], at[CLOCK_ISO_LEN], now[CLOCK_ISO_LEN];
    if ((e = check_time(in, "screened_at", clock_now(), 86400, at))) return e;
    if ((e = screening_risks(in, &risks))) return e;
    const char *note = json_str(in, "note"), *site_id = json_str(in, "site_id");
    payload = json_pack("{s:O,s:O,s:s?}", "answers", json_object_get(in, "answers"), "risks", risks,
                        "note", note);
    payload_text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = prot_check_person_write(s, a, person_id))) goto cleanup;
    if ((e = registry_site_get(s, a, site_id, &site))) {
        snprintf(e->field, sizeof e->field, "site_id");
        goto cleanup;
    }
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person_id", person_id);
    store_bind_text(st, ":site_id", site_id);
    store_bind_text(st, ":screened_at", at);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_int(st, ":version", prot_questionnaire_version());
    store_bind_int(st, ":has_risk", json_array_size(risks) > 0);
    store_bind_text(st, ":now", now);
    if ((e = prot_bind_sealed(st, ":payload", "protection_screenings", id, "payload",
                              payload_text)))
        goto cleanup;
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s,s:s}", "person_id", person_id, "site_id", site_id);
    if ((e = audit_record(s, a, "create", "protection_screening", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:O,s:O,s:s?}", "id", id, "person_id", person_id,
                     "site_id", site_id, "screened_at", at, "screened_by", a->username,
                     "questionnaire_version", prot_questionnaire_version(), "has_risk",
                     json_array_size(risks) > 0, "risks", risks, "answers",
                     json_object_get(in, "answers"), "note", note);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    if (payload_text) {
        crypto_wipe(payload_text, strlen(payload_text));
        free(payload_text);
    }
    json_decref(risks);
    json_decref(payload);
    json_decref(detail);
    json_decref(site);
    return e;
}

static const char list_sql[] =
    "SELECT sc.id, sc.person_id, sc.site_id, sc.screened_at, sc.by_name,"
    " sc.questionnaire_version, sc.has_risk, sc.payload, s.name FROM protection_screenings sc"
    " JOIN sites s ON s.id = sc.site_id WHERE sc.person_id = :person"
    " ORDER BY sc.screened_at DESC, sc.id DESC LIMIT :limit";

herr *prot_screenings_of_person(store *s, const char *person_id, int limit, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":person", person_id);
    store_bind_int(st, ":limit", limit);
    while (!(e = store_step(st, &row)) && row) {
        const char *id = store_text(st, 0);
        char *plain = NULL;
        if ((e = prot_open_column(st, 7, "protection_screenings", id, "payload", &plain))) break;
        json_t *payload = json_loads(plain, 0, NULL);
        crypto_wipe(plain, strlen(plain));
        mem_free(plain);
        if (!payload) {
            e = err_new(ERR_IO, NULL, "screening %s holds damaged data", id);
            break;
        }
        json_t *item =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "id", id, "person_id", store_text(st, 1),
                      "site_id", store_text(st, 2), "site_name", store_text(st, 8), "screened_at",
                      store_text(st, 3), "screened_by", store_text(st, 4), "questionnaire_version",
                      (json_int_t)store_int(st, 5), "has_risk", (int)store_int(st, 6));
        json_object_update(item, payload);
        if (!json_object_get(item, "note")) json_object_set_new(item, "note", json_null());
        json_decref(payload);
        json_array_append_new(items, item);
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

herr *protection_screening_list(store *s, const actor *a, const char *person_id, json_t **out) {
    prot_access acc;
    json_t *items = NULL;
    herr *e = prot_check_person_read(s, a, person_id, &acc);
    if (!e) e = prot_screenings_of_person(s, person_id, 1000, &items);
    if (!e) e = prot_audit_read(s, a, &acc, "protection_screenings", person_id, person_id);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

/* Sorts items newest first by the string member key (ISO times sort as text). */
static void sort_newest_first(json_t *items, const char *key) {
    size_t n = json_array_size(items);
    for (size_t i = 1; i < n; i++) {
        json_t *x = json_incref(json_array_get(items, i));
        size_t j = i;
        while (j > 0 && strcmp(json_str(json_array_get(items, j - 1), key), json_str(x, key)) < 0) {
            json_array_set(items, j, json_array_get(items, j - 1));
            j--;
        }
        json_array_set_new(items, j, x);
    }
}

/* Appends the file's parts of one record to the lists. */
static herr *gather(store *s, const actor *a, const char *id, json_t *lists[4]) {
    json_t *parts[4] = {NULL, NULL, NULL, NULL};
    herr *e = prot_screenings_of_person(s, id, 1000, &parts[0]);
    if (!e) e = prot_consents_of_person(s, id, &parts[1]);
    if (!e) e = prot_referrals_of_person(s, id, &parts[2]);
    if (!e) e = prot_cases_of_person(s, a, id, &parts[3]);
    for (int i = 0; i < 4; i++) {
        if (!e) json_array_extend(lists[i], parts[i]);
        json_decref(parts[i]);
    }
    return e;
}

herr *protection_person_summary(store *s, const actor *a, const char *person_id, json_t **out) {
    prot_access acc;
    json_t *person = NULL, *lists[4] = {json_array(), json_array(), json_array(), json_array()};
    bool needs = false;
    herr *e = prot_check_person_read(s, a, person_id, &acc);
    if (!e) e = registry_person_get(s, a, person_id, &person);
    if (!e) e = protection_person_flag_group(s, person, &needs);
    if (!e) e = gather(s, a, person_id, lists);
    size_t i;
    json_t *m;
    /* Duplicate registrations merged into this person carry their file with them. */
    if (!e)
        json_array_foreach(json_object_get(person, "merged"), i, m) if (!e) e =
            gather(s, a, json_string_value(m), lists);
    if (!e) e = prot_audit_read(s, a, &acc, "protection_file", person_id, person_id);
    json_decref(person);
    if (e) {
        for (int k = 0; k < 4; k++) json_decref(lists[k]);
        return e;
    }
    sort_newest_first(lists[0], "screened_at");
    sort_newest_first(lists[1], "given_at");
    sort_newest_first(lists[2], "created_at");
    sort_newest_first(lists[3], "opened_at");
    json_t *latest = json_array_get(lists[0], 0);
    json_t *risks = latest ? json_incref(json_object_get(latest, "risks")) : json_array();
    *out =
        json_pack("{s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o}", "person_id", person_id, "has_needs", needs,
                  "risks", risks, "last_screened_at",
                  latest ? json_string(json_str(latest, "screened_at")) : json_null(), "screenings",
                  lists[0], "consents", lists[1], "referrals", lists[2], "cases", lists[3]);
    return NULL;
}
