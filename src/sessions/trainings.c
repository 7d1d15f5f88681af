/* Trainings and events for officials: the event, its agenda, participants and
 * evaluations. Certificates are in certificates.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/check.h"
#include "core/codes.h"
#include "core/embedded.h"
#include "core/json.h"
#include "core/mem.h"
#include "core/text.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

static const char *const kinds[] = {"training",    "workshop", "conference",
                                    "study_visit", "meeting",  NULL};
static const char *const sexes[] = {"F", "M", "X", NULL};

static herr *may_write(const actor *a) {
    if (a->user_id[0] && !auth_allows(a->role, "training.write"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not change trainings", a->role);
    return NULL;
}

static herr *may_read(const actor *a) {
    if (a->user_id[0] && !auth_allows(a->role, "training.read"))
        return err_new(ERR_FORBIDDEN, NULL, "your role (%s) may not read trainings", a->role);
    return NULL;
}

json_t *sessions_evaluation_form(void) {
    size_t len = 0;
    const char *text = embedded_find("training_evaluation.json", &len);
    json_t *doc = text ? json_loadb(text, len, 0, NULL) : NULL;
    return doc ? doc : json_pack("{s:[]}", "questions");
}

/* ---- the training ---------------------------------------------------------------------- */

static const json_field training_fields[] = {
    {"title", JF_STRING, false, 200},      {"kind", JF_STRING, false, 16},
    {"starts_on", JF_STRING, false, 10},   {"ends_on", JF_STRING, false, 10},
    {"venue", JF_STRING, false, 200},      {"site_id", JF_STRING, false, 40},
    {"organiser", JF_STRING, false, 200},  {"language", JF_STRING, false, 8},
    {"description", JF_TEXT, false, 4000}, {"certificate_text", JF_STRING, false, 200},
};

static herr *check_training(const actor *a, const json_t *in, const json_t *old) {
    herr *e = json_check(in, training_fields, sizeof training_fields / sizeof training_fields[0]);
    if (e) return e;
    bool creating = old == NULL;
    if ((e = check_not_blank(in, "title", creating))) return e;
    if ((creating || json_has(in, "kind")) && (e = check_code("kind", json_str(in, "kind"), kinds)))
        return e;
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN];
    if ((e = check_date(in, "starts_on", creating, from))) return e;
    if ((e = check_date(in, "ends_on", creating, to))) return e;
    if (!from[0] && old) snprintf(from, sizeof from, "%s", json_str(old, "starts_on"));
    if (!to[0] && old) snprintf(to, sizeof to, "%s", json_str(old, "ends_on"));
    if (strcmp(to, from) < 0) return err_invalid("ends_on", "ends_on is before starts_on");
    const char *site = json_str(in, "site_id");
    if (site && !actor_has_site(a, site))
        return err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                        "site_unknown", (const char *)NULL);
    const char *lang = json_str(in, "language");
    if (lang && !codes_language_valid(lang))
        return err_with(err_invalid("language", "language must be an ISO 639 code"),
                        "language_code", (const char *)NULL);
    return NULL;
}

static const char insert_sql[] =
    "INSERT INTO trainings (id, title, kind, starts_on, ends_on, venue, site_id, organiser,"
    " language, description, certificate_text, by_id, by_name, created_at, updated_at)"
    " VALUES (:id, :title, :kind, :starts_on, :ends_on, :venue, :site_id, :organiser, :language,"
    " :description, :certificate_text, :by_id, :by_name, :now, :now)";
static const char update_sql[] =
    "UPDATE trainings SET title = :title, kind = :kind, starts_on = :starts_on,"
    " ends_on = :ends_on, venue = :venue, site_id = :site_id, organiser = :organiser,"
    " language = :language, description = :description, certificate_text = :certificate_text,"
    " updated_at = :now WHERE id = :id";

static const char *const text_cols[] = {
    "title",   "kind",      "starts_on", "ends_on",     "venue",
    "site_id", "organiser", "language",  "description", "certificate_text"};

static herr *write_training(store *s, const actor *a, const char *id, const json_t *t,
                            const json_t *in, bool creating) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_begin(s);
    if (e) return e;
    if ((e = store_prepare(s, creating ? insert_sql : update_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++) {
        char param[40];
        snprintf(param, sizeof param, ":%s", text_cols[i]);
        store_bind_text(st, param, json_str(t, text_cols[i]));
    }
    store_bind_text(st, ":now", now);
    if (creating) {
        store_bind_text(st, ":by_id", a->user_id);
        store_bind_text(st, ":by_name", a->username);
    }
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, creating ? "create" : "update", "training", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    return store_commit(s);
rollback:
    store_rollback(s);
    return e;
}

static const char row_sql[] =
    "SELECT id, title, kind, starts_on, ends_on, venue, site_id, organiser, language,"
    " description, certificate_text, by_name, created_at, updated_at FROM trainings WHERE id = :id";

static json_t *training_json(store_stmt *st) {
    static const char *const cols[] = {
        "id",         "title",     "kind",     "starts_on",   "ends_on",          "venue",
        "site_id",    "organiser", "language", "description", "certificate_text", "by_name",
        "created_at", "updated_at"};
    json_t *o = json_object();
    store_texts_to_json(st, o, cols, 14, 0);
    return o;
}

/* The training row without its parts; ERR_NOT_FOUND on "id". */
static herr *training_row(store *s, const char *id, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    *out = NULL;
    herr *e = store_prepare(s, row_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    if (!(e = store_step(st, &row)) && !row)
        e = err_new(ERR_NOT_FOUND, "id", "no training with id %s", id);
    if (!e) *out = training_json(st);
    store_done(st);
    return e;
}

herr *sessions_training_create(store *s, const actor *a, const json_t *in, json_t **out) {
    char id[ID_LEN];
    herr *e = may_write(a);
    if (!e) e = check_training(a, in, NULL);
    if (e) return e;
    id_new(id);
    if ((e = write_training(s, a, id, in, in, true))) return e;
    return sessions_training_get(s, a, id, out);
}

herr *sessions_training_update(store *s, const actor *a, const char *id, const json_t *in,
                               json_t **out) {
    json_t *old = NULL;
    herr *e = may_write(a);
    if (!e) e = training_row(s, id, &old);
    if (!e) e = check_training(a, in, old);
    if (!e) {
        json_object_update(old, (json_t *)in);
        e = write_training(s, a, id, old, in, false);
    }
    json_decref(old);
    return e ? e : sessions_training_get(s, a, id, out);
}

/* ---- parts ----------------------------------------------------------------------------- */

static const char agenda_sql[] = "SELECT id, day, time, title, speaker FROM training_agenda"
                                 " WHERE training_id = :id ORDER BY day, time, id";
static const char participants_sql[] =
    "SELECT id, name, organisation, country, sex, position, email, attended, certificate_no"
    " FROM training_participants WHERE training_id = :id ORDER BY name, id";
static const char evaluations_sql[] =
    "SELECT answers FROM training_evaluations WHERE training_id = :id ORDER BY submitted_at";

static void add_to(json_t *obj, const char *key, json_int_t n) {
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + n));
}

static herr *parts(store *s, json_t *t, bool full) {
    const char *id = json_str(t, "id");
    store_stmt *st = NULL;
    json_t *agenda = json_array(), *people = json_array(), *countries = json_object();
    json_t *figures = json_pack("{s:i,s:i,s:i,s:i,s:i}", "participants", 0, "female", 0, "male", 0,
                                "other", 0, "attended", 0);
    json_t *questions = json_object(), *comments = json_array();
    json_int_t responses = 0;
    bool row;
    herr *e = NULL;
    if (full) {
        if ((e = store_prepare(s, agenda_sql, &st))) goto cleanup;
        store_bind_text(st, ":id", id);
        while (!(e = store_step(st, &row)) && row) {
            json_t *o =
                json_pack("{s:s,s:s,s:s,s:s}", "id", store_text(st, 0), "day", store_text(st, 1),
                          "time", store_text(st, 2), "title", store_text(st, 3));
            json_set_str(o, "speaker", store_is_null(st, 4) ? NULL : store_text(st, 4));
            json_array_append_new(agenda, o);
        }
        store_done(st);
        if (e) goto cleanup;
    }
    if ((e = store_prepare(s, participants_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        static const char *const cols[] = {"id",  "name",     "organisation", "country",
                                           "sex", "position", "email"};
        json_t *o = json_object();
        store_texts_to_json(st, o, cols, 7, 0);
        json_object_set_new(o, "attended", json_boolean(store_int(st, 7)));
        json_set_str(o, "certificate_no", store_is_null(st, 8) ? NULL : store_text(st, 8));
        add_to(figures, "participants", 1);
        const char *sex = json_str(o, "sex");
        add_to(figures,
               !sex                ? "other"
               : !strcmp(sex, "F") ? "female"
               : !strcmp(sex, "M") ? "male"
                                   : "other",
               1);
        if (store_int(st, 7)) add_to(figures, "attended", 1);
        if (json_str(o, "country")) add_to(countries, json_str(o, "country"), 1);
        json_array_append_new(people, o);
    }
    store_done(st);
    if (e) goto cleanup;
    if ((e = store_prepare(s, evaluations_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row) {
        json_t *answers = json_loads(store_text(st, 0), 0, NULL);
        const char *key;
        json_t *v;
        responses++;
        json_object_foreach(answers, key, v) {
            if (json_is_string(v)) {
                json_array_append(comments, v);
                continue;
            }
            json_t *q = json_object_get(questions, key);
            if (!q) {
                q = json_pack("{s:i,s:i}", "n", 0, "sum", 0);
                json_object_set_new(questions, key, q);
            }
            add_to(q, "n", 1);
            add_to(q, "sum", json_integer_value(v));
            json_object_set_new(q, "mean",
                                json_real((double)json_integer_value(json_object_get(q, "sum")) /
                                          (double)json_integer_value(json_object_get(q, "n"))));
        }
        json_decref(answers);
    }
    store_done(st);
    if (e) goto cleanup;
    json_object_set(figures, "countries", countries);
    json_object_set(t, "figures", figures);
    if (full) {
        json_object_set(t, "agenda", agenda);
        json_object_set(t, "participants", people);
        json_object_set_new(t, "evaluation",
                            json_pack("{s:I,s:O,s:O}", "responses", responses, "questions",
                                      questions, "comments", comments));
    }
cleanup:
    json_decref(agenda);
    json_decref(people);
    json_decref(countries);
    json_decref(figures);
    json_decref(questions);
    json_decref(comments);
    return e;
}

herr *sessions_training_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *t = NULL;
    herr *e = may_read(a);
    if (!e) e = training_row(s, id, &t);
    if (!e) e = parts(s, t, true);
    if (e) {
        json_decref(t);
        return e;
    }
    *out = t;
    return NULL;
}

static const char list_sql[] =
    "SELECT id, title, kind, starts_on, ends_on, venue, site_id, organiser, language,"
    " description, certificate_text, by_name, created_at, updated_at, COUNT(*) OVER ()"
    " FROM trainings WHERE (:from IS NULL OR starts_on >= :from) AND (:to IS NULL OR"
    " starts_on <= :to) ORDER BY starts_on DESC, id DESC LIMIT :limit OFFSET :offset";

herr *sessions_training_list(store *s, const actor *a, const char *from_in, const char *to_in,
                             int limit, int offset, json_t **out) {
    char from[CLOCK_DATE_LEN], to[CLOCK_DATE_LEN];
    store_stmt *st = NULL;
    json_t *items = json_array();
    int64_t total = 0;
    bool row;
    herr *e = may_read(a);
    if (!e) e = check_date_text("from", from_in, false, from);
    if (!e) e = check_date_text("to", to_in, false, to);
    if (e) goto cleanup;
    if (limit <= 0) limit = 100;
    if ((e = store_prepare(s, list_sql, &st))) goto cleanup;
    store_bind_text(st, ":from", from[0] ? from : NULL);
    store_bind_text(st, ":to", to[0] ? to : NULL);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", offset);
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, training_json(st));
        total = store_int(st, 14);
    }
    store_done(st);
    if (e) goto cleanup;
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t) {
        if ((e = parts(s, t, false))) goto cleanup;
    }
    *out = json_pack("{s:I,s:O}", "total", (json_int_t)total, "items", items);
cleanup:
    json_decref(items);
    return e;
}

/* Runs one write of a part inside a transaction with its audit entry. */
typedef herr *(*part_write)(store *s, const actor *a, const char *training_id, const json_t *in,
                            const char *id);

static herr *in_transaction(store *s, const actor *a, const char *training_id, const json_t *in,
                            const char *id, part_write fn, const char *action, json_t **out) {
    json_t *t = NULL;
    herr *e = may_write(a);
    if (!e) e = training_row(s, training_id, &t);
    json_decref(t);
    if (e) return e;
    if ((e = store_begin(s))) return e;
    if ((e = fn(s, a, training_id, in, id))) goto rollback;
    json_t *detail = json_pack("{s:s}", "part_id", id);
    e = audit_record(s, a, action, "training", training_id, detail);
    json_decref(detail);
    if (e) goto rollback;
    if ((e = store_commit(s))) return e;
    return sessions_training_get(s, a, training_id, out);
rollback:
    store_rollback(s);
    return e;
}

static const json_field agenda_fields[] = {
    {"day", JF_STRING, true, 10},
    {"time", JF_STRING, true, 5},
    {"title", JF_STRING, true, 200},
    {"speaker", JF_STRING, false, 200},
};
static const char agenda_insert_sql[] =
    "INSERT INTO training_agenda (id, training_id, day, time, title, speaker)"
    " VALUES (:id, :training, :day, :time, :title, :speaker)";

static herr *write_agenda(store *s, const actor *a, const char *training_id, const json_t *in,
                          const char *id) {
    (void)a;
    store_stmt *st = NULL;
    herr *e = store_prepare(s, agenda_insert_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":training", training_id);
    store_bind_text(st, ":day", json_str(in, "day"));
    store_bind_text(st, ":time", json_str(in, "time"));
    store_bind_text(st, ":title", json_str(in, "title"));
    store_bind_text(st, ":speaker", json_str(in, "speaker"));
    return store_run_done(&st);
}

herr *sessions_training_agenda_add(store *s, const actor *a, const char *training_id,
                                   const json_t *in, json_t **out) {
    char id[ID_LEN], day[CLOCK_DATE_LEN] = "";
    json_t *t = NULL;
    herr *e = json_check(in, agenda_fields, 4);
    if (!e) e = check_date(in, "day", true, day);
    if (!e) e = check_not_blank(in, "title", true);
    const char *time = json_str(in, "time");
    if (!e &&
        (strlen(time) != 5 || !isdigit((unsigned char)time[0]) ||
         !isdigit((unsigned char)time[1]) || time[2] != ':' || !isdigit((unsigned char)time[3]) ||
         !isdigit((unsigned char)time[4]) || atoi(time) > 23 || atoi(time + 3) > 59))
        e = err_invalid("time", "time must be HH:MM");
    if (!e) e = training_row(s, training_id, &t);
    if (!e &&
        (strcmp(day, json_str(t, "starts_on")) < 0 || strcmp(day, json_str(t, "ends_on")) > 0))
        e = err_invalid("day", "the day is not within the training's dates");
    json_decref(t);
    if (e) return e;
    id_new(id);
    return in_transaction(s, a, training_id, in, id, write_agenda, "agenda_add", out);
}

static const char agenda_delete_sql[] =
    "DELETE FROM training_agenda WHERE id = :id AND training_id = :training";

static herr *delete_agenda(store *s, const actor *a, const char *training_id, const json_t *in,
                           const char *id) {
    (void)a;
    (void)in;
    store_stmt *st = NULL;
    herr *e = store_prepare(s, agenda_delete_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":training", training_id);
    if ((e = store_run_done(&st))) return e;
    return store_changes(s) ? NULL : err_new(ERR_NOT_FOUND, "id", "no agenda item %s", id);
}

herr *sessions_training_agenda_remove(store *s, const actor *a, const char *training_id,
                                      const char *item_id, json_t **out) {
    return in_transaction(s, a, training_id, NULL, item_id, delete_agenda, "agenda_remove", out);
}

static const json_field participant_fields[] = {
    {"name", JF_STRING, false, 120},     {"organisation", JF_STRING, false, 200},
    {"country", JF_STRING, false, 16},   {"sex", JF_STRING, false, 1},
    {"position", JF_STRING, false, 120}, {"email", JF_STRING, false, 200},
    {"attended", JF_BOOL, false, 0},
};

static herr *check_participant(const json_t *in, bool creating) {
    herr *e = json_check(in, participant_fields,
                         sizeof participant_fields / sizeof participant_fields[0]);
    if (!e) e = check_not_blank(in, "name", creating);
    if (!e) e = check_not_blank(in, "organisation", creating);
    if (!e && json_str(in, "sex")) e = check_code("sex", json_str(in, "sex"), sexes);
    if (!e && json_str(in, "country") && !codes_country_valid(json_str(in, "country")))
        e = err_invalid("country", "country must be an ISO 3166 code such as BA");
    if (!e && json_str(in, "email") && !strchr(json_str(in, "email"), '@'))
        e = err_invalid("email", "email must be an e-mail address");
    return e;
}

static const char participant_insert_sql[] =
    "INSERT INTO training_participants (id, training_id, name, organisation, country, sex,"
    " position, email, attended, created_at) VALUES (:id, :training, :name, :organisation,"
    " :country, :sex, :position, :email, :attended, :now)";
static const char participant_update_sql[] =
    "UPDATE training_participants SET name = COALESCE(:name, name),"
    " organisation = COALESCE(:organisation, organisation), country = COALESCE(:country, country),"
    " sex = COALESCE(:sex, sex), position = COALESCE(:position, position),"
    " email = COALESCE(:email, email), attended = COALESCE(:attended, attended)"
    " WHERE id = :id AND training_id = :training";

static herr *write_participant(store *s, const actor *a, const char *training_id, const json_t *in,
                               const char *id, bool creating) {
    (void)a;
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, creating ? participant_insert_sql : participant_update_sql, &st);
    if (e) return e;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":training", training_id);
    static const char *const cols[] = {"name", "organisation", "country",
                                       "sex",  "position",     "email"};
    for (int i = 0; i < 6; i++) {
        char param[32];
        snprintf(param, sizeof param, ":%s", cols[i]);
        store_bind_text(st, param, json_str(in, cols[i]));
    }
    json_t *att = json_object_get(in, "attended");
    if (att)
        store_bind_int(st, ":attended", json_is_true(att));
    else if (creating)
        store_bind_int(st, ":attended", 1);
    else
        store_bind_null(st, ":attended");
    if (creating) store_bind_text(st, ":now", now);
    if ((e = store_run_done(&st))) return e;
    return store_changes(s) ? NULL : err_new(ERR_NOT_FOUND, "id", "no participant %s", id);
}

static herr *insert_participant(store *s, const actor *a, const char *training_id, const json_t *in,
                                const char *id) {
    return write_participant(s, a, training_id, in, id, true);
}

static herr *update_participant(store *s, const actor *a, const char *training_id, const json_t *in,
                                const char *id) {
    return write_participant(s, a, training_id, in, id, false);
}

herr *sessions_participant_add(store *s, const actor *a, const char *training_id, const json_t *in,
                               json_t **out) {
    char id[ID_LEN];
    herr *e = check_participant(in, true);
    if (e) return e;
    id_new(id);
    return in_transaction(s, a, training_id, in, id, insert_participant, "participant_add", out);
}

herr *sessions_participant_update(store *s, const actor *a, const char *training_id,
                                  const char *participant_id, const json_t *in, json_t **out) {
    herr *e = check_participant(in, false);
    if (e) return e;
    return in_transaction(s, a, training_id, in, participant_id, update_participant,
                          "participant_update", out);
}

static const json_field evaluation_fields[] = {
    {"participant_id", JF_STRING, false, 40},
    {"answers", JF_OBJECT, true, 0},
};
static const char evaluation_insert_sql[] =
    "INSERT INTO training_evaluations (id, training_id, participant_id, answers, submitted_at)"
    " VALUES (:id, :training, :participant, :answers, :now)";
static const char participant_of_sql[] =
    "SELECT 1 FROM training_participants WHERE id = :id AND training_id = :training";

static herr *check_evaluation(store *s, const char *training_id, const json_t *in) {
    herr *e = json_check(in, evaluation_fields, 2);
    if (e) return e;
    json_t *form = sessions_evaluation_form();
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(in, "answers"), key, v) {
        char field[64];
        snprintf(field, sizeof field, "answers.%.40s", key);
        const char *type = NULL;
        size_t i;
        json_t *q;
        json_array_foreach(json_object_get(form, "questions"), i, q) {
            if (!strcmp(json_str(q, "id"), key)) type = json_str(q, "type");
        }
        bool ok =
            type &&
            (!strcmp(type, "rating")
                 ? json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 5
                 : json_is_string(v) && text_utf8_length(json_string_value(v)) <= 2000);
        if (!ok) {
            json_decref(form);
            return err_invalid(field, "%s is not an answer to that question", field);
        }
    }
    json_decref(form);
    const char *pid = json_str(in, "participant_id");
    if (!pid) return NULL;
    store_stmt *st = NULL;
    bool row = false;
    if ((e = store_prepare(s, participant_of_sql, &st))) return e;
    store_bind_text(st, ":id", pid);
    store_bind_text(st, ":training", training_id);
    e = store_step(st, &row);
    store_done(st);
    if (!e && !row) e = err_invalid("participant_id", "no participant %s in this training", pid);
    return e;
}

static herr *insert_evaluation(store *s, const actor *a, const char *training_id, const json_t *in,
                               const char *id) {
    (void)a;
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    char *answers = json_dumps(json_object_get(in, "answers"), JSON_COMPACT | JSON_SORT_KEYS);
    herr *e = store_prepare(s, evaluation_insert_sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        store_bind_text(st, ":training", training_id);
        store_bind_text(st, ":participant", json_str(in, "participant_id"));
        store_bind_text(st, ":answers", answers);
        store_bind_text(st, ":now", now);
        e = store_run_done(&st);
    }
    free(answers);
    if (e && e->code == ERR_CONFLICT) {
        err_free(e);
        e = err_new(ERR_CONFLICT, "participant_id", "this participant has already evaluated");
    }
    return e;
}

herr *sessions_evaluation_add(store *s, const actor *a, const char *training_id, const json_t *in,
                              json_t **out) {
    char id[ID_LEN];
    herr *e = check_evaluation(s, training_id, in);
    if (e) return e;
    id_new(id);
    return in_transaction(s, a, training_id, in, id, insert_evaluation, "evaluation", out);
}
