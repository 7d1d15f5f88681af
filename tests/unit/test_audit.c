/* The audit log: hash chain, tamper detection, append-only, the CLI's exit codes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "testutil.h"

static void write_entries(store *s, int n) {
    actor a;
    actor_system(&a, "tester");
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "e%d", i);
        json_t *detail = json_pack("{s:i}", "n", i);
        assert_ok(store_begin(s));
        assert_ok(audit_record(s, &a, "create", "thing", id, detail));
        assert_ok(store_commit(s));
        json_decref(detail);
    }
}

/* Tampering from outside the application: drop the guard triggers first, as someone
 * with the file would. */
static void tamper(store *s, const char *sql) {
    assert_ok(store_exec(s, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"));
    assert_ok(store_exec(s, sql));
}

static void expect_broken_at(store *s, int64_t seq) {
    int64_t count, broken;
    herr *e = audit_verify(s, &count, &broken);
    assert_non_null(e);
    assert_int_equal(e->code, ERR_CONFLICT);
    assert_int_equal(broken, seq);
    char want[32];
    snprintf(want, sizeof want, "entry %lld", (long long)seq);
    assert_non_null(strstr(e->message, want));
    err_free(e);
}

static void test_intact_chain_verifies(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 5);
    int64_t count, broken;
    assert_ok(audit_verify(s, &count, &broken));
    assert_int_equal(count, 5);
    test_db_close(s);
}

static void test_changed_byte_is_detected(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 5);
    tamper(s, "UPDATE audit_log SET entity_id = 'e9' WHERE seq = 3");
    expect_broken_at(s, 3);
    test_db_close(s);
}

static void test_removed_entry_is_detected(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 5);
    tamper(s, "DELETE FROM audit_log WHERE seq = 2");
    expect_broken_at(s, 3);
    test_db_close(s);
}

static void test_reordered_entries_are_detected(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 5);
    /* Swap the content of entries 2 and 3, keeping their sequence numbers. */
    tamper(s, "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
              "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
              "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
    expect_broken_at(s, 2);
    test_db_close(s);
}

static void test_application_cannot_change_or_delete(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 2);
    assert_err(store_exec(s, "UPDATE audit_log SET action = 'x'"), ERR_CONFLICT, NULL);
    assert_err(store_exec(s, "DELETE FROM audit_log"), ERR_CONFLICT, NULL);
    test_db_close(s);
}

static void test_record_outside_transaction_is_refused(void **state) {
    (void)state;
    store *s = test_db_open();
    actor a;
    actor_system(&a, "tester");
    assert_err(audit_record(s, &a, "create", "thing", "x", NULL), ERR_INTERNAL, NULL);
    test_db_close(s);
}

static void test_cli_verify_exit_codes(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 3);
    char path[512];
    snprintf(path, sizeof path, "%s", store_path(s));
    char *ok_argv[] = {"haven", "audit", "verify", "--db", path, NULL};
    assert_int_equal(cli_main(5, ok_argv), 0);
    tamper(s, "UPDATE audit_log SET address = 'elsewhere' WHERE seq = 1");
    assert_int_equal(cli_main(5, ok_argv), 1);
    char *bad_argv[] = {"haven", "audit", "verify", NULL};
    assert_int_equal(cli_main(3, bad_argv), 2);
    test_db_close(s);
}

static void test_list_filters_by_entity(void **state) {
    (void)state;
    store *s = test_db_open();
    write_entries(s, 3);
    json_t *out = NULL;
    assert_ok(audit_list(s, "thing", "e1", 10, 0, &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "actor_name")),
                        "tester");
    json_decref(out);
    test_db_close(s);
}

/* Who read a person: the reads whose record is the person or whose detail names them,
 * newest first; not their changes, not another person's reads, not restricted entries. */
static void test_person_reads_are_the_reads_about_that_person(void **state) {
    (void)state;
    store *s = test_db_open();
    actor a;
    actor_system(&a, "reader");
    json_t *about_p = json_pack("{s:s}", "person_id", "P"),
           *about_q = json_pack("{s:s}", "person_id", "Q");
    assert_ok(audit_record_read(s, &a, "registration_card", "P", NULL));
    assert_ok(audit_record_read(s, &a, "protection_case", "case-1", about_p));
    assert_ok(audit_record_read(s, &a, "protection_case", "case-2", about_q));
    assert_ok(audit_record_read(s, &a, AUDIT_RESTRICTED_PREFIX "thing", "P", about_p));
    assert_ok(store_begin(s));
    assert_ok(audit_record(s, &a, "update", "person", "P", NULL));
    assert_ok(store_commit(s));
    json_t *out = NULL;
    assert_ok(audit_list_person_reads(s, "P", 10, &out));
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "entity_id")),
                        "case-1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "entity")),
                        "registration_card");
    json_decref(out);
    json_decref(about_p);
    json_decref(about_q);
    test_db_close(s);
}

/* The anchor beside the key file: "<db>.key.audit-key" and "<db>.key.audit-head". */
static void anchor_paths(store *s, char key[512], char mac_key[600], char head[600]) {
    snprintf(key, 512, "%s.key", store_path(s));
    snprintf(mac_key, 600, "%s.audit-key", key);
    snprintf(head, 600, "%s.audit-head", key);
}

static void anchor_cleanup(store *s) {
    char key[512], mac_key[600], head[600];
    anchor_paths(s, key, mac_key, head);
    audit_anchor_forget();
    unlink(mac_key);
    unlink(head);
}

static void expect_message(store *s, const char *want, int64_t broken_seq) {
    int64_t count, broken;
    herr *e = audit_verify(s, &count, &broken);
    assert_non_null(e);
    if (!strstr(e->message, want)) print_error("got: %s\n", e->message);
    assert_non_null(strstr(e->message, want));
    assert_int_equal(broken, broken_seq);
    err_free(e);
}

static void test_truncation_is_detected_against_the_checkpoint(void **state) {
    (void)state;
    store *s = test_db_open();
    char key[512], mac_key[600], head[600];
    anchor_paths(s, key, mac_key, head);
    write_entries(s, 2);
    assert_ok(audit_anchor_use(s, key, true)); /* the first checkpoint: #2 */
    write_entries(s, 3);                       /* each commit moves it: #5 */
    int64_t count, broken;
    assert_ok(audit_verify(s, &count, &broken));
    assert_int_equal(count, 5);
    /* A write that rolls back does not move the checkpoint. */
    actor a;
    actor_system(&a, "tester");
    assert_ok(store_begin(s));
    assert_ok(audit_record(s, &a, "create", "thing", "gone", NULL));
    store_rollback(s);
    assert_ok(audit_verify(s, &count, &broken));
    assert_int_equal(count, 5);

    /* Without the anchor the chain alone cannot see it; with it, it can. */
    tamper(s, "DELETE FROM audit_log WHERE seq >= 4");
    audit_anchor_forget();
    assert_ok(audit_verify(s, &count, &broken));
    assert_int_equal(count, 3);
    assert_ok(audit_anchor_use(s, key, false));
    expect_message(s, "truncated: 2 entries missing after #3", 4);

    /* New entries do not re-anchor a truncated log. */
    write_entries(s, 1);
    expect_message(s, "truncated: 1 entries missing after #4", 5);
    write_entries(s, 2);
    expect_message(s, "audit entry 5 is not the one the checkpoint", 5);

    /* The command line says the same and exits 1. */
    char path[512];
    snprintf(path, sizeof path, "%s", store_path(s));
    char *argv[] = {"haven", "audit", "verify", "--db", path, "--key-file", key, NULL};
    assert_int_equal(cli_main(7, argv), 1);
    anchor_cleanup(s);
    test_db_close(s);
}

static void test_checkpoint_cannot_be_forged_or_removed(void **state) {
    (void)state;
    store *s = test_db_open();
    char key[512], mac_key[600], head[600];
    anchor_paths(s, key, mac_key, head);
    assert_ok(audit_anchor_use(s, key, true));
    write_entries(s, 4);
    char path[512];
    snprintf(path, sizeof path, "%s", store_path(s));
    char *argv[] = {"haven", "audit", "verify", "--db", path, "--key-file", key, NULL};
    assert_int_equal(cli_main(7, argv), 0);
    /* Truncate and write a checkpoint for the shorter log without the key: refused. */
    tamper(s, "DELETE FROM audit_log WHERE seq = 4");
    FILE *f = fopen(head, "r");
    assert_non_null(f);
    char header[64], hash[80], mac[80];
    long long n;
    assert_int_equal(fscanf(f, "%63s %*s %lld %79s %79s", header, &n, hash, mac), 4);
    fclose(f);
    assert_int_equal(n, 4);
    f = fopen(head, "w");
    assert_non_null(f);
    fprintf(f, "haven-audit-head v1\n3 %s %s\n", hash, mac);
    fclose(f);
    assert_int_equal(cli_main(7, argv), 1);
    assert_err(audit_anchor_use(s, key, false), ERR_CONFLICT, NULL);
    /* Removing the checkpoint is seen too. */
    unlink(head);
    assert_err(audit_anchor_use(s, key, false), ERR_CONFLICT, NULL);
    assert_int_equal(cli_main(7, argv), 1);
    anchor_cleanup(s);
    test_db_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact_chain_verifies),
        cmocka_unit_test(test_changed_byte_is_detected),
        cmocka_unit_test(test_removed_entry_is_detected),
        cmocka_unit_test(test_reordered_entries_are_detected),
        cmocka_unit_test(test_application_cannot_change_or_delete),
        cmocka_unit_test(test_record_outside_transaction_is_refused),
        cmocka_unit_test(test_cli_verify_exit_codes),
        cmocka_unit_test(test_list_filters_by_entity),
        cmocka_unit_test(test_person_reads_are_the_reads_about_that_person),
        cmocka_unit_test(test_truncation_is_detected_against_the_checkpoint),
        cmocka_unit_test(test_checkpoint_cannot_be_forged_or_removed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
