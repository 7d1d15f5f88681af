/* Internal to src/stats: the parsed catalogue, periods, cell sets and cubes shared by
 * the module's files. Nothing here is part of the module's interface (stats.h). */
#ifndef HAVEN_STATS_INTERNAL_H
#define HAVEN_STATS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "stats/stats.h"

/* ---- catalogue ---------------------------------------------------------------------- */

enum { DIM_SITE, DIM_CITIZEN, DIM_SEX, DIM_AGE, DIM_COUNT };
#define DIMBIT(d) (1u << (d))

typedef enum { MEASURE_COUNT, MEASURE_STOCK_START, MEASURE_STOCK_END, MEASURE_MEAN } stats_measure;
typedef enum { DISC_SUPPRESS, DISC_ROUND5, DISC_FOLLOW_WEIGHT } stats_disclosure;
typedef enum {
    RULE_TOTALS,
    RULE_NON_NEGATIVE,
    RULE_JUMP,
    RULE_STOCK_FLOW,
    RULE_CONTINUITY,
    RULE_SUM_OF_INDICATORS,
    RULE_SAME_TOTAL,
    RULE_AT_MOST
} stats_rule_type;

/* Which figure of protection_period_breakdown a computed indicator is. */
typedef enum {
    FROM_REGISTRY, /* persons and stays (stats_compute.c) */
    FROM_SCREENINGS,
    FROM_PERSONS_SCREENED,
    FROM_PERSONS_WITH_RISKS,
    FROM_RISK, /* persons with any of the indicator's risk categories */
    FROM_REFERRALS,
    FROM_RETURNS_COUNSELLING, /* src/returns: individual counselling sessions */
    FROM_RETURNS_DEPARTURES,  /* src/returns: persons who departed, by destination */
    FROM_RETURNS_READMISSIONS /* src/returns: readmission requests, by citizenship */
} stats_source_figure;

/* True for the figures of protection_period_breakdown. */
#define STATS_FROM_PROTECTION(f) ((f) != FROM_REGISTRY && (f) < FROM_RETURNS_COUNSELLING)
/* True for the figures of returns_period_breakdown. */
#define STATS_FROM_RETURNS(f) ((f) >= FROM_RETURNS_COUNSELLING)

#define STATS_MAX_PARTS 8
#define STATS_MAX_CODES 8

typedef struct {
    const char *code, *title_en, *title_bs, *unit, *article, *basis, *reason;
    char periodicity; /* 'M', 'Q' or 'A': the shortest period it is reported for */
    bool computed;    /* source: computed from case data (else entered/imported) */
    stats_measure measure;
    stats_disclosure disclosure;
    unsigned dims;            /* DIMBIT(DIM_CITIZEN) ...; DIM_SITE when by site */
    int weight;               /* MEASURE_MEAN: index of the count behind the mean, else -1 */
    unsigned rules;           /* bit i: rule i of the catalogue applies */
    stats_source_figure from; /* computed: where from ("protection" in the catalogue) */
    json_t *risk_categories;  /* FROM_RISK: the questionnaire's categories (borrowed) */
} stats_indicator;

typedef struct {
    const char *id, *description;
    stats_rule_type type;
    bool warning;  /* severity warning (else error) */
    bool year_ago; /* RULE_JUMP: against a year ago (else the previous period) */
    int a, b;      /* stock_start/total/a, stock_end/limit/b: indicator indexes */
    int parts[STATS_MAX_PARTS], n_parts; /* inflows, or the parts */
    int minus[STATS_MAX_PARTS], n_minus; /* outflows */
} stats_rule;

typedef struct {
    const char *code;
    int min_age, max_age; /* age bands; -1 for UNK and TOTAL */
} stats_code;

typedef struct {
    json_t *root; /* owns every string below */
    const char *dataflow;
    const char *default_ref_area;
    int default_threshold, default_jump_min;
    double default_jump_factor;
    stats_indicator *ind;
    size_t n_ind;
    stats_rule *rules;
    size_t n_rules;
    stats_code sex[STATS_MAX_CODES], age[STATS_MAX_CODES];
    size_t n_sex, n_age; /* the total code is last */
    const char *ref_areas[STATS_MAX_CODES];
    size_t n_ref_areas;
} stats_cat;

/* The catalogue, parsed once (thread-safe); aborts if the embedded file is invalid. */
const stats_cat *stats_cat_get(void);

/* Index of an indicator by code, or -1. */
int stats_cat_indicator(const stats_cat *c, const char *code);

/* Position of a code in the SEX or AGE list, or -1. */
int stats_cat_sex(const stats_cat *c, const char *code);
int stats_cat_age(const stats_cat *c, const char *code);
bool stats_cat_ref_area_valid(const stats_cat *c, const char *code);

/* True for a CITIZEN code: ISO 3166 alpha-2 (upper case), XK, STLS, UNK, TOTAL. */
bool stats_citizen_valid(const char *code);

/* The total code of a dimension: "" for SITE, "TOTAL", "T", "TOTAL". */
const char *stats_total_code(int dim);

/* ---- periods ------------------------------------------------------------------------ */

typedef struct {
    char text[8];                    /* "2023-05", "2023-Q2", "2023" */
    char freq;                       /* 'M', 'Q', 'A' */
    int year, n;                     /* n: month 1-12, quarter 1-4, 0 for a year */
    char start_iso[21], end_iso[21]; /* [start, end) as "YYYY-MM-DDTHH:MM:SSZ" */
    char last_day[11];               /* the period's last day, "YYYY-MM-DD" */
} stats_period;

/* Parses a period; ERR_INVALID naming field on anything else (years 1900-2999). */
herr *stats_period_parse(const char *text, const char *field, stats_period *out);

/* The period `steps` periods of the same kind before p (1: previous; a year ago is
 * 12, 4 or 1 steps for months, quarters and years). */
void stats_period_back(const stats_period *p, int steps, stats_period *out);

/* True when an indicator of this periodicity may be reported for the period. */
bool stats_period_allows(const stats_period *p, char periodicity);

/* ---- cells and sets ----------------------------------------------------------------- */

typedef enum { CELL_VALUE, CELL_SUPPRESSED } cell_state;

typedef struct {
    int ind;                /* catalogue index */
    char key[DIM_COUNT][8]; /* site code ("" for the whole administration), citizen, sex, age */
    cell_state state;
    double value;  /* CELL_VALUE */
    double weight; /* means: the count behind the value (internal, not stored) */
    char obs[2];   /* OBS_STATUS: "A" or "R" */
    char conf[2];  /* CONF_STATUS: "F", "C", "D" */
    char source;   /* 'c' computed, 'e' entered, 'i' imported */
    int line;      /* imports: the line of the file it came from */
} stats_cell;

typedef struct {
    char ref_area[4];
    stats_period period;
    stats_cell *cells;
    size_t n, cap;
} stats_set;

void stats_set_init(stats_set *set, const char *ref_area, const stats_period *p);
void stats_set_free(stats_set *set);
stats_cell *stats_set_add(stats_set *set, int ind, const char *site, const char *citizen,
                          const char *sex, const char *age);
/* Sorts into the export order: indicator (catalogue order), site, citizen (TOTAL first,
 * ISO codes, STLS, UNK), sex and age in code-list order. */
void stats_set_sort(stats_set *set);
/* Compares two cells' keys in that order. */
int stats_cell_cmp(const stats_cell *x, const stats_cell *y);
/* The cell with that key in a sorted set, or NULL. */
stats_cell *stats_set_find(const stats_set *set, int ind, const char *site, const char *citizen,
                           const char *sex, const char *age);

/* Loads the stored cells of (ref_area, period); sorted. */
herr *stats_set_load(store *s, const char *ref_area, const stats_period *p, stats_set *out);

/* Inside the caller's transaction: deletes the stored cells of (ref_area, period) for
 * the indicators flagged in `which` (NULL: all indicators), then stores every cell of
 * set whose indicator is flagged. */
herr *stats_set_replace(store *s, const stats_set *set, const bool *which);

/* The local administration and the thresholds (settings over catalogue defaults). */
typedef struct {
    char ref_area[4];
    int threshold;
    double jump_factor;
    int jump_min;
} stats_conf;
herr *stats_conf_load(store *s, stats_conf *out);

/* ---- computing -------------------------------------------------------------------- */

/* The CITIZEN code of a recorded citizenship: ISO codes in upper case (whatever case
 * was stored), "stateless" STLS, anything else UNK. */
void stats_citizen_code(const char *recorded, char out[8]);

/* Position in the SEX list of a recorded sex: F, M, else (X, unknown) UNK. */
int stats_sex_index(const char *recorded);

/* Inside the caller's transaction: adds to set the complete tables of every indicator
 * computed from protection data (catalogue "protection") for the period, from
 * protection_period_breakdown. Fails as that does (ERR_CONFLICT without the key). */
herr *stats_protection_add(store *s, const stats_period *per, stats_set *set);

/* Inside the caller's transaction: adds the tables of the indicators computed from the
 * returns module (catalogue "returns") when the period ends after the module's first
 * record; for a period before it (or with no record at all) it adds nothing and clears
 * those indicators in which, so that figures entered by hand for earlier periods stay. */
herr *stats_returns_add(store *s, const stats_period *per, stats_set *set, bool *which);

/* NULL when figures of the returns indicator may be entered by hand for the period: it
 * ends before the returns module's first record. ERR_CONFLICT otherwise. */
herr *stats_returns_entry_allowed(store *s, const stats_indicator *in, const stats_period *per);

/* ---- cubes -------------------------------------------------------------------------- */

/* The cells of one indicator as a dense array over the codes present in each
 * dimension; the total code of each dimension, when present, is last. */
typedef struct {
    int ind;
    char (*codes[DIM_COUNT])[8];
    int n[DIM_COUNT];
    int total[DIM_COUNT]; /* index of the total code, or -1 */
    stats_cell **cell;    /* NULL where the set has no such cell */
    size_t size;
} stats_cube;

/* Builds the cube of indicator ind over the cells of set (which must stay alive and
 * unmoved while the cube is used). */
void stats_cube_build(stats_cube *cube, stats_set *set, int ind);
void stats_cube_free(stats_cube *cube);
size_t stats_cube_index(const stats_cube *cube, const int at[DIM_COUNT]);

/* Calls fn for every line of the cube: the cells that vary along one dimension with
 * the others fixed, parts first and the total last (members[n-1]); lines without a
 * total code are skipped. Stops at the first non-zero return and returns it. */
typedef int (*stats_line_fn)(const stats_cube *cube, int dim, stats_cell **members, int n,
                             void *ctx);
int stats_cube_lines(const stats_cube *cube, stats_line_fn fn, void *ctx);

/* Detail figures in, complete cube with every total and subtotal out. */
typedef struct {
    char key[DIM_COUNT][8]; /* detail codes; a dimension the indicator lacks: its total */
    double value;           /* counts; for means the sum */
    double weight;          /* for means: the count */
} stats_detail;

/* Adds to set the complete cube of indicator ind from detail figures: the codes
 * present in each of the indicator's dimensions plus the total, every combination
 * (zeros included; means only where the weight is positive). */
void stats_cube_fill(stats_set *set, int ind, const stats_detail *d, size_t n, char source);

/* ---- disclosure control and validation ------------------------------------------------ */

/* Applies disclosure control to every computed or entered cell of set, in place:
 * values below the threshold suppressed (C) with secondary suppression (D) until no
 * line has exactly one suppressed cell, or whole tables rounded to base 5 (R), per the
 * indicator's setting; means follow the suppression of their count. Imported cells
 * are left as they are (their sender applied disclosure control). */
void stats_disclose(stats_set *set, int threshold);

/* Checks a sorted cell set against the catalogue's rules, appending violations to the
 * array (the previous period and a year ago are loaded for jumps and continuity);
 * *checked counts the checks made. Fails only when the database does. */
herr *stats_check(store *s, const stats_set *set, const stats_conf *conf, json_t *violations,
                  int *checked);

/* The TOTALS rule alone (sums along every line of every additive indicator), with no
 * database: for imports. Appends violations; returns how many were found. */
int stats_check_totals(const stats_set *set, json_t *violations);

/* "TOTAL"-first citizen rank used in orderings. */
int stats_citizen_rank(const char *code);

/* ---- writers ---------------------------------------------------------------------------- */

herr *stats_write_csv(const stats_set *set, char **out, size_t *len);
herr *stats_write_json(const stats_set *set, char **out, size_t *len);
herr *stats_write_xlsx(const stats_set *set, char **out, size_t *len);

/* Number formatting shared by the writers: integers without decimals, means with one. */
void stats_format_value(const stats_cell *c, char *out, size_t size);

#endif
