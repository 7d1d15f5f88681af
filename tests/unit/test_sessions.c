/* Group sessions: kinds and their permissions, attendance as registered people and
 * anonymous counts that add up, site scoping, audit, and monthly figures. */
#include "centres_fixture.h"
#include "sessions/sessions.h"

/* A legal information session at site 0 (or another kind) on 2024-05-10; returns its id. */
static void make_session(fixture *f, const actor *a, const char *kind, int site,
                         const char *counts_json, char id[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "kind", kind, "topic", "Asylum procedure",
                  "site_id", f->site[site], "starts_at", "2024-05-10T10:00:00Z", "facilitator",
                  "Vaša prava", "language", "fa", "duration_minutes", 90);
    if (counts_json) json_object_set_new(in, "counts", json_loads(counts_json, 0, NULL));
    json_t *out = NULL;
    assert_ok(sessions_create(f->s, a, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void test_attendance_adds_registered_people_and_anonymous_counts(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_session(f, &f->registrar, "legal_information", 0,
                 "[{\"sex\":\"M\",\"age_group\":\"18-59\",\"count\":7},"
                 "{\"sex\":\"F\",\"age_group\":\"18-59\",\"count\":2}]",
                 id);
    json_t *out = NULL;
    assert_ok(sessions_attend(f->s, &f->registrar, id, f->person[0], &out));
    json_decref(out);
    assert_ok(sessions_attend(f->s, &f->registrar, id, f->person[1], &out));
    assert_int_equal(int_at(out, "attendance.registered"), 2);
    assert_int_equal(int_at(out, "attendance.anonymous"), 9);
    assert_int_equal(int_at(out, "attendance.total"), 11);
    assert_int_equal(int_at(out, "attendance.by_sex.F"), 3);
    assert_int_equal(int_at(out, "attendance.by_sex.M"), 8);
    /* Maryam, born 2016-03-10, was 8 on the day of the session. */
    assert_int_equal(int_at(out, "attendance.by_age_group.6-11"), 1);
    assert_int_equal(json_array_size(json_object_get(out, "attendees")), 2);
    assert_string_equal(
        json_str(json_array_get(json_object_get(out, "attendees"), 1), "given_name"), "Maryam");
    json_decref(out);
    /* The same person twice is refused and changes nothing. */
    assert_err(sessions_attend(f->s, &f->registrar, id, f->person[0], &out), ERR_CONFLICT,
               "person_id");
    assert_ok(sessions_unattend(f->s, &f->registrar, id, f->person[0], &out));
    assert_int_equal(int_at(out, "attendance.total"), 10);
    json_decref(out);
    assert_int_equal(audit_count(f, "group_session", id, "attend"), 2);
    assert_int_equal(audit_count(f, "group_session", id, "unattend"), 1);
}

static void test_counts_are_replaced_and_checked(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_session(f, &f->registrar, "mine_risk_education", 0, NULL, id);
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"counts\":[{\"sex\":\"Q\",\"age_group\":\"18-59\",\"count\":1}]}", "counts[0].sex"},
        {"{\"counts\":[{\"sex\":\"M\",\"age_group\":\"old\",\"count\":1}]}", "counts[0].age_group"},
        {"{\"counts\":[{\"sex\":\"M\",\"age_group\":\"18-59\",\"count\":-1}]}", "counts[0]"},
        {"{\"counts\":[{\"sex\":\"M\",\"age_group\":\"18-59\",\"count\":1},"
         "{\"sex\":\"M\",\"age_group\":\"18-59\",\"count\":2}]}",
         "counts[1]"},
        {"{\"counts\":[{\"sex\":\"M\",\"count\":1}]}", "counts[0].age_group"},
        {"{}", "counts"},
    };
    json_t *out = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = json_loads(bad[i].body, 0, NULL);
        assert_err(sessions_counts_set(f->s, &f->registrar, id, in, &out), ERR_INVALID,
                   bad[i].field);
        json_decref(in);
    }
    json_t *in = json_loads("{\"counts\":[{\"sex\":\"M\",\"age_group\":\"12-17\",\"count\":4},"
                            "{\"sex\":\"X\",\"age_group\":\"unknown\",\"count\":1}]}",
                            0, NULL);
    assert_ok(sessions_counts_set(f->s, &f->registrar, id, in, &out));
    assert_int_equal(int_at(out, "attendance.anonymous"), 5);
    assert_int_equal(int_at(out, "attendance.by_sex.X"), 1);
    json_decref(out);
    json_decref(in);
    in = json_loads("{\"counts\":[{\"sex\":\"F\",\"age_group\":\"60+\",\"count\":2}]}", 0, NULL);
    assert_ok(sessions_counts_set(f->s, &f->registrar, id, in, &out));
    assert_int_equal(int_at(out, "attendance.anonymous"), 2); /* replaced, not added */
    json_decref(out);
    json_decref(in);
}

static void test_bad_session_input_names_the_field_and_changes_nothing(void **state) {
    fixture *f = *state;
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"topic\":\"x\",\"starts_at\":\"2024-05-10T10:00:00Z\",\"facilitator\":\"y\","
         "\"language\":\"fa\"}",
         "kind"},
        {"{\"kind\":\"knitting\",\"topic\":\"x\",\"starts_at\":\"2024-05-10T10:00:00Z\","
         "\"facilitator\":\"y\",\"language\":\"fa\"}",
         "kind"},
        {"{\"kind\":\"legal_information\",\"topic\":\" \",\"starts_at\":\"2024-05-10T10:00:00Z\","
         "\"facilitator\":\"y\",\"language\":\"fa\"}",
         "topic"},
        {"{\"kind\":\"legal_information\",\"topic\":\"x\",\"starts_at\":\"tomorrow\","
         "\"facilitator\":\"y\",\"language\":\"fa\"}",
         "starts_at"},
        {"{\"kind\":\"legal_information\",\"topic\":\"x\",\"starts_at\":\"2024-05-10T10:00:00Z\","
         "\"facilitator\":\"y\",\"language\":\"klingon\"}",
         "language"},
        {"{\"kind\":\"legal_information\",\"topic\":\"x\",\"starts_at\":\"2024-05-10T10:00:00Z\","
         "\"facilitator\":\"y\",\"language\":\"fa\",\"duration_minutes\":0}",
         "duration_minutes"},
        {"{\"kind\":\"legal_information\",\"topic\":\"x\",\"starts_at\":\"2024-05-10T10:00:00Z\","
         "\"facilitator\":\"y\",\"language\":\"fa\",\"colour\":\"red\"}",
         "colour"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = json_loads(bad[i].body, 0, NULL);
        json_object_set_new(in, "site_id", json_string(f->site[0]));
        json_t *out = NULL;
        assert_err(sessions_create(f->s, &f->registrar, in, &out), ERR_INVALID, bad[i].field);
        json_decref(in);
    }
    /* A site that is not the actor's. */
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "legal_information", "topic", "x",
                           "site_id", f->site[2], "starts_at", "2024-05-10T10:00:00Z",
                           "facilitator", "y", "language", "fa");
    json_t *out = NULL;
    assert_err(sessions_create(f->s, &f->registrar, in, &out), ERR_INVALID, "site_id");
    json_decref(in);
    sessions_query q = {0};
    assert_ok(sessions_list(f->s, &f->admin, &q, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
}

static void test_kind_permission_decides_who_records(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "psychosocial_group", "topic",
                           "Coping with stress", "site_id", f->site[0], "starts_at",
                           "2024-05-10T10:00:00Z", "facilitator", "MHPSS", "language", "ps");
    json_t *out = NULL;
    /* Psychosocial groups are the protection team's (protection.write). */
    assert_err(sessions_create(f->s, &f->registrar, in, &out), ERR_FORBIDDEN, "kind");
    assert_ok(sessions_create(f->s, &f->protection, in, &out));
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    assert_err(sessions_attend(f->s, &f->registrar, id, f->person[0], &out), ERR_FORBIDDEN, "kind");
    assert_ok(sessions_attend(f->s, &f->protection, id, f->person[0], &out));
    json_decref(out);
    json_decref(in);
    /* Kinds are data: the returns module finds its own. */
    json_t *kinds = sessions_kinds("returns");
    assert_int_equal(json_array_size(kinds), 1);
    assert_string_equal(json_str(json_array_get(kinds, 0), "code"), "return_information");
    json_decref(kinds);
}

static void test_sessions_and_people_of_other_sites_stay_hidden(void **state) {
    fixture *f = *state;
    char id[ID_LEN], other[ID_LEN];
    make_session(f, &f->registrar, "legal_information", 0, NULL, id);
    make_session(f, &f->registrar_c, "legal_information", 2, NULL, other);
    json_t *out = NULL;
    assert_err(sessions_get(f->s, &f->registrar, other, &out), ERR_NOT_FOUND, "id");
    assert_err(sessions_attend(f->s, &f->registrar, other, f->person[0], &out), ERR_NOT_FOUND,
               "id");
    /* A person of site 2 cannot be recorded by staff of sites 0 and 1. */
    assert_err(sessions_attend(f->s, &f->registrar, id, f->person[4], &out), ERR_INVALID,
               "person_id");
    sessions_query q = {0};
    assert_ok(sessions_list(f->s, &f->registrar, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    json_decref(out);
    assert_ok(sessions_list(f->s, &f->admin, &q, &out));
    assert_int_equal(int_at(out, "total"), 2);
    json_decref(out);
}

static void test_attend_many_skips_repeats_and_refuses_unknown_people(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_session(f, &f->registrar, "language_class", 0, NULL, id);
    json_t *in = json_pack("{s:[s,s,s]}", "person_ids", f->person[0], f->person[2], f->person[0]);
    json_t *out = NULL;
    assert_ok(sessions_attend_many(f->s, &f->registrar, id, in, &out));
    assert_int_equal(int_at(out, "added"), 2);
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:[s,s]}", "person_ids", f->person[3], "01900000-0000-7000-8000-000000000000");
    assert_err(sessions_attend_many(f->s, &f->registrar, id, in, &out), ERR_INVALID,
               "person_ids[1]");
    json_decref(in);
    assert_ok(sessions_get(f->s, &f->registrar, id, &out));
    assert_int_equal(int_at(out, "attendance.registered"), 2); /* person 3 not added */
    json_decref(out);
    assert_ok(sessions_of_person(f->s, &f->registrar, f->person[2], NULL, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
}

static void test_monthly_figures_add_up(void **state) {
    fixture *f = *state;
    char a[ID_LEN], b[ID_LEN];
    make_session(f, &f->registrar, "legal_information", 0,
                 "[{\"sex\":\"M\",\"age_group\":\"18-59\",\"count\":3}]", a);
    make_session(f, &f->registrar, "legal_information", 1,
                 "[{\"sex\":\"F\",\"age_group\":\"12-17\",\"count\":2}]", b);
    json_t *out = NULL;
    assert_ok(sessions_attend(f->s, &f->registrar, a, f->person[1], &out));
    json_decref(out);
    assert_ok(sessions_period_figures(f->s, "2024-05-01", "2024-05-31", &out));
    json_t *m = json_array_get(json_object_get(out, "months"), 0);
    assert_string_equal(json_str(m, "month"), "2024-05");
    assert_int_equal(int_at(m, "sessions"), 2);
    assert_int_equal(int_at(m, "total"), 6);
    assert_int_equal(int_at(m, "female"), 3);
    assert_int_equal(int_at(m, "children"), 3);
    assert_int_equal(int_at(out, "totals.registered"), 1);
    json_decref(out);
    /* The actor's view: one site only. */
    assert_ok(sessions_figures(f->s, &f->registrar, f->site[1], "2024-05-01", "2024-05-31", &out));
    assert_int_equal(int_at(out, "totals.total"), 2);
    json_decref(out);
    assert_ok(sessions_period_figures(f->s, "2024-06-01", "2024-06-30", &out));
    assert_int_equal(int_at(out, "totals.sessions"), 0);
    json_decref(out);
}

static void test_update_keeps_kind_and_site(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_session(f, &f->registrar, "legal_information", 0, NULL, id);
    json_t *in = json_pack("{s:s,s:s,s:[s]}", "topic", "Temporary protection", "interpreter",
                           "Farid", "interpreted_languages", "ps");
    json_t *out = NULL;
    assert_ok(sessions_update(f->s, &f->registrar, id, in, &out));
    assert_string_equal(json_str(out, "topic"), "Temporary protection");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(out, "interpreted_languages"), 0)), "ps");
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s}", "kind", "language_class");
    assert_err(sessions_update(f->s, &f->registrar, id, in, &out), ERR_INVALID, "kind");
    json_decref(in);
    assert_int_equal(audit_count(f, "group_session", id, "update"), 1);
}

static void test_age_groups(void **state) {
    (void)state;
    char g[SESSIONS_AGE_GROUP_LEN];
    sessions_age_group_of("2020-05-11", "2024-05-10", g);
    assert_string_equal(g, "0-5");
    sessions_age_group_of("2006-05-10", "2024-05-10", g);
    assert_string_equal(g, "18-59");
    sessions_age_group_of("2006-05-11", "2024-05-10", g);
    assert_string_equal(g, "12-17");
    sessions_age_group_of(NULL, "2024-05-10", g);
    assert_string_equal(g, "unknown");
    sessions_age_group_of("1950-01-01", "2024-05-10", g);
    assert_string_equal(g, "60+");
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_attendance_adds_registered_people_and_anonymous_counts),
        T(test_counts_are_replaced_and_checked),
        T(test_bad_session_input_names_the_field_and_changes_nothing),
        T(test_kind_permission_decides_who_records),
        T(test_sessions_and_people_of_other_sites_stay_hidden),
        T(test_attend_many_skips_repeats_and_refuses_unknown_people),
        T(test_monthly_figures_add_up),
        T(test_update_keeps_kind_and_site),
        cmocka_unit_test(test_age_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
