/* RFC 4180 reading and birth dates for `haven match dedup`. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "match/match.h"

typedef struct {
    FILE *f;
    match_csv *c;
} reader;

static reader open_text(const char *text) {
    reader r;
    r.f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(r.f);
    assert_ok(match_csv_open(r.f, &r.c));
    return r;
}

static void close_reader(reader *r) {
    match_csv_free(r->c);
    fclose(r->f);
}

static void test_quoted_fields_with_commas_quotes_and_newlines(void **state) {
    (void)state;
    reader r = open_text("id,name\r\n1,\"Hussaini, Mohammad\"\r\n2,\"say \"\"hi\"\"\"\n"
                         "3,\"two\nlines\"\n4,last");
    char **f, why[100];
    size_t n;
    long line;
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_int_equal(n, 2);
    assert_string_equal(f[1], "name");
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[1], "Hussaini, Mohammad");
    assert_int_equal(line, 2);
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[1], "say \"hi\"");
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[1], "two\nlines");
    assert_int_equal(line, 4);
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[0], "4");
    assert_string_equal(f[1], "last");
    assert_int_equal(line, 6); /* the quoted line break counted */
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 0);
    close_reader(&r);
}

static void test_bom_is_skipped_and_empty_fields_kept(void **state) {
    (void)state;
    reader r = open_text("\xef\xbb\xbfid,a,b\n1,,\n\n2,\"\",x\n");
    char **f, why[100];
    size_t n;
    long line;
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[0], "id");
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_int_equal(n, 3);
    assert_string_equal(f[1], "");
    assert_string_equal(f[2], "");
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_int_equal(line, 4); /* the empty line is not a row */
    assert_string_equal(f[2], "x");
    close_reader(&r);
}

static void test_malformed_rows_are_reported_and_skipped(void **state) {
    (void)state;
    reader r = open_text("1,\"ok\"x,3\n2,bad\"quote\n3,\"\xff\"\n4,fine\n5,\"never closed\n");
    char **f, why[100];
    size_t n;
    long line;
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), -1);
    assert_int_equal(line, 1);
    assert_non_null(strstr(why, "closing quote"));
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), -1);
    assert_int_equal(line, 2);
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), -1);
    assert_int_equal(line, 3);
    assert_non_null(strstr(why, "UTF-8"));
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 1);
    assert_string_equal(f[1], "fine");
    assert_int_equal(line, 4);
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), -1);
    assert_int_equal(line, 5);
    assert_non_null(strstr(why, "unterminated"));
    assert_int_equal(match_csv_next(r.c, &f, &n, &line, why, sizeof why), 0);
    close_reader(&r);
}

static void test_birth_dates_as_registrars_write_them(void **state) {
    (void)state;
    int y, m, d;
    match_date_precision p;
    assert_true(match_parse_birth_date("1999-03-14", &y, &m, &d, &p));
    assert_int_equal(y * 10000 + m * 100 + d, 19990314);
    assert_int_equal(p, MATCH_DATE_EXACT);
    assert_true(match_parse_birth_date("1999-01-01", &y, &m, &d, &p));
    assert_int_equal(p, MATCH_DATE_YEAR); /* 1 January is the usual placeholder */
    assert_true(match_parse_birth_date("1999", &y, &m, &d, &p));
    assert_int_equal(y, 1999);
    assert_int_equal(m, 0);
    assert_int_equal(p, MATCH_DATE_YEAR);
    assert_true(match_parse_birth_date("14.03.1999", &y, &m, &d, &p));
    assert_int_equal(y * 10000 + m * 100 + d, 19990314);
    assert_true(match_parse_birth_date("", &y, &m, &d, &p));
    assert_int_equal(y, 0);
    assert_int_equal(p, MATCH_DATE_UNKNOWN);
    assert_false(match_parse_birth_date("1999-02-30", &y, &m, &d, &p));
    assert_false(match_parse_birth_date("2001-02-29", &y, &m, &d, &p));
    assert_false(match_parse_birth_date("1850-01-01", &y, &m, &d, &p));
    assert_false(match_parse_birth_date("03/14/1999", &y, &m, &d, &p)); /* month 14 */
    assert_false(match_parse_birth_date("yesterday", &y, &m, &d, &p));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_fields_with_commas_quotes_and_newlines),
        cmocka_unit_test(test_bom_is_skipped_and_empty_fields_kept),
        cmocka_unit_test(test_malformed_rows_are_reported_and_skipped),
        cmocka_unit_test(test_birth_dates_as_registrars_write_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
