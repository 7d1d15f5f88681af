/* Interpreters and requests: checked, written in one audited transaction, read back.
 * An update merges the changed fields into the stored record and checks the whole
 * again, so that a change can never leave a record a create would refuse. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "interpreting/interpreting.h"
#include "interpreting/interpreting_internal.h"

#define YEAR_SECONDS (366 * 86400)

static const char *const genders[] = {"F", "M", "X", NULL};
static const char *const levels[] = {"native", "fluent", "working", NULL};
static const char *const remote_codes[] = {"video", "phone", NULL};
static const char *const exception_kinds[] = {"leave", "extra", NULL};
static const char *const mode_codes[] = {"in_person", "video", "phone", NULL};
/* Kinds of interview; gbv_interview requires a gender. */
static const char *const kinds[] = {"asylum_interview",  "gbv_interview", "medical",
                                    "legal_information", "registration",  "protection",
                                    "counselling",       "other",         NULL};

const char *interp_mode_code(unsigned mode) {
    return mode == INTERP_IN_PERSON ? "in_person" : mode == INTERP_VIDEO ? "video" : "phone";
}

unsigned interp_mode_from_code(const char *code) {
    if (!code) return 0;
    for (int i = 0; mode_codes[i]; i++)
        if (!strcmp(code, mode_codes[i])) return 1u << i;
    return 0;
}

/* "HH:MM" (or "24:00") into minutes of the day; -1 otherwise. */
static int hhmm(const char *s) {
    int h, m;
    char end;
    if (!s || strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &end) != 2) return -1;
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m)) return -1;
    return h * 60 + m;
}

static bool site_exists(store *s, const char *id) {
    static const char sql[] = "SELECT 1 FROM sites WHERE id = :id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        e = store_step(st, &row);
        store_done(st);
    }
    err_free(e);
    return row;
}

/* ---- interpreters ---- */

static const json_field interpreter_fields[] = {
    {"name", JF_STRING, true, 120},        {"gender", JF_STRING, true, 1},
    {"time_zone", JF_STRING, true, 64},    {"languages", JF_ARRAY, true, 20},
    {"sites", JF_STRING_ARRAY, false, 50}, {"remote", JF_STRING_ARRAY, false, 2},
    {"weekly", JF_ARRAY, false, 50},       {"exceptions", JF_ARRAY, false, 200},
    {"hourly_rate", JF_INT, false, 0},     {"currency", JF_STRING, false, 3},
    {"user_id", JF_STRING, false, 40},     {"active", JF_BOOL, false, 0},
};

static herr *check_languages(const json_t *list) {
    size_t i;
    json_t *v;
    if (json_array_size(list) == 0) return err_invalid("languages", "at least one language");
    json_array_foreach(list, i, v) {
        static const json_field f[] = {{"code", JF_STRING, true, 8},
                                       {"level", JF_STRING, true, 10},
                                       {"dialect", JF_STRING, false, 60}};
        herr *e = json_check(v, f, 3);
        if (e) {
            snprintf(e->field, sizeof e->field, "languages");
            return e;
        }
        if (!codes_language_valid(json_str(v, "code")))
            return err_invalid("languages", "%s is not an ISO 639 language code",
                               json_str(v, "code"));
        if ((e = check_code("languages", json_str(v, "level"), levels))) return e;
    }
    return NULL;
}

static herr *check_weekly(const json_t *list) {
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        static const json_field f[] = {
            {"day", JF_INT, true, 0}, {"from", JF_STRING, true, 5}, {"to", JF_STRING, true, 5}};
        herr *e = json_check(v, f, 3);
        if (e) {
            snprintf(e->field, sizeof e->field, "weekly");
            return e;
        }
        json_int_t day = json_integer_value(json_object_get(v, "day"));
        int from = hhmm(json_str(v, "from")), to = hhmm(json_str(v, "to"));
        if (day < 1 || day > 7)
            return err_invalid("weekly", "day must be 1 (Monday) to 7 (Sunday)");
        if (from < 0 || to < 0 || from >= to)
            return err_invalid("weekly", "from and to must be times HH:MM, from before to");
    }
    return NULL;
}

static herr *check_exceptions(const json_t *list) {
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        static const json_field f[] = {{"kind", JF_STRING, true, 8},
                                       {"from", JF_STRING, true, 40},
                                       {"to", JF_STRING, true, 40}};
        char from[CLOCK_ISO_LEN], to[CLOCK_ISO_LEN];
        herr *e = json_check(v, f, 3);
        if (!e) e = check_code("exceptions", json_str(v, "kind"), exception_kinds);
        if (!e) e = check_time(v, "from", -1, -1, from);
        if (!e) e = check_time(v, "to", -1, -1, to);
        if (e) {
            snprintf(e->field, sizeof e->field, "exceptions");
            return e;
        }
        if (strcmp(from, to) >= 0) return err_invalid("exceptions", "from must be before to");
        json_object_set_new(v, "from", json_string(from));
        json_object_set_new(v, "to", json_string(to));
    }
    return NULL;
}

static herr *check_user(store *s, const char *user_id) {
    static const char sql[] = "SELECT role FROM users WHERE id = :id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", user_id);
    e = store_step(st, &row);
    if (!e && !row) e = err_invalid("user_id", "no account with id %s", user_id);
    if (!e && strcmp(store_text(st, 0), "interp"))
        e = err_invalid("user_id", "the linked account must have the role interp");
    store_done(st);
    return e;
}

/* Checks a whole interpreter record (in is changed only to normalise times). */
static herr *check_interpreter(store *s, json_t *in) {
    herr *e = json_check(in, interpreter_fields,
                         sizeof interpreter_fields / sizeof interpreter_fields[0]);
    if (!e) e = check_not_blank(in, "name", true);
    if (!e) e = check_code("gender", json_str(in, "gender"), genders);
    if (!e) e = interp_check_time_zone(json_str(in, "time_zone"));
    if (!e) e = check_languages(json_object_get(in, "languages"));
    if (!e) e = check_weekly(json_object_get(in, "weekly"));
    if (!e) e = check_exceptions(json_object_get(in, "exceptions"));
    if (e) return e;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "sites"), i, v) {
        if (!site_exists(s, json_string_value(v)))
            return err_invalid("sites", "no site with id %s", json_string_value(v));
    }
    json_array_foreach(json_object_get(in, "remote"), i, v) {
        if ((e = check_code("remote", json_string_value(v), remote_codes))) return e;
    }
    json_t *rate = json_object_get(in, "hourly_rate");
    if (json_is_integer(rate) && json_integer_value(rate) < 0)
        return err_invalid("hourly_rate", "hourly_rate cannot be negative");
    const char *cur = json_str(in, "currency");
    if (cur && (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3))
        return err_invalid("currency", "currency must be an ISO 4217 code such as BAM or EUR");
    if (json_str(in, "user_id")) return check_user(s, json_str(in, "user_id"));
    return NULL;
}

/* The profile column: what the scheduler reads. */
static json_t *profile_of(const json_t *in) {
    json_t *p = json_object();
    const char *keys[] = {"languages", "sites", "remote", "weekly", "exceptions"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        json_t *v = json_object_get(in, keys[k]);
        json_object_set_new(p, keys[k], v && !json_is_null(v) ? json_deep_copy(v) : json_array());
    }
    return p;
}

/* ",ar,ps," for finding interpreters by language with LIKE. */
static char *languages_key(const json_t *langs) {
    char *out = mem_strdup(",");
    size_t i;
    json_t *v;
    json_array_foreach(langs, i, v) {
        char *next = mem_printf("%s%s,", out, json_str(v, "code"));
        mem_free(out);
        out = next;
    }
    return out;
}

static const char upsert_interpreter_sql[] =
    "INSERT INTO interpreters (id, name, gender, time_zone, hourly_rate, currency, user_id,"
    " profile, languages, active, created_at, updated_at) VALUES (:id, :name, :gender, :tz,"
    " :rate, :currency, :user, :profile, :langs, :active, :now, :now)"
    " ON CONFLICT (id) DO UPDATE SET name = :name, gender = :gender, time_zone = :tz,"
    " hourly_rate = :rate, currency = :currency, user_id = :user, profile = :profile,"
    " languages = :langs, active = :active, updated_at = :now";

static herr *write_interpreter(store *s, const actor *a, const char *id, json_t *in,
                               const char *action, json_t *changed) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    json_t *profile = profile_of(in), *detail = NULL;
    char *profile_text = json_dumps(profile, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *langs = languages_key(json_object_get(in, "languages"));
    herr *e;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto cleanup;
    if ((e = store_prepare(s, upsert_interpreter_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_text(st, ":gender", json_str(in, "gender"));
    store_bind_text(st, ":tz", json_str(in, "time_zone"));
    json_t *rate = json_object_get(in, "hourly_rate");
    if (json_is_integer(rate))
        store_bind_int(st, ":rate", json_integer_value(rate));
    else
        store_bind_null(st, ":rate");
    store_bind_text(st, ":currency", json_str(in, "currency"));
    store_bind_text(st, ":user", json_str(in, "user_id"));
    store_bind_text(st, ":profile", profile_text);
    store_bind_text(st, ":langs", langs);
    store_bind_int(st, ":active", !json_is_false(json_object_get(in, "active")));
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    if (e && e->code == ERR_CONFLICT) {
        err_free(e);
        e = err_with(err_new(ERR_CONFLICT, "user_id",
                             "that account is already linked to another interpreter"),
                     "interp_user_linked", (const char *)NULL);
    }
    if (e) goto rollback;
    detail = check_field_names(changed);
    if ((e = audit_record(s, a, action, "interpreter", id, detail))) goto rollback;
    e = store_commit(s);
    goto cleanup;
rollback:
    store_rollback(s);
cleanup:
    json_decref(profile);
    json_decref(detail);
    free(profile_text);
    mem_free(langs);
    return e;
}

herr *interp_interpreter_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN];
    json_t *copy = json_deep_copy(in);
    herr *e = json_is_object(copy) ? check_interpreter(s, copy)
                                   : err_invalid("body", "an object is expected");
    if (!e) {
        id_new(id);
        e = write_interpreter(s, a, id, copy, "create", copy);
    }
    if (!e) e = interp_interpreter_get(s, a, id, out);
    json_decref(copy);
    return e;
}

/* The interpreter's own no-shows: all and in the last 90 days (:since). */
#define INTERPRETER_COLUMNS                                                                        \
    "SELECT id, name, gender, time_zone, hourly_rate, currency, user_id, profile, active,"         \
    " feed_hash IS NOT NULL, created_at, updated_at,"                                              \
    " (SELECT COUNT(*) FROM interp_noshows n WHERE n.interpreter_id = interpreters.id"             \
    "  AND n.who = 'interpreter'),"                                                                \
    " (SELECT COUNT(*) FROM interp_noshows n WHERE n.interpreter_id = interpreters.id"             \
    "  AND n.who = 'interpreter' AND n.noticed_at >= :since)"                                      \
    " FROM interpreters"

static const char interpreter_sql[] = INTERPRETER_COLUMNS " WHERE id = :id";

static void bind_since(store_stmt *st) {
    char since[CLOCK_ISO_LEN];
    clock_format_iso(clock_now() - 90 * 86400, since);
    store_bind_text(st, ":since", since);
}

static json_t *interpreter_row(store_stmt *st) {
    json_t *o = json_object();
    json_set_str(o, "id", store_text(st, 0));
    json_set_str(o, "name", store_text(st, 1));
    json_set_str(o, "gender", store_text(st, 2));
    json_set_str(o, "time_zone", store_text(st, 3));
    json_object_set_new(o, "hourly_rate",
                        store_is_null(st, 4) ? json_null() : json_integer(store_int(st, 4)));
    json_set_str(o, "currency", store_text(st, 5));
    json_set_str(o, "user_id", store_text(st, 6));
    json_t *profile = json_loads(store_text(st, 7), 0, NULL);
    if (profile) json_object_update(o, profile);
    json_decref(profile);
    json_object_set_new(o, "active", json_boolean(store_int(st, 8)));
    json_object_set_new(o, "feed_active", json_boolean(store_int(st, 9)));
    json_set_str(o, "created_at", store_text(st, 10));
    json_set_str(o, "updated_at", store_text(st, 11));
    json_object_set_new(o, "no_shows",
                        json_pack("{s:I,s:I}", "total", (json_int_t)store_int(st, 12),
                                  "last_90_days", (json_int_t)store_int(st, 13)));
    return o;
}

herr *interp_interpreter_get(store *s, const actor *a, const char *id, json_t **out) {
    (void)a;
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, interpreter_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    bind_since(st);
    e = store_step(st, &row);
    if (!e && !row) e = err_new(ERR_NOT_FOUND, "id", "no interpreter with id %s", id);
    if (!e) *out = interpreter_row(st);
    store_done(st);
    return e;
}

herr *interp_interpreter_update(store *s, const actor *a, const char *id, const json_t *in,
                                json_t **out) {
    json_t *cur = NULL;
    if (!json_is_object(in)) return err_invalid("body", "an object is expected");
    herr *e = interp_interpreter_get(s, a, id, &cur);
    if (e) return e;
    const char *drop[] = {"id", "feed_active", "created_at", "updated_at", "no_shows"};
    for (size_t k = 0; k < 5; k++) json_object_del(cur, drop[k]);
    json_object_update(cur, (json_t *)in);
    e = check_interpreter(s, cur);
    if (!e) e = write_interpreter(s, a, id, cur, "update", (json_t *)in);
    if (!e) e = interp_interpreter_get(s, a, id, out);
    json_decref(cur);
    return e;
}

herr *interp_interpreter_list(store *s, const actor *a, json_t **out) {
    (void)a;
    static const char sql[] = INTERPRETER_COLUMNS " ORDER BY name, id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    bind_since(st);
    json_t *items = json_array();
    while (!(e = store_step(st, &row)) && row) json_array_append_new(items, interpreter_row(st));
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

/* ---- requests ---- */

static const json_field request_fields[] = {
    {"site_id", JF_STRING, true, 40},      {"unit", JF_STRING, true, 120},
    {"language", JF_STRING, true, 8},      {"gender_required", JF_STRING, false, 1},
    {"earliest", JF_STRING, true, 40},     {"latest", JF_STRING, true, 40},
    {"duration_minutes", JF_INT, true, 0}, {"modes", JF_STRING_ARRAY, true, 3},
    {"priority", JF_INT, true, 0},         {"kind", JF_STRING, true, 40},
    {"person_id", JF_STRING, false, 40},   {"note", JF_TEXT, false, 2000},
};

/* Checks a whole request; earliest and latest are normalised in place, *modes set. */
static herr *check_request(store *s, const actor *a, json_t *in, unsigned *modes) {
    char earliest[CLOCK_ISO_LEN], latest[CLOCK_ISO_LEN];
    herr *e = json_check(in, request_fields, sizeof request_fields / sizeof request_fields[0]);
    if (!e) e = check_not_blank(in, "unit", true);
    if (!e) e = check_id("site_id", json_str(in, "site_id"), true);
    if (e) return e;
    const char *site = json_str(in, "site_id");
    if (!actor_has_site(a, site) || !site_exists(s, site))
        return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    if (!codes_language_valid(json_str(in, "language")))
        return err_with(
            err_invalid("language", "language must be an ISO 639 code such as fa, ar, ps"),
            "language_code", (const char *)NULL);
    if (json_str(in, "gender_required") &&
        (e = check_code("gender_required", json_str(in, "gender_required"), genders)))
        return e;
    if ((e = check_code("kind", json_str(in, "kind"), kinds))) return e;
    if (!strcmp(json_str(in, "kind"), "gbv_interview") && !json_str(in, "gender_required"))
        return err_with(err_invalid("gender_required",
                                    "an interview about gender-based violence needs the "
                                    "interpreter's gender"),
                        "interp_gbv_gender", (const char *)NULL);
    if ((e = check_time(in, "earliest", -1, YEAR_SECONDS, earliest))) return e;
    if ((e = check_time(in, "latest", -1, YEAR_SECONDS + 86400, latest))) return e;
    json_int_t dur = json_integer_value(json_object_get(in, "duration_minutes"));
    if (dur < 15 || dur > 480)
        return err_invalid("duration_minutes", "duration_minutes must be from 15 to 480");
    int64_t t0, t1;
    clock_parse_iso(earliest, &t0);
    clock_parse_iso(latest, &t1);
    if (t1 - t0 < dur * 60)
        return err_with(err_invalid("latest", "the window is shorter than the duration"),
                        "interp_window_short", (const char *)NULL);
    if (t1 - t0 > 31 * 86400) return err_invalid("latest", "a window is at most 31 days");
    json_object_set_new(in, "earliest", json_string(earliest));
    json_object_set_new(in, "latest", json_string(latest));
    json_int_t prio = json_integer_value(json_object_get(in, "priority"));
    if (prio < 1 || prio > 5) return err_invalid("priority", "priority must be from 1 to 5");
    *modes = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "modes"), i, v) {
        if ((e = check_code("modes", json_string_value(v), mode_codes))) return e;
        *modes |= interp_mode_from_code(json_string_value(v));
    }
    if (!*modes) return err_invalid("modes", "at least one mode (in_person, video, phone)");
    return check_id("person_id", json_str(in, "person_id"), false);
}

static const char upsert_request_sql[] =
    "INSERT INTO interp_requests (id, site_id, unit, language, gender_required, earliest,"
    " latest, duration_minutes, modes, priority, kind, person_id, note, by_id, by_name,"
    " created_at, updated_at) VALUES (:id, :site, :unit, :lang, :gender, :earliest, :latest,"
    " :dur, :modes, :prio, :kind, :person, :note, :by_id, :by_name, :now, :now)"
    " ON CONFLICT (id) DO UPDATE SET unit = :unit, language = :lang, gender_required = :gender,"
    " earliest = :earliest, latest = :latest, duration_minutes = :dur, modes = :modes,"
    " priority = :prio, kind = :kind, person_id = :person, note = :note, updated_at = :now";

static herr *write_request(store *s, const actor *a, const char *id, const json_t *in,
                           unsigned modes, const char *action, const json_t *changed) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    json_t *detail = NULL;
    herr *e;
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, upsert_request_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", json_str(in, "site_id"));
    store_bind_text(st, ":unit", json_str(in, "unit"));
    store_bind_text(st, ":lang", json_str(in, "language"));
    store_bind_text(st, ":gender", json_str(in, "gender_required"));
    store_bind_text(st, ":earliest", json_str(in, "earliest"));
    store_bind_text(st, ":latest", json_str(in, "latest"));
    store_bind_int(st, ":dur", json_integer_value(json_object_get(in, "duration_minutes")));
    store_bind_int(st, ":modes", modes);
    store_bind_int(st, ":prio", json_integer_value(json_object_get(in, "priority")));
    store_bind_text(st, ":kind", json_str(in, "kind"));
    store_bind_text(st, ":person", json_str(in, "person_id"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":by_id", a->user_id);
    store_bind_text(st, ":by_name", a->username);
    store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) goto rollback;
    detail = check_field_names(changed);
    json_object_set_new(detail, "site_id", json_string(json_str(in, "site_id")));
    if ((e = audit_record(s, a, action, "interp_request", id, detail))) goto rollback;
    e = store_commit(s);
    json_decref(detail);
    return e;
rollback:
    json_decref(detail);
    store_rollback(s);
    return e;
}

herr *interp_request_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN];
    unsigned modes = 0;
    json_t *copy = json_deep_copy(in);
    herr *e = json_is_object(copy) ? check_request(s, a, copy, &modes)
                                   : err_invalid("body", "an object is expected");
    if (!e) {
        id_new(id);
        e = write_request(s, a, id, copy, modes, "create", copy);
    }
    if (!e) e = interp_request_get(s, a, id, out);
    json_decref(copy);
    return e;
}

#define REQUEST_COLUMNS                                                                              \
    "r.id, r.site_id, r.unit, r.language, r.gender_required, r.earliest, r.latest,"                  \
    " r.duration_minutes, r.modes, r.priority, r.kind, r.person_id, r.note, r.status,"               \
    " r.created_at, r.updated_at, x.id, x.interpreter_id, i.name, x.starts_at, x.ends_at,"           \
    " x.mode, x.status, x.locked, n.who, n.reason"                                                   \
    " FROM interp_requests r LEFT JOIN interp_assignments x ON x.request_id = r.id"                  \
    " AND x.status IN ('proposed', 'confirmed') LEFT JOIN interpreters i ON i.id = x.interpreter_id" \
    " LEFT JOIN interp_noshows n ON n.assignment_id = x.id"

static json_t *request_row(store_stmt *st) {
    json_t *o = json_object();
    static const char *const names[] = {
        "id", "site_id", "unit", "language", "gender_required", "earliest", "latest"};
    for (int c = 0; c < 7; c++) json_set_str(o, names[c], store_text(st, c));
    json_object_set_new(o, "duration_minutes", json_integer(store_int(st, 7)));
    json_t *modes = json_array();
    for (unsigned m = 1; m <= INTERP_PHONE; m <<= 1)
        if (store_int(st, 8) & m) json_array_append_new(modes, json_string(interp_mode_code(m)));
    json_object_set_new(o, "modes", modes);
    json_object_set_new(o, "priority", json_integer(store_int(st, 9)));
    json_set_str(o, "kind", store_text(st, 10));
    json_set_str(o, "person_id", store_text(st, 11));
    json_set_str(o, "note", store_text(st, 12));
    json_set_str(o, "status", store_text(st, 13));
    json_set_str(o, "created_at", store_text(st, 14));
    json_set_str(o, "updated_at", store_text(st, 15));
    if (store_is_null(st, 16)) {
        json_object_set_new(o, "assignment", json_null());
    } else {
        json_object_set_new(o, "assignment",
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", store_text(st, 16),
                                      "interpreter_id", store_text(st, 17), "interpreter_name",
                                      store_text(st, 18), "starts_at", store_text(st, 19),
                                      "ends_at", store_text(st, 20), "mode", store_text(st, 21),
                                      "status", store_text(st, 22), "locked",
                                      (int)store_int(st, 23)));
        json_object_set_new(
            json_object_get(o, "assignment"), "no_show",
            store_is_null(st, 24)
                ? json_null()
                : json_pack("{s:s,s:s}", "who", store_text(st, 24), "reason", store_text(st, 25)));
    }
    return o;
}

herr *interp_request_get(store *s, const actor *a, const char *id, json_t **out) {
    static const char sql[] = "SELECT " REQUEST_COLUMNS " WHERE r.id = :id";
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    e = store_step(st, &row);
    if (!e && (!row || !actor_has_site(a, store_text(st, 1))))
        e = err_new(ERR_NOT_FOUND, "id", "no request with id %s", id);
    if (!e) *out = request_row(st);
    store_done(st);
    return e;
}

herr *interp_request_list(store *s, const actor *a, const char *from, const char *to,
                          const char *status, json_t **out) {
    static const char sql[] =
        "SELECT " REQUEST_COLUMNS " WHERE (:from IS NULL OR r.latest >= :from)"
        " AND (:to IS NULL OR r.earliest < :to) AND (:status IS NULL OR r.status = :status)"
        " ORDER BY r.earliest, r.created_at LIMIT 5000";
    char f[CLOCK_DATE_LEN], t[CLOCK_DATE_LEN], to_next[CLOCK_ISO_LEN] = "";
    static const char *const statuses[] = {"open", "cancelled", NULL};
    herr *e = check_date_text("from", from, false, f);
    if (!e) e = check_date_text("to", to, false, t);
    if (!e && status) e = check_code("status", status, statuses);
    if (e) return e;
    if (t[0]) {
        int y, m, d;
        clock_parse_date(t, &y, &m, &d);
        clock_format_iso((clock_days_from_civil(y, m, d) + 1) * 86400, to_next);
    }
    store_stmt *st = NULL;
    bool row = false;
    if ((e = store_prepare(s, sql, &st))) return e;
    store_bind_text(st, ":from", f[0] ? f : NULL);
    store_bind_text(st, ":to", to_next[0] ? to_next : NULL);
    store_bind_text(st, ":status", status);
    json_t *items = json_array();
    while (!(e = store_step(st, &row)) && row)
        if (actor_has_site(a, store_text(st, 1))) json_array_append_new(items, request_row(st));
    store_done(st);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return NULL;
}

herr *interp_request_update(store *s, const actor *a, const char *id, const json_t *in,
                            json_t **out) {
    json_t *cur = NULL;
    unsigned modes = 0;
    if (!json_is_object(in)) return err_invalid("body", "an object is expected");
    if (json_has(in, "site_id"))
        return err_invalid("site_id", "the site of a request cannot change: record a new one");
    herr *e = interp_request_get(s, a, id, &cur);
    if (e) return e;
    if (strcmp(json_str(cur, "status"), "open")) {
        json_decref(cur);
        return err_with(err_new(ERR_CONFLICT, "status", "the request is cancelled"),
                        "interp_request_closed", (const char *)NULL);
    }
    const char *drop[] = {"id", "status", "created_at", "updated_at", "assignment"};
    for (size_t k = 0; k < 5; k++) json_object_del(cur, drop[k]);
    json_object_update(cur, (json_t *)in);
    const char *optional[] = {"gender_required", "person_id", "note"};
    for (size_t k = 0; k < 3; k++)
        if (json_is_null(json_object_get(cur, optional[k]))) json_object_del(cur, optional[k]);
    e = check_request(s, a, cur, &modes);
    if (!e) e = write_request(s, a, id, cur, modes, "update", in);
    if (!e) e = interp_request_get(s, a, id, out);
    json_decref(cur);
    return e;
}

herr *interp_request_cancel(store *s, const actor *a, const char *id, json_t **out) {
    static const char cancel_sql[] =
        "UPDATE interp_requests SET status = 'cancelled', updated_at = :now WHERE id = :id";
    static const char cancel_assignment_sql[] =
        "UPDATE interp_assignments SET status = 'cancelled', updated_at = :now"
        " WHERE request_id = :id AND status IN ('proposed', 'confirmed')";
    json_t *cur = NULL;
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    herr *e = interp_request_get(s, a, id, &cur);
    if (e) return e;
    json_decref(cur);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    const char *sqls[] = {cancel_sql, cancel_assignment_sql};
    for (int k = 0; k < 2; k++) {
        if ((e = store_prepare(s, sqls[k], &st))) goto rollback;
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":now", now);
        if ((e = store_run_done(&st))) goto rollback;
    }
    if ((e = audit_record(s, a, "cancel", "interp_request", id, NULL))) goto rollback;
    if ((e = store_commit(s))) return e;
    return interp_request_get(s, a, id, out);
rollback:
    store_rollback(s);
    return e;
}
