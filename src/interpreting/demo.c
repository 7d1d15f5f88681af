/* Demo data: eight interpreters (one linked to the demo account "interp"), in the
 * region and remote; about twenty requests for next week at the demo sites, scheduled
 * once so that the pages and the calendar feed have something to show; and the same
 * requests in each of the eight weeks before this one, done (confirmed, with a few
 * no-shows) for the hours report. Needs the demo sites (by code) and users. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/json.h"
#include "interpreting/interpreting.h"
#include "registry/registry.h"

typedef struct {
    const char *name, *gender, *tz, *langs, *sites, *remote, *days, *from, *to;
    bool linked;
} demo_interpreter;

/* langs: "code:level ..."; sites: site codes; days: digits 1-7. */
static const demo_interpreter interpreters[] = {
    {"Ahmad Karimi", "M", "Europe/Sarajevo", "ps:native fa:fluent", "LIP BOR", "video", "1234",
     "08:00", "16:00", false},
    {"Selma Kovač", "F", "Europe/Sarajevo", "en:fluent fr:fluent", "USI BLA", "video phone",
     "12345", "09:00", "17:00", true},
    {"Yasmin Haddad", "F", "Europe/Vienna", "ar:native fr:working", "", "video", "135", "09:00",
     "15:00", false},
    {"Omar Farouk", "M", "Europe/Sarajevo", "ar:native", "USI BLA", "phone", "2345", "08:00",
     "14:00", false},
    {"Mina Rahimi", "F", "Asia/Kabul", "fa:native prs:native", "", "video", "1234", "12:30",
     "18:30", false},
    {"Imran Qureshi", "M", "Asia/Karachi", "ur:native ps:working", "", "video phone", "245",
     "12:00", "18:00", false},
    {"Tarik Demir", "M", "Europe/Istanbul", "tr:native ckb:working", "", "video", "1245", "10:00",
     "16:00", false},
    {"Nadia Benali", "F", "Europe/Paris", "fr:native ar:fluent", "", "video phone", "345", "09:00",
     "13:00", false},
};

typedef struct {
    const char *site, *lang, *gender, *modes, *kind, *unit;
    int day, from, hours, minutes, priority;
} demo_request;

static const demo_request requests[] = {
    {"LIP", "ps", NULL, "in_person video", "asylum_interview", "Asylum department", 0, 8, 6, 90, 4},
    {"LIP", "ps", NULL, "in_person", "registration", "Registration desk", 0, 8, 4, 60, 2},
    {"LIP", "fa", "F", "video", "gbv_interview", "Protection team", 0, 9, 5, 60, 5},
    {"BOR", "ar", NULL, "in_person video", "medical", "Health post", 1, 8, 3, 60, 4},
    {"BOR", "ps", NULL, "in_person", "counselling", "Return counselling", 1, 9, 6, 60, 2},
    {"USI", "ar", NULL, "in_person phone", "asylum_interview", "Asylum department", 1, 8, 8, 120,
     3},
    {"USI", "ur", NULL, "video phone", "legal_information", "Legal aid", 1, 10, 4, 60, 3},
    {"BLA", "fr", NULL, "in_person video", "asylum_interview", "Asylum department", 2, 8, 6, 90, 3},
    {"BLA", "ar", "F", "video", "gbv_interview", "Protection team", 2, 9, 5, 60, 5},
    {"LIP", "ur", NULL, "video", "medical", "Health post", 2, 8, 8, 60, 4},
    {"USI", "en", NULL, "in_person", "registration", "Registration desk", 2, 9, 4, 60, 1},
    {"LIP", "ps", NULL, "in_person video", "protection", "Protection team", 3, 8, 4, 60, 4},
    {"BOR", "fa", NULL, "video", "counselling", "Psychosocial support", 3, 9, 6, 60, 2},
    {"USI", "tr", NULL, "video", "asylum_interview", "Asylum department", 3, 9, 5, 90, 3},
    {"BLA", "ckb", NULL, "video phone", "legal_information", "Legal aid", 3, 10, 4, 60, 2},
    {"LIP", "bn", NULL, "video phone", "registration", "Registration desk", 4, 8, 6, 60, 3},
    {"USI", "ar", NULL, "in_person phone", "medical", "Health post", 4, 8, 4, 60, 5},
    {"BLA", "fr", NULL, "in_person", "counselling", "Return counselling", 4, 10, 4, 60, 2},
    {"LIP", "ps", NULL, "in_person video", "asylum_interview", "Asylum department", 4, 8, 6, 120,
     4},
    {"BOR", "ur", "M", "video", "asylum_interview", "Asylum department", 4, 9, 5, 60, 3},
};

static const char *site_id(const json_t *sites, const char *code) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sites, "items"), i, s) {
        if (!strcmp(json_str(s, "code"), code)) return json_str(s, "id");
    }
    return NULL;
}

static json_t *words(const char *text) {
    json_t *list = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        json_array_append_new(list, json_string(w));
    return list;
}

static herr *add_interpreter(store *s, const actor *a, const json_t *sites, const char *user,
                             const demo_interpreter *d) {
    json_t *langs = json_array(), *site_list = json_array(), *weekly = json_array(), *w;
    size_t i;
    json_t *lw = words(d->langs);
    json_array_foreach(lw, i, w) {
        char code[16];
        const char *v = json_string_value(w), *colon = strchr(v, ':');
        snprintf(code, sizeof code, "%.*s", (int)(colon - v), v);
        json_array_append_new(langs, json_pack("{s:s,s:s}", "code", code, "level", colon + 1));
    }
    json_decref(lw);
    json_t *sw = words(d->sites);
    json_array_foreach(sw, i, w) {
        const char *id = site_id(sites, json_string_value(w));
        if (id) json_array_append_new(site_list, json_string(id));
    }
    json_decref(sw);
    for (const char *p = d->days; *p; p++)
        json_array_append_new(
            weekly, json_pack("{s:i,s:s,s:s}", "day", *p - '0', "from", d->from, "to", d->to));
    json_t *in =
        json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:i,s:s}", "name", d->name, "gender", d->gender,
                  "time_zone", d->tz, "languages", langs, "sites", site_list, "remote",
                  words(d->remote), "weekly", weekly, "hourly_rate", 2500, "currency", "BAM");
    if (d->linked && user) json_object_set_new(in, "user_id", json_string(user));
    json_t *out = NULL;
    herr *e = interp_interpreter_create(s, a, in, &out);
    json_decref(in);
    json_decref(out);
    return e;
}

/* The same week of requests from monday on (requests whose window has passed too). */
static herr *add_week(store *s, const actor *a, const json_t *sites, int64_t monday) {
    herr *e = NULL;
    for (size_t i = 0; i < sizeof requests / sizeof requests[0] && !e; i++) {
        const demo_request *d = &requests[i];
        const char *site = site_id(sites, d->site);
        if (!site) continue;
        char from[CLOCK_ISO_LEN], to[CLOCK_ISO_LEN];
        int64_t day = monday + (int64_t)d->day * 86400;
        clock_format_iso(day + (int64_t)d->from * 3600, from);
        clock_format_iso(day + (int64_t)(d->from + d->hours) * 3600, to);
        json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o,s:i,s:s}", "site_id", site, "unit",
                               d->unit, "language", d->lang, "earliest", from, "latest", to,
                               "duration_minutes", d->minutes, "modes", words(d->modes), "priority",
                               d->priority, "kind", d->kind);
        if (d->gender) json_object_set_new(in, "gender_required", json_string(d->gender));
        json_t *out = NULL;
        e = interp_request_create(s, a, in, &out);
        json_decref(in);
        json_decref(out);
    }
    json_t *run = NULL;
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN];
    clock_format_date(monday, f);
    clock_format_date(monday + 4 * 86400, t);
    if (!e) e = interp_schedule(s, a, f, t, 2, &run);
    json_decref(run);
    return e;
}

/* The eight weeks before this one, done: the interpreters confirmed what was planned,
 * a few clients and interpreters did not come (one interpreter twice), so that the
 * hours report has something to show. */
static herr *add_past(store *s, const actor *a, const json_t *sites, int64_t this_monday) {
    static const char confirm_sql[] =
        "UPDATE interp_assignments SET status = 'confirmed' WHERE status = 'proposed'"
        " AND ends_at <= :now";
    herr *e = NULL;
    for (int w = 8; w >= 1 && !e; w--) e = add_week(s, a, sites, this_monday - w * 7 * 86400);
    if (e) return e;
    char now[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), now);
    store_stmt *st = NULL;
    if ((e = store_prepare(s, confirm_sql, &st))) return e;
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN];
    clock_format_date(this_monday - 8 * 7 * 86400, f);
    clock_format_date(this_monday - 86400, t);
    json_t *list = NULL;
    if ((e = interp_assignment_list(s, a, f, t, NULL, &list))) return e;
    size_t i;
    json_t *x;
    int omar = 0;
    json_array_foreach(json_object_get(list, "items"), i, x) {
        const char *who = NULL, *reason = NULL;
        if (!strcmp(json_str(x, "interpreter_name"), "Omar Farouk") && omar++ % 3 == 1) {
            who = "interpreter";
            reason = omar < 3 ? "transport" : "illness";
        } else if (i % 17 == 5) {
            who = "client";
            reason = i % 2 ? "no_notice" : "transferred";
        } else if (i % 29 == 11) {
            who = "interpreter";
            reason = "technical";
        }
        if (!who) continue;
        json_t *in = json_pack("{s:s,s:s}", "who", who, "reason", reason), *out = NULL;
        json_object_set_new(in, "noticed_at", json_string(json_str(x, "starts_at")));
        e = interp_noshow_record(s, a, json_str(x, "id"), in, &out);
        json_decref(in);
        json_decref(out);
        if (e) break;
    }
    json_decref(list);
    return e;
}

herr *interpreting_demo_load(store *s, unsigned long long seed) {
    (void)seed;
    actor a;
    actor_system(&a, "demo");
    json_t *sites = NULL;
    char user[ID_LEN];
    herr *e = registry_site_list(s, &a, &sites);
    if (e) return e;
    herr *ue = auth_user_id(s, "interp", user);
    bool have_user = ue == NULL;
    err_free(ue);
    for (size_t i = 0; i < sizeof interpreters / sizeof interpreters[0] && !e; i++)
        e = add_interpreter(s, &a, sites, have_user ? user : NULL, &interpreters[i]);
    /* Next week, Monday to Friday; before it the eight weeks done. */
    int64_t today = clock_day_start(clock_now());
    int64_t monday = today + (int64_t)(7 - ((today / 86400 + 3) % 7)) * 86400;
    if (!e) e = add_week(s, &a, sites, monday);
    if (!e) e = add_past(s, &a, sites, monday - 7 * 86400);
    json_decref(sites);
    actor_clear(&a);
    return e;
}
