#!/bin/sh
# Grows a demo registry to a large size quickly, for benchmarks only (never for a real
# database): every person of the database (not merged) is copied COPIES times in SQL,
# with the registry's derived rows copied alongside, so that a 1,000,000-person registry
# takes minutes instead of the hours `haven init --demo --demo-people 1000000` would
# (each demo person is a validated, audited registration with stays: on this 2-core
# machine 170-390 people a second on SQLite, 27 on PostgreSQL; docs/benchmarks.md).
#
#   bench/grow_registry.sh DB COPIES     DB: a SQLite file or a postgresql:// URL
#
# Each copy k (1..COPIES) of a person keeps the names, sex, citizenship, languages,
# registration site and time; it gets a new id (the original's time-ordered prefix, a
# new random tail), the registration number "<original>-<k>", a birth date k mod 25
# years earlier (and, for k >= 25, an exact date with a day up to 28, k div 25 months later),
# and no phone. Copied alongside: the person's search tokens (person_tokens, which are
# computed from the names only) and its name-index row (person_words). Not copied:
# stays, audit entries, documents, sync changes (capture is off while copying).
# So the copies are namesakes of the demo's people born in other years: the name
# frequencies are the demo generator's, with 1 + COPIES times as many people per name.
set -eu
db=$1 copies=$2
case $copies in '' | *[!0-9]*) echo "COPIES must be a number" >&2; exit 2 ;; esac
case $db in
postgresql://* | postgres://*)
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
BEGIN;
UPDATE sync_state SET capture = 0;
CREATE TEMP TABLE grow_k AS SELECT generate_series(1, $copies) AS k;
CREATE TEMP TABLE grow_map AS
  SELECT p.id AS orig, k.k, substr(p.id, 1, 24) || substr(md5(p.id || k.k || random()), 1, 12) AS id
  FROM persons p CROSS JOIN grow_k k WHERE p.merged_into IS NULL;
INSERT INTO persons (id, reg_no, given_name, family_name, native_name, sex, birth_date,
  birth_date_precision, citizenship, languages, phone, phone_digits, registration_site_id,
  registered_at, search_key, merged_into, created_at, updated_at)
SELECT m.id, p.reg_no || '-' || m.k, p.given_name, p.family_name, p.native_name, p.sex,
  CASE WHEN p.birth_date IS NULL THEN NULL
       ELSE lpad((substr(p.birth_date, 1, 4)::int - m.k % 25)::text, 4, '0') || '-' ||
         CASE WHEN m.k >= 25 AND p.birth_date_precision = 'exact' AND substr(p.birth_date, 9, 2)::int <= 28
              THEN lpad(((substr(p.birth_date, 6, 2)::int - 1 + m.k / 25) % 12 + 1)::text, 2, '0')
              ELSE substr(p.birth_date, 6, 2) END || substr(p.birth_date, 8) END,
  p.birth_date_precision, p.citizenship, p.languages, NULL, NULL, p.registration_site_id,
  p.registered_at, p.search_key, NULL, p.created_at, p.updated_at
FROM grow_map m JOIN persons p ON p.id = m.orig ORDER BY m.id;
INSERT INTO person_tokens (token, person_id)
  SELECT t.token, m.id FROM grow_map m JOIN person_tokens t ON t.person_id = m.orig;
INSERT INTO person_words (rowid, words)
  SELECT c.rowid, w.words FROM grow_map m JOIN persons c ON c.id = m.id
  JOIN persons o ON o.id = m.orig JOIN person_words w ON w.rowid = o.rowid;
UPDATE sync_state SET capture = 1;
COMMIT;
ANALYZE;
SQL
  ;;
*)
  [ -f "$db" ] || { echo "$db: no such database" >&2; exit 2; }
  sqlite3 -bail "$db" <<SQL
.timeout 10000
BEGIN IMMEDIATE;
UPDATE sync_state SET capture = 0;
CREATE TEMP TABLE grow_k AS WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < $copies) SELECT k FROM n;
CREATE TEMP TABLE grow_map AS
  SELECT p.id AS orig, k.k, substr(p.id, 1, 24) || lower(hex(randomblob(6))) AS id
  FROM persons p CROSS JOIN grow_k k WHERE p.merged_into IS NULL;
INSERT INTO persons (id, reg_no, given_name, family_name, native_name, sex, birth_date,
  birth_date_precision, citizenship, languages, phone, phone_digits, registration_site_id,
  registered_at, search_key, merged_into, created_at, updated_at)
SELECT m.id, p.reg_no || '-' || m.k, p.given_name, p.family_name, p.native_name, p.sex,
  CASE WHEN p.birth_date IS NULL THEN NULL
       ELSE printf('%04d', CAST(substr(p.birth_date, 1, 4) AS INTEGER) - m.k % 25) || '-' ||
         CASE WHEN m.k >= 25 AND p.birth_date_precision = 'exact' AND CAST(substr(p.birth_date, 9, 2) AS INTEGER) <= 28
              THEN printf('%02d', (CAST(substr(p.birth_date, 6, 2) AS INTEGER) - 1 + m.k / 25) % 12 + 1)
              ELSE substr(p.birth_date, 6, 2) END || substr(p.birth_date, 8) END,
  p.birth_date_precision, p.citizenship, p.languages, NULL, NULL, p.registration_site_id,
  p.registered_at, p.search_key, NULL, p.created_at, p.updated_at
FROM grow_map m JOIN persons p ON p.id = m.orig ORDER BY m.id;
INSERT INTO person_tokens (token, person_id)
  SELECT t.token, m.id FROM grow_map m JOIN person_tokens t ON t.person_id = m.orig;
INSERT INTO person_words (rowid, words)
  SELECT c.rowid, w.words FROM grow_map m JOIN persons c ON c.id = m.id
  JOIN persons o ON o.id = m.orig JOIN person_words w ON w.rowid = o.rowid;
UPDATE sync_state SET capture = 1;
COMMIT;
ANALYZE;
SQL
  ;;
esac
