#!/bin/sh
# HTTP benchmark with wrk on loopback (run by `make bench` through bench/run.sh):
# authenticated reads (person by id, search for "moh ahm", occupancy), registrations,
# logins, and a mixed load with logins beside it, measured on SQLite and on PostgreSQL
# in the same run (the same demo size and wrk settings, one server at a time), printed
# side by side with the ratio PostgreSQL/SQLite, and beside a baseline measured in the
# same run (build/http_baseline: the same reads as bare SQLite statements, the
# registration as a bare INSERT, the login as bare Argon2id). Then a soak on SQLite:
# the mixed load for SOAK_SECONDS (60; SOAK=1 makes it 600) with the server's RSS
# sampled every 10 s.
#
# PostgreSQL is started from Debian's packages (tests/pg/cluster.sh) in a temporary
# directory on 127.0.0.1:PG_PORT (55441), with fsync on (SQLite runs synchronous=FULL),
# and stopped on exit; without the postgresql package the PostgreSQL half is skipped.
#
# Settings (environment): PEOPLE (demo people, 20000), DURATION (seconds per load, 10),
# CONNECTIONS (64), THREADS (wrk threads, 2), SOAK=1 or SOAK_SECONDS, PG_PORT, NO_PG=1.
set -eu
cd "$(dirname "$0")/.."
BIN=build/haven
BASE=build/http_baseline
LUA=bench/wrk/haven.lua
PEOPLE=${PEOPLE:-20000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PG_PORT=${PG_PORT:-55441}
if [ "${SOAK:-0}" = 1 ]; then SOAK_SECONDS=${SOAK_SECONDS:-600}; else SOAK_SECONDS=${SOAK_SECONDS:-60}; fi
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)"; exit 1; }
[ -x "$BIN" ] && [ -x "$BASE" ] || { echo "build first: make build"; exit 1; }

dir=$(mktemp -d /tmp/haven-http-bench-XXXXXX)
pgdir=""
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null
  [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

pg=1
if [ "${NO_PG:-0}" = 1 ]; then
  pg=0; pg_why="NO_PG=1"
elif ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null; then
  pg=0; pg_why="PostgreSQL is not installed (make pg-deps installs postgresql)"
fi

echo "http: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $PEOPLE demo people"
t0=$(date +%s)
"$BIN" init --db "$dir/h.db" --demo --demo-people "$PEOPLE" --logins-file "$dir/logins.sqlite" >/dev/null 2>&1
echo "  SQLite demo database made in $(( $(date +%s) - t0 )) s"
if [ "$pg" = 1 ]; then
  pgdir=$(mktemp -d /tmp/haven-http-bench-pg-XXXXXX)
  # The throwaway cluster's fsync=off would flatter the writes: fsync on, as SQLite's FULL.
  pgbase=$(PG_EXTRA_OPTIONS="-c fsync=on" tests/pg/cluster.sh start "$pgdir" "$PG_PORT")
  psql -X -q -d "$pgbase/postgres" -c "CREATE DATABASE haven_bench"
  pgurl="$pgbase/haven_bench"
  t0=$(date +%s)
  HAVEN_KEY_FILE="$dir/pg.key" "$BIN" init --db "$pgurl" --demo --demo-people "$PEOPLE" --logins-file "$dir/logins.postgresql" >/dev/null 2>&1
  echo "  PostgreSQL $(psql -X -tA -d "$pgurl" -c 'SHOW server_version' | cut -d' ' -f1) demo database made in $(( $(date +%s) - t0 )) s"
else
  echo "  PostgreSQL half skipped: $pg_why"
fi

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }
load() { # MODE [connections] [timeout]: runs wrk, prints its RESULT line
  MODE=$1 wrk -t"$THREADS" -c"${2:-$CONNECTIONS}" -d"${DURATION}s" --timeout "${3:-10s}" --latency -s "$LUA" "$url" | grep '^RESULT'
}

# serve NAME DB [KEY_FILE]: starts haven serve on DB, logs in as admin, sets url and the
# ids the loads use (exported for bench/wrk/haven.lua).
servers=0
serve() {
  password=$(awk '$1 == "admin" { print $3 }' "$dir/logins.$1")
  servers=$((servers + 1))
  port=$(( 20000 + ($$ + servers) % 20000 ))
  HAVEN_KEY_FILE=${3:-$2.key} "$BIN" serve --db "$2" --listen "127.0.0.1:$port" --quiet --web web >"$dir/serve.out" 2>"$dir/serve.err" &
  pid=$!
  for _ in $(seq 150); do grep -q serving "$dir/serve.out" 2>/dev/null && break; sleep 0.2; done
  url="http://127.0.0.1:$port"
  login=$(curl -s -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$url/api/v1/session")
  TOKEN=$(echo "$login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$TOKEN" ] || { echo "login failed on $1: $login $(cat "$dir/serve.err")"; exit 1; }
  PERSON_ID=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/persons?q=moh&limit=1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)
  SITE_ID=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/sites" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)
  hits=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/persons?q=moh%20ahm&limit=50" | grep -o '"reg_no"' | wc -l)
  echo "  $1: search \"moh ahm\" finds $hits people (first page of 50)"
  export TOKEN PERSON_ID SITE_ID BENCH_USER=admin BENCH_PASSWORD="$password"
}

stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# loads NAME: every load and the mixed one with logins beside, into $dir/NAME.MODE.
loads() {
  for mode in person search occupancy register login; do
    timeout=10s; [ "$mode" = login ] && timeout=60s
    load "$mode" "$CONNECTIONS" "$timeout" >"$dir/$1.$mode"
  done
  MODE=login wrk -t1 -c4 -d"${DURATION}s" --timeout 60s --latency -s "$LUA" "$url" | grep '^RESULT' >"$dir/$1.beside" &
  lw=$!
  load mixed $(( CONNECTIONS - 4 )) >"$dir/$1.mixed"
  wait "$lw"
}

serve sqlite "$dir/h.db"
echo "  baseline (same run): bare statements on the SQLite file, $THREADS threads for 5 s each"
"$BASE" "$dir/h.db" "$PERSON_ID" "$SITE_ID" 5 "$THREADS" >"$dir/base.txt"
rss0=$(rss)
echo "  loads on SQLite..."
loads sqlite
if [ "$pg" = 1 ]; then
  stop
  serve postgresql "$pgurl" "$dir/pg.key"
  echo "  loads on PostgreSQL..."
  loads postgresql
  stop
  serve sqlite "$dir/h.db" >/dev/null # the soak below runs on SQLite
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
errs() { e=$(field "$2" errors); [ -n "$e" ] && [ "$e" != 0 ] && printf ' (%s: %s errors/timeouts)' "$1" "$e"; true; }
ms() { [ -n "$1" ] && printf '%s ms' "$1"; true; }
printf '  %-10s %19s %19s %7s %19s %9s\n' what "SQLite req/s, p99" "PostgreSQL req/s, p99" "PG/SQL" "bare ops/s, p99" "SQL/bare"
for mode in person search occupancy register login mixed beside; do
  s=$(cat "$dir/sqlite.$mode"); p=""; [ "$pg" = 1 ] && p=$(cat "$dir/postgresql.$mode")
  b=$(grep "^BASE $mode " "$dir/base.txt" || true)
  label=$mode; [ "$mode" = beside ] && label="logins*"
  printf '  %-10s %9s %9s %9s %9s %7s %9s %9s %9s%s%s\n' "$label" \
    "$(field "$s" rps)" "$(ms "$(field "$s" p99_ms)")" "$(field "$p" rps)" "$(ms "$(field "$p" p99_ms)")" \
    "$(ratio "$(field "$p" rps)" "$(field "$s" rps)")" "$(field "$b" rps)" "$(ms "$(field "$b" p99_ms)")" \
    "$(ratio "$(field "$s" rps)" "$(field "$b" rps)")" "$(errs SQLite "$s")" "$(errs PostgreSQL "$p")"
done
echo "  mixed: 40% search, 35% person, 15% occupancy, 10% registrations on $(( CONNECTIONS - 4 )) connections;"
echo "  logins*: logins on 4 more connections beside the mixed load. PG/SQL is the throughput ratio."
for b in sqlite postgresql; do
  [ -f "$dir/$b.mixed" ] || continue
  m=$(cat "$dir/$b.mixed")
  echo "  $b mixed p50 $(field "$m" p50_ms) ms, p99 $(field "$m" p99_ms) ms"
done

echo "  soak: mixed load with logins on one connection beside it for $SOAK_SECONDS s;"
echo "        server RSS every 10 s (KiB; a login in flight adds its 64 MiB Argon2id)"
echo "    start $(rss) (the SQLite server before the loads above: $rss0)"
DURATION=$SOAK_SECONDS
MODE=login wrk -t1 -c1 -d"${SOAK_SECONDS}s" --timeout 60s -s "$LUA" "$url" >/dev/null &
lw=$!
MODE=mixed wrk -t"$THREADS" -c$(( CONNECTIONS - 1 )) -d"${SOAK_SECONDS}s" --timeout 20s --latency -s "$LUA" "$url" >"$dir/soak.txt" &
sw=$!
elapsed=0
curve=""
while [ "$elapsed" -lt "$SOAK_SECONDS" ]; do
  sleep 10
  elapsed=$((elapsed + 10))
  now=$(rss)
  curve="$curve $now"
  echo "    ${elapsed}s $now"
done
wait "$sw" "$lw"
s=$(grep '^RESULT' "$dir/soak.txt")
half=$(echo "$curve" | awk '{ n = NF / 2; a = 1e12; b = 1e12; for (i = 1; i <= NF; i++) if (i <= n) { if ($i < a) a = $i } else if ($i < b) b = $i; printf "lowest in the first half %d KiB, in the second half %d KiB", a, b }')
echo "    soak mixed: $(field "$s" rps) req/s, p99 $(field "$s" p99_ms) ms, errors $(field "$s" errors); RSS $half"
sleep 2
echo "    after the load: $(rss) KiB"
