/* Shared inside the phrasebook module only. */
#ifndef HAVEN_PHRASEBOOK_INTERNAL_H
#define HAVEN_PHRASEBOOK_INTERNAL_H

#include <jansson.h>

#include "core/err.h"
#include "phrasebook/phrasebook.h"
#include "store/store.h"

/* The data lines of data/<file> as arrays of `fields` strings (lines with another
 * number of fields are logged and skipped); NULL when the file is not in the build. */
json_t *pb_data_rows(const char *file, int fields);

/* The version of a voice's audio of text: 16 hex digits of a hash of both. */
void pb_audio_version(const char *voice, const char *text, char out[PHRASEBOOK_VERSION_LEN]);

/* The language's row as {code, name, native, dir, voice (string or null), i_speak};
 * ERR_NOT_FOUND (field lang) when there is none. Caller owns *out. */
herr *pb_language(store *s, const char *lang, json_t **out);

/* One translation as {text, status, reviewer, voice}; ERR_NOT_FOUND when the sentence
 * or its text in lang does not exist. Caller owns *out. */
herr *pb_text(store *s, const char *sentence_id, const char *lang, json_t **out);

#endif
