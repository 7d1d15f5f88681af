/* Demo outreach data, shaped like the 2023 report: mobile teams at about eighty
 * locations outside the centres in Una-Sana canton and Sarajevo (bus and train
 * stations, squats, border areas), a month of visits with people met mostly men from
 * Afghanistan, Morocco and Pakistan, transports to the centres, and a flow-monitoring
 * survey (data/outreach_flow_monitoring.json, written as a real .xlsx and imported)
 * with its responses. Everything goes through the module's own functions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/tempfile.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/json.h"
#include "core/mem.h"
#include "outreach/outreach.h"
#include "outreach/outreach_internal.h"
#include "registry/registry.h"

typedef struct {
    uint64_t state;
} rng;

static double unit(rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}
static int below(rng *r, int n) { return (int)(unit(r) * n); }

/* Municipalities with their centre and how many locations the teams know there. */
static const struct {
    const char *name;
    double lat, lon;
    int n;
    bool una_sana;
} places[] = {
    {"Bihać", 44.8169, 15.8708, 16, true},
    {"Velika Kladuša", 45.1842, 15.8056, 12, true},
    {"Cazin", 44.9669, 15.9431, 8, true},
    {"Bužim", 45.0536, 16.0331, 4, true},
    {"Bosanska Krupa", 44.8853, 16.1514, 5, true},
    {"Ključ", 44.5319, 16.7756, 4, true},
    {"Sanski Most", 44.7661, 16.6656, 4, true},
    {"Bosanski Petrovac", 44.5536, 16.3697, 3, true},
    {"Centar Sarajevo", 43.8594, 18.4214, 6, false},
    {"Novi Grad Sarajevo", 43.8469, 18.3453, 5, false},
    {"Ilidža", 43.8297, 18.3103, 5, false},
    {"Hadžići", 43.8222, 18.2017, 3, false},
    {"Novo Sarajevo", 43.8517, 18.3947, 3, false},
};

static const struct {
    const char *kind, *format;
} kinds[] = {
    {"squat", "Squat %s %d"},
    {"squat", "Old factory %s %d"},
    {"bus_station", "Bus station %s"},
    {"train_station", "Train station %s"},
    {"roadside", "Roadside %s km %d"},
    {"informal_camp", "Forest camp %s %d"},
    {"border_area", "Border area %s %d"},
};

static const struct {
    const char *code;
    int per_mille;
} nationalities[] = {{"AF", 420}, {"MA", 210}, {"PK", 90}, {"SY", 70}, {"BD", 60},
                     {"IQ", 40},  {"IR", 40},  {"IN", 30}, {"TR", 20}, {"DZ", 20}};

static const char *pick_nationality(rng *r) {
    int x = below(r, 1000);
    for (size_t i = 0; i < sizeof nationalities / sizeof nationalities[0]; i++) {
        if (x < nationalities[i].per_mille) return nationalities[i].code;
        x -= nationalities[i].per_mille;
    }
    return "AF";
}

typedef struct {
    store *s;
    actor a;
    rng r;
    char sites[4][ID_LEN]; /* USI, BLA, LIP, BOR */
    char (*locations)[ID_LEN];
    bool *una_sana, *active;
    int n_locations;
    int64_t now;
} demo;

static herr *find_sites(demo *d) {
    json_t *list = NULL;
    herr *e = registry_site_list(d->s, &d->a, &list);
    if (e) return e;
    static const char *const codes[] = {"USI", "BLA", "LIP", "BOR"};
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(list, "items"), i,
                       site) for (int k = 0; k < 4;
                                  k++) if (json_str(site, "code") &&
                                           !strcmp(json_str(site, "code"), codes[k]))
        snprintf(d->sites[k], ID_LEN, "%s", json_str(site, "id"));
    json_decref(list);
    for (int k = 0; k < 4; k++)
        if (!d->sites[k][0]) return err_new(ERR_CONFLICT, NULL, "the demo centres are missing");
    return NULL;
}

static herr *make_locations(demo *d) {
    int total = 0;
    for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) total += places[p].n;
    d->locations = mem_alloc((size_t)total * sizeof *d->locations);
    d->una_sana = mem_alloc((size_t)total * sizeof *d->una_sana);
    d->active = mem_alloc((size_t)total * sizeof *d->active);
    for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) {
        for (int i = 0; i < places[p].n; i++) {
            int k = i == 0 ? 2 : i == 1 && !places[p].una_sana ? 3 : below(&d->r, 7);
            if (!places[p].una_sana && !strcmp(kinds[k].kind, "border_area")) k = 0;
            char name[120];
            snprintf(name, sizeof name, kinds[k].format, places[p].name, i + 1);
            double lat = places[p].lat + (unit(&d->r) - 0.5) * (i < 2 ? 0.01 : 0.12);
            double lon = places[p].lon + (unit(&d->r) - 0.5) * (i < 2 ? 0.01 : 0.16);
            bool active = !(i > 2 && unit(&d->r) < 0.08);
            json_t *in = json_pack("{s:s,s:s,s:s,s:f,s:f,s:b}", "name", name, "kind", kinds[k].kind,
                                   "municipality", places[p].name, "latitude", lat, "longitude",
                                   lon, "active", active);
            json_t *out = NULL;
            bool replayed = false;
            herr *e = outreach_location_create(d->s, &d->a, in, &out, &replayed);
            json_decref(in);
            if (e) return e;
            snprintf(d->locations[d->n_locations], ID_LEN, "%s", json_str(out, "id"));
            d->una_sana[d->n_locations] = places[p].una_sana;
            d->active[d->n_locations++] = active;
            json_decref(out);
        }
    }
    return NULL;
}

/* One visit on day (days before now) to location i. */
static herr *one_visit(demo *d, int i, int day, json_t **transports) {
    char date[CLOCK_DATE_LEN];
    clock_format_date(d->now - (int64_t)day * 86400, date);
    json_t *people = json_array();
    int total = 0, groups = 1 + below(&d->r, 3);
    for (int g = 0; g < groups; g++) {
        const char *nat = pick_nationality(&d->r);
        bool dup = false;
        size_t k;
        json_t *p;
        json_array_foreach(people, k, p) if (!strcmp(json_str(p, "nationality"), nat)) dup = true;
        if (dup) continue;
        int men = 1 + below(&d->r, d->una_sana[i] ? 12 : 7);
        json_array_append_new(people, json_pack("{s:s,s:s,s:s,s:i}", "nationality", nat, "sex", "M",
                                                "age_group", "adult", "count", men));
        total += men;
        if (unit(&d->r) < 0.25) {
            int boys = 1 + below(&d->r, 4);
            json_array_append_new(people, json_pack("{s:s,s:s,s:s,s:i}", "nationality", nat, "sex",
                                                    "M", "age_group", "minor", "count", boys));
            total += boys;
        }
        if (unit(&d->r) < 0.12) {
            int women = 1 + below(&d->r, 3), girls = below(&d->r, 3);
            json_array_append_new(people, json_pack("{s:s,s:s,s:s,s:i}", "nationality", nat, "sex",
                                                    "F", "age_group", "adult", "count", women));
            total += women;
            if (girls) {
                json_array_append_new(people,
                                      json_pack("{s:s,s:s,s:s,s:i}", "nationality", nat, "sex", "F",
                                                "age_group", "minor", "count", girls));
                total += girls;
            }
        }
    }
    json_t *services =
        json_pack("{s:i,s:i,s:i}", "food", total, "water", total, "information", total / 2 + 1);
    if (unit(&d->r) < 0.5) json_object_set_new(services, "clothes", json_integer(total / 3 + 1));
    if (unit(&d->r) < 0.3)
        json_object_set_new(services, "first_aid", json_integer(1 + below(&d->r, 3)));
    if (unit(&d->r) < 0.15) json_object_set_new(services, "referral", json_integer(1));
    json_t *trans = json_array();
    if (unit(&d->r) < 0.3) {
        const char *site =
            d->sites[d->una_sana[i] ? (unit(&d->r) < 0.8 ? 2 : 3) : (unit(&d->r) < 0.6 ? 0 : 1)];
        json_array_append_new(trans, json_pack("{s:s,s:i}", "site_id", site, "people",
                                               1 + below(&d->r, total < 8 ? total : 8)));
    }
    json_t *in =
        json_pack("{s:s,s:s,s:[s,s],s:o,s:o,s:o}", "location_id", d->locations[i], "visited_on",
                  date, "team", "Mirza Delić", d->una_sana[i] ? "Ajla Hodžić" : "Tarik Mehić",
                  "people", people, "services", services, "transports", trans);
    json_t *out = NULL;
    bool replayed = false;
    herr *e = outreach_visit_create(d->s, &d->a, in, &out, &replayed);
    json_decref(in);
    if (!e && day > 1) json_array_extend(*transports, json_object_get(out, "transports"));
    json_decref(out);
    return e;
}

static herr *make_visits(demo *d) {
    json_t *transports = json_array();
    herr *e = NULL;
    for (int day = 30; day >= 0 && !e; day--)
        for (int v = 0, n = 2 + below(&d->r, 4); v < n && !e; v++) {
            /* The busy places (the first of each municipality) are visited most. */
            int i =
                unit(&d->r) < 0.5 ? below(&d->r, d->n_locations / 6) : below(&d->r, d->n_locations);
            if (d->active[i]) e = one_visit(d, i, day, &transports);
        }
    size_t k;
    json_t *t;
    json_array_foreach(transports, k, t) {
        if (e || unit(&d->r) < 0.1) continue;
        int people = (int)json_integer_value(json_object_get(t, "people"));
        json_t *in = json_pack("{s:i}", "arrived", unit(&d->r) < 0.85 ? people : people - 1),
               *out = NULL;
        e = outreach_transport_arrival(d->s, &d->a, json_str(t, "id"), in, &out);
        json_decref(in);
        json_decref(out);
    }
    json_decref(transports);
    return e;
}

/* Writes the demo form's sheets as a real .xlsx with libxlsxwriter and reads it back. */
static herr *form_workbook(char **data, size_t *len) {
    size_t n = 0;
    const char *text = embedded_find("outreach_flow_monitoring.json", &n);
    json_t *sheets = text ? json_loadb(text, n, JSON_PRESERVE_ORDER, NULL) : NULL;
    if (!sheets)
        return err_new(ERR_INTERNAL, NULL, "data/outreach_flow_monitoring.json is missing");
    char *path = NULL;
    herr *e = NULL;
    int fd = tempfile_create("demo-form", &path);
    if (fd < 0) {
        e = err_new(ERR_IO, NULL, "cannot make a temporary file");
        goto cleanup;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    const char *name;
    json_t *rows;
    json_object_foreach(sheets, name, rows) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        size_t r, c;
        json_t *row, *v;
        json_array_foreach(rows, r, row) json_array_foreach(row, c, v) if (json_string_length(v))
            worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, json_string_value(v), NULL);
    }
    FILE *f = workbook_close(wb) == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
    if (!f) {
        e = err_new(ERR_IO, NULL, "cannot write the demo form");
    } else {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        rewind(f);
        *data = mem_alloc(size > 0 ? (size_t)size : 1);
        *len = size > 0 ? fread(*data, 1, (size_t)size, f) : 0;
        fclose(f);
    }
    unlink(path);
cleanup:
    mem_free(path);
    json_decref(sheets);
    return e;
}

static const char *const points[] = {"bihac_bus", "velika_kladusa", "izacic", "sarajevo_bus",
                                     "sarajevo_train"};
static const char *const needs[] = {"food",        "water",     "shelter", "medical",
                                    "information", "transport", "legal"};
static const char *const destinations[] = {"italy",   "italy",   "italy",  "slovenia", "austria",
                                           "germany", "germany", "france", "croatia",  "unknown"};

static herr *make_responses(demo *d, const char *form_id, int n) {
    herr *e = NULL;
    for (int i = 0; i < n && !e; i++) {
        int64_t at = d->now - (int64_t)(unit(&d->r) * 30 * 86400);
        clock_set_fake(at);
        char day[CLOCK_DATE_LEN];
        clock_format_date(at, day);
        json_t *data =
            json_pack("{s:s,s:s,s:s}", "today", day, "survey_point", points[below(&d->r, 5)],
                      "consent", unit(&d->r) < 0.9 ? "yes" : "no");
        if (!strcmp(json_str(data, "consent"), "yes")) {
            const char *nat = pick_nationality(&d->r);
            int group = unit(&d->r) < 0.4 ? 0 : 1 + below(&d->r, 6);
            json_object_set_new(data, "sex", json_string(unit(&d->r) < 0.93 ? "male" : "female"));
            json_object_set_new(data, "age",
                                json_integer(16 + (int)fmin(50, -log(1 - unit(&d->r)) * 9)));
            json_object_set_new(data, "nationality",
                                json_string(!strcmp(nat, "DZ") ? "other" : nat));
            json_object_set_new(data, "group_size", json_integer(group));
            if (group > 0) {
                bool kids = unit(&d->r) < 0.2;
                json_object_set_new(data, "with_children", json_string(kids ? "yes" : "no"));
                if (kids)
                    json_object_set_new(data, "children", json_integer(1 + below(&d->r, group)));
            }
            json_t *list = json_array();
            int first = below(&d->r, 7), second = below(&d->r, 7);
            json_array_append_new(list, json_string(needs[first]));
            if (second != first) json_array_append_new(list, json_string(needs[second]));
            json_object_set_new(data, "needs", list);
            json_object_set_new(data, "destination", json_string(destinations[below(&d->r, 10)]));
            json_object_set_new(data, "days_in_bih", json_integer(1 + below(&d->r, 40)));
        }
        json_t *in = json_pack("{s:o}", "data", data), *out = NULL;
        bool replayed = false;
        e = outreach_submission_create(d->s, &d->a, form_id, in, &out, &replayed);
        json_decref(in);
        json_decref(out);
    }
    clock_set_fake(0);
    return e;
}

herr *outreach_demo_load(store *s, unsigned long long seed) {
    demo d = {.s = s, .r = {seed ^ 0x07ea11ull}, .now = clock_now()};
    actor_system(&d.a, "demo");
    char *xlsx = NULL;
    size_t len = 0;
    json_t *form = NULL, *problems = NULL;
    herr *e = find_sites(&d);
    if (!e) e = make_locations(&d);
    if (!e) e = make_visits(&d);
    if (!e) e = form_workbook(&xlsx, &len);
    if (!e) e = outreach_form_import(s, &d.a, xlsx, len, &form, &problems);
    if (!e) e = make_responses(&d, json_str(form, "id"), 160);
    mem_free(xlsx);
    json_decref(form);
    json_decref(problems);
    mem_free(d.locations);
    mem_free(d.una_sana);
    mem_free(d.active);
    actor_clear(&d.a);
    return e;
}
