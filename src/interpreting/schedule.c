/* Scheduling from the database: load the open requests of a period, the interpreters
 * and the sites, plan (solver and, for comparison, first-come), and store the plan in
 * one audited transaction. Locked (manual) and confirmed assignments are kept; other
 * proposals of the period's requests are replaced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

#define S                  INTERP_SLOT_SECONDS
#define DEFAULT_TRAVEL_MIN 180
#define NEAREST_DAYS       14

typedef struct {
    char id[ID_LEN];
    char code[24];
    char name[120];
} site_row;

typedef struct {
    char id[ID_LEN];
    char name[121];
    json_t *profile;
    const char **langs;
    int *sites;
    interp_span *free;
} interp_row;

typedef struct {
    char id[ID_LEN];
    char site_id[ID_LEN];
    char language[9];
    char person[ID_LEN];         /* for continuity, or "" */
    char old_assignment[ID_LEN]; /* a proposal to replace, or "" */
    bool locked;
    int *declined; /* interpreters who declined it */
    size_t n_declined;
} request_row;

typedef struct {
    site_row *sites;
    size_t n_sites;
    int *travel;
    interp_row *ir;
    interp_interpreter *in;
    size_t n_in;
    request_row *rr;
    interp_request *rq;
    size_t n_rq, cap_rq;
} loaded;

static int site_index(const loaded *l, const char *id_or_code, bool by_code) {
    for (size_t i = 0; i < l->n_sites; i++)
        if (!strcmp(by_code ? l->sites[i].code : l->sites[i].id, id_or_code)) return (int)i;
    return -1;
}

static int interp_index(const loaded *l, const char *id) {
    for (size_t i = 0; i < l->n_in; i++)
        if (!strcmp(l->ir[i].id, id)) return (int)i;
    return -1;
}

static void travel_line(char *line, void *ctx) {
    loaded *l = ctx;
    char *f[3];
    if (datafile_split_tabs(line, f, 3) != 3) return;
    int a = site_index(l, f[0], true), b = site_index(l, f[1], true), m = atoi(f[2]);
    if (a < 0 || b < 0 || m < 0) return;
    l->travel[(size_t)a * l->n_sites + (size_t)b] = m;
    l->travel[(size_t)b * l->n_sites + (size_t)a] = m;
}

static herr *load_sites(store *s, loaded *l) {
    static const char sql[] = "SELECT id, code, name FROM sites ORDER BY id";
    store_stmt *st = NULL;
    bool row = false;
    size_t cap = 0;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    while (!(e = store_step(st, &row)) && row) {
        if (l->n_sites == cap) {
            cap = cap ? 2 * cap : 16;
            l->sites = mem_realloc(l->sites, cap * sizeof *l->sites);
        }
        site_row *r = &l->sites[l->n_sites++];
        snprintf(r->id, sizeof r->id, "%s", store_text(st, 0));
        snprintf(r->code, sizeof r->code, "%s", store_text(st, 1));
        snprintf(r->name, sizeof r->name, "%s", store_text(st, 2));
    }
    store_done(st);
    if (e) return e;
    size_t n = l->n_sites ? l->n_sites : 1;
    l->travel = mem_alloc(n * n * sizeof *l->travel);
    for (size_t a = 0; a < l->n_sites; a++)
        for (size_t b = 0; b < l->n_sites; b++)
            l->travel[a * l->n_sites + b] = a == b ? 0 : DEFAULT_TRAVEL_MIN;
    datafile_each_line("interp_travel.tsv", travel_line, l);
    return NULL;
}

static herr *load_interpreters(store *s, loaded *l, int64_t from, int64_t to) {
    static const char sql[] = "SELECT id, name, gender, time_zone, profile FROM interpreters"
                              " WHERE active = 1 ORDER BY name, id";
    store_stmt *st = NULL;
    bool row = false;
    size_t cap = 0;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    while (!(e = store_step(st, &row)) && row) {
        if (l->n_in == cap) {
            cap = cap ? 2 * cap : 16;
            l->ir = mem_realloc(l->ir, cap * sizeof *l->ir);
            l->in = mem_realloc(l->in, cap * sizeof *l->in);
        }
        interp_row *r = &l->ir[l->n_in];
        interp_interpreter *in = &l->in[l->n_in];
        memset(r, 0, sizeof *r);
        memset(in, 0, sizeof *in);
        l->n_in++;
        snprintf(r->id, sizeof r->id, "%s", store_text(st, 0));
        snprintf(r->name, sizeof r->name, "%s", store_text(st, 1));
        r->profile = json_loads(store_text(st, 4), 0, NULL);
        if (!r->profile) r->profile = json_object();
        in->name = r->name;
        in->gender = store_text(st, 2)[0];
        json_t *langs = json_object_get(r->profile, "languages"), *v;
        size_t i;
        r->langs = mem_alloc((json_array_size(langs) + 1) * sizeof *r->langs);
        json_array_foreach(langs, i, v) r->langs[in->n_languages++] = json_str(v, "code");
        in->languages = r->langs;
        json_t *sites = json_object_get(r->profile, "sites");
        r->sites = mem_alloc((json_array_size(sites) + 1) * sizeof *r->sites);
        json_array_foreach(sites, i, v) {
            int k = site_index(l, json_string_value(v), false);
            if (k >= 0) r->sites[in->n_sites++] = k;
        }
        in->sites = r->sites;
        json_array_foreach(json_object_get(r->profile, "remote"), i, v) in->remote |=
            interp_mode_from_code(json_string_value(v));
        if ((e = interp_availability(r->profile, store_text(st, 3), from, to, &r->free,
                                     &in->n_free)))
            break;
        in->free = r->free;
    }
    store_done(st);
    return e;
}

/* The interpreter who last served the person on another request, or -1. */
static herr *preferred_of(store *s, const loaded *l, const char *person, const char *request,
                          int *out) {
    static const char sql[] =
        "SELECT x.interpreter_id FROM interp_assignments x JOIN interp_requests r"
        " ON r.id = x.request_id WHERE r.person_id = :person AND r.id <> :request"
        " AND x.status IN ('proposed', 'confirmed') ORDER BY x.starts_at DESC LIMIT 1";
    store_stmt *st = NULL;
    bool row = false;
    *out = -1;
    if (!person) return NULL;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":person", person);
    store_bind_text(st, ":request", request);
    e = store_step(st, &row);
    if (!e && row) *out = interp_index(l, store_text(st, 0));
    store_done(st);
    return e;
}

/* The interpreters who declined request i, into its row and its planner request. */
static herr *declined_of(store *s, loaded *l, size_t i) {
    static const char sql[] = "SELECT DISTINCT interpreter_id FROM interp_assignments"
                              " WHERE request_id = :request AND status = 'declined'";
    store_stmt *st = NULL;
    bool row = false;
    size_t cap = 0;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":request", l->rr[i].id);
    request_row *r = &l->rr[i];
    while (!(e = store_step(st, &row)) && row) {
        int who = interp_index(l, store_text(st, 0));
        if (who < 0) continue;
        if (r->n_declined == cap) {
            cap = cap ? 2 * cap : 4;
            r->declined = mem_realloc(r->declined, cap * sizeof *r->declined);
        }
        r->declined[r->n_declined++] = who;
    }
    store_done(st);
    l->rq[i].declined = r->declined;
    l->rq[i].n_declined = r->n_declined;
    return e;
}

static herr *load_requests(store *s, const actor *a, loaded *l, const char *from_iso,
                           const char *to_iso, int64_t from, int64_t to) {
    static const char sql[] =
        "SELECT r.id, r.site_id, r.language, r.gender_required, r.earliest, r.latest,"
        " r.duration_minutes, r.modes, r.priority, r.person_id, x.id, x.interpreter_id,"
        " x.starts_at, x.mode, x.status, x.locked FROM interp_requests r"
        " LEFT JOIN interp_assignments x ON x.request_id = r.id AND x.status IN ('proposed', 'confirmed')"
        " WHERE r.status = 'open' AND r.latest > :from AND r.earliest < :to"
        " ORDER BY r.created_at, r.id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":from", from_iso);
    store_bind_text(st, ":to", to_iso);
    while (!(e = store_step(st, &row)) && row) {
        if (!actor_has_site(a, store_text(st, 1))) continue;
        int site = site_index(l, store_text(st, 1), false);
        if (site < 0) continue;
        if (l->n_rq == l->cap_rq) {
            l->cap_rq = l->cap_rq ? 2 * l->cap_rq : 64;
            l->rr = mem_realloc(l->rr, l->cap_rq * sizeof *l->rr);
            l->rq = mem_realloc(l->rq, l->cap_rq * sizeof *l->rq);
        }
        request_row *r = &l->rr[l->n_rq];
        interp_request *q = &l->rq[l->n_rq];
        memset(r, 0, sizeof *r);
        snprintf(r->id, sizeof r->id, "%s", store_text(st, 0));
        snprintf(r->site_id, sizeof r->site_id, "%s", store_text(st, 1));
        snprintf(r->language, sizeof r->language, "%s", store_text(st, 2));
        if (!store_is_null(st, 9)) snprintf(r->person, sizeof r->person, "%s", store_text(st, 9));
        int64_t earliest = 0, latest = 0;
        clock_parse_iso(store_text(st, 4), &earliest);
        clock_parse_iso(store_text(st, 5), &latest);
        *q = (interp_request){r->language,
                              store_is_null(st, 3) ? 0 : store_text(st, 3)[0],
                              site,
                              earliest > from ? earliest : from,
                              latest < to ? latest : to,
                              (int)store_int(st, 6),
                              (unsigned)store_int(st, 7),
                              (int)store_int(st, 8),
                              -1,
                              -1,
                              0,
                              0};
        if (!store_is_null(st, 10)) {
            bool keep = store_int(st, 15) || !strcmp(store_text(st, 14), "confirmed");
            int who = interp_index(l, store_text(st, 11));
            if (keep && who >= 0) {
                r->locked = true;
                q->locked_interpreter = who;
                clock_parse_iso(store_text(st, 12), &q->locked_start);
                q->locked_mode = interp_mode_from_code(store_text(st, 13));
            } else {
                snprintf(r->old_assignment, sizeof r->old_assignment, "%s", store_text(st, 10));
            }
        }
        if (q->latest <= q->earliest) continue; /* the window lies outside the period */
        l->n_rq++;
    }
    store_done(st);
    for (size_t i = 0; i < l->n_rq && !e; i++) e = declined_of(s, l, i);
    for (size_t i = 0; i < l->n_rq && !e; i++)
        if (l->rr[i].person[0])
            e = preferred_of(s, l, l->rr[i].person, l->rr[i].id, &l->rq[i].preferred);
    return e;
}

static void loaded_free(loaded *l) {
    for (size_t i = 0; i < l->n_in; i++) {
        json_decref(l->ir[i].profile);
        mem_free(l->ir[i].langs);
        mem_free(l->ir[i].sites);
        mem_free(l->ir[i].free);
    }
    mem_free(l->ir);
    mem_free(l->in);
    for (size_t i = 0; i < l->n_rq; i++) mem_free(l->rr[i].declined);
    mem_free(l->rr);
    mem_free(l->rq);
    mem_free(l->sites);
    mem_free(l->travel);
}

/* "Tue 2026-12-08 09:00 UTC" */
static void when_text(int64_t t, char *out, size_t size) {
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    char iso[CLOCK_ISO_LEN];
    clock_format_iso(t, iso);
    snprintf(out, size, "%s %.10s %.5s UTC", days[(t / 86400) % 7], iso, iso + 11);
}

/* {request_id, reason, message, params} for one unserved request. */
static json_t *unserved_json(const loaded *l, size_t ri, const interp_choice *ch) {
    const interp_request *q = &l->rq[ri];
    char lang[64], from[40], to[40], near[40] = "", message[720];
    codes_language_name(q->language, "en", lang, sizeof lang);
    when_text(q->earliest, from, sizeof from);
    when_text(q->latest, to, sizeof to);
    json_t *params =
        json_pack("{s:s,s:s}", "language", q->language, "site", l->sites[q->site].name);
    const char *gender = q->gender == 'F' ? "female" : "male";
    switch (ch->reason) {
    case INTERP_NO_LANGUAGE:
        snprintf(message, sizeof message, "No interpreter speaks %s.", lang);
        break;
    case INTERP_NO_GENDER:
        snprintf(message, sizeof message, "No %s interpreter speaks %s.", gender, lang);
        json_object_set_new(params, "gender", json_stringn(&q->gender, 1));
        break;
    case INTERP_NO_MODE:
        snprintf(message, sizeof message,
                 "No %s interpreter can work in the modes allowed for %s (in person there, or "
                 "remotely).",
                 lang, l->sites[q->site].name);
        break;
    default: {
        char nearest[200] = "no free slot in the next two weeks";
        if (ch->nearest >= 0) {
            when_text(ch->nearest_start, near, sizeof near);
            snprintf(nearest, sizeof nearest, "nearest: %s, %s", near, l->in[ch->nearest].name);
            char iso[CLOCK_ISO_LEN];
            clock_format_iso(ch->nearest_start, iso);
            json_object_set_new(params, "nearest_at", json_string(iso));
            json_object_set_new(params, "nearest_name", json_string(l->in[ch->nearest].name));
            json_object_set_new(params, "nearest_interpreter_id",
                                json_string(l->ir[ch->nearest].id));
        }
        if (ch->reason == INTERP_NOT_AVAILABLE)
            snprintf(message, sizeof message, "No %s interpreter is free from %s to %s; %s.", lang,
                     from, to, nearest);
        else
            snprintf(message, sizeof message,
                     "The %d %s interpreter(s) free from %s to %s are booked for requests of "
                     "equal or higher priority; %s.",
                     ch->candidates, lang, from, to, nearest);
        json_object_set_new(params, "candidates", json_integer(ch->candidates));
    }
    }
    char iso[CLOCK_ISO_LEN];
    clock_format_iso(q->earliest, iso);
    json_object_set_new(params, "from", json_string(iso));
    clock_format_iso(q->latest, iso);
    json_object_set_new(params, "to", json_string(iso));
    return json_pack("{s:s,s:s,s:s,s:o}", "request_id", l->rr[ri].id, "reason",
                     interp_reason_code(ch->reason), "message", message, "params", params);
}

static herr *store_plan(store *s, const actor *a, const loaded *l, const interp_plan *plan,
                        const char *run_id, const json_t *result, const char *from,
                        const char *to) {
    static const char drop_sql[] =
        "DELETE FROM interp_assignments WHERE id = :id AND status = 'proposed' AND locked = 0";
    static const char insert_sql[] =
        "INSERT INTO interp_assignments (id, request_id, interpreter_id, starts_at, ends_at,"
        " mode, status, locked, run_id, created_at, updated_at) VALUES (:id, :request,"
        " :interpreter, :starts, :ends, :mode, 'proposed', 0, :run, :now, :now)";
    static const char run_sql[] =
        "INSERT INTO interp_runs (id, period_from, period_to, result, by_id, by_name,"
        " created_at) VALUES (:id, :from, :to, :result, :by_id, :by_name, :now)";
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    char *text = json_dumps(result, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_t *detail = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) goto cleanup;
    for (size_t i = 0; i < l->n_rq; i++) {
        if (!l->rr[i].old_assignment[0]) continue;
        if ((e = store_prepare(s, drop_sql, &st))) goto rollback;
        store_bind_text(st, ":id", l->rr[i].old_assignment);
        if ((e = store_run_done(&st))) goto rollback;
    }
    for (size_t i = 0; i < l->n_rq; i++) {
        const interp_choice *ch = &plan->choices[i];
        if (ch->interpreter < 0 || l->rr[i].locked) continue;
        char id[ID_LEN], starts[CLOCK_ISO_LEN], ends[CLOCK_ISO_LEN];
        id_new(id);
        int64_t dur = ((int64_t)l->rq[i].duration_minutes * 60 + S - 1) / S * S;
        clock_format_iso(ch->start, starts);
        clock_format_iso(ch->start + dur, ends);
        if ((e = store_prepare(s, insert_sql, &st))) goto rollback;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":request", l->rr[i].id);
        store_bind_text(st, ":interpreter", l->ir[ch->interpreter].id);
        store_bind_text(st, ":starts", starts);
        store_bind_text(st, ":ends", ends);
        store_bind_text(st, ":mode", interp_mode_code(ch->mode));
        store_bind_text(st, ":run", run_id);
        store_bind_text(st, ":now", now);
        if ((e = store_run_done(&st))) goto rollback;
    }
    if ((e = store_prepare(s, run_sql, &st))) goto rollback;
    store_bind_text(st, ":id", run_id);
    store_bind_text(st, ":from", from);
    store_bind_text(st, ":to", to);
    store_bind_text(st, ":result", text);
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    detail = json_pack("{s:s,s:s,s:i,s:i}", "from", from, "to", to, "served", plan->served,
                       "unserved", (int)l->n_rq - plan->served);
    if ((e = audit_record(s, a, "schedule", "interp_run", run_id, detail))) goto rollback;
    e = store_commit(s);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    free(text);
    json_decref(detail);
    return e;
}

herr *interp_schedule(store *s, const actor *a, const char *from, const char *to, double time_limit,
                      json_t **out) {
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN], from_iso[CLOCK_ISO_LEN], to_iso[CLOCK_ISO_LEN];
    char run_id[ID_LEN];
    loaded l = {0};
    interp_plan plan = {0}, greedy = {0};
    json_t *result = NULL;
    herr *e = check_date_text("from", from, true, f);
    if (!e) e = check_date_text("to", to, true, t);
    if (e) return e;
    int y, m, d;
    clock_parse_date(f, &y, &m, &d);
    int64_t start = clock_days_from_civil(y, m, d) * 86400;
    clock_parse_date(t, &y, &m, &d);
    int64_t end = (clock_days_from_civil(y, m, d) + 1) * 86400;
    if (end <= start)
        return err_with(err_invalid("to", "to must not be before from"), "date_range",
                        (const char *)NULL);
    if (end - start > 31 * 86400) return err_invalid("to", "a period is at most 31 days");
    if (time_limit < 0 || time_limit > 300)
        return err_invalid("time_limit", "time_limit must be from 0 to 300 seconds");
    clock_format_iso(start, from_iso);
    clock_format_iso(end, to_iso);

    if ((e = load_sites(s, &l))) goto cleanup;
    if ((e = load_interpreters(s, &l, start, end + NEAREST_DAYS * 86400))) goto cleanup;
    if ((e = load_requests(s, a, &l, from_iso, to_iso, start, end))) goto cleanup;
    interp_problem p = {l.in, l.n_in, l.rq, l.n_rq, l.travel, l.n_sites};
    if ((e = interp_plan_greedy(&p, &greedy))) goto cleanup;
    if ((e = interp_plan_solve(&p, time_limit > 0 ? time_limit : 10, &plan))) goto cleanup;

    id_new(run_id);
    json_t *unserved = json_array();
    for (size_t i = 0; i < l.n_rq; i++)
        if (plan.choices[i].interpreter < 0)
            json_array_append_new(unserved, unserved_json(&l, i, &plan.choices[i]));
    double w = 4.0 * ((double)l.n_rq + 1);
    result = json_pack(
        "{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:f,s:f,s:o}", "id", run_id, "from", f,
        "to", t, "status", solver_status_name(plan.solver.status), "requests", (int)l.n_rq,
        "served", plan.served, "priority_served", plan.priority_served, "priority_total",
        plan.priority_total, "priority_bound",
        plan.solver.status == SOLVER_OPTIMAL ? plan.priority_served : (int)(plan.solver.bound / w),
        "greedy_served", greedy.served, "greedy_priority_served", greedy.priority_served, "gap",
        plan.solver.gap, "seconds", plan.solver.seconds, "time_limit",
        time_limit > 0 ? time_limit : 10, "unserved", unserved);
    if ((e = store_plan(s, a, &l, &plan, run_id, result, f, t))) goto cleanup;
    *out = result;
    result = NULL;

cleanup:
    json_decref(result);
    interp_plan_clear(&plan);
    interp_plan_clear(&greedy);
    loaded_free(&l);
    return e;
}
