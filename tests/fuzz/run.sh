#!/bin/sh
# Runs one libFuzzer harness of the fuzz tree (build-fuzz/, see docs/fuzzing.md).
#
#   run.sh smoke BUILD/fuzz_NAME   every seed of tests/fuzz/corpus/NAME, then
#                                  FUZZ_SMOKE_SECONDS (default 6) of fuzzing; new
#                                  inputs go to a temporary directory (ctest, make test)
#   run.sh fuzz BUILD/fuzz_NAME    FUZZ_SECONDS (default 60) of fuzzing from the seeds
#                                  and FUZZ_CORPUS/NAME (default var/fuzz/NAME, outside
#                                  the tree), which keeps what found new coverage,
#                                  minimised by a merge afterwards (make fuzz)
#
# Options of a harness (-max_len, -dict, ...) are in tests/fuzz/options/NAME, one a
# line. A crash, leak, UB or broken invariant fails with the input saved under
# BUILD/crashes/; replay it with `BUILD/fuzz_NAME FILE`.
set -eu
mode=$1
bin=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
name=$(basename "$bin")
name=${name#fuzz_}
seeds=$here/corpus/$name
if [ ! -x "$bin" ]; then
    echo "$bin is missing: build the fuzz tree with 'make build-fuzz' (clang)" >&2
    exit 1
fi
if [ ! -d "$seeds" ]; then
    echo "no seed corpus $seeds" >&2
    exit 1
fi
crashes=$(dirname "$bin")/crashes
mkdir -p "$crashes"
opts="-rss_limit_mb=2048 -timeout=25 -max_len=4096 -print_final_stats=0"
if [ -f "$here/options/$name" ]; then
    opts="$opts $(grep -v '^#' "$here/options/$name" | sed "s|@FUZZDIR@|$here|g" | tr '\n' ' ')"
fi
# Leaks count; UBSan stops at the first report (the tree is built with
# -fno-sanitize-recover) and prints where.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The harnesses' own files (the shared database) go to a scratch directory removed on
# any exit, a crash included.
scratch=$(mktemp -d /dev/shm/haven-fuzz-$name-XXXXXX 2>/dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/haven-fuzz-$name-XXXXXX")
export FUZZ_TMPDIR="$scratch"
trap 'rm -rf "$scratch"' EXIT
case $mode in
smoke)
    mkdir "$scratch/corpus"
    # shellcheck disable=SC2086
    "$bin" $opts -max_total_time="${FUZZ_SMOKE_SECONDS:-6}" -artifact_prefix="$crashes/$name-" \
        "$scratch/corpus" "$seeds" 2>"$scratch/log" || {
        tail -n 60 "$scratch/log" >&2
        exit 1
    }
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$scratch/log" | sed "s/^/$name: /"
    ;;
fuzz)
    corpus=${FUZZ_CORPUS:-$root/var/fuzz}/$name
    mkdir -p "$corpus"
    # shellcheck disable=SC2086
    "$bin" $opts -max_total_time="${FUZZ_SECONDS:-60}" -artifact_prefix="$crashes/$name-" \
        "$corpus" "$seeds"
    merged=$scratch/merged
    mkdir "$merged"
    # shellcheck disable=SC2086
    "$bin" $opts -merge=1 "$merged" "$corpus" >/dev/null 2>&1 &&
        rm -rf "$corpus" && mv "$merged" "$corpus" || rm -rf "$merged"
    echo "$name: corpus $corpus has $(ls "$corpus" | wc -l) inputs"
    ;;
*)
    echo "usage: run.sh smoke|fuzz BUILD/fuzz_NAME" >&2
    exit 2
    ;;
esac
