/* Helpers shared by the unit tests. cmocka wants these includes in this order. */
#ifndef HAVEN_TESTUTIL_H
#define HAVEN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* Fails the test with the error's message when e is not NULL. */
#define assert_ok(expr)                                                                            \
    do {                                                                                           \
        herr *assert_ok_e_ = (expr);                                                               \
        if (assert_ok_e_) {                                                                        \
            print_error("%s: %s (field %s)\n", #expr, assert_ok_e_->message, assert_ok_e_->field); \
            err_free(assert_ok_e_);                                                                \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Asserts that expr fails with the code (and field, when not NULL), then frees it. */
void assert_err_(herr *e, err_code code, const char *field, const char *expr, const char *file,
                 int line);
#define assert_err(expr, code, field)                                                              \
    assert_err_((expr), (code), (field), #expr, __FILE__, __LINE__)

/* A fresh database in a temporary file with every module's schema; removed by
 * test_db_close. */
store *test_db_open(void);
void test_db_close(store *s);
/* The same in a SQLite file even when the tests run on PostgreSQL: a field laptop. */
store *test_db_open_sqlite(void);
/* True when the tests run on PostgreSQL (HAVEN_TEST_PG_URL is set). */
bool test_db_is_postgres(void);

/* Creates n temporary reception centres (names[i], codes[i], capacity each) as sys and
 * writes their ids to ids[i]. */
void test_sites_create(store *s, const actor *sys, int n, const char *const *names,
                       const char *const *codes, int capacity, char ids[][ID_LEN]);

#endif
