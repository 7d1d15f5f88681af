/* Protection: consent, the referral lifecycle (every allowed and refused transition),
 * overdue referrals, case management and the figures. */
#include "protection_fixture.h"

static const char *const all_states[] = {
    "draft", "sent", "accepted", "declined", "service_delivered", "closed"};
#define N_STATES 6

/* A path from draft to each state, through allowed steps. */
static const char *const paths[N_STATES][4] = {
    {NULL},
    {"sent", NULL},
    {"sent", "accepted", NULL},
    {"sent", "declined", NULL},
    {"sent", "accepted", "service_delivered", NULL},
    {"sent", "declined", "closed", NULL},
};

static bool allowed(const char *from, const char *to) {
    static const char *const pairs[][2] = {
        {"draft", "sent"},      {"sent", "accepted"},
        {"sent", "declined"},   {"accepted", "service_delivered"},
        {"accepted", "closed"}, {"service_delivered", "closed"},
        {"declined", "closed"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(pairs[i][0], from) && !strcmp(pairs[i][1], to)) return true;
    return false;
}

static void new_referral(fixture *f, int person, char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s}", "person_id", f->person[person], "provider_id",
                           f->provider, "reason", "needs insulin");
    json_t *out = NULL;
    assert_ok(protection_referral_create(f->s, &f->prot, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    assert_string_equal(json_str(out, "state"), "draft");
    json_decref(in);
    json_decref(out);
}

static herr *move(fixture *f, const char *id, const char *to) {
    json_t *in = json_pack("{s:s,s:s}", "to", to, "note", "step note"), *out = NULL;
    herr *e = protection_referral_transition(f->s, &f->prot, id, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static void test_referral_without_consent_is_refused_naming_consent(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[0], "provider_id", f->provider);
    json_t *out = NULL;
    assert_err(protection_referral_create(f->s, &f->prot, in, &out), ERR_INVALID, "consent");
    consent(f, 0, "referral", true, "2023-05-01T10:00:00Z");
    consent(f, 0, "referral", false, "2023-05-02T10:00:00Z"); /* withdrawn */
    assert_err(protection_referral_create(f->s, &f->prot, in, &out), ERR_INVALID, "consent");
    consent(f, 0, "referral", true, "2023-05-03T10:00:00Z");
    assert_ok(protection_referral_create(f->s, &f->prot, in, &out));
    json_decref(out);
    json_decref(in);
    assert_int_equal(audit_count(f, "protection_referral", NULL, "create"), 1);
}

static void test_withdrawal_in_the_same_second_counts(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[0], "provider_id", f->provider);
    json_t *out = NULL;
    for (int i = 0; i < 20; i++) {
        consent(f, 0, "referral", true, NULL);
        consent(f, 0, "referral", false, NULL);
        assert_err(protection_referral_create(f->s, &f->prot, in, &out), ERR_INVALID, "consent");
    }
    json_decref(in);
    /* Ids made in one millisecond sort in the order they were made. */
    char prev[ID_LEN] = "", id[ID_LEN];
    for (int i = 0; i < 5000; i++) {
        id_new(id);
        assert_true(strcmp(prev, id) < 0);
        memcpy(prev, id, ID_LEN);
    }
}

static void test_bad_consent_input_names_the_field(void **state) {
    fixture *f = *state;
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"kind\":\"referral\",\"given\":true,\"method\":\"verbal\"}", "provider_id"},
        {"{\"kind\":\"marriage\",\"given\":true,\"method\":\"verbal\"}", "kind"},
        {"{\"kind\":\"registration\",\"given\":true,\"method\":\"telepathy\"}", "method"},
        {"{\"kind\":\"registration\",\"method\":\"verbal\"}", "given"},
        {"{\"kind\":\"referral\",\"given\":true,\"method\":\"verbal\",\"provider_id\":"
         "\"01a20872-0000-7000-8000-000000000000\"}",
         "provider_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *in = json_loads(cases[i].body, 0, NULL), *out = NULL;
        assert_err(protection_consent_record(f->s, &f->prot, f->person[0], in, &out), ERR_INVALID,
                   cases[i].field);
        json_decref(in);
    }
}

static void test_every_referral_transition_is_allowed_or_refused_with_409(void **state) {
    fixture *f = *state;
    consent(f, 0, "referral", true, NULL);
    for (int from = 0; from < N_STATES; from++) {
        for (int to = 0; to < N_STATES; to++) {
            char id[ID_LEN];
            new_referral(f, 0, id);
            for (int k = 0; paths[from][k]; k++) assert_ok(move(f, id, paths[from][k]));
            if (allowed(all_states[from], all_states[to])) {
                assert_ok(move(f, id, all_states[to]));
            } else {
                assert_err(move(f, id, all_states[to]), ERR_CONFLICT, "to");
            }
        }
    }
    /* Each step is dated and signed. */
    char id[ID_LEN];
    new_referral(f, 0, id);
    assert_ok(move(f, id, "sent"));
    json_t *out = NULL;
    assert_ok(protection_referral_get(f->s, &f->prot, id, &out));
    json_t *steps = json_object_get(out, "steps");
    assert_int_equal(json_array_size(steps), 2);
    assert_string_equal(json_str(json_array_get(steps, 1), "by"), "officer.a");
    assert_string_equal(json_str(json_array_get(steps, 1), "note"), "step note");
    assert_non_null(json_str(out, "sent_at"));
    assert_string_equal(json_str(out, "reason"), "needs insulin");
    json_decref(out);
}

static void test_closing_a_referral_never_sent_is_a_conflict(void **state) {
    fixture *f = *state;
    consent(f, 0, "referral", true, NULL);
    char id[ID_LEN];
    new_referral(f, 0, id);
    assert_err(move(f, id, "closed"), ERR_CONFLICT, "to");
    assert_err(move(f, id, "teleported"), ERR_INVALID, "to");
    json_t *out = NULL;
    assert_ok(protection_referral_get(f->s, &f->prot, id, &out));
    assert_string_equal(json_str(out, "state"), "draft");
    assert_int_equal(json_array_size(json_object_get(out, "steps")), 1);
    json_decref(out);
}

static void test_overdue_referrals_are_listed(void **state) {
    fixture *f = *state;
    consent(f, 0, "referral", true, "2020-01-01T00:00:00Z");
    int64_t now = clock_now();
    clock_set_fake(now - 10 * 86400);
    char old[ID_LEN], recent[ID_LEN], answered[ID_LEN];
    new_referral(f, 0, old);
    assert_ok(move(f, old, "sent"));
    new_referral(f, 0, answered);
    assert_ok(move(f, answered, "sent"));
    assert_ok(move(f, answered, "accepted"));
    clock_set_fake(now - 2 * 86400);
    new_referral(f, 0, recent);
    assert_ok(move(f, recent, "sent"));
    clock_set_fake(now);
    protection_referral_query q = {.overdue_days = 7};
    json_t *out = NULL;
    assert_ok(protection_referral_list(f->s, &f->prot, &q, &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_str(json_array_get(items, 0), "id"), old);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
    assert_null(json_object_get(json_array_get(items, 0), "reason")); /* lists carry no text */
    json_decref(out);
    q.overdue_days = 1;
    assert_ok(protection_referral_list(f->s, &f->prot, &q, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    json_decref(out);
    /* Officer B's site has none; the list read is audited. */
    assert_ok(protection_referral_list(f->s, &f->prot_b, &q, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_int_equal(audit_count(f, "protection_referrals", NULL, "read"), 3);
}

static char *open_case(fixture *f, int person, const char *extra_json) {
    json_t *in = json_pack("{s:s}", "person_id", f->person[person]);
    if (extra_json) {
        json_t *extra = json_loads(extra_json, 0, NULL);
        json_object_update(in, extra);
        json_decref(extra);
    }
    json_t *out = NULL;
    assert_ok(protection_case_open(f->s, &f->prot, in, &out));
    char *id = mem_strdup(json_str(out, "id"));
    json_decref(in);
    json_decref(out);
    return id;
}

static void test_case_plan_notes_and_close(void **state) {
    fixture *f = *state;
    char *id =
        open_case(f, 0, "{\"guardian\":\"Uncle, phone +387 61 000\",\"risk_level\":\"high\"}");
    json_t *out = NULL, *in = json_pack("{s:s}", "person_id", f->person[0]);
    assert_err(protection_case_open(f->s, &f->prot, in, &out), ERR_CONFLICT, "person_id");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "description", "Medical check at Dom zdravlja", "due_date",
                   "2020-01-10");
    assert_ok(protection_case_action_add(f->s, &f->prot, id, in, &out));
    json_t *action = json_array_get(json_object_get(out, "actions"), 0);
    char action_id[ID_LEN];
    snprintf(action_id, sizeof action_id, "%s", json_str(action, "id"));
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_actions")), 1);
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s}", "due_date", "31-12-2023");
    assert_err(protection_case_action_add(f->s, &f->prot, id, in, &out), ERR_INVALID,
               "description");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "description", "x", "due_date", "31-12-2023");
    assert_err(protection_case_action_add(f->s, &f->prot, id, in, &out), ERR_INVALID, "due_date");
    json_decref(in);
    in = json_pack("{s:s}", "status", "done");
    assert_ok(protection_case_action_update(f->s, &f->prot, id, action_id, in, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "overdue_actions")), 0);
    assert_string_equal(json_str(json_array_get(json_object_get(out, "actions"), 0), "done_by"),
                        "officer.a");
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s,s:s,s:s}", "kind", "follow_up", "text", "Visited, doing better",
                   "next_follow_up", "2030-02-01");
    assert_ok(protection_case_note_add(f->s, &f->prot, id, in, &out));
    assert_string_equal(json_str(out, "next_follow_up"), "2030-02-01");
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s,s:s}", "outcome", "family_tracing", "summary", "Tracing the mother");
    assert_ok(protection_case_bia_add(f->s, &f->prot, id, in, &out));
    assert_int_equal(json_array_size(json_object_get(out, "best_interests")), 1);
    json_decref(out);
    json_decref(in);
    in = json_pack("{s:s}", "reason", "because");
    assert_err(protection_case_close(f->s, &f->prot, id, in, &out), ERR_INVALID, "reason");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "reason", "goals_met", "note", "Reunited");
    assert_ok(protection_case_close(f->s, &f->prot, id, in, &out));
    assert_string_equal(json_str(out, "state"), "closed");
    assert_string_equal(json_str(out, "close_note"), "Reunited");
    json_decref(out);
    assert_err(protection_case_close(f->s, &f->prot, id, in, &out), ERR_CONFLICT, "state");
    json_decref(in);
    in = json_pack("{s:s}", "text", "too late");
    assert_err(protection_case_note_add(f->s, &f->prot, id, in, &out), ERR_CONFLICT, "state");
    json_decref(in);
    /* Reading it back is audited; the whole history is there. */
    assert_ok(protection_case_get(f->s, &f->prot, id, &out));
    assert_string_equal(json_str(out, "guardian"), "Uncle, phone +387 61 000");
    assert_int_equal(json_array_size(json_object_get(out, "events")), 2);
    json_decref(out);
    assert_int_equal(audit_count(f, "protection_case", id, "read"), 1);
    mem_free(id);
}

static void test_case_worker_must_be_a_protection_officer_of_the_site(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s}", "person_id", f->person[0], "worker_id", f->prot_b.user_id),
           *out = NULL;
    assert_err(protection_case_open(f->s, &f->prot, in, &out), ERR_INVALID, "worker_id");
    json_decref(in);
    in = json_pack("{s:s,s:s}", "person_id", f->person[0], "site_id", f->site[2]);
    assert_err(protection_case_open(f->s, &f->prot, in, &out), ERR_INVALID, "site_id");
    json_decref(in);
}

static void test_transfer_needs_consent_and_moves_the_case_to_the_new_team(void **state) {
    fixture *f = *state;
    char *id = open_case(f, 0, NULL);
    json_t *in = json_pack("{s:s,s:s,s:s}", "site_id", f->site[2], "worker_id", f->prot_b.user_id,
                           "note", "moved to Borići"),
           *out = NULL;
    assert_err(protection_case_transfer(f->s, &f->prot, id, in, &out), ERR_INVALID, "consent");
    consent(f, 0, "data_sharing", true, NULL);
    assert_ok(protection_case_transfer(f->s, &f->prot, id, in, &out));
    json_decref(out);
    json_decref(in);
    /* The old team no longer sees it; the new one does (the person moves there). */
    assert_err(protection_case_get(f->s, &f->prot, id, &out), ERR_NOT_FOUND, NULL);
    assert_ok(protection_case_get(f->s, &f->prot_b, id, &out));
    assert_string_equal(json_str(out, "worker_name"), "officer.b");
    json_t *events = json_object_get(out, "events");
    assert_string_equal(json_str(json_array_get(events, 1), "kind"), "transferred");
    assert_string_equal(json_str(json_array_get(events, 1), "note"), "moved to Borići");
    json_decref(out);
    mem_free(id);
}

static void test_workers_are_the_protection_officers_of_the_site(void **state) {
    fixture *f = *state;
    json_t *out = NULL;
    assert_ok(protection_worker_list(f->s, &f->prot, f->site[0], &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_str(json_array_get(items, 0), "username"), "officer.a");
    json_decref(out);
    assert_err(protection_worker_list(f->s, &f->prot, f->site[2], &out), ERR_INVALID, "site");
    assert_err(protection_worker_list(f->s, &f->registrar, NULL, &out), ERR_FORBIDDEN, NULL);
}

static void test_worklist_shows_who_to_screen_and_who_is_at_risk(void **state) {
    fixture *f = *state;
    json_t *out = NULL;
    assert_ok(protection_worklist(f->s, &f->prot, f->site[0], &out));
    assert_int_equal(json_integer_value(json_object_get(out, "residents")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "unscreened")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "at_risk")), 0);
    json_decref(out);
    screen(f, 0, 0, "{\"child_status\":\"unaccompanied\"}", NULL, NULL);
    consent(f, 0, "referral", true, NULL);
    char r[ID_LEN];
    new_referral(f, 0, r);
    assert_ok(protection_worklist(f->s, &f->prot, f->site[0], &out));
    assert_int_equal(json_array_size(json_object_get(out, "unscreened")), 0);
    json_t *item = json_array_get(json_object_get(out, "at_risk"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(item, "risks"), 0)),
                        "unaccompanied_child");
    assert_int_equal(json_integer_value(json_object_get(item, "referrals_open")), 1);
    json_decref(out);
    assert_err(protection_worklist(f->s, &f->prot, f->site[2], &out), ERR_INVALID, "site");
    assert_err(protection_worklist(f->s, &f->registrar, f->site[0], &out), ERR_FORBIDDEN, NULL);
    assert_int_equal(audit_count(f, "protection_worklist", NULL, "read"), 2);
}

static void test_case_list_is_scoped_to_the_officers_sites(void **state) {
    fixture *f = *state;
    char *a = open_case(f, 0, NULL), *b = open_case(f, 1, NULL);
    json_t *out = NULL;
    assert_ok(protection_case_list(f->s, &f->prot, "open", false, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    assert_non_null(json_str(
        json_object_get(json_array_get(json_object_get(out, "items"), 0), "person"), "reg_no"));
    json_decref(out);
    assert_ok(protection_case_list(f->s, &f->prot_b, NULL, false, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
    assert_ok(protection_case_list(f->s, &f->prot, "open", true, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    json_decref(out);
    bool needs = false;
    assert_ok(protection_person_flag(f->s, f->person[1], &needs));
    assert_true(needs); /* an open case raises the flag even without a screening */
    mem_free(a);
    mem_free(b);
}

static void test_dashboard_and_period_figures_count_people_by_category(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, "{\"child_status\":\"unaccompanied\",\"serious_medical\":true}", NULL, NULL);
    screen(f, 0, 0, "{\"child_status\":\"separated\"}", NULL, NULL); /* same person again */
    screen(f, 1, 1, "{\"child_status\":\"adult\",\"violence\":true}", NULL, NULL);
    screen(f, 1, 1, "{\"child_status\":\"adult\"}", NULL, NULL); /* re-screened: no risk */
    consent(f, 0, "referral", true, NULL);
    char r[ID_LEN];
    new_referral(f, 0, r);
    assert_ok(move(f, r, "sent"));
    char *c = open_case(f, 0, NULL);
    json_t *out = NULL;
    assert_ok(protection_dashboard(f->s, &f->prot, NULL, NULL, 0, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "screenings")), 4);
    assert_int_equal(json_integer_value(json_object_get(out, "persons_screened")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "persons_with_risks")), 2);
    json_t *by = json_object_get(out, "persons_with_risks_by_category");
    assert_int_equal(json_integer_value(json_object_get(by, "unaccompanied_child")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "gbv_survivor")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "serious_medical")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "lgbtqi")), 0);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(out, "referrals_by_state"), "sent")), 1);
    assert_int_equal(json_integer_value(json_object_get(out, "cases_open")), 1);
    json_decref(out);
    assert_ok(protection_dashboard(f->s, &f->prot_b, NULL, NULL, 0, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "screenings")), 0);
    json_decref(out);
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    assert_ok(protection_period_figures(f->s, today, today, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "persons_with_risks")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "referrals")), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(out, "referrals_by_service_type"), "medical")),
                     1);
    json_decref(out);
    assert_err(protection_period_figures(f->s, "2023-13-01", today, &out), ERR_INVALID, "from");
    assert_err(protection_period_figures(f->s, today, "2000-01-01", &out), ERR_INVALID, "from");
    mem_free(c);
}

/* The breakdown for statistics: counts per (citizenship, sex, age band) with named sets
 * of categories, never rows of persons; bad queries name their field. */
static void test_breakdown_for_statistics_counts_groups_and_checks_its_query(void **state) {
    fixture *f = *state;
    screen(f, 0, 0, "{\"child_status\":\"unaccompanied\",\"serious_medical\":true}", NULL, NULL);
    screen(f, 0, 0, "{\"child_status\":\"separated\"}", NULL, NULL);
    screen(f, 1, 1, "{\"child_status\":\"adult\",\"pregnant\":true,\"distress\":true}", NULL, NULL);
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    static const int ages[] = {0, 18};
    json_t *groups = json_pack("{s:[s],s:[s,s]}", "child", "unaccompanied_child", "other",
                               "pregnant", "mental_health");
    protection_breakdown_query q = {
        .from = today, .to = today, .age_from = ages, .n_ages = 2, .risk_groups = groups};
    json_t *out = NULL;
    assert_ok(protection_period_breakdown(f->s, &q, &out));
    /* The fixture's people are all AF, M, with no birth date: one group. */
    json_t *list = json_object_get(out, "groups");
    assert_int_equal(json_array_size(list), 1);
    json_t *g = json_array_get(list, 0);
    assert_string_equal(json_str(g, "citizenship"), "AF");
    assert_true(json_is_null(json_object_get(g, "age_band")));
    assert_int_equal(json_integer_value(json_object_get(g, "screenings")), 3);
    assert_int_equal(json_integer_value(json_object_get(g, "persons_screened")), 2);
    assert_int_equal(json_integer_value(json_object_get(g, "persons_with_risks")), 2);
    json_t *risks = json_object_get(g, "risk_groups");
    assert_int_equal(json_integer_value(json_object_get(risks, "child")), 1);
    assert_int_equal(json_integer_value(json_object_get(risks, "other")), 1); /* once, for two */
    assert_null(json_object_get(g, "person_id"));
    json_decref(out);

    static const int unordered[] = {18, 0};
    q.age_from = unordered;
    assert_err(protection_period_breakdown(f->s, &q, &out), ERR_INVALID, "age_from");
    q.age_from = ages;
    json_t *bad = json_pack("{s:[s]}", "x", "no_such_category");
    q.risk_groups = bad;
    assert_err(protection_period_breakdown(f->s, &q, &out), ERR_INVALID, "risk_groups");
    q.risk_groups = groups;
    q.to = "2023-02-30";
    assert_err(protection_period_breakdown(f->s, &q, &out), ERR_INVALID, "to");
    q.to = today;
    protection_key_forget(); /* sealed categories cannot be counted without the key */
    assert_err(protection_period_breakdown(f->s, &q, &out), ERR_CONFLICT, NULL);
    json_decref(bad);
    json_decref(groups);
}

static void test_demo_adds_screenings_referrals_and_cases(void **state) {
    fixture *f = *state;
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now() - 20 * 86400, at);
    for (int i = 0; i < 60; i++) {
        json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "given_name", "Demo",
                               "family_name", "Person", "sex", i % 4 ? "M" : "F", "citizenship",
                               "SY", "birth_date", i % 3 ? "1990-01-01" : "2010-01-01", "site_id",
                               f->site[i % 3], "registered_at", at, "check_in", 1);
        json_t *out = NULL;
        assert_ok(registry_person_register(f->s, &f->sys, in, &out));
        json_decref(in);
        json_decref(out);
    }
    assert_ok(store_begin(f->s));
    assert_ok(protection_demo_load(f->s, 7));
    assert_ok(store_commit(f->s));
    json_t *out = NULL;
    char today[CLOCK_DATE_LEN];
    clock_format_date(clock_now(), today);
    assert_ok(protection_period_figures(f->s, "2020-01-01", today, &out));
    assert_true(json_integer_value(json_object_get(out, "screenings")) > 10);
    assert_true(json_integer_value(json_object_get(out, "persons_with_risks")) > 0);
    assert_true(json_integer_value(json_object_get(out, "referrals")) > 0);
    json_decref(out);
    assert_int_equal(clock_now() > 0, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_referral_without_consent_is_refused_naming_consent),
        T(test_withdrawal_in_the_same_second_counts),
        T(test_bad_consent_input_names_the_field),
        T(test_every_referral_transition_is_allowed_or_refused_with_409),
        T(test_closing_a_referral_never_sent_is_a_conflict),
        T(test_overdue_referrals_are_listed),
        T(test_case_plan_notes_and_close),
        T(test_case_worker_must_be_a_protection_officer_of_the_site),
        T(test_transfer_needs_consent_and_moves_the_case_to_the_new_team),
        T(test_workers_are_the_protection_officers_of_the_site),
        T(test_worklist_shows_who_to_screen_and_who_is_at_risk),
        T(test_case_list_is_scoped_to_the_officers_sites),
        T(test_dashboard_and_period_figures_count_people_by_category),
        T(test_breakdown_for_statistics_counts_groups_and_checks_its_query),
        T(test_demo_adds_screenings_referrals_and_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
