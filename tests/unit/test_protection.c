/* Protection: screening, need to know, break-glass, audit of reads, encryption at rest
 * and the key. Referrals and cases are in test_protection_flow.c. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protection_fixture.h"

static const char child_answers[] =
    "{\"child_status\":\"unaccompanied\",\"serious_medical\":true,\"distress\":false,"
    "\"trafficking_indicators\":[\"debt\",\"not_free\"],\"observations\":\"sleeps badly\"}";

static void test_screening_raises_risks_from_answers(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:o,s:[s],s:s}", "site_id", f->site[0], "answers",
                           json_loads(child_answers, 0, NULL), "additional_risks", "mental_health",
                           "note", "arrived with a cousin");
    json_t *out = NULL;
    assert_ok(protection_screening_create(f->s, &f->prot, f->person[0], in, &out));
    json_t *want = json_pack("[s,s,s,s]", "unaccompanied_child", "serious_medical", "trafficking",
                             "mental_health");
    assert_true(json_equal(json_object_get(out, "risks"), want));
    assert_true(json_is_true(json_object_get(out, "has_risk")));
    json_decref(want);
    json_decref(in);
    json_decref(out);
}

static void test_rescreening_keeps_history(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, NULL, NULL);
    screen(f, 0, 1, "{\"child_status\":\"adult\"}", "re-screened", NULL);
    json_t *out = NULL;
    assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    /* Newest first: the second screening found nothing. */
    assert_int_equal(json_array_size(json_object_get(json_array_get(items, 0), "risks")), 0);
    assert_string_equal(json_str(json_array_get(items, 0), "note"), "re-screened");
    assert_int_equal(json_array_size(json_object_get(json_array_get(items, 1), "risks")), 3);
    json_decref(out);
    bool needs = true;
    assert_ok(protection_person_flag(f->s, f->person[0], &needs));
    assert_false(needs); /* the flag follows the latest screening */
}

static void test_bad_screening_input_names_the_field_and_changes_nothing(void **state) {
    fixture *f = *state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"answers\":{\"child_status\":\"adult\"}}", "site_id"},
        {"{\"site_id\":\"S\",\"answers\":{}}", "answers.child_status"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"teen\"}}", "answers.child_status"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\",\"pregnant\":\"yes\"}}",
         "answers.pregnant"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\",\"shoe_size\":42}}",
         "answers.shoe_size"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\",\"disability\":[\"x\"]}}",
         "answers.disability"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\"},\"additional_risks\":"
         "[\"rich\"]}",
         "additional_risks"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\"},\"colour\":1}", "colour"},
        {"{\"site_id\":\"S\",\"answers\":{\"child_status\":\"adult\"},\"screened_at\":\"soon\"}",
         "screened_at"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *in = json_loads(cases[i].body, 0, NULL);
        if (json_str(in, "site_id")) json_object_set_new(in, "site_id", json_string(f->site[0]));
        json_t *out = NULL;
        assert_err(protection_screening_create(f->s, &f->prot, f->person[0], in, &out), ERR_INVALID,
                   cases[i].field);
        json_decref(in);
    }
    json_t *out = NULL;
    assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_int_equal(audit_count(f, "protection_screening", NULL, "create"), 0);
}

static void test_screening_at_a_site_not_the_officers_is_refused(void **state) {
    fixture *f = *state;
    json_t *in =
        json_pack("{s:s,s:{s:s}}", "site_id", f->site[2], "answers", "child_status", "adult");
    json_t *out = NULL;
    assert_err(protection_screening_create(f->s, &f->prot, f->person[0], in, &out), ERR_NOT_FOUND,
               "site_id");
    json_decref(in);
}

static void test_other_roles_cannot_read_or_write_details(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, "secret observation", NULL);
    actor *others[] = {&f->registrar, &f->counsellor, &f->statistician};
    for (size_t i = 0; i < 3; i++) {
        actor *a = others[i];
        json_t *out = NULL;
        protection_referral_query q = {0};
        assert_err(protection_screening_list(f->s, a, f->person[0], &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_person_summary(f->s, a, f->person[0], &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_consent_list(f->s, a, f->person[0], &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_referral_list(f->s, a, &q, &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_case_list(f->s, a, NULL, false, &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_case_get(f->s, a, f->person[0], &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_referral_get(f->s, a, f->person[0], &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_dashboard(f->s, a, NULL, NULL, 0, &out), ERR_FORBIDDEN, NULL);
        assert_err(protection_provider_list(f->s, a, NULL, &out), ERR_FORBIDDEN, NULL);
        json_t *in =
            json_pack("{s:s,s:{s:s}}", "site_id", f->site[0], "answers", "child_status", "adult");
        assert_err(protection_screening_create(f->s, a, f->person[0], in, &out), ERR_FORBIDDEN,
                   NULL);
        json_decref(in);
        in = json_pack("{s:s,s:s}", "person_id", f->person[0], "reason", "curious about it");
        assert_err(protection_break_glass_open(f->s, a, in, &out), ERR_FORBIDDEN, NULL);
        json_decref(in);
    }
    /* They may learn only the flag. */
    bool needs = false;
    assert_ok(protection_person_flag(f->s, f->person[0], &needs));
    assert_true(needs);
}

static void test_officer_of_another_site_sees_nothing(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, NULL, NULL);
    json_t *out = NULL;
    assert_err(protection_screening_list(f->s, &f->prot_b, f->person[0], &out), ERR_NOT_FOUND,
               NULL);
    assert_err(protection_person_summary(f->s, &f->prot_b, f->person[0], &out), ERR_NOT_FOUND,
               NULL);
}

static void test_admin_reads_only_through_break_glass_and_every_read_is_audited(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, NULL, NULL);
    json_t *out = NULL;
    assert_err(protection_screening_list(f->s, &f->admin, f->person[0], &out), ERR_FORBIDDEN, NULL);
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[0], "reason", "short");
    assert_err(protection_break_glass_open(f->s, &f->admin, in, &out), ERR_INVALID, "reason");
    json_decref(in);
    in = json_pack("{s:s,s:s,s:i}", "person_id", f->person[0], "reason",
                   "Court order 12/2023 asks for the file", "minutes", 10);
    assert_ok(protection_break_glass_open(f->s, &f->admin, in, &out));
    char grant[ID_LEN];
    snprintf(grant, sizeof grant, "%s", json_str(out, "id"));
    json_decref(out);
    json_decref(in);
    assert_int_equal(audit_count(f, "protection_break_glass", grant, "break_glass"), 1);

    assert_ok(protection_screening_list(f->s, &f->admin, f->person[0], &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
    assert_ok(protection_person_summary(f->s, &f->admin, f->person[0], &out));
    json_decref(out);
    /* The reads are audited, naming the grant. */
    json_t *log = NULL;
    assert_ok(audit_list(f->s, "protection_screenings", f->person[0], 10, 0, &log));
    json_t *entry = json_array_get(json_object_get(log, "items"), 0);
    assert_string_equal(json_str(entry, "action"), "read");
    assert_string_equal(json_str(json_object_get(entry, "detail"), "break_glass_id"), grant);
    json_decref(log);
    assert_int_equal(audit_count(f, "protection_file", f->person[0], "read"), 1);
    /* Not for another person, not for lists, and not after it expired. */
    assert_err(protection_screening_list(f->s, &f->admin, f->person[1], &out), ERR_FORBIDDEN, NULL);
    protection_referral_query q = {0};
    assert_err(protection_referral_list(f->s, &f->admin, &q, &out), ERR_FORBIDDEN, NULL);
    clock_set_fake(clock_now() + 11 * 60);
    assert_err(protection_screening_list(f->s, &f->admin, f->person[0], &out), ERR_FORBIDDEN, NULL);
}

static void test_officer_reads_are_audited(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, NULL, NULL);
    json_t *out = NULL;
    for (int i = 0; i < 3; i++) {
        assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
        json_decref(out);
    }
    assert_int_equal(audit_count(f, "protection_screenings", f->person[0], "read"), 3);
    assert_ok(protection_consent_list(f->s, &f->prot, f->person[0], &out));
    json_decref(out);
    assert_int_equal(audit_count(f, "protection_consents", f->person[0], "read"), 1);
}

/* True when the bytes of needle occur in the file. */
static bool file_contains(const char *path, const char *needle) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return false;
    size_t n = strlen(needle), cap = 1 << 20, len = 0;
    char *buf = mem_alloc(cap);
    bool found = false;
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) buf = mem_realloc(buf, cap *= 2);
    }
    for (size_t i = 0; i + n <= len && !found; i++) found = !memcmp(buf + i, needle, n);
    fclose(fp);
    mem_free(buf);
    return found;
}

static void test_database_file_holds_no_note_text(void **state) {
    fixture *f = *state;
    static const char marker[] = "ZEBRA-PENGUIN-7731 told us about the smuggler";
    screen(f, 0, 0, child_answers, marker, NULL);
    consent(f, 0, "data_sharing", true, NULL);
    json_t *in = json_pack("{s:s,s:s,s:s}", "person_id", f->person[0], "guardian", marker,
                           "summary", marker);
    json_t *out = NULL;
    assert_ok(protection_case_open(f->s, &f->prot, in, &out));
    json_decref(in);
    in = json_pack("{s:s}", "text", marker);
    char case_id[ID_LEN];
    snprintf(case_id, sizeof case_id, "%s", json_str(out, "id"));
    json_decref(out);
    assert_ok(protection_case_note_add(f->s, &f->prot, case_id, in, &out));
    json_decref(out);
    json_decref(in);
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", store_path(f->s));
    assert_false(file_contains(store_path(f->s), "ZEBRA-PENGUIN"));
    assert_false(file_contains(wal, "ZEBRA-PENGUIN"));
    assert_false(file_contains(store_path(f->s), "sleeps badly"));
    assert_false(file_contains(wal, "sleeps badly"));
    assert_false(file_contains(wal, "trafficking"));
    /* And the officer reads it back. */
    assert_ok(protection_case_get(f->s, &f->prot, case_id, &out));
    assert_string_equal(json_str(json_array_get(json_object_get(out, "notes"), 0), "text"), marker);
    assert_string_equal(json_str(out, "guardian"), marker);
    json_decref(out);
}

static void test_wrong_key_does_not_open_the_data(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, child_answers, "note", NULL);
    static const unsigned char other[CRYPTO_KEY_LEN] = "fedcba9876543210fedcba9876543210";
    protection_key_use(other);
    json_t *out = NULL;
    assert_err(protection_screening_list(f->s, &f->prot, f->person[0], &out), ERR_IO, NULL);
    protection_key_forget();
    assert_err(protection_screening_list(f->s, &f->prot, f->person[0], &out), ERR_CONFLICT, NULL);
    json_t *in =
        json_pack("{s:s,s:{s:s}}", "site_id", f->site[0], "answers", "child_status", "adult");
    assert_err(protection_screening_create(f->s, &f->prot, f->person[0], in, &out), ERR_CONFLICT,
               NULL);
    json_decref(in);
    protection_key_use(test_key);
    assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
    json_decref(out);
}

static void key_path(fixture *f, char out[4200]) {
    snprintf(out, 4200, "%s.key", store_path(f->s));
}

static void test_key_file_is_created_checked_and_refused_when_wrong(void **state) {
    fixture *f = *state;
    char path[4200], old[4300];
    key_path(f, path);
    assert_ok(protection_key_setup(f->s, path, true));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_ok(protection_key_setup(f->s, path, false)); /* the same key loads again */
    snprintf(old, sizeof old, "%s.saved", path);
    assert_int_equal(rename(path, old), 0);
    assert_err(protection_key_setup(f->s, path, true), ERR_NOT_FOUND, "key-file");
    unsigned char other[CRYPTO_KEY_LEN];
    crypto_random(other, sizeof other);
    assert_ok(crypto_key_file_write(path, other));
    assert_err(protection_key_setup(f->s, path, true), ERR_CONFLICT, "key-file");
    assert_int_equal(rename(old, path), 0);
    chmod(path, 0644);
    assert_err(protection_key_setup(f->s, path, true), ERR_FORBIDDEN, "key-file");
    chmod(path, 0600);
    assert_ok(protection_key_setup(f->s, path, false));
    unlink(path);
}

static void test_rotation_keeps_data_readable_under_the_new_key_only(void **state) {
    fixture *f = *state;
    char path[4200], old_path[4300];
    key_path(f, path);
    assert_ok(protection_key_setup(f->s, path, true));
    unsigned char before[CRYPTO_KEY_LEN], after[CRYPTO_KEY_LEN];
    assert_ok(crypto_key_file_read(path, before));
    screen(f, 0, 0, child_answers, "before rotation", NULL);
    consent(f, 0, "registration", true, NULL);
    long count = 0;
    assert_ok(protection_key_rotate(f->s, path, &count));
    assert_int_equal(count, 1); /* the screening; the consent has no note */
    assert_ok(crypto_key_file_read(path, after));
    assert_memory_not_equal(before, after, CRYPTO_KEY_LEN);
    snprintf(old_path, sizeof old_path, "%s.old", path);
    assert_int_not_equal(access(old_path, F_OK), 0);
    json_t *out = NULL;
    assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
    assert_string_equal(json_str(json_array_get(json_object_get(out, "items"), 0), "note"),
                        "before rotation");
    json_decref(out);
    protection_key_use(before);
    assert_err(protection_screening_list(f->s, &f->prot, f->person[0], &out), ERR_IO, NULL);
    char stale[4300];
    snprintf(stale, sizeof stale, "%s.stale", path);
    assert_ok(crypto_key_file_write(stale, before));
    assert_err(protection_key_setup(f->s, stale, false), ERR_CONFLICT, "key-file");
    unlink(stale);
    assert_ok(protection_key_setup(f->s, path, false));
    assert_ok(protection_screening_list(f->s, &f->prot, f->person[0], &out));
    json_decref(out);
    unlink(path);
}

static void test_sealed_value_moved_to_another_record_does_not_open(void **state) {
    fixture *f = *state;
    char a[ID_LEN], b[ID_LEN];
    screen(f, 0, 0, child_answers, "first", a);
    screen(f, 0, 0, "{\"child_status\":\"adult\"}", "second", b);
    store_stmt *st = NULL;
    assert_ok(store_prepare(f->s,
                            "UPDATE protection_screenings SET payload = (SELECT payload FROM"
                            " protection_screenings WHERE id = :a) WHERE id = :b",
                            &st));
    store_bind_text(st, ":a", a);
    store_bind_text(st, ":b", b);
    assert_ok(store_run_done(&st));
    json_t *out = NULL;
    assert_err(protection_screening_list(f->s, &f->prot, f->person[0], &out), ERR_IO, NULL);
}

static void test_protection_needs_follow_a_person_across_a_merge(void **state) {
    fixture *f = *state;
    screen(f, 1, 1, child_answers, "on the duplicate", NULL);
    json_t *p = NULL, *out = NULL, *in = json_pack("{s:s}", "reason", "moved_on");
    assert_ok(registry_person_get(f->s, &f->sys, f->person[1], &p));
    const char *stay = json_str(json_object_get(p, "current_stay"), "id");
    assert_ok(registry_stay_check_out(f->s, &f->sys, stay, in, &out));
    json_decref(out);
    json_decref(in);
    json_decref(p);
    in = json_pack("{s:s}", "other_id", f->person[1]);
    assert_ok(registry_person_merge(f->s, &f->sys, f->person[0], in, &out));
    json_decref(out);
    json_decref(in);
    assert_ok(registry_person_get(f->s, &f->sys, f->person[0], &p));
    bool needs = false;
    assert_ok(protection_person_flag(f->s, f->person[0], &needs));
    assert_false(needs); /* the survivor's own record has no screening */
    assert_ok(protection_person_flag_group(f->s, p, &needs));
    assert_true(needs);
    json_decref(p);
    assert_ok(protection_person_summary(f->s, &f->prot, f->person[0], &out));
    assert_int_equal(json_array_size(json_object_get(out, "screenings")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "risks")), 3);
    json_decref(out);
}

static void test_questionnaire_has_every_category_in_three_languages(void **state) {
    (void)state;
    json_t *q = protection_questionnaire();
    static const char *const expected[] = {"unaccompanied_child", "pregnant", "disability",
                                           "serious_medical",     "lgbtqi",   "gbv_survivor",
                                           "trafficking",         "elderly",  "single_parent",
                                           "mental_health",       "other"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_true(protection_category_valid(expected[i]));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(q, "questions"), i, item) {
        assert_non_null(json_str(item, "en"));
        assert_non_null(json_str(item, "bs"));
        assert_non_null(json_str(item, "sr"));
    }
    json_decref(q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_screening_raises_risks_from_answers),
        T(test_rescreening_keeps_history),
        T(test_bad_screening_input_names_the_field_and_changes_nothing),
        T(test_screening_at_a_site_not_the_officers_is_refused),
        T(test_other_roles_cannot_read_or_write_details),
        T(test_officer_of_another_site_sees_nothing),
        T(test_admin_reads_only_through_break_glass_and_every_read_is_audited),
        T(test_officer_reads_are_audited),
        T(test_database_file_holds_no_note_text),
        T(test_wrong_key_does_not_open_the_data),
        T(test_key_file_is_created_checked_and_refused_when_wrong),
        T(test_rotation_keeps_data_readable_under_the_new_key_only),
        T(test_sealed_value_moved_to_another_record_does_not_open),
        T(test_protection_needs_follow_a_person_across_a_merge),
        T(test_questionnaire_has_every_category_in_three_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
