/* The command line: numbers in options, and bad options that must change nothing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_commands.h"
#include "testutil.h"

static void test_numbers_are_whole_and_in_range(void **state) {
    (void)state;
    long long n = 0;
    assert_ok(cli_number("42", "threads", 1, 64, &n));
    assert_int_equal(n, 42);
    assert_err(cli_number("", "threads", 1, 64, &n), ERR_INVALID, "threads");
    assert_err(cli_number("4x", "threads", 1, 64, &n), ERR_INVALID, "threads");
    assert_err(cli_number("abc", "demo-people", 0, 10, &n), ERR_INVALID, "demo-people");
    assert_err(cli_number("65", "threads", 1, 64, &n), ERR_INVALID, "threads");
    assert_err(cli_number("99999999999999999999", "seed", 0, 9223372036854775807LL, &n),
               ERR_INVALID, "seed");
    herr *e = cli_number("0", "threads", 1, 64, &n);
    assert_non_null(strstr(e->message, "from 1 to 64"));
    err_free(e);
}

static void test_init_with_a_bad_number_creates_no_database(void **state) {
    (void)state;
    char path[] = "/tmp/haven-cli-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    char *argv[] = {"haven", "init", "--db", path, "--demo", "--demo-people", "lots", NULL};
    assert_int_equal(cli_main(7, argv), 1);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_are_whole_and_in_range),
        cmocka_unit_test(test_init_with_a_bad_number_creates_no_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
