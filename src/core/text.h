/* text: UTF-8 checks and the folding used for search keys.
 *
 * text_fold turns any script into lower-case ASCII words ("Đorđe Müller" -> "dorde
 * muller", "Мохамед" -> "mohamed", "محمد" -> "mhmd") with ICU's transliterators, so
 * that search is accent-, case- and script-insensitive. It is deliberately simple; the
 * identity matching module has its own, name-aware normalisation. */
#ifndef HAVEN_CORE_TEXT_H
#define HAVEN_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool text_utf8_valid(const char *s, size_t len);

/* Copies src (NULL: "") into dst of size bytes for one line of a log, always
 * NUL-terminated when size > 0: control characters (C0, DEL, C1), the backslash and
 * bytes that are not well-formed UTF-8 are written as \xNN, so that input cannot start a
 * new line, move the cursor or colour a terminal; the copy stops before a character or
 * escape that would not fit. Returns the bytes written. Cannot fail. */
size_t text_log_escape(char *dst, size_t size, const char *src);

/* Number of code points in a valid UTF-8 string. */
size_t text_utf8_length(const char *s);

/* Number of characters in s that show: not white space, controls, format characters
 * (zero-width, direction controls), default-ignorable code points, variation selectors,
 * combining marks alone, unassigned or private-use code points (ICU's properties).
 * 0 for a text that would look empty however long it is. */
size_t text_visible_length(const char *s);

/* True when s has no control characters (C0, DEL, C1): fit for a one-line field. */
bool text_is_single_line(const char *s);

/* Folds s to lower-case ASCII words separated by single spaces, in a new string the
 * caller frees with mem_free. Thread-safe. Returns an error only if ICU fails. */
herr *text_fold(const char *s, char **out);

/* Releases ICU objects at exit (keeps leak checkers quiet). */
void text_shutdown(void);

#endif
