#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/clock.h"

/* Set once at start, before any server thread runs; read-only afterwards. */
static int log_quiet;

void log_set_quiet(int quiet) { log_quiet = quiet; }

static void log_line(const char *level, const char *fmt, va_list ap) {
    char ts[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), ts);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "%s %s %s\n", ts, level, msg);
}

void log_info(const char *fmt, ...) {
    if (log_quiet) return;
    va_list ap;
    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}
