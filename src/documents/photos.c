/* A person's photo: checked and stripped of metadata (image.c), sealed under the
 * protection key as base64 text (the sealing works on text and the column is TEXT, as
 * SQL common to SQLite and PostgreSQL has no binary type), one per person. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "documents/documents.h"
#include "documents/documents_internal.h"
#include "protection/protection.h"
#include "registry/registry.h"

#define PHOTO_TABLE  "person_photos"
#define PHOTO_COLUMN "image"

static const char upsert_sql[] =
    "INSERT INTO person_photos (id, content_type, bytes, image, updated_at, by_id, by_name)"
    " VALUES (:id, :type, :bytes, :image, :now, :by_id, :by_name)"
    " ON CONFLICT (id) DO UPDATE SET content_type = :type, bytes = :bytes, image = :image,"
    " updated_at = :now, by_id = :by_id, by_name = :by_name";
static const char info_sql[] =
    "SELECT id, content_type, bytes, updated_at FROM person_photos WHERE id = :id";
static const char image_sql[] = "SELECT content_type, image FROM person_photos WHERE id = :id";
static const char delete_sql[] = "DELETE FROM person_photos WHERE id = :id";

static herr *no_photo(void) { return err_new(ERR_NOT_FOUND, "photo", "this person has no photo"); }

/* Seals the image: *out base64 text of the sealed base64 of the bytes (mem_free). */
static herr *seal_image(const char *person_id, const unsigned char *img, size_t len, char **out) {
    size_t b64_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = mem_alloc(b64_len);
    sodium_bin2base64(b64, b64_len, img, len, sodium_base64_VARIANT_ORIGINAL);
    herr *e = protection_seal_text(PHOTO_TABLE, person_id, PHOTO_COLUMN, b64, out);
    sodium_memzero(b64, b64_len);
    mem_free(b64);
    return e;
}

static herr *open_image(const char *person_id, const char *sealed, unsigned char **out,
                        size_t *len) {
    char *b64 = NULL;
    herr *e = protection_open_text(PHOTO_TABLE, person_id, PHOTO_COLUMN, sealed, &b64);
    if (e) return e;
    size_t cap = strlen(b64) / 4 * 3 + 3;
    unsigned char *bin = mem_alloc(cap);
    if (sodium_base642bin(bin, cap, b64, strlen(b64), NULL, len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        mem_free(bin);
        e = err_new(ERR_IO, "photo", "the stored photo cannot be read");
    } else {
        *out = bin;
    }
    sodium_memzero(b64, strlen(b64));
    mem_free(b64);
    return e;
}

herr *documents_photo_info(store *s, const actor *a, const char *person_id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = store_prepare(s, info_sql, &st))) return e;
    store_bind_text(st, ":id", person_id);
    if (!(e = store_step(st, &row)) && row)
        *out = json_pack("{s:s,s:s,s:I,s:s}", "person_id", store_text(st, 0), "content_type",
                         store_text(st, 1), "bytes", (json_int_t)store_int(st, 2), "updated_at",
                         store_text(st, 3));
    store_done(st);
    if (!e && !row) e = no_photo();
    return e;
}

herr *documents_photo_put(store *s, const actor *a, const char *person_id, const void *data,
                          size_t len, json_t **out) {
    unsigned char *clean = NULL;
    size_t clean_len = 0;
    documents_image_type type;
    char *sealed = NULL, now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    bool began = false;
    herr *e = registry_person_visible(s, a, person_id);
    if (!e && (!data || len == 0))
        e = err_with(err_invalid("photo", "the photo is empty"), "photo_type", (const char *)NULL);
    if (!e) e = documents_image_clean(data, len, &type, &clean, &clean_len);
    if (!e) e = seal_image(person_id, clean, clean_len, &sealed);
    if (e) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = store_prepare(s, upsert_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", person_id);
    store_bind_text(st, ":type", documents_image_mime(type));
    store_bind_int(st, ":bytes", (int64_t)clean_len);
    store_bind_text(st, ":image", sealed);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : NULL);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    json_t *detail = json_pack("{s:s,s:s,s:I,s:I}", "person_id", person_id, "content_type",
                               documents_image_mime(type), "bytes", (json_int_t)clean_len,
                               "metadata_removed", (json_int_t)(len - clean_len));
    e = audit_record(s, a, "update", "person_photo", person_id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
    if (!e) began = false;
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    if (clean) sodium_memzero(clean, clean_len);
    mem_free(clean);
    mem_free(sealed);
    if (!e) e = documents_photo_info(s, a, person_id, out);
    return e;
}

herr *documents_photo_get(store *s, const actor *a, const char *person_id, unsigned char **data,
                          size_t *len, const char **mime) {
    store_stmt *st = NULL;
    bool row = false;
    *data = NULL;
    *len = 0;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = store_prepare(s, image_sql, &st))) return e;
    store_bind_text(st, ":id", person_id);
    if (!(e = store_step(st, &row)) && row) {
        *mime = !strcmp(store_text(st, 0), "image/png") ? "image/png" : "image/jpeg";
        e = open_image(person_id, store_text(st, 1), data, len);
    }
    store_done(st);
    if (!e && !row) e = no_photo();
    if (!e) {
        json_t *detail = documents_person_detail(person_id);
        e = audit_record_read(s, a, "person_photo", person_id, detail);
        json_decref(detail);
    }
    if (e) {
        mem_free(*data);
        *data = NULL;
        *len = 0;
    }
    return e;
}

herr *documents_photo_remove(store *s, const actor *a, const char *person_id) {
    store_stmt *st = NULL;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, delete_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", person_id);
    if ((e = store_run_done(&st))) goto cleanup;
    if (store_changes(s) == 0) {
        e = no_photo();
        goto cleanup;
    }
    json_t *detail = documents_person_detail(person_id);
    e = audit_record(s, a, "delete", "person_photo", person_id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
cleanup:
    store_done(st);
    if (e) store_rollback(s);
    return e;
}
