/* documents: what proves who a person is at the desk: their identity documents, their
 * photo and the registration card Haven prints for them.
 *
 * Everything here hangs on a person of the registry and is as visible as that person
 * (registry_person_visible: registered at or staying at one of the actor's sites; an
 * admin sees all). A person the actor may not see is ERR_NOT_FOUND, as in the registry.
 * Every write validates its input completely, then writes and audits in one
 * transaction; on any error nothing changed. Reads of documents and photos are audited.
 *
 * Document numbers are evidence for identity matching: the module installs itself as
 * the registry's document source (registry_set_document_source), so that a number that
 * agrees makes two records candidates of each other at the desk, whatever their names.
 * Results are jansson objects or buffers owned by the caller. */
#ifndef HAVEN_DOCUMENTS_DOCUMENTS_H
#define HAVEN_DOCUMENTS_DOCUMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Creates or upgrades the module's tables (after registry) and connects the module to
 * the registry's matching. */
herr *documents_migrate(store *s);

/* ---- identity documents -------------------------------------------------------
 * Fields: type (passport | national_id | asylum_seeker_card | travel_document |
 * residence_permit | birth_certificate | driving_licence | other), number (required),
 * country (the issuing country: ISO 3166 alpha-2, XK; absent = unknown), expiry
 * (YYYY-MM-DD), seen_at (when the original was seen, ISO 8601; default now; the actor
 * is who saw it), note. */

#define DOCUMENTS_NUMBER_MAX 30

/* The number as compared and stored: letters and digits upper-cased, spaces, dashes,
 * dots and slashes dropped ("ab 12-34/5" -> "AB12345"). ERR_INVALID naming field when
 * it holds anything else (control characters, other punctuation, non-ASCII), or when
 * fewer than 3 or more than DOCUMENTS_NUMBER_MAX characters are left. out holds at least
 * DOCUMENTS_NUMBER_MAX + 1 bytes. */
herr *documents_number_normalize(const char *field, const char *number,
                                 char out[DOCUMENTS_NUMBER_MAX + 1]);

/* Records a document of the person: *out is the document {"id","person_id","type",
 * "number","number_display","country","expiry","expired","seen_at","seen_by","note",
 * "created_at"}. The same type, country and number twice on one person is ERR_CONFLICT
 * ("number"). Audited (field names, never the number). */
herr *documents_add(store *s, const actor *a, const char *person_id, const json_t *in,
                    json_t **out);

/* {"items":[document...]} of the person, newest first; audited as a read. */
herr *documents_list(store *s, const actor *a, const char *person_id, json_t **out);

/* Removes a document recorded by mistake (ERR_NOT_FOUND when it is not the person's).
 * Audited. */
herr *documents_remove(store *s, const actor *a, const char *person_id, const char *document_id);

/* Documents whose normalised number equals number's, of persons the actor may see:
 * {"items":[document... with "person":{"id","reg_no","given_name","family_name"}]}.
 * ERR_INVALID ("number") as documents_number_normalize. Audited as a read. */
herr *documents_search(store *s, const actor *a, const char *number, json_t **out);

/* ---- photos --------------------------------------------------------------------
 * One photo per person, JPEG or PNG, at most DOCUMENTS_PHOTO_MAX bytes. The type is
 * decided by the bytes, never by a name or header; metadata (EXIF with its location,
 * XMP, IPTC, comments, PNG text chunks) is removed before anything is stored. Stored
 * sealed under the protection key (protection_seal_text), so a copied database shows no
 * faces. */

#define DOCUMENTS_PHOTO_MAX (4 * 1024 * 1024)

typedef enum { DOCUMENTS_IMAGE_JPEG = 1, DOCUMENTS_IMAGE_PNG } documents_image_type;

/* Checks that data is a whole JPEG or PNG (by its magic bytes and the structure of its
 * segments or chunks) and copies it without metadata into *out (mem_free), *out_len.
 * ERR_UNSUPPORTED ("photo") for any other content, ERR_INVALID ("photo") for a damaged
 * or truncated image, ERR_TOO_LARGE ("photo") past DOCUMENTS_PHOTO_MAX. Reads nothing
 * outside data[0..len). */
herr *documents_image_clean(const unsigned char *data, size_t len, documents_image_type *type,
                            unsigned char **out, size_t *out_len);

/* The MIME type of an image type ("image/jpeg", "image/png"). */
const char *documents_image_mime(documents_image_type type);

/* Stores (or replaces) the person's photo from the bytes of an uploaded file: cleaned
 * and sealed as above; *out {"person_id","content_type","bytes","updated_at"}. Errors
 * as documents_image_clean, ERR_CONFLICT without the protection key. Audited. */
herr *documents_photo_put(store *s, const actor *a, const char *person_id, const void *data,
                          size_t len, json_t **out);

/* The person's photo: *data (mem_free), *len, *mime (static). ERR_NOT_FOUND ("photo")
 * when there is none. Audited as a read. */
herr *documents_photo_get(store *s, const actor *a, const char *person_id, unsigned char **data,
                          size_t *len, const char **mime);

/* {"person_id","content_type","bytes","updated_at"} or ERR_NOT_FOUND: whether there is a
 * photo, without reading it (not audited: it says nothing about the face). */
herr *documents_photo_info(store *s, const actor *a, const char *person_id, json_t **out);

/* Removes the person's photo. Audited. */
herr *documents_photo_remove(store *s, const actor *a, const char *person_id);

/* ---- registration cards -------------------------------------------------------
 * A card-sized (ID-1, 85.6 x 54 mm) page with the registration number, the names and a
 * QR code that holds a random reference of that card ("HVN1-" and 24 letters and digits):
 * a card found in the street tells nothing more than the number printed on it, and
 * printing a new card replaces the earlier ones, whose codes then open nobody. */

typedef enum { DOCUMENTS_CARD_PDF, DOCUMENTS_CARD_PNG } documents_card_format;

/* The resolution of a PNG card (a card printer's). */
#define DOCUMENTS_CARD_DPI 300

/* Issues a new card of the person and returns it as PDF or PNG (*out, mem_free; *len):
 * earlier cards are marked replaced in the same transaction. Audited ("issue", with the
 * number of cards replaced; the reference itself is not logged). */
herr *documents_card(store *s, const actor *a, const char *person_id, documents_card_format format,
                     char **out, size_t *len);

/* The person of what the desk scanned or typed (spaces and case ignored): a card's code,
 * or a registration number (a scanner acting as a keyboard types exactly what the code
 * holds). *out {"person_id","reg_no","card":true when a code was scanned}.
 * ERR_INVALID ("reg_no", key card_not_reg_no) for text that is neither; ERR_NOT_FOUND
 * (card_unknown, card_code_unknown) for a number or code of nobody the actor may see;
 * ERR_CONFLICT (card_replaced, {date}) for the code of a card replaced by a newer one. */
herr *documents_card_lookup(store *s, const actor *a, const char *text, json_t **out);

#endif
