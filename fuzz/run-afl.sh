#!/usr/bin/env bash
# run-afl.sh - build the fuzz targets for AFL++ and run them for a bounded time.
#
# Usage: fuzz/run-afl.sh [--src DIR] [--work DIR] [--seconds N] [--no-cmin] [TARGET...]
#   --src      project source folder (default: this script's parent)
#   --work     scratch folder: nested build, AFL++ output (default: SRC/build/fuzz-afl)
#   --seconds  time per target (default: $FUZZ_SECONDS, else 60)
#   --no-cmin  do not minimise the queue back into corpus/
#   TARGET     sca, rp, mixed (default: all three)
# Builds with afl-clang-fast -fsanitize=fuzzer (AFL++'s libFuzzer-compatible
# driver, persistent mode) plus ASan+UBSan and the ASan annotations, then per
# target runs one main (-M) and one secondary (-S) instance per further core,
# bounded by -V, seeded from corpus/<t> and corpus/regress/<t>, with the
# target's dictionary.  On a crash: prints the reproducer's path and text form
# and exits 1.  Otherwise afl-cmin (AFL_ALLOW_TMP=1) minimises the queues and
# the new inputs are copied into corpus/<t>/ as afl-<sha1>.
# `make fuzz-afl` (any build folder) runs it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here") work="" seconds=${FUZZ_SECONDS:-60} cmin=1 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --src) src=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --no-cmin) cmin=0; shift ;;
    sca|rp|mixed) targets+=("$1"); shift ;;
    *) echo "run-afl: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
work=${work:-$src/build/fuzz-afl}
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || { echo "run-afl: FUZZ_SECONDS must be a positive number" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(sca rp mixed)
for tool in afl-clang-fast afl-fuzz afl-cmin; do
  command -v "$tool" >/dev/null || { echo "run-afl: $tool not found (apt-get install afl++)" >&2; exit 2; }
done
corpus="$src/corpus"
cores=$(nproc)

echo "=== AFL++: building targets in $work/build (afl-clang-fast, ASan+UBSan)"
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_C_COMPILER=afl-clang-fast -DCMAKE_CXX_COMPILER=afl-clang-fast++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOC_FUZZ_ENGINE=afl -DALLOC_SANITIZE=ON -DALLOC_ANNOTATE_ASAN=ON \
  -DALLOC_DEBUG=1 -DALLOC_BUILD_TESTS=OFF -DALLOC_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
AFL_QUIET=1 cmake --build "$work/build" -j "$cores" --target fuzz_sca fuzz_rp fuzz_mixed fuzz_print \
  >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
printer="$work/build/fuzz/fuzz-print"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# ASan under AFL++: abort on error so AFL sees a crash; no leak check per run.
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1

summary=()
for t in "${targets[@]}"; do
  exe="$work/build/fuzz/fuzz_$t"
  in="$work/in/$t" out="$work/out/$t"
  rm -rf "$in" "$out"
  mkdir -p "$in" "$(dirname "$out")"
  # AFL++ wants one flat input folder: the corpus and the regressions.
  find "$corpus/$t" "$corpus/regress/$t" -maxdepth 1 -type f ! -name '*.txt' ! -name '*.md' \
    -exec cp {} "$in/" \; 2>/dev/null || true
  [ -n "$(ls -A "$in")" ] || printf 'check' >"$in/empty"
  dict=()
  [ -f "$corpus/dict/$t.dict" ] && dict=(-x "$corpus/dict/$t.dict")
  echo "=== fuzz_$t: ${seconds}s, $cores instance(s) (-M main, -S sec*), $(ls "$in" | wc -l) inputs, output $out"
  pids=()
  afl-fuzz -M main -i "$in" -o "$out" "${dict[@]}" -V "$seconds" -m none -t 2000 -- "$exe" \
    >"$work/$t-main.log" 2>&1 &
  pids+=($!)
  for ((k = 1; k < cores; k++)); do
    afl-fuzz -S "sec$k" -i "$in" -o "$out" "${dict[@]}" -V "$seconds" -m none -t 2000 -- "$exe" \
      >"$work/$t-sec$k.log" 2>&1 &
    pids+=($!)
  done
  # Progress: AFL++'s own status file, every 10 s.
  start=$SECONDS
  while kill -0 "${pids[0]}" 2>/dev/null; do
    sleep 10
    if [ -f "$out/main/fuzzer_stats" ]; then
      awk -v t="$t" -v s=$((SECONDS - start)) '
        /^execs_done/ { e = $3 } /^execs_per_sec/ { x = $3 } /^corpus_count/ { c = $3 } /^saved_crashes/ { k = $3 }
        END { printf "  fuzz_%s %ds: %s execs (%s/s) corpus %s crashes %s\n", t, s, e, x, c, k }' "$out/main/fuzzer_stats"
    fi
  done
  status=0
  for p in "${pids[@]}"; do wait "$p" || status=$?; done
  if [ ! -d "$out/main/queue" ]; then
    echo "run-afl: afl-fuzz did not start (exit $status); see $work/$t-main.log:" >&2
    tail -n 20 "$work/$t-main.log" >&2
    exit 1
  fi
  crash=$(find "$out"/*/crashes -type f -name 'id:*' 2>/dev/null | head -n 1)
  if [ -n "$crash" ]; then
    echo
    echo "!!! fuzz_$t: AFL++ found a crash."
    echo "    reproducer: $crash"
    echo "    as text (fuzz-print -n):"
    "$printer" --target "$t" -n "$crash" | sed 's/^/      /'
    echo "    keep it: cp '$crash' $corpus/regress/$t/<name> and add '$t/<name>: <the bug>' to $corpus/regress/NOTES"
    exit 1
  fi
  execs=$(awk '/^execs_done/ { s += $3 } END { print s + 0 }' "$out"/*/fuzzer_stats)
  line="fuzz_$t: $execs execs over $cores instance(s)"
  if [ "$cmin" -eq 1 ]; then
    all="$work/queue-all/$t" min="$work/cmin/$t"
    rm -rf "$all" "$min"
    mkdir -p "$all"
    for q in "$out"/*/queue; do cp "$q"/id:* "$all/" 2>/dev/null || true; done
    AFL_ALLOW_TMP=1 afl-cmin -i "$all" -o "$min" -m none -t 2000 -- "$exe" >"$work/$t-cmin.log" 2>&1 ||
      { echo "run-afl: afl-cmin failed, see $work/$t-cmin.log" >&2; exit 1; }
    added=0
    # skip inputs the corpus already has under any name
    find "$corpus/$t" -type f -exec sha1sum {} + | cut -c1-40 >"$work/$t-known.sha1"
    for f in "$min"/*; do
      [ -f "$f" ] || continue
      sum=$(sha1sum "$f" | cut -c1-40)
      if ! grep -qxF "$sum" "$work/$t-known.sha1"; then
        cp "$f" "$corpus/$t/afl-$sum"
        added=$((added + 1))
      fi
    done
    line="$line, afl-cmin kept $(ls "$min" | wc -l), $added new into $corpus/$t"
  fi
  echo "--- $line"
  summary+=("$line")
done
echo "=== AFL++ summary (${seconds}s per target, no crashes):"
printf '  %s\n' "${summary[@]}"
