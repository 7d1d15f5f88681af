/* Trainings for officials: participants, agenda, evaluations, figures, and certificates
 * as PDF with numbers that stay the same on reprint. */
#include <stdlib.h>

#include "centres_fixture.h"
#include "sessions/sessions.h"

static void make_training(fixture *f, char id[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "title", "Identification of victims of trafficking",
                  "kind", "workshop", "starts_on", "2024-05-14", "ends_on", "2024-05-15", "venue",
                  "Sarajevo", "organiser", "IOM");
    json_t *out = NULL;
    assert_ok(sessions_training_create(f->s, &f->trainer, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void participant(fixture *f, const char *id, const char *name, const char *sex,
                        bool attended, char pid[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:b}", "name", name, "organisation",
                           "Granična policija BiH", "country", "BA", "sex", sex, "attended",
                           attended),
           *out = NULL;
    assert_ok(sessions_participant_add(f->s, &f->trainer, id, in, &out));
    json_t *list = json_object_get(out, "participants");
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p) {
        if (!strcmp(json_str(p, "name"), name)) snprintf(pid, ID_LEN, "%s", json_str(p, "id"));
    }
    json_decref(in);
    json_decref(out);
}

static bool contains(const char *buf, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(buf + i, needle, n)) return true;
    return false;
}

static void test_training_with_agenda_participants_and_evaluations(void **state) {
    fixture *f = *state;
    char id[ID_LEN], a[ID_LEN], b[ID_LEN], c[ID_LEN];
    make_training(f, id);
    json_t *in = json_pack("{s:s,s:s,s:s}", "day", "2024-05-16", "time", "09:00", "title", "x"),
           *out = NULL;
    assert_err(sessions_training_agenda_add(f->s, &f->trainer, id, in, &out), ERR_INVALID, "day");
    json_object_set_new(in, "day", json_string("2024-05-15"));
    json_object_set_new(in, "time", json_string("25:00"));
    assert_err(sessions_training_agenda_add(f->s, &f->trainer, id, in, &out), ERR_INVALID, "time");
    json_object_set_new(in, "time", json_string("09:30"));
    assert_ok(sessions_training_agenda_add(f->s, &f->trainer, id, in, &out));
    json_decref(out);
    json_decref(in);
    participant(f, id, "Amela Hodžić", "F", true, a);
    participant(f, id, "Ненад Петровић", "M", true, b);
    participant(f, id, "Goran Marić", "M", false, c);
    in = json_pack("{s:s,s:{s:i,s:s}}", "participant_id", a, "answers", "relevance", 5, "comment",
                   "More cases, please");
    assert_ok(sessions_evaluation_add(f->s, &f->trainer, id, in, &out));
    json_decref(out);
    assert_err(sessions_evaluation_add(f->s, &f->trainer, id, in, &out), ERR_CONFLICT,
               "participant_id");
    json_decref(in);
    in = json_pack("{s:{s:i}}", "answers", "relevance", 6);
    assert_err(sessions_evaluation_add(f->s, &f->trainer, id, in, &out), ERR_INVALID,
               "answers.relevance");
    json_decref(in);
    in = json_pack("{s:{s:i}}", "answers", "relevance", 3);
    assert_ok(sessions_evaluation_add(f->s, &f->trainer, id, in, &out)); /* anonymous */
    json_decref(in);
    assert_int_equal(int_at(out, "figures.participants"), 3);
    assert_int_equal(int_at(out, "figures.female"), 1);
    assert_int_equal(int_at(out, "figures.attended"), 2);
    assert_int_equal(int_at(out, "evaluation.responses"), 2);
    assert_true(
        json_real_value(json_object_get(
            json_object_get(json_object_get(json_object_get(out, "evaluation"), "questions"),
                            "relevance"),
            "mean")) == 4.0);
    assert_int_equal(json_array_size(json_object_get(out, "agenda")), 1);
    json_decref(out);
    assert_ok(sessions_training_figures(f->s, &f->viewer, "2024-05-01", "2024-05-31", &out));
    assert_int_equal(int_at(out, "totals.trainings"), 1);
    assert_int_equal(int_at(out, "totals.participants"), 2); /* those who attended */
    json_decref(out);
    /* Only trainers and admin change trainings. */
    in = json_pack("{s:s}", "title", "Renamed");
    assert_err(sessions_training_update(f->s, &f->registrar, id, in, &out), ERR_FORBIDDEN, NULL);
    assert_ok(sessions_training_update(f->s, &f->trainer, id, in, &out));
    json_decref(out);
    json_decref(in);
}

static void test_certificates_are_a_pdf_with_stable_numbers(void **state) {
    fixture *f = *state;
    char id[ID_LEN], a[ID_LEN], b[ID_LEN], c[ID_LEN];
    make_training(f, id);
    char *pdf = NULL;
    size_t len = 0;
    assert_err(sessions_certificates_pdf(f->s, &f->trainer, id, NULL, &pdf, &len), ERR_CONFLICT,
               NULL);
    participant(f, id, "Amela Hodžić", "F", true, a);
    participant(f, id, "Ненад Петровић", "M", true, b);
    participant(f, id, "Goran Marić", "M", false, c);
    assert_ok(sessions_certificates_pdf(f->s, &f->trainer, id, NULL, &pdf, &len));
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF", 4);
    assert_true(contains(pdf, len, "/Count 2")); /* two pages: those who attended */
    mem_free(pdf);
    json_t *out = NULL;
    assert_ok(sessions_training_get(f->s, &f->trainer, id, &out));
    char first[64] = "";
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(out, "participants"), i, p) {
        if (!strcmp(json_str(p, "id"), a))
            snprintf(first, sizeof first, "%s", json_str(p, "certificate_no"));
        if (!strcmp(json_str(p, "id"), c)) assert_null(json_str(p, "certificate_no"));
    }
    json_decref(out);
    assert_true(first[0]);
    assert_ok(sessions_certificates_pdf(f->s, &f->trainer, id, a, &pdf, &len));
    assert_true(contains(pdf, len, "/Count 1"));
    mem_free(pdf);
    assert_ok(sessions_training_get(f->s, &f->trainer, id, &out));
    json_array_foreach(json_object_get(out, "participants"), i, p) {
        if (!strcmp(json_str(p, "id"), a))
            assert_string_equal(json_str(p, "certificate_no"), first);
    }
    json_decref(out);
    assert_err(sessions_certificates_pdf(f->s, &f->trainer, id, c, &pdf, &len), ERR_NOT_FOUND,
               "participant_id");
    assert_int_equal(audit_count(f, "training", id, "certificates"), 2);
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_training_with_agenda_participants_and_evaluations),
        T(test_certificates_are_a_pdf_with_stable_numbers),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    sessions_shutdown();
    return failed;
}
