/* Small helpers shared by the module's read and write functions. */
#include "core/json.h"
#include "core/mem.h"
#include "protection/protection_internal.h"

void prot_set_col(json_t *obj, const char *key, store_stmt *st, int col) {
    json_set_str(obj, key, store_is_null(st, col) ? NULL : store_text(st, col));
}
