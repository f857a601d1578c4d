#!/usr/bin/env bash
# fuzz-speed.sh - how fast each libFuzzer target runs on the committed corpus.
#
# Usage: fuzz/fuzz-speed.sh [--build DIR] [--corpus DIR] [--seconds N] [--work DIR] [TARGET...]
#   --build    a clang build with libFuzzer (default: build/asan of this tree)
#   --corpus   the corpus root: corpus/<name without fuzz_>/ seeds each target
#              (missing or empty: the target starts from nothing, and says so)
#   --seconds  fuzzing time per target (default: $FUZZ_SPEED_SECONDS, else 60)
#   --work     scratch: new inputs, logs (default: BUILD/fuzz-speed); corpus/ is never written
#   --flag F   one more libFuzzer flag after the runners' own (repeatable; the
#              last wins): --flag -max_len=4096 measures another length
#   TARGET     fuzz_sca or sca ... (default: every target the build lists)
# Each target runs once with -print_final_stats=1 and the runners' options
# (fuzz/fuzz-options.sh).  Printed as a Markdown table, one row a target:
#   exec/s       libFuzzer's own stat::average_exec_per_sec (wall clock)
#   CPU us/exec  user+sys CPU time of the fuzzer process (bash `times`) divided
#                by stat::number_of_executed_units: this figure holds up far
#                better than exec/s on a shared machine (though under half a
#                core it still moves, see CPU %)
#   CPU %        CPU time / wall time: under ~95% the process waited for a core
#   peak RSS MB  libFuzzer's stat::peak_rss_mb (ASan's quarantine is most of it)
#   load         1-minute load average before and after the run; "idle" when
#                it was under 0.3 before and the process had a core to itself
# `make fuzz-speed` (build folder) runs it.  Exit 1 if a target fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "fuzz-speed: $1" >&2; exit "${2:-2}"; }
need() { [ "$2" -ge 2 ] || die "$1 needs a value (try --help)"; }

build="$root/build/asan" corpus="$root/corpus" work="" seconds=${FUZZ_SPEED_SECONDS:-60} only=() extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --build) need "$1" $#; build=$2; shift 2 ;;
    --corpus) need "$1" $#; corpus=$2; shift 2 ;;
    --seconds) need "$1" $#; seconds=$2; shift 2 ;;
    --work) need "$1" $#; work=$2; shift 2 ;;
    --flag) need "$1" $#; [[ "$2" == -* ]] || die "--flag takes a libFuzzer flag (-name=value), not '$2'"
            extra+=("$2"); shift 2 ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) only+=(--only "$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "--seconds must be a whole number of seconds > 0, not '$seconds'"
[ -d "$corpus" ] || die "no corpus folder '$corpus'"
work=${work:-$build/fuzz-speed}

list=$("$here/fuzz-targets.sh" "${only[@]}" "$build") || exit $?
mapfile -t targets <<<"$list"
# shellcheck source=fuzz-options.sh
. "$here/fuzz-options.sh"
fuzz_sanitizer_env libfuzzer

load1() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
# bash `times`, children line: "0m1.234s 0m0.056s" -> seconds, user + sys
cpu_seconds() { awk 'NR == 2 { n = split($0, f, /[ ms]+/); print f[1] * 60 + f[2] + f[3] * 60 + f[4] }' "$1"; }

n=${#targets[@]}
echo "fuzz-speed: $n target(s), ${seconds}s each, $(nproc) core(s); ASAN_OPTIONS=$ASAN_OPTIONS; flags ${FUZZ_LIBFUZZER_FLAGS[*]} ${extra[*]}" >&2
rows=() failed=0
for entry in "${targets[@]}"; do
  name=${entry%% *} exe=${entry#* }
  short=${name#fuzz_}
  tw="$work/$short"
  rm -rf "$tw"
  mkdir -p "$tw/new" "$tw/artifacts"
  dirs=("$tw/new") inputs=0
  for d in "$corpus/$short" "$corpus/regress/$short"; do
    if [ -d "$d" ]; then
      dirs+=("$d")
      inputs=$((inputs + $(find "$d" -maxdepth 1 -type f ! -name '*.txt' | wc -l)))
    fi
  done
  note=""
  [ "$inputs" -gt 0 ] || note=" (no corpus: started empty)"
  dict=()
  [ -f "$corpus/dict/$short.dict" ] && dict=(-dict="$corpus/dict/$short.dict")
  echo "fuzz-speed: $name for ${seconds}s from $inputs corpus input(s)$note, log $tw/log" >&2
  before=$(load1) t0=$(now)
  # The subshell's `times` reports the CPU time of its one child: the fuzzer.
  (
    set +e
    "$exe" -max_total_time="$seconds" -print_final_stats=1 "${FUZZ_LIBFUZZER_FLAGS[@]}" "${extra[@]}" \
      -artifact_prefix="$tw/artifacts/" "${dict[@]}" "${dirs[@]}" >"$tw/log" 2>&1
    echo $? >"$tw/status"
    times >"$tw/times"
  )
  t1=$(now) after=$(load1)
  status=$(cat "$tw/status")
  runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$tw/log")
  eps=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$tw/log")
  rss=$(awk '/stat::peak_rss_mb/ { print $2 }' "$tw/log")
  if [ "$status" -ne 0 ] || [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    echo "fuzz-speed: $name FAILED (exit $status); artifacts in $tw/artifacts, last lines of $tw/log:" >&2
    tail -n 15 "$tw/log" >&2
    rows+=("| $name | $inputs | failed (exit $status) | | | | | | $before / $after | |")
    failed=$((failed + 1))
    continue
  fi
  cpu=$(cpu_seconds "$tw/times")
  row=$(awk -v name="$name" -v inputs="$inputs" -v runs="$runs" -v eps="$eps" -v rss="${rss:-?}" -v cpu="$cpu" \
            -v t0="$t0" -v t1="$t1" -v before="$before" -v after="$after" -v note="$note" 'BEGIN {
    wall = t1 - t0
    share = wall > 0 ? cpu / wall : 0
    idle = (before < 0.3 && share >= 0.95) ? "idle" : "busy"
    printf "| %s%s | %d | %d | %.0f | %d | %.1f | %.0f%% | %s | %s / %s | %s |", name, note, inputs, runs, wall, eps,
           cpu * 1e6 / runs, share * 100, rss, before, after, idle }')
  rows+=("$row")
  echo "fuzz-speed: $name done: $row" >&2
done

echo
echo "| target | corpus inputs | runs | seconds | exec/s | CPU us/exec | CPU % | peak RSS MB | load before / after | machine |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "(${seconds}s per target on $(nproc) cores, $(uname -m), ASan+UBSan libFuzzer build $build;"
echo " exec/s needs an idle machine, CPU us/exec much less: 1e6 / CPU us/exec is roughly what an idle core would do)"
[ "$failed" -eq 0 ] || { echo "fuzz-speed: $failed target(s) failed" >&2; exit 1; }
