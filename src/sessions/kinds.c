/* Session kinds and age groups, from data/ (read at each call: the files are small and
 * compiled into the binary). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/datafile.h"
#include "core/json.h"
#include "sessions/sessions.h"
#include "sessions/sessions_internal.h"

typedef struct {
    json_t *list;
    const char *owner;
} kinds_ctx;

static void add_kind(char *line, void *ctx) {
    kinds_ctx *k = ctx;
    char *f[6];
    if (datafile_split_tabs(line, f, 6) != 6) return;
    if (k->owner && strcmp(k->owner, f[1])) return;
    json_array_append_new(k->list,
                          json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", f[0], "owner", f[1],
                                    "permission", f[2], "en", f[3], "bs", f[4], "sr", f[5]));
}

json_t *sessions_kinds(const char *owner) {
    kinds_ctx k = {json_array(), owner};
    datafile_each_line("session_kinds.tsv", add_kind, &k);
    return k.list;
}

json_t *sess_kind_find(const char *code) {
    json_t *kinds = sessions_kinds(NULL), *found = NULL;
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k) {
        if (code && !strcmp(json_str(k, "code"), code)) {
            found = json_incref(k);
            break;
        }
    }
    json_decref(kinds);
    return found;
}

bool sessions_kind_valid(const char *code) {
    json_t *k = sess_kind_find(code);
    json_decref(k);
    return k != NULL;
}

herr *sess_check_kind_permission(const actor *a, const char *kind) {
    json_t *k = sess_kind_find(kind);
    herr *e = NULL;
    if (!k) return err_invalid("kind", "no session kind %s", kind ? kind : "(none)");
    /* The command line and the demo loader act as the system (no user id). */
    if (a->user_id[0] && !auth_allows(a->role, json_str(k, "permission")))
        e = err_new(ERR_FORBIDDEN, "kind", "your role (%s) may not record sessions of kind %s",
                    a->role, kind);
    json_decref(k);
    return e;
}

static void add_age(char *line, void *ctx) {
    char *f[6];
    if (datafile_split_tabs(line, f, 6) != 6) return;
    json_array_append_new(ctx,
                          json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "code", f[0], "min", atoi(f[1]),
                                    "max", atoi(f[2]), "en", f[3], "bs", f[4], "sr", f[5]));
}

json_t *sessions_age_groups(void) {
    json_t *list = json_array();
    datafile_each_line("session_age_groups.tsv", add_age, list);
    return list;
}

bool sess_age_group_valid(const char *code) {
    json_t *groups = sessions_age_groups();
    bool ok = false;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) ok = ok || (code && !strcmp(json_str(g, "code"), code));
    json_decref(groups);
    return ok;
}

void sessions_age_group_of(const char *birth_date, const char *on_date,
                           char out[SESSIONS_AGE_GROUP_LEN]) {
    int by, bm, bd, y, m, d;
    snprintf(out, SESSIONS_AGE_GROUP_LEN, "unknown");
    if (!birth_date || !on_date || !clock_parse_date(birth_date, &by, &bm, &bd) ||
        !clock_parse_date(on_date, &y, &m, &d))
        return;
    int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
    if (age < 0) return;
    json_t *groups = sessions_age_groups();
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        json_int_t lo = json_integer_value(json_object_get(g, "min"));
        json_int_t hi = json_integer_value(json_object_get(g, "max"));
        if (lo < 0 || age < lo || age > hi) continue;
        snprintf(out, SESSIONS_AGE_GROUP_LEN, "%s", json_str(g, "code"));
        break;
    }
    json_decref(groups);
}
