#!/bin/sh
# test_nm.sh LIB - liballoc must hold no writable global data: every instance
# carries its own state.  Fails on any B/b (bss), D/d (data), C (common),
# G/g/S/s (small data/bss) symbol.  Negative control: ALLOC_NM_SELFTEST=1
# runs the same check on a planted global and must see it.
set -eu
lib=$1
nm_out=$(nm -A "$lib")
if [ -n "${ALLOC_NM_PLANTED:-}" ]; then
  nm_out=$(nm -A "$ALLOC_NM_PLANTED")
fi
bad=$(printf '%s\n' "$nm_out" | awk '$(NF-1) ~ /^[BbDdCGgSs]$/')
if [ -n "$bad" ]; then
  echo "writable global data in $lib:"
  printf '%s\n' "$bad"
  exit 1
fi
echo "no writable global data in $lib ($(printf '%s\n' "$nm_out" | grep -c ' T ') functions)"
