/* Internal to the families module. */
#ifndef HAVEN_FAMILIES_INTERNAL_H
#define HAVEN_FAMILIES_INTERNAL_H

#include "families/families.h"

/* The family row ({"id","site_id","name","note","created_at"}) with its members'
 * rows ({"person_id","relation","separation","guardian_person_id"}, head first), and
 * whether the actor may see it. ERR_NOT_FOUND when there is no such family or the
 * actor may not see it. */
herr *fam_load(store *s, const actor *a, const char *id, json_t **family, json_t **members);

/* Prefixes an error's field with prefix ("members.0.") and returns it. */
herr *fam_prefix(herr *e, const char *prefix);

#endif
