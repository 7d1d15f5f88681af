/* Helpers for the returns module's tests: a case made and moved along its steps with the
 * details each needs. Included by test_returns*.c after the centres' fixture. */
#ifndef HAVEN_TEST_RETURNS_FIXTURE_H
#define HAVEN_TEST_RETURNS_FIXTURE_H

#include "centres_fixture.h"
#include "returns/returns.h"

/* A case for person p (family members fam, may be NULL) by actor a; returns its id. */
static void make_case(fixture *f, const actor *a, int p, const char *fam, char id[ID_LEN]) {
    json_t *in = json_pack("{s:s,s:s,s:s}", "person_id", f->person[p], "destination_country", "MA",
                           "destination_place", "Oujda");
    if (fam) json_object_set_new(in, "travellers", json_pack("[s]", fam));
    json_t *out = NULL;
    assert_ok(returns_case_create(f->s, a, in, &out));
    assert_string_equal(json_str(out, "state"), "intention");
    snprintf(id, ID_LEN, "%s", json_str(out, "id"));
    json_decref(in);
    json_decref(out);
}

/* Moves the case; details as JSON text (or NULL). Returns the error, or NULL. */
static herr *move(fixture *f, const actor *a, const char *id, const char *to, const char *details,
                  json_t **out) {
    json_t *in = json_pack("{s:s}", "to", to);
    if (details) json_object_set_new(in, "details", json_loads(details, 0, NULL));
    *out = NULL;
    herr *e = returns_case_transition(f->s, a, id, in, out);
    json_decref(in);
    return e;
}

static void move_ok(fixture *f, const actor *a, const char *id, const char *to,
                    const char *details) {
    json_t *out = NULL;
    assert_ok(move(f, a, id, to, details, &out));
    assert_string_equal(json_str(out, "state"), to);
    json_decref(out);
}

static const struct {
    const char *to, *details;
} way_home[] = {
    {"eligibility_checked", NULL},
    {"documents_requested", "{\"embassy\":\"Embassy of Morocco, Sarajevo\","
                            "\"document_type\":\"laissez_passer\"}"},
    {"documents_issued", "{\"embassy\":\"Embassy of Morocco, Sarajevo\","
                         "\"document_type\":\"laissez_passer\",\"document_number\":\"LP-1\"}"},
    {"fit_to_travel", "{\"medical_clearance\":\"fit\"}"},
    {"travel_booked", "{\"itinerary\":\"SJJ-IST-CMN TK1022\",\"escort\":\"none\"}"},
    {"departed", "{\"departure_date\":\"2024-01-02\"}"},
    {"arrived", "{\"arrival_confirmed_by\":\"IOM Rabat\",\"arrival_date\":\"2024-01-03\"}"},
};

/* The value of one cell of the only indicator of a stats_get answer, or -1. */
static double cell_value(const json_t *got, const char *citizen, const char *sex, const char *age) {
    size_t i;
    json_t *c;
    json_array_foreach(
        json_object_get(json_array_get(json_object_get(got, "indicators"), 0), "cells"), i, c) {
        if (!strcmp(json_str(c, "citizen"), citizen) && !strcmp(json_str(c, "sex"), sex) &&
            !strcmp(json_str(c, "age"), age))
            return json_number_value(json_object_get(c, "value"));
    }
    return -1;
}

#endif
