/* The demo's readmission requests and forced-return operations: a year of requests
 * under the neighbours' agreements (most answered and handed over, some refused, the
 * latest pending, one past its deadline) and two monitored operations with their reports
 * and findings. Written through the module's own functions by the demo's system actor. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "registry/registry.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

static void day_before(int days, char out[CLOCK_DATE_LEN]) {
    clock_format_date(clock_now() - (int64_t)days * 86400, out);
}

static herr *one_request(store *s, const actor *a, const char *site, int n) {
    static const struct {
        const char *agreement, *from, *to, *cit, *given, *family, *sex;
    } people[] = {
        {"EU-BA", "HR", "BA", "AF", "Farid", "Rahimi", "M"},
        {"EU-BA", "HR", "BA", "PK", "Usman", "Javed", "M"},
        {"BA-RS", "BA", "RS", "MA", "Youssef", "El Amrani", "M"},
        {"EU-BA", "HR", "BA", "BD", "Rakib", "Hossain", "M"},
        {"BA-ME", "ME", "BA", "DZ", "Karim", "Benali", "M"},
        {"EU-BA", "SI", "BA", "AF", "Zahra", "Ahmadi", "F"},
        {"BA-RS", "BA", "RS", "TR", "Emre", "Yilmaz", "M"},
        {"EU-BA", "HR", "BA", "PK", "Bilal", "Ahmed", "M"},
    };
    const int k = n % 8;
    char on[CLOCK_DATE_LEN], ref[32];
    int age = 350 - n * 29; /* days ago: one a month, the last a week ago */
    if (age < 7) age = 7;
    day_before(age, on);
    snprintf(ref, sizeof ref, "RA-%02d/%.4s", n + 1, on);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s,s:s}]}", "agreement",
                           people[k].agreement, "requesting_state", people[k].from,
                           "requested_state", people[k].to, "requested_on", on, "reference", ref,
                           "site_id", site, "persons", "given_name", people[k].given, "family_name",
                           people[k].family, "sex", people[k].sex, "citizenship", people[k].cit);
    json_t *out = NULL, *mv = NULL;
    herr *e = returns_readmission_create(s, a, in, &out);
    json_decref(in);
    if (e || age < 40) goto cleanup; /* the latest wait for their answer */
    char answered[CLOCK_DATE_LEN], handed[CLOCK_DATE_LEN];
    day_before(age - 6, answered);
    day_before(age - 20, handed);
    const char *id = json_str(out, "id");
    bool refused = n % 5 == 3;
    mv = refused ? json_pack("{s:s,s:s,s:s}", "to", "refused", "on", answered, "outcome",
                             "Transit through the requesting state not proven")
                 : json_pack("{s:s,s:s,s:s}", "to", "accepted", "on", answered, "outcome",
                             "Accepted under the agreement");
    json_t *res = NULL;
    if ((e = returns_readmission_move(s, a, id, mv, &res))) goto cleanup;
    json_decref(res);
    res = NULL;
    json_decref(mv);
    mv = NULL;
    if (refused) goto cleanup;
    mv = json_pack("{s:s,s:s,s:s}", "to", "handed_over", "on", handed, "border_crossing",
                   !strcmp(people[k].from, "BA") ? "Karakaj" : "Maljevac");
    e = returns_readmission_move(s, a, id, mv, &res);
    json_decref(res);
cleanup:
    json_decref(mv);
    json_decref(out);
    return e;
}

static herr *one_operation(store *s, const actor *a, const char *site, int days_ago,
                           const char *dest, const char *route, int returnees, const char *no) {
    char date[CLOCK_DATE_LEN];
    day_before(days_ago, date);
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:[s],s:s}", "date", date, "kind", "charter_flight",
                  "route", route, "destination_country", dest, "returnees", returnees, "escorts",
                  returnees * 2 + 4, "escort_organisation", "Service for Foreigners' Affairs",
                  "monitors", "Ombudsman institution: A. Hadžić", "site_id", site);
    json_t *out = NULL, *res = NULL, *answers = json_object();
    herr *e = returns_operation_create(s, a, in, &out);
    json_decref(in);
    if (e) goto cleanup;
    json_t *items = returns_operation_checklist();
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
        json_object_set_new(answers, json_str(item, "id"),
                            json_string(!strcmp(json_str(item, "id"), no) ? "no" : "yes"));
    json_decref(items);
    in = json_pack("{s:O,s:s}", "checklist", answers, "report",
                   "The operation was orderly and the returnees were treated with respect; one "
                   "shortcoming is recorded as a finding.");
    e = returns_operation_report(s, a, json_str(out, "id"), in, &res);
    json_decref(in);
    json_decref(res);
    res = NULL;
    if (e) goto cleanup;
    in = json_pack("{s:s,s:s,s:s,s:s}", "finding",
                   !strcmp(no, "interpreter") ? "No interpreter was present at boarding"
                                              : "Restraint at boarding was not recorded",
                   "severity", "concern", "recommendation",
                   !strcmp(no, "interpreter") ? "Book an interpreter for every operation"
                                              : "Record every use of restraint, with its reason",
                   "addressed_to", "Service for Foreigners' Affairs");
    e = returns_finding_add(s, a, json_str(out, "id"), in, &res);
    json_decref(in);
    json_decref(res);
cleanup:
    json_decref(answers);
    json_decref(out);
    return e;
}

herr *ret_demo_more(store *s, const actor *a) {
    json_t *sites = NULL;
    herr *e = registry_site_list(s, a, &sites);
    if (e) return e;
    const char *site = json_str(json_array_get(json_object_get(sites, "items"), 0), "id");
    for (int n = 0; site && !e && n < 12; n++) e = one_request(s, a, site, n);
    if (!e && site)
        e = one_operation(s, a, site, 120, "PK", "Sarajevo – Istanbul – Islamabad", 14,
                          "interpreter");
    if (!e && site)
        e = one_operation(s, a, site, 30, "MA", "Sarajevo – Casablanca", 9,
                          "restraint_proportionate");
    json_decref(sites);
    return e;
}
