/* Return work beyond the case itself: the departure that checks the travellers out of
 * their stays (in the same transaction, through the registry), readmission requests,
 * forced-return monitoring, reintegration grant instalments, the READM_REQ statistic and
 * the dashboard's figures. */
#include <stdlib.h>

#include "returns_fixture.h"
#include "stats/stats.h"

/* The person's current stay (JSON null when none) and the stay with id, borrowed from
 * *p (caller decrefs *p). */
static json_t *person_of(fixture *f, int i) {
    json_t *p = NULL;
    assert_ok(registry_person_get(f->s, &f->admin, f->person[i], &p));
    return p;
}

static void test_departure_checks_the_travellers_out_of_their_stays(void **state) {
    fixture *f = *state;
    char id[ID_LEN];
    make_case(f, &f->counsellor, 0, f->person[1], id);
    json_t *p = person_of(f, 0), *out = NULL;
    char stay[ID_LEN];
    snprintf(stay, sizeof stay, "%s", json_str(json_object_get(p, "current_stay"), "id"));
    json_decref(p);
    for (size_t i = 0; i < 5; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    /* A refused departure (no departure date) leaves the stays open. */
    assert_err(move(f, &f->counsellor, id, "departed", NULL, &out), ERR_INVALID,
               "details.departure_date");
    p = person_of(f, 0);
    assert_true(json_is_object(json_object_get(p, "current_stay")));
    json_decref(p);
    assert_int_equal(audit_count(f, "stay", stay, "check_out"), 0);
    move_ok(f, &f->counsellor, id, "departed", way_home[5].details);
    assert_ok(returns_case_get(f->s, &f->counsellor, id, &out));
    const char *departed_at = json_str(json_array_get(json_object_get(out, "history"), 6), "at");
    for (int i = 0; i < 2; i++) {
        p = person_of(f, i);
        assert_true(json_is_null(json_object_get(p, "current_stay")));
        json_t *last = json_array_get(json_object_get(p, "stays"), 0);
        assert_string_equal(json_str(last, "checkout_reason"), "returned");
        assert_string_equal(json_str(last, "checked_out_at"), departed_at);
        json_decref(p);
    }
    json_decref(out);
    /* The registry audited the check-out, by the counsellor; the transition names it. */
    assert_int_equal(audit_count(f, "stay", stay, "check_out"), 1);
    assert_int_equal(audit_count(f, "return_case", id, "transition"), 6);
    /* Other people stay checked in. */
    p = person_of(f, 2);
    assert_true(json_is_object(json_object_get(p, "current_stay")));
    json_decref(p);
}

/* A request under agreement ag from requesting to requested on day, with the persons
 * as JSON text. */
static herr *readmission(fixture *f, const actor *a, const char *ag, const char *requesting,
                         const char *requested, const char *day, const char *persons,
                         json_t **out) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s}", "agreement", ag, "requesting_state", requesting,
                  "requested_state", requested, "requested_on", day, "reference", "RS-2025/118");
    json_object_set_new(in, "persons", json_loads(persons, 0, NULL));
    /* People nobody registered: the request is kept at the first site. */
    if (!strstr(persons, "person_id") && strcmp(ag, "BA-RS"))
        json_object_set_new(in, "site_id", json_string(f->site[0]));
    *out = NULL;
    herr *e = returns_readmission_create(f->s, a, in, out);
    json_decref(in);
    return e;
}

static herr *readmission_move(fixture *f, const char *id, const char *json, json_t **out) {
    json_t *in = json_loads(json, 0, NULL);
    *out = NULL;
    herr *e = returns_readmission_move(f->s, &f->counsellor, id, in, out);
    json_decref(in);
    return e;
}

static void test_readmission_request_has_a_deadline_an_answer_and_a_handover(void **state) {
    fixture *f = *state;
    char day[CLOCK_DATE_LEN], persons[512], id[ID_LEN];
    clock_format_date(clock_now() - 20 * 86400, day);
    snprintf(persons, sizeof persons,
             "[{\"person_id\":\"%s\"},{\"given_name\":\"Bilal\",\"family_name\":\"Khan\","
             "\"sex\":\"M\",\"citizenship\":\"PK\",\"birth_date\":\"1996-02-01\"}]",
             f->person[3]);
    json_t *out = NULL;
    assert_ok(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", day, persons, &out));
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    assert_string_equal(json_str(out, "status"), "pending");
    assert_string_equal(json_str(out, "site_id"), f->site[1]); /* Omid's site */
    char deadline[CLOCK_DATE_LEN];
    clock_format_date(clock_now() - 5 * 86400, deadline); /* 15 days of BA-RS */
    assert_string_equal(json_str(out, "deadline"), deadline);
    assert_true(json_is_true(json_object_get(out, "overdue")));
    json_t *people = json_object_get(out, "persons");
    assert_int_equal(json_array_size(people), 2);
    assert_string_equal(json_str(json_array_get(people, 0), "given_name"), "Omid");
    assert_string_equal(json_str(json_array_get(people, 0), "citizenship"), "AF");
    assert_string_equal(json_str(json_array_get(people, 1), "citizenship"), "PK");
    json_decref(out);
    /* Overdue answers are listed; the colleague of site 2 sees nothing of it. */
    assert_ok(returns_readmission_list(f->s, &f->counsellor, NULL, NULL, true, 0, 0, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    assert_err(returns_readmission_get(f->s, &f->registrar_c, id, &out), ERR_FORBIDDEN, NULL);
    assert_err(returns_readmission_get(f->s, &f->protection, id, &out), ERR_FORBIDDEN, NULL);
    /* Handed over before an answer, or a refusal without its reason: refused, unchanged. */
    herr *e =
        readmission_move(f, id, "{\"to\":\"handed_over\",\"border_crossing\":\"Rača\"}", &out);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_string_equal(e->key, "returns_readmission_status");
    err_free(e);
    assert_err(readmission_move(f, id, "{\"to\":\"refused\"}", &out), ERR_INVALID, "outcome");
    assert_err(readmission_move(f, id, "{\"to\":\"accepted\",\"on\":\"2001-01-01\"}", &out),
               ERR_INVALID, "on");
    assert_ok(readmission_move(f, id, "{\"to\":\"accepted\",\"outcome\":\"Both accepted\"}", &out));
    assert_string_equal(json_str(out, "status"), "accepted");
    assert_false(json_is_true(json_object_get(out, "overdue")));
    json_decref(out);
    assert_err(readmission_move(f, id, "{\"to\":\"handed_over\"}", &out), ERR_INVALID,
               "border_crossing");
    assert_ok(
        readmission_move(f, id, "{\"to\":\"handed_over\",\"border_crossing\":\"Rača\"}", &out));
    assert_string_equal(json_str(out, "border_crossing"), "Rača");
    assert_non_null(json_str(out, "handover_on"));
    assert_int_equal(json_array_size(json_object_get(out, "next")), 0);
    json_decref(out);
    e = readmission_move(f, id, "{\"to\":\"withdrawn\"}", &out);
    assert_int_equal(e->code, ERR_CONFLICT);
    err_free(e);
    assert_int_equal(audit_count(f, "readmission", id, "create"), 1);
    assert_int_equal(audit_count(f, "readmission", id, "status"), 2);
}

static void test_readmission_input_is_checked_naming_the_field(void **state) {
    fixture *f = *state;
    char day[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), day);
    json_t *out = NULL;
    const char *pk = "[{\"given_name\":\"A\",\"family_name\":\"B\",\"sex\":\"M\","
                     "\"citizenship\":\"PK\"}]";
    /* Without a registered person the site must be given. */
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", day, pk, &out), ERR_INVALID,
               "site_id");
    assert_err(readmission(f, &f->counsellor, "XX-YY", "BA", "RS", day, pk, &out), ERR_INVALID,
               "agreement");
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "HR", day, pk, &out), ERR_INVALID,
               "requested_state");
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "BA", day, pk, &out), ERR_INVALID,
               "requested_state");
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", "2999-01-01", pk, &out),
               ERR_INVALID, "requested_on");
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", day, "[]", &out), ERR_INVALID,
               "persons");
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", day,
                           "[{\"given_name\":\"A\",\"family_name\":\"B\",\"sex\":\"Q\","
                           "\"citizenship\":\"PK\"}]",
                           &out),
               ERR_INVALID, "persons[0].sex");
    char other[160];
    snprintf(other, sizeof other, "[{\"person_id\":\"%s\"}]", f->person[4]); /* site 2 */
    assert_err(readmission(f, &f->counsellor, "BA-RS", "BA", "RS", day, other, &out), ERR_INVALID,
               "persons[0].person_id");
    assert_err(readmission(f, &f->viewer, "BA-RS", "BA", "RS", day, other, &out), ERR_FORBIDDEN,
               NULL);
    assert_ok(returns_readmission_list(f->s, &f->admin, NULL, NULL, false, 0, 0, &out));
    json_t *items = json_object_get(out, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) assert_string_not_equal(json_str(it, "requested_on"), day);
    json_decref(out);
}

static void test_readmission_requests_are_counted_by_the_statistics(void **state) {
    fixture *f = *state;
    json_t *out = NULL, *in = NULL;
    /* Entered by hand for a month before the first request. */
    in = json_loads("{\"indicator\":\"READM_REQ\",\"cells\":[{\"citizen\":\"TR\",\"value\":7}]}", 0,
                    NULL);
    assert_ok(stats_enter(f->s, &f->sys, "2021-01", in, &out));
    json_decref(out);
    char persons[512];
    snprintf(persons, sizeof persons, "[{\"person_id\":\"%s\"}]", f->person[0]);
    assert_ok(readmission(f, &f->counsellor, "EU-BA", "HR", "BA", "2025-03-04", persons, &out));
    json_decref(out);
    assert_ok(readmission(f, &f->counsellor, "EU-BA", "HR", "BA", "2025-03-28",
                          "[{\"given_name\":\"Ali\",\"family_name\":\"Raza\",\"sex\":\"M\","
                          "\"citizenship\":\"PK\"},{\"given_name\":\"Sana\",\"family_name\":"
                          "\"Raza\",\"sex\":\"F\",\"citizenship\":\"PK\"}]",
                          &out));
    json_decref(out);
    assert_ok(stats_compute(f->s, &f->sys, "2025-03", &out));
    json_decref(out);
    assert_ok(stats_get(f->s, NULL, "2025-03", "READM_REQ", &out));
    assert_true(cell_value(out, "TOTAL", "T", "TOTAL") == 2);
    assert_true(cell_value(out, "PK", "T", "TOTAL") == 1);
    assert_true(cell_value(out, "AF", "T", "TOTAL") == 1);
    json_decref(out);
    /* From the first request's month on it cannot be entered; before, it can. */
    assert_err(stats_enter(f->s, &f->sys, "2025-03", in, &out), ERR_CONFLICT, "indicator");
    assert_ok(stats_compute(f->s, &f->sys, "2021-01", &out));
    json_decref(out);
    assert_ok(stats_get(f->s, NULL, "2021-01", "READM_REQ", &out));
    assert_true(cell_value(out, "TOTAL", "T", "TOTAL") == 7);
    json_decref(out);
    json_decref(in);
}

static herr *instalment_act(fixture *f, const actor *a, const char *case_id, const char *id,
                            const char *json, json_t **out) {
    json_t *in = json_loads(json, 0, NULL);
    *out = NULL;
    herr *e = returns_instalment_act(f->s, a, case_id, id, in, out);
    json_decref(in);
    return e;
}

static void test_grant_instalments_are_approved_by_another_and_paid(void **state) {
    fixture *f = *state;
    char id[ID_LEN], inst[ID_LEN], due[CLOCK_DATE_LEN];
    json_t *out = NULL, *in = NULL;
    make_case(f, &f->counsellor, 2, NULL, id);
    in = json_pack("{s:f,s:s,s:s}", "amount", 500.0, "currency", "EUR", "due_on", "2026-01-10");
    /* No plan yet. */
    assert_err(returns_instalment_add(f->s, &f->counsellor, id, in, &out), ERR_CONFLICT, "case");
    for (size_t i = 0; i < 6; i++)
        move_ok(f, &f->counsellor, id, way_home[i].to, way_home[i].details);
    json_t *plan = json_pack("{s:s,s:i,s:s,s:s}", "kind", "business", "budget_eur", 1500,
                             "modality", "mixed", "partner", "IOM Rabat");
    assert_ok(returns_plan_create(f->s, &f->counsellor, id, plan, &out));
    json_decref(plan);
    json_decref(out);
    clock_format_date(clock_now() - 86400, due);
    json_object_set_new(in, "due_on", json_string(due));
    json_object_set_new(in, "amount", json_real(1000.5));
    json_object_set_new(in, "description", json_string("Sewing machine and fabric"));
    assert_ok(returns_instalment_add(f->s, &f->counsellor, id, in, &out));
    json_t *list = json_object_get(json_object_get(out, "plan"), "instalments");
    assert_int_equal(json_array_size(list), 1);
    json_t *one = json_array_get(list, 0);
    assert_int_equal(int_at(one, "amount_cents"), 100050);
    assert_string_equal(json_str(one, "status"), "planned");
    assert_true(json_is_true(json_object_get(one, "overdue")));
    snprintf(inst, sizeof inst, "%s", json_str(one, "id"));
    json_decref(out);
    /* Over the budget (1500 EUR), fractions of cents, unknown currency: refused. */
    json_object_set_new(in, "amount", json_integer(500));
    assert_err(returns_instalment_add(f->s, &f->counsellor, id, in, &out), ERR_INVALID, "amount");
    json_object_set_new(in, "amount", json_real(10.005));
    assert_err(returns_instalment_add(f->s, &f->counsellor, id, in, &out), ERR_INVALID, "amount");
    json_object_set_new(in, "amount", json_integer(300));
    json_object_set_new(in, "currency", json_string("XYZ"));
    assert_err(returns_instalment_add(f->s, &f->counsellor, id, in, &out), ERR_INVALID, "currency");
    json_object_set_new(in, "currency", json_string("MAD"));
    assert_ok(returns_instalment_add(f->s, &f->counsellor, id, in, &out)); /* not in EUR */
    json_decref(out);
    json_decref(in);
    /* Paid before approval, approved by who planned it: conflicts that change nothing. */
    assert_err(instalment_act(f, &f->counsellor, id, inst, "{\"action\":\"pay\"}", &out),
               ERR_CONFLICT, "action");
    assert_err(instalment_act(f, &f->counsellor, id, inst, "{\"action\":\"approve\"}", &out),
               ERR_CONFLICT, "action");
    assert_err(instalment_act(f, &f->counsellor, id, inst, "{\"action\":\"cancel\"}", &out),
               ERR_INVALID, "reason");
    assert_ok(instalment_act(f, &f->admin, id, inst, "{\"action\":\"approve\"}", &out));
    one = json_array_get(json_object_get(json_object_get(out, "plan"), "instalments"), 0);
    assert_string_equal(json_str(one, "status"), "approved");
    assert_string_equal(json_str(one, "approved_by"), "root");
    json_decref(out);
    assert_err(instalment_act(f, &f->counsellor, id, inst,
                              "{\"action\":\"pay\",\"paid_on\":\"2999-01-01\"}", &out),
               ERR_INVALID, "paid_on");
    assert_ok(instalment_act(f, &f->counsellor, id, inst,
                             "{\"action\":\"pay\",\"reference\":\"WU-7781\"}", &out));
    json_t *p = json_object_get(out, "plan");
    one = json_array_get(json_object_get(p, "instalments"), 0);
    assert_string_equal(json_str(one, "status"), "paid");
    assert_false(json_is_true(json_object_get(one, "overdue")));
    assert_true(json_real_value(json_object_get(p, "paid_eur")) == 1000.5);
    assert_true(json_real_value(json_object_get(p, "instalments_eur")) == 1000.5);
    json_decref(out);
    assert_err(instalment_act(f, &f->counsellor, id, inst,
                              "{\"action\":\"cancel\",\"reason\":\"late\"}", &out),
               ERR_CONFLICT, "action");
    assert_int_equal(audit_count(f, "return_case", id, "add_instalment"), 2);
    assert_int_equal(audit_count(f, "return_case", id, "instalment"), 2);
    /* Another site's colleague cannot touch it. */
    assert_err(instalment_act(f, &f->registrar_c, id, inst, "{\"action\":\"approve\"}", &out),
               ERR_FORBIDDEN, NULL);
}

static void test_forced_return_operation_report_findings_and_follow_up(void **state) {
    fixture *f = *state;
    char day[CLOCK_DATE_LEN], id[ID_LEN], finding[ID_LEN];
    clock_format_date(clock_now() - 3 * 86400, day);
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:[s,s]}", "date", day, "kind", "charter_flight",
                  "route", "Sarajevo - Islamabad", "destination_country", "PK", "returnees", 12,
                  "escorts", 30, "escort_organisation", "Service for Foreigners' Affairs",
                  "monitors", "A. Hadžić", "M. Petrović");
    json_t *out = NULL;
    /* The counsellor works at two sites: which one keeps it must be said. */
    assert_err(returns_operation_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "site_id");
    json_object_set_new(in, "site_id", json_string(f->site[0]));
    json_object_set_new(in, "returnees", json_integer(0));
    assert_err(returns_operation_create(f->s, &f->counsellor, in, &out), ERR_INVALID, "returnees");
    json_object_set_new(in, "returnees", json_integer(12));
    assert_err(returns_operation_create(f->s, &f->viewer, in, &out), ERR_FORBIDDEN, NULL);
    assert_ok(returns_operation_create(f->s, &f->counsellor, in, &out));
    json_decref(in);
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    assert_string_equal(json_str(out, "status"), "planned");
    assert_int_equal(json_array_size(json_object_get(out, "monitors")), 2);
    json_decref(out);
    /* The report needs every item of the checklist, each yes, no or not_observed. */
    json_t *items = returns_operation_checklist();
    assert_true(json_array_size(items) >= 8);
    json_t *answers = json_object();
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
        json_object_set_new(answers, json_str(item, "id"), json_string(i == 4 ? "no" : "yes"));
    json_t *report = json_pack("{s:O,s:s}", "checklist", answers, "report",
                               "Orderly; one returnee restrained without a record.");
    json_object_del(answers, "informed");
    assert_err(returns_operation_report(f->s, &f->counsellor, id, report, &out), ERR_INVALID,
               "checklist.informed");
    json_object_set_new(answers, "informed", json_string("maybe"));
    assert_err(returns_operation_report(f->s, &f->counsellor, id, report, &out), ERR_INVALID,
               "checklist.informed");
    json_object_set_new(answers, "informed", json_string("yes"));
    assert_ok(returns_operation_report(f->s, &f->counsellor, id, report, &out));
    assert_string_equal(json_str(out, "status"), "reported");
    assert_string_equal(json_str(json_object_get(out, "checklist"), "restraint_proportionate"),
                        "no");
    json_decref(out);
    assert_err(returns_operation_report(f->s, &f->counsellor, id, report, &out), ERR_CONFLICT,
               "report");
    json_decref(report);
    json_decref(answers);
    json_decref(items);
    /* A finding with a recommendation, followed up until implemented. */
    in = json_pack("{s:s,s:s,s:s,s:s}", "finding", "Restraint used at boarding was not recorded",
                   "severity", "serious", "recommendation", "Record every use of restraint",
                   "addressed_to", "Service for Foreigners' Affairs");
    assert_ok(returns_finding_add(f->s, &f->counsellor, id, in, &out));
    json_decref(in);
    assert_int_equal(int_at(out, "findings_open"), 1);
    snprintf(finding, sizeof finding, "%s",
             json_str(json_array_get(json_object_get(out, "findings"), 0), "id"));
    json_decref(out);
    assert_ok(returns_operation_list(f->s, &f->counsellor, NULL, true, 0, 0, &out));
    assert_int_equal(int_at(out, "total"), 1);
    json_decref(out);
    in = json_pack("{s:s}", "follow_up", "implemented");
    assert_err(returns_finding_follow_up(f->s, &f->counsellor, id, id, in, &out), ERR_NOT_FOUND,
               "finding_id");
    assert_ok(returns_finding_follow_up(f->s, &f->counsellor, id, finding, in, &out));
    assert_int_equal(int_at(out, "findings_open"), 0);
    json_decref(out);
    assert_err(returns_finding_follow_up(f->s, &f->counsellor, id, finding, in, &out), ERR_CONFLICT,
               "follow_up");
    json_decref(in);
    /* Another site's staff: not found. */
    actor other;
    static const int c[] = {2};
    role_actor(f, &other, "counsellor.c", "counsellor", 1, c, false);
    assert_err(returns_operation_get(f->s, &other, id, &out), ERR_NOT_FOUND, "id");
    actor_clear(&other);
    assert_int_equal(audit_count(f, "return_operation", id, "create"), 1);
    assert_int_equal(audit_count(f, "return_operation", id, "report"), 1);
    assert_int_equal(audit_count(f, "return_operation", id, "add_finding"), 1);
    assert_int_equal(audit_count(f, "return_operation", id, "follow_up"), 1);
}

int main(void) {
/* One world for the whole file (its fixture makes a dozen accounts): each test uses its
 * own people. */
#define T(name) cmocka_unit_test(name)
    const struct CMUnitTest tests[] = {
        T(test_departure_checks_the_travellers_out_of_their_stays),
        T(test_readmission_request_has_a_deadline_an_answer_and_a_handover),
        T(test_readmission_input_is_checked_naming_the_field),
        T(test_readmission_requests_are_counted_by_the_statistics),
        T(test_grant_instalments_are_approved_by_another_and_paid),
        T(test_forced_return_operation_report_findings_and_follow_up),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
