/* Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): a database created
 * once per process, actors, and the invariants every harness checks. A broken
 * invariant aborts with a message, which libFuzzer reports as a crash with the input
 * that caused it. See docs/fuzzing.md. */
#ifndef HAVEN_FUZZUTIL_H
#define HAVEN_FUZZUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

/* Aborts with the message when cond is false (kept in release builds). */
#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                            \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* A NUL-terminated copy of the input (mem_free it). Embedded NULs stay: C string
 * functions see the prefix, as they would from an HTTP argument. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Where harnesses put their files: $FUZZ_TMPDIR (run.sh sets it to a directory it
 * removes, even after a crash), else /dev/shm, else $TMPDIR or /tmp. */
const char *fuzz_tmpdir(void);

/* The shared world, made on first call: a database in fuzz_tmpdir() with every
 * module's schema and the protection test key, two sites, one registered and checked-in
 * person, a protection provider, and actors: admin (all sites), registrar and protection
 * officer of site 0. Removed at exit. */
typedef struct {
    store *s;
    char site[2][ID_LEN];
    char person[ID_LEN];
    char stay[ID_LEN];
    char provider[ID_LEN];
    actor admin, registrar, protection, statistician;
} fuzz_world;
fuzz_world *fuzz_world_get(void);

/* Parses a request body as the server does (json_parse_body); on malformed input checks
 * the error and returns NULL. String values "@site0", "@site1", "@person", "@stay" and
 * "@provider" anywhere in the result become the world's ids, so that seeds can name
 * records whose ids are random. Caller json_decref's the result. */
json_t *fuzz_body(const uint8_t *data, size_t size);

/* Checks what every error must satisfy (a code with an HTTP status, a non-empty
 * valid UTF-8 message, a valid UTF-8 field, a field on every ERR_INVALID, and an API
 * error body that can be built from it), then frees it. NULL is fine. */
void fuzz_check_err(herr *e);

/* Aborts unless s is valid UTF-8 (what a JSON string or a CSV cell must be). */
void fuzz_check_utf8(const char *what, const char *s, size_t len);

/* Aborts unless the value can be dumped as JSON (every string valid UTF-8). */
void fuzz_check_json(const char *what, const json_t *v);

#endif
