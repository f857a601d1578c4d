#!/bin/bash -eu
# ClusterFuzzLite's build step (runs inside the image of .clusterfuzzlite/Dockerfile):
# the project's own OSS-Fuzz build, which reads $CC, $CFLAGS, $LIB_FUZZING_ENGINE,
# $SANITIZER and $OUT, and takes the target list from fuzz/CMakeLists.txt.
# Locally: fuzz/oss-fuzz-check.sh SCRATCH runs it as the image would.
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
if [ -z "${SRC:-}" ]; then echo "build.sh: \$SRC is unset (ClusterFuzzLite's image sets it; try --help)" >&2; exit 2; fi
"$SRC/alloc_harness/fuzz/oss-fuzz-build.sh"
