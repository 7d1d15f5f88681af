/* distributions: food and non-food items given out in the centres (970,000 meals and
 * 435,000 items in 2023), with the stock they come from.
 *
 * - The catalogue: items with a category, a unit, and an entitlement rule that is data
 *   (per person or per family, so many in so many days, an age range in months, a sex,
 *   or a flag such as a special diet that the medical staff set on the person). The
 *   default catalogue is data/distribution_items.tsv.
 * - Stock per site is a ledger: receipts, transfers between sites, losses, counts and
 *   distributions, each a signed quantity. A balance per site and item is kept in the
 *   same transaction as each ledger line and never goes below zero: a distribution or a
 *   transfer that would take it below zero is ERR_CONFLICT and changes nothing, also
 *   when requests race (the decrement is one conditional UPDATE inside the write
 *   transaction, and the table refuses negative balances). The balance always equals
 *   the sum of the ledger.
 * - At the desk: what a person is entitled to today and what they received, a
 *   distribution of one or several items in one step; a second item inside the
 *   entitlement period (or outside the rule's age, sex or flag) is refused unless a
 *   reason is given, which is kept and audited. Bulk distribution to everyone checked
 *   in at a site (meals) is one act.
 *
 * Every write validates its whole input first (ERR_INVALID naming the field), then
 * writes and audits in one transaction. Reads are scoped to the actor's sites. Results
 * are jansson objects owned by the caller. */
#ifndef HAVEN_DISTRIBUTIONS_DISTRIBUTIONS_H
#define HAVEN_DISTRIBUTIONS_DISTRIBUTIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "store/store.h"

#define DISTRIBUTIONS_MAX_ITEMS      20 /* items in one desk distribution */
#define DISTRIBUTIONS_NOTHING_DAYS   30 /* default of the "received nothing" report */
#define DISTRIBUTIONS_MIN_REASON_LEN 5

/* Creates or upgrades the module's tables (after registry). */
herr *distributions_migrate(store *s);

/* ---- catalogue ---------------------------------------------------------------------
 * Item fields: code (a-z, 0-9, _; unique), name_en, name_bs, name_sr, category (meal |
 * food | diet | baby | hygiene | clothing | nfi), unit (portion | piece | kit | pack |
 * pair), per (person | family), period_days (1..365, or null: no limit), max_quantity
 * (in the period, 1..100, default 1), min_age_months, max_age_months (0..1200 or null),
 * sex (F | M | null), flag (a code of data/distribution_flags.tsv, or null), low_stock
 * (the level under which stock is flagged, default 0), active. */

/* Adds the items of data/distribution_items.tsv that the catalogue lacks (by code);
 * *added receives how many. Audited as the system. For haven init and tests. */
herr *distributions_catalogue_seed(store *s, int *added);

herr *distributions_item_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *distributions_item_update(store *s, const actor *a, const char *id, const json_t *in,
                                json_t **out);

/* {"items":[item...],"flags":[{"code","en","bs","sr"}]}; inactive items only when
 * with_inactive. */
herr *distributions_catalogue(store *s, bool with_inactive, json_t **out);

/* Sets ({"note"} optional) or clears a person flag (data/distribution_flags.tsv) such as
 * special_diet. Roles with distribution.flags only. Audited. *out: the person's flags
 * {"items":[{"flag","set_at","set_by"}]}. */
herr *distributions_flag_set(store *s, const actor *a, const char *person_id, const char *flag,
                             const json_t *in, json_t **out);
herr *distributions_flag_clear(store *s, const actor *a, const char *person_id, const char *flag,
                               json_t **out);

/* ---- stock --------------------------------------------------------------------------
 * A movement: {"site_id","item_id","kind","quantity","to_site_id","note"} where kind is
 * receipt (quantity > 0 arrives), loss (quantity > 0 leaves: damaged, expired, stolen),
 * count (a physical count: quantity >= 0 is what is on the shelf; the ledger line is the
 * difference) or transfer (quantity > 0 leaves site_id for to_site_id, two ledger lines).
 * site_id must be the actor's; to_site_id any other active site. A loss or transfer
 * larger than the stock: ERR_CONFLICT, nothing changed. *out: {"movement_id",
 * "stock":[{"site_id","item_id","quantity"}]} (the balances after). */
herr *distributions_stock_move(store *s, const actor *a, const json_t *in, json_t **out);

/* Stock of the actor's sites (site_id: one): {"items":[{"site_id","site_name",
 * "item_id","code","name_en","name_bs","name_sr","unit","quantity","low_stock","low",
 * "ledger_sum"}],"low":n}; ledger_sum is the sum of the ledger, which equals quantity. */
herr *distributions_stock(store *s, const actor *a, const char *site_id, json_t **out);

/* Ledger lines of one of the actor's sites, newest first (item_id optional):
 * {"items":[{"id","item_id","kind","delta","balance","ref","note","by_name","at"}]}. */
herr *distributions_ledger(store *s, const actor *a, const char *site_id, const char *item_id,
                           int limit, json_t **out);

/* ---- the desk ------------------------------------------------------------------------ */

/* What the person may receive today at site_id (one of the actor's sites), and what
 * they received: {"person":{"id","reg_no","given_name","family_name","sex","birth_date",
 * "flags":[...]},"site_id","date","items":[{"item":{...},"entitled":bool,"reason":
 * null|"received_recently"|"too_young"|"too_old"|"wrong_sex"|"needs_flag","remaining",
 * "next_date","stock"}],"history":[{"id","item_id","code","quantity","site_id","at",
 * "reason","bulk_id"}]} (history: the last 90 days, newest first). */
herr *distributions_entitlements(store *s, const actor *a, const char *person_id,
                                 const char *site_id, json_t **out);

/* Records a distribution to one person in one step: {"person_id","site_id","items":
 * [{"item_id","quantity"}],"family_member_ids":[...],"reason","at"}. family_member_ids
 * (per-family items) are the people the items are for besides the person, whose history
 * counts too. An item the person is not entitled to is refused (ERR_CONFLICT naming
 * "items[i]", key "not_entitled") unless reason is given (at least
 * DISTRIBUTIONS_MIN_REASON_LEN characters), which is then kept with the distribution and
 * audited as an override. Stock too low: ERR_CONFLICT (key "out_of_stock"). All items
 * or none. *out: {"ids":[...],"overrides":[item codes],"entitlements":{...as above}}. */
herr *distributions_give(store *s, const actor *a, const json_t *in, json_t **out);

/* One act for everyone checked in at the site: {"site_id","item_id","quantity" (each,
 * default 1),"note"}. People not entitled are skipped (counted in "skipped"); stock for
 * all the others or ERR_CONFLICT and nothing changes. *out: {"bulk_id","recipients",
 * "skipped","quantity","stock"}. */
herr *distributions_bulk(store *s, const actor *a, const json_t *in, json_t **out);

typedef struct {
    const char *site_id;   /* or NULL: all the actor's sites */
    const char *person_id; /* or NULL */
    const char *item_id;   /* or NULL */
    const char *from, *to; /* YYYY-MM-DD inclusive, or NULL */
    bool overrides_only;   /* only distributions given with a reason */
    int limit;             /* 1..500, default 100 */
    int offset;
} distributions_query;

/* {"total","items":[{"id","person_id","person":{reg_no, names},"site_id","item_id",
 * "code","quantity","at","by_name","reason","bulk_id"}]} newest first. */
herr *distributions_list(store *s, const actor *a, const distributions_query *q, json_t **out);

/* ---- reports ------------------------------------------------------------------------- */

/* Items given per site, month and item over the actor's sites (site_id: one) for
 * from..to (YYYY-MM-DD; default the last 12 months): {"from","to","rows":[{"site_id",
 * "site_name","month","item_id","code","quantity","people","distributions"}],
 * "by_month":[{"month","quantity"}],"by_item":[{"code","quantity"}]}. */
herr *distributions_report(store *s, const actor *a, const char *site_id, const char *from,
                           const char *to, json_t **out);

/* People checked in at the site now who received nothing (meals aside) in the last days
 * (0: DISTRIBUTIONS_NOTHING_DAYS): {"site_id","days","present","items":[{"person":{..},
 * "checked_in_at","last_received_at"}]}. */
herr *distributions_nothing_received(store *s, const actor *a, const char *site_id, int days,
                                     json_t **out);

/* ---- demo ---------------------------------------------------------------------------- */

/* The catalogue, stock received at each demo site, a month of meals (one bulk a day per
 * site), kits and clothes at the desks (with a few overrides), transfers and losses,
 * inside the caller's transaction. */
herr *distributions_demo_load(store *s, unsigned long long seed);

#endif
