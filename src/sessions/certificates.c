/* Certificates of attendance as PDF, laid out with Pango on a Cairo PDF surface, so that
 * a name in Cyrillic, Arabic or Latin with diacritics prints as written. Certificate
 * numbers are assigned on first issue and kept, so a reprint carries the same number. */
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

#define PAGE_W 841.89 /* A4 landscape, points */
#define PAGE_H 595.28

/* cairo's stream writer: the bytes go to a mem_buf. */
static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length) {
    mem_buf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws text centred at y in the font, wrapping at the page's width less margins. */
static double centred(cairo_t *cr, const char *text, const char *font, double y) {
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_layout_set_width(layout, (int)((PAGE_W - 160) * PANGO_SCALE));
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, text, -1);
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_move_to(cr, 80, y);
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(desc);
    g_object_unref(layout);
    return y + h;
}

static void page(cairo_t *cr, const json_t *t, const json_t *p) {
    cairo_set_source_rgb(cr, 0.10, 0.33, 0.55);
    cairo_set_line_width(cr, 6);
    cairo_rectangle(cr, 24, 24, PAGE_W - 48, PAGE_H - 48);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, 36, 36, PAGE_W - 72, PAGE_H - 72);
    cairo_stroke(cr);
    double y = 80;
    y = centred(cr, "CERTIFICATE OF ATTENDANCE", "Noto Sans Bold 30", y) + 6;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    y = centred(cr, "Certifikat o učešću · Сертификат о учешћу", "Noto Sans 13", y) + 40;
    cairo_set_source_rgb(cr, 0, 0, 0);
    y = centred(cr, json_str(p, "name"), "Noto Sans Bold 28", y) + 6;
    char line[600];
    snprintf(line, sizeof line, "%s%s%s", json_str(p, "position") ? json_str(p, "position") : "",
             json_str(p, "position") ? ", " : "", json_str(p, "organisation"));
    y = centred(cr, line, "Noto Sans 15", y) + 26;
    const char *says = json_str(t, "certificate_text");
    y = centred(cr, says && says[0] ? says : "has successfully completed", "Noto Sans Italic 14",
                y) +
        10;
    y = centred(cr, json_str(t, "title"), "Noto Sans Bold 20", y) + 10;
    if (strcmp(json_str(t, "starts_on"), json_str(t, "ends_on")))
        snprintf(line, sizeof line, "%s – %s%s%s", json_str(t, "starts_on"), json_str(t, "ends_on"),
                 json_str(t, "venue") ? " · " : "",
                 json_str(t, "venue") ? json_str(t, "venue") : "");
    else
        snprintf(line, sizeof line, "%s%s%s", json_str(t, "starts_on"),
                 json_str(t, "venue") ? " · " : "",
                 json_str(t, "venue") ? json_str(t, "venue") : "");
    y = centred(cr, line, "Noto Sans 13", y) + 8;
    if (json_str(t, "organiser")) centred(cr, json_str(t, "organiser"), "Noto Sans 12", y);
    snprintf(line, sizeof line, "No. %s", json_str(p, "certificate_no"));
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    centred(cr, line, "Noto Sans Mono 10", PAGE_H - 80);
    cairo_show_page(cr);
}

static const char number_sql[] =
    "UPDATE training_participants SET certificate_no = :no WHERE id = :id AND certificate_no IS NULL";

/* Gives every attending participant without a number one: CERT-<year>-<short id>. */
static herr *assign_numbers(store *s, const json_t *t, json_t *people) {
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        if (json_str(p, "certificate_no")) continue;
        char no[40];
        snprintf(no, sizeof no, "CERT-%.4s-%.8s%.4s", json_str(t, "starts_on"),
                 json_str(p, "id") + 28, json_str(p, "id") + 9);
        store_stmt *st = NULL;
        herr *e = store_prepare(s, number_sql, &st);
        if (e) return e;
        store_bind_text(st, ":no", no);
        store_bind_text(st, ":id", json_str(p, "id"));
        if ((e = store_run_done(&st))) return e;
        json_set_str(p, "certificate_no", no);
    }
    return NULL;
}

herr *sessions_certificates_pdf(store *s, const actor *a, const char *training_id,
                                const char *participant_id, char **pdf, size_t *len) {
    json_t *t = NULL, *people = json_array();
    mem_buf b = {0};
    herr *e = sessions_training_get(s, a, training_id, &t);
    if (e) goto cleanup;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(t, "participants"), i, p) {
        if (participant_id && strcmp(json_str(p, "id"), participant_id)) continue;
        if (!json_is_true(json_object_get(p, "attended"))) continue;
        json_array_append(people, p);
    }
    if (!json_array_size(people)) {
        e = participant_id ? err_new(ERR_NOT_FOUND, "participant_id",
                                     "no participant %s who attended this training", participant_id)
                           : err_new(ERR_CONFLICT, NULL, "nobody is marked as attending yet");
        goto cleanup;
    }
    if ((e = store_begin(s))) goto cleanup;
    if ((e = assign_numbers(s, t, people))) {
        store_rollback(s);
        goto cleanup;
    }
    json_t *detail = json_pack("{s:I}", "certificates", (json_int_t)json_array_size(people));
    e = audit_record(s, a, "certificates", "training", training_id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) {
        if (e) store_rollback(s);
        goto cleanup;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(on_write, &b, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, json_str(t, "title"));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Haven");
    cairo_t *cr = cairo_create(surface);
    json_array_foreach(people, i, p) page(cr, t, p);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        e = err_new(ERR_INTERNAL, NULL, "the PDF could not be made: %s",
                    cairo_status_to_string(status));
        goto cleanup;
    }
    *pdf = b.data;
    *len = b.len;
    b.data = NULL;
cleanup:
    mem_free(b.data);
    json_decref(t);
    json_decref(people);
    return e;
}

static const char figures_sql[] =
    "SELECT substr(t.starts_on, 1, 7), t.id, p.sex, p.organisation FROM trainings t"
    " LEFT JOIN training_participants p ON p.training_id = t.id AND p.attended = 1"
    " WHERE t.starts_on >= :from AND t.starts_on <= :to ORDER BY t.starts_on";

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + n));
}

herr *sessions_training_figures(store *s, const actor *a, const char *from_in, const char *to_in,
                                json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN], fi[CLOCK_ISO_LEN], ti[CLOCK_ISO_LEN];
    if (a->user_id[0] && !auth_allows(a->role, "training.read"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read trainings", a->role);
    herr *e = sess_period(from_in, to_in, from, to, fi, ti);
    if (e) return e;
    store_stmt *st = NULL;
    json_t *months = json_object(), *orgs = json_object(), *seen = json_object();
    json_t *totals = json_pack("{s:i,s:i,s:i,s:i,s:i}", "trainings", 0, "participants", 0, "female",
                               0, "male", 0, "other", 0);
    bool row;
    if ((e = store_prepare(s, figures_sql, &st))) goto cleanup;
    store_bind_text(st, ":from", from);
    store_bind_text(st, ":to", to);
    while (!(e = store_step(st, &row)) && row) {
        const char *month = store_text(st, 0);
        json_t *m = json_object_get(months, month);
        if (!m) {
            m = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i}", "month", month, "trainings", 0,
                          "participants", 0, "female", 0, "male", 0, "other", 0);
            json_object_set_new(months, month, m);
        }
        if (!json_object_get(seen, store_text(st, 1))) {
            json_object_set_new(seen, store_text(st, 1), json_true());
            add_to(m, "trainings", 1);
            add_to(totals, "trainings", 1);
        }
        if (store_is_null(st, 3)) continue; /* a training with nobody yet */
        const char *sex = store_is_null(st, 2) ? "X" : store_text(st, 2);
        const char *key = !strcmp(sex, "F") ? "female" : !strcmp(sex, "M") ? "male" : "other";
        add_to(m, "participants", 1);
        add_to(m, key, 1);
        add_to(totals, "participants", 1);
        add_to(totals, key, 1);
        add_to(orgs, store_text(st, 3), 1);
    }
    store_done(st);
    if (e) goto cleanup;
    json_t *list = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(months, k, v) json_array_append(list, v);
    *out = json_pack("{s:s,s:s,s:o,s:O,s:O}", "from", from, "to", to, "months", list, "totals",
                     totals, "by_organisation", orgs);
cleanup:
    json_decref(months);
    json_decref(orgs);
    json_decref(seen);
    json_decref(totals);
    return e;
}

void sessions_shutdown(void) {
    /* Pango's default font map and fontconfig's caches live until released here. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
