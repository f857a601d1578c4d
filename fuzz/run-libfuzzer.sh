#!/usr/bin/env bash
# run-libfuzzer.sh - run the libFuzzer targets for a bounded time.
#
# Usage: fuzz/run-libfuzzer.sh --bin DIR --corpus DIR --work DIR [--print FUZZ_PRINT]
#                              [--merge] [--seconds N] [TARGET...]
#   --bin      folder holding fuzz_sca, fuzz_rp, fuzz_mixed (libFuzzer builds)
#   --corpus   the project's corpus/ (read: <t>/, regress/<t>/, dict/<t>.dict)
#   --work     scratch folder: new inputs, crash artifacts, logs
#   --print    fuzz-print, to show a crash's reproducer as text
#   --merge    afterwards, merge what was found into corpus/<t>/ (-merge=1 -use_counters=0:
#              only inputs that reach new edges are kept)
#   --seconds  time per target (default: $FUZZ_SECONDS, else 60)
#   TARGET     sca, rp, mixed (default: all three)
# On a crash: stops, prints the reproducer's path, its text form and the
# command that replays it, and exits 1.  Prints each target's exec/s from
# libFuzzer's final stats.  `make fuzz` (build folder) and ci/fuzz-smoke use it.
set -euo pipefail

bin="" corpus="" work="" printer="" merge=0 seconds=${FUZZ_SECONDS:-60} targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --bin) bin=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --print) printer=$2; shift 2 ;;
    --merge) merge=1; shift ;;
    --seconds) seconds=$2; shift 2 ;;
    sca|rp|mixed) targets+=("$1"); shift ;;
    *) echo "run-libfuzzer: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -n "$bin" ] && [ -n "$corpus" ] && [ -n "$work" ] || { echo "run-libfuzzer: --bin, --corpus and --work are required" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "run-libfuzzer: FUZZ_SECONDS must be a positive number, not '$seconds'" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(sca rp mixed)

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
for t in "${targets[@]}"; do
  exe="$bin/fuzz_$t"
  [ -x "$exe" ] || { echo "run-libfuzzer: $exe not built (clang build with libFuzzer needed)" >&2; exit 2; }
  tw="$work/$t"
  rm -rf "$tw/new" "$tw/artifacts"
  mkdir -p "$tw/new" "$tw/artifacts" "$corpus/$t"
  dirs=("$tw/new" "$corpus/$t")
  [ -d "$corpus/regress/$t" ] && dirs+=("$corpus/regress/$t")
  dict=()
  [ -f "$corpus/dict/$t.dict" ] && dict=(-dict="$corpus/dict/$t.dict")
  echo "=== fuzz_$t: ${seconds}s over ${dirs[*]:1} (new inputs: $tw/new, log: $tw/log)"
  set +e
  # New inputs go to the first folder only; the corpus itself is read.
  "$exe" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$tw/artifacts/" "${dict[@]}" "${dirs[@]}" 2>&1 |
    tee "$tw/log" | show_progress
  status=${PIPESTATUS[0]}
  set -e
  crash=$(find "$tw/artifacts" -type f | head -n 1)
  if [ "$status" -ne 0 ] || [ -n "$crash" ]; then
    echo
    echo "!!! fuzz_$t found a failure (exit $status)."
    if [ -n "$crash" ]; then
      echo "    reproducer: $crash"
      echo "    replay:     $(dirname "$exe")/fuzz_replay --target $t $crash"
      if [ -n "$printer" ] && [ -x "$printer" ]; then
        echo "    as text (fuzz-print -n):"
        "$printer" --target "$t" -n "$crash" | sed 's/^/      /'
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
  line="fuzz_$t: ${runs:-?} runs, ${eps:-?} exec/s, $found new inputs"
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
