/* A small, fixed data set for the statistics tests, inserted with plain SQL: two
 * sites, seven person records (one merged into another), nine stays around May 2023. The expected
 * tables in test_stats_compute.c are computed by hand from it. Included by the stats tests only
 * (each test program is one file). */
#ifndef HAVEN_TEST_STATS_FIXTURE_H
#define HAVEN_TEST_STATS_FIXTURE_H

#include <math.h>
#include <string.h>

#include "core/actor.h"
#include "core/clock.h"
#include "stats/stats.h"

static const char fx_site_sql[] =
    "INSERT INTO sites (id, code, name, kind, capacity, created_at, updated_at)"
    " VALUES (:id, :code, :code, 'temporary_reception_centre', 100, '2023-01-01T00:00:00Z',"
    " '2023-01-01T00:00:00Z')";
static const char fx_person_sql[] =
    "INSERT INTO persons (id, reg_no, given_name, family_name, sex, birth_date, citizenship,"
    " registration_site_id, registered_at, search_key, merged_into, created_at, updated_at)"
    " VALUES (:id, :id, 'Given', 'Family', :sex, :birth, :cit, :site, :at, '', :merged, :at, :at)";
static const char fx_stay_sql[] =
    "INSERT INTO stays (id, person_id, site_id, checked_in_at, checked_out_at, checkout_reason,"
    " created_at, updated_at) VALUES (:id, :person, :site, :in, :out, :reason, :in, :in)";

static __attribute__((unused)) void fx_site(store *s, const char *id, const char *code) {
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, fx_site_sql, &st));
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":code", code);
    assert_ok(store_run_done(&st));
}

static __attribute__((unused)) void fx_person(store *s, const char *id, const char *sex,
                                              const char *birth, const char *cit, const char *site,
                                              const char *at, const char *merged) {
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, fx_person_sql, &st));
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":sex", sex);
    store_bind_text(st, ":birth", birth);
    store_bind_text(st, ":cit", cit);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":at", at);
    store_bind_text(st, ":merged", merged);
    assert_ok(store_run_done(&st));
}

static __attribute__((unused)) void fx_stay(store *s, const char *id, const char *person,
                                            const char *site, const char *in, const char *out,
                                            const char *reason) {
    store_stmt *st = NULL;
    assert_ok(store_prepare(s, fx_stay_sql, &st));
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":person", person);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":in", in);
    store_bind_text(st, ":out", out);
    store_bind_text(st, ":reason", reason);
    assert_ok(store_run_done(&st));
}

static __attribute__((unused)) void fx_load(store *s) {
    fx_site(s, "s-lip", "LIP");
    fx_site(s, "s-bir", "BIR");
    /* Ages are on 2023-05-31, the last day of the period. */
    fx_person(s, "p1", "M", "1995-03-10", "AF", "s-lip", "2023-04-20T10:00:00Z", NULL); /* 28 */
    fx_person(s, "p2", "F", "2010-06-01", "AF", "s-lip", "2023-05-02T09:00:00Z", NULL); /* 12 */
    fx_person(s, "p3", "M", "2007-05-31", "PK", "s-bir", "2023-05-05T12:00:00Z", NULL); /* 16 */
    fx_person(s, "p4", "X", NULL, "stateless", "s-bir", "2023-05-10T08:00:00Z", NULL);
    fx_person(s, "p5", "M", "1950-01-01", "SY", "s-lip", "2023-05-20T08:00:00Z", NULL); /* 73 */
    /* A duplicate of p1, merged into p1: not an arrival; its stay is p1's (AF, M, 28). */
    fx_person(s, "p6", "M", NULL, "unknown", "s-lip", "2023-05-21T08:00:00Z", "p1");
    fx_person(s, "p7", "F", "1980-07-15", "unknown", "s-lip", "2023-06-01T00:00:00Z", NULL);
    fx_stay(s, "t1", "p1", "s-lip", "2023-04-20T10:00:00Z", NULL, NULL);
    fx_stay(s, "t2", "p2", "s-lip", "2023-05-02T09:00:00Z", "2023-05-12T09:00:00Z", "moved_on");
    fx_stay(s, "t3", "p2", "s-bir", "2023-05-12T10:00:00Z", NULL, NULL);
    fx_stay(s, "t4", "p3", "s-bir", "2023-05-05T12:00:00Z", "2023-05-08T12:00:00Z", "absconded");
    fx_stay(s, "t5", "p4", "s-bir", "2023-05-10T08:00:00Z", "2023-06-02T08:00:00Z", "transferred");
    fx_stay(s, "t6", "p5", "s-lip", "2023-03-01T00:00:00Z", "2023-04-30T23:59:59Z", "returned");
    fx_stay(s, "t7", "p5", "s-lip", "2023-05-20T08:00:00Z", "2023-05-31T20:00:00Z", "returned");
    fx_stay(s, "t8", "p6", "s-lip", "2023-05-21T08:00:00Z", NULL, NULL);
    fx_stay(s, "t9", "p7", "s-lip", "2023-06-01T00:00:00Z", NULL, NULL);
}

/* The value of a cell in a stats_get answer: the number, NAN for null, -1 if absent. */
static __attribute__((unused)) double fx_cell(const json_t *got, const char *field,
                                              const char *indicator, const char *site,
                                              const char *citizen, const char *sex,
                                              const char *age) {
    size_t i, k;
    json_t *ind, *cell;
    json_array_foreach(json_object_get(got, "indicators"), i, ind) {
        if (strcmp(json_string_value(json_object_get(ind, "code")), indicator)) continue;
        json_array_foreach(json_object_get(ind, "cells"), k, cell) {
            const char *cs = json_string_value(json_object_get(cell, "site"));
            if (strcmp(cs ? cs : "", site ? site : "")) continue;
            if (strcmp(json_string_value(json_object_get(cell, "citizen")), citizen) ||
                strcmp(json_string_value(json_object_get(cell, "sex")), sex) ||
                strcmp(json_string_value(json_object_get(cell, "age")), age))
                continue;
            json_t *v = json_object_get(cell, field);
            return json_is_number(v) ? json_number_value(v) : NAN;
        }
    }
    return -1;
}

#endif
