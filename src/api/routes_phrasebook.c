/* The phrasebook: its catalogue for every member of staff (with an ETag, so that an
 * offline copy is refreshed only when something changed), the administrators' edits,
 * spoken audio (kept by browsers for a year: its URL names its version) and cards. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"

/* True when the request's If-None-Match names the tag. */
static bool etag_matches(api_request *req, const char *etag) {
    const char *inm = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "If-None-Match");
    return inm && etag && strstr(inm, etag) != NULL;
}

static herr *get_catalogue(api_request *req, api_response *res) {
    json_t *out = NULL;
    char version[PHRASEBOOK_VERSION_LEN];
    herr *e = phrasebook_catalogue(req->db, &out, version);
    if (e) return e;
    res->etag = mem_printf("\"pb-%s\"", version);
    res->cache_control = "private, no-cache";
    if (etag_matches(req, res->etag)) {
        json_decref(out);
        res->status = 304;
        return NULL;
    }
    return api_reply(res, 200, out);
}

static herr *update_text(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = phrasebook_text_update(req->db, &req->actor, req->params[0], req->params[1],
                                     req->body, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_audio(api_request *req, api_response *res) {
    char *wav = NULL;
    size_t len = 0;
    char version[PHRASEBOOK_VERSION_LEN];
    herr *e = phrasebook_audio(req->db, req->params[0], req->params[1], &wav, &len, version);
    if (e) return e;
    res->raw = wav;
    res->raw_len = len;
    res->content_type = "audio/wav";
    res->etag = mem_printf("\"pba-%s\"", version);
    /* A URL that names the current version never changes content: keep it a year. */
    const char *v = api_query(req, "v");
    res->cache_control =
        v && !strcmp(v, version) ? "private, max-age=31536000, immutable" : "private, no-cache";
    return NULL;
}

static herr *get_cards(api_request *req, api_response *res) {
    char *pdf = NULL;
    size_t len = 0;
    const char *lang = api_query(req, "lang"), *topic = api_query(req, "topic");
    if (!lang) return err_required("lang");
    herr *e = phrasebook_cards_pdf(req->db, lang, topic && topic[0] ? topic : NULL, &pdf, &len);
    if (e) return e;
    res->raw = pdf;
    res->raw_len = len;
    res->content_type = "application/pdf";
    res->disposition = mem_printf("inline; filename=\"phrasebook-%s.pdf\"", lang);
    return NULL;
}

const api_route api_routes_phrasebook[] = {
    {"GET", "/api/v1/phrasebook", "phrasebook.read", get_catalogue, NULL, 0},
    {"GET", "/api/v1/phrasebook/cards", "phrasebook.read", get_cards, NULL, 0},
    {"GET", "/api/v1/phrasebook/audio/{}/{}", "phrasebook.read", get_audio, NULL, 0},
    {"PATCH", "/api/v1/phrasebook/sentences/{}/texts/{}", "phrasebook.edit", update_text, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
