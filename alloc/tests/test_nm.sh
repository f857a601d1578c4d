#!/bin/sh
# test_nm.sh LIB - liballoc must hold no writable global data: every instance
# carries its own state.  Fails on any B/b (bss), D/d (data), C (common),
# G/g/S/s (small data/bss) symbol, and on a library with no function at all
# (a wrong path must not pass).  ctest also runs it on a planted global
# (nm_check_bites), where it must fail.
set -eu
case "${1:-}" in
  -h|--help|"") sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ]; exit $? ;;
esac
lib=$1
[ -f "$lib" ] || { echo "test_nm.sh: no such library: $lib" >&2; exit 2; }
nm_out=$(nm -A "$lib")
functions=$(printf '%s\n' "$nm_out" | awk '$(NF-1) == "T"' | wc -l)
[ "$functions" -gt 0 ] || { echo "test_nm.sh: $lib defines no function: not the library?" >&2; exit 2; }
# clang's AddressSanitizer lists a file's instrumented globals (string
# literals included) in a local array named __unnamed_N that its runtime
# registers: instrumentation, not state of the library.
bad=$(printf '%s\n' "$nm_out" | awk '$(NF-1) ~ /^[BbDdCGgSs]$/ && !($(NF-1) == "d" && $NF ~ /^__unnamed_[0-9]+$/)')
if [ -n "$bad" ]; then
  echo "writable global data in $lib:"
  printf '%s\n' "$bad"
  exit 1
fi
echo "no writable global data in $lib ($functions functions)"
