/* match: identity matching. Finds the same person across spellings, scripts and vague
 * birth dates ("Mohammad Hussaini" = "HUSAINI Muhamed" = "Мохамед Хусеини").
 *
 * A record is normalised once (ICU NFKC, case fold, name-aware transliteration of
 * Cyrillic and Arabic/Persian script, particles such as al-/abdul/bin joined) and given
 * a consonant skeleton per name ("mhmd", "hsIn") that survives vowel and
 * transliteration differences. Pairs are compared field by field into agreement
 * levels; a Fellegi-Sunter model whose m/u probabilities are estimated by EM from the
 * indexed records turns the levels into a score in [0,1] (the posterior probability
 * that the two records are the same person), with common names weighing less. Every
 * candidate carries reasons a registrar can read.
 *
 * The index is thread-safe: any number of threads may query while one adds, removes
 * or trains (a rwlock inside). See docs/match.md. */
#ifndef HAVEN_MATCH_MATCH_H
#define HAVEN_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

typedef enum {
    MATCH_DATE_UNKNOWN,
    MATCH_DATE_EXACT,
    MATCH_DATE_YEAR,
    MATCH_DATE_ESTIMATED
} match_date_precision;

/* An identity document as recorded: type ("passport", "national_id", ...), issuing
 * country (ISO 3166 alpha-2; NULL or "" = unknown) and number, already normalised
 * (upper-case, no spaces or dashes). */
typedef struct {
    const char *type, *country, *number;
} match_document;

#define MATCH_MAX_DOCUMENTS 4

/* One identity as recorded. Strings are UTF-8 in any script; NULL or "" = unknown.
 * native_name is the names in the person's own script: alone it stands for the names
 * (first word given, the rest family); beside Latin names it is compared too and the
 * reading that agrees best counts. */
typedef struct {
    const char *id, *given_name, *family_name, *native_name;
    char sex;                               /* 'M', 'F', 'X' or 0 ('X' and 0 = unknown) */
    int birth_year, birth_month, birth_day; /* 0 = unknown */
    match_date_precision precision;
    const char *citizenship; /* NULL or "" = unknown */
    /* Identity documents (the first MATCH_MAX_DOCUMENTS count). A number that agrees
     * on the same type and country is strong evidence for the same person; a different
     * number on a document of the same type and country strong evidence against. */
    const match_document *documents;
    size_t n_documents;
} match_record;

#define MATCH_MAX_REASONS 8

/* A possible earlier registration: score in [0,1], reasons in plain English and as
 * stable codes (for translation in the UI), most important first. */
typedef struct {
    char id[64];
    double score;
    size_t n_reasons;
    char reasons[MATCH_MAX_REASONS][96];
    char reason_codes[MATCH_MAX_REASONS][48];
} match_candidate;

typedef struct match_index match_index;

/* A new, empty index with the built-in prior model (used until match_index_train).
 * Caller frees it with match_index_free. Never fails today; returns herr for
 * symmetry with the rest of Haven. */
herr *match_index_new(match_index **out);

/* Frees the index and everything in it; NULL is fine. */
void match_index_free(match_index *ix);

/* Adds a record, replacing a record with the same id. ERR_INVALID when the id is
 * missing or longer than 63 bytes, when a name is not valid UTF-8, or when the date
 * or sex is impossible. The index copies what it needs; r may be freed after. */
herr *match_index_add(match_index *ix, const match_record *r);

/* Removes the record with this id; ERR_NOT_FOUND when there is none. */
herr *match_index_remove(match_index *ix, const char *id);

/* (Re)estimates the model's m/u probabilities and prior by EM over a random sample of
 * candidate pairs from the indexed records (bounded, so about a second at a million
 * records), and the default threshold from the fitted model. Queries go on meanwhile;
 * additions wait until the sample is drawn. With fewer than 50 records it keeps the
 * prior model (nothing to learn from). */
herr *match_index_train(match_index *ix);

/* Candidates for r among the indexed records with score >= threshold, best first, at
 * most max (0 = no limit); r's own id is excluded. *out is NULL when *n is 0,
 * otherwise the caller frees it with mem_free. ERR_INVALID as for match_index_add
 * (r->id may be NULL here). */
herr *match_index_query(match_index *ix, const match_record *r, double threshold, size_t max,
                        match_candidate **out, size_t *n);

/* ---- the registration desk ------------------------------------------------------- */

typedef struct {
    size_t total;     /* candidates found; at most max of them are returned */
    size_t namesakes; /* indexed records (r's own id aside) whose names agree with r's,
                         whatever their birth data */
} match_desk_counts;

/* The desk's question: which earlier records must a registrar check before registering
 * r again? Every indexed record whose names agree with r's (both names exact or
 * sounding alike, i.e. the same skeletons, straight or crossed, in Latin or native
 * script) and whose birth data is compatible (the same date or year, year-only against
 * a full date, day and month swapped or one of them differing, a year one apart or
 * mistyped, within two years when either year is an estimate, or unknown on either
 * side), however common the names; and besides them every record scoring at least
 * threshold with any names. Best score first, at most max (0 = all); r's own id is
 * excluded. *out as for match_index_query; counts (may be NULL) receives the totals.
 * Unlike match_index_query no crowded blocking list is skipped for the names. */
herr *match_index_desk(match_index *ix, const match_record *r, double threshold, size_t max,
                       match_candidate **out, size_t *n, match_desk_counts *counts);

/* The threshold that maximises the expected F1 under the fitted model (0.5 before
 * training). */
double match_default_threshold(const match_index *ix);

/* Number of records indexed. */
size_t match_index_size(const match_index *ix);

/* Bytes held by the index (records, names, blocking lists, tables). */
size_t match_index_memory(const match_index *ix);

/* Writes the fitted model (prior, m/u and weight per field level) as text, for
 * `--explain` and docs. */
void match_index_describe_model(const match_index *ix, FILE *f);

/* ---- batch deduplication --------------------------------------------------------- */

typedef struct {
    size_t a, b; /* indices into the input array, a < b */
    double score;
} match_pair;

typedef struct {
    double threshold; /* < 0: the model's default threshold after training */
    int threads;      /* 0: number of online CPUs */
    bool train;       /* estimate the model by EM first (normally true) */
    bool progress;    /* progress lines on stderr */
    bool cluster;     /* group by average linkage and report every pair inside a group
                         (normally true: one weak link cannot chain two people) */
} match_dedup_options;

/* Finds every pair of records in recs[0..n) with score >= threshold, using blocking and
 * the given number of threads (with opt->cluster, the pairs inside the groups found by
 * average linkage instead). Records with a NULL/empty id get their index as id.
 * *pairs (caller frees with mem_free) is sorted by (a, b). If ix_out is not NULL it
 * receives the trained index (ids "0".."n-1" when records had none), which the caller
 * frees; otherwise it is freed. *threshold_used reports the threshold (may be NULL).
 * Fails with ERR_INVALID naming the first bad record. */
herr *match_dedup(const match_record *recs, size_t n, const match_dedup_options *opt,
                  match_pair **pairs, size_t *n_pairs, double *threshold_used,
                  match_index **ix_out);

/* Scores one pair with the index's model, filling a candidate (id = b->id) with the
 * score and reasons. For explaining dedup output. */
herr *match_index_explain(match_index *ix, const match_record *a, const match_record *b,
                          match_candidate *out);

/* ---- normalisation (exposed for search keys and tests) ---------------------------- */

/* The normalised form of a name: lower-case ASCII words, any script transliterated,
 * particles joined ("Abd al-Rahman" -> "abdrahman"). Caller frees *out (mem_free). */
herr *match_normalize_name(const char *name, char **out);

/* The consonant skeleton of a name ("Muhammad" and "Mehmed" -> "mhmd"). Caller frees
 * *out (mem_free). */
herr *match_phonetic_key(const char *name, char **out);

/* Jaro-Winkler similarity in [0,1] of two byte strings. */
double match_jaro_winkler(const char *a, const char *b);

/* Releases the shared ICU transliterators (for leak checkers at exit). */
void match_shutdown(void);

/* ---- CSV input (RFC 4180) --------------------------------------------------------- */

typedef struct match_csv match_csv;

/* Reads CSV from f (not closed by match_csv_free): UTF-8 with optional BOM, quoted
 * fields with embedded commas, quotes ("") and line breaks, LF or CRLF. */
herr *match_csv_open(FILE *f, match_csv **out);
void match_csv_free(match_csv *c);

/* Next row. Returns 1 with the fields (valid until the next call) and the line number
 * where the row starts, 0 at end of input, -1 for a malformed row (unterminated quote,
 * text after a closing quote, invalid UTF-8), with a message in why; the row is
 * skipped and reading may continue. */
int match_csv_next(match_csv *c, char ***fields, size_t *n, long *line, char *why, size_t why_size);

/* Records read from CSV with the columns of `haven match dedup` (found by name:
 * id, given_name, family_name required; sex, birth_date, citizenship, native_name
 * optional), owning their strings; lines[i] is the CSV line of recs[i]. */
typedef struct {
    match_record *recs;
    long *lines;
    size_t n, cap;
} match_record_set;

/* Told of each line that is skipped, with its number and the reason. */
typedef void (*match_skip_fn)(void *ctx, long line, const char *why);

/* Reads every row of f into set. A malformed row (bad quoting, invalid UTF-8, wrong
 * field count, no name, impossible date, bad sex, an id used before) is skipped, told
 * to skip (may be NULL) and counted in *skipped. ERR_INVALID (key csv_header) for a
 * missing or unusable header, (key too_many_records) past max_records (0: no limit). */
herr *match_records_read_csv(FILE *f, size_t max_records, match_record_set *set, match_skip_fn skip,
                             void *ctx, size_t *skipped);

/* A new zeroed record at the end of set, read from the given line. */
match_record *match_record_set_add(match_record_set *s, long line);

/* Frees the records and their strings and empties the set; NULL is fine. */
void match_record_set_free(match_record_set *s);

/* Parses "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" into year/month/day/precision (a
 * date of 1 January counts as year-only). False when it is not a real date or the year
 * is outside 1900..2100. */
bool match_parse_birth_date(const char *s, int *year, int *month, int *day,
                            match_date_precision *precision);

/* ---- synthetic data with known truth ---------------------------------------------- */

typedef struct {
    size_t n;
    match_record *recs; /* all strings owned by the data set */
    uint32_t *person;   /* true person of each record */
    size_t n_persons;
    char **birth_dates; /* as written to CSV ("" when missing) */
} match_demo;

/* Generates n records of people arriving in the Western Balkans (origin mix, names and
 * their frequencies from data/names_*.tsv and data/match_demo_origins.tsv, transliteration
 * variants, Cyrillic and Arabic script, swapped names, typos, year-only and swapped
 * dates, missing fields, several records per person). Deterministic for a seed.
 * Caller frees with match_demo_free. */
herr *match_demo_generate(size_t n, uint64_t seed, match_demo **out);
void match_demo_free(match_demo *d);

/* Writes DIR/people.csv (id,given_name,family_name,sex,birth_date,citizenship) and
 * DIR/truth.csv (id,person_id), creating DIR if needed. ERR_IO on failure. */
herr *match_demo_write(const match_demo *d, const char *dir);

/* ---- watch-list screening --------------------------------------------------------- */

/* One input record that is probably someone on the list: indices into the two arrays. */
typedef struct {
    size_t input, list;
    double score;
} match_hit;

typedef struct {
    double threshold; /* < 0: the fitted model's default threshold */
    int threads;      /* 0: number of online CPUs */
} match_screen_options;

/* For every input record, the list records it probably is (score >= threshold), sorted
 * by input then best score first. The model is fitted on list and input together (see
 * match_screen.c). *hits (caller frees with mem_free) is NULL when *n_hits is 0. With
 * ix_out, the caller receives the index for match_screen_explain and frees it.
 * ERR_INVALID naming the first bad record (which array, its position and id). */
herr *match_screen(const match_record *list, size_t n_list, const match_record *input,
                   size_t n_input, const match_screen_options *opt, match_hit **hits,
                   size_t *n_hits, double *threshold_used, match_index **ix_out);

/* Scores and explains one hit with the index match_screen returned. */
herr *match_screen_explain(match_index *ix, const match_record *input_rec, size_t input_index,
                           const match_record *list_rec, size_t list_index, match_candidate *out);

#endif
