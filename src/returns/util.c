/* The state table (data/return_states.tsv) and the checks every write of the module
 * repeats: the actor's permission, the person's site, the counsellor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/datafile.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "returns/returns.h"
#include "returns/returns_internal.h"

typedef struct {
    ret_state *out;
    int n;
} load_ctx;

static void add_state(char *line, void *ctx) {
    load_ctx *c = ctx;
    char *f[5];
    int nf = datafile_split_tabs(line, f, 5);
    if (nf < 3 || c->n >= RET_MAX_STATES) return;
    ret_state *st = &c->out[c->n++];
    memset(st, 0, sizeof *st);
    snprintf(st->state, sizeof st->state, "%s", f[0]);
    st->step = atoi(f[1]);
    st->overdue_days = atoi(f[2]);
    if (nf > 3) snprintf(st->required, sizeof st->required, "%s", f[3]);
    if (nf > 4) snprintf(st->optional, sizeof st->optional, "%s", f[4]);
}

int ret_states_load(ret_state out[RET_MAX_STATES]) {
    load_ctx c = {out, 0};
    datafile_each_line("return_states.tsv", add_state, &c);
    return c.n;
}

const ret_state *ret_state_find(const ret_state *states, int n, const char *name) {
    for (int i = 0; name && i < n; i++)
        if (!strcmp(states[i].state, name)) return &states[i];
    return NULL;
}

static int last_step(const ret_state *states, int n) {
    int last = 0;
    for (int i = 0; i < n; i++)
        if (states[i].step > last) last = states[i].step;
    return last;
}

static const ret_state *state_at_step(const ret_state *states, int n, int step) {
    for (int i = 0; i < n; i++)
        if (states[i].step == step) return &states[i];
    return NULL;
}

bool ret_state_closed(const ret_state *states, int n, const char *name) {
    const ret_state *st = ret_state_find(states, n, name);
    return !st || st->step == 0 || st->step == last_step(states, n);
}

herr *ret_transition_check(const ret_state *states, int n, const char *from, const char *to) {
    const ret_state *f = ret_state_find(states, n, from), *t = ret_state_find(states, n, to);
    if (!f || !t) return err_invalid("to", "no state %s", to ? to : "(none)");
    if (ret_state_closed(states, n, from))
        return err_with(
            err_new(ERR_CONFLICT, "to", "the case is closed (%s): it cannot move to %s", from, to),
            "returns_case_closed", "state", from, "to", to, (const char *)NULL);
    if (t->step == 0) return NULL; /* withdrawn or cancelled, from any open state */
    if (t->step <= f->step)
        return err_with(err_new(ERR_CONFLICT, "to", "a case in %s cannot go back to %s", from, to),
                        "returns_transition_back", "state", from, "to", to, (const char *)NULL);
    if (t->step > f->step + 1) {
        const ret_state *missing = state_at_step(states, n, f->step + 1);
        const char *m = missing ? missing->state : "?";
        return err_with(
            err_new(ERR_CONFLICT, "to", "%s is missing: a case in %s cannot go to %s", m, from, to),
            "returns_step_missing", "missing", m, "state", from, "to", to, (const char *)NULL);
    }
    return NULL;
}

json_t *ret_next_states(const ret_state *states, int n, const char *from) {
    json_t *next = json_array();
    if (ret_state_closed(states, n, from)) return next;
    const ret_state *f = ret_state_find(states, n, from);
    const ret_state *after = state_at_step(states, n, f->step + 1);
    if (after) json_array_append_new(next, json_string(after->state));
    for (int i = 0; i < n; i++)
        if (states[i].step == 0) json_array_append_new(next, json_string(states[i].state));
    return next;
}

static json_t *comma_list(const char *text) {
    json_t *list = json_array();
    char copy[96], *save = NULL;
    snprintf(copy, sizeof copy, "%s", text);
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        json_array_append_new(list, json_string(tok));
    return list;
}

json_t *returns_states(void) {
    ret_state states[RET_MAX_STATES];
    int n = ret_states_load(states);
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:s,s:i,s:i,s:o,s:o}", "state", states[i].state, "step",
                                        states[i].step, "overdue_days", states[i].overdue_days,
                                        "required", comma_list(states[i].required), "optional",
                                        comma_list(states[i].optional)));
    return list;
}

char *ret_scope(const actor *a) {
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    return scope;
}

herr *ret_require(const actor *a, const char *permission) {
    if (!a->user_id[0] || auth_allows(a->role, permission)) return NULL;
    return err_new(ERR_FORBIDDEN, NULL, "your role (%s) does not have %s", a->role, permission);
}

herr *ret_person_site(store *s, const actor *a, const char *field, const char *person_id,
                      const char *site_in, char site_out[ID_LEN], json_t **person) {
    json_t *p = NULL;
    if (person) *person = NULL;
    if (!person_id) return err_required(field);
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) {
        bool missing = e->code == ERR_NOT_FOUND;
        if (!missing) return e;
        err_free(e);
        return err_invalid(field, "no person with id %s among your people", person_id);
    }
    if (json_str(p, "merged_into")) {
        e = err_invalid(field, "person %s was merged into %s: use that record", person_id,
                        json_str(p, "merged_into"));
        goto cleanup;
    }
    const char *site = site_in;
    if (!site) {
        json_t *stay = json_object_get(p, "current_stay");
        site = json_is_object(stay) ? json_str(stay, "site_id") : NULL;
        if (!site || !actor_has_site(a, site)) site = json_str(p, "registration_site_id");
    }
    if (!site || !actor_has_site(a, site)) {
        e = err_with(
            err_invalid("site_id", "no site with id %s among your sites", site ? site : "(none)"),
            "site_unknown", (const char *)NULL);
        goto cleanup;
    }
    snprintf(site_out, ID_LEN, "%s", site);
    if (person) {
        *person = p;
        p = NULL;
    }
cleanup:
    json_decref(p);
    return e;
}

herr *ret_counsellor(store *s, const actor *a, const char *counsellor_in, bool fallback_actor,
                     char id_out[ID_LEN], char name_out[72]) {
    id_out[0] = name_out[0] = '\0';
    if (!counsellor_in) {
        if (a->user_id[0] && (fallback_actor || !strcmp(a->role, "counsellor"))) {
            snprintf(id_out, ID_LEN, "%s", a->user_id);
            snprintf(name_out, 72, "%s", a->username);
            /* The name people know the counsellor by, when the account has one. */
            json_t *u = NULL;
            herr *e = auth_user_get(s, a->user_id, &u);
            const char *shown = u ? json_str(u, "display_name") : NULL;
            if (shown && *shown) snprintf(name_out, 72, "%s", shown);
            err_free(e);
            json_decref(u);
        }
        return NULL;
    }
    json_t *u = NULL;
    herr *e = id_is_valid(counsellor_in) ? auth_user_get(s, counsellor_in, &u) : NULL;
    if (e || !u || !auth_allows(json_str(u, "role"), "returns.write") ||
        !json_is_true(json_object_get(u, "active"))) {
        err_free(e);
        json_decref(u);
        return err_invalid("counsellor_id", "no active counsellor with id %s", counsellor_in);
    }
    snprintf(id_out, ID_LEN, "%s", json_str(u, "id"));
    const char *name = json_str(u, "display_name");
    snprintf(name_out, 72, "%s", name && *name ? name : json_str(u, "username"));
    json_decref(u);
    return NULL;
}

bool ret_is_child(const char *birth_date, const char *day) {
    int by, bm, bd, y, m, d;
    if (!birth_date || !clock_parse_date(birth_date, &by, &bm, &bd)) return false;
    if (!day || !clock_parse_date(day, &y, &m, &d)) return false;
    int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
    return age < 18;
}
