/* Speech for the phrasebook with espeak-ng's library: text in, a WAV file out.
 *
 * espeak-ng keeps its state in globals (the voice, the callback, its buffers), so every
 * use of it holds speech_lock, and it is started on first use. Synthesis is synchronous:
 * the callback receives the samples and appends them to the caller's buffer, which is
 * capped (a sentence of the phrasebook is a few seconds; 60 s is a runaway). Audio made
 * once is kept in phrasebook_audio under the version of its voice and text. */
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/log.h"
#include "core/mem.h"
#include "phrasebook/phrasebook.h"
#include "phrasebook/phrasebook_internal.h"

#define WAV_HEADER  44
#define MAX_SECONDS 60

static pthread_mutex_t speech_lock = PTHREAD_MUTEX_INITIALIZER;
static int sample_rate; /* guarded by speech_lock; 0 until espeak-ng is started */

typedef struct {
    char *data; /* WAV_HEADER bytes of room, then the samples */
    size_t len, cap, max;
    bool overflow;
} pcm_buf;

static int on_samples(short *wav, int n, espeak_EVENT *events) {
    pcm_buf *b = events ? events->user_data : NULL;
    if (!b || !wav || n <= 0) return 0;
    size_t bytes = (size_t)n * sizeof(short);
    if (b->len + bytes > b->max) {
        b->overflow = true;
        return 1; /* stop */
    }
    if (b->len + bytes > b->cap) {
        b->cap = (b->len + bytes) * 2;
        b->data = mem_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, wav, bytes);
    b->len += bytes;
    return 0;
}

static void put_u32(char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (char)((v >> (8 * i)) & 0xff);
}

static void put_u16(char *p, uint16_t v) {
    p[0] = (char)(v & 0xff);
    p[1] = (char)(v >> 8);
}

/* The RIFF/WAVE header of 16-bit mono PCM at rate with data_len bytes of samples. */
static void wav_header(char *h, int rate, size_t data_len) {
    memcpy(h, "RIFF", 4);
    put_u32(h + 4, (uint32_t)(36 + data_len));
    memcpy(h + 8, "WAVEfmt ", 8);
    put_u32(h + 16, 16);
    put_u16(h + 20, 1); /* PCM */
    put_u16(h + 22, 1); /* mono */
    put_u32(h + 24, (uint32_t)rate);
    put_u32(h + 28, (uint32_t)rate * 2);
    put_u16(h + 32, 2);
    put_u16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    put_u32(h + 40, (uint32_t)data_len);
}

/* Starts espeak-ng if needed; holds speech_lock. */
static herr *speech_start(void) {
    if (sample_rate > 0) return NULL;
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0)
        return err_with(err_new(ERR_UNAVAILABLE, NULL, "espeak-ng could not start"),
                        "phrasebook_no_speech", (const char *)NULL);
    espeak_SetSynthCallback(on_samples);
    sample_rate = rate;
    return NULL;
}

void phrasebook_speech_shutdown(void) {
    pthread_mutex_lock(&speech_lock);
    if (sample_rate > 0) espeak_Terminate();
    sample_rate = 0;
    pthread_mutex_unlock(&speech_lock);
}

/* Synthesises text with the espeak-ng voice into a new WAV buffer. */
static herr *synthesise(const char *voice, const char *lang_name, const char *text, char **wav,
                        size_t *len) {
    pcm_buf b = {0};
    herr *e = NULL;
    pthread_mutex_lock(&speech_lock);
    if ((e = speech_start())) goto cleanup;
    if (espeak_SetVoiceByName(voice) != EE_OK) {
        e = err_with(err_new(ERR_NOT_FOUND, "lang", "espeak-ng has no voice for %s", lang_name),
                     "phrasebook_no_voice", "lang", lang_name, (const char *)NULL);
        goto cleanup;
    }
    espeak_SetParameter(espeakRATE, 150, 0); /* a little slower than usual: first contact */
    b.max = WAV_HEADER + (size_t)sample_rate * 2 * MAX_SECONDS;
    b.cap = WAV_HEADER + (size_t)sample_rate; /* half a second; grows */
    b.data = mem_alloc(b.cap);
    b.len = WAV_HEADER;
    espeak_ERROR rc = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                                   espeakCHARS_UTF8 | espeakENDPAUSE, NULL, &b);
    if (rc != EE_OK || b.overflow || b.len == WAV_HEADER) {
        e = err_new(ERR_INTERNAL, NULL, "espeak-ng could not speak the text (%d%s)", (int)rc,
                    b.overflow ? ", too long" : "");
        goto cleanup;
    }
    wav_header(b.data, sample_rate, b.len - WAV_HEADER);
    *wav = b.data;
    *len = b.len;
    b.data = NULL;
cleanup:
    pthread_mutex_unlock(&speech_lock);
    mem_free(b.data);
    return e;
}

static herr *no_voice(const json_t *lang) {
    return err_with(
        err_new(ERR_NOT_FOUND, "lang", "espeak-ng has no voice for %s", json_str(lang, "name")),
        "phrasebook_no_voice", "lang", json_str(lang, "name"), (const char *)NULL);
}

herr *phrasebook_speak(store *s, const char *lang, const char *text, char **wav, size_t *len) {
    json_t *l = NULL;
    *wav = NULL;
    *len = 0;
    herr *e = pb_language(s, lang, &l);
    if (e) return e;
    if (!text || !text[0])
        e = err_required("text");
    else if (!json_str(l, "voice"))
        e = no_voice(l);
    else
        e = synthesise(json_str(l, "voice"), json_str(l, "name"), text, wav, len);
    json_decref(l);
    return e;
}

static const char audio_get_sql[] =
    "SELECT wav FROM phrasebook_audio WHERE sentence_id = :id AND lang = :lang AND version = :v";
static const char audio_put_sql[] =
    "INSERT OR REPLACE INTO phrasebook_audio (sentence_id, lang, version, wav)"
    " VALUES (:id, :lang, :v, :wav)";

/* The kept audio of this version, or NULL in *wav. */
static herr *kept(store *s, const char *id, const char *lang, const char *v, char **wav,
                  size_t *len) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, audio_get_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":lang", lang);
    store_bind_text(st, ":v", v);
    if (!(e = store_step(st, &row)) && row) {
        const void *data = store_blob(st, 0, len);
        *wav = mem_alloc(*len ? *len : 1);
        memcpy(*wav, data, *len);
    }
    store_done(st);
    return e;
}

/* Keeps the audio for next time. A failure only costs a later synthesis: logged. */
static void keep(store *s, const char *id, const char *lang, const char *v, const char *wav,
                 size_t len) {
    store_stmt *st = NULL;
    herr *e = store_prepare(s, audio_put_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":lang", lang);
        store_bind_text(st, ":v", v);
        store_bind_blob(st, ":wav", wav, len);
        e = store_run_done(&st);
    }
    if (e) log_error("phrasebook audio of %s/%s not kept: %s", id, lang, e->message);
    err_free(e);
}

herr *phrasebook_audio(store *s, const char *sentence_id, const char *lang, char **wav, size_t *len,
                       char version[PHRASEBOOK_VERSION_LEN]) {
    json_t *l = NULL, *t = NULL;
    *wav = NULL;
    *len = 0;
    herr *e = pb_language(s, lang, &l);
    if (!e) e = pb_text(s, sentence_id, lang, &t);
    if (e) goto cleanup;
    if (!json_str(l, "voice")) {
        e = no_voice(l);
        goto cleanup;
    }
    pb_audio_version(json_str(l, "voice"), json_str(t, "text"), version);
    if ((e = kept(s, sentence_id, lang, version, wav, len)) || *wav) goto cleanup;
    if ((e = synthesise(json_str(l, "voice"), json_str(l, "name"), json_str(t, "text"), wav, len)))
        goto cleanup;
    keep(s, sentence_id, lang, version, *wav, *len);
cleanup:
    json_decref(l);
    json_decref(t);
    return e;
}
