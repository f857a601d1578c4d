#!/bin/bash -eu
# oss-fuzz-build.sh - build the fuzz targets the way OSS-Fuzz / ClusterFuzzLite do.
#
# Usage: OUT=/out [CC=clang] [CFLAGS=...] [LIB_FUZZING_ENGINE=-fsanitize=fuzzer] [WORK=DIR]
#        fuzz/oss-fuzz-build.sh
# Honours the variables OSS-Fuzz sets: $CC, $CXX, $CFLAGS, $LIB_FUZZING_ENGINE,
# $SANITIZER, $OUT (required) and $WORK (scratch; default: a temporary folder).
# It configures this project's own CMake build (ALLOC_FUZZ_ENGINE=libfuzzer,
# tests and benchmarks off) with those compilers and flags, so the targets and
# their sources come from fuzz/CMakeLists.txt (fuzz-targets.txt), never from a
# list here.  The targets add ASan+UBSan themselves: SANITIZER=address and
# undefined both give an ASan+UBSan build; memory (MSan) is refused.
# Puts in $OUT, per target fuzz_T the build lists:
#   fuzz_T                     the fuzz target
#   fuzz_T_seed_corpus.zip     corpus/T and corpus/regress/T (when they hold inputs)
#   fuzz_T.dict                corpus/dict/T.dict (when it exists)
#   fuzz_T.options             [libfuzzer] max_len, as fuzz/fuzz-options.sh sets it
# A target that needs a shared library beyond glibc's at run time is refused:
# ClusterFuzzLite runs the targets in a bare runner image (link such an
# allocator statically for this build).
# .clusterfuzzlite/build.sh runs it; ctest fuzz_oss_build checks it (oss-fuzz-check.sh).
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0; fi
[ $# -eq 0 ] || { echo "oss-fuzz-build: no arguments, only environment variables (try --help)" >&2; exit 2; }
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)  # -P: the real tree, not a link to it
root=$(dirname "$here")
: "${CC:=clang}"
: "${CXX:=clang++}"
: "${CFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${SANITIZER:=address}"
die() { echo "oss-fuzz-build: $1" >&2; exit 2; }
[ -n "${OUT:-}" ] || die "OUT must name the output folder (try --help)"
case "$LIB_FUZZING_ENGINE" in
  -fsanitize=fuzzer) ;;
  *) die "only libFuzzer is supported (LIB_FUZZING_ENGINE=-fsanitize=fuzzer), not '$LIB_FUZZING_ENGINE'" ;;
esac
case "$SANITIZER" in
  address|undefined|coverage) ;;
  *) die "SANITIZER=$SANITIZER is not supported: the targets are built with ASan+UBSan (address, undefined, coverage)" ;;
esac
command -v cmake >/dev/null || die "cmake not found (the ClusterFuzzLite Dockerfile installs it)"
command -v zip >/dev/null || die "zip not found (apt-get install zip)"
work=${WORK:-$(mktemp -d)}
build="$work/alloc-fuzz-build"
mkdir -p "$OUT" "$build"
# shellcheck source=fuzz-options.sh
. "$here/fuzz-options.sh"

# Debug: no NDEBUG; the fuzz targets pick -O1 themselves.  No C++ goes into a
# fuzz target, so OSS-Fuzz's CXXFLAGS (-stdlib=libc++) are not passed on.
echo "oss-fuzz-build: configuring $build (CC=$CC, CFLAGS=$CFLAGS)"
cmake -S "$root" -B "$build" -G "Unix Makefiles" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="" -DCMAKE_BUILD_TYPE=Debug \
  -DALLOC_FUZZ_ENGINE=libfuzzer -DALLOC_DEBUG=1 -DALLOC_WERROR=OFF \
  -DALLOC_BUILD_TESTS=OFF -DALLOC_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 ||
  { tail -n 30 "$work/configure.log" >&2; die "cmake configure failed (log: $work/configure.log)"; }
names=$("$here/fuzz-targets.sh" --configured --names "$build") || die "the build lists no fuzz target"
# shellcheck disable=SC2086  # names is a list
cmake --build "$build" -j "$(nproc)" --target $names >"$work/build.log" 2>&1 ||
  { tail -n 30 "$work/build.log" >&2; die "build failed (log: $work/build.log)"; }

# What the runner image has: glibc's libraries and the compiler's runtime.
base_libs='^(linux-vdso|ld-linux[^.]*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libgcc_s|libstdc\+\+|libc\+\+|libc\+\+abi)\.so'
"$here/fuzz-targets.sh" "$build" | while read -r name exe; do
  t=${name#fuzz_}
  extra=$(ldd "$exe" | awk '{ print $1 }' | sed 's|.*/||' | grep -Ev "$base_libs" || true)
  [ -z "$extra" ] || die "$name needs $(echo $extra) at run time, which ClusterFuzzLite's runner lacks: link it statically"
  cp "$exe" "$OUT/$name"
  rm -f "$OUT/${name}_seed_corpus.zip" "$OUT/$name.dict"
  seeds=$(find "$root/corpus/$t" "$root/corpus/regress/$t" -maxdepth 1 -type f ! -name '*.txt' ! -name '*.md' 2>/dev/null || true)
  if [ -n "$seeds" ]; then
    # shellcheck disable=SC2086  # one file a word; corpus names have no spaces
    zip -q -j "$OUT/${name}_seed_corpus.zip" $seeds
  fi
  [ ! -f "$root/corpus/dict/$t.dict" ] || cp "$root/corpus/dict/$t.dict" "$OUT/$name.dict"
  printf '[libfuzzer]\nmax_len = %s\n' "$FUZZ_MAX_LEN" >"$OUT/$name.options"
  echo "oss-fuzz-build: $OUT/$name ($(echo "$seeds" | grep -c . || true) seeds)"
done
