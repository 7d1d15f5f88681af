/* schema: brings a database up to date with every module's migrations, in the order
 * of their dependencies. The one list of modules that own tables. */
#ifndef HAVEN_SCHEMA_SCHEMA_H
#define HAVEN_SCHEMA_SCHEMA_H

#include "core/err.h"
#include "store/store.h"

herr *schema_migrate_all(store *s);

#endif
