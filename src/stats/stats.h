/* stats: non-personal migration statistics for the regional exchange (issue 6).
 *
 * The indicators, their code lists and their validation rules are data
 * (data/stats_catalogue.json). For a period ("2023-05", "2023-Q2", "2023") Haven
 * computes every indicator it holds case data for from persons and stays and from
 * protection's screenings and referrals (as counts from protection's public
 * function, never its sealed details), keeps the
 * others as aggregates entered by hand or imported from a neighbour's file, checks
 * them against the rules, applies disclosure control (small cells suppressed or
 * rounded, with secondary suppression) and exports them as SDMX-CSV, XLSX or JSON.
 *
 * Figures are stored per administration (REF_AREA: BA, RS, ME, MK, AL, XK); the local
 * one is a setting (default BA). Figures of the local administration are computed or
 * entered here; those of the others are only ever imported. Nothing that leaves this
 * module carries a name, an id, a birth date or the values of a single person: cells
 * are counts (or averages) over groups, and every export goes through disclosure
 * control.
 *
 * Every write validates its input completely first, then writes and audits in one
 * transaction; on error nothing changed. Results are jansson objects (or buffers)
 * owned by the caller. Errors name the offending field (or line and column). */
#ifndef HAVEN_STATS_STATS_H
#define HAVEN_STATS_STATS_H

#include <jansson.h>
#include <stddef.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

/* Creates or updates the module's tables (stats_cells, stats_settings). */
herr *stats_migrate(store *s);

/* The indicator catalogue with its code lists and rules, as loaded from
 * data/stats_catalogue.json. Never fails once the embedded catalogue is valid (an
 * invalid catalogue is a build defect and aborts at first use). Caller owns *out. */
herr *stats_catalogue_json(json_t **out);

/* ---- settings -------------------------------------------------------------------
 * {"ref_area","disclosure_threshold","jump_factor","jump_min_value"}: stored values
 * over the catalogue's defaults. */
herr *stats_settings_get(store *s, json_t **out);

/* Changes the settings given (same fields; ref_area one of the REF_AREA code list,
 * disclosure_threshold 1..100, jump_factor a number > 1 given as text or integer,
 * jump_min_value >= 0). Audited. ERR_INVALID naming the field. Caller owns *out. */
herr *stats_settings_set(store *s, const actor *a, const json_t *in, json_t **out);

/* ---- computing and entering -------------------------------------------------------- */

/* Computes every indicator whose source is "computed" for the local administration
 * and the period from persons and stays, and from protection's screenings and
 * referrals (protection_period_breakdown), with all totals and subtotals, and replaces
 * the stored computed figures of that period; reads, writes and the audit entry are
 * one transaction. A record merged into another is no second arrival, and its stays,
 * screenings and referrals count as the survivor's. *out: {"ref_area","period",
 * "indicators":[{"code","cells","total"}]}. ERR_INVALID (field "period") on a malformed
 * period; ERR_CONFLICT when the protection key is not loaded and a screening of the
 * period found a risk; ERR_IO when the database fails (nothing changed in any case). */
herr *stats_compute(store *s, const actor *a, const char *period, json_t **out);

/* Replaces the figures of one entered indicator for the local administration and the
 * period. in: {"indicator": code, "cells": [{"citizen","sex","age","value"}...]} with
 * detail codes only (never TOTAL or T: totals are derived) and non-negative integer
 * values; dimensions the indicator does not have are left out. Audited. ERR_INVALID
 * naming the field (e.g. "cells[3].citizen"); ERR_CONFLICT for a computed indicator.
 * *out as stats_get for that indicator. */
herr *stats_enter(store *s, const actor *a, const char *period, const json_t *in, json_t **out);

/* ---- reading ----------------------------------------------------------------------- */

/* The stored figures of an administration (NULL: the local one) for the period, all
 * indicators or one (indicator NULL for all): {"ref_area","period","indicators":
 * [{"code","title","unit","source","cells":[{"site","citizen","sex","age","value",
 * "obs_status","conf_status","published"}]}]} where conf_status and published show
 * what disclosure control would let out. Internal view for statisticians.
 * ERR_INVALID for a bad period, ref_area or indicator. */
herr *stats_get(store *s, const char *ref_area, const char *period, const char *indicator,
                json_t **out);

/* The need-to-know view of figures computed from protection data (catalogue
 * "protection"): in stats_get's answer each such cell's "value" becomes its "published"
 * value (suppressed or rounded as the export sends it) and the indicator gets
 * "values_published": true; in stats_compute's summary their "total" becomes null with
 * "total_hidden": true. A statistician sees no count the published export hides. Other
 * indicators are left as they are. */
void stats_protection_published(json_t *got);

/* Checks the stored figures of an administration (NULL: local) for the period against
 * the catalogue's rules: {"ref_area","period","checked","errors","warnings",
 * "violations":[{"rule","severity","indicator","cell":{"site","citizen","sex","age"},
 * "values":{...},"message"}]}. A violation is not an error of this function. */
herr *stats_validate(store *s, const char *ref_area, const char *period, json_t **out);

/* Per indicator and period, the administrations side by side: {"indicator","period",
 * "sex","age","ref_areas":[...],"rows":[{"citizen","values":{"BA":n|null,...}}]} for
 * the given sex and age codes (NULL: totals). Published values only (after disclosure
 * control for the local administration, as imported for the others). */
herr *stats_compare(store *s, const char *indicator, const char *period, const char *sex,
                    const char *age, json_t **out);

/* ---- exchange ---------------------------------------------------------------------- */

typedef enum { STATS_SDMX_CSV, STATS_XLSX, STATS_JSON } stats_format;

/* Parses "sdmx-csv", "xlsx" or "json"; ERR_INVALID (field "format") otherwise. */
herr *stats_format_parse(const char *text, stats_format *out);

/* Exports an administration's (NULL: local) figures of the period after disclosure
 * control, in deterministic order, into a new buffer (*out, *len; caller frees with
 * mem_free). The export is audited. ERR_INVALID for a bad period or ref_area,
 * ERR_NOT_FOUND when nothing is stored for that period, ERR_IO when the XLSX cannot be
 * written. */
herr *stats_export(store *s, const actor *a, const char *ref_area, const char *period,
                   stats_format format, char **out, size_t *len);

/* Imports a neighbour's SDMX-CSV file (the format stats_export writes). The file is
 * checked completely first: header, codes, one administration and one period, the
 * period's form against FREQ and each indicator's periodicity, duplicate keys, values,
 * statuses, and totals that must add up. With any error nothing is imported:
 * ERR_INVALID, and *report lists every error as {"line","column","field","message"}.
 * A correct file replaces that administration's figures for that period in one
 * audited transaction; the local administration's own figures cannot be imported over
 * (ERR_CONFLICT). *report: {"ref_area","period","cells","errors":[...]}, set in both
 * cases; caller owns it. */
herr *stats_import(store *s, const actor *a, const char *data, size_t len, json_t **report);

#endif
