/* Distributions: entitlement rules as data, refusal and override with a reason, stock
 * that never goes negative and always equals its ledger, transfers, bulk, reports. */
#include "centres_fixture.h"
#include "distributions/distributions.h"

static int setup(void **state) {
    fixture_setup(state);
    fixture *f = *state;
    int added = 0;
    assert_ok(distributions_catalogue_seed(f->s, &added));
    assert_true(added >= 10);
    return 0;
}

static const char *item(fixture *f, const char *code) {
    static char id[ID_LEN];
    json_t *cat = NULL;
    assert_ok(distributions_catalogue(f->s, false, &cat));
    size_t i;
    json_t *it;
    id[0] = '\0';
    json_array_foreach(json_object_get(cat, "items"), i,
                       it) if (!strcmp(json_str(it, "code"), code))
        snprintf(id, sizeof id, "%s", json_str(it, "id"));
    json_decref(cat);
    assert_true(id[0]);
    return id;
}

static void receive(fixture *f, int site, const char *code, int q) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", f->site[site], "item_id", item(f, code),
                           "kind", "receipt", "quantity", q);
    json_t *out = NULL;
    assert_ok(distributions_stock_move(f->s, &f->storekeeper, in, &out));
    json_decref(in);
    json_decref(out);
}

static int64_t stock(fixture *f, int site, const char *code) {
    json_t *out = NULL;
    assert_ok(distributions_stock(f->s, &f->admin, f->site[site], &out));
    int64_t q = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it) {
        /* The balance always equals the sum of its ledger. */
        assert_int_equal(int_at(it, "quantity"), int_at(it, "ledger_sum"));
        if (!strcmp(json_str(it, "code"), code)) q = int_at(it, "quantity");
    }
    json_decref(out);
    return q;
}

static herr *give(fixture *f, const actor *a, int person, int site, const char *code, int q,
                  const char *reason) {
    json_t *in = json_pack("{s:s,s:s,s:[{s:s,s:i}]}", "person_id", f->person[person], "site_id",
                           f->site[site], "items", "item_id", item(f, code), "quantity", q);
    if (reason) json_object_set_new(in, "reason", json_string(reason));
    json_t *out = NULL;
    herr *e = distributions_give(f->s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

static void test_second_kit_is_refused_unless_a_reason_is_given(void **state) {
    fixture *f = *state;
    receive(f, 0, "hygiene_kit", 5);
    assert_ok(give(f, &f->registrar, 0, 0, "hygiene_kit", 1, NULL));
    assert_int_equal(stock(f, 0, "hygiene_kit"), 4);
    herr *e = give(f, &f->registrar, 0, 0, "hygiene_kit", 1, NULL);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_string_equal(e->field, "items[0]");
    assert_string_equal(e->key, "not_entitled");
    err_free(e);
    assert_int_equal(stock(f, 0, "hygiene_kit"), 4); /* nothing changed */
    assert_err(give(f, &f->registrar, 0, 0, "hygiene_kit", 1, "no"), ERR_INVALID, "reason");
    assert_ok(give(f, &f->registrar, 0, 0, "hygiene_kit", 1, "kit stolen in the dormitory"));
    assert_int_equal(stock(f, 0, "hygiene_kit"), 3);
    json_t *out = NULL;
    distributions_query q = {.overrides_only = true};
    assert_ok(distributions_list(f->s, &f->admin, &q, &out));
    assert_int_equal(int_at(out, "total"), 1);
    assert_string_equal(json_str(json_array_get(json_object_get(out, "items"), 0), "reason"),
                        "kit stolen in the dormitory");
    json_decref(out);
    assert_int_equal(audit_count(f, "distribution", NULL, "give_override"), 1);
    /* The desk sees why and until when. */
    assert_ok(distributions_entitlements(f->s, &f->registrar, f->person[0], f->site[0], &out));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(out, "items"), i, it) {
        if (strcmp(json_str(json_object_get(it, "item"), "code"), "hygiene_kit")) continue;
        assert_false(json_is_true(json_object_get(it, "entitled")));
        assert_string_equal(json_str(it, "reason"), "received_recently");
        assert_non_null(json_str(it, "next_date"));
    }
    assert_int_equal(json_array_size(json_object_get(out, "history")), 2);
    json_decref(out);
}

static void test_rules_of_age_sex_and_flag(void **state) {
    fixture *f = *state;
    receive(f, 0, "baby_food", 50);
    receive(f, 0, "dignity_kit", 5);
    receive(f, 0, "special_diet_meal", 10);
    /* Person 0: a man born 1990; person 1: a girl born 2016. */
    herr *e = give(f, &f->registrar, 0, 0, "baby_food", 1, NULL);
    assert_non_null(e);
    assert_string_equal(e->key, "not_entitled");
    assert_non_null(strstr(e->message, "too_old"));
    err_free(e);
    e = give(f, &f->registrar, 0, 0, "dignity_kit", 1, NULL);
    assert_non_null(strstr(e->message, "wrong_sex"));
    err_free(e);
    e = give(f, &f->registrar, 1, 0, "dignity_kit", 1, NULL);
    assert_non_null(strstr(e->message, "too_young"));
    err_free(e);
    e = give(f, &f->registrar, 0, 0, "special_diet_meal", 1, NULL);
    assert_non_null(strstr(e->message, "needs_flag"));
    err_free(e);
    json_t *out = NULL;
    /* The flag is the medical staff's to set, not the desk's. */
    assert_err(
        distributions_flag_set(f->s, &f->registrar, f->person[0], "special_diet", NULL, &out),
        ERR_FORBIDDEN, NULL);
    assert_err(distributions_flag_set(f->s, &f->protection, f->person[0], "vegan", NULL, &out),
               ERR_INVALID, "flag");
    assert_ok(
        distributions_flag_set(f->s, &f->protection, f->person[0], "special_diet", NULL, &out));
    json_decref(out);
    assert_ok(give(f, &f->registrar, 0, 0, "special_diet_meal", 3, NULL));
    /* Three a day: a fourth today is over the rule. */
    e = give(f, &f->registrar, 0, 0, "special_diet_meal", 1, NULL);
    assert_non_null(strstr(e->message, "received_recently"));
    err_free(e);
    assert_ok(distributions_flag_clear(f->s, &f->protection, f->person[0], "special_diet", &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
    json_decref(out);
}

static void test_stock_never_goes_negative_and_a_failed_act_changes_nothing(void **state) {
    fixture *f = *state;
    receive(f, 0, "blanket", 1);
    receive(f, 0, "shoes", 3);
    /* Shoes are there, the blanket is not for two: nothing is given. */
    char shoes[ID_LEN];
    snprintf(shoes, sizeof shoes, "%s", item(f, "shoes"));
    json_t *in = json_pack("{s:s,s:s,s:[{s:s},{s:s,s:i}],s:s}", "person_id", f->person[0],
                           "site_id", f->site[0], "items", "item_id", shoes, "item_id",
                           item(f, "blanket"), "quantity", 2, "reason", "cold night, two blankets");
    json_t *out = NULL;
    herr *e = distributions_give(f->s, &f->registrar, in, &out);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_string_equal(e->key, "out_of_stock");
    assert_string_equal(e->field, "items[1]");
    err_free(e);
    json_decref(in);
    assert_int_equal(stock(f, 0, "shoes"), 3);
    assert_int_equal(stock(f, 0, "blanket"), 1);
    /* A loss larger than the stock, and a transfer, too. */
    in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", f->site[0], "item_id", item(f, "shoes"), "kind",
                   "loss", "quantity", 4);
    assert_err(distributions_stock_move(f->s, &f->storekeeper, in, &out), ERR_CONFLICT, "quantity");
    json_decref(in);
    in = json_pack("{s:s,s:s,s:s,s:i,s:s}", "site_id", f->site[0], "item_id", item(f, "shoes"),
                   "kind", "transfer", "quantity", 2, "to_site_id", f->site[2]);
    assert_ok(distributions_stock_move(f->s, &f->storekeeper, in, &out));
    json_decref(out);
    json_object_set_new(in, "quantity", json_integer(2));
    assert_err(distributions_stock_move(f->s, &f->storekeeper, in, &out), ERR_CONFLICT, "quantity");
    json_decref(in);
    assert_int_equal(stock(f, 0, "shoes"), 1);
    assert_int_equal(stock(f, 2, "shoes"), 2);
    /* A count sets the balance to what is on the shelf. */
    in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", f->site[0], "item_id", item(f, "shoes"), "kind",
                   "count", "quantity", 0);
    assert_ok(distributions_stock_move(f->s, &f->storekeeper, in, &out));
    json_decref(out);
    json_decref(in);
    assert_int_equal(stock(f, 0, "shoes"), 0);
    /* Only the storekeeper (and admin) move stock. */
    in = json_pack("{s:s,s:s,s:s,s:i}", "site_id", f->site[0], "item_id", item(f, "shoes"), "kind",
                   "receipt", "quantity", 1);
    assert_err(distributions_stock_move(f->s, &f->registrar, in, &out), ERR_FORBIDDEN, NULL);
    json_decref(in);
    assert_ok(distributions_ledger(f->s, &f->storekeeper, f->site[0], item(f, "shoes"), 100, &out));
    assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
    json_decref(out);
}

static void test_family_items_count_for_every_member(void **state) {
    fixture *f = *state;
    receive(f, 0, "family_hygiene_kit", 5);
    json_t *in = json_pack("{s:s,s:s,s:[{s:s}],s:[s]}", "person_id", f->person[0], "site_id",
                           f->site[0], "items", "item_id", item(f, "family_hygiene_kit"),
                           "family_member_ids", f->person[1]);
    json_t *out = NULL;
    assert_ok(distributions_give(f->s, &f->registrar, in, &out));
    json_decref(out);
    json_decref(in);
    /* Maryam's family already has one this month. */
    herr *e = give(f, &f->registrar, 1, 0, "family_hygiene_kit", 1, NULL);
    assert_non_null(e);
    assert_string_equal(e->key, "not_entitled");
    err_free(e);
    /* Another family at another site: entitled, but that site has none in stock. */
    assert_err(give(f, &f->registrar, 2, 1, "family_hygiene_kit", 1, NULL), ERR_CONFLICT,
               "items[0]");
}

static void test_bulk_gives_everyone_present_or_nothing(void **state) {
    fixture *f = *state;
    receive(f, 0, "meal", 5);
    json_t *in = json_pack("{s:s,s:s,s:i}", "site_id", f->site[0], "item_id", item(f, "meal"),
                           "quantity", 3);
    json_t *out = NULL;
    /* Two people present, three meals each: six needed, five in stock. */
    assert_err(distributions_bulk(f->s, &f->registrar, in, &out), ERR_CONFLICT, "quantity");
    assert_int_equal(stock(f, 0, "meal"), 5);
    receive(f, 0, "meal", 100);
    assert_ok(distributions_bulk(f->s, &f->registrar, in, &out));
    assert_int_equal(int_at(out, "recipients"), 2);
    assert_int_equal(int_at(out, "quantity"), 6);
    json_decref(out);
    assert_int_equal(stock(f, 0, "meal"), 99);
    /* The same day again: everyone has had their three. */
    assert_ok(distributions_bulk(f->s, &f->registrar, in, &out));
    assert_int_equal(int_at(out, "recipients"), 0);
    assert_int_equal(int_at(out, "skipped"), 2);
    json_decref(out);
    json_decref(in);
    assert_int_equal(audit_count(f, "distribution", NULL, "bulk"), 2);
}

static void test_reports(void **state) {
    fixture *f = *state;
    receive(f, 0, "hygiene_kit", 10);
    receive(f, 0, "meal", 100);
    assert_ok(give(f, &f->registrar, 0, 0, "hygiene_kit", 1, NULL));
    json_t *in = json_pack("{s:s,s:s}", "site_id", f->site[0], "item_id", item(f, "meal")), *out;
    assert_ok(distributions_bulk(f->s, &f->registrar, in, &out));
    json_decref(out);
    json_decref(in);
    assert_ok(distributions_report(f->s, &f->viewer, NULL, NULL, NULL, &out));
    json_int_t meals = 0, kits = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(out, "by_item"), i, r) {
        if (!strcmp(json_str(r, "code"), "meal")) meals = int_at(r, "quantity");
        if (!strcmp(json_str(r, "code"), "hygiene_kit")) kits = int_at(r, "quantity");
    }
    assert_int_equal(meals, 2);
    assert_int_equal(kits, 1);
    json_decref(out);
    /* Meals aside, Maryam (person 1) received nothing. */
    assert_ok(distributions_nothing_received(f->s, &f->registrar, f->site[0], 30, &out));
    assert_int_equal(int_at(out, "present"), 2);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    assert_string_equal(
        json_str(json_object_get(json_array_get(json_object_get(out, "items"), 0), "person"), "id"),
        f->person[1]);
    json_decref(out);
    /* Another site's staff see none of it. */
    assert_err(distributions_nothing_received(f->s, &f->registrar_c, f->site[0], 30, &out),
               ERR_NOT_FOUND, "site");
    assert_ok(distributions_report(f->s, &f->registrar_c, NULL, NULL, NULL, &out));
    assert_int_equal(json_array_size(json_object_get(out, "rows")), 0);
    json_decref(out);
}

static void test_catalogue_rules_are_checked(void **state) {
    fixture *f = *state;
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i}", "code", "tent", "name_en",
                           "Tent", "name_bs", "Šator", "name_sr", "Шатор", "category", "nfi",
                           "unit", "piece", "per", "family", "period_days", 400, "low_stock", 2);
    json_t *out = NULL;
    assert_err(distributions_item_create(f->s, &f->storekeeper, in, &out), ERR_INVALID,
               "period_days");
    json_object_set_new(in, "period_days", json_integer(180));
    assert_err(distributions_item_create(f->s, &f->registrar, in, &out), ERR_FORBIDDEN, NULL);
    assert_ok(distributions_item_create(f->s, &f->storekeeper, in, &out));
    json_decref(out);
    assert_err(distributions_item_create(f->s, &f->storekeeper, in, &out), ERR_CONFLICT, NULL);
    json_decref(in);
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_second_kit_is_refused_unless_a_reason_is_given),
        T(test_rules_of_age_sex_and_flag),
        T(test_stock_never_goes_negative_and_a_failed_act_changes_nothing),
        T(test_family_items_count_for_every_member),
        T(test_bulk_gives_everyone_present_or_nothing),
        T(test_reports),
        T(test_catalogue_rules_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
