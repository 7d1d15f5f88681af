/* An interpreter's free hours in UTC: the weekly pattern is in the interpreter's own
 * time zone (ICU's copy of the tz database, so summer time moves with it), leave is
 * taken out and extra hours are added. Worked out per slot: a slot is free when the
 * whole of it lies inside a free period. */
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "core/clock.h"
#include "core/mem.h"
#include "interpreting/interpreting_internal.h"

#define S INTERP_SLOT_SECONDS

herr *interp_check_time_zone(const char *tz) {
    UChar id[80], canonical[80];
    UErrorCode status = U_ZERO_ERROR;
    UBool system = 0;
    if (!tz || strlen(tz) >= sizeof id / sizeof id[0])
        return err_invalid("time_zone", "time_zone must be a zone such as Europe/Sarajevo");
    u_uastrcpy(id, tz);
    ucal_getCanonicalTimeZoneID(id, -1, canonical, 80, &system, &status);
    if (U_FAILURE(status) || !system)
        return err_with(err_invalid("time_zone", "%s is not a time zone (Europe/Sarajevo)", tz),
                        "interp_time_zone", "value", tz, (const char *)NULL);
    return NULL;
}

/* Minutes to add to UTC for local time at t. */
static int offset_minutes(UCalendar *cal, int64_t t) {
    UErrorCode status = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)t * 1000.0, &status);
    int ms = ucal_get(cal, UCAL_ZONE_OFFSET, &status) + ucal_get(cal, UCAL_DST_OFFSET, &status);
    return U_FAILURE(status) ? 0 : ms / 60000;
}

static void mark(bool *free, int64_t from, int64_t to, int64_t a, int64_t b, bool value) {
    /* leave clears every slot it touches; extra hours set only slots wholly inside */
    for (int64_t t = from, k = 0; t < to; t += S, k++) {
        bool touches = t < b && a < t + S, inside = a <= t && t + S <= b;
        if (value ? inside : touches) free[k] = value;
    }
}

herr *interp_availability(const json_t *profile, const char *time_zone, int64_t from, int64_t to,
                          interp_span **out, size_t *n) {
    *out = NULL;
    *n = 0;
    herr *e = interp_check_time_zone(time_zone);
    if (e) return e;
    from = from / S * S;
    size_t slots = to > from ? (size_t)((to - from + S - 1) / S) : 0;
    bool *free = mem_alloc(slots + 1);
    UChar id[80];
    UErrorCode status = U_ZERO_ERROR;
    u_uastrcpy(id, time_zone);
    UCalendar *cal = ucal_open(id, -1, "en", UCAL_GREGORIAN, &status);
    if (U_FAILURE(status)) {
        mem_free(free);
        return err_new(ERR_INTERNAL, "time_zone", "ICU cannot open %s", time_zone);
    }
    const json_t *weekly = json_object_get(profile, "weekly");
    for (size_t k = 0; k < slots; k++) {
        int64_t t = from + (int64_t)k * S;
        int64_t local = t + (int64_t)offset_minutes(cal, t) * 60;
        int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        int weekday = (int)((days + 3) % 7) + 1; /* 1970-01-01 was a Thursday: Monday is 1 */
        int minute = (int)((local - days * 86400) / 60);
        size_t i;
        json_t *w;
        json_array_foreach(weekly, i, w) {
            int day = (int)json_integer_value(json_object_get(w, "day"));
            const char *f = json_string_value(json_object_get(w, "from"));
            const char *u = json_string_value(json_object_get(w, "to"));
            int fm = (f[0] - '0') * 600 + (f[1] - '0') * 60 + (f[3] - '0') * 10 + (f[4] - '0');
            int um = (u[0] - '0') * 600 + (u[1] - '0') * 60 + (u[3] - '0') * 10 + (u[4] - '0');
            if (day == weekday && fm <= minute && minute + S / 60 <= um) free[k] = true;
        }
    }
    ucal_close(cal);
    /* Extra hours first, then leave, so that leave wins where they meet. */
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(profile, "exceptions"), i, x) {
            bool extra = !strcmp(json_string_value(json_object_get(x, "kind")), "extra");
            if (extra != (pass == 0)) continue;
            int64_t a, b;
            if (!clock_parse_iso(json_string_value(json_object_get(x, "from")), &a) ||
                !clock_parse_iso(json_string_value(json_object_get(x, "to")), &b))
                continue;
            mark(free, from, from + (int64_t)slots * S, a, b, extra);
        }
    }
    interp_span *spans = mem_alloc((slots / 2 + 1) * sizeof *spans);
    size_t count = 0;
    for (size_t k = 0; k < slots;) {
        if (!free[k]) {
            k++;
            continue;
        }
        size_t end = k;
        while (end < slots && free[end]) end++;
        spans[count++] = (interp_span){from + (int64_t)k * S, from + (int64_t)end * S};
        k = end;
    }
    mem_free(free);
    *out = spans;
    *n = count;
    return NULL;
}
