/* The departure closes the stays: when a case moves to "departed", every traveller's open
 * stay (at a site the actor works at) is checked out with the reason "returned" at the
 * time of the departure, through the registry's own function (which audits each
 * check-out), inside the caller's transaction. The registry's tables are never written
 * here. An open stay that began after the departure time (a departure recorded late, the
 * person back since) is a later stay and stays open. */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

static const char travellers_sql[] =
    "SELECT person_id FROM return_travellers WHERE case_id = :id ORDER BY principal DESC,"
    " added_at, person_id";

/* The case's travellers as a JSON array of ids (caller owns). */
static herr *traveller_ids(store *s, const char *case_id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *ids = json_array();
    herr *e = store_prepare(s, travellers_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", case_id);
        while (!(e = store_step(st, &row)) && row)
            json_array_append_new(ids, json_string(store_text(st, 0)));
    }
    store_done(st);
    if (e) {
        json_decref(ids);
        return e;
    }
    *out = ids;
    return NULL;
}

/* Checks out one person's open stay, when there is one the actor may close. */
static herr *close_stay(store *s, const actor *a, const char *case_id, const char *person_id,
                        const char *at, json_t *closed) {
    json_t *p = NULL, *in = NULL, *out = NULL;
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) goto cleanup;
    json_t *stay = json_object_get(p, "current_stay");
    if (!json_is_object(stay) || !actor_has_site(a, json_str(stay, "site_id"))) goto cleanup;
    /* A stay that began after the departure is a later one (the person came back): the
     * stay left from was closed already. */
    const char *in_at = json_str(stay, "checked_in_at");
    if (in_at && strcmp(at, in_at) < 0) goto cleanup;
    char note[96];
    snprintf(note, sizeof note, "departed on return case %s", case_id);
    in = json_pack("{s:s,s:s,s:s}", "reason", "returned", "checked_out_at", at, "note", note);
    if ((e = registry_stay_check_out(s, a, json_str(stay, "id"), in, &out))) goto cleanup;
    json_array_append_new(closed,
                          json_pack("{s:s,s:s,s:s}", "person_id", person_id, "stay_id",
                                    json_str(stay, "id"), "site_id", json_str(stay, "site_id")));
cleanup:
    json_decref(p);
    json_decref(in);
    json_decref(out);
    return e;
}

herr *ret_departure_close_stays(store *s, const actor *a, const char *case_id, const char *at,
                                json_t **closed) {
    json_t *ids = NULL, *list = json_array();
    size_t i;
    json_t *v;
    *closed = NULL;
    herr *e = traveller_ids(s, case_id, &ids);
    if (e) goto cleanup;
    json_array_foreach(ids, i, v) {
        if ((e = close_stay(s, a, case_id, json_string_value(v), at, list))) goto cleanup;
    }
    *closed = list;
    list = NULL;
cleanup:
    json_decref(ids);
    json_decref(list);
    return e;
}
