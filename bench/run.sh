#!/bin/sh
# make bench: runs every benchmark program (build/bench_*) and every bench/*.bench.sh
# script. Each prints its figures beside a baseline measured in the same run.
set -eu
cd "$(dirname "$0")/.."
status=0
for b in build/bench_*; do
  [ -x "$b" ] || continue
  echo "== $b"
  "$b" || status=1
done
for s in bench/*.bench.sh; do
  [ -f "$s" ] || continue
  echo "== $s"
  sh "$s" || status=1
done
exit $status
