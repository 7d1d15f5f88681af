/* Registration cards: an ID-1 sized PDF page with the registration number, the names
 * and a QR code (libqrencode) holding a random reference of this card alone, and the
 * desk's lookup of a scanned code or a typed number. Each print is a new card: the
 * earlier cards' codes are marked replaced, so a lost card's code opens nobody. Pango
 * shapes the names in any script; Cairo draws the code's modules as rectangles, so the
 * PDF stays sharp at any printer's resolution. */
#include <cairo-pdf.h>
#include <ctype.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/json.h"
#include "core/mem.h"
#include "documents/documents.h"
#include "documents/documents_internal.h"
#include "registry/registry.h"

#define MM       (72.0 / 25.4)
#define CARD_W   (85.6 * MM)
#define CARD_H   (53.98 * MM)
#define PAD      (4.0 * MM)
#define QR_SIZE  (34.0 * MM)
#define QR_QUIET 4 /* modules of white around the code (ISO/IEC 18004) */
#define FAMILIES "Noto Sans, DejaVu Sans, Noto Naskh Arabic"

/* "HVN1-" and 24 characters of base32 (120 random bits): upper case letters, digits
 * and "-" only, so that the code is small (QR alphanumeric mode) and a scanner acting
 * as a keyboard types it the same on any layout. */
#define CODE_PREFIX  "HVN1-"
#define CODE_REF_LEN 24
#define CODE_LEN     (sizeof CODE_PREFIX - 1 + CODE_REF_LEN)

/* cairo's stream writer: the bytes go to a mem_buf. */
static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length) {
    mem_buf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Text in font, at most width wide (ellipsised), drawn at x, y; returns its height. */
static double text_at(cairo_t *cr, const char *text, const char *font, double x, double y,
                      double width, bool wrap) {
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    if (wrap)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    else
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    g_object_unref(layout);
    return h;
}

static void draw_qr(cairo_t *cr, const QRcode *q, double x, double y, double size) {
    int n = q->width + 2 * QR_QUIET;
    double m = size / n;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++)
            if (q->data[r * q->width + c] & 1)
                cairo_rectangle(cr, x + (c + QR_QUIET) * m, y + (r + QR_QUIET) * m, m, m);
    cairo_fill(cr);
}

static void new_code(char out[CODE_LEN + 1]) {
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char raw[CODE_REF_LEN * 5 / 8];
    crypto_random(raw, sizeof raw);
    memcpy(out, CODE_PREFIX, sizeof CODE_PREFIX - 1);
    char *o = out + sizeof CODE_PREFIX - 1;
    for (size_t bit = 0; bit < sizeof raw * 8; bit += 5) {
        unsigned v = 0;
        for (size_t k = 0; k < 5; k++)
            v = (v << 1) | ((raw[(bit + k) / 8] >> (7 - (bit + k) % 8)) & 1u);
        *o++ = b32[v];
    }
    *o = '\0';
}

static void draw_card(cairo_t *cr, const json_t *p, const QRcode *q) {
    double text_w = CARD_W - 3 * PAD - QR_SIZE;
    char names[400];
    const char *given = json_str(p, "given_name"), *family = json_str(p, "family_name");
    snprintf(names, sizeof names, "%s %s", given ? given : "", family ? family : "");
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.12, 0.23, 0.37);
    cairo_rectangle(cr, 0, 0, CARD_W, 7 * MM);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    text_at(cr, "Haven · Registration card / Registracijska karta", FAMILIES " Bold 6.5", PAD,
            1.8 * MM, CARD_W - 2 * PAD, false);
    cairo_set_source_rgb(cr, 0, 0, 0);
    double y = 10 * MM;
    y += text_at(cr, "Registration no. / Reg. broj", FAMILIES " 6", PAD, y, text_w, false);
    /* The number is never cut: it is what the desk types when the code will not scan. */
    y += text_at(cr, json_str(p, "reg_no"), "DejaVu Sans Mono Bold 9", PAD, y, text_w, true);
    y += 2 * MM;
    y += text_at(cr, "Name / Ime", FAMILIES " 6", PAD, y, text_w, false);
    y += text_at(cr, names, FAMILIES " Bold 9", PAD, y, text_w, true);
    const char *native = json_str(p, "native_name");
    if (native && native[0]) text_at(cr, native, FAMILIES " 8", PAD, y + 1 * MM, text_w, false);
    draw_qr(cr, q, CARD_W - PAD - QR_SIZE, 10 * MM, QR_SIZE);
    text_at(cr, "Bring this card when you come back.\nDonesite ovu karticu kad se vratite.",
            FAMILIES " 5", PAD, CARD_H - 9.5 * MM, CARD_W - 2 * PAD, true);
}

/* Draws the card of p onto a new surface of the format: PDF at its size in points, PNG
 * at CARD_DPI. The bytes go to *out (mem_free), *len. */
static herr *render(const json_t *p, const char *code, documents_card_format format, char **out,
                    size_t *len) {
    mem_buf b = {0};
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    herr *e = NULL;
    /* The code holds the card's reference and nothing else. */
    QRcode *q = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return err_new(ERR_INTERNAL, NULL, "the QR code could not be made");
    double k = DOCUMENTS_CARD_DPI / 72.0;
    if (format == DOCUMENTS_CARD_PNG) {
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(CARD_W * k + 0.5),
                                             (int)(CARD_H * k + 0.5));
    } else {
        surface = cairo_pdf_surface_create_for_stream(on_write, &b, CARD_W, CARD_H);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                       "Haven registration card");
    }
    cr = cairo_create(surface);
    if (format == DOCUMENTS_CARD_PNG) cairo_scale(cr, k, k);
    draw_card(cr, p, q);
    cairo_destroy(cr);
    if (format == DOCUMENTS_CARD_PNG) cairo_surface_write_to_png_stream(surface, on_write, &b);
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS || !b.data) {
        e = err_new(ERR_INTERNAL, NULL, "the card could not be written: %s",
                    cairo_status_to_string(cairo_surface_status(surface)));
        mem_free(b.data);
    } else {
        *out = b.data;
        *len = b.len;
    }
    cairo_surface_destroy(surface);
    QRcode_free(q);
    return e;
}

static const char replace_sql[] = "UPDATE registration_cards SET replaced_at = :now"
                                  " WHERE person_id = :person AND replaced_at IS NULL";
static const char issue_sql[] =
    "INSERT INTO registration_cards (ref, person_id, issued_at, issued_by_id, issued_by_name)"
    " VALUES (:ref, :person, :now, :by_id, :by_name)";

herr *documents_card(store *s, const actor *a, const char *person_id, documents_card_format format,
                     char **out, size_t *len) {
    json_t *p = NULL;
    store_stmt *st = NULL;
    bool began = false;
    char code[CODE_LEN + 1], now[CLOCK_ISO_LEN];
    *out = NULL;
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) goto cleanup;
    new_code(code);
    if ((e = render(p, code, format, out, len))) goto cleanup;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = store_prepare(s, replace_sql, &st))) goto cleanup;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":person", person_id);
    if ((e = store_run_done(&st))) goto cleanup;
    int replaced = store_changes(s);
    if ((e = store_prepare(s, issue_sql, &st))) goto cleanup;
    store_bind_text(st, ":ref", code);
    store_bind_text(st, ":person", person_id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : NULL);
    store_bind_text(st, ":by_name", a->username);
    if ((e = store_run_done(&st))) goto cleanup;
    /* The reference is not in the audit entry: the log is no way to a working code. */
    json_t *detail = json_pack("{s:s,s:s,s:i}", "reg_no", json_str(p, "reg_no"), "format",
                               format == DOCUMENTS_CARD_PNG ? "png" : "pdf", "replaced", replaced);
    e = audit_record(s, a, "issue", "registration_card", person_id, detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
    if (!e) began = false;
cleanup:
    store_done(st);
    if (began) store_rollback(s);
    if (e) {
        mem_free(*out);
        *out = NULL;
    }
    json_decref(p);
    return e;
}

/* "lip-23-004512 " -> "LIP-23-004512": true when text is CODE-YY-NNNNNN (3..6 letters). */
static bool reg_no_of(const char *text, char out[32]) {
    size_t n = 0, letters = 0, i = 0;
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p)) continue;
        if (n == 31) return false;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
    while (i < n && isalpha((unsigned char)out[i]) && out[i] < 0x7f) i++, letters++;
    if (letters < 3 || letters > 6 || n != letters + 10 || out[i] != '-' || out[i + 3] != '-')
        return false;
    for (size_t k = i + 1; k < n; k++)
        if (k != i + 3 && !isdigit((unsigned char)out[k])) return false;
    return true;
}

static const char code_sql[] =
    "SELECT person_id, replaced_at FROM registration_cards WHERE ref = :ref";

/* The person of a scanned card code: the person's own answer when the card is the
 * current one; "replaced" (with the day) when a newer card was printed; not found
 * when the code is nobody's or the person is not the actor's to see. */
static herr *lookup_code(store *s, const actor *a, const char *code, json_t **out) {
    store_stmt *st = NULL;
    json_t *p = NULL;
    char person[ID_LEN] = "", replaced[CLOCK_ISO_LEN] = "";
    bool row;
    herr *e = store_prepare(s, code_sql, &st);
    if (e) return e;
    store_bind_text(st, ":ref", code);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(person, sizeof person, "%s", store_text(st, 0));
        if (!store_is_null(st, 1)) snprintf(replaced, sizeof replaced, "%s", store_text(st, 1));
    }
    store_done(st);
    if (e) return e;
    if (person[0]) {
        herr *hidden = registry_person_get(s, a, person, &p);
        if (hidden && hidden->code != ERR_NOT_FOUND) return hidden;
        err_free(hidden);
    }
    if (!p)
        return err_with(
            err_new(ERR_NOT_FOUND, "reg_no", "this card's code opens nobody you may see"),
            "card_code_unknown", (const char *)NULL);
    if (replaced[0]) {
        char day[11];
        snprintf(day, sizeof day, "%.10s", replaced);
        json_decref(p);
        return err_with(err_new(ERR_CONFLICT, "reg_no",
                                "this card was replaced by a newer one on %s: use the new card, "
                                "or type the registration number printed on it",
                                day),
                        "card_replaced", "date", day, (const char *)NULL);
    }
    *out = json_pack("{s:s,s:s,s:b}", "person_id", json_str(p, "id"), "reg_no",
                     json_str(p, "reg_no"), "card", 1);
    json_decref(p);
    return NULL;
}

herr *documents_card_lookup(store *s, const actor *a, const char *text, json_t **out) {
    char reg_no[32];
    json_t *page = NULL, *item;
    size_t i;
    if (!text || !text[0]) return err_required("reg_no");
    /* A scanned code: exactly what the card holds, spaces around it and case ignored. */
    char code[CODE_LEN + 1];
    size_t n = 0;
    for (const char *c = text; *c; c++) {
        if (isspace((unsigned char)*c)) continue;
        if (n == CODE_LEN) {
            n++; /* longer than a code */
            break;
        }
        code[n++] = (char)toupper((unsigned char)*c);
    }
    if (n == CODE_LEN) {
        code[CODE_LEN] = '\0';
        if (!strncmp(code, CODE_PREFIX, sizeof CODE_PREFIX - 1))
            return lookup_code(s, a, code, out);
    }
    if (!reg_no_of(text, reg_no))
        return err_with(err_invalid("reg_no", "this is not a registration number (LIP-23-004512)"),
                        "card_not_reg_no", (const char *)NULL);
    registry_person_query q = {.q = reg_no, .limit = 10};
    herr *e = registry_person_search(s, a, &q, &page);
    if (e) return e;
    *out = NULL;
    json_array_foreach(json_object_get(page, "items"), i, item) {
        const char *r = json_str(item, "reg_no");
        if (r && !strcmp(r, reg_no)) {
            *out = json_pack("{s:s,s:s,s:b}", "person_id", json_str(item, "id"), "reg_no", r,
                             "card", 0);
            break;
        }
    }
    json_decref(page);
    if (!*out)
        return err_with(
            err_new(ERR_NOT_FOUND, "reg_no", "nobody you may see has number %s", reg_no),
            "card_unknown", "reg_no", reg_no, (const char *)NULL);
    return NULL;
}
