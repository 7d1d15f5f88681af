/* The whole family at once: check-in, check-out and transfer as one action. Each member
 * keeps their own stay; the stays are written through the registry's header, inside one
 * transaction of this module, so that either every member moves or none does. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/check.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/mem.h"
#include "families/families.h"
#include "families/families_internal.h"
#include "registry/registry.h"

/* The members' profiles (registry_person_get), in family order. Every member must be
 * visible: a family action on people the actor may not see is refused. */
static herr *load_people(store *s, const actor *a, const char *id, json_t **family,
                         json_t **people) {
    json_t *rows = NULL, *list = json_array();
    herr *e = fam_load(s, a, id, family, &rows);
    if (e) {
        json_decref(list);
        return e;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *p = NULL;
        if ((e = registry_person_get(s, a, json_str(row, "person_id"), &p))) {
            if (e->code == ERR_NOT_FOUND) {
                err_free(e);
                e = err_with(err_new(ERR_CONFLICT, "id",
                                     "a member of the family is not at your sites: ask a "
                                     "supervisor of their site"),
                             "family_member_elsewhere", (const char *)NULL);
            }
            break;
        }
        json_array_append_new(list, p);
    }
    json_decref(rows);
    if (!e && json_array_size(list) == 0)
        e = err_new(ERR_CONFLICT, "id", "the family has no members");
    if (e) {
        json_decref(*family);
        *family = NULL;
        json_decref(list);
        return e;
    }
    *people = list;
    return NULL;
}

/* The answer of a family action: the family as it is now and the stays written. */
static herr *answer(store *s, const actor *a, const char *id, json_t *stays, json_t **out) {
    json_t *f = NULL;
    herr *e = families_get(s, a, id, &f);
    if (e) return e;
    *out = json_pack("{s:o,s:O}", "family", f, "stays", stays);
    return NULL;
}

static herr *audit_family(store *s, const actor *a, const char *action, const char *id,
                          const json_t *stays) {
    json_t *detail = json_pack("{s:I}", "members", (json_int_t)json_array_size(stays));
    herr *e = audit_record(s, a, action, "family", id, detail);
    json_decref(detail);
    return e;
}

static const json_field check_in_fields[] = {
    {"site_id", JF_STRING, true, 40},
    {"beds", JF_OBJECT, false, 0},
    {"checked_in_at", JF_STRING, false, 40},
};

herr *families_check_in(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *f = NULL, *people = NULL, *stays = json_array();
    herr *e = json_check(in, check_in_fields, sizeof check_in_fields / sizeof check_in_fields[0]);
    if (e) goto done;
    const char *site = json_str(in, "site_id");
    const json_t *beds = json_object_get(in, "beds");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)beds, key, v) {
        if (!json_is_string(v) || json_string_length(v) > 40) {
            e = err_invalid("beds", "each bed is a short text");
            goto done;
        }
    }
    if ((e = load_people(s, a, id, &f, &people))) goto done;
    json_object_foreach((json_t *)beds, key, v) {
        bool member = false;
        size_t i;
        json_t *p;
        json_array_foreach(people, i, p) member = member || !strcmp(json_str(p, "id"), key);
        if (!member) {
            e = err_invalid("beds", "%s is not a member of the family", key);
            goto done;
        }
    }
    if ((e = store_begin(s))) goto done;
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        json_t *cur = json_object_get(p, "current_stay");
        if (json_is_object(cur)) {
            if (!strcmp(json_str(cur, "site_id"), site)) continue; /* already here */
            e = err_with(err_new(ERR_CONFLICT, "site_id",
                                 "%s %s is checked in at another site: check the family out "
                                 "or transfer it",
                                 json_str(p, "given_name"), json_str(p, "family_name")),
                         "family_member_checked_in", (const char *)NULL);
            goto rollback;
        }
        json_t *req = json_pack("{s:s,s:s}", "person_id", json_str(p, "id"), "site_id", site);
        const char *bed = json_str(beds, json_str(p, "id"));
        if (bed && bed[0]) json_object_set_new(req, "bed", json_string(bed));
        if (json_str(in, "checked_in_at"))
            json_object_set(req, "checked_in_at", json_object_get(in, "checked_in_at"));
        json_t *stay = NULL;
        e = registry_stay_check_in(s, a, req, &stay);
        json_decref(req);
        if (e) goto rollback;
        json_array_append_new(stays, stay);
    }
    if (json_array_size(stays) == 0) {
        e = err_new(ERR_CONFLICT, "site_id", "every member is checked in here already");
        goto rollback;
    }
    if ((e = audit_family(s, a, "check_in", id, stays)) || (e = store_commit(s))) goto rollback;
    e = answer(s, a, id, stays, out);
    goto done;
rollback:
    store_rollback(s);
done:
    json_decref(f);
    json_decref(people);
    json_decref(stays);
    return e;
}

/* Checks every member out with the same reason (in: as registry_stay_check_out). */
static herr *check_out_all(store *s, const actor *a, json_t *people, const json_t *in,
                           json_t *stays) {
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        json_t *cur = json_object_get(p, "current_stay");
        if (!json_is_object(cur)) continue;
        json_t *stay = NULL;
        herr *e = registry_stay_check_out(s, a, json_str(cur, "id"), in, &stay);
        if (e) return e;
        json_array_append_new(stays, stay);
    }
    if (json_array_size(stays) == 0)
        return err_with(err_new(ERR_CONFLICT, "id", "no member of the family is checked in"),
                        "family_none_checked_in", (const char *)NULL);
    return NULL;
}

herr *families_check_out(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *f = NULL, *people = NULL, *stays = json_array();
    herr *e = NULL;
    if (!json_is_object(in)) {
        e = err_invalid("body", "a JSON object is expected");
        goto done;
    }
    if ((e = load_people(s, a, id, &f, &people))) goto done;
    if ((e = store_begin(s))) goto done;
    if ((e = check_out_all(s, a, people, in, stays)) ||
        (e = audit_family(s, a, "check_out", id, stays)) || (e = store_commit(s))) {
        store_rollback(s);
        goto done;
    }
    e = answer(s, a, id, stays, out);
done:
    json_decref(f);
    json_decref(people);
    json_decref(stays);
    return e;
}

static const json_field transfer_fields[] = {
    {"site_id", JF_STRING, true, 40},
    {"note", JF_TEXT, false, 1000},
    {"at", JF_STRING, false, 40},
};

herr *families_transfer(store *s, const actor *a, const char *id, const json_t *in, json_t **out) {
    json_t *f = NULL, *people = NULL, *stays = json_array(), *outs = json_array();
    json_t *check_out = NULL;
    char at[CLOCK_ISO_LEN];
    herr *e = json_check(in, transfer_fields, sizeof transfer_fields / sizeof transfer_fields[0]);
    if (!e) e = check_time(in, "at", clock_now(), 3600, at);
    if (e) goto done;
    const char *site = json_str(in, "site_id");
    if ((e = load_people(s, a, id, &f, &people))) goto done;
    size_t i;
    json_t *p;
    json_array_foreach(people, i, p) {
        json_t *cur = json_object_get(p, "current_stay");
        if (json_is_object(cur) && !strcmp(json_str(cur, "site_id"), site)) {
            e = err_invalid("site_id", "the family is at that site already");
            goto done;
        }
    }
    check_out = json_pack("{s:s,s:s}", "reason", "transferred", "checked_out_at", at);
    if (json_str(in, "note")) json_object_set(check_out, "note", json_object_get(in, "note"));
    if ((e = store_begin(s))) goto done;
    if ((e = check_out_all(s, a, people, check_out, outs))) goto rollback;
    json_array_foreach(people, i, p) {
        if (!json_is_object(json_object_get(p, "current_stay"))) continue;
        json_t *req = json_pack("{s:s,s:s,s:s}", "person_id", json_str(p, "id"), "site_id", site,
                                "checked_in_at", at);
        json_t *stay = NULL;
        e = registry_stay_check_in(s, a, req, &stay);
        json_decref(req);
        if (e) goto rollback;
        json_array_append_new(stays, stay);
    }
    if ((e = audit_family(s, a, "transfer", id, stays)) || (e = store_commit(s))) goto rollback;
    e = answer(s, a, id, stays, out);
    if (!e) json_object_set(*out, "checked_out", outs);
    goto done;
rollback:
    store_rollback(s);
done:
    json_decref(f);
    json_decref(people);
    json_decref(stays);
    json_decref(outs);
    json_decref(check_out);
    return e;
}
