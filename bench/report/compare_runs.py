#!/usr/bin/python3
"""compare_runs.py - what changed between two ./ci/report runs, and whether
it is beyond the noise.  `./ci/report --compare OLD NEW` runs it.

  compare_runs.py OLD NEW

OLD and NEW: results.json files of two runs (or their report folders).
Checks both first (present, non-empty, JSON, Google Benchmark's shape) and
says in one line what is wrong, exit 2.  Then:
  1. Google Benchmark's compare.py, its whole output (medians, U test
     p-values, OVERALL_GEOMEAN), nothing filtered; its errors shown, its
     exit code kept.
  2. Per benchmark, a verdict on CPU time: "slower" / "faster" when the
     U test says p < 0.05 AND the 95% intervals of the medians do not
     overlap; otherwise "within noise" (or "no test" under 3 repetitions).
  3. When both folders hold instructions.json (Callgrind), the same per
     benchmark on instructions per operation, which have no noise: any
     change above 1% is flagged.
The last line counts what is flagged, out of how many.
Exit: 0 compared; 1 compare.py failed; 2 bad input.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stats  # noqa: E402

COMPARE = "/usr/share/benchmark/compare.py"
INSTR_FLAG_PCT = 1.0


def die(msg):
    print("ci/report --compare: " + msg, file=sys.stderr)
    sys.exit(2)


def results_path(arg):
    if os.path.isdir(arg):
        arg = os.path.join(arg, "results.json")
    if not os.path.exists(arg):
        die("no such file: %s" % arg)
    if os.path.getsize(arg) == 0:
        die("%s is empty (not a results.json of ./ci/report)" % arg)
    return arg


def load_results(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        die("%s is not JSON (%s); want a results.json of ./ci/report" % (path, e))
    bms = doc.get("benchmarks") if isinstance(doc, dict) else None
    if not isinstance(bms, list) or not bms:
        die("%s has no 'benchmarks' list: not Google Benchmark JSON (want a results.json of ./ci/report)" % path)
    for b in bms:
        if not isinstance(b, dict) or not all(k in b for k in ("name", "real_time", "cpu_time", "time_unit")):
            die("%s: a benchmark entry lacks name/real_time/cpu_time/time_unit: not Google Benchmark JSON" % path)
    return doc


def iterations(doc):
    """name -> CPU times of its repetitions (errors and aggregates left out)."""
    out = {}
    for b in doc["benchmarks"]:
        if b.get("error_occurred") or b.get("run_type", "iteration") != "iteration":
            continue
        out.setdefault(b.get("run_name", b["name"]), []).append(float(b["cpu_time"]))
    return out


def time_verdict(old, new):
    p = stats.u_test(old, new)
    if p is None:
        return "no test", p
    m0, lo0, hi0 = stats.median_ci(old)
    m1, lo1, hi1 = stats.median_ci(new)
    if p < stats.ALPHA and (hi1 < lo0 or lo1 > hi0):
        return ("faster" if m1 < m0 else "slower"), p
    return "within noise", p


def instructions_of(results):
    path = os.path.join(os.path.dirname(os.path.abspath(results)), "instructions.json")
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return {b["name"]: b["per_op"] for b in json.load(f)["benchmarks"]}
    except (ValueError, KeyError, TypeError) as e:
        die("%s is not an instructions.json of ./ci/report (%s)" % (path, e))


def main():
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) == 2 else 2
    old_path, new_path = results_path(sys.argv[1]), results_path(sys.argv[2])
    old, new = load_results(old_path), load_results(new_path)
    if not os.path.exists(COMPARE):
        die("%s missing (apt-get install libbenchmark-tools python3-scipy)" % COMPARE)

    print("== compare.py (Google Benchmark): time and CPU change, U test over repetitions", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as dump:
        proc = subprocess.run([sys.executable, COMPARE, "--no-color", "-a", "-d", dump.name, "benchmarks",
                               old_path, new_path])
    if proc.returncode != 0:
        print("ci/report --compare: compare.py failed (exit %d; its message is above)" % proc.returncode,
              file=sys.stderr)
        return 1

    o, n = iterations(old), iterations(new)
    common = sorted(set(o) & set(n))
    print("\n== verdicts on CPU time (U test p < %.2f and 95%% intervals of the medians apart)" % stats.ALPHA)
    flagged = 0
    for name in common:
        v, p = time_verdict(o[name], n[name])
        change = (stats.median_ci(n[name])[0] / stats.median_ci(o[name])[0] - 1) * 100
        flagged += v in ("faster", "slower")
        print("%-40s %+7.1f%%  %-12s %s" % (name, change, v, "p=%.3f" % p if p is not None else ""))
    gone, added = sorted(set(o) - set(n)), sorted(set(n) - set(o))
    for name in gone:
        print("%-40s only in OLD" % name)
    for name in added:
        print("%-40s only in NEW" % name)

    io, inew = instructions_of(old_path), instructions_of(new_path)
    instr_line = "instructions: not in both folders (run without --quick/--no-instructions)"
    if io is not None and inew is not None:
        both = sorted(set(io) & set(inew))
        moved = 0
        print("\n== instructions per operation (Callgrind, no noise: above %.0f%% is flagged)" % INSTR_FLAG_PCT)
        for name in both:
            ch = (inew[name] / io[name] - 1) * 100 if io[name] else 0.0
            if abs(ch) > INSTR_FLAG_PCT:
                moved += 1
                print("%-40s %10.1f -> %10.1f  %+6.1f%%" % (name, io[name], inew[name], ch))
        instr_line = "instructions: %d of %d benchmarks moved by more than %.0f%% (%.1f%%)" % (
            moved, len(both), INSTR_FLAG_PCT, 100.0 * moved / len(both) if both else 0.0)
    print("\nci/report --compare: CPU time: %d of %d benchmarks beyond the noise (%.1f%%); %s" % (
        flagged, len(common), 100.0 * flagged / len(common) if common else 0.0, instr_line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
