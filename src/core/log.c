#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/text.h"

/* Set once at start, before any server thread runs; read-only afterwards. */
static int log_quiet;

void log_set_quiet(int quiet) { log_quiet = quiet; }

static void log_line(const char *level, const char *fmt, va_list ap) {
    char ts[CLOCK_ISO_LEN];
    clock_format_iso(clock_now(), ts);
    char msg[1024], line[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* Paths and names come from outside: one event stays one line, with no terminal
     * codes (\n, ESC and friends are written as \xNN). */
    text_log_escape(line, sizeof line, msg);
    fprintf(stderr, "%s %s %s\n", ts, level, line);
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
