#!/bin/sh
# Quality of `haven match dedup` on the second generator (tools/gen2, written without
# reading the engine): pairwise F1 and cluster F1 with 95% bootstrap intervals, beside
# an exact name + date baseline scored in the same run, on three seeds per size and
# pooled; the dedup wall time per file. Sizes and seeds can be changed with
# HAVEN_GEN2_SIZES and HAVEN_GEN2_SEEDS (default 20000 200000 1000000; 1 2 3); sizes
# of a million and more use the seeds of HAVEN_GEN2_SEEDS_LARGE (default 1: one
# million-record file takes minutes to generate and score on 2 cores).
set -eu
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "node not found: second-generator quality skipped"
  exit 0
fi
sizes=${HAVEN_GEN2_SIZES:-"20000 200000 1000000"}
all_seeds=${HAVEN_GEN2_SEEDS:-"1 2 3"}
large_seeds=${HAVEN_GEN2_SEEDS_LARGE:-"1"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for n in $sizes; do
  dirs=""
  seeds=$all_seeds
  [ "$n" -ge 1000000 ] && seeds=$large_seeds
  t0=$(date +%s)
  for s in $seeds; do
    d="$tmp/n$n-seed$s"
    node tools/gen2/gen2.mjs --n "$n" --seed "$s" --out "$d"
    dirs="$dirs $d"
  done
  boot=1000
  [ "$n" -gt 100000 ] && boot=200
  echo "-- gen2, $n records, seeds $seeds (generated in $(( $(date +%s) - t0 )) s; bootstrap $boot)"
  # shellcheck disable=SC2086
  node --max-old-space-size=6144 tools/gen2/eval.mjs --boot "$boot" $dirs
  # shellcheck disable=SC2086
  rm -rf $dirs
done
