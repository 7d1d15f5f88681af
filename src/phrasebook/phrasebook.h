/* phrasebook: first-contact sentences by topic in the languages people arriving speak,
 * with their review status, spoken audio (espeak-ng) and printable cards (PDF).
 *
 * The catalogue comes from data/phrasebook/ (languages.tsv, topics.tsv, sentences.tsv
 * with the English source, one <language>.tsv of translations each). phrasebook_migrate
 * creates the tables and loads every sentence and translation the database does not
 * have yet (so an edit made by an administrator is never overwritten by the data files,
 * and a sentence added to the files arrives at the next start).
 *
 * Each translation has a status: "source" (English), "draft" (written without a native
 * speaker's check: every translation shipped in data/ is a draft) or "reviewed" (with
 * the name of the native speaker who checked it). An edit of the text of a reviewed
 * translation makes it a draft again unless the same edit marks it reviewed.
 *
 * The catalogue carries a version (a content hash, used as the HTTP ETag), so that an
 * offline copy knows it is out of date. Audio is WAV, synthesised by espeak-ng for the
 * languages it has a voice for and kept in the database under a hash of the voice and
 * the text (an edited text gets new audio, under a new URL). Results are jansson
 * objects or mem_alloc'ed buffers owned by the caller. */
#ifndef HAVEN_PHRASEBOOK_PHRASEBOOK_H
#define HAVEN_PHRASEBOOK_PHRASEBOOK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

#define PHRASEBOOK_VERSION_LEN 17  /* 16 hex digits and NUL */
#define PHRASEBOOK_TEXT_MAX    400 /* code points of one translation */

/* Creates or upgrades the module's tables and loads what the data files hold and the
 * database does not, in one transaction (a step of the schema, like a migration: not
 * audited; every later change is). */
herr *phrasebook_migrate(store *s);

/* The whole catalogue: {"version", "languages":[{code, name, native, dir, voice (bool),
 * i_speak}], "topics":[{code, en, bs, sr}], "sentences":[{id, topic, texts: {<lang>:
 * {text, status, reviewer, reviewed_at, audio (URL or null)}}}]}. version is written
 * into version when not NULL. */
herr *phrasebook_catalogue(store *s, json_t **out, char version[PHRASEBOOK_VERSION_LEN]);

/* Changes one translation: in holds text (one line, 1..PHRASEBOOK_TEXT_MAX), status
 * ("draft" or "reviewed") and reviewer (the native speaker's name; required with
 * "reviewed"), at least one of them. ERR_NOT_FOUND for an unknown sentence or
 * language; ERR_INVALID naming the field; English, the source, has no review status
 * (ERR_INVALID, field status). Validates, writes and audits in one transaction. *out
 * is the sentence as in the catalogue. */
herr *phrasebook_text_update(store *s, const actor *a, const char *sentence_id, const char *lang,
                             const json_t *in, json_t **out);

/* The audio of a sentence in a language as a WAV file (16-bit mono PCM): from the
 * database when made before for the same voice and text, else synthesised and kept.
 * ERR_NOT_FOUND for an unknown sentence or language, or a language without a voice
 * (key "no_voice"). *version receives the audio's version (its URL's v=). */
herr *phrasebook_audio(store *s, const char *sentence_id, const char *lang, char **wav, size_t *len,
                       char version[PHRASEBOOK_VERSION_LEN]);

/* Synthesises text in the voice of the phrasebook language lang: a WAV file in *wav.
 * ERR_NOT_FOUND (field lang) for a language the phrasebook does not have; ERR_NOT_FOUND
 * with key "no_voice" when espeak-ng has no voice for it; ERR_INVALID for empty text;
 * ERR_UNAVAILABLE when espeak-ng cannot start. Calls are serialised (espeak-ng keeps
 * global state). */
herr *phrasebook_speak(store *s, const char *lang, const char *text, char **wav, size_t *len);

/* Releases espeak-ng (at exit; phrasebook_speak starts it again when called). */
void phrasebook_speech_shutdown(void);

/* Printable cards: a PDF with every sentence of topic (NULL: all topics) in lang and
 * English, the review status on each card, laid out by Pango so that Arabic script is
 * shaped and right to left. ERR_NOT_FOUND for an unknown language or topic. */
herr *phrasebook_cards_pdf(store *s, const char *lang, const char *topic, char **pdf, size_t *len);

#endif
