/* err: Haven's one error type.
 *
 * Every function that can fail returns `herr *`: NULL on success, otherwise an error
 * the caller owns and releases with err_free(). The error carries a code (which the
 * API layer maps to an HTTP status), a human-readable message and, for validation
 * errors, the name of the offending field. Errors travel up unchanged. */
#ifndef HAVEN_CORE_ERR_H
#define HAVEN_CORE_ERR_H

typedef enum {
    ERR_INVALID = 1,     /* bad input: 400 */
    ERR_UNAUTHENTICATED, /* no or expired session: 401 */
    ERR_FORBIDDEN,       /* role or site does not allow it: 403 */
    ERR_NOT_FOUND,       /* 404 */
    ERR_CONFLICT,        /* state does not allow it: 409 */
    ERR_TOO_LARGE,       /* 413 */
    ERR_UNSUPPORTED,     /* unsupported media type: 415 */
    ERR_RATE_LIMITED,    /* 429 */
    ERR_IO,              /* file or database trouble: 500 */
    ERR_INTERNAL,        /* a bug: 500 */
    ERR_UNAVAILABLE      /* busy for now, try again shortly: 503 */
} err_code;

#define ERR_MAX_PARAMS 4

/* message is English, for logs and the command line. key and params let the web
 * interface say the same in the user's language: it shows its message errors.key.<key>
 * with each {name} filled by the param of that name. */
typedef struct herr {
    err_code code;
    char message[320];
    char field[64];
    char key[48]; /* "" when the error has no translatable message */
    struct {
        char name[24];
        char value[96];
    } params[ERR_MAX_PARAMS];
    int n_params;
} herr;

/* Returns a new error with a printf-style message; field may be NULL. Message and
 * field are cut to their size at a character boundary and made valid UTF-8 (invalid
 * bytes become '?'), so that they can always be sent as JSON. Never fails (out of
 * memory returns a shared static error that err_free ignores). */
herr *err_new(err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Gives e a message key and up to ERR_MAX_PARAMS parameters, as name/value string
 * pairs ended by NULL: err_with(err_invalid("name", "..."), "too_long", "max", "120",
 * NULL). Returns e, so it wraps an err_new call; NULL and the shared out-of-memory
 * error pass through unchanged. Pairs past the limit are dropped; names and values
 * are cut and made valid UTF-8 as err_new does. */
herr *err_with(herr *e, const char *key, ...);

/* Frees an error; NULL is fine. */
void err_free(herr *e);

/* Stable machine name of a code, e.g. "invalid", "not_found". */
const char *err_code_name(err_code code);

/* HTTP status for a code. */
int err_http_status(err_code code);

/* Shorthand for the common validation error. */
#define err_invalid(field, ...) err_new(ERR_INVALID, (field), __VA_ARGS__)

/* A required field that is missing (key "required"). */
#define err_required(field)                                                                        \
    err_with(err_invalid((field), "%s is required", (field)), "required", NULL)

#endif
