/* The indicator catalogue: data/stats_catalogue.json parsed once into stats_cat.
 *
 * The file is part of the binary, so a malformed catalogue is a build defect, not a
 * user error: it aborts at first use with the reason, and the unit tests load it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codes.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "stats/stats_internal.h"

/* Written once under pthread_once (catalogue_once), read-only afterwards. */
static stats_cat catalogue;
static pthread_once_t catalogue_once = PTHREAD_ONCE_INIT;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "haven: data/stats_catalogue.json: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

static const char *need_str(json_t *obj, const char *key, const char *where) {
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v) die("missing string", mem_printf("%s.%s", where, key)); /* leaks: aborting */
    return v;
}

static int find_rule(const stats_cat *c, const char *id) {
    for (size_t i = 0; i < c->n_rules; i++)
        if (!strcmp(c->rules[i].id, id)) return (int)i;
    return -1;
}

static void load_codes(json_t *list, stats_code *out, size_t *n, const char *name) {
    size_t i;
    json_t *item;
    if (!json_is_array(list) || json_array_size(list) > STATS_MAX_CODES) die("bad code list", name);
    json_array_foreach(list, i, item) {
        out[i].code = need_str(item, "code", name);
        json_t *min = json_object_get(item, "min"), *max = json_object_get(item, "max");
        out[i].min_age = min ? (int)json_integer_value(min) : -1;
        out[i].max_age = max ? (int)json_integer_value(max) : -1;
        bool total = json_is_true(json_object_get(item, "total"));
        if (total != (i + 1 == json_array_size(list))) die("the total code must be last", name);
    }
    *n = json_array_size(list);
}

static int indicator_ref(const stats_cat *c, json_t *obj, const char *key, const char *where) {
    const char *code = need_str(obj, key, where);
    int i = stats_cat_indicator(c, code);
    if (i < 0) die("unknown indicator in rule", code);
    return i;
}

static void load_indicator_list(const stats_cat *c, json_t *arr, int *out, int *n,
                                const char *where) {
    size_t i;
    json_t *item;
    if (!json_is_array(arr) || json_array_size(arr) > STATS_MAX_PARTS) die("bad list", where);
    json_array_foreach(arr, i, item) {
        int k = stats_cat_indicator(c, json_string_value(item));
        if (k < 0) die("unknown indicator in rule", where);
        out[i] = k;
    }
    *n = (int)json_array_size(arr);
}

static void load_rules(stats_cat *c, json_t *arr) {
    static const struct {
        const char *name;
        stats_rule_type type;
    } types[] = {{"totals", RULE_TOTALS},
                 {"non_negative", RULE_NON_NEGATIVE},
                 {"jump", RULE_JUMP},
                 {"stock_flow", RULE_STOCK_FLOW},
                 {"continuity", RULE_CONTINUITY},
                 {"sum_of_indicators", RULE_SUM_OF_INDICATORS},
                 {"same_total", RULE_SAME_TOTAL},
                 {"at_most", RULE_AT_MOST}};
    size_t i;
    json_t *r;
    if (!json_is_array(arr) || json_array_size(arr) > 32) die("bad rules", NULL);
    c->rules = mem_alloc(json_array_size(arr) * sizeof *c->rules);
    json_array_foreach(arr, i, r) {
        stats_rule *rule = &c->rules[i];
        rule->id = need_str(r, "id", "rules");
        rule->description = need_str(r, "en", rule->id);
        const char *type = need_str(r, "type", rule->id);
        size_t t = 0;
        while (t < sizeof types / sizeof types[0] && strcmp(types[t].name, type)) t++;
        if (t == sizeof types / sizeof types[0]) die("unknown rule type", type);
        rule->type = types[t].type;
        rule->warning = !strcmp(need_str(r, "severity", rule->id), "warning");
        rule->a = rule->b = -1;
        switch (rule->type) {
        case RULE_JUMP:
            rule->year_ago = !strcmp(need_str(r, "compare", rule->id), "year_ago");
            break;
        case RULE_STOCK_FLOW:
            load_indicator_list(c, json_object_get(r, "inflows"), rule->parts, &rule->n_parts,
                                rule->id);
            load_indicator_list(c, json_object_get(r, "outflows"), rule->minus, &rule->n_minus,
                                rule->id);
            rule->a = indicator_ref(c, r, "stock_start", rule->id);
            rule->b = indicator_ref(c, r, "stock_end", rule->id);
            break;
        case RULE_CONTINUITY:
            rule->a = indicator_ref(c, r, "stock_start", rule->id);
            rule->b = indicator_ref(c, r, "stock_end", rule->id);
            break;
        case RULE_SUM_OF_INDICATORS:
            rule->a = indicator_ref(c, r, "total", rule->id);
            load_indicator_list(c, json_object_get(r, "parts"), rule->parts, &rule->n_parts,
                                rule->id);
            break;
        case RULE_SAME_TOTAL:
            rule->a = indicator_ref(c, r, "a", rule->id);
            rule->b = indicator_ref(c, r, "b", rule->id);
            break;
        case RULE_AT_MOST: rule->b = indicator_ref(c, r, "limit", rule->id); break;
        default: break;
        }
        c->n_rules = i + 1;
    }
}

/* "protection": which figure of protection's breakdown a computed indicator is (none:
 * computed from persons and stays); "risk" names its "risk_categories". "returns": which
 * figure of the returns module's breakdown ("counselling", "departures" or
 * "readmissions"). */
static void load_source_figure(json_t *o, stats_indicator *ind) {
    static const struct {
        const char *name;
        stats_source_figure from;
    } figures[] = {{"screenings", FROM_SCREENINGS},
                   {"persons_screened", FROM_PERSONS_SCREENED},
                   {"persons_with_risks", FROM_PERSONS_WITH_RISKS},
                   {"risk", FROM_RISK},
                   {"referrals", FROM_REFERRALS}};
    const char *w = ind->code, *name = json_string_value(json_object_get(o, "protection"));
    const char *ret = json_string_value(json_object_get(o, "returns"));
    ind->from = FROM_REGISTRY;
    if (ret) {
        if (name) die("an indicator is computed from one module", w);
        if (!ind->computed || ind->measure != MEASURE_COUNT || (ind->dims & DIMBIT(DIM_SITE)))
            die("a returns figure is a computed count without sites", w);
        ind->from = !strcmp(ret, "counselling")  ? FROM_RETURNS_COUNSELLING
                    : !strcmp(ret, "departures") ? FROM_RETURNS_DEPARTURES
                    : !strcmp(ret, "readmissions")
                        ? FROM_RETURNS_READMISSIONS
                        : (die("unknown returns figure", w), FROM_REGISTRY);
        return;
    }
    if (!name) return;
    size_t f = 0;
    while (f < sizeof figures / sizeof figures[0] && strcmp(figures[f].name, name)) f++;
    if (f == sizeof figures / sizeof figures[0]) die("unknown protection figure", w);
    if (!ind->computed || ind->measure != MEASURE_COUNT || (ind->dims & DIMBIT(DIM_SITE)))
        die("a protection figure is a computed count without sites", w);
    ind->from = figures[f].from;
    ind->risk_categories = json_object_get(o, "risk_categories");
    if ((ind->from == FROM_RISK) != (json_array_size(ind->risk_categories) > 0))
        die("risk_categories go with \"protection\": \"risk\" only", w);
}

static void load_indicator(stats_cat *c, json_t *o, stats_indicator *ind) {
    ind->code = need_str(o, "code", "indicators");
    const char *w = ind->code;
    if (strlen(w) > 23) die("indicator code too long", w);
    json_t *title = json_object_get(o, "title");
    ind->title_en = need_str(title, "en", w);
    ind->title_bs = need_str(title, "bs", w);
    ind->unit = need_str(o, "unit", w);
    ind->article = json_string_value(json_object_get(o, "article"));
    ind->basis = need_str(o, "basis", w);
    ind->reason = json_string_value(json_object_get(o, "reason"));
    const char *per = need_str(o, "periodicity", w);
    ind->periodicity = !strcmp(per, "monthly")     ? 'M'
                       : !strcmp(per, "quarterly") ? 'Q'
                       : !strcmp(per, "annual")    ? 'A'
                                                   : 0;
    if (!ind->periodicity) die("bad periodicity", w);
    const char *src = need_str(o, "source", w);
    if (strcmp(src, "computed") && strcmp(src, "entered")) die("bad source", w);
    ind->computed = !strcmp(src, "computed");
    const char *m = need_str(o, "measure", w);
    ind->measure = !strcmp(m, "count")         ? MEASURE_COUNT
                   : !strcmp(m, "stock_start") ? MEASURE_STOCK_START
                   : !strcmp(m, "stock_end")   ? MEASURE_STOCK_END
                   : !strcmp(m, "mean")        ? MEASURE_MEAN
                                               : (die("bad measure", w), MEASURE_COUNT);
    const char *d = need_str(o, "disclosure", w);
    ind->disclosure = !strcmp(d, "suppress")        ? DISC_SUPPRESS
                      : !strcmp(d, "round5")        ? DISC_ROUND5
                      : !strcmp(d, "follow_weight") ? DISC_FOLLOW_WEIGHT
                                                    : (die("bad disclosure", w), DISC_SUPPRESS);
    ind->weight = -1;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(o, "dimensions"), i, item) {
        const char *dim = json_string_value(item);
        if (!dim) die("bad dimension", w);
        if (!strcmp(dim, "CITIZEN"))
            ind->dims |= DIMBIT(DIM_CITIZEN);
        else if (!strcmp(dim, "SEX"))
            ind->dims |= DIMBIT(DIM_SEX);
        else if (!strcmp(dim, "AGE"))
            ind->dims |= DIMBIT(DIM_AGE);
        else
            die("unknown dimension", dim);
    }
    if (json_is_true(json_object_get(o, "by_site"))) ind->dims |= DIMBIT(DIM_SITE);
    load_source_figure(o, ind);
    json_array_foreach(json_object_get(o, "rules"), i, item) {
        int r = find_rule(c, json_string_value(item) ? json_string_value(item) : "");
        if (r < 0) die("unknown rule", w);
        ind->rules |= 1u << r;
    }
}

static void load(void) {
    size_t len = 0;
    const char *text = embedded_find("stats_catalogue.json", &len);
    if (!text) die("not embedded", NULL);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) die("malformed", jerr.text);
    stats_cat *c = &catalogue;
    c->root = root;
    c->dataflow = need_str(root, "dataflow", "");
    json_t *def = json_object_get(root, "defaults");
    c->default_ref_area = need_str(def, "ref_area", "defaults");
    c->default_threshold = (int)json_integer_value(json_object_get(def, "disclosure_threshold"));
    c->default_jump_factor = json_number_value(json_object_get(def, "jump_factor"));
    c->default_jump_min = (int)json_integer_value(json_object_get(def, "jump_min_value"));
    json_t *lists = json_object_get(root, "codelists");
    load_codes(json_object_get(lists, "SEX"), c->sex, &c->n_sex, "SEX");
    load_codes(json_object_get(lists, "AGE"), c->age, &c->n_age, "AGE");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(lists, "REF_AREA"), i, item) {
        if (i >= STATS_MAX_CODES) die("too many REF_AREA codes", NULL);
        c->ref_areas[i] = need_str(item, "code", "REF_AREA");
        c->n_ref_areas = i + 1;
    }
    json_t *inds = json_object_get(root, "indicators");
    if (!json_is_array(inds) || json_array_size(inds) == 0) die("no indicators", NULL);
    c->ind = mem_alloc(json_array_size(inds) * sizeof *c->ind);
    /* Codes first, so that rules and weights may name any indicator. */
    json_array_foreach(inds, i, item) {
        c->ind[i].code = need_str(item, "code", "indicators");
        c->n_ind = i + 1;
    }
    load_rules(c, json_object_get(root, "rules"));
    json_array_foreach(inds, i, item) {
        memset(&c->ind[i], 0, sizeof c->ind[i]);
        load_indicator(c, item, &c->ind[i]);
    }
    json_array_foreach(inds, i, item) {
        const char *weight = json_string_value(json_object_get(item, "weight"));
        if (weight) c->ind[i].weight = stats_cat_indicator(c, weight);
        if ((c->ind[i].measure == MEASURE_MEAN) != (c->ind[i].weight >= 0))
            die("a mean needs a weight indicator", c->ind[i].code);
        if (stats_cat_indicator(c, c->ind[i].code) != (int)i)
            die("duplicate indicator", c->ind[i].code);
    }
    if (!stats_cat_ref_area_valid(c, c->default_ref_area)) die("bad default ref_area", NULL);
}

static void unload(void) {
    mem_free(catalogue.ind);
    mem_free(catalogue.rules);
    json_decref(catalogue.root);
}

static void load_once(void) {
    load();
    atexit(unload);
}

const stats_cat *stats_cat_get(void) {
    pthread_once(&catalogue_once, load_once);
    return &catalogue;
}

int stats_cat_indicator(const stats_cat *c, const char *code) {
    if (!code) return -1;
    for (size_t i = 0; i < c->n_ind; i++)
        if (c->ind[i].code && !strcmp(c->ind[i].code, code)) return (int)i;
    return -1;
}

static int code_index(const stats_code *list, size_t n, const char *code) {
    if (!code) return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].code, code)) return (int)i;
    return -1;
}

int stats_cat_sex(const stats_cat *c, const char *code) {
    return code_index(c->sex, c->n_sex, code);
}

int stats_cat_age(const stats_cat *c, const char *code) {
    return code_index(c->age, c->n_age, code);
}

bool stats_cat_ref_area_valid(const stats_cat *c, const char *code) {
    for (size_t i = 0; code && i < c->n_ref_areas; i++)
        if (!strcmp(c->ref_areas[i], code)) return true;
    return false;
}

bool stats_citizen_valid(const char *code) {
    if (!code) return false;
    if (!strcmp(code, "TOTAL") || !strcmp(code, "STLS") || !strcmp(code, "UNK")) return true;
    if (strlen(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z')
        return false;
    return codes_country_valid(code);
}

int stats_citizen_rank(const char *code) {
    if (!strcmp(code, "TOTAL")) return 0;
    if (!strcmp(code, "STLS")) return 2;
    if (!strcmp(code, "UNK")) return 3;
    return 1;
}

const char *stats_total_code(int dim) {
    switch (dim) {
    case DIM_SITE: return "";
    case DIM_SEX: return "T";
    default: return "TOTAL";
    }
}

herr *stats_catalogue_json(json_t **out) {
    *out = json_deep_copy(stats_cat_get()->root);
    return NULL;
}
