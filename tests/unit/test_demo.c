/* The demo data: it loads on any day of the year. */
#include "testutil.h"

#include <jansson.h>

#include "core/clock.h"
#include "demo/demo.h"

/* Early December: babies born this year are months old, but the registrations go back
 * many months, so a baby's birth date from "today minus age" could fall after the day
 * it was registered, which the registry (rightly) refuses. */
static void test_demo_loads_late_in_the_year(void **state) {
    (void)state;
    clock_set_fake(clock_days_from_civil(2026, 12, 5) * 86400 + 12 * 3600);
    store *s = test_db_open();
    json_t *logins = NULL;
    assert_ok(demo_load(s, 1, 4000, &logins));
    assert_true(json_array_size(logins) > 0);
    json_decref(logins);
    test_db_close(s);
    clock_set_fake(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_loads_late_in_the_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
