/* The screening questionnaire of data/screening.json: which questions exist, what
 * answers they take, and which risk categories an answer raises. Changing the
 * questions is a change of that file, not of this code. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/embedded.h"
#include "core/json.h"
#include "core/log.h"
#include "core/text.h"
#include "protection/protection.h"
#include "protection/protection_internal.h"

#define MAX_TEXT_ANSWER 2000

/* Written once under pthread_once (`loaded`), read-only afterwards (readers call
 * pthread_once first). */
static json_t *questionnaire;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static void load(void) {
    size_t len = 0;
    const char *text = embedded_find("screening.json", &len);
    json_error_t jerr;
    questionnaire = text ? json_loadb(text, len, 0, &jerr) : NULL;
    if (!questionnaire) {
        log_error("data/screening.json is missing or malformed");
        questionnaire = json_pack("{s:i,s:[],s:[]}", "version", 0, "categories", "questions");
    }
}

static const json_t *q_get(void) {
    pthread_once(&loaded, load);
    return questionnaire;
}

json_t *protection_questionnaire(void) { return json_deep_copy(q_get()); }

bool protection_category_valid(const char *code) {
    size_t i;
    json_t *c;
    if (!code) return false;
    json_array_foreach(json_object_get(q_get(), "categories"), i,
                       c) if (!strcmp(json_str(c, "code"), code)) return true;
    return false;
}

int prot_questionnaire_version(void) {
    return (int)json_integer_value(json_object_get(q_get(), "version"));
}

static const json_t *find_question(const char *id) {
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(q_get(), "questions"), i,
                       q) if (!strcmp(json_str(q, "id"), id)) return q;
    return NULL;
}

static const json_t *find_option(const json_t *q, const char *code) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(q, "options"), i,
                       o) if (!strcmp(json_str(o, "code"), code)) return o;
    return NULL;
}

static void raise_all(json_t *raised, const json_t *from) {
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(from, "raises"), i, r)
        json_object_set_new(raised, json_string_value(r), json_true());
}

static herr *bad(const char *qid, const char *what) {
    char field[64];
    snprintf(field, sizeof field, "answers.%s", qid);
    return err_invalid(field, "answer to %s must be %s", qid, what);
}

/* Checks one answer against its question and adds the categories it raises. */
static herr *check_answer(const json_t *q, const char *qid, const json_t *v, json_t *raised) {
    const char *type = json_str(q, "type");
    if (!strcmp(type, "yes_no")) {
        if (!json_is_boolean(v)) return bad(qid, "true or false");
        if (json_is_true(v)) raise_all(raised, q);
    } else if (!strcmp(type, "choice")) {
        const json_t *o = json_is_string(v) ? find_option(q, json_string_value(v)) : NULL;
        if (!o) return bad(qid, "one of the question's option codes");
        raise_all(raised, o);
    } else if (!strcmp(type, "multi")) {
        if (!json_is_array(v)) return bad(qid, "an array of the question's option codes");
        size_t i, k;
        json_t *item, *other;
        json_array_foreach(v, i, item) {
            const json_t *o = json_is_string(item) ? find_option(q, json_string_value(item)) : NULL;
            if (!o) return bad(qid, "an array of the question's option codes");
            json_array_foreach(v, k, other) if (k < i && json_equal(item, other)) return bad(
                qid, "an array of different option codes");
            raise_all(raised, o);
        }
    } else if (!strcmp(type, "text")) {
        if (!json_is_string(v) || text_utf8_length(json_string_value(v)) > MAX_TEXT_ANSWER)
            return bad(qid, "text of at most 2000 characters");
    } else {
        return err_new(ERR_INTERNAL, NULL, "question %s has an unknown type %s", qid, type);
    }
    return NULL;
}

herr *prot_questionnaire_evaluate(const json_t *answers, json_t **risks) {
    *risks = NULL;
    if (!json_is_object(answers))
        return err_invalid("answers", "answers must be an object of question id -> answer");
    json_t *raised = json_object();
    herr *e = NULL;
    const char *qid;
    json_t *v;
    json_object_foreach((json_t *)answers, qid, v) {
        const json_t *q = find_question(qid);
        if (!q) {
            char field[64];
            snprintf(field, sizeof field, "answers.%.50s", qid);
            e = err_invalid(field, "there is no question %s in the questionnaire", qid);
            goto cleanup;
        }
        if (json_is_null(v)) continue; /* not asked, or declined to answer */
        if ((e = check_answer(q, qid, v, raised))) goto cleanup;
    }
    size_t i;
    json_t *q, *c;
    json_array_foreach(json_object_get(q_get(), "questions"), i, q) {
        const char *id = json_str(q, "id");
        json_t *ans = json_object_get(answers, id);
        if (json_is_true(json_object_get(q, "required")) && (!ans || json_is_null(ans))) {
            char field[64];
            snprintf(field, sizeof field, "answers.%s", id);
            e = err_invalid(field, "the question %s must be answered", id);
            goto cleanup;
        }
    }
    /* In the questionnaire's order of categories, so the same risks read the same. */
    *risks = json_array();
    json_array_foreach(json_object_get(q_get(), "categories"), i,
                       c) if (json_object_get(raised, json_str(c, "code")))
        json_array_append_new(*risks, json_string(json_str(c, "code")));
cleanup:
    json_decref(raised);
    return e;
}
