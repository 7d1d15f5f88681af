/* haven match dedup and haven demo people, run as a registrar would. */
#include "testutil.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "match/match.h"

static char out_path[] = "/tmp/haven-match-out-XXXXXX";
static char err_path[] = "/tmp/haven-match-err-XXXXXX";

/* Runs `haven ARGS...` with stdout and stderr captured into files; returns the exit code. */
static int run(const char *const *args) {
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *)"haven";
    for (; *args && argc < 15; args++) argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(out_path, O_WRONLY | O_TRUNC | O_CREAT, 0600);
    int fe = open(err_path, O_WRONLY | O_TRUNC | O_CREAT, 0600);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = cli_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so), close(se), close(fo), close(fe);
    return rc;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = mem_alloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static char *write_temp(const char *text) {
    char *path = mem_strdup("/tmp/haven-match-in-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static const char clean_csv[] =
    "\xef\xbb\xbfid,given_name,family_name,sex,birth_date,citizenship\r\n"
    "a1,Mohammad,Hussaini,M,1999-03-14,AF\r\n"
    "a2,Muhamed,\"Husseini\",M,1999-01-01,AF\r\n"
    "a3,HUSAINI,MOHAMMAD,M,1999-03-14,\r\n"
    "a4,Мохамед,Хусеини,M,14.03.1999,AF\r\n"
    "b1,Jean,Nkurunziza,M,1975-06-01,BI\r\n";

static void test_clean_file_exits_0_and_lists_the_pairs(void **state) {
    (void)state;
    char *in = write_temp(clean_csv);
    const char *args[] = {"match", "dedup", in, "--threshold", "0.5", NULL};
    assert_int_equal(run(args), 0);
    char *out = slurp(out_path);
    assert_true(!strncmp(out, "id_a,id_b,score\n", 16));
    assert_non_null(strstr(out, "a1,a2,"));
    assert_non_null(strstr(out, "a1,a3,"));
    assert_non_null(strstr(out, "a1,a4,"));
    assert_null(strstr(out, "b1"));
    mem_free(out);
    unlink(in);
    mem_free(in);
}

/* Ids that a spreadsheet would run as formulas come out as text (issue #10). */
static void test_formula_ids_are_escaped(void **state) {
    (void)state;
    char *in = write_temp("id,given_name,family_name,sex,birth_date,citizenship\n"
                          "\"=HYPERLINK(\"\"http://x\"\")\",Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "@SUM(A1),Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "+1,Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "-2,Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "\"\tx\",Mohammad,Hussaini,M,1999-03-14,AF\n");
    const char *args[] = {"match", "dedup", in, "--threshold", "0.5", NULL};
    assert_int_equal(run(args), 0);
    char *out = slurp(out_path);
    assert_non_null(strstr(out, "\"'=HYPERLINK(\"\"http://x\"\")\""));
    assert_non_null(strstr(out, "\"'@SUM(A1)\""));
    assert_non_null(strstr(out, "\"'+1\""));
    assert_non_null(strstr(out, "\"'-2\""));
    assert_non_null(strstr(out, "\"'\tx\""));
    /* No line (after the header) starts a cell with a formula character. */
    for (const char *p = strchr(out, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        assert_null(strchr("=+-@\t\r", p[1]));
    for (const char *p = strchr(out, ','); p; p = strchr(p + 1, ','))
        assert_true(!p[1] || !strchr("=+-@\t\r", p[1]));
    mem_free(out);
    unlink(in);
    mem_free(in);
}

static void test_explain_adds_reasons(void **state) {
    (void)state;
    char *in = write_temp(clean_csv);
    const char *args[] = {"match", "dedup", in, "--explain", NULL};
    assert_int_equal(run(args), 0);
    char *out = slurp(out_path);
    assert_non_null(strstr(out, "id_a,id_b,score,reasons\n"));
    assert_non_null(strstr(out, "given and family names swapped"));
    assert_non_null(strstr(out, "name written in Cyrillic script on one record"));
    mem_free(out);
    unlink(in);
    mem_free(in);
}

static void test_malformed_lines_are_reported_and_exit_1(void **state) {
    (void)state;
    char *in = write_temp("id,given_name,family_name,sex,birth_date,citizenship\n"
                          "a1,Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "a2,Mohammad,Hussaini,M,1999-02-30,AF\n"
                          "a3,Mohammad,Hussaini,Q,1999-03-14,AF\n"
                          "a4,Mohammad,Hussaini,M,1999-03-14\n"
                          "a1,Mohammad,Hussaini,M,1999-03-14,AF\n"
                          "a5,\"Mohammad\"x,Hussaini,M,1999-03-14,AF\n"
                          "a6,Muhamed,Husseini,M,1999-03-14,AF\n");
    const char *args[] = {"match", "dedup", in, NULL};
    assert_int_equal(run(args), 1);
    char *err = slurp(err_path), *out = slurp(out_path);
    assert_non_null(strstr(err, "line 3:"));
    assert_non_null(strstr(err, "line 4:"));
    assert_non_null(strstr(err, "line 5: expected 6 fields"));
    assert_non_null(strstr(err, "line 6: id 'a1' already used on line 2"));
    assert_non_null(strstr(err, "line 7:"));
    assert_non_null(strstr(out, "a1,a6,")); /* the good lines are still matched */
    mem_free(err);
    mem_free(out);
    unlink(in);
    mem_free(in);
}

static void test_usage_errors_exit_2(void **state) {
    (void)state;
    const char *none[] = {"match", "dedup", NULL};
    assert_int_equal(run(none), 2);
    const char *missing[] = {"match", "dedup", "/nonexistent/people.csv", NULL};
    assert_int_equal(run(missing), 2);
    const char *bad_t[] = {"match", "dedup", "x.csv", "--threshold", "2", NULL};
    assert_int_equal(run(bad_t), 2);
    char *in = write_temp("name,surname\nAli,Karimi\n");
    const char *header[] = {"match", "dedup", in, NULL};
    assert_int_equal(run(header), 2);
    unlink(in);
    mem_free(in);
}

static void test_demo_people_writes_data_and_truth(void **state) {
    (void)state;
    char dir[] = "/tmp/haven-demo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *args[] = {"demo", "people", "--n", "400", "--seed", "9", "--out", dir, NULL};
    assert_int_equal(run(args), 0);
    char *people = mem_printf("%s/people.csv", dir), *truth = mem_printf("%s/truth.csv", dir);
    char *p = slurp(people), *t = slurp(truth);
    assert_true(!strncmp(p, "id,given_name,family_name,sex,birth_date,citizenship\n", 53));
    assert_true(!strncmp(t, "id,person_id\n", 13));
    size_t lines = 0;
    for (char *c = t; *c; c++) lines += *c == '\n';
    assert_int_equal(lines, 401);
    /* The generated file is valid input for dedup. */
    const char *dedup[] = {"match", "dedup", people, NULL};
    assert_int_equal(run(dedup), 0);
    mem_free(p);
    mem_free(t);
    unlink(people);
    unlink(truth);
    rmdir(dir);
    mem_free(people);
    mem_free(truth);
}

static int setup(void **state) {
    (void)state;
    int a = mkstemp(out_path), b = mkstemp(err_path);
    if (a < 0 || b < 0) return -1;
    close(a);
    close(b);
    return 0;
}

static const char watch_csv[] = "id,given_name,family_name,sex,birth_date,citizenship\n"
                                "W-17,Mohammad,Hussaini,M,1999-03-14,AF\n"
                                "W-18,Jean,Nkurunziza,M,1975-06-01,BI\n"
                                "W-19,Fatima,Zahra,F,1988-11-02,MA\n";

static const char manifest_csv[] = "id,given_name,family_name,sex,birth_date,citizenship\n"
                                   "p1,HUSAINI,Muhamed,M,1999-03-14,AF\n"
                                   "p2,Мохамед,Хусеини,M,14.03.1999,AF\n"
                                   "p3,Ali,Rezaei,M,1990-05-05,IR\n"
                                   "p4,Amina,Benali,F,2001-07-21,DZ\n";

static void test_screen_finds_the_listed_man_under_other_spellings(void **state) {
    (void)state;
    char *list = write_temp(watch_csv), *in = write_temp(manifest_csv);
    const char *args[] = {"match", "screen", "--list", list, in, NULL};
    assert_int_equal(run(args), 0);
    char *out = slurp(out_path);
    assert_true(!strncmp(out, "input_id,list_id,score\n", 23));
    assert_non_null(strstr(out, "\np1,W-17,"));
    assert_non_null(strstr(out, "\np2,W-17,"));
    assert_null(strstr(out, "p3,"));
    assert_null(strstr(out, "p4,"));
    assert_null(strstr(out, "W-18"));
    mem_free(out);
    const char *explain[] = {"match", "screen", "--list", list, in, "--explain", NULL};
    assert_int_equal(run(explain), 0);
    out = slurp(out_path);
    assert_true(!strncmp(out, "input_id,list_id,score,reasons\n", 31));
    assert_non_null(strstr(out, "p1,W-17,"));
    mem_free(out);
    unlink(list), unlink(in);
    mem_free(list), mem_free(in);
}

static void test_screen_names_the_file_of_a_bad_line_and_needs_the_list(void **state) {
    (void)state;
    char *list = write_temp("id,given_name,family_name,sex,birth_date,citizenship\n"
                            "W-1,Omar,Haddad,M,1980-13-40,SY\n"
                            "W-2,Omar,Haddad,M,1980-01-20,SY\n");
    char *in = write_temp(manifest_csv);
    const char *args[] = {"match", "screen", "--list", list, in, NULL};
    assert_int_equal(run(args), 1);
    char *err = slurp(err_path);
    char expect[200];
    snprintf(expect, sizeof expect, "%s: line 2: birth_date", list);
    assert_non_null(strstr(err, expect));
    mem_free(err);
    const char *no_list[] = {"match", "screen", in, NULL};
    assert_int_equal(run(no_list), 2);
    const char *both_stdin[] = {"match", "screen", "--list", "-", "-", NULL};
    assert_int_equal(run(both_stdin), 2);
    unlink(list), unlink(in);
    mem_free(list), mem_free(in);
}

/* A list of one record per person for a fifth of the people of a generated set; every
 * other record is a traveller. What the screen finds is scored against the truth. */
static void test_screen_quality_on_generated_arrivals(void **state) {
    (void)state;
    match_demo *d = NULL;
    assert_null(match_demo_generate(4000, 11, &d));
    size_t *first = mem_alloc(d->n_persons * sizeof *first);
    for (size_t p = 0; p < d->n_persons; p++) first[p] = SIZE_MAX;
    match_record *list = mem_alloc(d->n * sizeof *list), *input = mem_alloc(d->n * sizeof *input);
    uint32_t *list_person = mem_alloc(d->n * sizeof *list_person);
    uint32_t *input_person = mem_alloc(d->n * sizeof *input_person);
    size_t n_list = 0, n_input = 0;
    for (size_t i = 0; i < d->n; i++) {
        uint32_t p = d->person[i];
        if (p % 5 == 0 && first[p] == SIZE_MAX) {
            first[p] = i;
            list_person[n_list] = p;
            list[n_list++] = d->recs[i];
        } else {
            input_person[n_input] = p;
            input[n_input++] = d->recs[i];
        }
    }
    match_screen_options o = {.threshold = -1, .threads = 2};
    match_hit *hits = NULL;
    size_t n_hits = 0;
    double used = 0;
    assert_null(match_screen(list, n_list, input, n_input, &o, &hits, &n_hits, &used, NULL));
    size_t expected = 0, found = 0, right = 0;
    for (size_t i = 0; i < n_input; i++) expected += input_person[i] % 5 == 0;
    for (size_t h = 0; h < n_hits; h++) {
        if (h && hits[h].input == hits[h - 1].input) continue; /* best hit per input */
        found++;
        right += input_person[hits[h].input] == list_person[hits[h].list];
    }
    double precision = found ? (double)right / (double)found : 0;
    double recall = expected ? (double)right / (double)expected : 0;
    print_message("screen: %zu list, %zu input, %zu expected, precision %.3f recall %.3f "
                  "(threshold %.3f)\n",
                  n_list, n_input, expected, precision, recall, used);
    assert_true(expected > 200);
    assert_true(precision >= 0.8);
    assert_true(recall >= 0.7);
    mem_free(hits), mem_free(first), mem_free(list), mem_free(input);
    mem_free(list_person), mem_free(input_person);
    match_demo_free(d);
}

static int teardown(void **state) {
    (void)state;
    unlink(out_path);
    unlink(err_path);
    match_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_file_exits_0_and_lists_the_pairs),
        cmocka_unit_test(test_explain_adds_reasons),
        cmocka_unit_test(test_formula_ids_are_escaped),
        cmocka_unit_test(test_malformed_lines_are_reported_and_exit_1),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_demo_people_writes_data_and_truth),
        cmocka_unit_test(test_screen_finds_the_listed_man_under_other_spellings),
        cmocka_unit_test(test_screen_names_the_file_of_a_bad_line_and_needs_the_list),
        cmocka_unit_test(test_screen_quality_on_generated_arrivals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
