/* The directory of service providers that protection staff refer people to, and the
 * consents people give (to registration, to referral to a named provider, to sharing
 * data when their case moves). Providers are not personal data; consents are. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"
#include "registry/registry.h"

static void add_type(char *line, void *ctx) {
    char *f[4];
    if (datafile_split_tabs(line, f, 4) == 4)
        json_array_append_new(
            ctx, json_pack("{s:s,s:s,s:s,s:s}", "code", f[0], "en", f[1], "bs", f[2], "sr", f[3]));
}

json_t *protection_service_types(void) {
    json_t *types = json_array();
    datafile_each_line("protection_service_types.tsv", add_type, types);
    return types;
}

static bool service_type_valid(const char *code) {
    json_t *types = protection_service_types();
    bool ok = false;
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) ok = ok || (code && !strcmp(json_str(t, "code"), code));
    json_decref(types);
    return ok;
}

static const json_field provider_fields[] = {
    {"name", JF_STRING, false, 120},        {"organisation", JF_STRING, false, 120},
    {"service_type", JF_STRING, false, 32}, {"contact", JF_STRING, false, 200},
    {"sites", JF_STRING_ARRAY, false, 50},  {"active", JF_BOOL, false, 0},
};

static herr *check_provider(const actor *a, const json_t *in, bool creating) {
    if (!auth_allows(a->role, "protection.directory"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change the provider directory",
                       a->role);
    herr *e = json_check(in, provider_fields, sizeof provider_fields / sizeof provider_fields[0]);
    if (e) return e;
    if ((e = check_not_blank(in, "name", creating))) return e;
    if ((creating || json_has(in, "service_type")) &&
        !service_type_valid(json_str(in, "service_type")))
        return err_invalid("service_type",
                           "service_type must be one of medical, mhpss, "
                           "legal_aid, child_protection, safe_shelter, gbv_services, other");
    if (creating && !json_is_array(json_object_get(in, "sites")))
        return err_invalid("sites", "sites (the sites the provider serves) is required");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "sites"), i, v) if (
        !actor_has_site(
            a, json_string_value(
                   v))) return err_with(err_invalid("sites", "no site with id %s among your sites",
                                                    json_string_value(v)),
                                        "site_unknown", (const char *)NULL);
    return NULL;
}

static const char provider_sql[] =
    "SELECT id, name, organisation, service_type, contact, active, created_at, updated_at"
    " FROM protection_providers WHERE id = :id";
static const char provider_sites_sql[] =
    "SELECT site_id FROM protection_provider_sites WHERE provider_id = :id ORDER BY site_id";

static herr *provider_get(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    json_t *p = NULL;
    herr *e = store_prepare(s, provider_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no provider with id %s", id);
        goto cleanup;
    }
    p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "id", store_text(st, 0), "name",
                  store_text(st, 1), "organisation", store_text(st, 2), "service_type",
                  store_text(st, 3), "contact", store_text(st, 4), "active", (int)store_int(st, 5),
                  "created_at", store_text(st, 6), "updated_at", store_text(st, 7));
    store_done(st);
    if ((e = store_prepare(s, provider_sites_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    json_t *sites = json_array();
    json_object_set_new(p, "sites", sites);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(sites, json_string(store_text(st, 0)));
cleanup:
    store_done(st);
    if (e) {
        json_decref(p);
        return e;
    }
    *out = p;
    return NULL;
}

herr *prot_provider_lookup(store *s, const char *provider_id, const char *field,
                           char service_type[32], bool *active) {
    json_t *p = NULL;
    if (!provider_id || !id_is_valid(provider_id))
        return err_invalid(field, "%s must be the id of a provider of the directory", field);
    herr *e = provider_get(s, provider_id, &p);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_invalid(field, "no provider with id %s", provider_id);
    }
    if (e) return e;
    snprintf(service_type, 32, "%s", json_str(p, "service_type"));
    *active = json_is_true(json_object_get(p, "active"));
    json_decref(p);
    return NULL;
}

static const char clear_sites_sql[] =
    "DELETE FROM protection_provider_sites WHERE provider_id = :id";
static const char add_site_sql[] =
    "INSERT INTO protection_provider_sites (provider_id, site_id) VALUES (:id, :site)";

static herr *set_sites(store *s, const char *id, const json_t *sites) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, clear_sites_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) return e;
    size_t i;
    json_t *v;
    json_array_foreach(sites, i, v) {
        json_t *site = NULL;
        actor sys;
        actor_system(&sys, "check");
        if ((e = registry_site_get(s, &sys, json_string_value(v), &site))) {
            snprintf(e->field, sizeof e->field, "sites");
            e->code = ERR_INVALID;
            return e;
        }
        json_decref(site);
        if ((e = store_prepare(s, add_site_sql, &st))) return e;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":site", json_string_value(v));
        if ((e = store_run_done(&st))) return e;
    }
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO protection_providers (id, name, organisation, service_type, contact, active,"
    " created_at, updated_at) VALUES (:id, :name, :organisation, :service_type, :contact,"
    " :active, :now, :now)";
static const char update_sql[] =
    "UPDATE protection_providers SET name = COALESCE(:name, name),"
    " organisation = COALESCE(:organisation, organisation),"
    " service_type = COALESCE(:service_type, service_type),"
    " contact = COALESCE(:contact, contact), active = COALESCE(:active, active),"
    " updated_at = :now WHERE id = :id";

/* Creates (id NULL) or changes a provider, in one audited transaction. */
static herr *provider_write(store *s, const actor *a, const char *id_in, const json_t *in,
                            json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL, *before = NULL;
    bool creating = id_in == NULL, began = false;
    herr *e = check_provider(a, in, creating);
    if (e) return e;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    if (creating)
        id_new(id);
    else
        snprintf(id, sizeof id, "%s", id_in);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if (!creating && (e = provider_get(s, id, &before))) goto cleanup;
    if ((e = store_prepare(s, creating ? insert_sql : update_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":service_type", json_str(in, "service_type"));
    const char *org = json_str(in, "organisation"), *contact = json_str(in, "contact");
    store_bind_text(st, ":organisation", org ? org : creating ? "" : NULL);
    store_bind_text(st, ":contact", contact ? contact : creating ? "" : NULL);
    json_t *active = json_object_get(in, "active");
    if (json_is_boolean(active))
        store_bind_int(st, ":active", json_is_true(active));
    else if (creating)
        store_bind_int(st, ":active", 1);
    else
        store_bind_null(st, ":active");
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if (json_is_array(json_object_get(in, "sites")) &&
        (e = set_sites(s, id, json_object_get(in, "sites"))))
        goto cleanup;
    detail = check_field_names(in);
    if ((e = audit_record(s, a, creating ? "create" : "update", "protection_provider", id, detail)))
        goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = provider_get(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    json_decref(before);
    return e;
}

herr *protection_provider_create(store *s, const actor *a, const json_t *in, json_t **out) {
    return provider_write(s, a, NULL, in, out);
}

herr *protection_provider_update(store *s, const actor *a, const char *id, const json_t *in,
                                 json_t **out) {
    if (!id_is_valid(id)) return err_new(ERR_NOT_FOUND, "id", "no provider with id %s", id);
    return provider_write(s, a, id, in, out);
}

static const char list_sql[] = "SELECT DISTINCT p.id, p.name FROM protection_providers p"
                               " JOIN protection_provider_sites ps ON ps.provider_id = p.id"
                               " WHERE (:all = 1 OR :sites LIKE '%,' || ps.site_id || ',%')"
                               " AND (:site IS NULL OR ps.site_id = :site) ORDER BY p.name, p.id";

herr *protection_provider_list(store *s, const actor *a, const char *site_id, json_t **out) {
    store_stmt *st = NULL;
    json_t *ids = json_array(), *items = json_array();
    char *scope = NULL;
    bool row;
    if (!auth_allows(a->role, "protection.directory")) {
        json_decref(ids);
        json_decref(items);
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read the provider directory",
                       a->role);
    }
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    prot_bind_scope(st, a, &scope);
    store_bind_text(st, ":site", site_id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(ids, json_string(store_text(st, 0)));
    store_done(st);
    st = NULL;
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        json_t *p = NULL;
        if ((e = provider_get(s, json_string_value(id), &p))) goto cleanup;
        json_array_append_new(items, p);
    }
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(ids);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}
