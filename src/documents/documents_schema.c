/* The documents module's tables. A document and a photo hang on a person of the
 * registry. The photo's id is its person's id (one photo per person), so that the sealed
 * image's associated data ("person_photos/<person id>/image") ties it to that person and
 * the key rotation finds it by id as it finds every sealed column. */
#include "documents/documents.h"
#include "documents/documents_internal.h"
#include "registry/registry.h"

static const char migration_1[] =
    "CREATE TABLE person_documents ("
    " id TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " type TEXT NOT NULL,"
    " number TEXT NOT NULL,"
    " number_display TEXT NOT NULL,"
    " country TEXT,"
    " expiry TEXT,"
    " seen_at TEXT NOT NULL,"
    " seen_by_id TEXT,"
    " seen_by_name TEXT NOT NULL,"
    " note TEXT,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX person_documents_person ON person_documents (person_id, created_at);"
    "CREATE INDEX person_documents_number ON person_documents (number, type);"

    "CREATE TABLE person_photos ("
    " id TEXT PRIMARY KEY REFERENCES persons (id),"
    " content_type TEXT NOT NULL,"
    " bytes INTEGER NOT NULL,"
    " image TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " by_id TEXT,"
    " by_name TEXT NOT NULL);";

/* A printed card's QR code holds a random reference, not the registration number:
 * printing a new card (a lost one replaced) marks the earlier references replaced, so
 * that a lost card's code no longer opens the person. */
static const char migration_2[] =
    "CREATE TABLE registration_cards ("
    " ref TEXT PRIMARY KEY,"
    " person_id TEXT NOT NULL REFERENCES persons (id),"
    " issued_at TEXT NOT NULL,"
    " issued_by_id TEXT,"
    " issued_by_name TEXT NOT NULL,"
    " replaced_at TEXT);"
    "CREATE INDEX registration_cards_person ON registration_cards (person_id, issued_at);";

static const store_migration migrations[] = {
    {1, migration_1},
    {2, migration_2},
};

herr *documents_migrate(store *s) {
    herr *e = store_migrate(s, "documents", migrations, sizeof migrations / sizeof migrations[0]);
    /* Documents are matching evidence: other servers' match indexes follow them too. */
    if (!e) e = store_notify_on_change(s, "person_documents", "person_id", NULL, REGISTRY_CHANNEL);
    if (!e) documents_connect_matching();
    return e;
}
