#include "core/actor.h"

#include <stdio.h>
#include <string.h>

#include "core/mem.h"

void actor_system(actor *a, const char *username) {
    memset(a, 0, sizeof *a);
    snprintf(a->username, sizeof a->username, "%s", username ? username : "system");
    snprintf(a->role, sizeof a->role, "admin");
    snprintf(a->address, sizeof a->address, "cli");
    a->all_sites = true;
}

bool actor_has_site(const actor *a, const char *site_id) {
    if (a->all_sites) return true;
    if (!site_id) return false;
    for (size_t i = 0; i < a->n_sites; i++)
        if (!strcmp(a->site_ids[i], site_id)) return true;
    return false;
}

void actor_add_site(actor *a, const char *site_id) {
    a->site_ids = mem_realloc(a->site_ids, (a->n_sites + 1) * sizeof *a->site_ids);
    snprintf(a->site_ids[a->n_sites++], ID_LEN, "%s", site_id);
}

void actor_clear(actor *a) {
    mem_free(a->site_ids);
    a->site_ids = NULL;
    a->n_sites = 0;
}
