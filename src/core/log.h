/* log: one line per event on stderr, with a UTC time stamp. No personal data goes
 * into logs: ids only, never names. Each message is escaped (text_log_escape) so that
 * input echoed in it cannot forge a line or send terminal codes. */
#ifndef HAVEN_CORE_LOG_H
#define HAVEN_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_quiet(int quiet);

#endif
