/* `haven match dedup FILE --explain` end to end on a CSV file: the header and its
 * columns, rows made records (ids, sex, birth dates), duplicate ids dropped, training,
 * blocking, clustering, and the output with reasons. Slower than fuzz_dedup_csv (which
 * fuzzes the reader alone), deeper. The command's stdout goes to /dev/null; its
 * stderr (a line per skipped row) is closed by the options file (-close_fd_mask=2;
 * libFuzzer still reports crashes). Invariant: the exit status is 0, 1 (some lines
 * skipped) or 2 (unusable header), never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_commands.h"
#include "fuzzutil.h"

static char path[300];

static void remove_file(void) { unlink(path); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!path[0]) {
        if (!freopen("/dev/null", "w", stdout)) abort();
        snprintf(path, sizeof path, "%s/haven-fuzz-dedup-XXXXXX", fuzz_tmpdir());
        int fd = mkstemp(path);
        if (fd < 0) abort();
        close(fd);
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f != NULL, "cannot write %s", path);
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    char *argv[] = {"dedup", path, "--threads", "1", "--explain", NULL};
    int rc = cli_cmd_match_dedup(5, argv);
    FUZZ_ASSERT(rc >= 0 && rc <= 2, "exit status %d", rc);
    return 0;
}
