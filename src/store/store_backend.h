/* store_backend: what each database engine behind store.h provides (internal to
 * src/store). store.c dispatches every public call through the handle's ops; a
 * backend's handle and statement structs start with the store and store_stmt
 * below, so a pointer to one is a pointer to the other. */
#ifndef HAVEN_STORE_BACKEND_H
#define HAVEN_STORE_BACKEND_H

#include "store/store.h"

typedef struct store_ops {
    void (*close)(store *s);
    herr *(*begin)(store *s);
    herr *(*commit)(store *s);
    void (*rollback)(store *s);
    bool (*in_transaction)(const store *s);
    void (*after_commit)(store *s, void (*fn)(store *s));
    herr *(*prepare)(store *s, const char *sql, store_stmt **out);
    void (*done)(store_stmt *st);
    void (*bind_text)(store_stmt *st, const char *param, const char *value);
    void (*bind_int)(store_stmt *st, const char *param, int64_t value);
    void (*bind_double)(store_stmt *st, const char *param, double value);
    void (*bind_null)(store_stmt *st, const char *param);
    void (*bind_blob)(store_stmt *st, const char *param, const void *data, size_t len);
    herr *(*step)(store_stmt *st, bool *row);
    herr *(*run)(store_stmt *st);
    const char *(*text)(store_stmt *st, int col);
    int64_t (*int64)(store_stmt *st, int col);
    double (*dbl)(store_stmt *st, int col);
    bool (*is_null)(store_stmt *st, int col);
    const void *(*blob)(store_stmt *st, int col, size_t *len);
    int (*changes)(store *s);
    herr *(*exec)(store *s, const char *sql);
    herr *(*make_append_only)(store *s, const char *table);
    herr *(*backup)(store *s, const char *dest);
    herr *(*check_integrity)(store *s);
    herr *(*notify_on_change)(store *s, const char *table, const char *key_column,
                              const char *columns, const char *channel);
    herr *(*listen)(store *s, const char *channel);
    herr *(*notification)(store *s, int timeout_ms, char **payload);
} store_ops;

struct store {
    const store_ops *ops;
    char *path; /* the file, or the connection URL with any password removed */
    bool postgres;
};

struct store_stmt {
    const store_ops *ops;
};

herr *store_sqlite_open(const char *path, bool create, store **out);
herr *store_pg_open(const char *url, bool create, store **out);

#endif
