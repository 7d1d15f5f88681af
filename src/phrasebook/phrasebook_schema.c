/* The phrasebook's tables, and loading data/phrasebook/ into them.
 *
 * Languages and topics are reference data: the files are the truth and replace what
 * the database holds. Sentences and translations are loaded only when missing: once in
 * the database they belong to the administrators who edit and review them. Loading is
 * a step of the schema (as distributions' default catalogue is), not a user's act, so
 * it is not audited; every later change is. */
#include <stdio.h>
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

static const char language_sql[] =
    "INSERT OR REPLACE INTO phrasebook_languages (code, name, native, dir, voice, i_speak,"
    " position) VALUES (:code, :name, :native, :dir, :voice, :i_speak, :position)";
static const char topic_sql[] =
    "INSERT OR REPLACE INTO phrasebook_topics (code, en, bs, sr, position)"
    " VALUES (:code, :en, :bs, :sr, :position)";
static const char sentence_sql[] =
    "INSERT OR IGNORE INTO phrasebook_sentences (id, topic, position) VALUES (:id, :topic, :pos)";
static const char text_sql[] =
    "INSERT OR IGNORE INTO phrasebook_texts (sentence_id, lang, text, status, reviewer)"
    " SELECT :id, :lang, :text, :status, :reviewer"
    " WHERE EXISTS (SELECT 1 FROM phrasebook_sentences WHERE id = :id)";

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
        if ((e = store_run(st))) return e;
    }
    return NULL;
}

static herr *load_translations(store *s, const json_t *languages) {
    static const char *const names[] = {":id", ":status", ":reviewer", ":text"};
    size_t i;
    json_t *lang;
    json_array_foreach(languages, i, lang) {
        const char *code = cell(lang, 0);
        if (!strcmp(code, "en")) continue;
        char file[64];
        snprintf(file, sizeof file, "phrasebook/%s.tsv", code);
        json_t *rows = pb_data_rows(file, 4);
        if (!rows) continue; /* a language with no translations yet */
        herr *e = NULL;
        size_t r;
        json_t *row;
        json_array_foreach(rows, r, row) {
            store_stmt *st = NULL;
            if ((e = store_prepare(s, text_sql, &st))) break;
            const char *status = cell(row, 1), *reviewer = cell(row, 2);
            /* A file that says reviewed without a name is a draft. */
            bool reviewed = !strcmp(status, "reviewed") && strcmp(reviewer, "-");
            store_bind_text(st, names[0], cell(row, 0));
            store_bind_text(st, ":lang", code);
            store_bind_text(st, names[3], cell(row, 3));
            store_bind_text(st, names[1], reviewed ? "reviewed" : "draft");
            if (reviewed)
                store_bind_text(st, names[2], reviewer);
            else
                store_bind_null(st, names[2]);
            if ((e = store_run(st))) break;
        }
        json_decref(rows);
        if (e) return e;
    }
    return NULL;
}

static herr *load_data(store *s) {
    static const char *const lang_names[] = {":code", ":name",  ":native",
                                             ":dir",  ":voice", ":i_speak"};
    static const char *const topic_names[] = {":code", ":en", ":bs", ":sr"};
    static const char *const sentence_names[] = {":id", ":topic", NULL};
    static const char *const source_names[] = {":id", NULL, ":text"};
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
    if ((e = insert_rows(s, sentence_sql, sentences, sentence_names, 3, ":pos"))) goto cleanup;
    /* The English source, as a text of status "source". */
    static const char source_sql[] =
        "INSERT OR IGNORE INTO phrasebook_texts (sentence_id, lang, text, status)"
        " VALUES (:id, 'en', :text, 'source')";
    if ((e = insert_rows(s, source_sql, sentences, source_names, 3, NULL))) goto cleanup;
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
