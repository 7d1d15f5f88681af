/* Persons: registration, reading, correction. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "registry/person_input.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

static const char site_sql[] = "SELECT code, active FROM sites WHERE id = :id";

herr *registry_site_usable(store *s, const actor *a, const char *site_id, const char *field,
                           char code[8]) {
    if (!actor_has_site(a, site_id))
        return err_new(ERR_NOT_FOUND, field, "no site with id %s among your sites", site_id);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, site_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", site_id);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, field, "no site with id %s", site_id);
    if (!e && !store_int(st, 1))
        e = err_new(ERR_CONFLICT, field, "site %s is closed (inactive)", store_text(st, 0));
    if (!e && code) snprintf(code, 8, "%s", store_text(st, 0));
    store_done(st);
    return e;
}

/* Registration numbers read well on a card: site code, two-digit year, a counter per
 * site and year ("LIP-23-004512"). */
static const char counter_sql[] =
    "INSERT INTO registration_counters (site_id, year, last) VALUES (:site, :year, 1)"
    " ON CONFLICT (site_id, year) DO UPDATE SET last = registration_counters.last + 1"
    " RETURNING last";

static herr *next_reg_no(store *s, const char *site_id, const char *code, int64_t at,
                         char out[32]) {
    int y, m, d;
    clock_civil_from_days(clock_day_start(at) / 86400, &y, &m, &d);
    store_stmt *st = NULL;
    bool row;
    herr *e = store_prepare(s, counter_sql, &st);
    if (e) return e;
    store_bind_text(st, ":site", site_id);
    store_bind_int(st, ":year", y);
    e = store_step(st, &row);
    if (!e) snprintf(out, 32, "%s-%02d-%06lld", code, y % 100, (long long)store_int(st, 0));
    store_done(st);
    return e;
}

static const char token_delete_sql[] = "DELETE FROM person_tokens WHERE person_id = :id";
static const char token_insert_sql[] =
    "INSERT INTO person_tokens (token, person_id) VALUES (:token, :id)";

/* The folded words, and the skeletons of the names (spelling and script variants). */
static herr *write_tokens(store *s, const char *id, const json_t *tokens, const json_t *names) {
    store_stmt *st = NULL;
    json_t *all = json_copy((json_t *)tokens);
    herr *e = registry_name_skeletons(json_str(names, "given_name"), json_str(names, "family_name"),
                                      json_str(names, "native_name"), all);
    if (!e) e = store_prepare(s, token_delete_sql, &st);
    if (e) {
        json_decref(all);
        return e;
    }
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) {
        json_decref(all);
        return e;
    }
    size_t i;
    json_t *t;
    json_array_foreach(all, i, t) {
        if ((e = store_prepare(s, token_insert_sql, &st))) break;
        store_bind_text(st, ":token", json_string_value(t));
        store_bind_text(st, ":id", id);
        if ((e = store_run_done(&st))) break;
    }
    if (!e) e = registry_search_words_write(s, id, all);
    json_decref(all);
    return e;
}

static char *languages_text(const json_t *in) {
    json_t *langs = json_object_get(in, "languages");
    size_t n = 1, i;
    json_t *v;
    json_array_foreach(langs, i, v) n += strlen(json_string_value(v)) + 1;
    char *out = mem_alloc(n);
    json_array_foreach(langs, i, v) {
        if (i) strcat(out, " ");
        strcat(out, json_string_value(v));
    }
    return out;
}

static char *search_key(const json_t *tokens) {
    size_t n = 1, i;
    json_t *t;
    json_array_foreach(tokens, i, t) n += strlen(json_string_value(t)) + 1;
    char *out = mem_alloc(n);
    json_array_foreach(tokens, i, t) {
        if (i) strcat(out, " ");
        strcat(out, json_string_value(t));
    }
    return out;
}

/* Upper-cases a two-letter country code; leaves "stateless"/"unknown" alone. */
static void country_case(const char *in, char out[16]) {
    snprintf(out, 16, "%s", in ? in : "unknown");
    if (strlen(out) == 2)
        for (char *p = out; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
}

static const char insert_sql[] =
    "INSERT INTO persons (id, reg_no, given_name, family_name, native_name, sex, birth_date,"
    " birth_date_precision, citizenship, languages, phone, phone_digits, registration_site_id,"
    " registered_at, search_key, created_at, updated_at) VALUES (:id, :reg_no, :given_name,"
    " :family_name, :native_name, :sex, :birth_date, :precision, :citizenship, :languages,"
    " :phone, :phone_digits, :site, :registered_at, :search_key, :now, :now)";

herr *registry_person_register(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *tokens = NULL, *person = NULL, *stay = NULL, *candidates = NULL, *detail = NULL;
    char *langs = NULL, *key = NULL;
    bool began = false;
    person_input pi;
    /* Citizenship codes are accepted in either case: normalise before checking. */
    json_t *norm = json_deep_copy(in);
    if (json_is_object(norm) && json_str(norm, "citizenship")) {
        char cit[16];
        country_case(json_str(norm, "citizenship"), cit);
        json_object_set_new(norm, "citizenship", json_string(cit));
    }
    herr *e = person_input_check(norm, true, &pi);
    if (e) goto cleanup;
    if ((e = registry_name_tokens(json_str(norm, "given_name"), json_str(norm, "family_name"),
                                  json_str(norm, "native_name"), &tokens)))
        goto cleanup;
    langs = languages_text(norm);
    key = search_key(tokens);
    const char *site_id = json_str(norm, "site_id");
    const char *birth_date = json_str(norm, "birth_date");
    const char *precision = json_str(norm, "birth_date_precision");
    if (birth_date && !precision) precision = "exact";
    char id[ID_LEN], now[CLOCK_ISO_LEN], registered_at[CLOCK_ISO_LEN], reg_no[32], code[8];
    id_new(id);
    clock_format_iso(clock_now(), now);
    clock_format_iso(pi.registered_at, registered_at);

    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = registry_site_usable(s, a, site_id, "site_id", code))) goto cleanup;
    if ((e = next_reg_no(s, site_id, code, pi.registered_at, reg_no))) goto cleanup;
    if ((e = store_prepare(s, insert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":reg_no", reg_no);
    store_bind_text(st, ":given_name", json_str(norm, "given_name"));
    store_bind_text(st, ":family_name", json_str(norm, "family_name"));
    store_bind_text(st, ":native_name", json_str(norm, "native_name"));
    store_bind_text(st, ":sex", json_str(norm, "sex"));
    store_bind_text(st, ":birth_date", birth_date);
    store_bind_text(st, ":precision", birth_date ? precision : NULL);
    store_bind_text(st, ":citizenship", json_str(norm, "citizenship"));
    store_bind_text(st, ":languages", langs);
    store_bind_text(st, ":phone", pi.phone_digits[0] ? json_str(norm, "phone") : NULL);
    store_bind_text(st, ":phone_digits", pi.phone_digits[0] ? pi.phone_digits : NULL);
    store_bind_text(st, ":site", site_id);
    store_bind_text(st, ":registered_at", registered_at);
    store_bind_text(st, ":search_key", key);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = write_tokens(s, id, tokens, norm))) goto cleanup;
    detail = json_pack("{s:s,s:s}", "reg_no", reg_no, "site_id", site_id);
    if ((e = audit_record(s, a, "create", "person", id, detail))) goto cleanup;
    if (json_is_true(json_object_get(norm, "check_in")) &&
        (e = registry_stay_insert(s, a, id, site_id, json_str(norm, "bed"), pi.registered_at,
                                  &stay)))
        goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    registry_match_refresh(s, id);

    if ((e = registry_person_get(s, a, id, &person))) goto cleanup;
    if ((e = registry_find_candidates(s, a, person, id, &candidates))) goto cleanup;
    *out = json_pack("{s:s,s:s,s:O,s:O,s:O}", "id", id, "reg_no", reg_no, "person", person,
                     "candidates", candidates, "stay", stay ? stay : json_null());
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(norm);
    json_decref(tokens);
    json_decref(person);
    json_decref(stay);
    json_decref(candidates);
    json_decref(detail);
    mem_free(langs);
    mem_free(key);
    return e;
}

static const char person_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p WHERE p.id = :id AND " REGISTRY_PERSON_SCOPE;
/* A survivor of a merge shows the stays of the records merged into it. */
static const char stays_sql[] =
    "SELECT " REGISTRY_STAY_COLUMNS ", s.name FROM stays t JOIN sites s ON s.id = t.site_id"
    " WHERE t.person_id IN (SELECT :id UNION ALL SELECT id FROM persons WHERE merged_into = :id)"
    " ORDER BY t.checked_in_at DESC";
static const char merged_sql[] = "SELECT id FROM persons WHERE merged_into = :id ORDER BY id";

static herr *load_person(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    char *scope = NULL;
    bool row;
    *out = NULL;
    if (!id_is_valid(id)) return err_new(ERR_NOT_FOUND, "id", "no person with id %s", id);
    herr *e = store_prepare(s, person_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    registry_bind_scope(st, a, &scope);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no person with id %s", id);
    if (!e) *out = registry_person_row(st);
    store_done(st);
    mem_free(scope);
    return e;
}

herr *registry_person_visible(store *s, const actor *a, const char *id) {
    json_t *p = NULL;
    herr *e = load_person(s, a, id, &p);
    json_decref(p);
    return e;
}

herr *registry_person_get(store *s, const actor *a, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *person = NULL;
    bool row;
    herr *e = load_person(s, a, id, &person);
    if (e) return e;
    json_t *stays = json_array(), *current = json_null();
    if ((e = store_prepare(s, stays_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *stay = registry_stay_row(st, 0);
        json_object_set_new(stay, "site_name", json_string(store_text(st, 8)));
        if (store_is_null(st, 5)) {
            json_decref(current);
            current = json_incref(stay);
        }
        json_array_append_new(stays, stay);
    }
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    json_t *merged = json_array();
    json_object_set_new(person, "merged", merged);
    if ((e = store_prepare(s, merged_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(merged, json_string(store_text(st, 0)));
cleanup:
    store_done(st);
    json_object_set_new(person, "stays", stays);
    json_object_set_new(person, "current_stay", current);
    if (e) {
        json_decref(person);
        return e;
    }
    *out = person;
    return NULL;
}

static const char update_sql[] =
    "UPDATE persons SET given_name = :given_name, family_name = :family_name,"
    " native_name = :native_name, sex = :sex, birth_date = :birth_date,"
    " birth_date_precision = :precision, citizenship = :citizenship, languages = :languages,"
    " phone = :phone, phone_digits = :phone_digits, search_key = :search_key,"
    " updated_at = :now WHERE id = :id";

/* The person after the change: the stored fields overlaid with the given ones. */
static json_t *merged_person(const json_t *before, const json_t *in) {
    json_t *after = json_deep_copy(before);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_object_set(after, key, v);
    if (json_has(in, "birth_date") && !json_str(in, "birth_date"))
        json_object_set_new(after, "birth_date_precision", json_null());
    else if (json_str(in, "birth_date") && !json_has(in, "birth_date_precision"))
        json_object_set_new(after, "birth_date_precision", json_string("exact"));
    return after;
}

herr *registry_person_update(store *s, const actor *a, const char *id, const json_t *in,
                             json_t **out) {
    store_stmt *st = NULL;
    json_t *before = NULL, *after = NULL, *tokens = NULL, *detail = NULL, *norm = NULL;
    char *langs = NULL, *key = NULL;
    bool began = false;
    person_input pi;
    norm = json_deep_copy(in);
    if (json_is_object(norm) && json_str(norm, "citizenship")) {
        char cit[16];
        country_case(json_str(norm, "citizenship"), cit);
        json_object_set_new(norm, "citizenship", json_string(cit));
    }
    herr *e = person_input_check(norm, false, &pi);
    if (e) goto cleanup;
    if (json_object_size(norm) == 0) {
        e = err_invalid("body", "give at least one field to change");
        goto cleanup;
    }
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = load_person(s, a, id, &before))) goto cleanup;
    if (json_str(before, "merged_into")) {
        e = err_new(ERR_CONFLICT, "id", "this record was merged into %s; change that one",
                    json_str(before, "merged_into"));
        goto cleanup;
    }
    after = merged_person(before, norm);
    /* Re-check the whole record: a precision alone needs the stored birth date. */
    if (json_str(after, "birth_date_precision") && !json_str(after, "birth_date")) {
        e = err_invalid("birth_date_precision", "birth_date_precision needs a birth_date");
        goto cleanup;
    }
    /* Nobody was registered before being born (registration checks the same). */
    const char *born = json_str(after, "birth_date"), *reg = json_str(after, "registered_at");
    if (json_has(norm, "birth_date") && born && reg && strncmp(reg, born, 10) < 0) {
        e = err_invalid("birth_date", "birth_date (%s) cannot be after the registration (%.10s)",
                        born, reg);
        goto cleanup;
    }
    if ((e = registry_name_tokens(json_str(after, "given_name"), json_str(after, "family_name"),
                                  json_str(after, "native_name"), &tokens)))
        goto cleanup;
    langs = languages_text(after);
    key = search_key(tokens);
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":given_name", json_str(after, "given_name"));
    store_bind_text(st, ":family_name", json_str(after, "family_name"));
    store_bind_text(st, ":native_name", json_str(after, "native_name"));
    store_bind_text(st, ":sex", json_str(after, "sex"));
    store_bind_text(st, ":birth_date", json_str(after, "birth_date"));
    store_bind_text(st, ":precision", json_str(after, "birth_date_precision"));
    store_bind_text(st, ":citizenship", json_str(after, "citizenship"));
    store_bind_text(st, ":languages", langs);
    const char *phone = json_str(after, "phone");
    bool has_phone = phone && phone[0];
    if (json_has(norm, "phone")) {
        store_bind_text(st, ":phone", has_phone ? phone : NULL);
        store_bind_text(st, ":phone_digits", has_phone ? pi.phone_digits : NULL);
    } else {
        store_bind_text(st, ":phone", json_str(before, "phone"));
        char digits[33] = "";
        size_t k = 0;
        for (const char *p = phone ? phone : ""; *p && k < 32; p++)
            if (*p >= '0' && *p <= '9') digits[k++] = *p;
        store_bind_text(st, ":phone_digits", k ? digits : NULL);
    }
    store_bind_text(st, ":search_key", key);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto cleanup;
    st = NULL;
    if ((e = write_tokens(s, id, tokens, after))) goto cleanup;
    detail = registry_changed_fields(norm);
    if ((e = audit_record(s, a, "update", "person", id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    registry_match_refresh(s, id);
    e = registry_person_get(s, a, id, out);
cleanup:
    store_done(st);
    if (e && began) store_rollback(s);
    json_decref(norm);
    json_decref(before);
    json_decref(after);
    json_decref(tokens);
    json_decref(detail);
    mem_free(langs);
    mem_free(key);
    return e;
}

static const char reindex_read_sql[] =
    "SELECT given_name, family_name, native_name, phone FROM persons WHERE id = :id";
static const char reindex_write_sql[] =
    "UPDATE persons SET search_key = :search_key, phone_digits = :phone_digits WHERE id = :id";

herr *registry_person_reindex(store *s, const char *id) {
    store_stmt *st = NULL;
    json_t *names = NULL, *tokens = NULL;
    char *key = NULL;
    char digits[33] = "";
    bool row = false;
    herr *e = store_prepare(s, reindex_read_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        e = store_step(st, &row);
    }
    if (e) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no person %s", id);
        goto cleanup;
    }
    names = json_pack("{s:s?,s:s?,s:s?}", "given_name", store_text(st, 0), "family_name",
                      store_text(st, 1), "native_name", store_text(st, 2));
    size_t k = 0;
    for (const char *p = store_text(st, 3) ? store_text(st, 3) : ""; *p && k < 32; p++)
        if (*p >= '0' && *p <= '9') digits[k++] = *p;
    store_done(st);
    st = NULL;
    if ((e = registry_name_tokens(json_str(names, "given_name"), json_str(names, "family_name"),
                                  json_str(names, "native_name"), &tokens)))
        goto cleanup;
    key = search_key(tokens);
    if ((e = store_prepare(s, reindex_write_sql, &st))) goto cleanup;
    store_bind_text(st, ":search_key", key);
    store_bind_text(st, ":phone_digits", k ? digits : NULL);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto cleanup;
    e = write_tokens(s, id, tokens, names);
cleanup:
    store_done(st);
    json_decref(names);
    json_decref(tokens);
    mem_free(key);
    return e;
}

void registry_person_rematch(store *s, const char *id) { registry_match_refresh(s, id); }
