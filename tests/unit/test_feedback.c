/* Complaints and feedback (deadlines, closing the loop), the PSEA channel (who may read,
 * the recorder losing access, encryption at rest, restricted audit) and surveys. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "centres_fixture.h"
#include "feedback/feedback.h"

#define MARKER "WOMBAT-7731 asked for sex for extra food"

static void make_item(fixture *f, const char *category, bool anonymous, const char *at,
                      char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:b,s:s,s:s}", "site_id", f->site[0], "channel", "box",
                           "category", category, "anonymous", anonymous, "summary",
                           "No hot water in the showers", "received_at", at);
    if (!anonymous) json_object_set_new(in, "person_id", json_string(f->person[0]));
    json_t *out = NULL;
    assert_ok(feedback_create(f->s, &f->registrar, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static herr *act(fixture *f, const actor *a, const char *id, const char *action, const char *text,
                 const char *loop) {
    json_t *in = json_pack("{s:s}", "action", action), *out = NULL;
    if (text) json_object_set_new(in, "text", json_string(text));
    if (loop) json_object_set_new(in, "loop", json_string(loop));
    herr *e = feedback_act(f->s, a, id, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static void test_deadlines_overdue_and_closing_the_loop(void **state) {
    fixture *f = *state;
    char old[ID_LEN], fresh[ID_LEN];
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now() - 5 * 86400, at);
    make_item(f, "safety", true, at, old); /* safety: acknowledge in 1 day, respond in 3 */
    clock_format_iso(clock_now() - 3600, at);
    make_item(f, "food", false, at, fresh);
    feedback_query q = {.overdue = true};
    json_t *out = NULL;
    assert_ok(feedback_list(f->s, &f->complaints, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    assert_string_equal(json_str(json_array_get(json_object_get(out, "items"), 0), "id"), old);
    json_decref(out);
    /* The desk records; the complaint handler handles. */
    assert_err(act(f, &f->registrar, old, "acknowledge", NULL, NULL), ERR_FORBIDDEN, NULL);
    assert_err(act(f, &f->complaints, old, "respond", NULL, NULL), ERR_INVALID, "text");
    assert_ok(act(f, &f->complaints, old, "acknowledge", NULL, NULL));
    assert_err(act(f, &f->complaints, old, "acknowledge", NULL, NULL), ERR_CONFLICT, "action");
    assert_ok(act(f, &f->complaints, old, "respond", "Boiler repair ordered", NULL));
    /* Anonymous, no contact: the answer can only be posted for all. */
    assert_err(act(f, &f->complaints, old, "close", "Boiler repaired", "told_person"), ERR_INVALID,
               "loop");
    assert_ok(act(f, &f->complaints, old, "close", "Boiler repaired", "posted_publicly"));
    assert_ok(feedback_get(f->s, &f->complaints, old, &out));
    assert_string_equal(json_str(out, "state"), "closed");
    assert_string_equal(json_str(out, "loop"), "posted_publicly");
    assert_int_equal(json_array_size(json_object_get(out, "events")), 3);
    json_decref(out);
    assert_ok(feedback_list(f->s, &f->complaints, &q, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
    assert_ok(feedback_figures(f->s, &f->viewer, NULL, NULL, NULL, &out));
    assert_int_equal(int_at(out, "open"), 1);
    json_decref(out);
    /* Another site's staff see nothing of it. */
    assert_err(feedback_get(f->s, &f->registrar_c, old, &out), ERR_NOT_FOUND, "id");
}

static void test_named_feedback_needs_someone(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "site_id", f->site[0], "channel", "hotline",
                           "category", "food", "summary", "cold rice");
    json_t *out = NULL;
    assert_err(feedback_create(f->s, &f->registrar, in, &out), ERR_INVALID, "contact");
    json_object_set_new(in, "category", json_string("psea"));
    assert_err(feedback_create(f->s, &f->registrar, in, &out), ERR_INVALID, "category");
    json_object_set_new(in, "category", json_string("food"));
    json_object_set_new(in, "person_id", json_string(f->person[4])); /* of another site */
    assert_err(feedback_create(f->s, &f->registrar, in, &out), ERR_INVALID, "person_id");
    json_decref(in);
}

static void record_psea(fixture *f, const actor *by, int site, char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s}", "site_id", f->site[site], "channel",
                           "in_person", "summary", MARKER, "alleged", "kitchen staff member",
                           "survivor_person_id", f->person[site * 2]);
    json_t *out = NULL;
    assert_ok(feedback_psea_record(f->s, by, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    /* The confirmation carries nothing of the content. */
    char *text = json_dumps(out, 0);
    assert_null(strstr(text, "WOMBAT"));
    assert_null(strstr(text, "kitchen"));
    free(text);
    json_decref(in);
    json_decref(out);
}

static void test_psea_is_read_by_focal_points_only_and_never_by_its_recorder(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    record_psea(f, &f->registrar, 0, id);
    json_t *out = NULL;
    assert_ok(feedback_psea_get(f->s, &f->psea, id, &out));
    assert_string_equal(json_str(out, "summary"), MARKER);
    assert_null(json_object_get(out, "recorded_by_id"));
    json_decref(out);
    const actor *others[] = {&f->registrar, &f->admin,  &f->complaints, &f->protection,
                             &f->viewer,    &f->psea_c, &f->counsellor};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_err(feedback_psea_get(f->s, others[i], id, &out), ERR_NOT_FOUND, "id");
        assert_err(feedback_psea_audit(f->s, others[i], id, &out), ERR_NOT_FOUND, "id");
    }
    /* A focal point who records a report cannot read it either. */
    char own[ID_LEN];
    record_psea(f, &f->psea, 0, own);
    assert_err(feedback_psea_get(f->s, &f->psea, own, &out), ERR_NOT_FOUND, "id");
    assert_ok(feedback_psea_list(f->s, &f->psea, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
    assert_err(feedback_psea_list(f->s, &f->admin, &out), ERR_FORBIDDEN, NULL);
    assert_ok(feedback_psea_list(f->s, &f->psea_c, &out)); /* other sites: none */
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    /* Steps, sealed notes, and the audit trail for the focal point. */
    json_t *in = json_pack("{s:s,s:s}", "state", "referred", "note", "WOMBAT referred to GBV");
    assert_ok(feedback_psea_act(f->s, &f->psea, id, in, &out));
    assert_string_equal(json_str(out, "state"), "referred");
    json_decref(out);
    assert_err(feedback_psea_act(f->s, &f->complaints, id, in, &out), ERR_NOT_FOUND, "id");
    json_decref(in);
    assert_ok(feedback_psea_audit(f->s, &f->psea, id, &out));
    assert_true(json_array_size(json_object_get(out, "items")) >= 4); /* record, reads, step */
    json_decref(out);
    /* The general audit view does not know the report exists. */
    assert_ok(audit_list(f->s, NULL, NULL, 1000, 0, &out));
    char *all = json_dumps(out, 0);
    assert_null(strstr(all, id));
    assert_null(strstr(all, "psea_report"));
    free(all);
    json_decref(out);
    /* Feedback lists and figures do not count it. */
    feedback_query q = {0};
    assert_ok(feedback_list(f->s, &f->admin, &q, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
}

static bool file_contains(const char *path, const char *needle) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    size_t cap = 1 << 22, len = 0, n = strlen(needle);
    char *buf = mem_alloc(cap);
    ssize_t r;
    while (len < cap && (r = read(fd, buf + len, cap - len)) > 0) len += (size_t)r;
    close(fd);
    bool found = false;
    for (size_t i = 0; i + n <= len && !found; i++) found = !memcmp(buf + i, needle, n);
    mem_free(buf);
    return found;
}

static void test_psea_is_sealed_at_rest_under_the_protection_key(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    record_psea(f, &f->registrar, 0, id);
    assert_ok(store_exec(f->s, "PRAGMA wal_checkpoint(TRUNCATE)"));
    assert_false(file_contains(store_path(f->s), "WOMBAT"));
    assert_false(file_contains(store_path(f->s), "kitchen staff"));
    /* Without the key it does not open, and says so. */
    protection_key_forget();
    json_t *out = NULL;
    assert_err(feedback_psea_get(f->s, &f->psea, id, &out), ERR_CONFLICT, NULL);
    protection_key_use(centres_test_key);
    assert_ok(feedback_psea_get(f->s, &f->psea, id, &out));
    json_decref(out);
}

static void test_surveys(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s,s:{s:i,s:b,s:s}}", "form", "satisfaction", "site_id",
                           f->site[0], "answers", "food", 4, "informed", 1, "priority", "food");
    json_t *out = NULL;
    assert_ok(feedback_survey_answer(f->s, &f->registrar, in, &out));
    json_decref(out);
    json_object_set_new(json_object_get(in, "answers"), "food", json_integer(2));
    assert_ok(feedback_survey_answer(f->s, &f->registrar, in, &out));
    json_decref(out);
    json_object_set_new(json_object_get(in, "answers"), "food", json_integer(9));
    assert_err(feedback_survey_answer(f->s, &f->registrar, in, &out), ERR_INVALID, "answers.food");
    json_decref(in);
    assert_ok(feedback_survey_results(f->s, &f->viewer, "satisfaction", NULL, NULL, NULL, &out));
    assert_int_equal(int_at(out, "responses"), 2);
    json_t *food = json_object_get(json_object_get(out, "questions"), "food");
    assert_true(json_real_value(json_object_get(food, "mean")) == 3.0);
    assert_int_equal(int_at(out, "questions.informed.yes"), 2);
    json_decref(out);
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_deadlines_overdue_and_closing_the_loop),
        T(test_named_feedback_needs_someone),
        T(test_psea_is_read_by_focal_points_only_and_never_by_its_recorder),
        T(test_psea_is_sealed_at_rest_under_the_protection_key),
        T(test_surveys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
