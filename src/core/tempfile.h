/* tempfile: private temporary files in $TMPDIR (or /tmp). */
#ifndef HAVEN_CORE_TEMPFILE_H
#define HAVEN_CORE_TEMPFILE_H

/* Creates a new file "haven-NAME-" plus six random characters in $TMPDIR (or /tmp when
 * unset or empty), mode 0600, and returns its descriptor, or -1 (errno set). *path is
 * always set to the name (caller frees with mem_free), so that it can be unlinked. */
int tempfile_create(const char *name, char **path);

#endif
