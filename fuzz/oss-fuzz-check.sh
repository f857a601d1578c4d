#!/usr/bin/env bash
# oss-fuzz-check.sh - run oss-fuzz-build.sh as OSS-Fuzz would (libFuzzer + ASan)
# and run every target it made on its seed corpus.  Used by ctest fuzz_oss_build.
#
# Usage: fuzz/oss-fuzz-check.sh SCRATCH_DIR
# Sets CC, CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE,
# ARCHITECTURE, SRC, WORK and OUT as OSS-Fuzz's base-builder does for
# libFuzzer with AddressSanitizer; then for each $OUT/fuzz_*: unzips
# fuzz_*_seed_corpus.zip and runs the target over it once (-runs=0) with its
# dictionary.  Exit 0 when the build and every run succeed.
set -euo pipefail
case "${1:-}" in -h|--help|"") awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; [ -n "${1:-}" ]; exit $? ;; esac

here=$(cd "$(dirname "$0")" && pwd)
scratch=$1
rm -rf "$scratch"
mkdir -p "$scratch/out" "$scratch/work"

export CC=clang CXX=clang++
export SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
export SANITIZER_FLAGS="-fsanitize=address -fsanitize-address-use-after-scope"
export COVERAGE_FLAGS="-fsanitize=fuzzer-no-link"
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION $SANITIZER_FLAGS $COVERAGE_FLAGS"
export CXXFLAGS="$CFLAGS -stdlib=libc++"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export SRC=$(dirname "$here") WORK="$scratch/work" OUT="$scratch/out"

echo "oss-fuzz-check: building with CC=$CC CFLAGS='$CFLAGS' LIB_FUZZING_ENGINE=$LIB_FUZZING_ENGINE OUT=$OUT"
"$here/oss-fuzz-build.sh"

n=0
for target in "$OUT"/fuzz_*; do
  case "$target" in *.zip|*.dict) continue ;; esac
  [ -x "$target" ] || continue
  name=$(basename "$target")
  seeds="$scratch/seeds/$name"
  mkdir -p "$seeds"
  [ -f "$OUT/${name}_seed_corpus.zip" ] || { echo "oss-fuzz-check: $OUT/${name}_seed_corpus.zip missing" >&2; exit 1; }
  [ -f "$OUT/$name.dict" ] || { echo "oss-fuzz-check: $OUT/$name.dict missing" >&2; exit 1; }
  unzip -q -o "$OUT/${name}_seed_corpus.zip" -d "$seeds"
  count=$(find "$seeds" -type f | wc -l)
  if ! "$target" -runs=0 -dict="$OUT/$name.dict" "$seeds" >"$scratch/$name.log" 2>&1; then
    echo "oss-fuzz-check: $name failed on its seed corpus:" >&2
    tail -n 30 "$scratch/$name.log" >&2
    exit 1
  fi
  grep -q "INITED" "$scratch/$name.log" || { echo "oss-fuzz-check: $name did not run its corpus" >&2; exit 1; }
  echo "oss-fuzz-check: $name ran its $count seeds: ok"
  n=$((n + 1))
done
[ "$n" -eq 3 ] || { echo "oss-fuzz-check: expected 3 targets in $OUT, found $n" >&2; exit 1; }
echo "oss-fuzz-check: 3 targets built and run on their seed corpora"
