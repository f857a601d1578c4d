#!/usr/bin/env bash
# fuzz-options.sh - the run options every fuzz runner shares, in one place:
# sanitizer options and libFuzzer flags.
#
# Usage: source fuzz/fuzz-options.sh; fuzz_sanitizer_env libfuzzer|afl
#        fuzz/fuzz-options.sh [libfuzzer|afl]    print them, to copy into a shell
# Sourcing it defines:
#   FUZZ_MAX_LEN             libFuzzer's -max_len (also the OSS-Fuzz .options file)
#   FUZZ_LIBFUZZER_FLAGS     array: -max_len, -timeout, -rss_limit_mb
#   fuzz_sanitizer_env ENGINE   exports ASAN_OPTIONS and UBSAN_OPTIONS for that engine
# What the caller already had in ASAN_OPTIONS / UBSAN_OPTIONS comes last, so
# it wins.  Why each value: fuzz/README.md, "Running the fuzzers, and their speed".
# Used by run-libfuzzer.sh, run-afl.sh, fuzz-speed.sh, ci/fuzz-smoke (through
# run-libfuzzer.sh) and oss-fuzz-build.sh.

# Every committed input is under 400 bytes (about 2 bytes an op); 1024 bytes
# is some 500 ops, enough to fill and churn all 64 slots many times.
FUZZ_MAX_LEN=1024
FUZZ_LIBFUZZER_FLAGS=("-max_len=$FUZZ_MAX_LEN" -timeout=10 -rss_limit_mb=2048)

# Both engines: impossible sizes must come back NULL (the harness checks that
# answer) instead of an ASan report; a 16 MiB quarantine still spans every
# free of one input.
FUZZ_ASAN_COMMON="allocator_may_return_null=1:quarantine_size_mb=16"

fuzz_sanitizer_env() { # libfuzzer|afl
  local asan ubsan
  case "${1:-}" in
    libfuzzer)
      # libFuzzer catches the reports itself; it checks for leaks whenever an
      # input allocates more than it frees.  8 frames of malloc/free stack
      # name the op; replaying the reproducer with default options gives
      # the full stacks.
      asan="$FUZZ_ASAN_COMMON:malloc_context_size=8:detect_leaks=1"
      ubsan="halt_on_error=1:print_stacktrace=1" ;;
    afl)
      # AFL++ wants a signal (abort) and no symbolizer; in persistent mode a
      # leak check would only run at exit, long after the input that leaked.
      # No malloc/free stacks (AFL++'s own default): in its persistent loop
      # ASan took them with the slow DWARF unwinder, 6x slower per exec, and
      # AFL++ shows no report anyway (replay the crash for the stacks).
      asan="$FUZZ_ASAN_COMMON:malloc_context_size=0:detect_leaks=0:abort_on_error=1:symbolize=0"
      ubsan="halt_on_error=1:abort_on_error=1:symbolize=0:print_stacktrace=1" ;;
    *) echo "fuzz_sanitizer_env: engine must be libfuzzer or afl, not '${1:-}'" >&2; return 2 ;;
  esac
  export ASAN_OPTIONS="$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="$ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
}

# Run directly: print the options.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-libfuzzer}" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    libfuzzer|afl) ;;
    *) echo "fuzz-options: engine must be libfuzzer or afl, not '$1' (try --help)" >&2; exit 2 ;;
  esac
  unset ASAN_OPTIONS UBSAN_OPTIONS
  fuzz_sanitizer_env "${1:-libfuzzer}"
  echo "export ASAN_OPTIONS=$ASAN_OPTIONS"
  echo "export UBSAN_OPTIONS=$UBSAN_OPTIONS"
  [ "${1:-libfuzzer}" = libfuzzer ] && echo "# libFuzzer flags: ${FUZZ_LIBFUZZER_FLAGS[*]}"
  exit 0
fi
