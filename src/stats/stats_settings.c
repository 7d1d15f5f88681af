/* Settings of the module: which administration this installation reports for, the
 * disclosure threshold and the jump factor of the validation. Stored values override
 * the catalogue's defaults. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/json.h"
#include "stats/stats_internal.h"

static const char get_sql[] = "SELECT key, value FROM stats_settings";
static const char put_sql[] =
    "INSERT INTO stats_settings (key, value, updated_at) VALUES (:key, :value, :at)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

herr *stats_conf_load(store *s, stats_conf *out) {
    const stats_cat *cat = stats_cat_get();
    memset(out, 0, sizeof *out);
    snprintf(out->ref_area, sizeof out->ref_area, "%s", cat->default_ref_area);
    out->threshold = cat->default_threshold;
    out->jump_factor = cat->default_jump_factor;
    out->jump_min = cat->default_jump_min;
    store_stmt *st = NULL;
    herr *e = store_prepare(s, get_sql, &st);
    if (e) return e;
    for (;;) {
        bool row;
        e = store_step(st, &row);
        if (e || !row) break;
        const char *key = store_text(st, 0), *value = store_text(st, 1);
        if (!strcmp(key, "ref_area") && stats_cat_ref_area_valid(cat, value))
            snprintf(out->ref_area, sizeof out->ref_area, "%s", value);
        else if (!strcmp(key, "disclosure_threshold"))
            out->threshold = atoi(value);
        else if (!strcmp(key, "jump_factor"))
            out->jump_factor = strtod(value, NULL);
        else if (!strcmp(key, "jump_min_value"))
            out->jump_min = atoi(value);
    }
    store_done(st);
    return e;
}

static json_t *conf_json(const stats_conf *c) {
    return json_pack("{s:s,s:i,s:f,s:i}", "ref_area", c->ref_area, "disclosure_threshold",
                     c->threshold, "jump_factor", c->jump_factor, "jump_min_value", c->jump_min);
}

herr *stats_settings_get(store *s, json_t **out) {
    stats_conf c;
    herr *e = stats_conf_load(s, &c);
    if (!e) *out = conf_json(&c);
    return e;
}

/* Checks every field before anything is written; fills the text to store per key. */
static herr *check_settings(const json_t *in, char values[4][32]) {
    static const char *const keys[] = {"ref_area", "disclosure_threshold", "jump_factor",
                                       "jump_min_value"};
    if (!json_is_object(in)) return err_invalid("body", "the settings must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) {
        int k = 0;
        while (k < 4 && strcmp(keys[k], key)) k++;
        if (k == 4) return err_invalid(key[0] ? key : "body", "unknown field \"%s\"", key);
    }
    for (int k = 0; k < 4; k++) {
        json_t *val = json_object_get(in, keys[k]);
        values[k][0] = '\0';
        if (!val) continue;
        if (k == 0) {
            if (!stats_cat_ref_area_valid(stats_cat_get(), json_string_value(val)))
                return err_with(
                    err_invalid("ref_area", "ref_area must be one of BA, RS, ME, MK, AL, XK"),
                    "one_of", (const char *)NULL);
            snprintf(values[k], 32, "%s", json_string_value(val));
        } else if (k == 2) {
            double f = json_is_number(val) ? json_number_value(val) : 0;
            if (!(f > 1 && f <= 1000 && isfinite(f)))
                return err_invalid("jump_factor", "jump_factor must be a number above 1");
            snprintf(values[k], 32, "%g", f);
        } else {
            json_int_t n = json_is_integer(val) ? json_integer_value(val) : -1;
            int lo = k == 1 ? 1 : 0, hi = k == 1 ? 100 : 1000000;
            if (n < lo || n > hi)
                return err_invalid(keys[k], "%s must be an integer from %d to %d", keys[k], lo, hi);
            snprintf(values[k], 32, "%lld", (long long)n);
        }
    }
    return NULL;
}

herr *stats_settings_set(store *s, const actor *a, const json_t *in, json_t **out) {
    static const char *const keys[] = {"ref_area", "disclosure_threshold", "jump_factor",
                                       "jump_min_value"};
    char values[4][32];
    store_stmt *st = NULL;
    herr *e = check_settings(in, values);
    if (e) return e;
    e = store_begin(s);
    if (e) return e;
    char at[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), at);
    json_t *changed = json_array();
    for (int k = 0; k < 4 && !e; k++) {
        if (!values[k][0]) continue;
        e = store_prepare(s, put_sql, &st);
        if (e) break;
        store_bind_text(st, ":key", keys[k]);
        store_bind_text(st, ":value", values[k]);
        store_bind_text(st, ":at", at);
        e = store_run_done(&st);
        json_array_append_new(changed, json_string(keys[k]));
    }
    json_t *detail = json_pack("{s:o}", "fields", changed);
    if (!e) e = audit_record(s, a, "update", "stats_settings", "stats", detail);
    json_decref(detail);
    if (!e) e = store_commit(s);
    if (e) {
        store_rollback(s);
        return e;
    }
    return stats_settings_get(s, out);
}
