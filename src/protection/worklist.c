/* The worklist of a site's protection team: who is here now and not screened yet, and
 * who is here with protection risks, with their open referrals and case. Built from
 * the registry's residents of the site (paged) and each person's latest screening. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

#define WORKLIST_MAX   200
#define RESIDENTS_PAGE 500
#define RESIDENTS_MAX  20000

static const char latest_sql[] =
    "SELECT sc.id, sc.screened_at, sc.has_risk, sc.payload,"
    " (SELECT COUNT(*) FROM protection_referrals r WHERE r.person_id = :person"
    "  AND r.state NOT IN ('declined', 'closed')),"
    " (SELECT MIN(c.id) FROM protection_cases c WHERE c.person_id = :person AND c.state = 'open')"
    " FROM protection_screenings sc WHERE sc.person_id = :person"
    " ORDER BY sc.screened_at DESC, sc.id DESC LIMIT 1";

static json_t *brief(const json_t *p) {
    return json_pack("{s:s,s:s,s:s,s:s}", "id", json_str(p, "id"), "reg_no", json_str(p, "reg_no"),
                     "given_name", json_str(p, "given_name"), "family_name",
                     json_str(p, "family_name"));
}

/* Sorts one resident into the lists by their latest screening. */
static herr *place(store *s, const json_t *stay, json_t *unscreened, json_t *at_risk) {
    const json_t *person = json_object_get(stay, "person");
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, latest_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", json_str(person, "id"));
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        if (json_array_size(unscreened) < WORKLIST_MAX)
            json_array_append_new(unscreened,
                                  json_pack("{s:o,s:s,s:s?}", "person", brief(person),
                                            "checked_in_at", json_str(stay, "checked_in_at"), "bed",
                                            json_str(stay, "bed")));
        goto cleanup;
    }
    if (!store_int(st, 2) || json_array_size(at_risk) >= WORKLIST_MAX) goto cleanup;
    char *plain = NULL;
    if ((e = prot_open_column(st, 3, "protection_screenings", store_text(st, 0), "payload",
                              &plain)))
        goto cleanup;
    json_t *payload = json_loads(plain, 0, NULL);
    crypto_wipe(plain, strlen(plain));
    mem_free(plain);
    json_t *item = json_pack("{s:o,s:s,s:O,s:I}", "person", brief(person), "screened_at",
                             store_text(st, 1), "risks", json_object_get(payload, "risks"),
                             "referrals_open", (json_int_t)store_int(st, 4));
    prot_set_col(item, "open_case_id", st, 5);
    json_array_append_new(at_risk, item);
    json_decref(payload);
cleanup:
    store_done(st);
    return e;
}

herr *protection_worklist(store *s, const actor *a, const char *site_id, json_t **out) {
    json_t *unscreened = json_array(), *at_risk = json_array(), *page = NULL, *ids = NULL;
    int64_t residents = 0;
    herr *e = prot_check_lists(a);
    if (!e && (!site_id || !actor_has_site(a, site_id)))
        e = err_invalid("site", "give site: one of your sites");
    for (int offset = 0; !e && offset < RESIDENTS_MAX; offset += RESIDENTS_PAGE) {
        registry_residents_query q = {
            .sort = "checked_in_at", .descending = true, .limit = RESIDENTS_PAGE, .offset = offset};
        if ((e = registry_site_residents(s, a, site_id, &q, &page))) break;
        residents = json_integer_value(json_object_get(page, "total"));
        size_t i;
        json_t *stay;
        json_array_foreach(json_object_get(page, "items"), i, stay) if (!e) e =
            place(s, stay, unscreened, at_risk);
        size_t n = json_array_size(json_object_get(page, "items"));
        json_decref(page);
        page = NULL;
        if (n < RESIDENTS_PAGE) break;
    }
    if (!e) {
        /* The details shown are the at-risk people's risks: the audit names them. */
        ids = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(at_risk, i, item) json_array_append_new(
            ids, json_pack("{s:s}", "id", json_str(json_object_get(item, "person"), "id")));
        e = prot_audit_list(s, a, "protection_worklist", ids);
    }
    json_decref(ids);
    if (e) {
        json_decref(unscreened);
        json_decref(at_risk);
        return e;
    }
    *out = json_pack("{s:s,s:I,s:o,s:o}", "site_id", site_id, "residents", (json_int_t)residents,
                     "unscreened", unscreened, "at_risk", at_risk);
    return NULL;
}
