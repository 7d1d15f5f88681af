/* Disclosure control: small cells are suppressed, secondary suppression makes them
 * impossible to derive from the published totals, rounding hides small cells, and no
 * export carries anything about a single person. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "stats_fixture.h"

#include "core/mem.h"

static actor sys;

/* One published cell of an SDMX-CSV export. */
typedef struct {
    char ind[24], cit[8], sex[8], age[8];
    bool known;
    double value;
    char conf;
} pub;

static size_t parse_csv(const char *csv, pub *out, size_t max) {
    size_t n = 0;
    const char *p = strchr(csv, '\n') + 1; /* skip the header */
    while (*p && n < max) {
        char line[256], *f[12];
        const char *eol = strchr(p, '\n');
        size_t len = (size_t)(eol - p);
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol + 1;
        int k = 0;
        for (char *tok = line, *c; k < 12; k++) {
            f[k] = tok;
            c = strchr(tok, ',');
            if (c) {
                *c = '\0';
                tok = c + 1;
            }
        }
        pub *x = &out[n++];
        snprintf(x->ind, sizeof x->ind, "%s", f[3]);
        snprintf(x->cit, sizeof x->cit, "%s", f[4]);
        snprintf(x->sex, sizeof x->sex, "%s", f[5]);
        snprintf(x->age, sizeof x->age, "%s", f[6]);
        x->known = f[9][0] != '\0';
        x->value = atof(f[9]);
        x->conf = f[11][0];
    }
    return n;
}

static pub *find(pub *c, size_t n, const char *ind, const char *cit, const char *sex,
                 const char *age) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].ind, ind) && !strcmp(c[i].cit, cit) && !strcmp(c[i].sex, sex) &&
            !strcmp(c[i].age, age))
            return &c[i];
    return NULL;
}

/* The attacker: along every line (citizens for a sex and age, sexes for a citizen and
 * age, ages for a citizen and sex) with exactly one unknown cell, derive it as total
 * minus the known parts (or the total as the sum of the parts); repeat until nothing
 * more can be derived. Returns how many cells were derived. */
static int attack(pub *c, size_t n, const char *ind) {
    static const char *sexes[] = {"F", "M", "UNK", "T"};
    static const char *ages[] = {"Y_LT14", "Y14-17", "Y18-34", "Y35-64", "Y_GE65", "UNK", "TOTAL"};
    const char *cits[64];
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].ind, ind)) continue;
        bool seen = false;
        for (size_t k = 0; k < nc; k++) seen = seen || !strcmp(cits[k], c[i].cit);
        if (!seen) cits[nc++] = c[i].cit; /* TOTAL included: it is the last member below */
    }
    int derived = 0;
    bool progress = true;
    while (progress) {
        progress = false;
        for (int dim = 0; dim < 3; dim++) {
            size_t len = dim == 0 ? nc : dim == 1 ? 4 : 7;
            size_t outer1 = dim == 0 ? 4 : nc, outer2 = dim == 2 ? 4 : 7;
            for (size_t o1 = 0; o1 < outer1; o1++)
                for (size_t o2 = 0; o2 < outer2; o2++) {
                    pub *m[64];
                    size_t k = 0;
                    pub *total = NULL;
                    for (size_t i = 0; i < len; i++) {
                        const char *cit = dim == 0 ? cits[i] : cits[o1];
                        const char *sex = dim == 1 ? sexes[i] : dim == 0 ? sexes[o1] : sexes[o2];
                        const char *age = dim == 2 ? ages[i] : ages[o2];
                        pub *x = find(c, n, ind, cit, sex, age);
                        if (!x) continue;
                        bool is_total = dim == 0   ? !strcmp(cit, "TOTAL")
                                        : dim == 1 ? !strcmp(sex, "T")
                                                   : !strcmp(age, "TOTAL");
                        if (is_total)
                            total = x;
                        else
                            m[k++] = x;
                    }
                    if (!total) continue;
                    m[k++] = total;
                    int unknown = -1, count = 0;
                    double sum = 0;
                    for (size_t i = 0; i < k; i++) {
                        if (!m[i]->known) {
                            unknown = (int)i;
                            count++;
                        } else if (i + 1 < k) {
                            sum += m[i]->value;
                        }
                    }
                    if (count != 1) continue;
                    pub *x = m[unknown];
                    x->value = (size_t)unknown + 1 == k ? sum : total->value - sum;
                    x->known = true;
                    derived++;
                    progress = true;
                }
        }
    }
    return derived;
}

static void enter_asylum_applications(store *s) {
    json_t *in = json_pack(
        "{s:s,s:[{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},"
        "{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i}]}",
        "indicator", "ASY_APP", "cells", "citizen", "AF", "sex", "F", "age", "Y18-34", "value", 2,
        "citizen", "AF", "sex", "M", "age", "Y18-34", "value", 40, "citizen", "AF", "sex", "M",
        "age", "Y35-64", "value", 12, "citizen", "PK", "sex", "M", "age", "Y18-34", "value", 25,
        "citizen", "PK", "sex", "F", "age", "Y18-34", "value", 9, "citizen", "SY", "sex", "M",
        "age", "Y18-34", "value", 3, "citizen", "SY", "sex", "F", "age", "Y35-64", "value", 7);
    json_t *out = NULL;
    assert_ok(stats_enter(s, &sys, "2023-05", in, &out));
    json_decref(in);
    json_decref(out);
}

static void test_suppressed_cells_cannot_be_derived_from_published_totals(void **state) {
    (void)state;
    store *s = test_db_open();
    enter_asylum_applications(s);
    char *csv = NULL;
    size_t len = 0;
    assert_ok(stats_export(s, &sys, NULL, "2023-05", STATS_SDMX_CSV, &csv, &len));
    pub *cells = mem_alloc(4000 * sizeof *cells);
    size_t n = parse_csv(csv, cells, 4000);
    pub *af_f = find(cells, n, "ASY_APP", "AF", "F", "Y18-34");
    assert_non_null(af_f);
    assert_false(af_f->known);
    assert_int_equal(af_f->conf, 'C');
    size_t primary = 0, secondary = 0;
    for (size_t i = 0; i < n; i++) {
        primary += cells[i].conf == 'C';
        secondary += cells[i].conf == 'D';
    }
    assert_true(primary > 0);
    assert_true(secondary > 0);
    assert_int_equal(attack(cells, n, "ASY_APP"), 0);

    /* The attacker is not toothless: publish the secondary cells (true values from the
     * internal view) and it recovers the small ones. */
    json_t *raw = NULL;
    assert_ok(stats_get(s, NULL, "2023-05", "ASY_APP", &raw));
    for (size_t i = 0; i < n; i++)
        if (cells[i].conf == 'D') {
            cells[i].known = true;
            cells[i].value =
                fx_cell(raw, "value", "ASY_APP", NULL, cells[i].cit, cells[i].sex, cells[i].age);
        }
    assert_true(attack(cells, n, "ASY_APP") > 0);
    assert_true(af_f->known && af_f->value == 2);
    json_decref(raw);
    mem_free(cells);
    mem_free(csv);
    test_db_close(s);
}

static void test_rounding_indicator_rounds_every_cell_to_base_5(void **state) {
    (void)state;
    store *s = test_db_open();
    json_t *in = json_pack("{s:s,s:[{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i}]}",
                           "indicator", "UAM_REG", "cells", "citizen", "NG", "sex", "F", "age",
                           "Y18-34", "value", 3, "citizen", "NG", "sex", "F", "age", "Y14-17",
                           "value", 7, "citizen", "MA", "sex", "M", "age", "Y18-34", "value", 12);
    json_t *out = NULL;
    assert_ok(stats_enter(s, &sys, "2023-05", in, &out));
    json_decref(in);
    json_decref(out);
    char *csv = NULL;
    size_t len = 0;
    assert_ok(stats_export(s, &sys, NULL, "2023-05", STATS_SDMX_CSV, &csv, &len));
    pub *cells = mem_alloc(4000 * sizeof *cells);
    size_t n = parse_csv(csv, cells, 4000);
    for (size_t i = 0; i < n; i++) {
        assert_true(cells[i].known);
        assert_int_equal((long long)cells[i].value % 5, 0);
    }
    assert_true(find(cells, n, "UAM_REG", "NG", "F", "Y18-34")->value == 5);    /* 3 */
    assert_true(find(cells, n, "UAM_REG", "NG", "F", "Y14-17")->value == 5);    /* 7 */
    assert_true(find(cells, n, "UAM_REG", "NG", "F", "TOTAL")->value == 10);    /* 10 */
    assert_true(find(cells, n, "UAM_REG", "TOTAL", "T", "TOTAL")->value == 20); /* 22 */
    assert_non_null(strstr(csv, ",5,R,F\n"));
    mem_free(cells);
    mem_free(csv);
    test_db_close(s);
}

static void test_average_stay_is_hidden_where_its_count_is(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *out = NULL;
    assert_ok(stats_compute(s, &sys, "2023-05", &out));
    json_decref(out);
    assert_ok(stats_get(s, NULL, "2023-05", NULL, &out));
    /* Three departures in all: below the threshold, so both count and mean are hidden. */
    assert_true(isnan(fx_cell(out, "published", "DEP", NULL, "TOTAL", "T", "TOTAL")));
    assert_true(isnan(fx_cell(out, "published", "ALOS", NULL, "TOTAL", "T", "TOTAL")));
    assert_true(fx_cell(out, "value", "ALOS", NULL, "TOTAL", "T", "TOTAL") > 8);
    json_decref(out);
    test_db_close(s);
}

static void test_no_export_carries_names_ids_or_birth_dates(void **state) {
    (void)state;
    store *s = test_db_open();
    fx_load(s);
    json_t *out = NULL;
    assert_ok(stats_compute(s, &sys, "2023-05", &out));
    json_decref(out);
    const stats_format formats[] = {STATS_SDMX_CSV, STATS_JSON, STATS_XLSX};
    const char *forbidden[] = {"Given", "Family", "p1",         "p2",
                               "s-lip", "t1",     "1995-03-10", "2010-06-01"};
    for (size_t f = 0; f < 3; f++) {
        char *data = NULL, *again = NULL;
        size_t len = 0, len2 = 0;
        assert_ok(stats_export(s, &sys, NULL, "2023-05", formats[f], &data, &len));
        assert_true(len > 100);
        if (formats[f] != STATS_XLSX) { /* the workbook is zipped: checked as text formats */
            for (size_t k = 0; k < sizeof forbidden / sizeof forbidden[0]; k++)
                if (strstr(data, forbidden[k])) fail_msg("export carries %s", forbidden[k]);
            assert_ok(stats_export(s, &sys, NULL, "2023-05", formats[f], &again, &len2));
            assert_int_equal(len, len2);
            assert_memory_equal(data, again, len);
            mem_free(again);
        } else {
            assert_memory_equal(data, "PK", 2);
        }
        mem_free(data);
    }
    test_db_close(s);
}

static void test_export_of_an_empty_period_is_not_found(void **state) {
    (void)state;
    store *s = test_db_open();
    char *data = NULL;
    size_t len = 0;
    assert_err(stats_export(s, &sys, NULL, "2023-05", STATS_SDMX_CSV, &data, &len), ERR_NOT_FOUND,
               "period");
    assert_err(stats_export(s, &sys, "HR", "2023-05", STATS_SDMX_CSV, &data, &len), ERR_INVALID,
               "ref_area");
    stats_format f;
    assert_err(stats_format_parse("pdf", &f), ERR_INVALID, "format");
    test_db_close(s);
}

int main(void) {
    actor_system(&sys, "test");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suppressed_cells_cannot_be_derived_from_published_totals),
        cmocka_unit_test(test_rounding_indicator_rounds_every_cell_to_base_5),
        cmocka_unit_test(test_average_stay_is_hidden_where_its_count_is),
        cmocka_unit_test(test_no_export_carries_names_ids_or_birth_dates),
        cmocka_unit_test(test_export_of_an_empty_period_is_not_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
