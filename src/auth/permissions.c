/* The role x permission matrix, read once from data/permissions.tsv and
 * data/roles.tsv (compiled into the binary). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/datafile.h"
#include "core/log.h"

#define MAX_ROLES       32 /* bits of permission_entry.roles */
#define MAX_PERMISSIONS 128

typedef struct {
    char code[24];
    char en[64], bs[64], sr[96];
} role_entry;

typedef struct {
    char name[48];
    unsigned roles; /* bit i: roles[i] has it */
} permission_entry;

/* Written once by load() under pthread_once (`loaded`), read-only afterwards: every
 * reader calls pthread_once first, which orders it after the load. */
static role_entry roles[MAX_ROLES];
static size_t n_roles;
static permission_entry permissions[MAX_PERMISSIONS];
static size_t n_permissions;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static int role_index(const char *code) {
    for (size_t i = 0; i < n_roles; i++)
        if (!strcmp(roles[i].code, code)) return (int)i;
    return -1;
}

static void load_role(char *line, void *ctx) {
    (void)ctx;
    char *f[4];
    if (datafile_split_tabs(line, f, 4) < 4) return;
    if (n_roles == MAX_ROLES) {
        log_error("data/roles.tsv: more than %d roles; '%s' ignored", MAX_ROLES, f[0]);
        return;
    }
    role_entry *r = &roles[n_roles++];
    snprintf(r->code, sizeof r->code, "%s", f[0]);
    snprintf(r->en, sizeof r->en, "%s", f[1]);
    snprintf(r->bs, sizeof r->bs, "%s", f[2]);
    snprintf(r->sr, sizeof r->sr, "%s", f[3]);
}

static void load_permission(char *line, void *ctx) {
    (void)ctx;
    char *f[2];
    if (datafile_split_tabs(line, f, 2) < 2 || n_permissions == MAX_PERMISSIONS) return;
    permission_entry *p = &permissions[n_permissions++];
    snprintf(p->name, sizeof p->name, "%s", f[0]);
    char *save = NULL;
    for (char *tok = strtok_r(f[1], " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        int i = role_index(tok);
        if (i < 0)
            log_error("data/permissions.tsv: unknown role '%s' for %s", tok, p->name);
        else
            p->roles |= 1u << i;
    }
}

static void load(void) {
    datafile_each_line("roles.tsv", load_role, NULL);
    datafile_each_line("permissions.tsv", load_permission, NULL);
}

bool auth_role_valid(const char *role) {
    pthread_once(&loaded, load);
    return role && role_index(role) >= 0;
}

void auth_role_codes(char *out, size_t size) {
    pthread_once(&loaded, load);
    size_t used = 0;
    if (size) out[0] = '\0';
    for (size_t i = 0; i < n_roles && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", roles[i].code);
        if (n < 0) break;
        used += (size_t)n;
    }
}

bool auth_allows(const char *role, const char *permission) {
    pthread_once(&loaded, load);
    int r = role ? role_index(role) : -1;
    if (r < 0 || !permission) return false;
    for (size_t i = 0; i < n_permissions; i++)
        if (!strcmp(permissions[i].name, permission)) return (permissions[i].roles >> r) & 1u;
    return false;
}

json_t *auth_matrix_json(void) {
    pthread_once(&loaded, load);
    json_t *rs = json_array();
    for (size_t i = 0; i < n_roles; i++)
        json_array_append_new(rs, json_pack("{s:s,s:s,s:s,s:s}", "code", roles[i].code, "en",
                                            roles[i].en, "bs", roles[i].bs, "sr", roles[i].sr));
    json_t *ps = json_object();
    for (size_t i = 0; i < n_permissions; i++) {
        json_t *allowed = json_array();
        for (size_t r = 0; r < n_roles; r++)
            if ((permissions[i].roles >> r) & 1u)
                json_array_append_new(allowed, json_string(roles[r].code));
        json_object_set_new(ps, permissions[i].name, allowed);
    }
    return json_pack("{s:o,s:o}", "roles", rs, "permissions", ps);
}
