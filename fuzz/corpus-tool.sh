#!/usr/bin/env bash
# corpus-tool.sh - keep corpus/ consistent with its hand-written sources.
#
# Usage: fuzz/corpus-tool.sh regen|check FUZZ_ENCODE CORPUS_DIR
#   regen  encode corpus/seeds/<target>/NAME.txt into corpus/<target>/seed-NAME,
#          remove seed-* files whose source is gone, rewrite corpus/dict/<target>.dict
#   check  exit 1 if any of that is out of date, or if a file under
#          corpus/regress/<target>/ has no line in corpus/regress/NOTES
# (`make fuzz-seeds` runs regen; ctest fuzz_corpus_current runs check.)
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  regen|check) ;;
  *) usage >&2; exit 2 ;;
esac
[ $# -eq 3 ] || { usage >&2; exit 2; }
mode=$1 enc=$2 corpus=$3
[ -x "$enc" ] || { echo "corpus-tool: $enc is not an executable fuzz-encode" >&2; exit 2; }
[ -d "$corpus/seeds" ] || { echo "corpus-tool: $corpus/seeds not found" >&2; exit 2; }

bad=0 n=0 ndict=0
# every target with hand-written seeds (corpus/seeds/<target>/), sca rp mixed at least
targets=$( { printf '%s\n' sca rp mixed; ls "$corpus/seeds"; } | sort -u)
for t in $targets; do
  ndict=$((ndict + 1))
  mkdir -p "$corpus/$t" "$corpus/dict"
  for src in "$corpus/seeds/$t"/*.txt; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .txt)
    out="$corpus/$t/seed-$name"
    n=$((n + 1))
    if [ "$mode" = regen ]; then
      "$enc" --target "$t" "$src" -o "$out"
    elif ! "$enc" --target "$t" --check "$out" "$src"; then
      bad=$((bad + 1))
    fi
  done
  for seed in "$corpus/$t"/seed-*; do
    [ -e "$seed" ] || continue
    name=${seed##*/seed-}
    if [ ! -e "$corpus/seeds/$t/$name.txt" ]; then
      if [ "$mode" = regen ]; then rm -f "$seed"
      else echo "corpus-tool: $seed has no source corpus/seeds/$t/$name.txt" >&2; bad=$((bad + 1)); fi
    fi
  done
  dict="$corpus/dict/$t.dict"
  if [ "$mode" = regen ]; then
    "$enc" --dict "$t" > "$dict"
  elif ! "$enc" --dict "$t" | cmp -s - "$dict"; then
    echo "corpus-tool: $dict is out of date (make fuzz-seeds)" >&2
    bad=$((bad + 1))
  fi
  for f in "$corpus/regress/$t"/*; do
    [ -f "$f" ] || continue
    case "$f" in *.txt) continue ;; esac  # a reproducer's text form may sit next to it
    rel="$t/${f##*/}"
    if ! grep -q "^$rel: ." "$corpus/regress/NOTES" 2>/dev/null; then
      echo "corpus-tool: $f has no note: add a line '$rel: <the bug it caught>' to corpus/regress/NOTES" >&2
      bad=$((bad + 1))
    fi
  done
done
if [ "$mode" = regen ]; then
  echo "corpus-tool: encoded $n seeds, wrote $ndict dictionaries"
elif [ $bad -ne 0 ]; then
  echo "corpus-tool: $bad problems (run: make fuzz-seeds)" >&2
  exit 1
else
  echo "corpus-tool: $n seeds, dictionaries and regress notes up to date"
fi
