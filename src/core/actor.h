/* actor: who is doing something, passed from the API or CLI down to every module so
 * that it can scope reads to the actor's sites and put a name on audit entries. */
#ifndef HAVEN_CORE_ACTOR_H
#define HAVEN_CORE_ACTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/id.h"

typedef struct actor {
    char user_id[ID_LEN]; /* empty for the command line's system actor */
    char username[65];
    char role[24];
    bool all_sites; /* admin, and the command line */
    char (*site_ids)[ID_LEN];
    size_t n_sites;
    char address[64]; /* client address, or "cli" */
} actor;

/* The actor the command line runs as: role admin, all sites. */
void actor_system(actor *a, const char *username);

/* True when the actor may see records of the site. */
bool actor_has_site(const actor *a, const char *site_id);

/* Adds a site to the actor's list. */
void actor_add_site(actor *a, const char *site_id);

/* Frees the site list (the struct itself belongs to the caller). */
void actor_clear(actor *a);

#endif
