/* Identity at the desk: a person's identity documents, photo and registration card,
 * search by document number, and the lookup of a scanned card. */
#include <string.h>

#include "api/api_internal.h"
#include "core/mem.h"
#include "documents/documents.h"

static herr *list_documents(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = documents_list(req->db, &req->actor, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *add_document(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = documents_add(req->db, &req->actor, req->params[0], req->body, &out);
    return e ? e : api_reply(res, 201, out);
}

static herr *remove_document(api_request *req, api_response *res) {
    herr *e = documents_remove(req->db, &req->actor, req->params[0], req->params[1]);
    return e ? e : api_reply(res, 204, NULL);
}

static herr *search_documents(api_request *req, api_response *res) {
    json_t *out = NULL;
    const char *number = api_query(req, "number");
    if (!number) return err_required("number");
    herr *e = documents_search(req->db, &req->actor, number, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *put_photo(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = documents_photo_put(req->db, &req->actor, req->params[0], req->raw_body, req->raw_len,
                                  &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *get_photo(api_request *req, api_response *res) {
    unsigned char *data = NULL;
    size_t len = 0;
    const char *mime = NULL;
    herr *e = documents_photo_get(req->db, &req->actor, req->params[0], &data, &len, &mime);
    if (e) return e;
    res->raw = (char *)data;
    res->raw_len = len;
    res->content_type = mime;
    return NULL; /* no-store: a face is not left in caches */
}

static herr *photo_info(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = documents_photo_info(req->db, &req->actor, req->params[0], &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *delete_photo(api_request *req, api_response *res) {
    herr *e = documents_photo_remove(req->db, &req->actor, req->params[0]);
    return e ? e : api_reply(res, 204, NULL);
}

static herr *issue_card(api_request *req, api_response *res) {
    char *bytes = NULL;
    size_t len = 0;
    const char *format = api_query(req, "format");
    bool png = format && !strcmp(format, "png");
    if (format && !png && strcmp(format, "pdf"))
        return err_invalid("format", "format is pdf (the default) or png");
    herr *e = documents_card(req->db, &req->actor, req->params[0],
                             png ? DOCUMENTS_CARD_PNG : DOCUMENTS_CARD_PDF, &bytes, &len);
    if (e) return e;
    res->raw = bytes;
    res->raw_len = len;
    res->content_type = png ? "image/png" : "application/pdf";
    res->disposition =
        mem_printf("inline; filename=\"card-%s.%s\"", req->params[0], png ? "png" : "pdf");
    return NULL;
}

static herr *lookup_card(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = documents_card_lookup(req->db, &req->actor, api_query(req, "reg_no"), &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_documents[] = {
    {"GET", "/api/v1/persons/{}/documents", "person.read", list_documents, NULL, 0},
    {"POST", "/api/v1/persons/{}/documents", "person.write", add_document, NULL, 0},
    {"DELETE", "/api/v1/persons/{}/documents/{}", "person.write", remove_document, NULL, 0},
    {"GET", "/api/v1/documents", "person.read", search_documents, NULL, 0},
    {"PUT", "/api/v1/persons/{}/photo", "person.write", put_photo, "application/octet-stream",
     DOCUMENTS_PHOTO_MAX},
    {"GET", "/api/v1/persons/{}/photo", "person.read", get_photo, NULL, 0},
    {"DELETE", "/api/v1/persons/{}/photo", "person.write", delete_photo, NULL, 0},
    {"GET", "/api/v1/persons/{}/photo/info", "person.read", photo_info, NULL, 0},
    {"POST", "/api/v1/persons/{}/card", "person.write", issue_card, NULL, 0},
    {"GET", "/api/v1/cards", "person.read", lookup_card, NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
