#!/bin/sh
# Identity matching against PostgreSQL: the same generated records deduplicated by
# `haven match dedup` and by a pg_trgm + fuzzystrmatch self-join blocked on birth
# year (trigram similarity of the full name >= 0.5, or equal double metaphone of both
# names), both timed in this run and scored against the generator's truth.
# PostgreSQL runs from a temporary directory on a loopback port as user postgres.
# N defaults to 20000 (BENCH_MATCH_PG_N): the blocked self-join grows with the square
# of a year block, so its 1M time is extrapolated (and said to be) from this N.
set -eu
cd "$(dirname "$0")/.."
N=${BENCH_MATCH_PG_N:-20000}
PGBIN=/usr/lib/postgresql/15/bin
PORT=${BENCH_MATCH_PG_PORT:-54329}
TMP=$(mktemp -d /tmp/haven-match-pg-XXXXXX)
chmod 755 "$TMP"
cleanup() {
  [ -f "$TMP/pg/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

./build/haven demo people --n "$N" --seed 3 --out "$TMP/data" >/dev/null
now() { date +%s.%N; }

# F1 of a pairs file (id_a,id_b,... with a header) against truth.csv.
score() {
  awk -F, 'FNR==1{next} NR==FNR{p[$1]=$2; c[$2]++; next} {n++; if (p[$1]==p[$2]) tp++}
    END{for (k in c) t+=c[k]*(c[k]-1)/2; P=n?tp/n:1; R=t?tp/t:1;
        printf "P=%.3f R=%.3f F1=%.3f pairs=%d", P, R, (P+R)?2*P*R/(P+R):0, n}' \
    "$TMP/data/truth.csv" "$1"
}

t0=$(now)
./build/haven match dedup "$TMP/data/people.csv" >"$TMP/haven.csv"
t1=$(now)
haven_s=$(echo "$t1 - $t0" | bc -l)
haven_q=$(score "$TMP/haven.csv")

if ! id postgres >/dev/null 2>&1 || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL cannot be started here (no postgres user or no $PGBIN); haven: $haven_q time=${haven_s}s"
  exit 0
fi
chown -R postgres "$TMP"
runuser -u postgres -- "$PGBIN/initdb" -D "$TMP/pg" -A trust -E UTF8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg.log" \
  -o "-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c work_mem=64MB" \
  -w start >/dev/null
PSQL="runuser -u postgres -- psql -h 127.0.0.1 -p $PORT -d postgres -q -v ON_ERROR_STOP=1"
$PSQL <<SQL
CREATE EXTENSION pg_trgm;
CREATE EXTENSION fuzzystrmatch;
CREATE TABLE people (id text, given_name text, family_name text, sex text,
                     birth_date text, citizenship text);
\copy people FROM '$TMP/data/people.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE p AS SELECT id, lower(given_name || ' ' || family_name) AS name,
  dmetaphone(given_name) AS mg, dmetaphone(family_name) AS mf,
  substr(birth_date, 1, 4) AS year FROM people WHERE birth_date <> '';
CREATE INDEX ON p (year);
ANALYZE p;
SQL
t2=$(now)
$PSQL -c "\\copy (SELECT a.id, b.id, round(similarity(a.name, b.name)::numeric, 4) FROM p a JOIN p b ON a.year = b.year AND a.id < b.id WHERE similarity(a.name, b.name) >= 0.5 OR (a.mg <> '' AND a.mg = b.mg AND a.mf = b.mf)) TO '$TMP/pg_pairs.csv' WITH (FORMAT csv)"
t3=$(now)
pg_s=$(echo "$t3 - $t2" | bc -l)
{ echo "id_a,id_b,score"; cat "$TMP/pg_pairs.csv"; } >"$TMP/pg.csv"
pg_q=$(score "$TMP/pg.csv")
echo "identity matching vs PostgreSQL, $N generated records (seed 3), same run:"
printf "  PostgreSQL pg_trgm+dmetaphone self-join in year blocks: %s time=%.2fs\n" "$pg_q" "$pg_s"
printf "  haven match dedup (whole command, CSV in and out):      %s time=%.2fs\n" "$haven_q" "$haven_s"
printf "  haven is %.1fx faster at this N\n" "$(echo "$pg_s / $haven_s" | bc -l)"
printf "  PostgreSQL extrapolated to 1,000,000 records (quadratic in year blocks, from N=%s): %.0f s\n" \
  "$N" "$(echo "$pg_s * (1000000 / $N)^2" | bc -l)"
