#!/bin/sh
# HTTP benchmark with wrk on loopback (run by `make bench` through bench/run.sh):
# authenticated reads (person by id, search for "moh ahm", occupancy), registrations,
# logins, and a mixed load with logins beside it; each printed as throughput and p99
# beside a baseline measured in the same run (build/http_baseline: the same reads as bare
# SQLite statements, the registration as a bare INSERT, the login as bare Argon2id).
# Then a soak: the mixed load for SOAK_SECONDS (60; SOAK=1 makes it 600) with the
# server's RSS sampled every 10 s.
#
# Settings (environment): PEOPLE (demo people, 20000), DURATION (seconds per load, 10),
# CONNECTIONS (64), THREADS (wrk threads, 2), SOAK=1 or SOAK_SECONDS.
set -eu
cd "$(dirname "$0")/.."
BIN=build/haven
BASE=build/http_baseline
LUA=bench/wrk/haven.lua
PEOPLE=${PEOPLE:-20000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
if [ "${SOAK:-0}" = 1 ]; then SOAK_SECONDS=${SOAK_SECONDS:-600}; else SOAK_SECONDS=${SOAK_SECONDS:-60}; fi
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)"; exit 1; }
[ -x "$BIN" ] && [ -x "$BASE" ] || { echo "build first: make build"; exit 1; }

dir=$(mktemp -d /tmp/haven-http-bench-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

echo "http: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $PEOPLE demo people"
t0=$(date +%s)
"$BIN" init --db "$dir/h.db" --demo --demo-people "$PEOPLE" --logins-file "$dir/logins.txt" >/dev/null
echo "  demo database made in $(( $(date +%s) - t0 )) s"
password=$(awk '$1 == "admin" { print $3 }' "$dir/logins.txt")
port=$(( 20000 + $$ % 20000 ))
"$BIN" serve --db "$dir/h.db" --listen "127.0.0.1:$port" --quiet --web web >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
for _ in $(seq 50); do grep -q serving "$dir/serve.out" 2>/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$port"
login=$(curl -s -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" "$url/api/v1/session")
TOKEN=$(echo "$login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "login failed: $login"; exit 1; }
PERSON_ID=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/persons?q=moh&limit=1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)
SITE_ID=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/sites" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)
hits=$(curl -s -H "Authorization: Bearer $TOKEN" "$url/api/v1/persons?q=moh%20ahm&limit=50" | grep -o '"reg_no"' | wc -l)
echo "  search \"moh ahm\" finds $hits people (first page of 50)"
export TOKEN PERSON_ID SITE_ID BENCH_USER=admin BENCH_PASSWORD="$password"

rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
load() { # MODE [connections] [timeout]: runs wrk, prints its RESULT line
  MODE=$1 wrk -t"$THREADS" -c"${2:-$CONNECTIONS}" -d"${DURATION}s" --timeout "${3:-10s}" --latency -s "$LUA" "$url" | grep '^RESULT'
}

echo "  baseline (same run): bare statements on $THREADS threads for 5 s each"
"$BASE" "$dir/h.db" "$PERSON_ID" "$SITE_ID" 5 "$THREADS" >"$dir/base.txt"
rss0=$(rss)
printf '  %-10s %12s %10s   %12s %10s   %s\n' what "API req/s" "API p99" "bare ops/s" "bare p99" "ratio"
for mode in person search occupancy register login; do
  timeout=10s; [ "$mode" = login ] && timeout=60s
  r=$(load "$mode" "$CONNECTIONS" "$timeout")
  b=$(grep "^BASE $mode " "$dir/base.txt")
  rps=$(field "$r" rps); p99=$(field "$r" p99_ms); err=$(field "$r" errors)
  brps=$(field "$b" rps); bp99=$(field "$b" p99_ms)
  printf '  %-10s %12s %8s ms   %12s %8s ms   %s%s\n' "$mode" "$rps" "$p99" "$brps" "$bp99" \
    "$(awk -v a="$rps" -v b="$brps" 'BEGIN { printf "%.2f", a / b }')" \
    "$( [ "$err" != 0 ] && echo " ($err errors/timeouts)" )"
done

echo "  mixed: 40% search, 35% person, 15% occupancy, 10% registrations on $(( CONNECTIONS - 4 )) connections,"
echo "         with logins on 4 more connections at the same time"
MODE=login wrk -t1 -c4 -d"${DURATION}s" --timeout 60s --latency -s "$LUA" "$url" | grep '^RESULT' >"$dir/logins.txt" &
lw=$!
m=$(load mixed $(( CONNECTIONS - 4 )))
wait "$lw"
l=$(cat "$dir/logins.txt")
echo "    mixed:  $(field "$m" rps) req/s, p50 $(field "$m" p50_ms) ms, p99 $(field "$m" p99_ms) ms, errors $(field "$m" errors)"
echo "    logins: $(field "$l" rps) req/s, p50 $(field "$l" p50_ms) ms, p99 $(field "$l" p99_ms) ms, errors $(field "$l" errors)"

echo "  soak: mixed load with logins on one connection beside it for $SOAK_SECONDS s;"
echo "        server RSS every 10 s (KiB; a login in flight adds its 64 MiB Argon2id)"
echo "    start $(rss) (before the loads above: $rss0)"
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
