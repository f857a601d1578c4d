#!/usr/bin/env bash
# run-libfuzzer.sh - run the libFuzzer targets for a bounded time.
#
# Usage: fuzz/run-libfuzzer.sh --bin DIR --corpus DIR --work DIR [--print FUZZ_PRINT]
#                              [--merge] [--seconds N] [TARGET...]
#   --bin      the build folder, or its fuzz/ folder (targets: fuzz/fuzz-targets.sh)
#   --corpus   the project's corpus/ (read: <t>/, regress/<t>/, dict/<t>.dict,
#              t = the target's name without fuzz_; any of them may be missing)
#   --work     scratch folder: new inputs, crash artifacts, logs
#   --print    fuzz-print, to show a crash's reproducer as text
#   --merge    afterwards, merge what was found into corpus/<t>/ (-merge=1 -use_counters=0:
#              only inputs that reach new edges are kept; creates corpus/<t>/ if needed)
#   --seconds  time per target (default: $FUZZ_SECONDS, else 60)
#   TARGET     fuzz_sca or sca ... (default: every target the build lists)
# Options (sanitizers, -max_len, -timeout): fuzz/fuzz-options.sh.
# On a crash: stops, prints the reproducer's path, its text form and the
# command that replays it, and exits 1.  Bad usage or a missing build: exit 2.
# Prints each target's exec/s from libFuzzer's final stats.  `make fuzz`
# (build folder) and ci/fuzz-smoke use it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "run-libfuzzer: $1" >&2; exit 2; }
need() { [ "$2" -ge 2 ] || die "$1 needs a value (try --help)"; }

bin="" corpus="" work="" printer="" merge=0 seconds=${FUZZ_SECONDS:-60} only=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --bin) need "$1" $#; bin=$2; shift 2 ;;
    --corpus) need "$1" $#; corpus=$2; shift 2 ;;
    --work) need "$1" $#; work=$2; shift 2 ;;
    --print) need "$1" $#; printer=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --seconds) need "$1" $#; seconds=$2; shift 2 ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) only+=(--only "$1"); shift ;;
  esac
done
[ -n "$bin" ] && [ -n "$corpus" ] && [ -n "$work" ] || die "--bin, --corpus and --work are required (try --help)"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "seconds (--seconds or FUZZ_SECONDS) must be a whole number > 0, not '$seconds'"
[ -d "$corpus" ] || die "no corpus folder '$corpus'"
list=$("$here/fuzz-targets.sh" "${only[@]}" "$bin") || exit 2
mapfile -t targets <<<"$list"
# shellcheck source=fuzz-options.sh
. "$here/fuzz-options.sh"
fuzz_sanitizer_env libfuzzer

# libFuzzer's status lines, at most one every 5 s, plus everything that matters.
show_progress() {
  local line last=-5
  while IFS= read -r line; do
    case "$line" in
      *INITED*|*DONE*|*ERROR*|*SUMMARY*|*"fuzz check failed"*|"  "*|*"Test unit written"*) echo "$line" ;;
      "#"*)
        if [ $((SECONDS - last)) -ge 5 ]; then echo "$line"; last=$SECONDS; fi ;;
    esac
  done
}

summary=()
for entry in "${targets[@]}"; do
  name=${entry%% *} exe=${entry#* }
  t=${name#fuzz_}
  tw="$work/$t"
  rm -rf "$tw/new" "$tw/artifacts"
  mkdir -p "$tw/new" "$tw/artifacts"
  [ "$merge" -eq 1 ] && mkdir -p "$corpus/$t"
  dirs=("$tw/new")
  for d in "$corpus/$t" "$corpus/regress/$t"; do [ -d "$d" ] && dirs+=("$d"); done
  dict=()
  [ -f "$corpus/dict/$t.dict" ] && dict=(-dict="$corpus/dict/$t.dict")
  from="${dirs[*]:1}"
  echo "=== $name: ${seconds}s over ${from:-nothing (no corpus/$t yet)} (new inputs: $tw/new, log: $tw/log)"
  set +e
  # New inputs go to the first folder only; the corpus itself is read.
  "$exe" -max_total_time="$seconds" -print_final_stats=1 "${FUZZ_LIBFUZZER_FLAGS[@]}" \
    -artifact_prefix="$tw/artifacts/" "${dict[@]}" "${dirs[@]}" 2>&1 |
    tee "$tw/log" | show_progress
  status=${PIPESTATUS[0]}
  set -e
  crash=$(find "$tw/artifacts" -type f | head -n 1)
  if [ "$status" -ne 0 ] || [ -n "$crash" ]; then
    echo
    echo "!!! $name found a failure (exit $status)."
    if [ -n "$crash" ]; then
      echo "    reproducer: $crash"
      echo "    replay:     $(dirname "$exe")/fuzz_replay --target $t $crash"
      if [ -n "$printer" ] && [ -x "$printer" ]; then
        echo "    as text (fuzz-print -n):"
        { "$printer" --target "$t" -n "$crash" 2>&1 || echo "(fuzz-print cannot read it for target $t)"; } |
          sed 's/^/      /'
      else
        echo "    as text: build fuzz_print, then fuzz-print --target $t -n $crash"
      fi
      echo "    keep it: cp $crash $corpus/regress/$t/<name> and add '$t/<name>: <the bug>' to $corpus/regress/NOTES"
    else
      echo "    no artifact was written; see $tw/log"
    fi
    exit 1
  fi
  eps=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$tw/log")
  runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$tw/log")
  found=$(find "$tw/new" -type f | wc -l)
  line="$name: ${runs:-?} runs, ${eps:-?} exec/s, $found new inputs"
  if [ "$merge" -eq 1 ] && [ "$found" -gt 0 ]; then
    before=$(find "$corpus/$t" -type f | wc -l)
    # Minimised by edge coverage (-use_counters=0): the committed corpus stays
    # small enough to replay in every gate, valgrind's included.
    "$exe" -merge=1 -use_counters=0 "${dict[@]}" "$corpus/$t" "$tw/new" >"$tw/merge.log" 2>&1 ||
      { echo "run-libfuzzer: merge failed, see $tw/merge.log" >&2; exit 1; }
    after=$(find "$corpus/$t" -type f | wc -l)
    line="$line, $((after - before)) merged into $corpus/$t"
  fi
  echo "--- $line"
  summary+=("$line")
done
echo "=== libFuzzer summary (${seconds}s per target, no crashes):"
printf '  %s\n' "${summary[@]}"
