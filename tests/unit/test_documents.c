/* Identity at the desk: documents (validated, normalised, audited, need to know, found
 * by number, evidence that makes two records candidates), photos (type by bytes,
 * metadata removed, sealed at rest, audited reads) and registration cards (PDF, lookup of
 * a scanned number). */
#include <cairo.h>
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>
#include <qrencode.h>
#include <zlib.h>

#include "centres_fixture.h"
#include "documents/documents.h"
#include "sessions/sessions.h"

/* The centres' world without accounts (no password hashing: the tests stay fast): three
 * sites, the actors these tests use, six people checked in two per site. */
static int setup(void **state) {
    fixture *f = mem_alloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->s = test_db_open();
    protection_key_use(centres_test_key);
    actor_system(&f->sys, "test");
    static const char *const names[] = {"TRC Lipa", "TRC Blažuj", "TRC Borići"};
    static const char *const codes[] = {"LIP", "BLA", "BOR"};
    test_sites_create(f->s, &f->sys, 3, names, codes, 1500, f->site);
    static const int ab[] = {0, 1}, c[] = {2};
    role_actor(f, &f->admin, "root", "admin", 0, NULL, false);
    role_actor(f, &f->registrar, "desk.a", "registrar", 2, ab, false);
    role_actor(f, &f->registrar_c, "desk.c", "registrar", 1, c, false);
    role_actor(f, &f->viewer, "viewer", "viewer", 2, ab, false);
    static const char *const given[] = {"Ahmad", "Maryam", "Karim", "Omid", "Yusuf", "Sara"};
    static const char *const sexes[] = {"M", "F", "M", "M", "M", "F"};
    static const char *const births[] = {"1990-04-02", "2016-03-10", "1985-01-01",
                                         NULL,         "2008-06-30", "1999-12-31"};
    for (int i = 0; i < N_PEOPLE; i++)
        make_person(f, i / 2, given[i], sexes[i], births[i], f->person[i]);
    *state = f;
    return 0;
}

static json_t *doc(const char *type, const char *number, const char *country) {
    json_t *d = json_pack("{s:s,s:s}", "type", type, "number", number);
    if (country) json_object_set_new(d, "country", json_string(country));
    return d;
}

static size_t n_documents(fixture *f, const char *person) {
    json_t *out = NULL;
    assert_ok(documents_list(f->s, &f->admin, person, &out));
    size_t n = json_array_size(json_object_get(out, "items"));
    json_decref(out);
    return n;
}

static void add_ok(fixture *f, const actor *a, const char *person, json_t *in) {
    json_t *out = NULL;
    assert_ok(documents_add(f->s, a, person, in, &out));
    json_decref(out);
    json_decref(in);
}

static void test_number_is_normalised_and_control_characters_are_refused(void **state) {
    (void)state;
    char out[DOCUMENTS_NUMBER_MAX + 1];
    assert_ok(documents_number_normalize("number", " ab 12-34/5.6 ", out));
    assert_string_equal(out, "AB123456");
    assert_err(documents_number_normalize("number",
                                          "AB\x01"
                                          "123",
                                          out),
               ERR_INVALID, "number");
    assert_err(documents_number_normalize("number", "AB\t123", out), ERR_INVALID, "number");
    assert_err(documents_number_normalize("number", "ŽB123", out), ERR_INVALID, "number");
    assert_err(documents_number_normalize("number", "A-1", out), ERR_INVALID, "number");
    assert_err(documents_number_normalize("number", "1234567890123456789012345678901", out),
               ERR_INVALID, "number");
    assert_err(documents_number_normalize("number", NULL, out), ERR_INVALID, "number");
}

static void test_document_is_recorded_normalised_and_audited(void **state) {
    fixture *f = *state;
    json_t *in = doc("passport", "p 0123-456", "AF"), *out = NULL;
    json_object_set_new(in, "expiry", json_string("2020-01-31"));
    assert_ok(documents_add(f->s, &f->registrar, f->person[0], in, &out));
    assert_string_equal(json_str(out, "number"), "P0123456");
    assert_string_equal(json_str(out, "number_display"), "p 0123-456");
    assert_string_equal(json_str(out, "seen_by"), "desk.a");
    assert_true(json_is_true(json_object_get(out, "expired")));
    assert_int_equal(audit_count(f, "person_document", json_str(out, "id"), "create"), 1);
    json_decref(out);
    /* The same document twice is a conflict; nothing is added. */
    assert_err(documents_add(f->s, &f->registrar, f->person[0], in, &out), ERR_CONFLICT, "number");
    json_decref(in);
    assert_int_equal(n_documents(f, f->person[0]), 1);
    assert_int_equal(audit_count(f, "person_documents", f->person[0], "read"), 1);
}

static void test_bad_document_names_the_field_and_changes_nothing(void **state) {
    fixture *f = *state;
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"type\":\"passport\",\"number\":\"AB\\u0007123\"}", "number"},
        {"{\"type\":\"passport\",\"number\":\"AB\\n123\"}", "number"},
        {"{\"type\":\"visa\",\"number\":\"AB123\"}", "type"},
        {"{\"type\":\"passport\"}", "number"},
        {"{\"type\":\"passport\",\"number\":\"AB123\",\"country\":\"ZZ\"}", "country"},
        {"{\"type\":\"passport\",\"number\":\"AB123\",\"expiry\":\"2024-02-30\"}", "expiry"},
        {"{\"type\":\"passport\",\"number\":\"AB123\",\"seen_at\":\"2999-01-01T00:00:00Z\"}",
         "seen_at"},
        {"{\"type\":\"passport\",\"number\":\"AB123\",\"colour\":\"red\"}", "colour"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = json_loads(bad[i].json, 0, NULL), *out = NULL;
        assert_non_null(in);
        assert_err(documents_add(f->s, &f->registrar, f->person[0], in, &out), ERR_INVALID,
                   bad[i].field);
        json_decref(in);
    }
    assert_int_equal(n_documents(f, f->person[0]), 0);
    assert_int_equal(audit_count(f, "person_document", NULL, "create"), 0);
}

static void test_documents_are_need_to_know_by_site(void **state) {
    fixture *f = *state;
    add_ok(f, &f->registrar, f->person[0], doc("national_id", "1234567", "BA"));
    json_t *out = NULL, *in = doc("passport", "X999999", NULL);
    /* desk.c works at site 2 only: person 0 does not exist for them. */
    assert_err(documents_list(f->s, &f->registrar_c, f->person[0], &out), ERR_NOT_FOUND, NULL);
    assert_err(documents_add(f->s, &f->registrar_c, f->person[0], in, &out), ERR_NOT_FOUND, NULL);
    json_decref(in);
    assert_ok(documents_search(f->s, &f->registrar_c, "1234567", &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_ok(documents_search(f->s, &f->registrar, "1234-567", &out));
    json_t *hit = json_array_get(json_object_get(out, "items"), 0);
    assert_non_null(hit);
    assert_string_equal(json_str(json_object_get(hit, "person"), "id"), f->person[0]);
    json_decref(out);
    /* Removal by someone of another site is refused; by the desk, audited. */
    assert_ok(documents_list(f->s, &f->registrar, f->person[0], &out));
    const char *id = json_str(json_array_get(json_object_get(out, "items"), 0), "id");
    assert_err(documents_remove(f->s, &f->registrar_c, f->person[0], id), ERR_NOT_FOUND, NULL);
    assert_err(documents_remove(f->s, &f->registrar, f->person[1], id), ERR_NOT_FOUND, "document");
    assert_ok(documents_remove(f->s, &f->registrar, f->person[0], id));
    assert_int_equal(audit_count(f, "person_document", id, "delete"), 1);
    json_decref(out);
    assert_int_equal(n_documents(f, f->person[0]), 0);
}

static bool lists(const json_t *page, const char *id, bool with_reason) {
    size_t i, k;
    json_t *c, *code;
    json_array_foreach(json_object_get(page, "items"), i, c) {
        if (!json_str(c, "id") || strcmp(json_str(c, "id"), id)) continue;
        if (!with_reason) return true;
        json_array_foreach(json_object_get(c, "reason_codes"), k, code) {
            if (!strcmp(json_string_value(code), "document_equal")) return true;
        }
    }
    return false;
}

static void test_same_passport_number_makes_records_candidates(void **state) {
    fixture *f = *state;
    json_t *page = NULL, *me = NULL;
    /* Ahmad (person 0) and Karim (person 2): other names, other birth data. */
    assert_ok(registry_person_get(f->s, &f->admin, f->person[0], &me));
    assert_ok(registry_desk_candidates(f->s, &f->admin, me, f->person[0], 0, &page));
    assert_false(lists(page, f->person[2], false));
    json_decref(page);
    add_ok(f, &f->admin, f->person[0], doc("passport", "P-7788991", "AF"));
    add_ok(f, &f->admin, f->person[2], doc("passport", "p7788991", "AF"));
    assert_ok(registry_desk_candidates(f->s, &f->admin, me, f->person[0], 0, &page));
    assert_true(lists(page, f->person[2], true));
    json_decref(page);
    /* A desk entry with the passport typed finds both holders before anything is saved. */
    json_t *entry = json_pack("{s:s,s:s,s:[o]}", "given_name", "Jamal", "family_name", "Nuri",
                              "documents", doc("passport", "P 7788 991", "AF"));
    assert_ok(registry_desk_candidates(f->s, &f->admin, entry, NULL, 0, &page));
    assert_true(lists(page, f->person[0], true));
    assert_true(lists(page, f->person[2], true));
    json_decref(page);
    json_decref(entry);
    /* Another country's passport with the same number is not the same document. */
    entry = json_pack("{s:[o]}", "documents", doc("passport", "P7788991", "IR"));
    assert_ok(registry_desk_candidates(f->s, &f->admin, entry, NULL, 0, &page));
    assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
    json_decref(page);
    json_decref(entry);
    /* A typed number with a control character is refused, naming it. */
    entry = json_pack("{s:s,s:[o]}", "given_name", "Jamal", "documents",
                      doc("passport", "P77\x01", "AF"));
    assert_err(registry_desk_candidates(f->s, &f->admin, entry, NULL, 0, &page), ERR_INVALID,
               "documents[0].number");
    json_decref(entry);
    json_decref(me);
}

/* ---- images ---------------------------------------------------------------------- */

typedef struct {
    unsigned char *data;
    size_t len;
} bytes;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int n) {
    bytes *b = closure;
    b->data = realloc(b->data, b->len + n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* A real 16x16 PNG drawn by cairo, with a tEXt chunk put in after IHDR. */
static bytes png_with_text(void) {
    bytes b = {0};
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 16);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.2, 0.5, 0.8);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_write_to_png_stream(s, png_write, &b);
    cairo_surface_destroy(s);
    static const char text[] = "tEXtLocation\0Lipa camp, GPS 44.8,16.0";
    unsigned char chunk[12 + sizeof text - 5];
    size_t dlen = sizeof text - 1 - 4;
    chunk[0] = 0, chunk[1] = 0, chunk[2] = 0, chunk[3] = (unsigned char)dlen;
    memcpy(chunk + 4, text, 4 + dlen);
    uLong crc = crc32(0L, (const Bytef *)text, (uInt)(4 + dlen));
    for (int i = 0; i < 4; i++) chunk[8 + dlen + i] = (unsigned char)(crc >> (24 - 8 * i));
    size_t at = 8 + 25; /* after the signature and IHDR */
    unsigned char *out = malloc(b.len + 12 + dlen);
    memcpy(out, b.data, at);
    memcpy(out + at, chunk, 12 + dlen);
    memcpy(out + at + 12 + dlen, b.data + at, b.len - at);
    free(b.data);
    b.data = out;
    b.len += 12 + dlen;
    return b;
}

static bool contains(const unsigned char *hay, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k)) return true;
    return false;
}

/* A JPEG's segments (the cleaner follows structure; it does not decode). */
static const unsigned char jpeg_exif[] = {
    0xFF, 0xD8,                                                                /* SOI */
    0xFF, 0xE0, 0x00, 0x07, 'J',  'F',  'I',  'F', 0x00,                       /* APP0 */
    0xFF, 0xE1, 0x00, 0x0C, 'E',  'x',  'i',  'f', 0,    0, 'G', 'P',  'S', 0, /* APP1 */
    0xFF, 0xFE, 0x00, 0x05, 'h',  'i',  '!',                                   /* COM */
    0xFF, 0xC0, 0x00, 0x0B, 8,    0,    1,    0,   1,    1, 1,   0x11, 0,      /* SOF0 */
    0xFF, 0xDA, 0x00, 0x08, 1,    1,    0,    0,   0x3F, 0,                    /* SOS */
    0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56,                                  /* data, RST0 */
    0xFF, 0xD9,                                                                /* EOI */
};

static void test_image_metadata_is_removed_and_types_are_checked(void **state) {
    (void)state;
    unsigned char *out = NULL;
    size_t n = 0;
    documents_image_type type;
    assert_ok(documents_image_clean(jpeg_exif, sizeof jpeg_exif, &type, &out, &n));
    assert_int_equal(type, DOCUMENTS_IMAGE_JPEG);
    assert_false(contains(out, n, "Exif"));
    assert_false(contains(out, n, "hi!"));
    assert_true(contains(out, n, "JFIF"));
    assert_int_equal(n, sizeof jpeg_exif - 14 - 7);
    assert_memory_equal(out + n - 2, "\xFF\xD9", 2);
    mem_free(out);
    /* Cut short anywhere: damaged, never read past the end. */
    for (size_t cut = 3; cut < sizeof jpeg_exif; cut++)
        assert_err(documents_image_clean(jpeg_exif, cut, &type, &out, &n), ERR_INVALID, "photo");

    bytes png = png_with_text();
    assert_true(contains(png.data, png.len, "Lipa camp"));
    assert_ok(documents_image_clean(png.data, png.len, &type, &out, &n));
    assert_int_equal(type, DOCUMENTS_IMAGE_PNG);
    assert_false(contains(out, n, "Lipa camp"));
    /* What is left is still a PNG cairo reads. */
    assert_int_equal(n, png.len - (12 + 33));
    mem_free(out);
    png.data[40] ^= 1; /* a flipped bit: the chunk's checksum no longer agrees */
    assert_err(documents_image_clean(png.data, png.len, &type, &out, &n), ERR_INVALID, "photo");
    free(png.data);

    static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
    assert_err(documents_image_clean(gif, sizeof gif, &type, &out, &n), ERR_UNSUPPORTED, "photo");
    unsigned char *big = calloc(1, DOCUMENTS_PHOTO_MAX + 1);
    memcpy(big, jpeg_exif, sizeof jpeg_exif);
    assert_err(documents_image_clean(big, DOCUMENTS_PHOTO_MAX + 1, &type, &out, &n), ERR_TOO_LARGE,
               "photo");
    free(big);
}

static const char photo_sql[] = "SELECT image FROM person_photos WHERE id = :id";

static void test_photo_is_sealed_at_rest_and_read_only_by_who_may_see_the_person(void **state) {
    fixture *f = *state;
    bytes png = png_with_text();
    json_t *out = NULL;
    assert_err(documents_photo_info(f->s, &f->registrar, f->person[0], &out), ERR_NOT_FOUND,
               "photo");
    assert_ok(documents_photo_put(f->s, &f->registrar, f->person[0], png.data, png.len, &out));
    assert_string_equal(json_str(out, "content_type"), "image/png");
    assert_int_equal(json_integer_value(json_object_get(out, "bytes")), png.len - 45);
    json_decref(out);
    assert_int_equal(audit_count(f, "person_photo", f->person[0], "update"), 1);
    /* At rest: neither the PNG nor its base64 ("iVBOR") is in the column. */
    store_stmt *st = NULL;
    bool row = false;
    assert_ok(store_prepare(f->s, photo_sql, &st));
    store_bind_text(st, ":id", f->person[0]);
    assert_ok(store_step(st, &row));
    assert_true(row);
    const char *sealed = store_text(st, 0);
    assert_null(strstr(sealed, "iVBOR"));
    assert_null(strstr(sealed, "PNG"));
    store_done(st);

    unsigned char *img = NULL;
    size_t n = 0;
    const char *mime = NULL;
    assert_ok(documents_photo_get(f->s, &f->viewer, f->person[0], &img, &n, &mime));
    assert_string_equal(mime, "image/png");
    assert_int_equal(n, png.len - 45);
    assert_memory_equal(img, png.data, 8);
    assert_false(contains(img, n, "Lipa camp"));
    mem_free(img);
    assert_int_equal(audit_count(f, "person_photo", f->person[0], "read"), 1);
    assert_err(documents_photo_get(f->s, &f->registrar_c, f->person[0], &img, &n, &mime),
               ERR_NOT_FOUND, NULL);
    /* A GIF replaces nothing. */
    static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
    assert_err(documents_photo_put(f->s, &f->registrar, f->person[0], gif, sizeof gif, &out),
               ERR_UNSUPPORTED, "photo");
    assert_ok(documents_photo_info(f->s, &f->registrar, f->person[0], &out));
    assert_string_equal(json_str(out, "content_type"), "image/png");
    json_decref(out);
    /* Without the key nothing is stored or shown. */
    protection_key_forget();
    assert_err(documents_photo_put(f->s, &f->registrar, f->person[1], png.data, png.len, &out),
               ERR_CONFLICT, NULL);
    assert_err(documents_photo_get(f->s, &f->registrar, f->person[0], &img, &n, &mime),
               ERR_CONFLICT, NULL);
    protection_key_use(centres_test_key);
    assert_ok(documents_photo_remove(f->s, &f->registrar, f->person[0]));
    assert_err(documents_photo_remove(f->s, &f->registrar, f->person[0]), ERR_NOT_FOUND, "photo");
    free(png.data);
}

typedef struct {
    const unsigned char *data;
    size_t len, at;
} reader;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int n) {
    reader *r = closure;
    if (r->len - r->at < n) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->data + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

/* Reads the QR code off the card's picture (the dark modules right of the text, below
 * the band) and compares it, module by module, with libqrencode's code of text: the
 * card's code holds exactly text, nothing more. */
static bool card_code_is(const char *png, size_t len, const char *text) {
    reader r = {(const unsigned char *)png, len, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &r);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(img), hgt = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *px = cairo_image_surface_get_data(img);
    double mm = DOCUMENTS_CARD_DPI / 25.4;
    int x0 = (int)(44 * mm), y0 = (int)(8 * mm), y1 = (int)(44.5 * mm);
#define DARK(x, y) (px[(y)*stride + (x)*4 + 1] < 100) /* green of xRGB, little endian */
    int minx = w, maxx = -1, miny = hgt, maxy = -1;
    for (int y = y0; y < y1 && y < hgt; y++)
        for (int x = x0; x < w; x++)
            if (DARK(x, y)) {
                if (x < minx) minx = x;
                if (x > maxx) maxx = x;
                if (y < miny) miny = y;
                if (y > maxy) maxy = y;
            }
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    bool same = maxx > minx && q;
    double m = (maxx - minx + 1) / (double)q->width;
    for (int row = 0; same && row < q->width; row++)
        for (int col = 0; same && col < q->width; col++) {
            int x = minx + (int)((col + 0.5) * m), y = miny + (int)((row + 0.5) * m);
            same = (bool)DARK(x, y) == (bool)(q->data[row * q->width + col] & 1);
        }
#undef DARK
    QRcode_free(q);
    cairo_surface_destroy(img);
    return same;
}

static void test_key_rotation_reseals_photos(void **state) {
    fixture *f = *state;
    char path[4200], old_path[4300];
    snprintf(path, sizeof path, "%s.key", store_path(f->s));
    assert_ok(protection_key_setup(f->s, path, true));
    unsigned char before[CRYPTO_KEY_LEN];
    assert_ok(crypto_key_file_read(path, before));
    bytes png = png_with_text();
    json_t *out = NULL;
    assert_ok(documents_photo_put(f->s, &f->registrar, f->person[0], png.data, png.len, &out));
    json_decref(out);
    long count = 0;
    assert_ok(protection_key_rotate(f->s, path, &count));
    assert_true(count >= 1);
    unsigned char *img = NULL;
    size_t n = 0;
    const char *mime = NULL;
    assert_ok(documents_photo_get(f->s, &f->registrar, f->person[0], &img, &n, &mime));
    assert_int_equal(n, png.len - 45);
    mem_free(img);
    /* The old key no longer opens it: it was sealed again under the new one. */
    protection_key_use(before);
    assert_err(documents_photo_get(f->s, &f->registrar, f->person[0], &img, &n, &mime), ERR_IO,
               NULL);
    snprintf(old_path, sizeof old_path, "%s.old", path);
    unlink(old_path);
    unlink(path);
    free(png.data);
}

/* The code of the person's current card, read from the module's own table. */
static void current_code(fixture *f, const char *person_id, char out[64]) {
    store_stmt *st = NULL;
    bool row = false;
    assert_ok(store_prepare(f->s,
                            "SELECT ref FROM registration_cards WHERE person_id = :p"
                            " AND replaced_at IS NULL",
                            &st));
    store_bind_text(st, ":p", person_id);
    assert_ok(store_step(st, &row));
    assert_true(row);
    snprintf(out, 64, "%s", store_text(st, 0));
    store_done(st);
}

static void test_card_is_a_pdf_and_a_scanned_number_finds_the_person(void **state) {
    fixture *f = *state;
    char *pdf = NULL;
    size_t len = 0;
    json_t *p = NULL, *out = NULL;
    assert_ok(documents_card(f->s, &f->registrar, f->person[0], DOCUMENTS_CARD_PDF, &pdf, &len));
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF", 4);
    mem_free(pdf);
    assert_int_equal(audit_count(f, "registration_card", f->person[0], "issue"), 1);
    assert_err(documents_card(f->s, &f->registrar_c, f->person[0], DOCUMENTS_CARD_PDF, &pdf, &len),
               ERR_NOT_FOUND, NULL);
    assert_ok(registry_person_get(f->s, &f->admin, f->person[0], &p));
    char typed[40];
    snprintf(typed, sizeof typed, " %s ", json_str(p, "reg_no"));
    for (char *c = typed; *c; c++) *c = (char)tolower((unsigned char)*c);
    assert_ok(documents_card_lookup(f->s, &f->registrar, typed, &out));
    assert_string_equal(json_str(out, "person_id"), f->person[0]);
    json_decref(out);
    assert_err(documents_card_lookup(f->s, &f->registrar_c, json_str(p, "reg_no"), &out),
               ERR_NOT_FOUND, "reg_no");
    assert_err(documents_card_lookup(f->s, &f->registrar, "Ahmad", &out), ERR_INVALID, "reg_no");
    assert_err(documents_card_lookup(f->s, &f->registrar, "LIP-23-00451", &out), ERR_INVALID,
               "reg_no");
    json_decref(p);
}

static void test_a_card_code_is_opaque_and_a_new_card_replaces_the_old(void **state) {
    fixture *f = *state;
    char *png = NULL, first[64], second[64];
    size_t len = 0;
    json_t *p = NULL, *out = NULL;
    assert_ok(registry_person_get(f->s, &f->admin, f->person[0], &p));
    assert_ok(documents_card(f->s, &f->registrar, f->person[0], DOCUMENTS_CARD_PNG, &png, &len));
    assert_memory_equal(png, "\x89PNG", 4);
    current_code(f, f->person[0], first);
    /* The code on the card is the reference, not the registration number. */
    assert_int_equal(strncmp(first, "HVN1-", 5), 0);
    assert_int_equal(strlen(first), 29);
    assert_true(card_code_is(png, len, first));
    assert_false(card_code_is(png, len, json_str(p, "reg_no")));
    mem_free(png);
    /* Scanned (a keyboard-wedge scanner may add spaces; case does not matter). */
    char scanned[80];
    snprintf(scanned, sizeof scanned, "  %s\n", first);
    for (char *c = scanned; *c; c++) *c = (char)tolower((unsigned char)*c);
    assert_ok(documents_card_lookup(f->s, &f->registrar, scanned, &out));
    assert_string_equal(json_str(out, "person_id"), f->person[0]);
    assert_true(json_is_true(json_object_get(out, "card")));
    json_decref(out);
    /* Another site's registrar: the code opens nobody. */
    assert_err(documents_card_lookup(f->s, &f->registrar_c, first, &out), ERR_NOT_FOUND, "reg_no");
    /* A lost card: the new one works, the old code says it was replaced. */
    assert_ok(documents_card(f->s, &f->registrar, f->person[0], DOCUMENTS_CARD_PDF, &png, &len));
    mem_free(png);
    current_code(f, f->person[0], second);
    assert_string_not_equal(first, second);
    herr *e = documents_card_lookup(f->s, &f->registrar, first, &out);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_string_equal(e->key, "card_replaced");
    err_free(e);
    assert_ok(documents_card_lookup(f->s, &f->registrar, second, &out));
    assert_string_equal(json_str(out, "person_id"), f->person[0]);
    json_decref(out);
    /* A made-up code of the right shape, and one a character too long. */
    assert_err(documents_card_lookup(f->s, &f->registrar, "HVN1-AAAAAAAAAAAAAAAAAAAAAAAA", &out),
               ERR_NOT_FOUND, "reg_no");
    char longer[80];
    snprintf(longer, sizeof longer, "%sA", second);
    assert_err(documents_card_lookup(f->s, &f->registrar, longer, &out), ERR_INVALID, "reg_no");
    assert_int_equal(audit_count(f, "registration_card", f->person[0], "issue"), 2);
    json_decref(p);
}

int main(void) {
    (void)fixture_setup; /* the shared world with accounts: not needed here */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_is_normalised_and_control_characters_are_refused),
        cmocka_unit_test_setup_teardown(test_document_is_recorded_normalised_and_audited, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_document_names_the_field_and_changes_nothing,
                                        setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_documents_are_need_to_know_by_site, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_same_passport_number_makes_records_candidates, setup,
                                        fixture_teardown),
        cmocka_unit_test(test_image_metadata_is_removed_and_types_are_checked),
        cmocka_unit_test_setup_teardown(
            test_photo_is_sealed_at_rest_and_read_only_by_who_may_see_the_person, setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(test_key_rotation_reseals_photos, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_card_code_is_opaque_and_a_new_card_replaces_the_old,
                                        setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_card_is_a_pdf_and_a_scanned_number_finds_the_person,
                                        setup, fixture_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    registry_shutdown();
    sessions_shutdown(); /* Pango's and fontconfig's caches */
    return failed;
}
