/* Return cases: the state machine walked from intention to arrived with its dated
 * history, every refused transition (409 naming the missing step, nothing changed),
 * the details each step needs, family members on one case, the vulnerable mark, site
 * scoping and permissions, lists and overdue steps; individual counselling. */
#include <stdlib.h>

#include "returns_fixture.h"
#include "returns/returns.h"
#include "stats/stats.h"

static int history_len(fixture *f, const char *id) {
    json_t *out = NULL;
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    int n = (int)json_array_size(json_object_get(out, "history"));
    json_decref(out);
    return n;
}

static void test_case_walks_from_intention_to_arrived_with_a_dated_history(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_case(f, &f->counsellor, 0, f->person[1], id);
    json_t *out = NULL;
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    assert_int_equal(json_array_size(json_object_get(out, "travellers")), 2);
    /* Maryam (8) travels with Ahmad: the case is marked, the reason is "child". */
    assert_true(json_is_true(json_object_get(out, "vulnerable")));
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(out, "vulnerable_reasons"), 0)), "child");
    assert_string_equal(json_str(out, "counsellor_id"), f->counsellor.user_id);
    assert_string_equal(json_string_value(json_array_get(json_object_get(out, "next"), 0)),
                        "eligibility_checked");
    json_decref(out);
    for (size_t i = 0; i < sizeof way_home / sizeof way_home[0]; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    json_t *history = json_object_get(out, "history");
    assert_int_equal(json_array_size(history), 8);
    assert_null(json_str(json_array_get(history, 0), "from"));
    assert_string_equal(json_str(json_array_get(history, 2), "to"), "documents_requested");
    assert_string_equal(json_str(json_object_get(json_array_get(history, 2), "details"), "embassy"),
                        "Embassy of Morocco, Sarajevo");
    assert_string_equal(json_str(json_array_get(history, 7), "by_name"), "counsellor");
    assert_int_equal(json_array_size(json_object_get(out, "next")), 0);
    assert_true(json_is_true(json_object_get(out, "closed")));
    assert_false(json_is_true(json_object_get(out, "overdue")));
    json_decref(out);
    assert_int_equal(audit_count(f, "return_case", id, "create"), 1);
    assert_int_equal(audit_count(f, "return_case", id, "transition"), 7);
}

/* The key and a param of a refused transition, then frees the error. */
static void assert_refused(herr *e, const char *key, const char *param, const char *value) {
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_string_equal(e->field, "to");
    assert_string_equal(e->key, key);
    bool found = false;
    for (int i = 0; i < e->n_params; i++)
        if (!strcmp(e->params[i].name, param)) {
            assert_string_equal(e->params[i].value, value);
            found = true;
        }
    assert_true(found);
    err_free(e);
}

static void test_refused_transitions_are_conflicts_that_change_nothing(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    json_t *out = NULL;
    make_case(f, &f->counsellor, 0, NULL, id);
    /* Skipping eligibility: 409 naming the missing step. */
    assert_refused(move(f, &f->counsellor, id, "documents_requested", way_home[1].details, &out),
                   "returns_step_missing", "missing", "eligibility_checked");
    assert_refused(move(f, &f->counsellor, id, "arrived", way_home[6].details, &out),
                   "returns_step_missing", "missing", "eligibility_checked");
    move_ok(f, &f->counsellor, id, "eligibility_checked", NULL);
    assert_refused(move(f, &f->counsellor, id, "fit_to_travel", way_home[3].details, &out),
                   "returns_step_missing", "missing", "documents_requested");
    /* Back, or to the same state. */
    assert_refused(move(f, &f->counsellor, id, "intention", NULL, &out), "returns_transition_back",
                   "state", "eligibility_checked");
    assert_refused(move(f, &f->counsellor, id, "eligibility_checked", NULL, &out),
                   "returns_transition_back", "to", "eligibility_checked");
    assert_int_equal(history_len(f, id), 2);
    /* Withdrawn needs a reason; then the case is closed for every move. */
    assert_err(move(f, &f->counsellor, id, "withdrawn", NULL, &out), ERR_INVALID, "details.reason");
    move_ok(f, &f->counsellor, id, "withdrawn", "{\"reason\":\"Wants to apply for asylum\"}");
    static const char *const all[] = {"intention", "eligibility_checked", "documents_requested",
                                      "arrived",   "cancelled",           "withdrawn"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_refused(move(f, &f->counsellor, id, all[i], "{\"reason\":\"again\"}", &out),
                       "returns_case_closed", "state", "withdrawn");
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    assert_string_equal(json_str(out, "state"), "withdrawn");
    assert_string_equal(json_str(out, "closed_reason"), "Wants to apply for asylum");
    assert_int_equal(json_array_size(json_object_get(out, "history")), 3);
    json_decref(out);
    assert_int_equal(audit_count(f, "return_case", id, "transition"), 2);
    /* An unknown state is bad input, not a conflict. */
    assert_err(move(f, &f->counsellor, id, "teleported", NULL, &out), ERR_INVALID, "to");
}

static void test_each_step_needs_its_details(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    json_t *out = NULL;
    make_case(f, &f->counsellor, 2, NULL, id);
    move_ok(f, &f->counsellor, id, "eligibility_checked", "{\"note\":\"Checked with SFA\"}");
    static const struct {
        const char *to, *details, *field;
    } bad[] = {
        {"documents_requested", NULL, "details.embassy"},
        {"documents_requested", "{\"embassy\":\"Embassy of Morocco\"}", "details.document_type"},
        {"documents_requested", "{\"embassy\":\"E\",\"document_type\":\"visa\"}",
         "details.document_type"},
        {"documents_requested", "{\"embassy\":\" \",\"document_type\":\"passport\"}",
         "details.embassy"},
        {"documents_requested", "{\"embassy\":\"E\",\"document_type\":\"passport\",\"x\":\"1\"}",
         "details.x"},
        {"documents_requested",
         "{\"embassy\":\"E\",\"document_type\":\"passport\",\"escort\":\"none\"}",
         "details.escort"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_err(move(f, &f->counsellor, id, bad[i].to, bad[i].details, &out), ERR_INVALID,
                   bad[i].field);
    /* Before the last step, or in the future. */
    json_t *in =
        json_pack("{s:s,s:s,s:{s:s,s:s}}", "to", "documents_requested", "at",
                  "2020-01-01T00:00:00Z", "details", "embassy", "E", "document_type", "passport");
    assert_err(returns_case_transition(f->s, &f->counsellor, id, in, &out), ERR_INVALID, "at");
    json_object_set_new(in, "at", json_string("2099-01-01T00:00:00Z"));
    assert_err(returns_case_transition(f->s, &f->counsellor, id, in, &out), ERR_INVALID, "at");
    json_decref(in);
    assert_int_equal(history_len(f, id), 2);
    /* A departure date after the day it is recorded. */
    for (size_t i = 1; i < 5; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    assert_err(move(f, &f->counsellor, id, "departed", "{\"departure_date\":\"2099-01-01\"}", &out),
               ERR_INVALID, "details.departure_date");
    assert_err(move(f, &f->counsellor, id, "departed", "{\"departure_date\":\"soon\"}", &out),
               ERR_INVALID, "details.departure_date");
    assert_int_equal(history_len(f, id), 6);
}

static void test_a_person_travels_on_one_open_case(void **state) {
    fixture *f = *state;
    char id[ID_LEN], other[ID_LEN];
    json_t *out = NULL;
    make_case(f, &f->counsellor, 0, f->person[1], id);
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[1], "destination_country", "MA");
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_CONFLICT, "person_id");
    json_decref(in);
    in = json_pack("{s:s,s:s,s:[s]}", "person_id", f->person[2], "destination_country", "MA",
                   "travellers", f->person[0]);
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_CONFLICT, "travellers[0]");
    json_object_set_new(in, "travellers", json_pack("[s,s]", f->person[3], f->person[3]));
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "travellers[1]");
    json_object_set_new(in, "destination_country", json_string("Atlantis"));
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_INVALID,
               "destination_country");
    json_decref(in);
    /* Family members change until departure; the principal stays. */
    assert_ok(returns_traveller_remove(f->s, &f->counsellor, id, f->person[1], &out));
    assert_int_equal(json_array_size(json_object_get(out, "travellers")), 1);
    assert_false(json_is_true(json_object_get(out, "vulnerable")));
    json_decref(out);
    assert_err(returns_traveller_remove(f->s, &f->counsellor, id, f->person[0], &out),
               ERR_NOT_FOUND, "person_id");
    in = json_pack("{s:s}", "person_id", f->person[1]);
    assert_ok(returns_traveller_add(f->s, &f->counsellor, id, in, &out));
    json_decref(out);
    assert_err(returns_traveller_add(f->s, &f->counsellor, id, in, &out), ERR_CONFLICT,
               "person_id");
    json_decref(in);
    for (size_t i = 0; i < 6; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    assert_err(returns_traveller_remove(f->s, &f->counsellor, id, f->person[1], &out), ERR_CONFLICT,
               "person_id");
    move_ok(f, &f->counsellor, id, "arrived", way_home[6].details);
    /* Once arrived, the person may have a new case. */
    make_case(f, &f->counsellor, 0, NULL, other);
    assert_int_equal(audit_count(f, "return_case", id, "add_traveller"), 1);
    assert_int_equal(audit_count(f, "return_case", id, "remove_traveller"), 1);
}

static void test_cases_of_other_sites_and_other_roles_stay_out(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    json_t *out = NULL;
    make_case(f, &f->admin, 4, NULL, id); /* Yusuf, site 2 */
    assert_err(returns_case_get(f->s, &f->counsellor, id, &out), ERR_NOT_FOUND, "id");
    assert_err(move(f, &f->counsellor, id, "eligibility_checked", NULL, &out), ERR_NOT_FOUND, "id");
    returns_query q = {0};
    assert_ok(returns_case_list(f->s, &f->counsellor, &q, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
    /* The counsellor cannot open a case for a person they do not see. */
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[5], "destination_country", "TR");
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "person_id");
    json_object_set_new(in, "person_id", json_string(f->person[2]));
    assert_err(returns_case_create(f->s, &f->registrar, in, &out), ERR_FORBIDDEN, NULL);
    assert_err(returns_case_create(f->s, &f->protection, in, &out), ERR_FORBIDDEN, NULL);
    json_decref(in);
    assert_err(returns_case_get(f->s, &f->registrar, id, &out), ERR_FORBIDDEN, NULL);
    /* The counsellor of a case is a user who may write returns. */
    in = json_pack("{s:s,s:s,s:s}", "person_id", f->person[2], "destination_country", "TR",
                   "counsellor_id", f->registrar.user_id);
    assert_err(returns_case_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "counsellor_id");
    json_decref(in);
}

static void test_lists_filter_by_state_destination_and_overdue(void **state) {
    fixture *f = *state;
    char a[ID_LEN], b[ID_LEN];
    json_t *out = NULL;
    int64_t start = clock_now();
    make_case(f, &f->counsellor, 0, NULL, a);
    make_case(f, &f->counsellor, 2, NULL, b);
    move_ok(f, &f->counsellor, b, "eligibility_checked", NULL);
    move_ok(f, &f->counsellor, b, "documents_requested", way_home[1].details);
    returns_query q = {.state = "intention"};
    assert_ok(returns_case_list(f->s, &f->counsellor, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    assert_string_equal(json_str(json_array_get(json_object_get(out, "items"), 0), "id"), a);
    json_decref(out);
    q = (returns_query){.state = "open", .destination = "MA", .site_id = f->site[1]};
    assert_ok(returns_case_list(f->s, &f->counsellor, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    json_decref(out);
    q = (returns_query){.overdue_only = true};
    assert_ok(returns_case_list(f->s, &f->counsellor, &q, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
    /* 20 days on: the intention (14 days) is overdue, the request (45 days) is not. */
    clock_set_fake(start + 20 * 86400);
    assert_ok(returns_case_list(f->s, &f->counsellor, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    json_t *item = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(json_str(item, "id"), a);
    assert_true(json_is_true(json_object_get(item, "overdue")));
    json_decref(out);
    q = (returns_query){.state = "sleeping"};
    assert_err(returns_case_list(f->s, &f->counsellor, &q, &out), ERR_INVALID, "state");
    q = (returns_query){.site_id = f->site[2]};
    assert_err(returns_case_list(f->s, &f->counsellor, &q, &out), ERR_INVALID, "site");
}

static void test_counselling_sessions_are_checked_scoped_and_audited(void **state) {
    fixture *f = *state;
    json_t *out = NULL;
    json_t *in = json_pack("{s:s,s:s,s:s,s:[s,s],s:s,s:s}", "person_id", f->person[0], "language",
                           "fa", "interpreter", "Farid", "topics", "avrr_programme",
                           "reintegration", "outcome", "intention_expressed", "mode", "virtual");
    assert_ok(returns_counselling_create(f->s, &f->counsellor, in, &out));
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    assert_string_equal(json_str(out, "site_id"), f->site[0]);
    assert_string_equal(json_str(out, "counsellor_name"), "counsellor");
    assert_int_equal(json_array_size(json_object_get(out, "topics")), 2);
    json_decref(out);
    static const struct {
        const char *key, *value, *field;
    } bad[] = {
        {"outcome", "maybe", "outcome"},      {"mode", "pigeon", "mode"},
        {"language", "elvish", "language"},   {"held_at", "2099-01-01T00:00:00Z", "held_at"},
        {"person_id", "nobody", "person_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *copy = json_deep_copy(in);
        json_object_set_new(copy, bad[i].key, json_string(bad[i].value));
        assert_err(returns_counselling_create(f->s, &f->counsellor, copy, &out), ERR_INVALID,
                   bad[i].field);
        json_decref(copy);
    }
    json_object_set_new(in, "topics", json_pack("[s]", "weather"));
    assert_err(returns_counselling_create(f->s, &f->counsellor, in, &out), ERR_INVALID,
               "topics[0]");
    json_object_set_new(in, "topics", json_array());
    assert_err(returns_counselling_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "topics");
    assert_err(returns_counselling_create(f->s, &f->registrar, in, &out), ERR_FORBIDDEN, NULL);
    json_decref(in);
    assert_ok(returns_counselling_list(f->s, &f->counsellor, f->person[0], NULL, NULL, NULL, 100, 0,
                                       &out));
    assert_int_equal(int_at(out, "total"), 1);
    json_decref(out);
    /* A colleague of another site sees none of it. */
    actor other;
    static const int c[] = {2};
    role_actor(f, &other, "counsellor.c", "counsellor", 1, c, false);
    assert_ok(returns_counselling_list(f->s, &other, NULL, NULL, NULL, NULL, 100, 0, &out));
    assert_int_equal(int_at(out, "total"), 0);
    json_decref(out);
    actor_clear(&other);
    assert_int_equal(audit_count(f, "return_counselling", id, "create"), 1);
}

static void counsel(fixture *f, int p) {
    json_t *in = json_pack("{s:s,s:s,s:[s],s:s}", "person_id", f->person[p], "language", "fa",
                           "topics", "avrr_programme", "outcome", "considering");
    json_t *out = NULL;
    assert_ok(returns_counselling_create(f->s, &f->counsellor, in, &out));
    json_decref(in);
    json_decref(out);
}

static void test_statistics_are_computed_from_returns_and_entered_before(void **state) {
    fixture *f = *state;
    json_t *out = NULL, *in = NULL;
    /* Before any return record: AVRR_RET is entered by hand, and compute keeps it. */
    in = json_loads("{\"indicator\":\"AVRR_RET\",\"cells\":[{\"citizen\":\"TR\",\"sex\":\"M\","
                    "\"age\":\"Y18-34\",\"value\":4}]}",
                    0, NULL);
    assert_ok(stats_enter(f->s, &f->sys, "2020-01", in, &out));
    json_decref(out);
    assert_ok(stats_compute(f->s, &f->sys, "2020-01", &out));
    json_decref(out);
    assert_ok(stats_get(f->s, NULL, "2020-01", "AVRR_RET", &out));
    assert_true(cell_value(out, "TOTAL", "T", "TOTAL") == 4);
    json_decref(out);
    /* This month: two sessions for Ahmad, one for Karim; Ahmad and Maryam go home. */
    counsel(f, 0);
    counsel(f, 0);
    counsel(f, 2);
    char id[ID_LEN];
    make_case(f, &f->counsellor, 0, f->person[1], id);
    for (size_t i = 0; i < 6; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    char period[8];
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    snprintf(period, sizeof period, "%.7s", today);
    assert_ok(stats_compute(f->s, &f->sys, period, &out));
    json_decref(out);
    assert_ok(stats_get(f->s, NULL, period, "AVRR_COUNS", &out));
    assert_true(cell_value(out, "TOTAL", "T", "TOTAL") == 3);
    assert_true(cell_value(out, "AF", "M", "TOTAL") == 3);
    json_decref(out);
    assert_ok(stats_get(f->s, NULL, period, "AVRR_RET", &out));
    assert_true(cell_value(out, "TOTAL", "T", "TOTAL") == 2);
    assert_true(cell_value(out, "MA", "F", "Y_LT14") == 1);
    assert_true(cell_value(out, "MA", "M", "TOTAL") == 1);
    json_decref(out);
    /* From the first record on, entry is refused; the earlier period still takes it. */
    assert_err(stats_enter(f->s, &f->sys, period, in, &out), ERR_CONFLICT, "indicator");
    assert_ok(stats_enter(f->s, &f->sys, "2020-01", in, &out));
    json_decref(out);
    json_decref(in);
}

static void test_reintegration_plan_and_monitoring_visits_with_a_score(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    json_t *out = NULL;
    make_case(f, &f->counsellor, 0, NULL, id);
    json_t *plan = json_pack("{s:s,s:i,s:s,s:s}", "kind", "business", "budget_eur", 2000,
                             "modality", "in_kind", "partner", "IOM Rabat");
    assert_err(returns_plan_create(f->s, &f->counsellor, id, plan, &out), ERR_CONFLICT, "case");
    for (size_t i = 0; i < 7; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    json_t *bad = json_deep_copy(plan);
    json_object_set_new(bad, "kind", json_string("lottery"));
    assert_err(returns_plan_create(f->s, &f->counsellor, id, bad, &out), ERR_INVALID, "kind");
    json_decref(bad);
    assert_ok(returns_plan_create(f->s, &f->counsellor, id, plan, &out));
    json_t *p = json_object_get(out, "plan");
    assert_string_equal(json_str(p, "partner"), "IOM Rabat");
    assert_int_equal(json_array_size(json_object_get(p, "due")), 3);
    assert_false(
        json_is_true(json_object_get(json_array_get(json_object_get(p, "due"), 0), "overdue")));
    json_decref(out);
    assert_err(returns_plan_create(f->s, &f->counsellor, id, plan, &out), ERR_CONFLICT, "case");
    json_decref(plan);
    assert_ok(returns_visits_due(f->s, &f->counsellor, true, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    /* 100 days on, the 3-month visit is overdue. */
    clock_set_fake(clock_now() + 100 * 86400);
    assert_ok(returns_visits_due(f->s, &f->counsellor, true, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_int_equal(int_at(json_array_get(json_object_get(out, "items"), 0), "month"), 3);
    json_decref(out);
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    json_t *visit =
        json_pack("{s:i,s:s,s:{s:i,s:i,s:i,s:i,s:i}}", "month", 3, "visited_on", today, "answers",
                  "income", 2, "housing", 2, "health", 1, "documents", 2, "network", 2);
    assert_err(returns_visit_add(f->s, &f->counsellor, id, visit, &out), ERR_INVALID,
               "answers.wellbeing");
    json_object_set_new(json_object_get(visit, "answers"), "wellbeing", json_integer(0));
    assert_ok(returns_visit_add(f->s, &f->counsellor, id, visit, &out));
    /* Weights 3,2,2,1,1,2 (best 22); answers give 6+4+2+2+2+0 = 16: 73. */
    json_t *v = json_array_get(json_object_get(json_object_get(out, "plan"), "visits"), 0);
    assert_int_equal(int_at(v, "score"), 73);
    assert_int_equal(json_array_size(json_object_get(json_object_get(out, "plan"), "due")), 2);
    json_decref(out);
    assert_err(returns_visit_add(f->s, &f->counsellor, id, visit, &out), ERR_CONFLICT, "month");
    json_object_set_new(visit, "month", json_integer(4));
    assert_err(returns_visit_add(f->s, &f->counsellor, id, visit, &out), ERR_INVALID, "month");
    json_decref(visit);
    assert_ok(returns_visits_due(f->s, &f->counsellor, true, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_int_equal(audit_count(f, "return_case", id, "visit"), 1);
    assert_int_equal(audit_count(f, "return_case", id, "create_plan"), 1);
}

static void test_protection_needs_mark_the_case_without_any_detail(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:o}", "site_id", f->site[1], "answers",
                           json_loads("{\"child_status\":\"adult\",\"serious_medical\":true,"
                                      "\"observations\":\"needs dialysis\"}",
                                      0, NULL));
    json_t *out = NULL;
    assert_ok(protection_screening_create(f->s, &f->protection, f->person[2], in, &out));
    json_decref(in);
    json_decref(out);
    char id[ID_LEN];
    make_case(f, &f->counsellor, 2, NULL, id);
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    assert_true(json_is_true(json_object_get(out, "vulnerable")));
    json_t *reasons = json_object_get(out, "vulnerable_reasons");
    assert_int_equal(json_array_size(reasons), 1);
    assert_string_equal(json_string_value(json_array_get(reasons, 0)), "protection_needs");
    char *text = json_dumps(out, 0);
    assert_null(strstr(text, "serious_medical"));
    assert_null(strstr(text, "dialysis"));
    free(text);
    json_decref(out);
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_case_walks_from_intention_to_arrived_with_a_dated_history),
        T(test_refused_transitions_are_conflicts_that_change_nothing),
        T(test_each_step_needs_its_details),
        T(test_a_person_travels_on_one_open_case),
        T(test_cases_of_other_sites_and_other_roles_stay_out),
        T(test_lists_filter_by_state_destination_and_overdue),
        T(test_counselling_sessions_are_checked_scoped_and_audited),
        T(test_statistics_are_computed_from_returns_and_entered_before),
        T(test_reintegration_plan_and_monitoring_visits_with_a_score),
        T(test_protection_needs_mark_the_case_without_any_detail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
