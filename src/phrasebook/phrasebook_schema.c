/* The phrasebook's tables, and loading data/phrasebook/ into them.
 *
 * Languages and topics are reference data: the files are the truth and replace what
 * the database holds. Sentences and translations are loaded only when missing: once in
 * the database they belong to the administrators who edit and review them. Loading is
 * a step of the schema (as distributions' default catalogue is), not a user's act, so
 * it is not audited; every later change is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datafile.h"
#include "core/log.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"
#include "phrasebook/phrasebook_internal.h"

static const char migration_1[] =
    "CREATE TABLE phrasebook_languages ("
    " code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " native TEXT NOT NULL,"
    " dir TEXT NOT NULL CHECK (dir IN ('ltr', 'rtl')),"
    " voice TEXT,"
    " i_speak TEXT NOT NULL,"
    " position INTEGER NOT NULL);"
    "CREATE TABLE phrasebook_topics ("
    " code TEXT PRIMARY KEY,"
    " en TEXT NOT NULL,"
    " bs TEXT NOT NULL,"
    " sr TEXT NOT NULL,"
    " position INTEGER NOT NULL);"
    "CREATE TABLE phrasebook_sentences ("
    " id TEXT PRIMARY KEY,"
    " topic TEXT NOT NULL REFERENCES phrasebook_topics (code),"
    " position INTEGER NOT NULL);"
    "CREATE TABLE phrasebook_texts ("
    " sentence_id TEXT NOT NULL REFERENCES phrasebook_sentences (id),"
    " lang TEXT NOT NULL REFERENCES phrasebook_languages (code),"
    " text TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('source', 'draft', 'reviewed')),"
    " reviewer TEXT,"
    " reviewed_at TEXT,"
    " updated_at TEXT,"
    " updated_by TEXT,"
    " CHECK (status <> 'reviewed' OR reviewer IS NOT NULL),"
    " PRIMARY KEY (sentence_id, lang));"
    /* Synthesised speech, kept under the version (hash of voice and text) it was made for. */
    "CREATE TABLE phrasebook_audio ("
    " sentence_id TEXT NOT NULL,"
    " lang TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " wav BLOB NOT NULL,"
    " PRIMARY KEY (sentence_id, lang));";

static const store_migration migrations[] = {
    {1, migration_1},
};

/* Upserts, not INSERT OR REPLACE: a replace deletes the row the texts refer to. */
static const char language_sql[] =
    "INSERT INTO phrasebook_languages (code, name, native, dir, voice, i_speak, position)"
    " VALUES (:code, :name, :native, :dir, :voice, :i_speak, :position)"
    " ON CONFLICT (code) DO UPDATE SET name = excluded.name, native = excluded.native,"
    " dir = excluded.dir, voice = excluded.voice, i_speak = excluded.i_speak,"
    " position = excluded.position";
static const char topic_sql[] =
    "INSERT INTO phrasebook_topics (code, en, bs, sr, position)"
    " VALUES (:code, :en, :bs, :sr, :position)"
    " ON CONFLICT (code) DO UPDATE SET en = excluded.en, bs = excluded.bs, sr = excluded.sr,"
    " position = excluded.position";
/* Sentences and texts go in one statement per file, the rows passed as one JSON array:
 * a statement per row costs a thousand round trips through the store at every start. */
static const char sentences_sql[] =
    "INSERT OR IGNORE INTO phrasebook_sentences (id, topic, position)"
    " SELECT r.value ->> 0, r.value ->> 1, r.key FROM json_each(:rows) r";
static const char sources_sql[] =
    "INSERT OR IGNORE INTO phrasebook_texts (sentence_id, lang, text, status)"
    " SELECT r.value ->> 0, 'en', r.value ->> 2, 'source' FROM json_each(:rows) r";
/* A file that says reviewed without a name is a draft. */
static const char texts_sql[] =
    "INSERT OR IGNORE INTO phrasebook_texts (sentence_id, lang, text, status, reviewer)"
    " SELECT r.value ->> 0, :lang, r.value ->> 3,"
    "  CASE WHEN r.value ->> 1 = 'reviewed' AND r.value ->> 2 <> '-' THEN 'reviewed'"
    "   ELSE 'draft' END,"
    "  CASE WHEN r.value ->> 1 = 'reviewed' AND r.value ->> 2 <> '-' THEN r.value ->> 2 END"
    " FROM json_each(:rows) r"
    " WHERE EXISTS (SELECT 1 FROM phrasebook_sentences WHERE id = r.value ->> 0)";

/* The data lines of one file, each split at tabs into an array of strings. */
typedef struct {
    json_t *rows;
    int fields;
} rows_ctx;

static void add_row(char *line, void *ctx) {
    rows_ctx *r = ctx;
    char *f[8];
    int n = datafile_split_tabs(line, f, r->fields);
    if (n != r->fields) {
        log_error("phrasebook data: a line with %d fields instead of %d skipped", n, r->fields);
        return;
    }
    json_t *row = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(row, json_string(f[i]));
    json_array_append_new(r->rows, row);
}

json_t *pb_data_rows(const char *file, int fields) {
    rows_ctx r = {json_array(), fields};
    if (datafile_each_line(file, add_row, &r) != 0) {
        json_decref(r.rows);
        return NULL;
    }
    return r.rows;
}

static const char *cell(const json_t *row, size_t i) {
    return json_string_value(json_array_get(row, i));
}

/* Runs sql once per row, binding the row's cells to names (NULL: skip that cell). */
static herr *insert_rows(store *s, const char *sql, const json_t *rows, const char *const *names,
                         size_t n_names, const char *position) {
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        store_stmt *st = NULL;
        herr *e = store_prepare(s, sql, &st);
        if (e) return e;
        for (size_t c = 0; c < n_names; c++) {
            if (!names[c]) continue;
            const char *v = cell(row, c);
            if (v && !strcmp(v, "-") && c > 0)
                store_bind_null(st, names[c]);
            else
                store_bind_text(st, names[c], v);
        }
        if (position) store_bind_int(st, position, (int64_t)i);
        if ((e = store_run_done(&st))) return e;
    }
    return NULL;
}

/* Runs sql with the rows as :rows (and lang as :lang when not NULL). */
static herr *insert_json(store *s, const char *sql, const json_t *rows, const char *lang) {
    char *text = json_dumps(rows, JSON_COMPACT);
    store_stmt *st = NULL;
    herr *e = NULL;
    if (!text) return err_new(ERR_INTERNAL, NULL, "the phrasebook's rows could not be serialised");
    if (!(e = store_prepare(s, sql, &st))) {
        store_bind_text(st, ":rows", text);
        if (lang) store_bind_text(st, ":lang", lang);
        e = store_run_done(&st);
    }
    free(text);
    return e;
}

static herr *load_translations(store *s, const json_t *languages) {
    size_t i;
    json_t *lang;
    json_array_foreach(languages, i, lang) {
        const char *code = cell(lang, 0);
        if (!strcmp(code, "en")) continue;
        char file[64];
        snprintf(file, sizeof file, "phrasebook/%s.tsv", code);
        json_t *rows = pb_data_rows(file, 4);
        if (!rows) continue; /* a language with no translations yet */
        herr *e = insert_json(s, texts_sql, rows, code);
        json_decref(rows);
        if (e) return e;
    }
    return NULL;
}

static herr *load_data(store *s) {
    static const char *const lang_names[] = {":code", ":name",  ":native",
                                             ":dir",  ":voice", ":i_speak"};
    static const char *const topic_names[] = {":code", ":en", ":bs", ":sr"};
    herr *e = NULL;
    json_t *languages = pb_data_rows("phrasebook/languages.tsv", 6);
    json_t *topics = pb_data_rows("phrasebook/topics.tsv", 4);
    json_t *sentences = pb_data_rows("phrasebook/sentences.tsv", 3);
    if (!languages || !topics || !sentences) {
        e = err_new(ERR_INTERNAL, NULL, "the phrasebook's data files are missing from the build");
        goto cleanup;
    }
    if ((e = insert_rows(s, language_sql, languages, lang_names, 6, ":position"))) goto cleanup;
    if ((e = insert_rows(s, topic_sql, topics, topic_names, 4, ":position"))) goto cleanup;
    if ((e = insert_json(s, sentences_sql, sentences, NULL))) goto cleanup;
    /* The English source, as a text of status "source". */
    if ((e = insert_json(s, sources_sql, sentences, NULL))) goto cleanup;
    e = load_translations(s, languages);
cleanup:
    json_decref(languages);
    json_decref(topics);
    json_decref(sentences);
    return e;
}

herr *phrasebook_migrate(store *s) {
    herr *e = store_migrate(s, "phrasebook", migrations, sizeof migrations / sizeof migrations[0]);
    if (e) return e;
    bool own = !store_in_transaction(s);
    if (own && (e = store_begin(s))) return e;
    e = load_data(s);
    if (own) {
        if (e)
            store_rollback(s);
        else
            e = store_commit(s);
    }
    return e;
}
