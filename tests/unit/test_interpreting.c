/* Interpreting from the database: interpreter and request checks, availability in the
 * interpreter's time zone, a scheduling run with reasons, manual (locked) and confirmed
 * assignments kept on a re-run, the interpreter's own view, and the iCalendar feed with
 * its escaping, folding and revocation. */
#include "centres_fixture.h"
#include "core/text.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

typedef struct {
    fixture f;
    actor coord, interp_user, other_coord;
    char ahmad[ID_LEN], zoran[ID_LEN], mina[ID_LEN];
} ifx;

/* Monday 2026-12-07; Sarajevo is UTC+1 in December. */
#define MON "2026-12-07"

static int setup(void **state) {
    fixture_setup(state);
    ifx *x = mem_alloc(sizeof *x);
    x->f = *(fixture *)*state;
    mem_free(*state);
    static const int ab[] = {0, 1}, c[] = {2};
    role_actor(&x->f, &x->coord, "coord", "interp_coord", 2, ab, true);
    role_actor(&x->f, &x->other_coord, "coord.c", "interp_coord", 1, c, true);
    role_actor(&x->f, &x->interp_user, "ahmad.k", "interp", 0, NULL, true);
    clock_set_fake(clock_days_from_civil(2026, 12, 1) * 86400);
    *state = x;
    return 0;
}

static int teardown(void **state) {
    ifx *x = *state;
    actor_clear(&x->coord);
    actor_clear(&x->other_coord);
    actor_clear(&x->interp_user);
    fixture *f = mem_alloc(sizeof *f);
    *f = x->f;
    mem_free(x);
    *state = f;
    return fixture_teardown(state);
}

static void make_interpreter(ifx *x, const char *json, char id[ID_LEN]) {
    json_error_t je;
    json_t *in = json_loads(json, 0, &je), *out = NULL;
    assert_non_null(in);
    assert_ok(interp_interpreter_create(x->f.s, &x->coord, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void make_request(ifx *x, int site, const char *lang, const char *earliest,
                         const char *latest, int prio, const char *extra, char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:[s],s:i,s:s}", "site_id", x->f.site[site],
                           "unit", "Asylum department", "language", lang, "earliest", earliest,
                           "latest", latest, "duration_minutes", 60, "modes", "in_person",
                           "priority", prio, "kind", "asylum_interview");
    if (extra) {
        json_t *more = json_loads(extra, 0, NULL);
        json_object_update(in, more);
        json_decref(more);
    }
    json_t *out = NULL;
    assert_ok(interp_request_create(x->f.s, &x->coord, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

/* Ahmad (ar, ps) and Zoran (ar) reach Lipa (site 0) on Mondays 09:00-10:00 Sarajevo
 * time; Mina (fa, female) works by video from Kabul. */
static void three_interpreters(ifx *x) {
    char json[1024];
    snprintf(json, sizeof json,
             "{\"name\":\"Ahmad K.\",\"gender\":\"M\",\"time_zone\":\"Europe/Sarajevo\","
             "\"languages\":[{\"code\":\"ar\",\"level\":\"native\"},{\"code\":\"ps\","
             "\"level\":\"fluent\"}],\"sites\":[\"%s\"],\"weekly\":[{\"day\":1,\"from\":\"09:00\","
             "\"to\":\"10:00\"}],\"user_id\":\"%s\"}",
             x->f.site[0], x->interp_user.user_id);
    make_interpreter(x, json, x->ahmad);
    snprintf(json, sizeof json,
             "{\"name\":\"Zoran M.\",\"gender\":\"M\",\"time_zone\":\"Europe/Sarajevo\","
             "\"languages\":[{\"code\":\"ar\",\"level\":\"working\"}],\"sites\":[\"%s\"],"
             "\"weekly\":[{\"day\":1,\"from\":\"09:00\",\"to\":\"10:00\"}]}",
             x->f.site[0]);
    make_interpreter(x, json, x->zoran);
    make_interpreter(x,
                     "{\"name\":\"Mina R.\",\"gender\":\"F\",\"time_zone\":\"Asia/Kabul\","
                     "\"languages\":[{\"code\":\"fa\",\"level\":\"native\",\"dialect\":\"Dari\"}],"
                     "\"remote\":[\"video\"],\"weekly\":[{\"day\":1,\"from\":\"13:30\","
                     "\"to\":\"17:30\"}],\"exceptions\":[{\"kind\":\"leave\",\"from\":"
                     "\"2026-12-14T00:00:00Z\",\"to\":\"2026-12-15T00:00:00Z\"}]}",
                     x->mina);
}

static void test_interpreter_and_request_checks(void **state) {
    ifx *x = *state;
    json_t *in = json_loads("{\"name\":\"X\",\"gender\":\"M\",\"time_zone\":\"Mars/Olympus\","
                            "\"languages\":[{\"code\":\"ar\",\"level\":\"native\"}]}",
                            0, NULL),
           *out = NULL;
    assert_err(interp_interpreter_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "time_zone");
    json_object_set_new(in, "time_zone", json_string("Europe/Sarajevo"));
    json_object_set_new(in, "languages",
                        json_loads("[{\"code\":\"zz9\",\"level\":\"native\"}]", 0, NULL));
    assert_err(interp_interpreter_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "languages");
    json_object_set_new(in, "languages",
                        json_loads("[{\"code\":\"ar\",\"level\":\"native\"}]", 0, NULL));
    json_object_set_new(in, "weekly",
                        json_loads("[{\"day\":8,\"from\":\"09:00\",\"to\":\"10:00\"}]", 0, NULL));
    assert_err(interp_interpreter_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "weekly");
    json_object_del(in, "weekly");
    json_object_set_new(in, "user_id", json_string(x->coord.user_id)); /* not an interpreter */
    assert_err(interp_interpreter_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "user_id");
    json_object_del(in, "user_id");
    assert_ok(interp_interpreter_create(x->f.s, &x->coord, in, &out));
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    json_t *patch = json_pack("{s:s}", "name", "Xavier");
    assert_ok(interp_interpreter_update(x->f.s, &x->coord, id, patch, &out));
    assert_string_equal(json_str(out, "name"), "Xavier");
    assert_string_equal(json_str(out, "time_zone"), "Europe/Sarajevo"); /* kept */
    assert_int_equal(audit_count(&x->f, "interpreter", id, "update"), 1);
    json_decref(out);
    json_decref(patch);
    json_decref(in);

    /* An interview about gender-based violence needs the interpreter's gender. */
    in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:[s],s:i,s:s}", "site_id", x->f.site[0], "unit",
                   "Protection team", "language", "fa", "earliest", MON "T08:00:00Z", "latest",
                   MON "T12:00:00Z", "duration_minutes", 60, "modes", "video", "priority", 5,
                   "kind", "gbv_interview");
    assert_err(interp_request_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "gender_required");
    json_object_set_new(in, "gender_required", json_string("F"));
    json_object_set_new(in, "duration_minutes", json_integer(300));
    assert_err(interp_request_create(x->f.s, &x->coord, in, &out), ERR_INVALID, "latest");
    json_object_set_new(in, "duration_minutes", json_integer(60));
    /* Site 0 is not among the sites of the colleague of site 2. */
    assert_err(interp_request_create(x->f.s, &x->other_coord, in, &out), ERR_INVALID, "site_id");
    assert_ok(interp_request_create(x->f.s, &x->coord, in, &out));
    snprintf(id, sizeof id, "%s", json_str(out, "id"));
    json_decref(out);
    assert_err(interp_request_get(x->f.s, &x->other_coord, id, &out), ERR_NOT_FOUND, "id");
    patch = json_pack("{s:i}", "priority", 9);
    assert_err(interp_request_update(x->f.s, &x->coord, id, patch, &out), ERR_INVALID, "priority");
    json_decref(patch);
    patch = json_pack("{s:i}", "priority", 4);
    assert_ok(interp_request_update(x->f.s, &x->coord, id, patch, &out));
    assert_int_equal(json_integer_value(json_object_get(out, "priority")), 4);
    assert_string_equal(json_str(out, "gender_required"), "F");
    json_decref(out);
    json_decref(patch);
    assert_ok(interp_request_cancel(x->f.s, &x->coord, id, &out));
    assert_string_equal(json_str(out, "status"), "cancelled");
    json_decref(out);
    json_decref(in);
}

static void test_availability_follows_the_time_zone_and_leave(void **state) {
    (void)state;
    json_t *profile = json_loads(
        "{\"weekly\":[{\"day\":1,\"from\":\"13:30\",\"to\":\"17:30\"}],\"exceptions\":["
        "{\"kind\":\"leave\",\"from\":\"2026-12-14T00:00:00Z\",\"to\":\"2026-12-15T00:00:00Z\"},"
        "{\"kind\":\"extra\",\"from\":\"2026-12-16T10:00:00Z\",\"to\":\"2026-12-16T12:30:00Z\"}]}",
        0, NULL);
    interp_span *spans = NULL;
    size_t n = 0;
    int64_t mon = clock_days_from_civil(2026, 12, 7) * 86400;
    assert_ok(interp_availability(profile, "Asia/Kabul", mon, mon + 14 * 86400, &spans, &n));
    /* Kabul is UTC+4:30: 13:30-17:30 there is 09:00-13:00 UTC on the 7th; the 14th is
     * leave; the extra hours of the 16th give 10:00-12:00 (whole slots only). */
    assert_int_equal(n, 2);
    assert_true(spans[0].start == mon + 9 * 3600 && spans[0].end == mon + 13 * 3600);
    assert_true(spans[1].start == mon + 9 * 86400 + 10 * 3600);
    assert_true(spans[1].end == mon + 9 * 86400 + 12 * 3600);
    mem_free(spans);
    /* Sarajevo in summer is UTC+2, in winter UTC+1. */
    json_t *weekly =
        json_loads("{\"weekly\":[{\"day\":1,\"from\":\"09:00\",\"to\":\"10:00\"}]}", 0, NULL);
    int64_t summer = clock_days_from_civil(2026, 7, 6) * 86400; /* a Monday */
    assert_ok(interp_availability(weekly, "Europe/Sarajevo", summer, summer + 86400, &spans, &n));
    assert_int_equal(n, 1);
    assert_true(spans[0].start == summer + 7 * 3600);
    mem_free(spans);
    assert_ok(interp_availability(weekly, "Europe/Sarajevo", mon, mon + 86400, &spans, &n));
    assert_true(spans[0].start == mon + 8 * 3600);
    mem_free(spans);
    assert_err(interp_availability(weekly, "Nowhere/City", mon, mon + 86400, &spans, &n),
               ERR_INVALID, "time_zone");
    json_decref(weekly);
    json_decref(profile);
}

static const json_t *find_unserved(const json_t *run, const char *request_id) {
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(run, "unserved"), i, u) {
        if (!strcmp(json_str(u, "request_id"), request_id)) return u;
    }
    return NULL;
}

static void test_schedule_serves_all_keeps_locked_and_confirmed(void **state) {
    ifx *x = *state;
    three_interpreters(x);
    char r_ar[ID_LEN], r_ps[ID_LEN], r_ur[ID_LEN], r_fa[ID_LEN];
    /* First come: Arabic, then Pashto, both for the one free hour (08:00 UTC). */
    make_request(x, 0, "ar", MON "T08:00:00Z", MON "T09:00:00Z", 3, NULL, r_ar);
    make_request(x, 0, "ps", MON "T08:00:00Z", MON "T09:00:00Z", 3, NULL, r_ps);
    make_request(x, 0, "ur", MON "T08:00:00Z", MON "T09:00:00Z", 2, NULL, r_ur);
    make_request(x, 1, "fa", MON "T08:00:00Z", MON "T12:00:00Z", 5,
                 "{\"modes\":[\"video\"],\"gender_required\":\"F\",\"kind\":\"gbv_interview\"}",
                 r_fa);
    json_t *run = NULL;
    assert_ok(interp_schedule(x->f.s, &x->coord, MON, MON, 5, &run));
    assert_string_equal(json_str(run, "status"), "optimal");
    assert_int_equal(json_integer_value(json_object_get(run, "served")), 3);
    assert_int_equal(json_integer_value(json_object_get(run, "greedy_served")), 2);
    const json_t *u = find_unserved(run, r_ur);
    assert_non_null(u);
    assert_string_equal(json_str(u, "reason"), "no_language");
    assert_non_null(strstr(json_str(u, "message"), "Urdu"));
    assert_int_equal(audit_count(&x->f, "interp_run", json_str(run, "id"), "schedule"), 1);
    json_decref(run);

    json_t *req = NULL;
    assert_ok(interp_request_get(x->f.s, &x->coord, r_ps, &req));
    const json_t *as = json_object_get(req, "assignment");
    assert_string_equal(json_str(as, "interpreter_id"), x->ahmad);
    assert_string_equal(json_str(as, "starts_at"), MON "T08:00:00Z");
    char ps_assignment[ID_LEN];
    snprintf(ps_assignment, sizeof ps_assignment, "%s", json_str(as, "id"));
    json_decref(req);
    assert_ok(interp_request_get(x->f.s, &x->coord, r_fa, &req));
    assert_string_equal(json_str(json_object_get(req, "assignment"), "interpreter_id"), x->mina);
    assert_string_equal(json_str(json_object_get(req, "assignment"), "mode"), "video");
    json_decref(req);

    /* Ahmad confirms his; a re-run keeps it (same assignment), the rest is re-planned. */
    json_t *mine = NULL;
    assert_ok(interp_my_assignments(x->f.s, &x->interp_user, NULL, NULL, &mine));
    assert_int_equal(json_array_size(json_object_get(mine, "items")), 1);
    json_decref(mine);
    assert_ok(interp_my_answer(x->f.s, &x->interp_user, ps_assignment, "confirmed", &mine));
    assert_string_equal(json_str(mine, "status"), "confirmed");
    json_decref(mine);
    /* Someone else's assignment is not found for him; a coordinator has no own view. */
    assert_err(interp_my_assignments(x->f.s, &x->coord, NULL, NULL, &mine), ERR_NOT_FOUND,
               "user_id");

    /* A manual assignment double-booking Zoran is refused; a free one is locked. */
    char r_ar2[ID_LEN];
    make_request(x, 0, "ar", "2026-12-14T08:00:00Z", "2026-12-14T09:00:00Z", 1, NULL, r_ar2);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "request_id", r_ar2, "interpreter_id", x->zoran,
                           "starts_at", MON "T08:00:00Z", "mode", "in_person");
    json_t *out = NULL;
    assert_err(interp_assign(x->f.s, &x->coord, in, &out), ERR_CONFLICT, "starts_at");
    json_object_set_new(in, "starts_at", json_string("2026-12-14T08:00:00Z"));
    json_object_set_new(in, "mode", json_string("video"));
    assert_err(interp_assign(x->f.s, &x->coord, in, &out), ERR_INVALID, "mode");
    json_object_set_new(in, "mode", json_string("in_person"));
    assert_ok(interp_assign(x->f.s, &x->coord, in, &out));
    assert_true(json_is_true(json_object_get(out, "locked")));
    json_decref(out);
    json_decref(in);

    assert_ok(interp_schedule(x->f.s, &x->coord, MON, "2026-12-14", 5, &run));
    assert_int_equal(json_integer_value(json_object_get(run, "served")), 4);
    json_decref(run);
    assert_ok(interp_request_get(x->f.s, &x->coord, r_ps, &req));
    assert_string_equal(json_str(json_object_get(req, "assignment"), "id"), ps_assignment);
    assert_string_equal(json_str(json_object_get(req, "assignment"), "status"), "confirmed");
    json_decref(req);
    assert_ok(interp_request_get(x->f.s, &x->coord, r_ar2, &req));
    assert_string_equal(json_str(json_object_get(req, "assignment"), "interpreter_id"), x->zoran);
    assert_true(json_is_true(json_object_get(json_object_get(req, "assignment"), "locked")));
    json_decref(req);

    json_t *list = NULL;
    assert_ok(interp_assignment_list(x->f.s, &x->coord, MON, "2026-12-14", NULL, &list));
    assert_int_equal(json_array_size(json_object_get(list, "items")), 4);
    json_decref(list);
    /* The colleague of site 2 sees none of them. */
    assert_ok(interp_assignment_list(x->f.s, &x->other_coord, MON, "2026-12-14", NULL, &list));
    assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);
}

static void test_unserved_request_names_the_nearest_free_slot(void **state) {
    ifx *x = *state;
    three_interpreters(x);
    char r1[ID_LEN], r2[ID_LEN];
    /* Pashto twice in the one hour: Ahmad takes one; next free Monday the 14th 08:00. */
    make_request(x, 0, "ps", MON "T08:00:00Z", MON "T09:00:00Z", 3, NULL, r1);
    make_request(x, 0, "ps", MON "T08:00:00Z", MON "T09:00:00Z", 3, NULL, r2);
    json_t *run = NULL;
    assert_ok(interp_schedule(x->f.s, &x->coord, MON, MON, 5, &run));
    assert_int_equal(json_array_size(json_object_get(run, "unserved")), 1);
    const json_t *u = json_array_get(json_object_get(run, "unserved"), 0);
    assert_string_equal(json_str(u, "reason"), "all_booked");
    const json_t *params = json_object_get(u, "params");
    assert_string_equal(json_str(params, "nearest_at"), "2026-12-14T08:00:00Z");
    assert_string_equal(json_str(params, "nearest_name"), "Ahmad K.");
    assert_non_null(strstr(json_str(u, "message"), "nearest: Mon 2026-12-14 08:00 UTC, Ahmad K."));
    json_decref(run);
    assert_err(interp_schedule(x->f.s, &x->coord, "2026-12-09", MON, 5, &run), ERR_INVALID, "to");
    assert_err(interp_schedule(x->f.s, &x->coord, "2026-13-01", MON, 5, &run), ERR_INVALID, "from");
}

static void test_continuity_prefers_the_persons_earlier_interpreter(void **state) {
    ifx *x = *state;
    three_interpreters(x);
    char extra[160], first[ID_LEN], second[ID_LEN];
    snprintf(extra, sizeof extra, "{\"person_id\":\"%s\"}", x->f.person[0]);
    make_request(x, 0, "ar", MON "T08:00:00Z", MON "T09:00:00Z", 3, extra, first);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "request_id", first, "interpreter_id", x->zoran,
                           "starts_at", MON "T08:00:00Z", "mode", "in_person"),
           *out = NULL, *run = NULL, *req = NULL;
    assert_ok(interp_assign(x->f.s, &x->coord, in, &out));
    json_decref(out);
    json_decref(in);
    /* A week later both Ahmad (listed first) and Zoran are free: Zoran again. */
    make_request(x, 0, "ar", "2026-12-14T08:00:00Z", "2026-12-14T09:00:00Z", 3, extra, second);
    assert_ok(interp_schedule(x->f.s, &x->coord, "2026-12-14", "2026-12-14", 5, &run));
    json_decref(run);
    assert_ok(interp_request_get(x->f.s, &x->coord, second, &req));
    assert_string_equal(json_str(json_object_get(req, "assignment"), "interpreter_id"), x->zoran);
    json_decref(req);
}

static void test_declined_assignment_is_not_offered_again(void **state) {
    ifx *x = *state;
    three_interpreters(x);
    char r_ps[ID_LEN];
    make_request(x, 0, "ps", MON "T08:00:00Z", MON "T09:00:00Z", 3, NULL, r_ps);
    json_t *run = NULL, *req = NULL, *out = NULL;
    assert_ok(interp_schedule(x->f.s, &x->coord, MON, MON, 5, &run));
    json_decref(run);
    assert_ok(interp_request_get(x->f.s, &x->coord, r_ps, &req));
    char id[ID_LEN];
    snprintf(id, sizeof id, "%s", json_str(json_object_get(req, "assignment"), "id"));
    json_decref(req);
    assert_ok(interp_my_answer(x->f.s, &x->interp_user, id, "declined", &out));
    assert_string_equal(json_str(out, "status"), "declined");
    json_decref(out);
    assert_err(interp_my_answer(x->f.s, &x->interp_user, id, "confirmed", &out), ERR_CONFLICT,
               "status");
    assert_int_equal(audit_count(&x->f, "interp_assignment", id, "declined"), 1);
    /* Ahmad is the only Pashto interpreter: the request stays open and unserved. */
    assert_ok(interp_schedule(x->f.s, &x->coord, MON, MON, 5, &run));
    assert_int_equal(json_integer_value(json_object_get(run, "served")), 0);
    const json_t *u = json_array_get(json_object_get(run, "unserved"), 0);
    assert_string_equal(json_str(u, "reason"), "not_available");
    assert_null(json_object_get(json_object_get(u, "params"), "nearest_name"));
    json_decref(run);
    assert_ok(interp_request_get(x->f.s, &x->coord, r_ps, &req));
    assert_true(json_is_null(json_object_get(req, "assignment")));
    assert_string_equal(json_str(req, "status"), "open");
    json_decref(req);
}

static void test_ics_lines_are_escaped_and_folded(void **state) {
    (void)state;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    interp_ics_line(&buf, &len, &cap, "SUMMARY", "a,b;c\\d\ne", true);
    assert_string_equal(buf, "SUMMARY:a\\,b\\;c\\\\d\\ne\r\n");
    mem_free(buf);
    buf = NULL;
    len = cap = 0;
    /* 60 two-byte letters: folded into lines of at most 75 octets, never mid-letter. */
    char value[121];
    for (int i = 0; i < 60; i++) memcpy(value + 2 * i, "č", 2);
    value[120] = '\0';
    interp_ics_line(&buf, &len, &cap, "DESCRIPTION", value, true);
    char *line = buf;
    int lines = 0;
    size_t total = 0;
    for (char *end; (end = strstr(line, "\r\n")); line = end + 2) {
        size_t n = (size_t)(end - line);
        assert_true(n <= 75);
        assert_true(text_utf8_valid(line, n));
        if (lines > 0) assert_int_equal(line[0], ' ');
        total += n - (lines > 0);
        lines++;
    }
    assert_int_equal(lines, 2);
    assert_int_equal(total, strlen("DESCRIPTION:") + 120);
    mem_free(buf);
}

static void test_feed_shows_assignments_and_can_be_revoked(void **state) {
    ifx *x = *state;
    three_interpreters(x);
    char r1[ID_LEN];
    make_request(x, 0, "ps", MON "T08:00:00Z", MON "T09:00:00Z", 3,
                 "{\"unit\":\"Asylum department, Bihać; room 2\"}", r1);
    json_t *run = NULL, *feed = NULL;
    assert_ok(interp_schedule(x->f.s, &x->coord, MON, MON, 5, &run));
    json_decref(run);
    assert_ok(interp_feed_issue(x->f.s, &x->interp_user, NULL, &feed));
    assert_string_equal(json_str(feed, "interpreter_id"), x->ahmad);
    char token[TOKEN_LEN + 8];
    snprintf(token, sizeof token, "%s.ics", json_str(feed, "token"));
    json_decref(feed);
    char *ics = NULL;
    size_t len = 0;
    assert_ok(interp_feed_ics(x->f.s, token, &ics, &len));
    assert_int_equal(strlen(ics), len);
    assert_non_null(strstr(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(ics, "DTSTART:20261207T080000Z\r\n"));
    assert_non_null(strstr(ics, "DTEND:20261207T090000Z\r\n"));
    assert_non_null(strstr(ics, "STATUS:TENTATIVE\r\n"));
    assert_non_null(strstr(ics, "Asylum department\\, Bihać\\; room 2"));
    assert_non_null(strstr(ics, "END:VCALENDAR\r\n"));
    mem_free(ics);
    assert_int_equal(audit_count(&x->f, "interp_feed", x->ahmad, "issue"), 1);
    /* A coordinator revokes it: the old URL is gone at once. */
    assert_ok(interp_feed_revoke(x->f.s, &x->coord, x->ahmad));
    assert_err(interp_feed_ics(x->f.s, token, &ics, &len), ERR_NOT_FOUND, "token");
    assert_err(interp_feed_ics(x->f.s, "short", &ics, &len), ERR_NOT_FOUND, "token");
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_interpreter_and_request_checks),
        cmocka_unit_test(test_availability_follows_the_time_zone_and_leave),
        T(test_schedule_serves_all_keeps_locked_and_confirmed),
        T(test_unserved_request_names_the_nearest_free_slot),
        T(test_continuity_prefers_the_persons_earlier_interpreter),
        T(test_declined_assignment_is_not_offered_again),
        cmocka_unit_test(test_ics_lines_are_escaped_and_folded),
        T(test_feed_shows_assignments_and_can_be_revoked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
