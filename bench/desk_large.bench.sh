#!/bin/sh
# Registration with candidates on a large registry, PostgreSQL beside SQLite in the same
# run (run by `make bench` through bench/run.sh; long: minutes, never part of make test).
#
# Each backend gets the same registry: `haven init --demo --demo-people LARGE_DEMO`
# (20,000 people: validated, audited registrations with their stays), grown to
# LARGE_PERSONS (1,000,000) by bench/grow_registry.sh (namesakes of the demo's people
# born in other years, copied in SQL: see that script for what is and is not copied).
# Then `haven serve` on it (the time until it serves includes loading the match index),
# and bench/desk_candidates.mjs: DESK_N (300) people sampled from the registry are
# registered again as a desk would, each one the candidates call while typing
# (POST /api/v1/persons/candidates) then the registration (POST /api/v1/persons), one
# after another on one connection; p50 and p99 of each call and of the pair.
#
# PostgreSQL is started from Debian's packages (tests/pg/cluster.sh) in a temporary
# directory on 127.0.0.1:PG_PORT (55441) with fsync on, and stopped on exit; without
# the postgresql package, or with NO_PG=1, only SQLite is measured. NO_SQLITE=1 skips
# SQLite.
set -eu
cd "$(dirname "$0")/.."
BIN=build/haven
LARGE_PERSONS=${LARGE_PERSONS:-1000000}
LARGE_DEMO=${LARGE_DEMO:-20000}
DESK_N=${DESK_N:-300}
PG_PORT=${PG_PORT:-55441}
[ -x "$BIN" ] || { echo "build first: make build"; exit 1; }
command -v node >/dev/null || { echo "node is not installed"; exit 1; }

dir=$(mktemp -d /tmp/haven-desk-bench-XXXXXX)
pgdir=""
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null
  [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

backends=""
[ "${NO_SQLITE:-0}" = 1 ] || backends="sqlite"
if [ "${NO_PG:-0}" = 1 ]; then
  echo "  PostgreSQL skipped: NO_PG=1"
elif ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null; then
  echo "  PostgreSQL skipped: it is not installed (make pg-deps installs postgresql)"
else
  backends="$backends postgresql"
fi

echo "desk on a large registry: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); $LARGE_PERSONS people grown from a demo of" \
  "$LARGE_DEMO; $DESK_N registrations with candidates, one desk"
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
count() { # DB SQL: one number
  case $1 in postgresql://*) psql -X -tA -d "$1" -c "$2" ;; *) sqlite3 "$1" "$2" ;; esac
}
port=$(( 20000 + $$ % 20000 ))

for b in $backends; do
  key="$dir/$b.key"
  if [ "$b" = postgresql ]; then
    pgdir=$(mktemp -d /tmp/haven-desk-bench-pg-XXXXXX)
    pgbase=$(PG_EXTRA_OPTIONS="-c fsync=on" tests/pg/cluster.sh start "$pgdir" "$PG_PORT")
    psql -X -q -d "$pgbase/postgres" -c "CREATE DATABASE haven_desk"
    db="$pgbase/haven_desk"
  else
    db="$dir/h.db"
    key="$db.key"
  fi
  t0=$(date +%s)
  HAVEN_KEY_FILE=$key "$BIN" init --db "$db" --demo --demo-people "$LARGE_DEMO" --logins-file "$dir/logins.$b" >/dev/null 2>&1
  t1=$(date +%s)
  have=$(count "$db" "SELECT COUNT(*) FROM persons WHERE merged_into IS NULL")
  copies=$(( (LARGE_PERSONS + have - 1) / have - 1 ))
  [ "$copies" -gt 0 ] && sh bench/grow_registry.sh "$db" "$copies"
  t2=$(date +%s)
  total=$(count "$db" "SELECT COUNT(*) FROM persons")
  # The desk's sample, drawn before the server starts: people to register again, at
  # random on the first backend, the same people (by registration number: the demo and
  # its growth are the same on both) on the next.
  if [ -f "$dir/sample.regnos" ]; then
    which="reg_no IN ($(sed "s/.*/'&'/" "$dir/sample.regnos" | paste -sd,))"
  else
    which="id IN (SELECT id FROM persons ORDER BY random() LIMIT $DESK_N)"
  fi
  count "$db" "SELECT given_name || '	' || family_name || '	' || sex || '	' ||
    COALESCE(birth_date, '') || '	' || COALESCE(birth_date_precision, '') || '	' ||
    citizenship || '	' || registration_site_id || '	' || reg_no FROM persons
    WHERE $which ORDER BY reg_no" >"$dir/sample.tsv"
  [ -f "$dir/sample.regnos" ] || cut -f8 "$dir/sample.tsv" >"$dir/sample.regnos"
  size=$(case $db in postgresql://*) count "$db" "SELECT pg_size_pretty(pg_database_size(current_database()))" ;;
    *) du -h "$db" | cut -f1 ;; esac)
  echo "  $b: demo of $have people in $((t1 - t0)) s; grown to $total people ($copies copies) in $((t2 - t1)) s; $size"
  port=$((port + 1))
  t0=$(date +%s.%N)
  HAVEN_KEY_FILE=$key "$BIN" serve --db "$db" --listen "127.0.0.1:$port" --quiet >"$dir/serve.out" 2>"$dir/serve.err" &
  pid=$!
  for _ in $(seq 3000); do grep -q serving "$dir/serve.out" 2>/dev/null && break; sleep 0.2; done
  grep -q serving "$dir/serve.out" || { echo "  $b: haven serve did not start: $(cat "$dir/serve.err")"; exit 1; }
  started=$(echo "$(date +%s.%N) - $t0" | bc -l)
  # The match index is loaded on the first request that needs it, or at start: one
  # candidates call before the clock starts, timed apart.
  password=$(awk '$1 == "admin" { print $3 }' "$dir/logins.$b")
  head -1 "$dir/sample.tsv" >"$dir/first.tsv"
  t0=$(date +%s.%N)
  node bench/desk_candidates.mjs "http://127.0.0.1:$port" admin "$password" "$dir/first.tsv" >/dev/null
  first=$(echo "$(date +%s.%N) - $t0" | bc -l)
  r=$(node bench/desk_candidates.mjs "http://127.0.0.1:$port" admin "$password" "$dir/sample.tsv")
  rss=$(awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  printf '  %s: serving after %.1f s, first desk call (login, candidates, registration) %.1f s, RSS %s MB\n' \
    "$b" "$started" "$first" "$rss"
  echo "  $b: $r"
  echo "$b $total $r" >>"$dir/results"
  if [ "$b" = postgresql ]; then tests/pg/cluster.sh stop "$pgdir"; pgdir=""; fi
done

printf '  %-11s %9s %19s %19s %19s %s\n' backend people "candidates p50/p99" "register p50/p99" "pair p50/p99" "with candidates (mean)"
while read -r b total r; do
  printf '  %-11s %9s %8s / %6s ms %8s / %6s ms %8s / %6s ms %s of %s (%s)\n' "$b" "$total" \
    "$(field "$r" cand_p50_ms)" "$(field "$r" cand_p99_ms)" "$(field "$r" reg_p50_ms)" \
    "$(field "$r" reg_p99_ms)" "$(field "$r" pair_p50_ms)" "$(field "$r" pair_p99_ms)" \
    "$(field "$r" with_candidates)" "$(field "$r" n)" "$(field "$r" mean_candidates)"
done <"$dir/results"
