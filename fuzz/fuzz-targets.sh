#!/usr/bin/env bash
# fuzz-targets.sh - the libFuzzer targets of a build folder, one "NAME PATH" a line.
#
# Usage: fuzz/fuzz-targets.sh [--names] [--configured] [--only NAME]... DIR
#   DIR           a build folder (DIR/fuzz/ is looked at too), or a folder of fuzz binaries
#   --names       print the names only (fuzz_sca ...)
#   --configured  list what the build will make, built yet or not
#   --only NAME   keep this target (fuzz_sca or sca; repeatable); an unknown
#                 name is an error that lists the known ones
# Where the list comes from:
#   1. DIR/fuzz-targets.txt or DIR/fuzz/fuzz-targets.txt, which CMake writes
#      from FUZZ_TARGETS (end of fuzz/CMakeLists.txt): one binary path a line;
#   2. otherwise (an OSS-Fuzz $OUT, say) the executables DIR/fuzz_* that are
#      libFuzzer binaries (they carry libFuzzer's -print_final_stats flag),
#      except the tools fuzz_replay, fuzz-print, fuzz-encode and fuzz_test_*.
# A target's corpus is corpus/<NAME without fuzz_>/ (it may not exist yet).
# Exit 0 with at least one target; 1 when a listed target is not built (with
# the command that builds it) or there is none; 2 on bad usage.
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "fuzz-targets: $1" >&2; exit "${2:-1}"; }

names_only=0 configured=0 dir="" only=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --names) names_only=1; shift ;;
    --configured) configured=1; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs a target name" 2
            only+=("fuzz_${2#fuzz_}"); shift 2 ;;
    -*) die "unknown option '$1' (try --help)" 2 ;;
    *) [ -z "$dir" ] || die "one folder only (got '$dir' and '$1')" 2
       dir=$1; shift ;;
  esac
done
[ -n "$dir" ] || die "which build folder? (try --help)" 2
[ -d "$dir" ] || die "no folder '$dir': configure and build first (cmake --preset asan && cmake --build build/asan -j2)" 2

list=""
for f in "$dir/fuzz-targets.txt" "$dir/fuzz/fuzz-targets.txt"; do
  if [ -f "$f" ]; then list=$f; break; fi
done

declare -a found=()
if [ -n "$list" ]; then
  while IFS= read -r path; do
    case "$path" in ''|'#'*) continue ;; esac
    found+=("$path")
  done <"$list"
  [ ${#found[@]} -gt 0 ] ||
    die "$list lists no target: this build has no libFuzzer (a gcc build?); use a clang build (cmake --preset asan)"
else
  for path in "$dir"/fuzz_*; do
    [ -f "$path" ] && [ -x "$path" ] || continue
    case "$(basename "$path")" in fuzz_replay|fuzz-print|fuzz-encode|fuzz_test_*|*.*) continue ;; esac
    grep -q -a -F -- 'print_final_stats' "$path" || continue
    found+=("$path")
  done
  [ ${#found[@]} -gt 0 ] || die "no fuzz-targets.txt and no libFuzzer binary fuzz_* in $dir"
fi

# --only: keep the named ones, in the order given.
if [ ${#only[@]} -gt 0 ]; then
  declare -a kept=()
  for want in "${only[@]}"; do
    hit=""
    for path in "${found[@]}"; do
      [ "$(basename "$path")" = "$want" ] && hit=$path
    done
    if [ -z "$hit" ]; then
      known=$(for path in "${found[@]}"; do basename "$path"; done | tr '\n' ' ')
      die "no target '$want' in this build; it has: $known" 2
    fi
    kept+=("$hit")
  done
  found=("${kept[@]}")
fi

build_dir=$(dirname "${list:-$dir/x}")
[ "$(basename "$build_dir")" = fuzz ] && [ -n "$list" ] && build_dir=$(dirname "$build_dir")
status=0
for path in "${found[@]}"; do
  name=$(basename "$path")
  if [ $configured -eq 0 ] && [ ! -x "$path" ]; then
    echo "fuzz-targets: $name is listed but not built: cmake --build $build_dir --target $name" >&2
    status=1
    continue
  fi
  if [ $names_only -eq 1 ]; then echo "$name"; else echo "$name $path"; fi
done
exit $status
