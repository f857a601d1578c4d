#!/bin/bash -eu
# ClusterFuzzLite's build step (runs inside the image of .clusterfuzzlite/Dockerfile):
# the project's own OSS-Fuzz build, which reads $CC, $CFLAGS, $LIB_FUZZING_ENGINE,
# $SANITIZER and $OUT, and takes the target list from fuzz/CMakeLists.txt.
"$SRC/alloc_harness/fuzz/oss-fuzz-build.sh"
