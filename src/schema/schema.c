#include "schema/schema.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "distributions/distributions.h"
#include "documents/documents.h"
#include "feedback/feedback.h"
#include "interpreting/interpreting.h"
#include "outreach/outreach.h"
#include "phrasebook/phrasebook.h"
#include "protection/protection.h"
#include "registry/registry.h"
#include "screening/screening.h"
#include "returns/returns.h"
#include "sessions/sessions.h"
#include "sync/sync.h"
#include "stats/stats.h"
#include "families/families.h"

/* Order matters: a module's tables may reference those of modules before it. */
static herr *(*const migrations[])(store *) = {
    audit_migrate,        registry_migrate,     auth_migrate,      protection_migrate,
    stats_migrate,        store_health_migrate, sessions_migrate,  distributions_migrate,
    feedback_migrate,     outreach_migrate,     screening_migrate, phrasebook_migrate,
    interpreting_migrate, returns_migrate,      families_migrate,  documents_migrate,
    sync_migrate,
};

herr *schema_migrate_all(store *s) {
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        herr *e = migrations[i](s);
        if (e) return e;
    }
    return NULL;
}
