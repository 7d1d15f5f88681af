/* Families: creating a household (registering its new members in the same step), its
 * members and their relations, and reading it with each member's own stay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "families/families.h"
#include "families/families_internal.h"
#include "registry/registry.h"

const char *const families_relations[] = {"head",    "spouse",   "child",          "parent",
                                          "sibling", "guardian", "other_relative", NULL};
static const char *const separations[] = {"unaccompanied", "separated", NULL};

#define MAX_MEMBERS 30

herr *fam_prefix(herr *e, const char *prefix) {
    if (!e || !prefix || !prefix[0]) return e;
    /* prefix + field, cut to the field's size (both are ASCII names). */
    char field[sizeof e->field];
    size_t np = strlen(prefix), nf = strlen(e->field), cap = sizeof field - 1;
    if (!nf && prefix[np - 1] == '.') np--; /* "members.0." alone names the member */
    if (np > cap) np = cap;
    memcpy(field, prefix, np);
    if (nf > cap - np) nf = cap - np;
    memcpy(field + np, e->field, nf);
    field[np + nf] = '\0';
    memcpy(e->field, field, np + nf + 1);
    return e;
}

bool families_birth_is_minor(const char *birth_date, int64_t at) {
    int y, m, d;
    if (!birth_date || !clock_parse_date(birth_date, &y, &m, &d)) return false;
    return at < clock_days_from_civil(y + 18, m, d) * 86400;
}

/* ---- reading ---------------------------------------------------------------------------- */

static const char family_sql[] =
    "SELECT id, site_id, name, note, created_at FROM families WHERE id = :id";
static const char members_sql[] =
    "SELECT person_id, relation, separation, guardian_person_id FROM family_members"
    " WHERE family_id = :id ORDER BY CASE relation WHEN 'head' THEN 0 WHEN 'spouse' THEN 1"
    " WHEN 'parent' THEN 2 WHEN 'child' THEN 3 ELSE 4 END, added_at, person_id";

herr *fam_load(store *s, const actor *a, const char *id, json_t **family, json_t **members) {
    store_stmt *st = NULL;
    json_t *f = NULL, *m = json_array();
    bool row = false;
    herr *e = NULL;
    if (!id || !id_is_valid(id)) {
        e = err_new(ERR_NOT_FOUND, "id", "no family with id %s", id ? id : "");
        goto cleanup;
    }
    if ((e = store_prepare(s, family_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    if ((e = store_step(st, &row))) goto cleanup;
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "id", "no family with id %s", id);
        goto cleanup;
    }
    f = json_pack("{s:s,s:s,s:s,s:s?,s:s}", "id", store_text(st, 0), "site_id", store_text(st, 1),
                  "name", store_text(st, 2), "note", store_text(st, 3), "created_at",
                  store_text(st, 4));
    store_done(st);
    if ((e = store_prepare(s, members_sql, &st))) goto cleanup;
    store_bind_text(st, ":id", id);
    while (!(e = store_step(st, &row)) && row)
        json_array_append_new(m, json_pack("{s:s,s:s,s:s?,s:s?}", "person_id", store_text(st, 0),
                                           "relation", store_text(st, 1), "separation",
                                           store_text(st, 2), "guardian_person_id",
                                           store_text(st, 3)));
    if (e) goto cleanup;
    bool visible = actor_has_site(a, json_str(f, "site_id"));
    size_t i;
    json_t *mem;
    json_array_foreach(m, i, mem) {
        if (visible) break;
        herr *v = registry_person_visible(s, a, json_str(mem, "person_id"));
        visible = v == NULL;
        err_free(v);
    }
    if (!visible) e = err_new(ERR_NOT_FOUND, "id", "no family with id %s", id);
cleanup:
    store_done(st);
    if (e) {
        json_decref(f);
        json_decref(m);
        return e;
    }
    *family = f;
    *members = m;
    return NULL;
}

static const char *const summary_keys[] = {"reg_no",      "given_name",  "family_name",
                                           "sex",         "birth_date",  "birth_date_precision",
                                           "citizenship", "native_name", NULL};

/* The member as families_get shows it, reading the person through the registry. */
static herr *member_view(store *s, const actor *a, const json_t *row, int64_t now, json_t **out) {
    json_t *p = NULL;
    json_t *o = json_deep_copy(row);
    herr *e = registry_person_get(s, a, json_str(row, "person_id"), &p);
    if (e && e->code == ERR_NOT_FOUND) {
        err_free(e);
        /* Another site's person: only that the family has such a member. */
        *out = json_pack("{s:b,s:s}", "visible", 0, "relation", json_str(row, "relation"));
        json_decref(o);
        return NULL;
    }
    if (e) {
        json_decref(o);
        return e;
    }
    json_t *summary = json_object();
    for (int i = 0; summary_keys[i]; i++) {
        json_t *v = json_object_get(p, summary_keys[i]);
        json_object_set(summary, summary_keys[i], v ? v : json_null());
    }
    const char *birth = json_str(p, "birth_date");
    json_object_set_new(o, "minor",
                        birth ? json_boolean(families_birth_is_minor(birth, now)) : json_null());
    json_object_set_new(o, "visible", json_true());
    json_object_set_new(o, "person", summary);
    json_t *stay = json_object_get(p, "current_stay");
    json_object_set(o, "current_stay", stay ? stay : json_null());
    json_decref(p);
    *out = o;
    return NULL;
}

herr *families_get(store *s, const actor *a, const char *id, json_t **out) {
    json_t *f = NULL, *rows = NULL, *members = json_array();
    herr *e = fam_load(s, a, id, &f, &rows);
    if (e) goto cleanup;
    int64_t now = clock_now();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *m = NULL;
        if ((e = member_view(s, a, row, now, &m))) goto cleanup;
        json_array_append_new(members, m);
    }
    json_object_set(f, "members", members);
cleanup:
    json_decref(rows);
    json_decref(members);
    if (e) {
        json_decref(f);
        return e;
    }
    *out = f;
    return NULL;
}

static const char family_of_sql[] = "SELECT family_id FROM family_members WHERE person_id = :id";

herr *families_family_of(store *s, const actor *a, const char *person_id, char family_id[ID_LEN],
                         bool *found) {
    store_stmt *st = NULL;
    bool row = false;
    family_id[0] = '\0';
    *found = false;
    herr *e = registry_person_visible(s, a, person_id);
    if (e) return e;
    if ((e = store_prepare(s, family_of_sql, &st))) return e;
    store_bind_text(st, ":id", person_id);
    if (!(e = store_step(st, &row)) && row) {
        snprintf(family_id, ID_LEN, "%s", store_text(st, 0));
        *found = true;
    }
    store_done(st);
    return e;
}

herr *families_of_person(store *s, const actor *a, const char *person_id, json_t **out) {
    char fid[ID_LEN];
    bool found = false;
    json_t *f = NULL;
    herr *e = families_family_of(s, a, person_id, fid, &found);
    if (e) return e;
    if (found && (e = families_get(s, a, fid, &f))) return e;
    *out = json_pack("{s:o}", "family", f ? f : json_null());
    return NULL;
}

herr *families_members(store *s, const actor *a, const char *family_id, families_member **out,
                       size_t *n) {
    json_t *f = NULL, *rows = NULL;
    *out = NULL;
    *n = 0;
    herr *e = fam_load(s, a, family_id, &f, &rows);
    if (e) return e;
    size_t count = json_array_size(rows), i;
    families_member *list = mem_alloc((count ? count : 1) * sizeof *list);
    memset(list, 0, (count ? count : 1) * sizeof *list);
    json_t *row;
    json_array_foreach(rows, i, row) {
        families_member *m = &list[i];
        snprintf(m->person_id, sizeof m->person_id, "%s", json_str(row, "person_id"));
        snprintf(m->relation, sizeof m->relation, "%s", json_str(row, "relation"));
        herr *v = families_person_is_minor(s, a, m->person_id, 0, &m->minor, &m->minor_known);
        m->visible = v == NULL;
        if (v && v->code != ERR_NOT_FOUND) {
            e = v;
            break;
        }
        err_free(v);
    }
    json_decref(f);
    json_decref(rows);
    if (e) {
        mem_free(list);
        return e;
    }
    *out = list;
    *n = count;
    return NULL;
}

herr *families_person_is_minor(store *s, const actor *a, const char *person_id, int64_t at,
                               bool *minor, bool *known) {
    json_t *p = NULL;
    *minor = *known = false;
    herr *e = registry_person_get(s, a, person_id, &p);
    if (e) return e;
    const char *birth = json_str(p, "birth_date");
    *known = birth != NULL;
    *minor = families_birth_is_minor(birth, at ? at : clock_now());
    json_decref(p);
    return NULL;
}

static const char list_sql[] = "SELECT f.id, f.site_id, f.name, f.created_at,"
                               " (SELECT COUNT(*) FROM family_members m WHERE m.family_id = f.id),"
                               " COUNT(*) OVER ()"
                               " FROM families f"
                               " WHERE (:site IS NULL OR f.site_id = :site)"
                               "  AND (:all = 1 OR instr(:scope, ',' || f.site_id || ',') > 0)"
                               "  AND (:q IS NULL OR lower(f.name) LIKE '%' || lower(:q) || '%')"
                               " ORDER BY f.created_at DESC, f.id LIMIT :limit OFFSET :offset";

herr *families_list(store *s, const actor *a, const families_query *q, json_t **out) {
    store_stmt *st = NULL;
    bool row = false;
    int limit = q->limit ? q->limit : 50;
    if (limit < 1 || limit > 200) return err_invalid("limit", "limit must be from 1 to 200");
    if (q->offset < 0)
        return err_with(err_invalid("offset", "offset must not be negative"), "wrong_type",
                        (const char *)NULL);
    if (q->site_id && !actor_has_site(a, q->site_id))
        return err_new(ERR_NOT_FOUND, "site", "no site with id %s among your sites", q->site_id);
    char *scope = mem_strdup(",");
    for (size_t i = 0; i < a->n_sites; i++) {
        char *next = mem_printf("%s%s,", scope, a->site_ids[i]);
        mem_free(scope);
        scope = next;
    }
    json_t *items = json_array();
    int64_t total = 0;
    herr *e = store_prepare(s, list_sql, &st);
    if (e) goto cleanup;
    store_bind_text(st, ":site", q->site_id);
    store_bind_int(st, ":all", a->all_sites);
    store_bind_text(st, ":scope", scope);
    store_bind_text(st, ":q", q->q);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    while (!(e = store_step(st, &row)) && row) {
        json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", store_text(st, 0),
                                               "site_id", store_text(st, 1), "name",
                                               store_text(st, 2), "created_at", store_text(st, 3),
                                               "members", (json_int_t)store_int(st, 4)));
        total = store_int(st, 5);
    }
cleanup:
    store_done(st);
    mem_free(scope);
    if (e) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:I,s:o}", "total", (json_int_t)total, "items", items);
    return NULL;
}

/* ---- members: checking ----------------------------------------------------------------- */

static const json_field member_fields[] = {
    {"person_id", JF_STRING, false, 40},
    {"person", JF_OBJECT, false, 0},
    {"relation", JF_STRING, true, 16},
    {"separation", JF_STRING, false, 16},
    {"guardian_person_id", JF_STRING, false, 40},
};

/* ERR_INVALID (field) unless the person is registered and visible. */
static herr *visible_person(store *s, const actor *a, const char *field, const char *id) {
    herr *e = check_id(field, id, true);
    if (e) return e;
    if ((e = registry_person_visible(s, a, id)) && e->code == ERR_NOT_FOUND) {
        err_free(e);
        return err_with(err_invalid(field, "no person with id %s among your sites", id),
                        "person_unknown", (const char *)NULL);
    }
    return e;
}

/* Checks a member before anything is written: the relation, who they are, the flags a
 * child may carry and the guardian. A member registered in the same step is checked by
 * the registry when it registers them (inside the same transaction). */
static herr *check_member(store *s, const actor *a, const json_t *m) {
    herr *e = json_check(m, member_fields, sizeof member_fields / sizeof member_fields[0]);
    if (e) return e;
    if ((e = check_code("relation", json_str(m, "relation"), families_relations))) return e;
    const char *sep = json_str(m, "separation"), *pid = json_str(m, "person_id");
    const char *guardian = json_str(m, "guardian_person_id");
    const json_t *reg = json_object_get(m, "person");
    if (sep && (e = check_code("separation", sep, separations))) return e;
    if (pid && json_is_object(reg))
        return err_invalid("person", "give either person_id or person (to register), not both");
    if (!pid && !json_is_object(reg))
        return err_with(err_invalid("person_id",
                                    "person_id (a registered person) or person (to register) "
                                    "is required"),
                        "required", (const char *)NULL);
    if (pid && (e = visible_person(s, a, "person_id", pid))) return e;
    if (guardian) {
        if (pid && !strcmp(guardian, pid))
            return err_with(
                err_invalid("guardian_person_id", "a person cannot be their own guardian"),
                "family_self_relation", (const char *)NULL);
        if ((e = visible_person(s, a, "guardian_person_id", guardian))) return e;
    }
    if (sep) {
        const char *birth = NULL;
        json_t *p = NULL;
        if (pid && !(e = registry_person_get(s, a, pid, &p))) birth = json_str(p, "birth_date");
        if (!pid) birth = json_str(reg, "birth_date");
        bool adult = !e && birth && !families_birth_is_minor(birth, clock_now());
        json_decref(p);
        if (e) return e;
        if (adult)
            return err_with(
                err_invalid("separation", "only a child under 18 is unaccompanied or separated"),
                "family_separation_adult", (const char *)NULL);
    }
    return NULL;
}

/* ---- members: writing (inside the caller's transaction) ---------------------------------- */

static const char in_family_sql[] = "SELECT family_id FROM family_members WHERE person_id = :id";
static const char head_sql[] =
    "SELECT person_id FROM family_members WHERE family_id = :id AND relation = 'head'";
static const char member_insert_sql[] =
    "INSERT INTO family_members (person_id, family_id, relation, separation, guardian_person_id,"
    " added_at) VALUES (:person, :family, :relation, :separation, :guardian, :now)";
static const char touch_sql[] = "UPDATE families SET updated_at = :now WHERE id = :id";

/* ERR_CONFLICT when the query (bound :id) finds a row. */
static herr *refuse_if_row(store *s, const char *sql, const char *id, herr *conflict) {
    store_stmt *st = NULL;
    bool row = false;
    herr *e = store_prepare(s, sql, &st);
    if (!e) {
        store_bind_text(st, ":id", id);
        e = store_step(st, &row);
    }
    store_done(st);
    if (!e && row) return conflict;
    err_free(conflict);
    return e;
}

static herr *touch(store *s, const char *family_id) {
    char now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    clock_format_iso(clock_now(), now);
    herr *e = store_prepare(s, touch_sql, &st);
    if (e) return e;
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", family_id);
    e = store_run_done(&st);
    store_done(st);
    return e;
}

/* Adds the checked member m to the family (registering them first when m has "person"),
 * appending {"person_id","reg_no","candidates"} of a new registration to registered. */
static herr *insert_member(store *s, const actor *a, const char *family_id, const char *site_id,
                           const json_t *m, const char *prefix, json_t *registered) {
    char pid[ID_LEN], now[CLOCK_ISO_LEN];
    store_stmt *st = NULL;
    herr *e = NULL;
    const json_t *reg = json_object_get(m, "person");
    if (json_is_object(reg)) {
        json_t *in = json_deep_copy(reg), *res = NULL;
        if (!json_str(in, "site_id")) json_object_set_new(in, "site_id", json_string(site_id));
        e = registry_person_register(s, a, in, &res);
        json_decref(in);
        if (e) {
            char p[64];
            snprintf(p, sizeof p, "%sperson.", prefix);
            return fam_prefix(e, p);
        }
        snprintf(pid, sizeof pid, "%s", json_str(res, "id"));
        json_array_append_new(registered, json_pack("{s:s,s:s,s:O}", "person_id", pid, "reg_no",
                                                    json_str(res, "reg_no"), "candidates",
                                                    json_object_get(res, "candidates")));
        json_decref(res);
    } else {
        snprintf(pid, sizeof pid, "%s", json_str(m, "person_id"));
    }
    const char *relation = json_str(m, "relation");
    const char *guardian = json_str(m, "guardian_person_id");
    if (guardian && !strcmp(guardian, pid))
        return fam_prefix(
            err_with(err_invalid("guardian_person_id", "a person cannot be their own guardian"),
                     "family_self_relation", (const char *)NULL),
            prefix);
    e = refuse_if_row(
        s, in_family_sql, pid,
        err_with(err_new(ERR_CONFLICT, "person_id", "person %s is already in a family", pid),
                 "family_member_taken", (const char *)NULL));
    if (!e && !strcmp(relation, "head"))
        e = refuse_if_row(
            s, head_sql, family_id,
            err_with(err_new(ERR_CONFLICT, "relation", "the family has a head already"),
                     "family_head_taken", (const char *)NULL));
    if (e) return fam_prefix(e, prefix);
    clock_format_iso(clock_now(), now);
    if ((e = store_prepare(s, member_insert_sql, &st))) return e;
    store_bind_text(st, ":person", pid);
    store_bind_text(st, ":family", family_id);
    store_bind_text(st, ":relation", relation);
    store_bind_text(st, ":separation", json_str(m, "separation"));
    store_bind_text(st, ":guardian", guardian);
    store_bind_text(st, ":now", now);
    e = store_run_done(&st);
    store_done(st);
    if (e) return e;
    json_t *detail = json_pack("{s:s,s:s,s:b}", "person_id", pid, "relation", relation,
                               "separation", json_str(m, "separation") != NULL);
    e = audit_record(s, a, "add_member", "family", family_id, detail);
    json_decref(detail);
    return e;
}

/* ---- families: writing ------------------------------------------------------------------ */

static const json_field family_fields[] = {
    {"site_id", JF_STRING, true, 40},
    {"name", JF_STRING, false, 120},
    {"note", JF_TEXT, false, 2000},
    {"members", JF_ARRAY, true, MAX_MEMBERS},
};

static const char family_insert_sql[] =
    "INSERT INTO families (id, site_id, name, note, created_at, created_by, updated_at)"
    " VALUES (:id, :site, :name, :note, :now, :by, :now)";

/* The name of a family with no name given: the head's family name, else the first
 * member's. Caller frees (mem_free); NULL when no family name is known. */
static char *default_name(store *s, const actor *a, const json_t *members) {
    size_t i;
    json_t *m;
    char *head = NULL, *first = NULL;
    json_array_foreach(members, i, m) {
        json_t *p = NULL;
        const char *fam = NULL;
        if (json_is_object(json_object_get(m, "person"))) {
            fam = json_str(json_object_get(m, "person"), "family_name");
        } else {
            herr *e = registry_person_get(s, a, json_str(m, "person_id"), &p);
            if (!e) fam = json_str(p, "family_name");
            err_free(e);
        }
        if (fam && !head && !strcmp(json_str(m, "relation"), "head")) head = mem_strdup(fam);
        if (fam && !first) first = mem_strdup(fam);
        json_decref(p);
    }
    if (head) {
        mem_free(first);
        return head;
    }
    return first;
}

herr *families_create(store *s, const actor *a, const json_t *in, json_t **out) {
    store_stmt *st = NULL;
    json_t *registered = json_array(), *f = NULL;
    char *name = NULL;
    char id[ID_LEN], now[CLOCK_ISO_LEN];
    herr *e = json_check(in, family_fields, sizeof family_fields / sizeof family_fields[0]);
    if (e) goto done;
    const char *site = json_str(in, "site_id");
    if (!actor_has_site(a, site)) {
        e = err_with(err_invalid("site_id", "no site with id %s among your sites", site),
                     "site_unknown", (const char *)NULL);
        goto done;
    }
    const json_t *members = json_object_get(in, "members");
    if (json_array_size(members) == 0) {
        e = err_invalid("members", "a family needs at least one member");
        goto done;
    }
    size_t i, heads = 0;
    json_t *m;
    json_array_foreach(members, i, m) {
        char prefix[40];
        snprintf(prefix, sizeof prefix, "members.%zu.", i);
        if (!json_is_object(m)) {
            e = err_invalid("members", "each member is an object");
            goto done;
        }
        if ((e = fam_prefix(check_member(s, a, m), prefix))) goto done;
        heads += !strcmp(json_str(m, "relation"), "head");
        const char *pid = json_str(m, "person_id");
        for (size_t k = 0; pid && k < i; k++)
            if (json_str(json_array_get(members, k), "person_id") &&
                !strcmp(json_str(json_array_get(members, k), "person_id"), pid)) {
                e = fam_prefix(err_invalid("person_id", "the person is listed twice"), prefix);
                goto done;
            }
    }
    if (heads > 1) {
        e = err_with(err_invalid("members", "a family has one head at most"), "family_head_taken",
                     (const char *)NULL);
        goto done;
    }
    if (json_str(in, "name")) {
        if ((e = check_not_blank(in, "name", false))) goto done;
        name = mem_strdup(json_str(in, "name"));
    } else {
        name = default_name(s, a, members);
    }
    id_new(id);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) goto done;
    if ((e = store_prepare(s, family_insert_sql, &st))) goto rollback;
    store_bind_text(st, ":id", id);
    store_bind_text(st, ":site", site);
    store_bind_text(st, ":name", name ? name : "family");
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":by", a->username);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail =
        json_pack("{s:s,s:I}", "site_id", site, "members", (json_int_t)json_array_size(members));
    e = audit_record(s, a, "create", "family", id, detail);
    json_decref(detail);
    if (e) goto rollback;
    json_array_foreach(members, i, m) {
        char prefix[40];
        snprintf(prefix, sizeof prefix, "members.%zu.", i);
        if ((e = insert_member(s, a, id, site, m, prefix, registered))) goto rollback;
    }
    if ((e = store_commit(s))) goto done;
    if ((e = families_get(s, a, id, &f))) goto done;
    json_object_set(f, "registered", registered);
    *out = f;
    goto done;
rollback:
    store_rollback(s);
done:
    store_done(st);
    json_decref(registered);
    mem_free(name);
    return e;
}

static const json_field update_fields[] = {
    {"name", JF_STRING, false, 120},
    {"note", JF_TEXT, false, 2000},
};
static const char update_sql[] =
    "UPDATE families SET name = COALESCE(:name, name), note = CASE WHEN :has_note = 1 THEN :note"
    " ELSE note END, updated_at = :now WHERE id = :id";

herr *families_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *f = NULL, *rows = NULL;
    store_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    herr *e = json_check(in, update_fields, sizeof update_fields / sizeof update_fields[0]);
    if (!e && json_has(in, "name")) {
        if (!json_str(in, "name")) return err_invalid("name", "a family keeps a name");
        e = check_not_blank(in, "name", true);
    }
    if (e) return e;
    if ((e = fam_load(s, a, id, &f, &rows))) return e;
    json_decref(f);
    json_decref(rows);
    clock_format_iso(clock_now(), now);
    if ((e = store_begin(s))) return e;
    if ((e = store_prepare(s, update_sql, &st))) goto rollback;
    store_bind_text(st, ":name", json_str(in, "name"));
    store_bind_int(st, ":has_note", json_has(in, "note"));
    store_bind_text(st, ":note", json_str(in, "note"));
    store_bind_text(st, ":now", now);
    store_bind_text(st, ":id", id);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    e = audit_record(s, a, "update", "family", id, detail);
    json_decref(detail);
    if (e || (e = store_commit(s))) goto rollback;
    return families_get(s, a, id, out);
rollback:
    store_done(st);
    store_rollback(s);
    return e;
}

herr *families_member_add(store *s, const actor *a, const char *id, const json_t *in,
                          json_t **out) {
    json_t *f = NULL, *rows = NULL, *registered = json_array();
    herr *e = fam_load(s, a, id, &f, &rows);
    if (e) goto done;
    if (json_array_size(rows) >= MAX_MEMBERS) {
        e = err_new(ERR_CONFLICT, "person_id", "a family has %d members at most", MAX_MEMBERS);
        goto done;
    }
    if ((e = check_member(s, a, in))) goto done;
    if ((e = store_begin(s))) goto done;
    if ((e = insert_member(s, a, id, json_str(f, "site_id"), in, "", registered)) ||
        (e = touch(s, id)) || (e = store_commit(s))) {
        store_rollback(s);
        goto done;
    }
    json_t *g = NULL;
    if ((e = families_get(s, a, id, &g))) goto done;
    json_object_set(g, "registered", registered);
    *out = g;
done:
    json_decref(f);
    json_decref(rows);
    json_decref(registered);
    return e;
}

static const json_field member_update_fields[] = {
    {"relation", JF_STRING, false, 16},
    {"separation", JF_STRING, false, 16},
    {"guardian_person_id", JF_STRING, false, 40},
};
static const char member_update_sql[] =
    "UPDATE family_members SET relation = :relation, separation = :separation,"
    " guardian_person_id = :guardian WHERE family_id = :family AND person_id = :person";
static const char member_delete_sql[] =
    "DELETE FROM family_members WHERE family_id = :family AND person_id = :person";

/* The member's row in rows, or NULL. */
static json_t *find_row(json_t *rows, const char *person_id) {
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (person_id && !strcmp(json_str(r, "person_id"), person_id)) return r;
    }
    return NULL;
}

herr *families_member_update(store *s, const actor *a, const char *id, const char *person_id,
                             const json_t *in, json_t **out) {
    json_t *f = NULL, *rows = NULL, *merged = NULL;
    store_stmt *st = NULL;
    herr *e = json_check(in, member_update_fields,
                         sizeof member_update_fields / sizeof member_update_fields[0]);
    if (e) return e;
    if ((e = fam_load(s, a, id, &f, &rows))) return e;
    json_t *row = find_row(rows, person_id);
    if (!row) {
        e = err_new(ERR_NOT_FOUND, "person_id", "no member %s in the family", person_id);
        goto done;
    }
    /* The member as it would be, checked as a new one would be. */
    merged = json_deep_copy(row);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) json_object_set(merged, key, v);
    if ((e = check_member(s, a, merged))) goto done;
    const char *relation = json_str(merged, "relation");
    if (!strcmp(relation, "head") && strcmp(json_str(row, "relation"), "head")) {
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            if (!strcmp(json_str(r, "relation"), "head")) {
                e = err_with(err_new(ERR_CONFLICT, "relation", "the family has a head already"),
                             "family_head_taken", (const char *)NULL);
                goto done;
            }
        }
    }
    if ((e = store_begin(s))) goto done;
    if ((e = store_prepare(s, member_update_sql, &st))) goto rollback;
    store_bind_text(st, ":relation", relation);
    store_bind_text(st, ":separation", json_str(merged, "separation"));
    store_bind_text(st, ":guardian", json_str(merged, "guardian_person_id"));
    store_bind_text(st, ":family", id);
    store_bind_text(st, ":person", person_id);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = check_field_names(in);
    json_object_set_new(detail, "person_id", json_string(person_id));
    e = audit_record(s, a, "update_member", "family", id, detail);
    json_decref(detail);
    if (e || (e = touch(s, id)) || (e = store_commit(s))) goto rollback;
    e = families_get(s, a, id, out);
    goto done;
rollback:
    store_rollback(s);
done:
    store_done(st);
    json_decref(f);
    json_decref(rows);
    json_decref(merged);
    return e;
}

herr *families_member_remove(store *s, const actor *a, const char *id, const char *person_id,
                             json_t **out) {
    json_t *f = NULL, *rows = NULL;
    store_stmt *st = NULL;
    herr *e = fam_load(s, a, id, &f, &rows);
    if (e) return e;
    if (!find_row(rows, person_id)) {
        e = err_new(ERR_NOT_FOUND, "person_id", "no member %s in the family", person_id);
        goto done;
    }
    if ((e = registry_person_visible(s, a, person_id))) goto done;
    if ((e = store_begin(s))) goto done;
    if ((e = store_prepare(s, member_delete_sql, &st))) goto rollback;
    store_bind_text(st, ":family", id);
    store_bind_text(st, ":person", person_id);
    if ((e = store_run_done(&st))) goto rollback;
    json_t *detail = json_pack("{s:s}", "person_id", person_id);
    e = audit_record(s, a, "remove_member", "family", id, detail);
    json_decref(detail);
    if (e || (e = touch(s, id)) || (e = store_commit(s))) goto rollback;
    e = families_get(s, a, id, out);
    goto done;
rollback:
    store_rollback(s);
done:
    store_done(st);
    json_decref(f);
    json_decref(rows);
    return e;
}
