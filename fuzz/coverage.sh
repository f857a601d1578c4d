#!/usr/bin/env bash
# coverage.sh - line and branch coverage of alloc/src reached by replaying corpus/.
#
# Usage: fuzz/coverage.sh [--src DIR] [--work DIR] [--corpus DIR]
#   --src     project source folder (default: this script's parent)
#   --work    scratch folder for the nested build and the reports
#             (default: SRC/build/coverage)
#   --corpus  what to replay (default: SRC/corpus)
# Env: COVERAGE_MIN_LINES (default 95), COVERAGE_MIN_BRANCHES (default 90):
#   exit 1 when the alloc/src totals fall below them (0 turns a check off).
# Builds fuzz_replay with clang -fprofile-instr-generate -fcoverage-mapping
# (a nested configure with ALLOC_COVERAGE=ON, ALLOC_DEBUG=2), replays the
# corpus, prints `llvm-cov-14 report` for alloc/src and writes HTML to
# WORK/html/index.html.  `make coverage` runs it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here") work="" corpus=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --src) src=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    *) echo "coverage.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
work=${work:-$src/build/coverage}
corpus=${corpus:-$src/corpus}
min_lines=${COVERAGE_MIN_LINES:-95}
min_branches=${COVERAGE_MIN_BRANCHES:-90}
for tool in clang llvm-profdata-14 llvm-cov-14; do
  command -v "$tool" >/dev/null || { echo "coverage.sh: $tool not found (apt-get install clang llvm-14)" >&2; exit 2; }
done

echo "coverage: configuring $work/build (clang, ALLOC_COVERAGE=ON)"
cmake -S "$src" -B "$work/build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DALLOC_COVERAGE=ON -DALLOC_DEBUG=2 -DALLOC_FUZZ_ENGINE=none \
  -DALLOC_BUILD_TESTS=OFF -DALLOC_BUILD_BENCH=OFF -DALLOC_WERROR=ON >"$work.configure.log" 2>&1 ||
  { cat "$work.configure.log" >&2; exit 1; }
echo "coverage: building fuzz_replay"
cmake --build "$work/build" --target fuzz_replay -j "$(nproc)" >"$work.build.log" 2>&1 ||
  { cat "$work.build.log" >&2; exit 1; }
bin="$work/build/fuzz/fuzz_replay"
rm -rf "$work/profraw" && mkdir -p "$work/profraw"
echo "coverage: replaying $corpus"
LLVM_PROFILE_FILE="$work/profraw/replay-%p.profraw" "$bin" "$corpus"
llvm-profdata-14 merge -sparse "$work"/profraw/*.profraw -o "$work/replay.profdata"
# Only alloc/src counts (DESIGN.md): the harness, tools and the public headers (rp.h's inline fast
# path runs only in unchecked builds; test_rp_fast covers it) are filtered out.
ignore='/(fuzz|bench|ci|tests)/|/alloc/include/|/usr/'
llvm-cov-14 report "$bin" -instr-profile="$work/replay.profdata" -ignore-filename-regex="$ignore" \
  -show-branch-summary | tee "$work/report.txt"
rm -rf "$work/html"
llvm-cov-14 show "$bin" -instr-profile="$work/replay.profdata" -ignore-filename-regex="$ignore" \
  -show-branches=count -format=html -output-dir="$work/html" >/dev/null
echo "coverage: HTML report in $work/html/index.html"

# TOTAL: regions missed cover functions missed executed lines missed cover branches missed cover
read -r lines branches < <(awk '/^TOTAL/ { l = $10; b = $13; gsub("%", "", l); gsub("%", "", b); print l, b }' \
  "$work/report.txt")
echo "coverage: alloc/src lines ${lines}% (min ${min_lines}), branches ${branches}% (min ${min_branches})"
awk -v l="$lines" -v b="$branches" -v ml="$min_lines" -v mb="$min_branches" \
  'BEGIN { exit !((ml == 0 || l + 0 >= ml) && (mb == 0 || b + 0 >= mb)) }' ||
  { echo "coverage: below the minimum" >&2; exit 1; }
