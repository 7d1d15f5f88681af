#include "api/static_files.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No inline script or style, nothing from elsewhere: the interface works offline on a
 * LAN and an injected name cannot run code. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                          "object-src 'none'; base-uri 'none'; form-action 'self'; "
                          "frame-ancestors 'none'";

static const struct {
    const char *ext, *type;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
};

static const char *mime_type(const char *path) {
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof mime_types / sizeof mime_types[0]; i++)
        if (!strcmp(dot, mime_types[i].ext)) return mime_types[i].type;
    return "application/octet-stream";
}

static int plain(int status, const char *text, struct MHD_Response **out) {
    *out = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(*out, "Content-Type", "text/plain; charset=utf-8");
    api_add_security_headers(*out);
    return status;
}

static bool safe_path(const char *url) {
    if (url[0] != '/' || strstr(url, "..") || strstr(url, "//") || strchr(url, '\\')) return false;
    return strlen(url) < 512;
}

int api_static_file(const char *web_dir, const char *method, const char *url,
                    struct MHD_Response **out) {
    if (!web_dir) return plain(404, "no web interface is served here\n", out);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return plain(405, "method not allowed\n", out);
    if (!safe_path(url)) return plain(404, "not found\n", out);
    char path[1024];
    const char *last = strrchr(url, '/');
    bool page = !strchr(last, '.'); /* "/", "/persons/123": the app decides */
    snprintf(path, sizeof path, "%s%s", web_dir, url);
    struct stat sb;
    int fd = open(path, O_RDONLY);
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 && page) {
        snprintf(path, sizeof path, "%s/index.html", web_dir);
        fd = open(path, O_RDONLY);
        if (fd >= 0 && fstat(fd, &sb) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) return plain(404, "not found\n", out);
    *out = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    MHD_add_response_header(*out, "Content-Type", mime_type(path));
    MHD_add_response_header(*out, "Content-Security-Policy", csp);
    MHD_add_response_header(*out, "Cache-Control", "no-cache");
    api_add_security_headers(*out);
    return 200;
}
