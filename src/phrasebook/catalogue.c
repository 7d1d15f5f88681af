/* The catalogue as one JSON document with its version, and the administrators' edits
 * of a translation and its review status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"
#include "phrasebook/phrasebook_internal.h"

static const char languages_sql[] =
    "SELECT code, name, native, dir, voice, i_speak FROM phrasebook_languages ORDER BY position";
static const char topics_sql[] = "SELECT code, en, bs, sr FROM phrasebook_topics ORDER BY position";
static const char texts_sql[] =
    "SELECT s.id, s.topic, t.lang, t.text, t.status, t.reviewer, t.reviewed_at, l.voice"
    " FROM phrasebook_sentences s JOIN phrasebook_topics p ON p.code = s.topic"
    " JOIN phrasebook_texts t ON t.sentence_id = s.id"
    " JOIN phrasebook_languages l ON l.code = t.lang"
    " WHERE :id IS NULL OR s.id = :id"
    " ORDER BY p.position, s.position, s.id, l.position";
static const char language_sql[] =
    "SELECT code, name, native, dir, voice, i_speak FROM phrasebook_languages WHERE code = :code";
static const char text_sql[] =
    "SELECT t.text, t.status, t.reviewer, l.voice FROM phrasebook_texts t"
    " JOIN phrasebook_languages l ON l.code = t.lang"
    " WHERE t.sentence_id = :id AND t.lang = :lang";

void pb_audio_version(const char *voice, const char *text, char out[PHRASEBOOK_VERSION_LEN]) {
    const char *parts[] = {"phrasebook-audio-1", voice, text, NULL};
    char hex[CRYPTO_HASH_HEX_LEN];
    crypto_hash_parts_hex(parts, hex);
    snprintf(out, PHRASEBOOK_VERSION_LEN, "%.16s", hex);
}

static json_t *nullable(store_stmt *st, int col) {
    return store_is_null(st, col) ? json_null() : json_string(store_text(st, col));
}

static json_t *language_json(store_stmt *st, bool voice_name) {
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "code", store_text(st, 0), "name",
                     store_text(st, 1), "native", store_text(st, 2), "dir", store_text(st, 3),
                     "voice", voice_name ? nullable(st, 4) : json_boolean(!store_is_null(st, 4)),
                     "i_speak", store_text(st, 5));
}

herr *pb_language(store *s, const char *lang, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = store_prepare(s, language_sql, &st);
    if (e) return e;
    store_bind_text(st, ":code", lang ? lang : "");
    if (!(e = store_step(st, &row)) && row) *out = language_json(st, true);
    store_done(st);
    if (!e && !row)
        e = err_with(err_new(ERR_NOT_FOUND, "lang", "the phrasebook has no language %s",
                             lang ? lang : "(none)"),
                     "phrasebook_no_language", "lang", lang ? lang : "", (const char *)NULL);
    return e;
}

herr *pb_text(store *s, const char *sentence_id, const char *lang, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = store_prepare(s, text_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", sentence_id ? sentence_id : "");
    store_bind_text(st, ":lang", lang ? lang : "");
    if (!(e = store_step(st, &row)) && row)
        *out = json_pack("{s:s,s:s,s:o,s:o}", "text", store_text(st, 0), "status",
                         store_text(st, 1), "reviewer", nullable(st, 2), "voice", nullable(st, 3));
    store_done(st);
    if (!e && !row)
        e = err_with(err_new(ERR_NOT_FOUND, "sentence_id", "no sentence %s in %s",
                             sentence_id ? sentence_id : "(none)", lang ? lang : "(none)"),
                     "phrasebook_no_sentence", "id", sentence_id ? sentence_id : "",
                     (const char *)NULL);
    return e;
}

/* {lang: {text, status, reviewer, reviewed_at, audio}} of a row of texts_sql. */
static json_t *text_json(store_stmt *st) {
    json_t *audio = json_null();
    if (!store_is_null(st, 7)) {
        char v[PHRASEBOOK_VERSION_LEN];
        pb_audio_version(store_text(st, 7), store_text(st, 3), v);
        char *url = mem_printf("/api/v1/phrasebook/audio/%s/%s?v=%s", store_text(st, 0),
                               store_text(st, 2), v);
        audio = json_string(url);
        mem_free(url);
    }
    return json_pack("{s:s,s:s,s:o,s:o,s:o}", "text", store_text(st, 3), "status",
                     store_text(st, 4), "reviewer", nullable(st, 5), "reviewed_at", nullable(st, 6),
                     "audio", audio);
}

/* The sentences (all, or the one with id) as [{id, topic, texts}]. */
static herr *sentences(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    json_t *list = json_array(), *current = NULL;
    bool row = false;
    herr *e = store_prepare(s, texts_sql, &st);
    if (e) goto cleanup;
    if (id)
        store_bind_text(st, ":id", id);
    else
        store_bind_null(st, ":id");
    while (!(e = store_step(st, &row)) && row) {
        const char *sid = store_text(st, 0);
        if (!current || strcmp(json_str(current, "id"), sid)) {
            current = json_pack("{s:s,s:s,s:{}}", "id", sid, "topic", store_text(st, 1), "texts");
            json_array_append_new(list, current);
        }
        json_object_set_new(json_object_get(current, "texts"), store_text(st, 2), text_json(st));
    }
cleanup:
    store_done(st);
    if (e) {
        json_decref(list);
        list = NULL;
    }
    *out = list;
    return e;
}

static herr *simple_list(store *s, const char *sql, bool languages, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = json_array();
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(*out, languages
                                        ? language_json(st, false)
                                        : json_pack("{s:s,s:s,s:s,s:s}", "code", store_text(st, 0),
                                                    "en", store_text(st, 1), "bs",
                                                    store_text(st, 2), "sr", store_text(st, 3)));
    }
    store_done(st);
    return e;
}

herr *phrasebook_catalogue(store *s, json_t **out, char version[PHRASEBOOK_VERSION_LEN]) {
    json_t *languages = NULL, *topics = NULL, *list = NULL, *doc = NULL;
    char *dump = NULL;
    *out = NULL;
    herr *e = simple_list(s, languages_sql, true, &languages);
    if (!e) e = simple_list(s, topics_sql, false, &topics);
    if (!e) e = sentences(s, NULL, &list);
    if (e) goto cleanup;
    doc = json_pack("{s:O,s:O,s:O}", "languages", languages, "topics", topics, "sentences", list);
    /* The version is the content's hash: equal content, equal version, in any database. */
    dump = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (!dump) {
        e = err_new(ERR_INTERNAL, NULL, "the phrasebook could not be serialised");
        goto cleanup;
    }
    char hex[CRYPTO_HASH_HEX_LEN], v[PHRASEBOOK_VERSION_LEN];
    crypto_hash_hex(dump, strlen(dump), hex);
    snprintf(v, sizeof v, "%.16s", hex);
    json_object_set_new(doc, "version", json_string(v));
    if (version) memcpy(version, v, PHRASEBOOK_VERSION_LEN);
    *out = doc;
    doc = NULL;
cleanup:
    free(dump);
    json_decref(doc);
    json_decref(languages);
    json_decref(topics);
    json_decref(list);
    return e;
}

static const char update_sql[] =
    "UPDATE phrasebook_texts SET text = :text, status = :status, reviewer = :reviewer,"
    " reviewed_at = :reviewed_at, updated_at = :now, updated_by = :by"
    " WHERE sentence_id = :id AND lang = :lang";

/* The new status and reviewer from the request and the current row. */
static herr *next_status(const json_t *in, const json_t *cur, bool text_changed,
                         const char **status, const char **reviewer) {
    const char *asked = json_str(in, "status"), *who = json_str(in, "reviewer");
    *status = json_str(cur, "status");
    *reviewer = json_str(cur, "reviewer");
    if (!strcmp(*status, "source")) {
        if (asked || who)
            return err_with(err_invalid(asked ? "status" : "reviewer",
                                        "English is the source text: it has no review status"),
                            "phrasebook_source_no_review", (const char *)NULL);
        return NULL;
    }
    if (asked && strcmp(asked, "draft") && strcmp(asked, "reviewed"))
        return err_with(err_invalid("status", "status must be draft or reviewed"),
                        "phrasebook_bad_status", (const char *)NULL);
    if (who && (!asked || strcmp(asked, "reviewed")))
        return err_with(err_invalid("reviewer", "a reviewer goes with the status reviewed"),
                        "phrasebook_reviewer_without_review", (const char *)NULL);
    if (asked && !strcmp(asked, "reviewed")) {
        if (!who || !who[0])
            return err_with(err_invalid("reviewer", "a reviewed translation needs the name of "
                                                    "the native speaker who reviewed it"),
                            "phrasebook_reviewer_required", (const char *)NULL);
        *status = "reviewed";
        *reviewer = who;
    } else if ((asked && !strcmp(asked, "draft")) || text_changed) {
        /* A changed text has not been reviewed, whoever reviewed the old one. */
        *status = "draft";
        *reviewer = NULL;
    }
    return NULL;
}

herr *phrasebook_text_update(store *s, const actor *a, const char *sentence_id, const char *lang,
                             const json_t *in, json_t **out) {
    static const json_field fields[] = {{"text", JF_STRING, false, PHRASEBOOK_TEXT_MAX},
                                        {"status", JF_STRING, false, 16},
                                        {"reviewer", JF_STRING, false, 120}};
    json_t *cur = NULL, *detail = NULL, *list = NULL, *language = NULL;
    store_stmt *st = NULL;
    bool began = false;
    *out = NULL;
    herr *e = json_check(in, fields, 3);
    if (e) goto cleanup;
    if (!json_str(in, "text") && !json_str(in, "status") && !json_str(in, "reviewer")) {
        e = err_with(err_invalid("text", "nothing to change: give text, status or reviewer"),
                     "phrasebook_nothing_to_change", (const char *)NULL);
        goto cleanup;
    }
    const char *text = json_str(in, "text");
    if (text) {
        while (*text == ' ') text++;
        if (!*text) {
            e = err_required("text");
            goto cleanup;
        }
    }
    if ((e = store_begin(s))) goto cleanup;
    began = true;
    if ((e = pb_language(s, lang, &language))) goto cleanup;
    if ((e = pb_text(s, sentence_id, lang, &cur))) goto cleanup;
    bool text_changed = text && strcmp(text, json_str(cur, "text"));
    const char *status, *reviewer;
    if ((e = next_status(in, cur, text_changed, &status, &reviewer))) goto cleanup;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    if ((e = store_prepare(s, update_sql, &st))) goto cleanup;
    store_bind_text(st, ":text", text ? text : json_str(cur, "text"));
    store_bind_text(st, ":status", status);
    if (reviewer)
        store_bind_text(st, ":reviewer", reviewer);
    else
        store_bind_null(st, ":reviewer");
    if (!strcmp(status, "reviewed"))
        store_bind_text(st, ":reviewed_at", now);
    else
        store_bind_null(st, ":reviewed_at");
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    store_bind_text(st, ":id", sentence_id);
    store_bind_text(st, ":lang", lang);
    e = store_run_done(&st);
    st = NULL;
    if (e) goto cleanup;
    detail = json_pack("{s:s,s:b,s:s,s:s}", "lang", lang, "text_changed", text_changed,
                       "status_before", json_str(cur, "status"), "status", status);
    char entity_id[200];
    snprintf(entity_id, sizeof entity_id, "%s/%s", sentence_id, lang);
    if ((e = audit_record(s, a, "update", "phrasebook_text", entity_id, detail))) goto cleanup;
    if ((e = store_commit(s))) goto cleanup;
    began = false;
    if ((e = sentences(s, sentence_id, &list))) goto cleanup;
    *out = json_incref(json_array_get(list, 0));
cleanup:
    if (began) store_rollback(s);
    json_decref(cur);
    json_decref(language);
    json_decref(detail);
    json_decref(list);
    return e;
}
