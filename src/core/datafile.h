/* datafile: reading the tab-separated catalogues of data/ (compiled into the binary).
 * Lines starting with '#' and empty lines are skipped. */
#ifndef HAVEN_CORE_DATAFILE_H
#define HAVEN_CORE_DATAFILE_H

/* Calls fn(line, ctx) for each data line of data/<file> (the line without its end, in
 * a writable buffer of up to 1023 bytes). Returns 0, or -1 when the file is not in the
 * build (logged). */
int datafile_each_line(const char *file, void (*fn)(char *line, void *ctx), void *ctx);

/* Splits a line at tabs in place; returns the number of fields (at most max). */
int datafile_split_tabs(char *line, char **fields, int max);

#endif
