/* Locations outside the centres where mobile teams meet people: squats, border areas,
 * bus and train stations. Not personal data; readable by every outreach.read role. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"

static const char *const location_kinds[] = {"squat",         "border_area", "bus_station",
                                             "train_station", "roadside",    "informal_camp",
                                             "other",         NULL};

/* The region the teams work in (the Western Balkans, with a margin). */
#define LAT_MIN 40.0
#define LAT_MAX 47.0
#define LON_MIN 13.0
#define LON_MAX 24.0

static const json_field location_fields[] = {
    {"id", JF_STRING, false, 36},    {"name", JF_STRING, true, 120},
    {"kind", JF_STRING, true, 20},   {"municipality", JF_STRING, false, 80},
    {"notes", JF_TEXT, false, 2000}, {"active", JF_BOOL, false, 0},
};
#define N_LOCATION_FIELDS (sizeof location_fields / sizeof location_fields[0])

/* The same for a change: nothing is required. */
static const json_field change_fields[] = {
    {"name", JF_STRING, false, 120},        {"kind", JF_STRING, false, 20},
    {"municipality", JF_STRING, false, 80}, {"notes", JF_TEXT, false, 2000},
    {"active", JF_BOOL, false, 0},
};

json_t *outreach_location_kinds(void) {
    json_t *a = json_array();
    for (size_t i = 0; location_kinds[i]; i++)
        json_array_append_new(a, json_string(location_kinds[i]));
    return a;
}

/* json_check knows no numbers: the coordinates are checked apart and left out. */
static herr *check_location(const json_t *in, bool create, double *lat, double *lon) {
    json_t *rest = json_deep_copy(in);
    herr *e = NULL;
    if (!json_is_object(rest)) {
        e = err_invalid("body", "the request body must be a JSON object");
        goto cleanup;
    }
    json_object_del(rest, "latitude");
    json_object_del(rest, "longitude");
    if ((e = create
                 ? json_check(rest, location_fields, N_LOCATION_FIELDS)
                 : json_check(rest, change_fields, sizeof change_fields / sizeof change_fields[0])))
        goto cleanup;
    if ((e = or_check_number(in, "latitude", create, LAT_MIN, LAT_MAX, lat))) goto cleanup;
    if ((e = or_check_number(in, "longitude", create, LON_MIN, LON_MAX, lon))) goto cleanup;
    if ((e = or_check_not_blank(in, "name", create))) goto cleanup;
    if (json_str(in, "kind") && (e = or_check_code("kind", json_str(in, "kind"), location_kinds)))
        goto cleanup;
cleanup:
    json_decref(rest);
    return e;
}

static json_t *location_row(store_stmt *st) {
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s,s:f,s:f}", "id", store_text(st, 0), "name", store_text(st, 1),
                  "kind", store_text(st, 2), "municipality", store_text(st, 3), "latitude",
                  store_double(st, 4), "longitude", store_double(st, 5));
    or_set_col(o, "notes", st, 6);
    json_object_set_new(o, "active", json_boolean(store_int(st, 7)));
    or_set_col(o, "created_at", st, 8);
    or_set_col(o, "updated_at", st, 9);
    or_set_col(o, "created_by", st, 10);
    json_object_set_new(o, "visits", json_integer(store_int(st, 11)));
    json_object_set_new(o, "people", json_integer(store_int(st, 12)));
    or_set_col(o, "last_visit", st, 13);
    return o;
}

static const char one_sql[] =
    "SELECT l.id, l.name, l.kind, l.municipality, l.latitude, l.longitude, l.notes, l.active,"
    " l.created_at, l.updated_at, l.by_name,"
    " (SELECT COUNT(*) FROM outreach_visits v WHERE v.location_id = l.id),"
    " (SELECT COALESCE(SUM(v.people), 0) FROM outreach_visits v WHERE v.location_id = l.id),"
    " (SELECT MAX(v.visited_on) FROM outreach_visits v WHERE v.location_id = l.id)"
    " FROM outreach_locations l WHERE l.id = :id";

static herr *location_get(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, one_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && !row) e = err_new(ERR_NOT_FOUND, NULL, "no location %s", id);
    if (!e) *out = location_row(st);
    store_done(st);
    return e;
}

static const char lookup_sql[] = "SELECT body_hash FROM outreach_locations WHERE id = :id";
static const char insert_sql[] =
    "INSERT INTO outreach_locations (id, name, kind, municipality, latitude, longitude, notes,"
    " active, body_hash, created_at, updated_at, by_id, by_name) VALUES (:id, :name, :kind,"
    " :municipality, :lat, :lon, :notes, :active, :hash, :now, :now, :by_id, :by_name)";

herr *outreach_location_create(store *s, const actor *a, const json_t *in, json_t **out,
                               bool *replayed) {
    store_stmt *st = NULL;
    json_t *detail = NULL;
    bool began = false, exists = false;
    double lat = 0, lon = 0;
    char id[ID_LEN], hash[CRYPTO_HASH_HEX_LEN], now[CLOCK_ISO_LEN];
    *replayed = false;
    if (!auth_allows(a->role, "outreach.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not add locations", a->role);
    herr *e = check_location(in, true, &lat, &lon);
    if (!e) e = or_client_id(in, id);
    if (e) return e;
    or_body_hash(in, hash);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = or_idem_check(s, lookup_sql, id, hash, "location", &exists))) goto cleanup;
    if (exists) {
        *replayed = true;
        goto done;
    }
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_text(st, ":municipality",
                    json_str(in, "municipality") ? json_str(in, "municipality") : "");
    store_bind_double(st, ":lat", lat);
    store_bind_double(st, ":lon", lon);
    store_bind_text(st, ":notes", json_str(in, "notes"));
    store_bind_int(st, ":active", !json_is_false(json_object_get(in, "active")));
    store_bind_text(st, ":hash", hash);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = or_field_names(in);
    if ((e = audit_record(s, a, "create", "outreach_location", id, detail))) goto cleanup;
done:
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = location_get(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    return e;
}

static const char update_sql[] =
    "UPDATE outreach_locations SET name = COALESCE(:name, name), kind = COALESCE(:kind, kind),"
    " municipality = COALESCE(:municipality, municipality),"
    " latitude = COALESCE(:lat, latitude), longitude = COALESCE(:lon, longitude),"
    " notes = CASE WHEN :has_notes = 1 THEN :notes ELSE notes END,"
    " active = COALESCE(:active, active), updated_at = :now WHERE id = :id";

herr *outreach_location_update(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out) {
    store_stmt *st = NULL;
    json_t *detail = NULL, *old = NULL;
    bool began = false;
    double lat = 0, lon = 0;
    char now[CLOCK_ISO_LEN];
    if (!auth_allows(a->role, "outreach.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change locations", a->role);
    if (json_has(in, "id")) return err_invalid("id", "a location's id cannot change");
    herr *e = check_location(in, false, &lat, &lon);
    if (e) return e;
    if (json_has(in, "latitude") != json_has(in, "longitude"))
        return err_invalid("latitude", "latitude and longitude change together");
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    began = true;
    if ((e = location_get(s, id, &old))) goto cleanup;
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_text(st, ":municipality", json_str(in, "municipality"));
    if (json_has(in, "latitude")) {
        store_bind_double(st, ":lat", lat);
        store_bind_double(st, ":lon", lon);
    } else {
        store_bind_null(st, ":lat");
        store_bind_null(st, ":lon");
    }
    store_bind_int(st, ":has_notes", json_has(in, "notes"));
    store_bind_text(st, ":notes", json_str(in, "notes"));
    const json_t *active = json_object_get(in, "active");
    if (json_is_boolean(active))
        store_bind_int(st, ":active", json_is_true(active));
    else
        store_bind_null(st, ":active");
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    detail = or_field_names(in);
    if ((e = audit_record(s, a, "update", "outreach_location", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = location_get(s, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    json_decref(old);
    return e;
}

static const char list_all_sql[] =
    "SELECT l.id, l.name, l.kind, l.municipality, l.latitude, l.longitude, l.notes, l.active,"
    " l.created_at, l.updated_at, l.by_name,"
    " (SELECT COUNT(*) FROM outreach_visits v WHERE v.location_id = l.id),"
    " (SELECT COALESCE(SUM(v.people), 0) FROM outreach_visits v WHERE v.location_id = l.id),"
    " (SELECT MAX(v.visited_on) FROM outreach_visits v WHERE v.location_id = l.id)"
    " FROM outreach_locations l WHERE (:all = 1 OR l.active = 1) ORDER BY l.name, l.id";

herr *outreach_location_list(store *s, bool include_inactive, json_t **out) {
    store_stmt *st = NULL;
    json_t *items = json_array();
    bool row;
    herr *e = store_prepare(s, list_all_sql, &st);
    if (e) goto cleanup;
    store_bind_int(st, ":all", include_inactive);
    while (!(e = store_step(st, &row)) && row) json_array_append_new(items, location_row(st));
cleanup:
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o,s:o}", "items", items, "kinds", outreach_location_kinds());
    return NULL;
}

static const char active_sql[] = "SELECT active, name FROM outreach_locations WHERE id = :id";

herr *or_location_check_active(store *s, const char *id, const char *field) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, active_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row)
        e = err_invalid(field, "there is no location %s: choose one from the list", id);
    else if (!store_int(st, 0))
        e = err_invalid(field, "the location %s is closed (not active any more): choose another",
                        store_text(st, 1));
cleanup:
    store_done(st);
    return e;
}
