#!/usr/bin/env bash
# oss-fuzz-check.sh - run .clusterfuzzlite/build.sh (fuzz/oss-fuzz-build.sh) as
# ClusterFuzzLite would (libFuzzer + ASan) and run every target it made on its
# seed corpus.  Used by ctest fuzz_oss_build.
#
# Usage: fuzz/oss-fuzz-check.sh SCRATCH_DIR
# Sets CC, CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE,
# ARCHITECTURE, SRC, WORK and OUT as OSS-Fuzz's base-builder does for
# libFuzzer with AddressSanitizer; then checks that every target the nested
# build lists (fuzz-targets.txt) is in $OUT with its .options file, and runs
# each: over its unzipped fuzz_*_seed_corpus.zip once (-runs=0), or, for a
# target without seeds, 200 inputs from nothing; with its dictionary when it
# has one, and the runners' sanitizer options (fuzz/fuzz-options.sh).
# Exit 0 when the build and every run succeed.
# This is the build half of ClusterFuzzLite (.clusterfuzzlite/): the docker
# image and the GitHub actions themselves cannot run here.
set -euo pipefail
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  "") echo "oss-fuzz-check: which scratch folder? (try --help)" >&2; exit 2 ;;
esac

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
root=$(dirname "$here")
# ClusterFuzzLite's Dockerfile copies the tree to $SRC/<name> and runs
# $SRC/build.sh (our .clusterfuzzlite/build.sh), which calls the tree by that
# name: the same layout here, with a link instead of a copy.
project=$(awk '$1 == "COPY" && $2 == "." { sub(/^\$SRC\//, "", $3); print $3 }' "$root/.clusterfuzzlite/Dockerfile")
[ -n "$project" ] || { echo "oss-fuzz-check: .clusterfuzzlite/Dockerfile has no 'COPY . \$SRC/<name>'" >&2; exit 1; }
grep -qF "\$SRC/$project/fuzz/oss-fuzz-build.sh" "$root/.clusterfuzzlite/build.sh" ||
  { echo "oss-fuzz-check: .clusterfuzzlite/build.sh does not call \$SRC/$project/fuzz/oss-fuzz-build.sh" >&2; exit 1; }
# The link lives outside the tree: inside it (build/...), it would make a loop
# for anything that walks the tree.
src_dir=$(mktemp -d)
trap 'rm -rf "$src_dir"' EXIT
ln -s "$root" "$src_dir/$project"
export SRC="$src_dir" WORK="$scratch/work" OUT="$scratch/out"

echo "oss-fuzz-check: .clusterfuzzlite/build.sh with CC=$CC CFLAGS='$CFLAGS' LIB_FUZZING_ENGINE=$LIB_FUZZING_ENGINE OUT=$OUT"
(cd "$SRC/$project" && "$root/.clusterfuzzlite/build.sh")

# shellcheck source=fuzz-options.sh
. "$here/fuzz-options.sh"
fuzz_sanitizer_env libfuzzer
names=$("$here/fuzz-targets.sh" --names "$WORK/alloc-fuzz-build") ||
  { echo "oss-fuzz-check: the nested build in $WORK lists no built target" >&2; exit 1; }
n=0
for name in $names; do
  target="$OUT/$name"
  [ -x "$target" ] || { echo "oss-fuzz-check: $name is listed by the build but missing from $OUT" >&2; exit 1; }
  grep -q "^max_len = $FUZZ_MAX_LEN\$" "$OUT/$name.options" 2>/dev/null ||
    { echo "oss-fuzz-check: $OUT/$name.options missing or without max_len = $FUZZ_MAX_LEN" >&2; exit 1; }
  seeds="$scratch/seeds/$name"
  mkdir -p "$seeds"
  runs=(-runs=0) what="its seeds"
  if [ -f "$OUT/${name}_seed_corpus.zip" ]; then
    unzip -q -o "$OUT/${name}_seed_corpus.zip" -d "$seeds"
    what="its $(find "$seeds" -type f | wc -l) seeds"
  else
    runs=(-runs=200 -seed=1) what="200 inputs from nothing (no seed corpus)"
  fi
  dict=()
  [ ! -f "$OUT/$name.dict" ] || dict=(-dict="$OUT/$name.dict")
  if ! "$target" "${runs[@]}" -max_len="$FUZZ_MAX_LEN" "${dict[@]}" "$seeds" >"$scratch/$name.log" 2>&1; then
    echo "oss-fuzz-check: $name failed on $what:" >&2
    tail -n 30 "$scratch/$name.log" >&2
    exit 1
  fi
  grep -q "INITED" "$scratch/$name.log" || { echo "oss-fuzz-check: $name did not run" >&2; exit 1; }
  echo "oss-fuzz-check: $name ran $what: ok"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "oss-fuzz-check: no target built" >&2; exit 1; }
extra=$(find "$OUT" -maxdepth 1 -type f -name 'fuzz_*' ! -name '*.*' | wc -l)
[ "$extra" -eq "$n" ] || { echo "oss-fuzz-check: $OUT has $extra fuzz_* binaries, the build lists $n" >&2; exit 1; }
echo "oss-fuzz-check: $n targets built and run ($(echo $names))"
