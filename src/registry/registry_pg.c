/* The registry's SQL for PostgreSQL where SQLite's differs: the name index. On SQLite
 * it is an FTS5 table keyed by the person's rowid; PostgreSQL has neither, so persons
 * get a rowid column of their own (numbered in insertion order as SQLite's are),
 * person_words becomes a plain table the same writes keep, and a name search reads
 * person_tokens (the source of truth) by prefix on its primary key. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "registry/registry_internal.h"

const char registry_pg_migration_6[] =
    "ALTER TABLE persons ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;"
    "CREATE TABLE person_words (rowid BIGINT PRIMARY KEY, words TEXT NOT NULL);";

/* Up to three words: each a prefix of one of the person's tokens (byte order) or
 * equal to its skeleton. */
#define PG_WORD(n)                                                                                 \
    " AND (:w" #n " IS NULL OR EXISTS (SELECT 1 FROM person_tokens t WHERE t.person_id = p.id"     \
    " AND ((t.token COLLATE \"C\" >= :w" #n " AND t.token COLLATE \"C\" < :w" #n "_end)"           \
    " OR t.token = :s" #n ")))"

const char registry_pg_by_words_sql[] =
    "SELECT " REGISTRY_PERSON_COLUMNS " FROM persons p"
    " WHERE p.merged_into IS NULL" PG_WORD(1) PG_WORD(2) PG_WORD(
        3) " AND (:cursor IS NULL OR p.rowid < (SELECT c.rowid FROM persons c WHERE c.id = :cursor))"
           " AND (:site IS NULL OR p.registration_site_id = :site OR EXISTS"
           "  (SELECT 1 FROM stays ss WHERE ss.person_id = p.id AND ss.site_id = :site))"
           " AND " REGISTRY_PERSON_SCOPE " ORDER BY p.rowid DESC LIMIT :limit";

bool registry_pg_bind_words(store_stmt *st, const char *q, herr **err) {
    char *folded = NULL, *save = NULL;
    *err = text_fold(q, &folded);
    if (*err) return false;
    int n = 0;
    for (char *tok = strtok_r(folded, " ", &save); tok && n < 3;
         tok = strtok_r(NULL, " ", &save), n++) {
        char w[16], w_end[16], s[16], skel[64];
        char *end = mem_printf("%s\xf4\x8f\xbf\xbf", tok);
        registry_word_skeleton(tok, skel, sizeof skel);
        snprintf(w, sizeof w, ":w%d", n + 1);
        snprintf(w_end, sizeof w_end, ":w%d_end", n + 1);
        snprintf(s, sizeof s, ":s%d", n + 1);
        store_bind_text(st, w, tok);
        store_bind_text(st, w_end, end);
        store_bind_text(st, s, skel[0] ? skel : NULL);
        mem_free(end);
    }
    for (int i = n; i < 3; i++) {
        char w[16], w_end[16], s[16];
        snprintf(w, sizeof w, ":w%d", i + 1);
        snprintf(w_end, sizeof w_end, ":w%d_end", i + 1);
        snprintf(s, sizeof s, ":s%d", i + 1);
        store_bind_null(st, w);
        store_bind_null(st, w_end);
        store_bind_null(st, s);
    }
    mem_free(folded);
    return n > 0;
}
