/* Printable phrasebook cards: A4 pages of cards, each with a sentence in the chosen
 * language (large, right to left where the script is), the English beside it and the
 * translation's review status. Pango shapes the text (Arabic, Persian, Pashto, Urdu and
 * Sorani joining forms, Bengali conjuncts) and picks fonts through fontconfig; Cairo
 * writes the PDF with the fonts embedded. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"
#include "phrasebook/phrasebook_internal.h"

#define PAGE_W 595.28 /* A4 portrait, points */
#define PAGE_H 841.89
#define MARGIN 40.0
/* Pango takes the first family that has a character's glyph: Latin and Cyrillic from
 * Noto Sans, Arabic script from Noto Naskh Arabic (Naskh is what Arabic, Persian, Pashto
 * and Sorani readers expect in print), Bengali from Noto Sans Bengali. */
#define FAMILIES "Noto Sans, Noto Naskh Arabic, Noto Sans Arabic, Noto Sans Bengali"

/* cairo's stream writer: the bytes go to a mem_buf. */
static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length) {
    mem_buf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* A layout of text in font at the card's width; rtl aligns it to the right. */
static PangoLayout *layout_of(cairo_t *cr, const char *text, const char *font, const char *lang,
                              bool rtl) {
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN - 24) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_auto_dir(layout, FALSE);
    pango_layout_set_alignment(layout, rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    if (lang) { /* the language picks the right glyph forms (Urdu, Persian, Serbian) */
        PangoAttrList *attrs = pango_attr_list_new();
        pango_attr_list_insert(attrs, pango_attr_language_new(pango_language_from_string(lang)));
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
    }
    pango_layout_set_text(layout, text, -1);
    return layout;
}

static double height_of(PangoLayout *layout) {
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    return h;
}

static void show(cairo_t *cr, PangoLayout *layout, double x, double y) {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
}

static const char *status_line(const json_t *text) {
    const char *status = json_str(text, "status");
    if (!strcmp(status, "reviewed")) return NULL; /* the caller names the reviewer */
    if (!strcmp(status, "draft")) return "DRAFT translation: not yet reviewed by a native speaker";
    return "";
}

/* Draws the page heading; returns the y below it. */
static double heading(cairo_t *cr, const json_t *lang, const char *topic_name, int page) {
    char line[400];
    snprintf(line, sizeof line, "%s · %s", json_str(lang, "native"), json_str(lang, "name"));
    PangoLayout *l = layout_of(cr, line, FAMILIES " Bold 16", json_str(lang, "code"), false);
    cairo_set_source_rgb(cr, 0.10, 0.33, 0.55);
    show(cr, l, MARGIN, MARGIN);
    double y = MARGIN + height_of(l) + 2;
    g_object_unref(l);
    snprintf(line, sizeof line, "Haven phrasebook%s%s · page %d", topic_name ? " · " : "",
             topic_name ? topic_name : "", page);
    l = layout_of(cr, line, FAMILIES " 9", "en", false);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    show(cr, l, MARGIN, y);
    y += height_of(l) + 12;
    g_object_unref(l);
    return y;
}

static void draw_cards(cairo_t *cr, const json_t *lang, const json_t *cat, const char *topic) {
    const char *code = json_str(lang, "code");
    bool rtl = !strcmp(json_str(lang, "dir"), "rtl");
    const char *topic_name = NULL;
    size_t i;
    json_t *t, *sentence;
    json_array_foreach(json_object_get(cat, "topics"), i, t) {
        if (topic && !strcmp(json_str(t, "code"), topic)) topic_name = json_str(t, "en");
    }
    int page = 1;
    double y = heading(cr, lang, topic_name, page);
    json_array_foreach(json_object_get(cat, "sentences"), i, sentence) {
        if (topic && strcmp(json_str(sentence, "topic"), topic)) continue;
        json_t *texts = json_object_get(sentence, "texts");
        json_t *text = json_object_get(texts, code), *en = json_object_get(texts, "en");
        if (!text || !en) continue;
        char note[300];
        const char *status = status_line(text);
        if (!status)
            snprintf(note, sizeof note, "Reviewed by %s", json_str(text, "reviewer"));
        else
            snprintf(note, sizeof note, "%s", status);
        PangoLayout *big = layout_of(cr, json_str(text, "text"), FAMILIES " 20", code, rtl);
        PangoLayout *small = layout_of(cr, json_str(en, "text"), FAMILIES " 10", "en", false);
        PangoLayout *foot = layout_of(cr, note[0] ? note : " ", FAMILIES " Italic 8", "en", false);
        double h = 12 + height_of(big) + 6 + height_of(small) + 4 + height_of(foot) + 12;
        if (y + h > PAGE_H - MARGIN) {
            cairo_show_page(cr);
            y = heading(cr, lang, topic_name, ++page);
        }
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr, 0.8);
        cairo_rectangle(cr, MARGIN, y, PAGE_W - 2 * MARGIN, h);
        cairo_stroke(cr);
        double ty = y + 12;
        cairo_set_source_rgb(cr, 0, 0, 0);
        show(cr, big, MARGIN + 12, ty);
        ty += height_of(big) + 6;
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        show(cr, small, MARGIN + 12, ty);
        ty += height_of(small) + 4;
        if (status && status[0])
            cairo_set_source_rgb(cr, 0.65, 0.20, 0.05);
        else
            cairo_set_source_rgb(cr, 0.2, 0.45, 0.2);
        show(cr, foot, MARGIN + 12, ty);
        y += h + 8;
        g_object_unref(big);
        g_object_unref(small);
        g_object_unref(foot);
    }
    cairo_show_page(cr);
}

herr *phrasebook_cards_pdf(store *s, const char *lang, const char *topic, char **pdf, size_t *len) {
    json_t *l = NULL, *cat = NULL;
    mem_buf b = {0};
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    *pdf = NULL;
    *len = 0;
    herr *e = pb_language(s, lang, &l);
    if (!e) e = phrasebook_catalogue(s, &cat, NULL);
    if (e) goto cleanup;
    if (topic) {
        bool known = false;
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(cat, "topics"), i, t) {
            known = known || !strcmp(json_str(t, "code"), topic);
        }
        if (!known) {
            e = err_with(err_new(ERR_NOT_FOUND, "topic", "the phrasebook has no topic %s", topic),
                         "phrasebook_no_topic", "topic", topic, (const char *)NULL);
            goto cleanup;
        }
    }
    surface = cairo_pdf_surface_create_for_stream(on_write, &b, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Haven phrasebook cards");
    cr = cairo_create(surface);
    draw_cards(cr, l, cat, topic);
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        e = err_new(ERR_INTERNAL, NULL, "the cards could not be written: %s",
                    cairo_status_to_string(cairo_surface_status(surface)));
        goto cleanup;
    }
    *pdf = b.data;
    *len = b.len;
    b.data = NULL;
cleanup:
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
    mem_free(b.data);
    json_decref(l);
    json_decref(cat);
    return e;
}
