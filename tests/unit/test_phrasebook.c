/* The phrasebook: the data files load into a catalogue of at least 120 sentences in
 * every language, drafts stay drafts until a named reviewer, edits are audited and
 * change the version, espeak-ng speaks the languages it has and says so for the others,
 * and the cards are a PDF with the Arabic script's font embedded. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/actor.h"
#include "core/json.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"
#include "sessions/sessions.h"

static const char *const LANGUAGES[] = {"en", "bs", "sr-Cyrl", "ar",  "fa", "ps",
                                        "ur", "bn", "fr",      "ckb", "tr"};

static int setup(void **state) {
    *state = test_db_open();
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    test_db_close(*state);
    return 0;
}

static actor admin(void) {
    actor a;
    actor_system(&a, "admin");
    snprintf(a.user_id, sizeof a.user_id, "u-admin");
    return a;
}

static json_t *sentence_of(json_t *cat, const char *id) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(cat, "sentences"), i, s) {
        if (!strcmp(json_str(s, "id"), id)) return s;
    }
    return NULL;
}

static json_t *text_of(json_t *cat, const char *id, const char *lang) {
    return json_object_get(json_object_get(sentence_of(cat, id), "texts"), lang);
}

static int audit_updates(store *s, const char *entity_id) {
    json_t *out = NULL;
    assert_ok(audit_list(s, "phrasebook_text", entity_id, 100, 0, &out));
    int n = (int)json_array_size(json_object_get(out, "items"));
    json_decref(out);
    return n;
}

static void test_data_load_gives_120_sentences_in_every_language_as_drafts(void **state) {
    store *s = *state;
    json_t *cat = NULL;
    char version[PHRASEBOOK_VERSION_LEN];
    assert_ok(phrasebook_catalogue(s, &cat, version));
    assert_int_equal(strlen(version), 16);
    assert_string_equal(json_str(cat, "version"), version);
    assert_int_equal(json_array_size(json_object_get(cat, "languages")), 11);
    assert_int_equal(json_array_size(json_object_get(cat, "topics")), 8);
    json_t *list = json_object_get(cat, "sentences");
    assert_true(json_array_size(list) >= 120);
    size_t i;
    json_t *sentence;
    json_array_foreach(list, i, sentence) {
        json_t *texts = json_object_get(sentence, "texts");
        for (size_t l = 0; l < sizeof LANGUAGES / sizeof LANGUAGES[0]; l++) {
            json_t *t = json_object_get(texts, LANGUAGES[l]);
            if (!t) fail_msg("%s has no text in %s", json_str(sentence, "id"), LANGUAGES[l]);
            assert_true(strlen(json_str(t, "text")) > 0);
            /* Nothing shipped is reviewed: texts written without a native speaker. */
            assert_string_equal(json_str(t, "status"), l == 0 ? "source" : "draft");
        }
    }
    /* Audio where espeak-ng has a voice, none for Pashto and Sorani. */
    assert_non_null(json_str(text_of(cat, "greeting-01", "ar"), "audio"));
    assert_null(json_str(text_of(cat, "greeting-01", "ps"), "audio"));
    assert_null(json_str(text_of(cat, "greeting-01", "ckb"), "audio"));
    json_decref(cat);
}

static void test_reviewed_needs_a_named_reviewer_and_changes_nothing_without(void **state) {
    store *s = *state;
    actor a = admin();
    json_t *out = NULL, *before = NULL, *after = NULL;
    char v1[PHRASEBOOK_VERSION_LEN], v2[PHRASEBOOK_VERSION_LEN];
    assert_ok(phrasebook_catalogue(s, &before, v1));
    json_t *in = json_pack("{s:s}", "status", "reviewed");
    assert_err(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out), ERR_INVALID,
               "reviewer");
    json_decref(in);
    in = json_pack("{s:s}", "status", "approved");
    assert_err(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out), ERR_INVALID, "status");
    json_decref(in);
    in = json_pack("{s:s}", "status", "reviewed");
    assert_err(phrasebook_text_update(s, &a, "medical-01", "en", in, &out), ERR_INVALID, "status");
    json_decref(in);
    in = json_pack("{s:s}", "text", "   ");
    assert_err(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out), ERR_INVALID, "text");
    json_decref(in);
    in = json_pack("{s:s}", "colour", "red");
    assert_err(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out), ERR_INVALID, "colour");
    json_decref(in);
    in = json_pack("{s:s}", "text", "x");
    assert_err(phrasebook_text_update(s, &a, "medical-99", "ar", in, &out), ERR_NOT_FOUND, NULL);
    assert_err(phrasebook_text_update(s, &a, "medical-01", "xx", in, &out), ERR_NOT_FOUND, "lang");
    json_decref(in);
    assert_ok(phrasebook_catalogue(s, &after, v2));
    assert_string_equal(v1, v2);
    assert_true(json_equal(before, after));
    assert_int_equal(audit_updates(s, "medical-01/ar"), 0);
    json_decref(before);
    json_decref(after);
}

static void test_review_then_text_edit_makes_a_draft_again_audited(void **state) {
    store *s = *state;
    actor a = admin();
    json_t *out = NULL, *cat = NULL;
    char v1[PHRASEBOOK_VERSION_LEN], v2[PHRASEBOOK_VERSION_LEN], v3[PHRASEBOOK_VERSION_LEN];
    assert_ok(phrasebook_catalogue(s, &cat, v1));
    json_decref(cat);
    json_t *in = json_pack("{s:s,s:s}", "status", "reviewed", "reviewer", "Amina H.");
    assert_ok(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out));
    json_decref(in);
    json_t *t = json_object_get(json_object_get(out, "texts"), "ar");
    assert_string_equal(json_str(t, "status"), "reviewed");
    assert_string_equal(json_str(t, "reviewer"), "Amina H.");
    assert_non_null(json_str(t, "reviewed_at"));
    json_decref(out);
    assert_ok(phrasebook_catalogue(s, &cat, v2));
    assert_string_not_equal(v1, v2);
    const char *old_audio = json_str(text_of(cat, "medical-01", "ar"), "audio");
    char *audio = mem_strdup(old_audio);
    json_decref(cat);
    /* A new text has not been reviewed by anyone. */
    in = json_pack("{s:s}", "text", "هل تحتاج إلى طبيب الآن؟");
    assert_ok(phrasebook_text_update(s, &a, "medical-01", "ar", in, &out));
    json_decref(in);
    t = json_object_get(json_object_get(out, "texts"), "ar");
    assert_string_equal(json_str(t, "status"), "draft");
    assert_null(json_str(t, "reviewer"));
    json_decref(out);
    assert_ok(phrasebook_catalogue(s, &cat, v3));
    assert_string_not_equal(v2, v3);
    assert_string_equal(json_str(text_of(cat, "medical-01", "ar"), "text"),
                        "هل تحتاج إلى طبيب الآن؟");
    /* New text, new audio URL: an offline copy fetches the new sound. */
    assert_string_not_equal(json_str(text_of(cat, "medical-01", "ar"), "audio"), audio);
    mem_free(audio);
    json_decref(cat);
    assert_int_equal(audit_updates(s, "medical-01/ar"), 2);
    /* Loading the data files again keeps the administrator's text. */
    assert_ok(phrasebook_migrate(s));
    assert_ok(phrasebook_catalogue(s, &cat, NULL));
    assert_string_equal(json_str(text_of(cat, "medical-01", "ar"), "text"),
                        "هل تحتاج إلى طبيب الآن؟");
    json_decref(cat);
}

static void test_known_language_speaks_a_valid_wav(void **state) {
    store *s = *state;
    char *wav = NULL;
    size_t len = 0;
    assert_ok(phrasebook_speak(s, "ar", "مرحبا، أهلا وسهلا", &wav, &len));
    assert_true(len > 44 + 8000); /* more than a moment of sound */
    assert_memory_equal(wav, "RIFF", 4);
    assert_memory_equal(wav + 8, "WAVEfmt ", 8);
    const unsigned char *u = (const unsigned char *)wav;
    assert_int_equal(u[20] | u[21] << 8, 1);  /* PCM */
    assert_int_equal(u[22] | u[23] << 8, 1);  /* mono */
    assert_int_equal(u[34] | u[35] << 8, 16); /* bits */
    unsigned rate = u[24] | u[25] << 8 | u[26] << 16 | (unsigned)u[27] << 24;
    assert_true(rate >= 8000 && rate <= 48000);
    unsigned data = u[40] | u[41] << 8 | u[42] << 16 | (unsigned)u[43] << 24;
    assert_int_equal(data, len - 44);
    unsigned riff = u[4] | u[5] << 8 | u[6] << 16 | (unsigned)u[7] << 24;
    assert_int_equal(riff, len - 8);
    /* Not silence. */
    int loud = 0;
    for (size_t i = 44; i + 1 < len; i += 2) {
        int sample = (short)(u[i] | u[i + 1] << 8);
        loud += abs(sample) > 1000;
    }
    assert_true(loud > 100);
    mem_free(wav);
    assert_ok(phrasebook_speak(s, "sr-Cyrl", "Добар дан", &wav, &len));
    assert_true(len > 44 + 8000);
    mem_free(wav);
}

static void test_unknown_language_or_no_voice_is_a_clear_error(void **state) {
    store *s = *state;
    char *wav = NULL;
    size_t len = 0;
    herr *e = phrasebook_speak(s, "xx", "hello", &wav, &len);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_NOT_FOUND);
    assert_string_equal(e->field, "lang");
    assert_non_null(strstr(e->message, "no language xx"));
    err_free(e);
    assert_null(wav);
    e = phrasebook_speak(s, "ps", "سلام", &wav, &len);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_NOT_FOUND);
    assert_string_equal(e->key, "phrasebook_no_voice");
    assert_non_null(strstr(e->message, "no voice for Pashto"));
    err_free(e);
    assert_err(phrasebook_speak(s, "ar", "", &wav, &len), ERR_INVALID, "text");
    char version[PHRASEBOOK_VERSION_LEN];
    assert_err(phrasebook_audio(s, "greeting-01", "ckb", &wav, &len, version), ERR_NOT_FOUND,
               "lang");
}

static void test_sentence_audio_is_kept_under_its_version(void **state) {
    store *s = *state;
    char *a1 = NULL, *a2 = NULL;
    size_t l1 = 0, l2 = 0;
    char v1[PHRASEBOOK_VERSION_LEN], v2[PHRASEBOOK_VERSION_LEN];
    assert_ok(phrasebook_audio(s, "greeting-01", "tr", &a1, &l1, v1));
    assert_ok(phrasebook_audio(s, "greeting-01", "tr", &a2, &l2, v2));
    assert_string_equal(v1, v2);
    assert_int_equal(l1, l2);
    assert_memory_equal(a1, a2, l1);
    mem_free(a1);
    mem_free(a2);
    json_t *cat = NULL;
    assert_ok(phrasebook_catalogue(s, &cat, NULL));
    char url[200];
    snprintf(url, sizeof url, "/api/v1/phrasebook/audio/greeting-01/tr?v=%s", v1);
    assert_string_equal(json_str(text_of(cat, "greeting-01", "tr"), "audio"), url);
    json_decref(cat);
}

static bool contains(const char *data, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(data + i, needle, n)) return true;
    return false;
}

static void test_cards_are_a_pdf_with_the_script_fonts_embedded(void **state) {
    store *s = *state;
    char *pdf = NULL;
    size_t len = 0;
    assert_ok(phrasebook_cards_pdf(s, "ar", "medical", &pdf, &len));
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_true(contains(pdf, len, "%%EOF"));
    /* Arabic text set in an Arabic font (embedded as a subset), English in Noto Sans. */
    assert_true(contains(pdf, len, "NotoNaskhArabic"));
    assert_true(contains(pdf, len, "NotoSans-"));
    mem_free(pdf);
    assert_ok(phrasebook_cards_pdf(s, "bn", NULL, &pdf, &len));
    assert_true(contains(pdf, len, "NotoSansBengali"));
    mem_free(pdf);
    assert_err(phrasebook_cards_pdf(s, "xx", NULL, &pdf, &len), ERR_NOT_FOUND, "lang");
    assert_err(phrasebook_cards_pdf(s, "ar", "cooking", &pdf, &len), ERR_NOT_FOUND, "topic");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_data_load_gives_120_sentences_in_every_language_as_drafts, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_reviewed_needs_a_named_reviewer_and_changes_nothing_without, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_then_text_edit_makes_a_draft_again_audited,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_known_language_speaks_a_valid_wav, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_language_or_no_voice_is_a_clear_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sentence_audio_is_kept_under_its_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cards_are_a_pdf_with_the_script_fonts_embedded, setup,
                                        teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    phrasebook_speech_shutdown();
    sessions_shutdown(); /* Pango's and fontconfig's caches, shared with the certificates */
    return failed;
}
