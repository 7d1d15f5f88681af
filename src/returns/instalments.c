/* Reintegration grant instalments: the plan's grant paid out in parts, each with an
 * amount (in cents, to avoid binary fractions of money), a currency, the day it is due,
 * and the way it goes: planned -> approved (by someone other than who planned it: two
 * people sign off money) -> paid (on a day); a planned or approved instalment may be
 * cancelled with a reason. Instalments in EUR together stay within the plan's budget.
 * Every change is audited on the return case. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

/* The currencies a grant is paid in, in the region and at the common destinations. */
static const char *const currencies[] = {"EUR", "BAM", "RSD", "USD", "CHF", "TRY", "PKR",
                                         "AFN", "MAD", "DZD", "TND", "EGP", "IQD", "IRR",
                                         "BDT", "INR", "NPR", "GBP", NULL};

/* "amount" is a number with cents, which json_check has no type for: checked apart. */
static const json_field add_fields[] = {
    {"currency", JF_STRING, true, 3},
    {"due_on", JF_STRING, true, 10},
    {"description", JF_STRING, false, 200},
    {"note", JF_TEXT, false, 2000},
};

static const char plan_id_sql[] = "SELECT id, budget_eur FROM return_plans WHERE case_id = :case";
static const char eur_sum_sql[] =
    "SELECT COALESCE(SUM(amount_cents), 0) FROM return_instalments WHERE plan_id = :plan"
    " AND currency = 'EUR' AND status <> 'cancelled'";
static const char insert_sql[] =
    "INSERT INTO return_instalments (id, plan_id, seq, amount_cents, currency, due_on,"
    " description, status, note, by_id, by_name, created_at, updated_at) SELECT :id, :plan,"
    " COALESCE(MAX(seq), 0) + 1, :cents, :currency, :due, :description, 'planned', :note,"
    " :by_id, :by_name, :now, :now FROM return_instalments WHERE plan_id = :plan";

/* The case's plan id and budget; ERR_CONFLICT "returns_no_plan" when none. */
static herr *plan_of(store *s, const char *case_id, char plan[ID_LEN], int64_t *budget_cents) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, plan_id_sql, &st);
    if (e) return e;
    store_bind_text(st, ":case", case_id);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(plan, ID_LEN, "%s", store_text(st, 0));
        *budget_cents = store_int(st, 1) * 100;
    }
    store_done(st);
    if (!e && !row)
        e = err_with(err_new(ERR_CONFLICT, "case", "the case has no reintegration plan"),
                     "returns_no_plan", (const char *)NULL);
    return e;
}

static herr *eur_planned(store *s, const char *plan, int64_t *out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = 0;
    herr *e = store_prepare(s, eur_sum_sql, &st);
    if (e) return e;
    store_bind_text(st, ":plan", plan);
    if (!(e = store_step(st, &row)) && row) *out = store_int(st, 0);
    store_done(st);
    return e;
}

/* json_check of in without the member name (checked by the caller). */
static herr *json_check_except(const json_t *in, const char *name, const json_field *fields,
                               size_t n) {
    if (!json_is_object(in)) return json_check(in, fields, n);
    json_t *rest = json_copy((json_t *)in);
    json_object_del(rest, name);
    herr *e = json_check(rest, fields, n);
    json_decref(rest);
    return e;
}

/* The amount as cents: positive, at most two decimals, at most 100000. */
static herr *amount_cents(const json_t *v, int64_t *out) {
    double x = json_number_value(v) * 100.0;
    double r = round(x);
    if (!v) return err_required("amount");
    if (!json_is_number(v) || r < 1 || r > 10000000.0 || fabs(x - r) > 1e-6)
        return err_invalid("amount",
                           "amount must be from 0.01 to 100000 with at most two decimals");
    *out = (int64_t)r;
    return NULL;
}

herr *returns_instalment_add(store *s, const actor *a, const char *case_id, const json_t *in,
                             json_t **out) {
    char plan[ID_LEN], id[ID_LEN], due[CLOCK_DATE_LEN], now[CLOCK_ISO_LEN];
    int64_t cents = 0, budget = 0, planned = 0;
    json_t *c = NULL, *detail = NULL;
    store_stmt *st = NULL;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e)
        e = json_check_except(in, "amount", add_fields, sizeof add_fields / sizeof add_fields[0]);
    if (!e) e = amount_cents(json_object_get(in, "amount"), &cents);
    if (!e) e = check_code("currency", json_str(in, "currency"), currencies);
    if (!e) e = check_date(in, "due_on", true, due);
    if (!e) e = retc_row(s, a, case_id, &c);
    if (e) goto cleanup;
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = plan_of(s, case_id, plan, &budget))) goto rollback;
    if (!strcmp(json_str(in, "currency"), "EUR")) {
        if ((e = eur_planned(s, plan, &planned))) goto rollback;
        if (planned + cents > budget) {
            char left[32];
            snprintf(left, sizeof left, "%.2f", (double)(budget - planned) / 100.0);
            e = err_with(err_invalid("amount",
                                     "the instalments would exceed the plan's budget: %s EUR left",
                                     left),
                         "returns_over_budget", "left", left, (const char *)NULL);
            goto rollback;
        }
    }
    if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":plan", plan);
    store_bind_int(st, ":cents", cents);
    store_bind_text(st, ":currency", json_str(in, "currency"));
    store_bind_text(st, ":due", due);
    store_bind_text(st, ":description", json_str(in, "description"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    detail = json_pack("{s:s,s:I,s:s,s:s}", "instalment_id", id, "amount_cents", (json_int_t)cents,
                       "currency", json_str(in, "currency"), "due_on", due);
    if ((e = audit_record(s, a, "add_instalment", "return_case", case_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, case_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}

static const json_field action_fields[] = {
    {"action", JF_STRING, true, 16},
    {"paid_on", JF_STRING, false, 10},
    {"reason", JF_STRING, false, 400},
    {"reference", JF_STRING, false, 80},
};
static const char *const actions[] = {"approve", "pay", "cancel", NULL};

static const char row_sql[] =
    "SELECT i.status, i.by_id, i.created_at FROM return_instalments i JOIN return_plans p"
    " ON p.id = i.plan_id WHERE i.id = :id AND p.case_id = :case";
static const char approve_sql[] =
    "UPDATE return_instalments SET status = 'approved', approved_by_id = :by_id,"
    " approved_by_name = :by_name, approved_at = :now, updated_at = :now"
    " WHERE id = :id AND status = 'planned'";
static const char pay_sql[] =
    "UPDATE return_instalments SET status = 'paid', paid_on = :paid_on, payment_reference ="
    " :reference, paid_by_name = :by_name, updated_at = :now WHERE id = :id AND status = 'approved'";
static const char cancel_sql[] =
    "UPDATE return_instalments SET status = 'cancelled', cancel_reason = :reason,"
    " updated_at = :now WHERE id = :id AND status IN ('planned', 'approved')";

/* The action's own checks against the instalment's status and its planner. */
static herr *check_action(const actor *a, const char *action, const char *status,
                          const char *planner, const json_t *in, char paid_on[CLOCK_DATE_LEN]) {
    static const struct {
        const char *action, *from;
    } allowed[] = {
        {"approve", "planned"}, {"pay", "approved"}, {"cancel", "planned"}, {"cancel", "approved"}};
    bool ok = false;
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        ok = ok || (!strcmp(allowed[i].action, action) && !strcmp(allowed[i].from, status));
    if (!ok)
        return err_with(err_new(ERR_CONFLICT, "action", "an instalment that is %s cannot be %s",
                                status, action),
                        "returns_instalment_status", "state", status, "to", action,
                        (const char *)NULL);
    if (!strcmp(action, "approve") && a->user_id[0] && !strcmp(a->user_id, planner))
        return err_with(err_new(ERR_CONFLICT, "action",
                                "the instalment must be approved by someone other than who "
                                "planned it"),
                        "returns_instalment_four_eyes", (const char *)NULL);
    if (!strcmp(action, "cancel") && !json_str(in, "reason"))
        return err_with(err_invalid("reason", "reason is required to cancel an instalment"),
                        "required", (const char *)NULL);
    paid_on[0] = '\0';
    if (!strcmp(action, "pay")) {
        char today[CLOCK_DATE_LEN];
        herr *e = check_date(in, "paid_on", false, paid_on);
        if (e) return e;
        clock_format_date(clock_now(), today);
        if (!paid_on[0]) snprintf(paid_on, CLOCK_DATE_LEN, "%s", today);
        if (strcmp(paid_on, today) > 0)
            return err_invalid("paid_on", "paid_on cannot be in the future");
    }
    return NULL;
}

herr *returns_instalment_act(store *s, const actor *a, const char *case_id, const char *id,
                             const json_t *in, json_t **out) {
    char status[16] = "", planner[ID_LEN] = "", paid_on[CLOCK_DATE_LEN], now[CLOCK_ISO_LEN];
    json_t *c = NULL, *detail = NULL;
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = ret_require(a, "returns.write");
    if (!e) e = json_check(in, action_fields, sizeof action_fields / sizeof action_fields[0]);
    if (!e) e = check_code("action", json_str(in, "action"), actions);
    if (!e) e = retc_row(s, a, case_id, &c);
    if (e) goto cleanup;
    const char *action = json_str(in, "action");
    if ((e = store_prepare(s, row_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":case", case_id);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(status, sizeof status, "%s", store_text(st, 0));
        snprintf(planner, sizeof planner, "%s", store_text(st, 1));
    }
    store_done(st);
    st = NULL;
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "instalment", "no instalment with id %s", id);
    if (!e) e = check_action(a, action, status, planner, in, paid_on);
    if (e) goto cleanup;
    clock_format_iso(clock_now(), now);
    const char *sql = !strcmp(action, "approve") ? approve_sql
                      : !strcmp(action, "pay")   ? pay_sql
                                                 : cancel_sql;
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by_name", a->username);
    if (!strcmp(action, "approve"))
        store_bind_text(st, ":by_id", a->user_id[0] ? a->user_id : "system");
    if (!strcmp(action, "pay")) {
        store_bind_text(st, ":paid_on", paid_on);
        store_bind_text(st, ":reference", json_str(in, "reference"));
    }
    if (!strcmp(action, "cancel")) store_bind_text(st, ":reason", json_str(in, "reason"));
    if ((e = store_run_done(&st))) goto rollback;
    st = NULL;
    if (store_changes(s) != 1) {
        e = err_with(err_new(ERR_CONFLICT, "action", "the instalment changed meanwhile: reload it"),
                     "returns_changed", (const char *)NULL);
        goto rollback;
    }
    detail = json_pack("{s:s,s:s,s:s}", "instalment_id", id, "from", status, "action", action);
    if (paid_on[0]) json_object_set_new(detail, "paid_on", json_string(paid_on));
    if ((e = audit_record(s, a, "instalment", "return_case", case_id, detail))) goto rollback;
    if ((e = store_commit(s))) goto cleanup;
    e = returns_case_get(s, a, case_id, out);
    goto cleanup;
rollback:
    store_done(st);
    store_rollback(s);
cleanup:
    json_decref(c);
    json_decref(detail);
    return e;
}

static const char list_sql[] =
    "SELECT id, seq, amount_cents, currency, due_on, description, status, approved_by_name,"
    " approved_at, paid_on, payment_reference, paid_by_name, cancel_reason, note, by_name,"
    " created_at FROM return_instalments WHERE plan_id = :plan ORDER BY seq";

herr *ret_instalments_of_plan(store *s, const char *plan_id, json_t *plan) {
    char today[CLOCK_DATE_LEN];
    store_stmt *st = NULL;
    bool row;
    json_t *list = json_array();
    json_int_t paid_eur = 0, planned_eur = 0;
    clock_format_date(clock_now(), today);
    json_object_set_new(plan, "instalments", list);
    herr *e = store_prepare(s, list_sql, &st);
    if (e) return e;
    store_bind_text(st, ":plan", plan_id);
    while (!(e = store_step(st, &row)) && row) {
        static const char *const cols[] = {"id",
                                           NULL,
                                           NULL,
                                           "currency",
                                           "due_on",
                                           "description",
                                           "status",
                                           "approved_by",
                                           "approved_at",
                                           "paid_on",
                                           "payment_reference",
                                           "paid_by",
                                           "cancel_reason",
                                           "note",
                                           "by_name",
                                           "created_at"};
        json_t *i = json_object();
        for (int k = 0; k < 16; k++)
            if (cols[k]) json_set_str(i, cols[k], store_is_null(st, k) ? NULL : store_text(st, k));
        int64_t cents = store_int(st, 2);
        json_object_set_new(i, "seq", json_integer(store_int(st, 1)));
        json_object_set_new(i, "amount", json_real((double)cents / 100.0));
        json_object_set_new(i, "amount_cents", json_integer(cents));
        const char *status = json_str(i, "status");
        bool open = !strcmp(status, "planned") || !strcmp(status, "approved");
        json_object_set_new(i, "overdue",
                            json_boolean(open && strcmp(json_str(i, "due_on"), today) < 0));
        if (!strcmp(json_str(i, "currency"), "EUR") && strcmp(status, "cancelled")) {
            planned_eur += cents;
            if (!strcmp(status, "paid")) paid_eur += cents;
        }
        json_array_append_new(list, i);
    }
    store_done(st);
    json_object_set_new(plan, "instalments_eur", json_real((double)planned_eur / 100.0));
    json_object_set_new(plan, "paid_eur", json_real((double)paid_eur / 100.0));
    return e;
}
