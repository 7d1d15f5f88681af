/* The list of stays behind the dashboard's figures: arrivals of a period, departures
 * of a period, arrivals of one citizenship, people present. The filters are the same
 * day ranges the summary counts with (UTC days on checked_in_at and checked_out_at),
 * so that a figure and the total of the list behind it are always equal.
 *
 * A stay of a record that was merged into another belongs to the survivor: the row
 * shows the survivor's identity, and the citizenship filter applies to it (as the
 * summary's top citizenships do). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "registry/registry_internal.h"

#define STAY_LIST_FROM                                                                             \
    " FROM stays t JOIN sites s ON s.id = t.site_id"                                               \
    " JOIN persons r ON r.id = t.person_id"                                                        \
    " JOIN persons p ON p.id = COALESCE(r.merged_into, r.id)"                                      \
    " WHERE (:all = 1 OR :sites LIKE '%,' || t.site_id || ',%')"                                   \
    " AND (:site IS NULL OR t.site_id = :site)"                                                    \
    " AND (:in_start IS NULL OR t.checked_in_at >= :in_start)"                                     \
    " AND (:in_end IS NULL OR t.checked_in_at < :in_end)"                                          \
    " AND (:out_start IS NULL OR t.checked_out_at >= :out_start)"                                  \
    " AND (:out_end IS NULL OR t.checked_out_at < :out_end)"                                       \
    " AND (:citizenship IS NULL OR p.citizenship = :citizenship)"                                  \
    " AND (:open IS NULL OR (:open = 1 AND t.checked_out_at IS NULL)"                              \
    " OR (:open = 0 AND t.checked_out_at IS NOT NULL))"

static const char stay_list_sql[] =
    "SELECT " REGISTRY_STAY_COLUMNS ", s.name, " REGISTRY_PERSON_COLUMNS STAY_LIST_FROM
    " ORDER BY CASE WHEN :by_out = 1 THEN t.checked_out_at ELSE t.checked_in_at END DESC,"
    " t.id DESC LIMIT :limit OFFSET :offset";
static const char stay_count_sql[] = "SELECT COUNT(*)" STAY_LIST_FROM;

/* The filters turned into bound values: day ranges as [start, end) instants. */
typedef struct {
    char in_start[CLOCK_ISO_LEN], in_end[CLOCK_ISO_LEN];
    char out_start[CLOCK_ISO_LEN], out_end[CLOCK_ISO_LEN];
    char citizenship[16];
    bool has_in_start, has_in_end, has_out_start, has_out_end, has_citizenship;
} stay_filters;

/* Parses a day "YYYY-MM-DD" into the instant its UTC day starts (plus add_days). */
static herr *parse_day(const char *text, const char *field, int add_days, char out[CLOCK_ISO_LEN],
                       bool *set) {
    int y, m, d;
    if (!text) return NULL;
    if (strlen(text) != 10 || !clock_parse_date(text, &y, &m, &d))
        return err_with(err_invalid(field, "%s must be a date YYYY-MM-DD", field), "date_format",
                        (const char *)NULL);
    clock_format_iso((clock_days_from_civil(y, m, d) + add_days) * 86400, out);
    *set = true;
    return NULL;
}

static herr *parse_range(const char *from, const char *to, const char *from_field,
                         const char *to_field, char start[CLOCK_ISO_LEN], bool *has_start,
                         char end[CLOCK_ISO_LEN], bool *has_end) {
    herr *e = parse_day(from, from_field, 0, start, has_start);
    if (!e) e = parse_day(to, to_field, 1, end, has_end);
    /* Both are instants in the same format, so text order is time order. */
    if (!e && *has_start && *has_end && strcmp(start, end) >= 0)
        e = err_invalid(from_field, "%s must not be after %s", from_field, to_field);
    return e;
}

/* Citizenship as stored: alpha-2 codes upper case, "stateless"/"unknown" lower. */
static herr *parse_citizenship(const char *text, stay_filters *f) {
    if (!text) return NULL;
    size_t n = strlen(text);
    if (n >= sizeof f->citizenship) n = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        f->citizenship[i] = (char)(n == 2 ? toupper(c) : tolower(c));
    }
    f->citizenship[n] = '\0';
    if (!n || !codes_country_valid(f->citizenship))
        return err_invalid("citizenship", "citizenship must be an ISO 3166 alpha-2 code such as "
                                          "AF or SY, XK, \"stateless\" or \"unknown\"");
    f->has_citizenship = true;
    return NULL;
}

/* ERR_NOT_FOUND naming "site" unless the site exists and is the actor's. */
static herr *check_site(store *s, const actor *a, const char *site_id) {
    json_t *site = NULL;
    if (!site_id) return NULL;
    herr *e = registry_site_get(s, a, site_id, &site);
    json_decref(site);
    if (!e || e->code != ERR_NOT_FOUND) return e;
    err_free(e);
    return err_new(ERR_NOT_FOUND, "site", "no site with id %.100s", site_id);
}

static herr *parse_query(const registry_stay_query *q, stay_filters *f) {
    herr *e = NULL;
    if (q->limit < 0 || q->limit > 500) return err_invalid("limit", "limit must be from 1 to 500");
    if (q->offset < 0)
        return err_with(err_invalid("offset", "offset cannot be negative"), "wrong_type",
                        (const char *)NULL);
    if (q->open < REGISTRY_STAYS_ANY || q->open > REGISTRY_STAYS_CLOSED)
        return err_invalid("open", "open must be true or false");
    e = parse_range(q->arrived_from, q->arrived_to, "arrived_from", "arrived_to", f->in_start,
                    &f->has_in_start, f->in_end, &f->has_in_end);
    if (!e)
        e = parse_range(q->departed_from, q->departed_to, "departed_from", "departed_to",
                        f->out_start, &f->has_out_start, f->out_end, &f->has_out_end);
    if (!e) e = parse_citizenship(q->citizenship, f);
    return e;
}

static void bind_filters(store_stmt *st, const actor *a, const registry_stay_query *q,
                         const stay_filters *f, char **scope) {
    registry_bind_scope(st, a, scope);
    store_bind_text(st, ":site", q->site_id);
    store_bind_text(st, ":in_start", f->has_in_start ? f->in_start : NULL);
    store_bind_text(st, ":in_end", f->has_in_end ? f->in_end : NULL);
    store_bind_text(st, ":out_start", f->has_out_start ? f->out_start : NULL);
    store_bind_text(st, ":out_end", f->has_out_end ? f->out_end : NULL);
    store_bind_text(st, ":citizenship", f->has_citizenship ? f->citizenship : NULL);
    if (q->open == REGISTRY_STAYS_ANY)
        store_bind_null(st, ":open");
    else
        store_bind_int(st, ":open", q->open == REGISTRY_STAYS_OPEN ? 1 : 0);
}

static herr *count_stays(store *s, const actor *a, const registry_stay_query *q,
                         const stay_filters *f, int64_t *total) {
    store_stmt *st = NULL;
    char *scope = NULL;
    bool row;
    herr *e = store_prepare(s, stay_count_sql, &st);
    if (e) return e;
    bind_filters(st, a, q, f, &scope);
    e = store_step(st, &row);
    *total = !e && row ? store_int(st, 0) : 0;
    store_done(st);
    mem_free(scope);
    return e;
}

herr *registry_stay_list(store *s, const actor *a, const registry_stay_query *q, json_t **out) {
    stay_filters f = {0};
    store_stmt *st = NULL;
    char *scope = NULL;
    json_t *items = json_array();
    int64_t total = 0;
    int limit = q->limit ? q->limit : 100;
    herr *e = parse_query(q, &f);
    if (!e) e = check_site(s, a, q->site_id);
    if (!e) e = count_stays(s, a, q, &f, &total);
    if (e) goto cleanup;
    if ((e = store_prepare(s, stay_list_sql, &st))) goto cleanup;
    bind_filters(st, a, q, &f, &scope);
    store_bind_int(st, ":by_out", f.has_out_start || f.has_out_end ? 1 : 0);
    store_bind_int(st, ":limit", limit);
    store_bind_int(st, ":offset", q->offset);
    bool row;
    while (!(e = store_step(st, &row)) && row) {
        json_t *stay = registry_stay_row(st, 0);
        json_object_set_new(stay, "site_name", json_string(store_text(st, 8)));
        /* The person's 16 columns follow the 8 stay columns and the site name. */
        json_object_set_new(stay, "person", registry_person_row_at(st, 9));
        json_array_append_new(items, stay);
    }
    if (e) goto cleanup;
    *out = json_pack("{s:I,s:i,s:i,s:O}", "total", (json_int_t)total, "limit", limit, "offset",
                     q->offset, "items", items);
cleanup:
    store_done(st);
    mem_free(scope);
    json_decref(items);
    return e;
}
