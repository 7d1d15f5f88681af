/* Visits of a mobile team to a location: who was met (anonymous counts, or registered
 * people by their registration numbers), what they were given, and who was taken to
 * a centre. A visit is entered on a phone, often offline, and created once however
 * often the phone sends it (see outreach.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"
#include "registry/registry.h"

static const char *const services[] = {"food",        "water",    "clothes", "first_aid",
                                       "information", "referral", NULL};
static const char *const sexes[] = {"M", "F", NULL};
static const char *const age_groups[] = {"adult", "minor", NULL};

#define MAX_COUNT 10000

static const json_field visit_fields[] = {
    {"id", JF_STRING, false, 36},        {"location_id", JF_STRING, true, 36},
    {"visited_on", JF_STRING, true, 10}, {"team", JF_STRING_ARRAY, true, 10},
    {"people", JF_ARRAY, false, 200},    {"registration_numbers", JF_STRING_ARRAY, false, 200},
    {"services", JF_OBJECT, false, 0},   {"transports", JF_ARRAY, false, 10},
    {"notes", JF_TEXT, false, 2000},
};

json_t *outreach_services(void) {
    json_t *a = json_array();
    for (size_t i = 0; services[i]; i++) json_array_append_new(a, json_string(services[i]));
    return a;
}

static herr *check_count(const json_t *v, const char *field, long long min, long long *out) {
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > MAX_COUNT)
        return err_invalid(field, "%s must be a whole number from %lld to %d", field, min,
                           MAX_COUNT);
    *out = json_integer_value(v);
    return NULL;
}

/* The people met: valid rows, no row twice; *total receives their sum. */
static herr *check_people(const json_t *people, long long *total) {
    size_t i, j;
    json_t *row;
    json_array_foreach(people, i, row) {
        static const json_field f[] = {{"nationality", JF_STRING, true, 10},
                                       {"sex", JF_STRING, true, 1},
                                       {"age_group", JF_STRING, true, 5},
                                       {"count", JF_INT, true, 0}};
        long long n = 0;
        herr *e = json_check(row, f, 4);
        if (e) {
            snprintf(e->field, sizeof e->field, "people");
            return e;
        }
        if (!codes_country_valid(json_str(row, "nationality")))
            return err_invalid("people", "nationality %s is not an ISO 3166 country code",
                               json_str(row, "nationality"));
        if ((e = or_check_code("people", json_str(row, "sex"), sexes))) return e;
        if ((e = or_check_code("people", json_str(row, "age_group"), age_groups))) return e;
        if ((e = check_count(json_object_get(row, "count"), "people", 1, &n))) return e;
        for (j = 0; j < i; j++) {
            const json_t *o = json_array_get(people, j);
            if (!strcmp(json_str(o, "nationality"), json_str(row, "nationality")) &&
                !strcmp(json_str(o, "sex"), json_str(row, "sex")) &&
                !strcmp(json_str(o, "age_group"), json_str(row, "age_group")))
                return err_invalid("people", "people of %s, %s, %s are counted twice",
                                   json_str(row, "nationality"), json_str(row, "sex"),
                                   json_str(row, "age_group"));
        }
        *total += n;
    }
    return NULL;
}

/* Registration numbers to person ids within the actor's sites, into ids (an array of
 * [person_id, reg_no]). */
static herr *resolve_people(store *s, const actor *a, const json_t *numbers, json_t *ids) {
    size_t i;
    json_t *v;
    json_array_foreach(numbers, i, v) {
        const char *want = json_string_value(v);
        json_t *found = NULL;
        registry_person_query q = {.q = want, .limit = 5};
        herr *e = registry_person_search(s, a, &q, &found);
        if (e) return e;
        const json_t *match = NULL;
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(found, "items"), k, p) {
            const char *reg = json_str(p, "reg_no");
            if (reg && !strcasecmp(reg, want)) match = p;
        }
        if (match)
            json_array_append_new(
                ids, json_pack("[s,s]", json_str(match, "id"), json_str(match, "reg_no")));
        json_decref(found);
        if (!match)
            return err_invalid("registration_numbers",
                               "no person with registration number %s at your sites", want);
    }
    return NULL;
}

static herr *check_services(const json_t *svc, long long total) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)svc, key, v) {
        long long n = 0;
        herr *e = or_check_code("services", key, services);
        if (!e) e = check_count(v, "services", 0, &n);
        if (e) return e;
        if (n > total)
            return err_invalid("services",
                               "%s was given to more people (%lld) than were met (%lld)", key, n,
                               total);
    }
    return NULL;
}

static herr *check_transports(store *s, const actor *a, const json_t *list, long long total) {
    size_t i;
    json_t *t;
    long long sum = 0;
    json_array_foreach(list, i, t) {
        static const json_field f[] = {{"site_id", JF_STRING, true, 36},
                                       {"people", JF_INT, true, 0}};
        long long n = 0;
        json_t *site = NULL;
        herr *e = json_check(t, f, 2);
        if (!e) e = check_count(json_object_get(t, "people"), "transports", 1, &n);
        if (!e && (e = registry_site_get(s, a, json_str(t, "site_id"), &site)))
            snprintf(e->message, sizeof e->message,
                     "transports go to one of your centres: %s is not one of them",
                     json_str(t, "site_id"));
        json_decref(site);
        if (e) {
            e->code = ERR_INVALID;
            snprintf(e->field, sizeof e->field, "transports");
            return e;
        }
        sum += n;
    }
    if (sum > total)
        return err_invalid("transports", "more people transported (%lld) than were met (%lld)", sum,
                           total);
    return NULL;
}

static const char lookup_sql[] = "SELECT body_hash FROM outreach_visits WHERE id = :id";
static const char insert_sql[] =
    "INSERT INTO outreach_visits (id, location_id, visited_on, team, people, notes, body_hash,"
    " created_at, by_id, by_name) VALUES (:id, :location, :on, :team, :people, :notes, :hash,"
    " :now, :by_id, :by_name)";
static const char people_sql[] =
    "INSERT INTO outreach_visit_people (visit_id, nationality, sex, age_group, count)"
    " VALUES (:visit, :nat, :sex, :age, :count)";
static const char person_sql[] =
    "INSERT INTO outreach_visit_persons (visit_id, person_id, reg_no) VALUES (:visit, :person,"
    " :reg_no) ON CONFLICT (visit_id, person_id) DO NOTHING";
static const char service_sql[] =
    "INSERT INTO outreach_visit_services (visit_id, service, people) VALUES (:visit, :service,"
    " :people)";
static const char transport_sql[] =
    "INSERT INTO outreach_transports (id, visit_id, site_id, people) VALUES (:id, :visit, :site,"
    " :people)";

static herr *insert_parts(store *s, const char *id, const json_t *in, const json_t *persons) {
    store_stmt *st = NULL;
    herr *e = NULL;
    size_t i;
    json_t *v;
    const char *key;
    json_array_foreach(json_object_get(in, "people"), i, v) {
        if ((e = store_prepare(s, people_sql, &st))) return e;
        store_bind_text(st, ":visit", id);
        store_bind_text(st, ":nat", json_str(v, "nationality"));
        store_bind_text(st, ":sex", json_str(v, "sex"));
        store_bind_text(st, ":age", json_str(v, "age_group"));
        store_bind_int(st, ":count", json_integer_value(json_object_get(v, "count")));
        if ((e = store_run_done(&st))) return e;
    }
    json_array_foreach(persons, i, v) {
        if ((e = store_prepare(s, person_sql, &st))) return e;
        store_bind_text(st, ":visit", id);
        store_bind_text(st, ":person", json_string_value(json_array_get(v, 0)));
        store_bind_text(st, ":reg_no", json_string_value(json_array_get(v, 1)));
        if ((e = store_run_done(&st))) return e;
    }
    json_object_foreach(json_object_get(in, "services"), key, v) {
        if ((e = store_prepare(s, service_sql, &st))) return e;
        store_bind_text(st, ":visit", id);
        store_bind_text(st, ":service", key);
        store_bind_int(st, ":people", json_integer_value(v));
        if ((e = store_run_done(&st))) return e;
    }
    json_array_foreach(json_object_get(in, "transports"), i, v) {
        char tid[ID_LEN];
        id_new(tid);
        if ((e = store_prepare(s, transport_sql, &st))) return e;
        store_bind_text(st, ":id", tid);
        store_bind_text(st, ":visit", id);
        store_bind_text(st, ":site", json_str(v, "site_id"));
        store_bind_int(st, ":people", json_integer_value(json_object_get(v, "people")));
        if ((e = store_run_done(&st))) return e;
    }
    return NULL;
}

static herr *check_team(const json_t *team) {
    size_t i;
    json_t *v;
    if (!json_array_size(team)) return err_invalid("team", "name at least one member of the team");
    json_array_foreach(team, i, v) {
        const char *p = json_string_value(v);
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p)
            return err_with(err_invalid("team", "a team member's name cannot be empty"), "empty",
                            (const char *)NULL);
    }
    return NULL;
}

herr *outreach_visit_create(store *s, const actor *a, const json_t *in, json_t **out,
                            bool *replayed) {
    store_stmt *st = NULL;
    json_t *detail = NULL, *persons = json_array();
    bool began = false, exists = false;
    long long total = 0;
    char id[ID_LEN], hash[CRYPTO_HASH_HEX_LEN], now[CLOCK_ISO_LEN], on[CLOCK_DATE_LEN];
    *replayed = false;
    if (!auth_allows(a->role, "outreach.write")) {
        json_decref(persons);
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not record visits", a->role);
    }
    herr *e = json_check(in, visit_fields, sizeof visit_fields / sizeof visit_fields[0]);
    if (!e) e = or_client_id(in, id);
    if (!e) e = or_check_date(in, "visited_on", true, on);
    if (!e) e = check_team(json_object_get(in, "team"));
    if (!e) e = check_people(json_object_get(in, "people"), &total);
    if (e) goto cleanup;
    or_body_hash(in, hash);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    /* A replay is answered before today's rules are applied: it was stored under the
     * rules of its day. */
    if ((e = or_idem_check(s, lookup_sql, id, hash, "visit", &exists))) goto cleanup;
    if (exists) {
        *replayed = true;
        goto done;
    }
    if ((e = or_location_check_active(s, json_str(in, "location_id"), "location_id"))) goto cleanup;
    if ((e = resolve_people(s, a, json_object_get(in, "registration_numbers"), persons)))
        goto cleanup;
    total += (long long)json_array_size(persons);
    if (total == 0) {
        e = err_invalid("people", "count the people met (at least one)");
        goto cleanup;
    }
    if ((e = check_services(json_object_get(in, "services"), total))) goto cleanup;
    if ((e = check_transports(s, a, json_object_get(in, "transports"), total))) goto cleanup;
    char *team = json_dumps(json_object_get(in, "team"), JSON_COMPACT);
    if ((e = store_prepare(s, insert_sql, &st))) {
        free(team);
        goto cleanup;
    }
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":location", json_str(in, "location_id"));
    store_bind_text(st, ":on", on);
    store_bind_text(st, ":team", team);
    store_bind_int(st, ":people", total);
    store_bind_text(st, ":notes", json_str(in, "notes"));
    store_bind_text(st, ":hash", hash);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    e = store_run_done(&st);
    st = NULL;
    free(team);
    if (e) goto cleanup;
    if ((e = insert_parts(s, id, in, persons))) goto cleanup;
    detail = json_pack("{s:s,s:I,s:I}", "location_id", json_str(in, "location_id"), "people",
                       (json_int_t)total, "registered", (json_int_t)json_array_size(persons));
    if ((e = audit_record(s, a, "create", "outreach_visit", id, detail))) goto cleanup;
done:
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    e = outreach_visit_get(s, a, id, out);
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    json_decref(detail);
    json_decref(persons);
    return e;
}
