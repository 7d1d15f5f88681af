/* Identity documents of a person: recorded, listed, removed and found by number.
 *
 * A number is stored twice: as typed (for the eye, "AB 123-456") and normalised (for
 * comparison, "AB123456"), so that the same passport typed with or without its spaces
 * is one number for search and for matching. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "documents/documents.h"
#include "documents/documents_internal.h"
#include "registry/registry.h"

#define SEEN_AHEAD_SECONDS 300

static const char *const types[] = {"passport",
                                    "national_id",
                                    "asylum_seeker_card",
                                    "travel_document",
                                    "residence_permit",
                                    "birth_certificate",
                                    "driving_licence",
                                    "other",
                                    NULL};

static const json_field document_fields[] = {
    {"type", JF_STRING, true, 24},     {"number", JF_STRING, true, 60},
    {"country", JF_STRING, false, 16}, {"expiry", JF_STRING, false, 10},
    {"seen_at", JF_STRING, false, 40}, {"note", JF_TEXT, false, 500},
};

herr *documents_number_normalize(const char *field, const char *number,
                                 char out[DOCUMENTS_NUMBER_MAX + 1]) {
    size_t n = 0;
    out[0] = '\0';
    if (!number) return err_required(field);
    for (const unsigned char *p = (const unsigned char *)number; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '.' || *p == '/') continue;
        if (*p >= 0x80 || !isalnum(*p))
            return err_with(
                err_invalid(field,
                            "%s may hold only letters A-Z, digits, spaces, dashes, dots "
                            "and slashes",
                            field),
                "document_number_chars", (const char *)NULL);
        if (n == DOCUMENTS_NUMBER_MAX) {
            out[0] = '\0';
            return err_with(err_invalid(field, "%s is longer than %d letters and digits", field,
                                        DOCUMENTS_NUMBER_MAX),
                            "document_number_length", (const char *)NULL);
        }
        out[n++] = (char)toupper(*p);
    }
    out[n] = '\0';
    if (n < 3) {
        out[0] = '\0';
        return err_with(err_invalid(field, "%s needs at least 3 letters or digits", field),
                        "document_number_length", (const char *)NULL);
    }
    return NULL;
}

json_t *documents_person_detail(const char *person_id) {
    return json_pack("{s:s}", "person_id", person_id);
}

#define DOCUMENT_COLUMNS                                                                           \
    "d.id, d.person_id, d.type, d.number, d.number_display, d.country, d.expiry, d.seen_at,"       \
    " d.seen_by_name, d.note, d.created_at"

static json_t *document_row(store_stmt *st, const char *today) {
    json_t *d = json_object();
    static const char *const names[] = {
        "id",     "person_id", "type",    "number", "number_display", "country",
        "expiry", "seen_at",   "seen_by", "note",   "created_at"};
    for (int i = 0; i < 11; i++) {
        const char *v = store_text(st, i);
        json_object_set_new(d, names[i], v ? json_string(v) : json_null());
    }
    const char *expiry = store_text(st, 6);
    json_object_set_new(d, "expired", json_boolean(expiry && strcmp(expiry, today) < 0));
    return d;
}

static void today_of(char out[CLOCK_DATE_LEN]) { clock_format_date(clock_now(), out); }

/* A checked document: every field validated before anything is written. */
typedef struct {
    const char *type, *country, *note;
    char number[DOCUMENTS_NUMBER_MAX + 1];
    char display[64];
    char expiry[CLOCK_DATE_LEN];
    char seen_at[CLOCK_ISO_LEN];
} document_input;

static herr *document_check(const json_t *in, document_input *d) {
    memset(d, 0, sizeof *d);
    herr *e = json_check(in, document_fields, sizeof document_fields / sizeof document_fields[0]);
    if (!e) e = check_code("type", json_str(in, "type"), types);
    if (!e) e = documents_number_normalize("number", json_str(in, "number"), d->number);
    if (e) return e;
    d->type = json_str(in, "type");
    /* The display form: as typed, without the spaces around it. */
    const char *typed = json_str(in, "number");
    while (*typed == ' ') typed++;
    snprintf(d->display, sizeof d->display, "%s", typed);
    for (size_t n = strlen(d->display); n && d->display[n - 1] == ' ';) d->display[--n] = '\0';
    d->country = json_str(in, "country");
    if (d->country && (!codes_country_valid(d->country) || !strcmp(d->country, "stateless") ||
                       !strcmp(d->country, "unknown")))
        return err_invalid("country", "country must be the issuing country's ISO 3166 code (BA)");
    if ((e = check_date(in, "expiry", false, d->expiry))) return e;
    if ((e = check_time(in, "seen_at", clock_now(), SEEN_AHEAD_SECONDS, d->seen_at))) return e;
    d->note = json_str(in, "note");
    return NULL;
}

static const char duplicate_sql[] =
    "SELECT 1 FROM person_documents WHERE person_id = :person AND type = :type"
    " AND number = :number AND coalesce(country, '') = coalesce(:country, '')";
static const char insert_sql[] =
    "INSERT INTO person_documents (id, person_id, type, number, number_display, country, expiry,"
    " seen_at, seen_by_id, seen_by_name, note, created_at) VALUES (:id, :person, :type, :number,"
    " :display, :country, :expiry, :seen_at, :by_id, :by_name, :note, :now)";
static const char get_sql[] =
    "SELECT " DOCUMENT_COLUMNS " FROM person_documents d WHERE d.id = :id";

static herr *insert_document(store *s, const actor *a, const char *person_id,
                             const document_input *d, const json_t *in, char id[ID_LEN]) {
    store_stmt *st = NULL;
    bool row = false;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, duplicate_sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":type", d->type);
    store_bind_text(st, ":number", d->number);
    store_bind_text(st, ":country", d->country);
    e = store_step(st, &row);
    store_done(st);
    st = NULL;
    if (e) return e;
    if (row)
        return err_with(err_new(ERR_CONFLICT, "number",
                                "this person already has this document (same type, country and "
                                "number)"),
                        "document_duplicate", (const char *)NULL);
    id_new(id);
    if ((e = store_prepare(s, insert_sql, &st))) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":type", d->type);
    store_bind_text(st, ":number", d->number);
    store_bind_text(st, ":display", d->display);
    store_bind_text(st, ":country", d->country);
    store_bind_text(st, ":expiry", d->expiry[0] ? d->expiry : NULL);
    store_bind_text(st, ":seen_at", d->seen_at);
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : NULL);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":note", d->note);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    json_t *detail = check_field_names(in);
    json_object_set_new(detail, "person_id", json_string(person_id));
    e = audit_record(s, a, "create", "person_document", id, detail);
    json_decref(detail);
    return e;
}

static herr *load_document(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    char today[CLOCK_DATE_LEN];
    today_of(today);
    *out = NULL;
    herr *e = store_prepare(s, get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && row) *out = document_row(st, today);
    store_done(st);
    if (!e && !*out) e = err_new(ERR_NOT_FOUND, "document", "no such document");
    return e;
}

herr *documents_add(store *s, const actor *a, const char *person_id, const json_t *in,
                    json_t **out) {
    document_input d;
    char id[ID_LEN];
    herr *e = registry_person_visible(s, a, person_id);
    if (!e) e = document_check(in, &d);
    if (e) return e;
    if ((e = store_begin(s))) return e;
    if ((e = insert_document(s, a, person_id, &d, in, id))) {
        store_rollback(s);
        return e;
    }
    if ((e = store_commit(s))) {
        store_rollback(s);
        return e;
    }
    registry_documents_changed(s, person_id);
    return load_document(s, id, out);
}

static const char list_sql[] =
    "SELECT " DOCUMENT_COLUMNS " FROM person_documents d WHERE d.person_id = :person"
    " ORDER BY d.created_at DESC, d.id";

herr *documents_list(store *s, const actor *a, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    bool row;
    char today[CLOCK_DATE_LEN];
    today_of(today);
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    json_t *items = json_array();
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_text(st, ":person", person_id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(items, document_row(st, today));
    store_done(st);
    if (e) goto cleanup;
    json_t *detail = documents_person_detail(person_id);
    e = audit_record_read(s, a, "person_documents", person_id, detail);
    json_decref(detail);
    if (e) goto cleanup;
    *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(items);
    return e;
}

static const char owner_sql[] = "SELECT person_id FROM person_documents WHERE id = :id";
static const char delete_sql[] = "DELETE FROM person_documents WHERE id = :id";

herr *documents_remove(store *s, const actor *a, const char *person_id, const char *document_id) {
    store_stmt *st = NULL;
    bool row = false, mine = false;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, owner_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", document_id);
    if (!(e = store_step(st, &row)) && row) mine = !strcmp(store_text(st, 0), person_id);
    store_done(st);
    st = NULL;
    if (e) goto cleanup;
    if (!mine) {
        e = err_new(ERR_NOT_FOUND, "document", "this person has no such document");
        goto cleanup;
    }
    if ((e = store_prepare(s, delete_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", document_id);
    if ((e = store_run_done(&st))) goto cleanup;
    json_t *detail = documents_person_detail(person_id);
    e = audit_record(s, a, "delete", "person_document", document_id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
cleanup:
    store_done(st);
    if (e) {
        store_rollback(s);
        return e;
    }
    registry_documents_changed(s, person_id);
    return NULL;
}

static const char by_number_sql[] =
    "SELECT " DOCUMENT_COLUMNS " FROM person_documents d WHERE d.number = :number"
    " ORDER BY d.created_at DESC LIMIT 200";

herr *documents_search(store *s, const actor *a, const char *number, json_t **out) {
    char norm[DOCUMENTS_NUMBER_MAX + 1], today[CLOCK_DATE_LEN];
    store_stmt *st = NULL;
    bool row;
    json_t *found = json_array(), *items = json_array();
    size_t i;
    json_t *d;
    today_of(today);
    herr *e = documents_number_normalize("number", number, norm);
    if (e) goto cleanup;
    if ((e = store_prepare(s, by_number_sql, &st))) goto cleanup;
    store_bind_text(st, ":number", norm);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(found, document_row(st, today));
    store_done(st);
    if (e) goto cleanup;
    /* Only the documents of people the actor may see; the others are not mentioned. */
    json_array_foreach(found, i, d) {
        json_t *p = NULL;
        herr *pe = registry_person_get(s, a, json_str(d, "person_id"), &p);
        if (pe) {
            bool hidden = pe->code == ERR_NOT_FOUND;
            if (!hidden)
                e = pe;
            else
                err_free(pe);
            if (e) goto cleanup;
            continue;
        }
        json_t *who = json_object();
        static const char *const keep[] = {"id",          "reg_no",     "given_name",
                                           "family_name", "birth_date", "citizenship"};
        for (int k = 0; k < 6; k++) json_set_str(who, keep[k], json_str(p, keep[k]));
        json_decref(p);
        json_object_set_new(d, "person", who);
        json_array_append(items, d);
    }
    json_t *detail = json_pack("{s:I}", "results", (json_int_t)json_array_size(items));
    e = audit_record_read(s, a, "person_documents", "search", detail);
    json_decref(detail);
    if (e) goto cleanup;
    *out = json_pack("{s:O}", "items", items);
cleanup:
    json_decref(found);
    json_decref(items);
    return e;
}
