#!/usr/bin/env bash
# run-afl.sh - build the fuzz targets for AFL++ and run them for a bounded time.
#
# Usage: fuzz/run-afl.sh [--src DIR] [--work DIR] [--seconds N] [--no-cmin] [TARGET...]
#   --src      project source folder (default: this script's parent)
#   --work     scratch folder: nested build, AFL++ output (default: SRC/build/fuzz-afl)
#   --seconds  time per target (default: $FUZZ_SECONDS, else 60)
#   --no-cmin  do not minimise the queue back into corpus/
#   TARGET     fuzz_sca or sca ... (default: every target the nested build
#              lists, see fuzz/fuzz-targets.sh)
# Builds with afl-clang-fast -fsanitize=fuzzer (AFL++'s libFuzzer-compatible
# driver, persistent mode) plus ASan+UBSan and the ASan annotations, then per
# target runs one main (-M) and one secondary (-S) instance per further core,
# bounded by -V, seeded from corpus/<t> and corpus/regress/<t> (t = the name
# without fuzz_; a target with neither starts from one tiny input), with the
# target's dictionary when it has one.  Sanitizer options: fuzz/fuzz-options.sh.
# Progress every 10 s: each instance's exec/s over the interval between its
# two latest samples (AFL++ rewrites fuzzer_stats about once a minute and
# appends to plot_data every few seconds; the newest of the two is used, and
# its age shown), never the stale figure of the first minute.  At the end,
# per instance: execs / run time from the final fuzzer_stats.
# On a crash: prints the reproducer's path and text form and exits 1.
# Otherwise afl-cmin (AFL_ALLOW_TMP=1) minimises the queues and the new inputs
# are copied into corpus/<t>/ as afl-<sha1>.  Bad usage: exit 2.
# `make fuzz-afl` (any build folder) runs it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "run-afl: $1" >&2; exit 2; }
need() { [ "$2" -ge 2 ] || die "$1 needs a value (try --help)"; }
src=$(dirname "$here") work="" seconds=${FUZZ_SECONDS:-60} cmin=1 only=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --src) need "$1" $#; src=$2; shift 2 ;;
    --work) need "$1" $#; work=$2; shift 2 ;;
    --seconds) need "$1" $#; seconds=$2; shift 2 ;;
    --no-cmin) cmin=0; shift ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *) only+=(--only "$1"); shift ;;
  esac
done
work=${work:-$src/build/fuzz-afl}
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "seconds (--seconds or FUZZ_SECONDS) must be a whole number > 0, not '$seconds'"
for tool in afl-clang-fast afl-fuzz afl-cmin; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install afl++)"
done
corpus="$src/corpus"
cores=$(nproc)

echo "=== AFL++: building targets in $work/build (afl-clang-fast, ASan+UBSan)"
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_C_COMPILER=afl-clang-fast -DCMAKE_CXX_COMPILER=afl-clang-fast++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOC_FUZZ_ENGINE=afl -DALLOC_SANITIZE=ON -DALLOC_ANNOTATE_ASAN=ON \
  -DALLOC_DEBUG=1 -DALLOC_BUILD_TESTS=OFF -DALLOC_BUILD_BENCH=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
names=$("$here/fuzz-targets.sh" --configured --names "${only[@]}" "$work/build") || exit 2
# shellcheck disable=SC2086  # names is a list
AFL_QUIET=1 cmake --build "$work/build" -j "$cores" --target $names fuzz_print \
  >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
printer="$work/build/fuzz/fuzz-print"
list=$("$here/fuzz-targets.sh" "${only[@]}" "$work/build") || exit 1
mapfile -t targets <<<"$list"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# shellcheck source=fuzz-options.sh
. "$here/fuzz-options.sh"
fuzz_sanitizer_env afl

# One sample of an instance: "SECONDS EXECS" from whichever of plot_data
# (a line every few seconds, after the first minute) and fuzzer_stats
# (rewritten about once a minute) is newer.  plot_data's time is relative to
# the start: START (fuzzer_stats' start_time, else our launch time) makes it absolute.
afl_sample() { # instance_dir launch_time
  local dir=$1 launch=$2
  awk -v launch="$launch" '
    FILENAME ~ /fuzzer_stats$/ && $1 == "start_time" { start = $3 }
    FILENAME ~ /fuzzer_stats$/ && $1 == "last_update" { st = $3 }
    FILENAME ~ /fuzzer_stats$/ && $1 == "execs_done" { se = $3 }
    FILENAME ~ /plot_data$/ && /^#/ {
      n = split(substr($0, 2), h, /, */)
      for (i = 1; i <= n; i++) { gsub(/ /, "", h[i]); col[h[i]] = i }
      next }
    FILENAME ~ /plot_data$/ && NF { split($0, last, /, */); have = 1 }
    END {
      t = ""; e = ""
      if (have && ("total_execs" in col)) {
        if ("relative_time" in col) t = (start ? start : launch) + last[col["relative_time"]]
        else if ("unix_time" in col) t = last[col["unix_time"]]
        e = last[col["total_execs"]]
      }
      if (st != "" && (t == "" || st > t)) { t = st; e = se }
      if (t != "") print t, e
    }' "$dir/fuzzer_stats" "$dir/plot_data" 2>/dev/null || true
}

summary=()
for entry in "${targets[@]}"; do
  name=${entry%% *} exe=${entry#* }
  t=${name#fuzz_}
  in="$work/in/$t" out="$work/out/$t"
  rm -rf "$in" "$out"
  mkdir -p "$in" "$(dirname "$out")"
  # AFL++ wants one flat input folder: the corpus and the regressions.
  for d in "$corpus/$t" "$corpus/regress/$t"; do
    [ -d "$d" ] && find "$d" -maxdepth 1 -type f ! -name '*.txt' ! -name '*.md' -exec cp {} "$in/" \;
  done
  [ -n "$(ls -A "$in")" ] || printf 'check' >"$in/empty"
  dict=()
  [ -f "$corpus/dict/$t.dict" ] && dict=(-x "$corpus/dict/$t.dict")
  instances=(main)
  for ((k = 1; k < cores; k++)); do instances+=("sec$k"); done
  echo "=== $name: ${seconds}s, ${#instances[@]} instance(s) (${instances[*]}), $(ls "$in" | wc -l) inputs, output $out"
  pids=()
  launch=$(date +%s)
  for inst in "${instances[@]}"; do
    role=-S
    [ "$inst" = main ] && role=-M
    afl-fuzz "$role" "$inst" -i "$in" -o "$out" "${dict[@]}" -V "$seconds" -m none -t 2000 -- "$exe" \
      >"$work/$t-$inst.log" 2>&1 &
    pids+=($!)
  done
  # Per instance: the previous sample (time, execs) and the last rate seen.
  unset prev_t prev_e last_rate
  declare -A prev_t=() prev_e=() last_rate=()
  while kill -0 "${pids[0]}" 2>/dev/null; do
    sleep 10
    line="  $name $(($(date +%s) - launch))s:"
    total=0 known=0
    for inst in "${instances[@]}"; do
      read -r st se < <(afl_sample "$out/$inst" "$launch"; echo) || true
      if [ -z "${st:-}" ]; then line="$line $inst starting;"; continue; fi
      age=$(($(date +%s) - ${st%.*}))
      if [ -n "${prev_t[$inst]:-}" ] && [ "$st" != "${prev_t[$inst]}" ]; then
        rate=$(awk -v e1="${prev_e[$inst]}" -v e2="$se" -v t1="${prev_t[$inst]}" -v t2="$st" \
               'BEGIN { printf "%d", (e2 - e1) / (t2 - t1) }')
        last_rate[$inst]=$rate
      fi
      if [ "$st" != "${prev_t[$inst]:-}" ]; then prev_t[$inst]=$st prev_e[$inst]=$se; fi
      if [ -n "${last_rate[$inst]:-}" ]; then
        line="$line $inst ${last_rate[$inst]}/s ($se execs, ${age}s ago);"
        total=$((total + last_rate[$inst])) known=$((known + 1))
      else
        line="$line $inst $se execs so far;"
      fi
    done
    if [ "$known" -gt 0 ]; then line="$line total $total/s"
    else line="$line (a rate once AFL++ rewrites its stats, about a minute in)"; fi
    echo "$line"
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
    echo "!!! $name: AFL++ found a crash."
    echo "    reproducer: $crash"
    echo "    as text (fuzz-print -n):"
    { "$printer" --target "$t" -n "$crash" 2>&1 || echo "(fuzz-print cannot read it for target $t)"; } |
      sed 's/^/      /'
    echo "    keep it: cp '$crash' $corpus/regress/$t/<name> and add '$t/<name>: <the bug>' to $corpus/regress/NOTES"
    exit 1
  fi
  # The final fuzzer_stats of each instance: execs over its own run time.
  rates=$(for inst in "${instances[@]}"; do
    awk -v inst="$inst" '$1 == "execs_done" { e = $3 } $1 == "run_time" { r = $3 }
      $1 == "start_time" { s = $3 } $1 == "last_update" { u = $3 }
      END { if (r == "") r = u - s; printf "%s %d/s (%d execs in %d s)\n", inst, (r > 0 ? e / r : 0), e, r }' \
      "$out/$inst/fuzzer_stats"
  done)
  echo "$rates" | sed "s/^/  $name final: /"
  execs=$(awk '$1 == "execs_done" { s += $3 } END { print s + 0 }' "$out"/*/fuzzer_stats)
  per=$(echo "$rates" | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
  line="$name: $execs execs over ${#instances[@]} instance(s) ($per)"
  if [ "$cmin" -eq 1 ]; then
    all="$work/queue-all/$t" min="$work/cmin/$t"
    rm -rf "$all" "$min"
    mkdir -p "$all" "$corpus/$t"
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
