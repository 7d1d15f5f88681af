/* Need to know: who may read and write protection details, break-glass access for
 * administrators, the audit of reads, and the one flag everyone else may see. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

static const char grant_sql[] =
    "SELECT id FROM protection_break_glass WHERE user_id = :user AND person_id = :person"
    " AND expires_at > :now ORDER BY expires_at DESC LIMIT 1";

static herr *find_grant(store *s, const actor *a, const char *person_id, char out[ID_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    out[0] = '\0';
    herr *e = store_prepare(s, grant_sql, &st);
    if (e) return e;
    store_bind_text(st, ":user", a->user_id);
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":now", now);
    e = store_step(st, &row);
    if (!e && row) snprintf(out, ID_LEN, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

static herr *not_allowed(const actor *a) {
    return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read protection details", a->role);
}

herr *prot_check_person_read(store *s, const actor *a, const char *person_id, prot_access *acc) {
    acc->break_glass_id[0] = '\0';
    if (auth_allows(a->role, "protection.details")) return registry_person_visible(s, a, person_id);
    if (!auth_allows(a->role, "protection.break_glass")) return not_allowed(a);
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = find_grant(s, a, person_id, acc->break_glass_id))) return e;
    if (!acc->break_glass_id[0])
        return err_new(ERR_FORBIDDEN, NULL,
                       "administrators read protection details only through break-glass: POST "
                       "/api/v1/protection/break-glass with person_id and reason (audited)");
    return NULL;
}

herr *prot_check_person_write(store *s, const actor *a, const char *person_id) {
    if (!auth_allows(a->role, "protection.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not record protection details",
                       a->role);
    return registry_person_visible(s, a, person_id);
}

herr *prot_check_lists(const actor *a) {
    if (auth_allows(a->role, "protection.details")) return NULL;
    if (auth_allows(a->role, "protection.break_glass"))
        return err_new(ERR_FORBIDDEN, NULL,
                       "break-glass opens one person's protection file, not lists");
    return not_allowed(a);
}

herr *prot_audit_read(store *s, const actor *a, const prot_access *acc, const char *entity,
                      const char *id, const char *person_id) {
    json_t *detail = json_pack("{s:s}", "person_id", person_id ? person_id : "");
    if (acc && acc->break_glass_id[0])
        json_object_set_new(detail, "break_glass_id", json_string(acc->break_glass_id));
    herr *e = audit_record_read(s, a, entity, id, detail);
    json_decref(detail);
    return e;
}

void prot_bind_scope(store_stmt *st, const actor *a, char **scope) {
    size_t n = 2 + a->n_sites * (ID_LEN + 1);
    char *text = mem_alloc(n);
    strcpy(text, ",");
    for (size_t i = 0; i < a->n_sites; i++) {
        strcat(text, a->site_ids[i]);
        strcat(text, ",");
    }
    store_bind_int(st, ":all", a->all_sites ? 1 : 0);
    store_bind_text(st, ":sites", text);
    *scope = text;
}

herr *prot_check_worker(store *s, const char *user_id, const char *site_id, const char *field) {
    json_t *u = NULL;
    if (!user_id || !id_is_valid(user_id))
        return err_invalid(field, "%s must be the id of a protection officer", field);
    herr *e = auth_user_get(s, user_id, &u);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_invalid(field, "no user with id %s", user_id);
    }
    if (e) return e;
    bool has_site = false;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(u, "sites"), i, v) has_site =
        has_site || !strcmp(json_string_value(v), site_id);
    if (!json_is_true(json_object_get(u, "active")))
        e = err_invalid(field, "user %s is not active", json_str(u, "username"));
    else if (!auth_allows(json_str(u, "role"), "protection.details"))
        e = err_invalid(field, "user %s is not a protection officer", json_str(u, "username"));
    else if (!has_site)
        e = err_invalid(field, "user %s does not work at the case's site", json_str(u, "username"));
    json_decref(u);
    return e;
}

herr *prot_current_site(store *s, const actor *a, const char *person_id, char out[ID_LEN]) {
    json_t *p = NULL;
    out[0] = '\0';
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) return e;
    const char *site = json_str(json_object_get(p, "current_stay"), "site_id");
    if (site && actor_has_site(a, site)) snprintf(out, ID_LEN, "%s", site);
    json_decref(p);
    return NULL;
}

/* ---- the flag -------------------------------------------------------------------- */

static const char flag_sql[] =
    "SELECT (SELECT has_risk FROM protection_screenings WHERE person_id = :id"
    "  ORDER BY screened_at DESC, id DESC LIMIT 1),"
    " (SELECT COUNT(*) FROM protection_cases WHERE person_id = :id AND state = 'open')";

herr *protection_person_flag(store *s, const char *person_id, bool *has_needs) {
    store_stmt *st = NULL;
    bool row = false;
    *has_needs = false;
    herr *e = store_prepare(s, flag_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", person_id);
    e = store_step(st, &row);
    if (!e && row)
        *has_needs = (!store_is_null(st, 0) && store_int(st, 0) == 1) || store_int(st, 1) > 0;
    store_done(st);
    return e;
}

herr *protection_person_flag_group(store *s, const json_t *person, bool *has_needs) {
    herr *e = protection_person_flag(s, json_str(person, "id"), has_needs);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(person, "merged"), i, m) if (!e && !*has_needs) e =
        protection_person_flag(s, json_string_value(m), has_needs);
    if (!e && !*has_needs && json_str(person, "merged_into"))
        e = protection_person_flag(s, json_str(person, "merged_into"), has_needs);
    return e;
}

/* ---- break-glass ----------------------------------------------------------------- */

static const json_field glass_fields[] = {
    {"person_id", JF_STRING, true, 36},
    {"reason", JF_TEXT, true, 1000},
    {"minutes", JF_INT, false, 0},
};

static const char glass_insert_sql[] =
    "INSERT INTO protection_break_glass (id, user_id, username, person_id, reason, opened_at,"
    " expires_at) VALUES (:id, :user_id, :username, :person_id, :reason, :opened_at,"
    " :expires_at)";

herr *protection_break_glass_open(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    bool began = false;
    if (!auth_allows(a->role, "protection.break_glass"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not use break-glass", a->role);
    herr *e = json_check(in, glass_fields, sizeof glass_fields / sizeof glass_fields[0]);
    if (e) return e;
    const char *person_id = json_str(in, "person_id"), *reason = json_str(in, "reason");
    json_int_t minutes = PROTECTION_BREAK_GLASS_DEFAULT_MINUTES;
    if (json_is_integer(json_object_get(in, "minutes")))
        minutes = json_integer_value(json_object_get(in, "minutes"));
    if (minutes < 1 || minutes > PROTECTION_BREAK_GLASS_MAX_MINUTES)
        return err_invalid("minutes", "minutes must be from 1 to %d",
                           PROTECTION_BREAK_GLASS_MAX_MINUTES);
    if (text_visible_length(reason) < 10) /* spaces or invisible characters are no reason */
        return err_invalid("reason", "give a reason of at least 10 characters");
    char id[ID_LEN], opened[CLOCK_ISO_LEN], expires[CLOCK_ISO_LEN];
    int64_t now = clock_now();
    id_new(id);
    clock_format_iso(now, opened);
    clock_format_iso(now + minutes * 60, expires);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = registry_person_visible(s, a, person_id))) goto cleanup;
    if ((e = store_prepare(s, glass_insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":user_id", a->user_id);
    store_bind_text(st, ":username", a->username);
    store_bind_text(st, ":person_id", person_id);
    if ((e = prot_bind_sealed(st, ":reason", "protection_break_glass", id, "reason", reason)))
        goto cleanup;
    store_bind_text(st, ":opened_at", opened);
    store_bind_text(st, ":expires_at", expires);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = json_pack("{s:s,s:s,s:I}", "person_id", person_id, "expires_at", expires, "minutes",
                       minutes);
    if ((e = audit_record(s, a, "break_glass", "protection_break_glass", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    *out = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "person_id", person_id, "opened_at", opened,
                     "expires_at", expires);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    return e;
}

herr *protection_worker_list(store *s, const actor *a, const char *site_id, json_t **out) {
    json_t *users = NULL, *items = json_array();
    herr *e = prot_check_lists(a);
    if (!e && site_id && !actor_has_site(a, site_id))
        e = err_with(err_invalid("site", "no site with id %s among your sites", site_id),
                     "site_unknown", (const char *)NULL);
    if (!e) e = auth_user_list(s, &users);
    size_t i, k;
    json_t *u, *site;
    if (!e) json_array_foreach(json_object_get(users, "items"), i, u) {
            if (!json_is_true(json_object_get(u, "active")) ||
                !auth_allows(json_str(u, "role"), "protection.details"))
                continue;
            bool match = false;
            json_array_foreach(json_object_get(u, "sites"), k, site) {
                const char *sid = json_string_value(site);
                match = match || (site_id ? !strcmp(sid, site_id) : actor_has_site(a, sid));
            }
            if (match)
                json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:O}", "id", json_str(u, "id"),
                                                       "username", json_str(u, "username"),
                                                       "display_name", json_str(u, "display_name"),
                                                       "sites", json_object_get(u, "sites")));
        }
    json_decref(users);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}
