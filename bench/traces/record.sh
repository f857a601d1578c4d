#!/usr/bin/env bash
# record.sh - record the shipped allocation traces again, from real programs,
# with the LD_PRELOAD recorder (bench/trace/recorder.c).
#
# Usage: bench/traces/record.sh [--build DIR] [--only NAME] [--out DIR] [--help]
#        bench/traces/record.sh --unpack DIR
#
#   --build DIR  the CMake build folder to build the recorder in
#                (default: build/report, the folder of ./ci/report)
#   --only NAME  record this trace only (cc1plus-stl, python-json, sqlite-script)
#   --out DIR    where NAME.trace.xz goes (default: bench/traces)
#   --unpack DIR decompress every bench/traces/*.trace.xz into DIR and copy
#                the plain *.trace beside them, for a loader that reads only
#                *.trace: ALLOC_BENCH_TRACES=DIR build/report/bench/alloc_bench
#
# Each trace is a real program doing real work on an input this script
# writes itself (no download), capped at MAX_OPS operations:
#   cc1plus-stl    gcc 12's C++ compiler proper (cc1plus, run directly: the
#                  gcc driver would fork and exec several programs) at -O2 on
#                  a program that includes <bits/stdc++.h> (all of libstdc++'s
#                  headers) and instantiates maps, vectors, strings, regex;
#   python-json    Debian's python3.11 with PYTHONMALLOC=malloc (so every
#                  object goes through malloc, not pymalloc's arenas) and
#                  PYTHONHASHSEED=0, building a JSON document of records,
#                  dumping it, loading it back and summarising it;
#   sqlite-script  the sqlite3 3.40 command-line shell on an in-memory
#                  database: a table of 60,000 rows made by a recursive CTE,
#                  an index, group-by and join queries, updates and deletes.
# The traces depend on the versions of these programs (Debian 12's), not on
# addresses: two runs give the same operations (the recorder's `# pid:` line
# differs).  Inputs live in /tmp/alloc-trace-record (removed at the end): one
# run at a time.
# Needs: cmake, gcc/g++, python3 (/usr/bin/python3), sqlite3, xz.
# Exit: 0 recorded; 1 a step failed; 2 bad usage.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/report"
out="$root/bench/traces"
only=""
MAX_OPS=600000

die() { echo "record.sh: $*" >&2; exit 1; }
usage() { sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; }
unpack=""

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --build) [ $# -ge 2 ] || { echo "record.sh: --build needs a folder" >&2; exit 2; }; build=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || { echo "record.sh: --only needs a name" >&2; exit 2; }; only=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || { echo "record.sh: --out needs a folder" >&2; exit 2; }; out=$2; shift 2 ;;
    --unpack) [ $# -ge 2 ] || { echo "record.sh: --unpack needs a folder" >&2; exit 2; }; unpack=$2; shift 2 ;;
    *) echo "record.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$only" in
  ""|cc1plus-stl|python-json|sqlite-script) ;;
  *) echo "record.sh: no trace named '$only' (cc1plus-stl, python-json, sqlite-script)" >&2; exit 2 ;;
esac

if [ -n "$unpack" ]; then
  command -v xz >/dev/null || die "xz is missing (apt-get install xz-utils)"
  mkdir -p "$unpack"
  for f in "$root"/bench/traces/*.trace.xz; do
    [ -e "$f" ] || continue
    xz -dc "$f" >"$unpack/$(basename "$f" .xz)" || die "cannot decompress $f"
    echo "   $unpack/$(basename "$f" .xz)"
  done
  for f in "$root"/bench/traces/*.trace; do
    [ -e "$f" ] && cp "$f" "$unpack/"
  done
  exit 0
fi

for tool in cmake g++ xz sqlite3 /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install sqlite3 xz-utils python3 g++ cmake)"
done
mkdir -p "$out"

echo "== record.sh: building the recorder in $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  mkdir -p "$(dirname "$build")"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DALLOC_BUILD_TESTS=OFF \
        -DALLOC_BUILD_FUZZ=OFF -DALLOC_BUILD_BENCH=ON >"$build.record-configure.log" 2>&1 \
    || { cat "$build.record-configure.log" >&2; die "configure failed"; }
fi
cmake --build "$build" --target alloc_trace_recorder >/dev/null || die "building the recorder failed"
recorder="$build/bench/liballoc_trace_recorder.so"
[ -f "$recorder" ] || die "no recorder at $recorder"

# A fixed folder, not mktemp's random name: the programs keep their input's
# path in hashed strings (python's code objects, cc1plus's file table), so a
# different path gives different table growth and a different trace.
work=/tmp/alloc-trace-record
rm -rf "$work"
mkdir "$work" || die "cannot create $work"
trap 'rm -rf "$work"' EXIT

# record NAME COMMAND...: run COMMAND under the recorder, compress the trace.
record() {
  local name=$1
  shift
  [ -z "$only" ] || [ "$only" = "$name" ] || return 0
  echo "== record.sh: recording $name"
  # setarch -R: no address randomisation, since some tables hash addresses.
  ALLOC_TRACE_FILE="$work/$name.trace" ALLOC_TRACE_MAX=$MAX_OPS LD_PRELOAD="$recorder" \
    setarch "$(uname -m)" -R "$@" \
    >"$work/$name.stdout" || die "$name: the program failed (output in $work/$name.stdout)"
  local ops
  ops=$(grep -c -v '^#' "$work/$name.trace" || true)
  [ "$ops" -gt 100000 ] || die "$name: only $ops operations recorded"
  # The loader reads lines of up to 255 bytes: shorten the long `# program:`
  # comment (cc1plus's command line is longer), keep every operation line.
  sed -E '1,3s/^(#.{180}).+$/\1 .../' "$work/$name.trace" | xz -9 -T1 -c >"$out/$name.trace.xz"
  echo "   $ops operations, $(stat -c %s "$out/$name.trace.xz") bytes compressed -> $out/$name.trace.xz"
}

# --- cc1plus-stl -------------------------------------------------------------
cat >"$work/stl.cc" <<'EOF'
#include <bits/stdc++.h>
// Word statistics over a generated text: containers, strings, regex and
// algorithms, so the compiler instantiates and optimises a lot of templates.
struct Stat { std::string word; std::size_t count; double share; };
static std::vector<std::string> words(const std::string &text) {
  std::vector<std::string> out;
  std::regex re("[A-Za-z]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}
int main(int argc, char **argv) {
  std::ostringstream text;
  for (int i = 0; i < 1000; i++) text << "word" << (i * 7919 % 101) << " alpha beta " << argc << "\n";
  std::map<std::string, std::size_t> freq;
  std::unordered_map<std::string, std::set<int>> lines;
  auto ws = words(text.str());
  for (std::size_t i = 0; i < ws.size(); i++) { freq[ws[i]]++; lines[ws[i]].insert((int)(i / 4)); }
  std::vector<Stat> stats;
  for (auto &[w, c] : freq) stats.push_back({w, c, (double)c / ws.size()});
  std::sort(stats.begin(), stats.end(), [](const Stat &a, const Stat &b) { return a.count > b.count; });
  std::deque<std::pair<std::string, double>> top;
  for (auto &s : stats) { top.emplace_back(s.word, s.share); if (top.size() > 10) top.pop_front(); }
  std::priority_queue<std::size_t> pq; for (auto &s : stats) pq.push(s.count);
  std::list<std::string> names(argv, argv + argc);
  std::shared_ptr<std::vector<Stat>> keep = std::make_shared<std::vector<Stat>>(stats);
  std::function<double(std::size_t)> f = [&](std::size_t k) { return k < keep->size() ? (*keep)[k].share : 0.0; };
  std::cout << std::fixed << std::setprecision(3) << f(0) << ' ' << pq.top() << ' ' << top.size()
            << ' ' << names.size() << ' ' << lines.size() << '\n';
  return 0;
}
EOF
# The command line g++ -O2 -S would give cc1plus (-### prints it, quoted).
cc1plus_line=$(g++ -### -O2 -S "$work/stl.cc" -o "$work/stl.s" 2>&1 | grep '/cc1plus ') \
  || die "cannot find the cc1plus command line in g++ -###"
eval "cc1plus_cmd=($cc1plus_line)"
record cc1plus-stl "${cc1plus_cmd[@]}"

# --- python-json -------------------------------------------------------------
# In a folder of its own: python lists its script's folder when it imports,
# and the other traces' files there would change the allocations.
mkdir "$work/py"
cat >"$work/py/json_work.py" <<'EOF'
import json
records = []
for i in range(20000):
    records.append({"id": i, "name": "user%05d" % i, "tags": ["t%d" % (i % 7), "g%d" % (i % 13)],
                    "score": (i * 7919) % 1000 / 10.0, "active": i % 3 != 0,
                    "address": {"city": "city%d" % (i % 50), "zip": "%05d" % (i * 31 % 100000)}})
text = json.dumps(records, indent=1, sort_keys=True)
back = json.loads(text)
by_city = {}
for r in back:
    by_city.setdefault(r["address"]["city"], []).append(r["score"])
summary = {c: round(sum(v) / len(v), 2) for c, v in sorted(by_city.items())}
print(len(text), len(back), json.dumps(summary)[:60])
EOF
record python-json env PYTHONMALLOC=malloc PYTHONHASHSEED=0 /usr/bin/python3 -S "$work/py/json_work.py"

# --- sqlite-script -----------------------------------------------------------
cat >"$work/script.sql" <<'EOF'
CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, category INTEGER, price REAL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
  INSERT INTO item SELECT i, 'item-' || i, i % 37, (i * 7919) % 10000 / 100.0,
                          substr('lorem ipsum dolor sit amet consectetur adipiscing elit', 1 + i % 20, 5 + i % 30)
  FROM n;
CREATE INDEX item_category ON item(category, price);
CREATE TABLE category(id INTEGER PRIMARY KEY, label TEXT);
INSERT INTO category SELECT DISTINCT category, 'category ' || category FROM item;
SELECT category, count(*), round(avg(price), 2), max(length(note)) FROM item GROUP BY category ORDER BY 3 DESC LIMIT 5;
SELECT c.label, sum(i.price) FROM item i JOIN category c ON c.id = i.category
  WHERE i.price > 50 GROUP BY c.label ORDER BY 2 DESC LIMIT 5;
UPDATE item SET note = upper(note) || '!' WHERE id % 3 = 0;
DELETE FROM item WHERE id % 5 = 0;
SELECT group_concat(name, ',') FROM (SELECT name FROM item WHERE category = 7 ORDER BY price LIMIT 50);
SELECT count(DISTINCT note), sum(length(name)) FROM item;
EOF
record sqlite-script sqlite3 :memory: -init /dev/null -bail -cmd ".read $work/script.sql" .quit

echo "== record.sh: done"
