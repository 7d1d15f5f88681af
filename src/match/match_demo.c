/* Synthetic arrivals with known truth, for `haven demo people`, tests and benchmarks.
 *
 * People are drawn by origin (data/match_demo_origins.tsv) with names and their frequencies
 * from data/names_<CC>.tsv; each person has a usual spelling of their names and then
 * arrives one or more times (most once, some up to ten times), each time registered
 * with the noise seen at reception desks: another transliteration (from the names
 * file's list of spellings, or a vowel/double-letter change), Cyrillic (typed with
 * data/demo_cyrillic.tsv) or Arabic script, given and family names swapped, a second
 * given name dropped, typos, capitals, year-only dates (YYYY-01-01), day and month
 * swapped, the year one off, missing fields, another citizenship. The matching engine
 * never reads these tables. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/embedded.h"
#include "core/mem.h"
#include "match/match.h"

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double runif(rng *r) { return (double)(rnext(r) >> 11) / 9007199254740992.0; }
static int rint_(rng *r, int n) { return (int)(rnext(r) % (uint64_t)n); }
static bool chance(rng *r, double p) { return runif(r) < p; }

typedef struct {
    char kind;
    char *name;
    double weight;
    char **variants;
    int n_variants;
    char *arabic;
} entry;

typedef struct {
    char code[4];
    double share, men;
    entry *e;
    int n;
    double wsum[3]; /* m, f, s */
} origin;

typedef struct {
    origin *o;
    int n_origins;
    char **cyr_from, **cyr_to;
    int n_cyr;
} tables;

/* ---- loading the data files ------------------------------------------------------- */

static char *next_line(const char **p) {
    if (!**p) return NULL;
    const char *s = *p, *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    *p = e ? e + 1 : s + n;
    return mem_strndup(s, n);
}

static int split_tabs(char *line, char **f, int max) {
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') *p = '\0', f[n++] = p + 1;
    return n;
}

static herr *load_names(origin *o, const char *file) {
    const char *text = embedded_find(file, NULL);
    if (!text) return err_new(ERR_INTERNAL, NULL, "data/%s is missing", file);
    char *line;
    while ((line = next_line(&text))) {
        char *f[5] = {0};
        int n = split_tabs(line, f, 5);
        if (line[0] != '#' && n >= 3 && strlen(f[0]) == 1) {
            o->e = mem_realloc(o->e, (size_t)(o->n + 1) * sizeof *o->e);
            entry *e = &o->e[o->n++];
            memset(e, 0, sizeof *e);
            e->kind = f[0][0];
            e->name = mem_strdup(f[1]);
            e->weight = atof(f[2]);
            if (n >= 4 && f[3][0]) {
                char *save = NULL;
                for (char *v = strtok_r(f[3], "|", &save); v; v = strtok_r(NULL, "|", &save)) {
                    e->variants =
                        mem_realloc(e->variants, (size_t)(e->n_variants + 1) * sizeof(char *));
                    e->variants[e->n_variants++] = mem_strdup(v);
                }
            }
            if (n >= 5 && f[4][0]) e->arabic = mem_strdup(f[4]);
            o->wsum[e->kind == 'm' ? 0 : e->kind == 'f' ? 1 : 2] += e->weight;
        }
        mem_free(line);
    }
    return NULL;
}

static void tables_free(tables *t) {
    for (int i = 0; i < t->n_origins; i++) {
        for (int k = 0; k < t->o[i].n; k++) {
            entry *e = &t->o[i].e[k];
            for (int v = 0; v < e->n_variants; v++) mem_free(e->variants[v]);
            mem_free(e->variants);
            mem_free(e->name);
            mem_free(e->arabic);
        }
        mem_free(t->o[i].e);
    }
    mem_free(t->o);
    for (int i = 0; i < t->n_cyr; i++) mem_free(t->cyr_from[i]), mem_free(t->cyr_to[i]);
    mem_free(t->cyr_from);
    mem_free(t->cyr_to);
}

static herr *tables_load(tables *t) {
    herr *e = NULL;
    memset(t, 0, sizeof *t);
    const char *text = embedded_find("match_demo_origins.tsv", NULL);
    const char *cyr = embedded_find("demo_cyrillic.tsv", NULL);
    if (!text || !cyr) return err_new(ERR_INTERNAL, NULL, "demo data files are missing");
    char *line;
    while (!e && (line = next_line(&text))) {
        char *f[4];
        if (line[0] != '#' && split_tabs(line, f, 4) == 4) {
            t->o = mem_realloc(t->o, (size_t)(t->n_origins + 1) * sizeof *t->o);
            origin *o = &t->o[t->n_origins++];
            memset(o, 0, sizeof *o);
            snprintf(o->code, sizeof o->code, "%s", f[0]);
            o->share = atof(f[1]);
            o->men = atof(f[2]) / 100.0;
            e = load_names(o, f[3]);
        }
        mem_free(line);
    }
    while (!e && (line = next_line(&cyr))) {
        char *f[2];
        if (line[0] != '#' && split_tabs(line, f, 2) == 2) {
            t->cyr_from = mem_realloc(t->cyr_from, (size_t)(t->n_cyr + 1) * sizeof(char *));
            t->cyr_to = mem_realloc(t->cyr_to, (size_t)(t->n_cyr + 1) * sizeof(char *));
            t->cyr_from[t->n_cyr] = mem_strdup(f[0]);
            t->cyr_to[t->n_cyr++] = mem_strdup(f[1]);
        }
        mem_free(line);
    }
    if (e) tables_free(t);
    return e;
}

/* ---- people ------------------------------------------------------------------------- */

typedef struct {
    int origin;
    const entry *given[2];
    int n_given;
    const entry *family;
    const char *suffix; /* family name made from the father's name: "Karim" + "i" */
    const char *usual_given[2], *usual_family; /* the person's usual spelling */
    char sex;
    int year, month, day; /* month = day = 0: only the year is known */
} person;

static const entry *pick_entry(rng *r, const origin *o, char kind) {
    double w = runif(r) * o->wsum[kind == 'm' ? 0 : kind == 'f' ? 1 : 2];
    const entry *last = NULL;
    for (int i = 0; i < o->n; i++) {
        if (o->e[i].kind != kind) continue;
        last = &o->e[i];
        if ((w -= o->e[i].weight) <= 0) return last;
    }
    return last;
}

static const char *pick_spelling(rng *r, const entry *e) {
    if (e->n_variants == 0 || chance(r, 0.6)) return e->name;
    return e->variants[rint_(r, e->n_variants)];
}

static void make_person(rng *r, const tables *t, person *p) {
    double total = 0, w;
    for (int i = 0; i < t->n_origins; i++) total += t->o[i].share;
    w = runif(r) * total;
    int oi = 0;
    while (oi < t->n_origins - 1 && (w -= t->o[oi].share) > 0) oi++;
    const origin *o = &t->o[oi];
    memset(p, 0, sizeof *p);
    p->origin = oi;
    p->sex = chance(r, o->men) ? 'M' : 'F';
    char kind = p->sex == 'M' ? 'm' : 'f';
    if (o->wsum[1] <= 0) kind = 'm';
    p->given[0] = pick_entry(r, o, kind);
    p->n_given = 1;
    if (chance(r, 0.2)) p->given[p->n_given++] = pick_entry(r, o, kind);
    if (p->n_given == 2 && p->given[1] == p->given[0]) p->n_given = 1;
    p->family = pick_entry(r, o, 's');
    p->suffix = "";
    /* Many Afghans, Pakistanis, Bangladeshis, Iraqis and Syrians register their father's
     * name (or a name made from it) as family name. */
    static const char *const father[] = {"AF", "PK", "BD", "IQ", "SY", "IR"};
    for (size_t i = 0; i < sizeof father / sizeof father[0]; i++) {
        if (strcmp(o->code, father[i]) || !chance(r, 0.4)) continue;
        p->family = pick_entry(r, o, 'm');
        static const char *const af[] = {"", "i", "zai", "zada", "yar", "i"};
        static const char *const other[] = {"", "i", "", "uddin"};
        p->suffix = i == 0 ? af[rint_(r, 6)] : other[rint_(r, 4)];
    }
    for (int i = 0; i < p->n_given; i++) p->usual_given[i] = pick_spelling(r, p->given[i]);
    p->usual_family = pick_spelling(r, p->family);
    int age = 17 + rint_(r, 12) + rint_(r, 12) + (chance(r, 0.12) ? 8 + rint_(r, 15) : 0);
    p->year = 2019 + rint_(r, 6) - age;
    if (chance(r, 0.62)) {
        p->month = 1 + rint_(r, 12);
        p->day = 1 + rint_(r, 28);
        if (p->month == 1 && p->day == 1) p->day = 2;
    }
}

/* ---- noise ---------------------------------------------------------------------------- */

static void s_append(char *buf, size_t size, const char *s) {
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s", s);
}

/* A spelling change a registrar makes by ear: a vowel, a doubled or single letter. */
static void ear_variant(rng *r, char *s) {
    size_t n = strlen(s);
    if (n < 3) return;
    static const char vowels[] = "aeiou";
    for (int tries = 0; tries < 6; tries++) {
        size_t i = 1 + (size_t)rint_(r, (int)n - 1);
        char c = (char)tolower((unsigned char)s[i]);
        if (strchr(vowels, c) && c) {
            s[i] = vowels[rint_(r, 5)];
            return;
        }
        if (isalpha((unsigned char)c) && i + 1 < n && s[i + 1] == s[i]) {
            memmove(s + i, s + i + 1, n - i);
            return;
        }
        if (isalpha((unsigned char)c) && n + 1 < 96 && chance(r, 0.3)) {
            memmove(s + i + 1, s + i, n - i + 1);
            return;
        }
    }
}

/* A slip of the keyboard: a letter replaced, dropped, doubled or two swapped. */
static void typo(rng *r, char *s) {
    size_t n = strlen(s);
    if (n < 3) return;
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] >= 0x80) return;
    size_t i = 1 + (size_t)rint_(r, (int)n - 1);
    switch (rint_(r, 4)) {
    case 0: s[i] = (char)('a' + rint_(r, 26)); break;
    case 1: memmove(s + i, s + i + 1, n - i); break;
    case 2:
        if (n + 1 < 96) memmove(s + i + 1, s + i, n - i + 1);
        break;
    default:
        if (i + 1 < n) {
            char c = s[i];
            s[i] = s[i + 1];
            s[i + 1] = c;
        }
    }
}

static void to_cyrillic(const tables *t, const char *latin, char *out, size_t size) {
    char low[128];
    size_t k = 0;
    for (const char *p = latin; *p && k + 1 < sizeof low; p++)
        low[k++] = (char)tolower((unsigned char)*p);
    low[k] = '\0';
    out[0] = '\0';
    for (const char *p = low; *p;) {
        int best = -1;
        size_t blen = 0;
        for (int i = 0; i < t->n_cyr; i++) {
            size_t l = strlen(t->cyr_from[i]);
            if (l > blen && !strncmp(p, t->cyr_from[i], l)) best = i, blen = l;
        }
        if (best < 0) {
            char one[2] = {*p, 0};
            s_append(out, size, one);
            p++;
        } else {
            s_append(out, size, t->cyr_to[best]);
            p += blen;
        }
    }
    /* Capital first letter: Serbian Cyrillic capitals sit 0x20 below in the same block
     * for а..я (U+0430..U+044F) and 0x50 below for ђ..џ (U+0450..U+045F). */
    unsigned char *u = (unsigned char *)out;
    if (u[0] == 0xd0 && u[1] >= 0xb0 && u[1] <= 0xbf)
        u[1] -= 0x20;
    else if (u[0] == 0xd1 && u[1] >= 0x80 && u[1] <= 0x8f)
        u[0] = 0xd0, u[1] += 0x20;
    else if (u[0] == 0xd1 && u[1] >= 0x90 && u[1] <= 0x9f)
        u[0] = 0xd0, u[1] -= 0x10;
}

static void upper_ascii(char *s) {
    for (; *s; s++) *s = (char)toupper((unsigned char)*s);
}

static const char *const neighbours[][2] = {{"AF", "IR"}, {"IR", "AF"}, {"SY", "IQ"},
                                            {"IQ", "SY"}, {"MA", "DZ"}, {"DZ", "MA"},
                                            {"PK", "AF"}, {"BD", "IN"}, {"IN", "NP"}};

static const char *other_country(rng *r, const char *code) {
    for (size_t i = 0; i < sizeof neighbours / sizeof neighbours[0]; i++)
        if (!strcmp(neighbours[i][0], code)) return neighbours[i][1];
    return chance(r, 0.5) ? "stateless" : "TR";
}

/* One registration of person p into rec (strings allocated). */
static void make_record(rng *r, const tables *t, const person *p, match_record *rec,
                        char **date_text) {
    const origin *o = &t->o[p->origin];
    char given[200] = "", family[200] = "";
    bool arabic = chance(r, 0.03) && p->given[0]->arabic && p->family->arabic && !p->suffix[0];
    bool cyrillic = !arabic && chance(r, 0.07);
    int n_given = p->n_given == 2 && chance(r, 0.3) ? 1 : p->n_given;
    for (int i = 0; i < n_given; i++) {
        char part[100];
        if (arabic)
            snprintf(part, sizeof part, "%s", p->given[i]->arabic ? p->given[i]->arabic : "");
        else
            snprintf(part, sizeof part, "%s",
                     chance(r, 0.6) ? p->usual_given[i] : pick_spelling(r, p->given[i]));
        if (!arabic && chance(r, 0.1)) ear_variant(r, part);
        if (i) s_append(given, sizeof given, " ");
        s_append(given, sizeof given, part);
    }
    if (arabic)
        snprintf(family, sizeof family, "%s", p->family->arabic);
    else
        snprintf(family, sizeof family, "%s",
                 chance(r, 0.6) ? p->usual_family : pick_spelling(r, p->family));
    if (!arabic && p->suffix[0] && !strchr(family, ' ')) s_append(family, sizeof family, p->suffix);
    if (!arabic && chance(r, 0.1)) ear_variant(r, family);
    if (!arabic && chance(r, 0.08)) typo(r, chance(r, 0.5) ? given : family);
    if (cyrillic) {
        char g[400], f[400];
        to_cyrillic(t, given, g, sizeof g);
        to_cyrillic(t, family, f, sizeof f);
        snprintf(given, sizeof given, "%.199s", g);
        snprintf(family, sizeof family, "%.199s", f);
    } else if (!arabic) {
        if (chance(r, 0.25)) upper_ascii(family);
        if (chance(r, 0.08)) upper_ascii(given);
    }
    if (chance(r, 0.01)) family[0] = '\0';
    if (chance(r, 0.07)) {
        char tmp[200];
        memcpy(tmp, given, sizeof tmp);
        memcpy(given, family, sizeof tmp);
        memcpy(family, tmp, sizeof tmp);
    }
    rec->given_name = mem_strdup(given);
    rec->family_name = mem_strdup(family);
    rec->native_name = NULL;
    /* Sex and citizenship. */
    rec->sex = p->sex;
    if (chance(r, 0.005)) rec->sex = p->sex == 'M' ? 'F' : 'M';
    if (chance(r, 0.01)) rec->sex = 0;
    const char *cit = o->code;
    if (chance(r, 0.02)) cit = other_country(r, o->code);
    if (chance(r, 0.04)) cit = "";
    rec->citizenship = mem_strdup(cit);
    /* Birth date. */
    int y = p->year, m = p->month, d = p->day;
    double u = runif(r);
    if (u < 0.04)
        y = 0;
    else if (m && u < 0.16)
        m = 0; /* year only */
    else if (m && u < 0.21 && d <= 12 && d != m)
        m = p->day, d = p->month; /* swap */
    else if (u < 0.27)
        y += chance(r, 0.5) ? 1 : -1; /* year off by one */
    else if (m && u < 0.30)
        d = 1 + rint_(r, 28); /* day mistyped */
    if (m && m == 1 && d == 1) d = 2;
    rec->birth_year = y;
    rec->birth_month = y && m ? m : (y ? 1 : 0);
    rec->birth_day = y && m ? d : (y ? 1 : 0);
    rec->precision = !y ? MATCH_DATE_UNKNOWN : m ? MATCH_DATE_EXACT : MATCH_DATE_YEAR;
    *date_text =
        y ? mem_printf("%04d-%02d-%02d", y, rec->birth_month, rec->birth_day) : mem_strdup("");
}

static int records_per_person(rng *r) {
    double u = runif(r);
    if (u < 0.50) return 1;
    if (u < 0.74) return 2;
    if (u < 0.87) return 3;
    if (u < 0.93) return 4;
    if (u < 0.96) return 5;
    return 6 + rint_(r, 5);
}

herr *match_demo_generate(size_t n, uint64_t seed, match_demo **out) {
    tables t;
    *out = NULL;
    herr *e = tables_load(&t);
    if (e) return e;
    rng r = {seed * 0x2545f4914f6cdd1dULL + 12345};
    match_demo *d = mem_alloc(sizeof *d);
    d->n = n;
    d->recs = mem_alloc((n ? n : 1) * sizeof *d->recs);
    d->person = mem_alloc((n ? n : 1) * sizeof *d->person);
    d->birth_dates = mem_alloc((n ? n : 1) * sizeof *d->birth_dates);
    size_t *order = mem_alloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = n; i > 1; i--) { /* records in arrival order, not by person */
        size_t j = (size_t)(rnext(&r) % i);
        size_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    size_t k = 0;
    while (k < n) {
        person p;
        make_person(&r, &t, &p);
        int times = records_per_person(&r);
        for (int i = 0; i < times && k < n; i++, k++) {
            size_t slot = order[k];
            make_record(&r, &t, &p, &d->recs[slot], &d->birth_dates[slot]);
            d->recs[slot].id = mem_printf("R%07zu", slot + 1);
            d->person[slot] = (uint32_t)d->n_persons;
        }
        d->n_persons++;
    }
    mem_free(order);
    tables_free(&t);
    *out = d;
    return NULL;
}

void match_demo_free(match_demo *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        mem_free((char *)d->recs[i].id);
        mem_free((char *)d->recs[i].given_name);
        mem_free((char *)d->recs[i].family_name);
        mem_free((char *)d->recs[i].citizenship);
        mem_free(d->birth_dates[i]);
    }
    mem_free(d->recs);
    mem_free(d->person);
    mem_free(d->birth_dates);
    mem_free(d);
}

static void csv_field(FILE *f, const char *s, bool last) {
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

herr *match_demo_write(const match_demo *d, const char *dir) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return err_new(ERR_IO, "out", "cannot create %s: %s", dir, strerror(errno));
    char *pp = mem_printf("%s/people.csv", dir), *tp = mem_printf("%s/truth.csv", dir);
    FILE *pf = fopen(pp, "w"), *tf = fopen(tp, "w");
    herr *e = NULL;
    if (!pf || !tf) {
        e = err_new(ERR_IO, "out", "cannot write in %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    fputs("id,given_name,family_name,sex,birth_date,citizenship\n", pf);
    fputs("id,person_id\n", tf);
    for (size_t i = 0; i < d->n; i++) {
        const match_record *r = &d->recs[i];
        char sex[2] = {r->sex, 0};
        csv_field(pf, r->id, false);
        csv_field(pf, r->given_name, false);
        csv_field(pf, r->family_name, false);
        csv_field(pf, sex, false);
        csv_field(pf, d->birth_dates[i], false);
        csv_field(pf, r->citizenship, true);
        fprintf(tf, "%s,P%06u\n", r->id, d->person[i] + 1);
    }
    if (ferror(pf) || ferror(tf)) e = err_new(ERR_IO, "out", "write error in %s", dir);
cleanup:
    if (pf && fclose(pf) != 0 && !e) e = err_new(ERR_IO, "out", "cannot close %s", pp);
    if (tf && fclose(tf) != 0 && !e) e = err_new(ERR_IO, "out", "cannot close %s", tp);
    mem_free(pp);
    mem_free(tp);
    return e;
}
