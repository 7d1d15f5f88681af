/* No-shows and hours of interpreting: a no-show is recorded once, only after the
 * assignment started, by a coordinator of the request's site, audited, kept by a re-run
 * of the schedule and counted against the interpreter; the hours report counts only
 * completed assignments (confirmed, ended, no no-show) per month, site and language,
 * counts no-shows apart, keeps to the actor's sites, and comes as CSV too.
 *
 * No accounts are made (Argon2 is slow): the coordinators are actors of a role and
 * sites, which is all the module looks at. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/actor.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "registry/registry.h"
#include "testutil.h"

typedef struct {
    store *s;
    actor sys, coord, other;
    char site[3][ID_LEN];
    char ahmad[ID_LEN], zoran[ID_LEN];
    char req[4][ID_LEN];
} nfx;

#define MON          "2026-12-07"
#define DAY(y, m, d) (clock_days_from_civil((y), (m), (d)) * 86400)

static void coordinator(nfx *x, actor *a, const char *name, int from, int n) {
    actor_system(a, name);
    snprintf(a->role, sizeof a->role, "interp_coord");
    a->all_sites = false;
    snprintf(a->user_id, sizeof a->user_id, "00000000-0000-4000-8000-%012d", (int)strlen(name));
    for (int i = from; i < from + n; i++) actor_add_site(a, x->site[i]);
}

static void interpreter(nfx *x, const char *name, char id[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}],s:[s],s:[{s:i,s:s,s:s}]}", "name", name, "gender",
                  "M", "time_zone", "Europe/Sarajevo", "languages", "code", "ar", "level", "native",
                  "sites", x->site[0], "weekly", "day", 1, "from", "09:00", "to", "12:00");
    json_t *out = NULL;
    assert_ok(interp_interpreter_create(x->s, &x->coord, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

static void request(nfx *x, int site, const char *lang, int minutes, char id[ID_LEN]) {
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:[s],s:i,s:s}", "site_id", x->site[site], "unit",
                  "Asylum department", "language", lang, "earliest", MON "T08:00:00Z", "latest",
                  MON "T11:00:00Z", "duration_minutes", minutes, "modes", "in_person", "priority",
                  3, "kind", "asylum_interview");
    json_t *out = NULL;
    assert_ok(interp_request_create(x->s, &x->coord, in, &out));
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

/* Two Arabic interpreters at Lipa on Mondays 08:00-11:00 UTC; four Arabic requests at
 * Lipa on Monday 7 December (90, 60, 60 and 45 minutes), all scheduled. */
static int setup(void **state) {
    nfx *x = mem_alloc(sizeof *x);
    x->s = test_db_open();
    actor_system(&x->sys, "test");
    static const char *const names[] = {"TRC Lipa", "TRC Blažuj", "TRC Borići"};
    static const char *const codes[] = {"LIP", "BLA", "BOR"};
    test_sites_create(x->s, &x->sys, 3, names, codes, 100, x->site);
    coordinator(x, &x->coord, "coord", 0, 2);
    coordinator(x, &x->other, "coord.borici", 2, 1);
    clock_set_fake(DAY(2026, 12, 1));
    interpreter(x, "Ahmad K.", x->ahmad);
    interpreter(x, "Zoran M.", x->zoran);
    static const int minutes[] = {90, 60, 60, 45};
    for (int i = 0; i < 4; i++) request(x, 0, "ar", minutes[i], x->req[i]);
    json_t *run = NULL;
    assert_ok(interp_schedule(x->s, &x->coord, MON, MON, 5, &run));
    assert_int_equal(json_integer_value(json_object_get(run, "served")), 4);
    json_decref(run);
    *state = x;
    return 0;
}

static int teardown(void **state) {
    nfx *x = *state;
    actor_clear(&x->sys);
    actor_clear(&x->coord);
    actor_clear(&x->other);
    test_db_close(x->s);
    clock_set_fake(0);
    mem_free(x);
    return 0;
}

static void assignment_of(nfx *x, int r, char id[ID_LEN], char interp[ID_LEN]) {
    json_t *out = NULL;
    assert_ok(interp_request_get(x->s, &x->coord, x->req[r], &out));
    const json_t *as = json_object_get(out, "assignment");
    assert_non_null(as);
    snprintf(id, ID_LEN, "%s", json_str(as, "id"));
    if (interp) snprintf(interp, ID_LEN, "%s", json_str(as, "interpreter_id"));
    json_decref(out);
}

static int audit_count(nfx *x, const char *entity, const char *id, const char *action) {
    json_t *out = NULL;
    assert_ok(audit_list(x->s, entity, id, 1000, 0, &out));
    int n = 0;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(out, "items"), i, item) n +=
        !strcmp(json_str(item, "action"), action);
    json_decref(out);
    return n;
}

/* The interpreter's no-shows of the last 90 days, as their record shows them. */
static json_int_t recent_noshows(nfx *x, const char *interpreter_id) {
    json_t *person = NULL;
    assert_ok(interp_interpreter_get(x->s, &x->coord, interpreter_id, &person));
    json_int_t n =
        json_integer_value(json_object_get(json_object_get(person, "no_shows"), "last_90_days"));
    json_decref(person);
    return n;
}

static json_t *noshow_body(const char *who, const char *reason, const char *note) {
    json_t *in = json_pack("{s:s,s:s}", "who", who, "reason", reason);
    if (note) json_object_set_new(in, "note", json_string(note));
    return in;
}

static void test_noshow_rules(void **state) {
    nfx *x = *state;
    char a0[ID_LEN], i0[ID_LEN], a1[ID_LEN];
    assignment_of(x, 0, a0, i0);
    assignment_of(x, 1, a1, NULL);
    json_t *in = noshow_body("interpreter", "no_notice", NULL), *out = NULL;
    /* Before the assignment starts nobody can have failed to come. */
    assert_err(interp_noshow_record(x->s, &x->coord, a0, in, &out), ERR_INVALID, "noticed_at");
    clock_set_fake(DAY(2026, 12, 7) + 12 * 3600);
    json_t *bad = noshow_body("driver", "no_notice", NULL);
    assert_err(interp_noshow_record(x->s, &x->coord, a0, bad, &out), ERR_INVALID, "who");
    json_decref(bad);
    bad = noshow_body("client", "bored", NULL);
    assert_err(interp_noshow_record(x->s, &x->coord, a0, bad, &out), ERR_INVALID, "reason");
    json_decref(bad);
    bad = noshow_body("client", "other", "  ");
    assert_err(interp_noshow_record(x->s, &x->coord, a0, bad, &out), ERR_INVALID, "note");
    json_object_set_new(bad, "reason", json_string("illness"));
    json_object_del(bad, "note");
    json_object_set_new(bad, "noticed_at", json_string("2026-12-07T13:00:00Z")); /* future */
    assert_err(interp_noshow_record(x->s, &x->coord, a0, bad, &out), ERR_INVALID, "noticed_at");
    json_decref(bad);
    /* A coordinator of another site does not see the assignment. */
    assert_err(interp_noshow_record(x->s, &x->other, a0, in, &out), ERR_NOT_FOUND, "id");
    assert_err(interp_noshow_record(x->s, &x->coord, "not-an-id", in, &out), ERR_INVALID, "id");
    assert_int_equal(audit_count(x, "interp_assignment", a0, "no_show"), 0);

    assert_ok(interp_noshow_record(x->s, &x->coord, a0, in, &out));
    const json_t *ns = json_object_get(out, "no_show");
    assert_non_null(ns);
    assert_string_equal(json_str(ns, "who"), "interpreter");
    assert_string_equal(json_str(ns, "reason"), "no_notice");
    assert_string_equal(json_str(ns, "noticed_at"), MON "T12:00:00Z");
    assert_true(json_is_true(json_object_get(out, "locked")));
    json_decref(out);
    assert_int_equal(audit_count(x, "interp_assignment", a0, "no_show"), 1);
    /* Once only. */
    assert_err(interp_noshow_record(x->s, &x->coord, a0, in, &out), ERR_CONFLICT, "id");
    assert_int_equal(audit_count(x, "interp_assignment", a0, "no_show"), 1);

    /* The request shows it; the interpreter's record counts it. */
    json_t *req = NULL;
    assert_ok(interp_request_get(x->s, &x->coord, x->req[0], &req));
    assert_string_equal(
        json_str(json_object_get(json_object_get(req, "assignment"), "no_show"), "who"),
        "interpreter");
    json_decref(req);
    assert_int_equal(recent_noshows(x, i0), 1);

    /* The client did not come to the second, noticed at its start. */
    json_t *client = noshow_body("client", "transferred", "moved to Blažuj the day before");
    json_t *got = NULL;
    assert_ok(interp_assignment_list(x->s, &x->coord, MON, MON, NULL, &got));
    const char *start = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(got, "items"), i, v) {
        if (!strcmp(json_str(v, "id"), a1)) start = json_str(v, "starts_at");
    }
    assert_non_null(start);
    json_object_set_new(client, "noticed_at", json_string(start));
    json_decref(got);
    assert_ok(interp_noshow_record(x->s, &x->coord, a1, client, &out));
    assert_string_equal(json_str(json_object_get(out, "no_show"), "note"),
                        "moved to Blažuj the day before");
    json_decref(out);
    json_decref(client);

    /* A re-run of the day keeps both (they are locked now). */
    json_t *run = NULL;
    assert_ok(interp_schedule(x->s, &x->coord, MON, MON, 5, &run));
    json_decref(run);
    char again[ID_LEN];
    assignment_of(x, 0, again, NULL);
    assert_string_equal(again, a0);
    assignment_of(x, 1, again, NULL);
    assert_string_equal(again, a1);
    json_decref(in);
}

static void test_noshow_withdrawn(void **state) {
    nfx *x = *state;
    char a0[ID_LEN], i0[ID_LEN];
    assignment_of(x, 0, a0, i0);
    clock_set_fake(DAY(2026, 12, 7) + 12 * 3600);
    json_t *in = noshow_body("interpreter", "no_notice", NULL), *out = NULL;
    json_t *why = json_pack("{s:s}", "reason", "recorded on the wrong assignment");
    /* Nothing to withdraw yet. */
    assert_err(interp_noshow_withdraw(x->s, &x->coord, a0, why, &out), ERR_CONFLICT, "id");
    assert_ok(interp_noshow_record(x->s, &x->coord, a0, in, &out));
    json_decref(out);
    /* A reason is needed; another site's coordinator does not see it. */
    json_t *blank = json_pack("{s:s}", "reason", "   ");
    assert_err(interp_noshow_withdraw(x->s, &x->coord, a0, blank, &out), ERR_INVALID, "reason");
    json_decref(blank);
    assert_err(interp_noshow_withdraw(x->s, &x->other, a0, why, &out), ERR_NOT_FOUND, "id");
    assert_int_equal(recent_noshows(x, i0), 1);

    assert_ok(interp_noshow_withdraw(x->s, &x->coord, a0, why, &out));
    assert_true(json_is_null(json_object_get(out, "no_show")));
    assert_true(json_is_true(json_object_get(out, "locked")));
    json_decref(out);
    assert_int_equal(audit_count(x, "interp_assignment", a0, "no_show_withdrawn"), 1);
    assert_int_equal(recent_noshows(x, i0), 0);
    /* Recorded again (the right one this time), it counts again. */
    json_t *client = noshow_body("client", "illness", NULL);
    assert_ok(interp_noshow_record(x->s, &x->coord, a0, client, &out));
    assert_string_equal(json_str(json_object_get(out, "no_show"), "who"), "client");
    json_decref(out);
    json_decref(client);
    json_decref(why);
    json_decref(in);
}

static void confirm_all(nfx *x) {
    assert_ok(store_exec(x->s, "UPDATE interp_assignments SET status = 'confirmed'"
                               " WHERE status = 'proposed'"));
}

static void test_hours_report(void **state) {
    nfx *x = *state;
    char a0[ID_LEN], a1[ID_LEN];
    assignment_of(x, 0, a0, NULL);
    assignment_of(x, 1, a1, NULL);
    json_t *out = NULL;
    /* Bad input names the field. */
    assert_err(interp_hours_report(x->s, &x->coord, NULL, "2026-12-31", NULL, &out), ERR_INVALID,
               "from");
    assert_err(interp_hours_report(x->s, &x->coord, "2026-12-31", "2026-12-01", NULL, &out),
               ERR_INVALID, "to");
    assert_err(interp_hours_report(x->s, &x->coord, "2020-01-01", "2026-12-01", NULL, &out),
               ERR_INVALID, "to");
    assert_err(interp_hours_report(x->s, &x->other, "2026-12-01", "2026-12-31", x->site[0], &out),
               ERR_INVALID, "site");

    /* Before the day nothing is completed yet, even when confirmed. */
    confirm_all(x);
    assert_ok(interp_hours_report(x->s, &x->coord, "2026-12-01", "2026-12-31", NULL, &out));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(out, "total"), "assignments")), 0);
    json_decref(out);

    /* After the day: a0 the interpreter did not come to, a1 the client; the other two
     * (60 and 45 minutes) are completed. */
    clock_set_fake(DAY(2026, 12, 7) + 12 * 3600);
    json_t *in = noshow_body("interpreter", "illness", NULL);
    assert_ok(interp_noshow_record(x->s, &x->coord, a0, in, &out));
    json_decref(out);
    json_decref(in);
    in = noshow_body("client", "no_notice", NULL);
    assert_ok(interp_noshow_record(x->s, &x->coord, a1, in, &out));
    json_decref(out);
    json_decref(in);

    assert_ok(interp_hours_report(x->s, &x->coord, "2026-12-01", "2026-12-31", NULL, &out));
    const json_t *rows = json_object_get(out, "rows");
    assert_int_equal(json_array_size(rows), 1);
    const json_t *r = json_array_get(rows, 0);
    assert_string_equal(json_str(r, "month"), "2026-12");
    assert_string_equal(json_str(r, "site_name"), "TRC Lipa");
    assert_string_equal(json_str(r, "language"), "ar");
    assert_int_equal(json_integer_value(json_object_get(r, "assignments")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "minutes")), 105);
    assert_true(json_real_value(json_object_get(r, "hours")) == 1.75);
    assert_int_equal(json_integer_value(json_object_get(r, "interpreter_no_shows")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "client_no_shows")), 1);
    const json_t *lang = json_array_get(json_object_get(out, "by_language"), 0);
    assert_string_equal(json_str(lang, "language"), "ar");
    assert_int_equal(json_integer_value(json_object_get(lang, "minutes")), 105);
    const json_t *site = json_array_get(json_object_get(out, "by_site"), 0);
    assert_string_equal(json_str(site, "site_id"), x->site[0]);
    const json_t *who = json_object_get(out, "interpreter_no_shows");
    assert_int_equal(json_array_size(who), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(who, 0), "no_shows")), 1);
    json_decref(out);

    /* Another month, another site, another coordinator: nothing. */
    assert_ok(interp_hours_report(x->s, &x->coord, "2026-11-01", "2026-11-30", NULL, &out));
    assert_int_equal(json_array_size(json_object_get(out, "rows")), 0);
    json_decref(out);
    assert_ok(interp_hours_report(x->s, &x->coord, "2026-12-01", "2026-12-31", x->site[1], &out));
    assert_int_equal(json_array_size(json_object_get(out, "rows")), 0);
    json_decref(out);
    assert_ok(interp_hours_report(x->s, &x->other, "2026-12-01", "2026-12-31", NULL, &out));
    assert_int_equal(json_array_size(json_object_get(out, "rows")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "interpreter_no_shows")), 0);
    json_decref(out);

    char *csv = NULL;
    size_t len = 0;
    assert_ok(interp_hours_csv(x->s, &x->coord, "2026-12-01", "2026-12-31", NULL, &csv, &len));
    assert_int_equal(len, strlen(csv));
    assert_string_equal(csv, "month,site,language,assignments,hours,interpreter_no_shows,"
                             "client_no_shows\r\n\"2026-12\",\"TRC Lipa\",\"ar\",2,1.75,1,1\r\n");
    mem_free(csv);
    assert_int_equal(audit_count(x, "interp_hours_export", NULL, "read"), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_noshow_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_noshow_withdrawn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hours_report, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
