/* Internal to api: the web interface's files. */
#ifndef HAVEN_API_STATIC_FILES_H
#define HAVEN_API_STATIC_FILES_H

#include <microhttpd.h>

/* Builds the response for a GET/HEAD of a file under web_dir; returns the status. A
 * path without an extension that names no file gets index.html (the app's pages).
 * Answers 304 to a matching If-None-Match or If-Modified-Since, gzip to a client that
 * accepts it (text types), and sets ETag, Last-Modified and Cache-Control. */
int api_static_file(struct MHD_Connection *conn, const char *web_dir, const char *method,
                    const char *url, struct MHD_Response **out);

/* Frees the cache of files (at exit: keeps leak checkers quiet). */
void api_static_cache_clear(void);

/* Headers every response carries (nosniff, no referrer, no framing). */
void api_add_security_headers(struct MHD_Response *r);

#endif
