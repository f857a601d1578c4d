#!/bin/bash -eu
# oss-fuzz-build.sh - build the fuzz targets the way OSS-Fuzz / ClusterFuzzLite do.
#
# Honours the variables OSS-Fuzz sets: $CC, $CFLAGS, $LIB_FUZZING_ENGINE and
# $OUT (required), $WORK (scratch; default: a temporary folder).  Puts in $OUT,
# per target T in sca rp mixed:
#   fuzz_T                     the fuzz target
#   fuzz_T_seed_corpus.zip     corpus/T and corpus/regress/T
#   fuzz_T.dict                corpus/dict/T.dict
# For an OSS-Fuzz project, build.sh is one line: $SRC/<project>/fuzz/oss-fuzz-build.sh
# Usage: OUT=/out CC=clang CFLAGS=... LIB_FUZZING_ENGINE=-fsanitize=fuzzer fuzz/oss-fuzz-build.sh
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0; fi

root=$(cd "$(dirname "$0")/.." && pwd)
: "${OUT:?OUT must name the output folder}"
: "${CC:=clang}"
: "${CFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
work=${WORK:-$(mktemp -d)}
command -v zip >/dev/null || { echo "oss-fuzz-build: zip not found (apt-get install zip)" >&2; exit 2; }
mkdir -p "$OUT" "$work/obj"

defs="-DALLOC_DEBUG=1"
case " $CFLAGS " in
  *-fsanitize=address*) defs="$defs -DALLOC_ANNOTATE_ASAN=1 -DFUZZ_ALLOC_ANNOTATE_ASAN=1" ;;  # poison free memory for ASan
esac
incs="-I$root/alloc/include -I$root/alloc/src -I$root/alloc/tests -I$root/fuzz"

objs=()
for src in "$root"/alloc/src/*.c "$root"/fuzz/{producer,codec,targets,optext,inputs,model,executor,edges,suite,recorder,reference_sgi,reference_nginx}.c \
           "$root"/fuzz/adapters/{sca,rp}.c; do
  obj="$work/obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o"
  # shellcheck disable=SC2086  # CFLAGS is a list of flags
  $CC $CFLAGS -std=c11 $defs $incs -c "$src" -o "$obj"
  objs+=("$obj")
done

for t in sca rp mixed; do
  # shellcheck disable=SC2086
  $CC $CFLAGS -std=c11 $defs $incs "$root/fuzz/entry_$t.c" "${objs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_$t"
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  files=$(find "$root/corpus/$t" "$root/corpus/regress/$t" -maxdepth 1 -type f 2>/dev/null || true)
  if [ -n "$files" ]; then
    # shellcheck disable=SC2086
    zip -q -j "$OUT/fuzz_${t}_seed_corpus.zip" $files
  fi
  cp "$root/corpus/dict/$t.dict" "$OUT/fuzz_$t.dict"
  echo "oss-fuzz-build: $OUT/fuzz_$t ($(echo "$files" | grep -c . || true) seeds)"
done
