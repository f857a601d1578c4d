#!/usr/bin/python3
"""report_check_test.py - render.py renders, and check.py bites.

Builds a small synthetic result set (Google Benchmark JSON, measure lines,
instruction counts), renders it, and expects check.py to pass; then plants
the faults the --quick check exists to catch (a benchmark missing from the
results, a badly formed name, a chart that does not parse, a benchmark that
errored) and expects check.py to fail on each.

Usage: report_check_test.py BENCH_REPORT_DIR   (exit 0 when all hold)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

NAMES = ["churn/glibc/1000", "churn/sca/1000", "lifo/glibc", "lifo/sca",
         "lifecycle/glibc/200", "lifecycle/rp/200", "lifecycle/bump/200"]


def gb_run(name, ns, rep):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 3,
            "repetition_index": rep, "iterations": 1000, "real_time": ns, "cpu_time": ns,
            "time_unit": "ns", "items_per_second": 1e9 / ns}


def make_raw(raw, error_in=None, overhead=1.25):
    os.makedirs(raw)
    benches = []
    for i, n in enumerate(NAMES):
        for rep in range(3):
            b = gb_run(n, 10.0 + i + rep * 0.1, rep)
            if n == error_in:
                b["error_occurred"], b["error_message"] = True, "planted error"
            benches.append(b)
    json.dump({"context": {"date": "2026-01-01", "num_cpus": 2}, "benchmarks": benches},
              open(os.path.join(raw, "alloc_bench.json"), "w"))
    with open(os.path.join(raw, "alloc_bench.measure.jsonl"), "w") as f:
        for n in NAMES:
            f.write(json.dumps({"name": n, "peak_rss_kb": 2000, "label": "test", "error": "",
                                "counters": {"overhead": overhead, "peak_held_bytes": 1250,
                                             "peak_live_bytes": 1000}}) + "\n")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    tools = sys.argv[1]
    render, check = os.path.join(tools, "render.py"), os.path.join(tools, "check.py")
    tmp = tempfile.mkdtemp(prefix="report_check_test.")
    failures = []
    try:
        def render_and_check(tag, expected, error_in=None, corrupt_svg=False, overhead=1.25):
            raw, out = os.path.join(tmp, tag, "raw"), os.path.join(tmp, tag, "out")
            make_raw(raw, error_in, overhead)
            instr = os.path.join(tmp, tag, "instr.json")
            json.dump({"ops_target": 100, "benchmarks": [
                {"name": n, "per_op": 100.0 + i, "workload": n.split("/")[0], "allocator": n.split("/")[1],
                 "arg": "/".join(n.split("/")[2:])} for i, n in enumerate(NAMES)]}, open(instr, "w"))
            r = run([sys.executable, render, "--raw", raw, "--out", out, "--instructions", instr])
            if r.returncode != 0 and error_in is None:
                failures.append("%s: render.py failed: %s" % (tag, r.stderr or r.stdout))
            if corrupt_svg:
                page = os.path.join(out, "index.html")
                text = open(page).read().replace("</svg>", "<svg>", 1)
                open(page, "w").write(text)
            exp = os.path.join(tmp, tag, "expected.txt")
            open(exp, "w").write("\n".join(expected) + "\n")
            return run([sys.executable, check, "--report", out, "--expected", exp])

        r = render_and_check("good", NAMES)
        if r.returncode != 0:
            failures.append("good report rejected: " + r.stdout)
        for tag, kwargs in [("missing", {"expected": NAMES + ["churn/sca/10000"]}),
                            ("badname", {"expected": NAMES + ["Churn sca"]}),
                            ("svg", {"expected": NAMES, "corrupt_svg": True}),
                            ("error", {"expected": NAMES, "error_in": "lifo/sca"}),
                            ("below1", {"expected": NAMES, "overhead": 0.97})]:
            r = render_and_check(tag, **kwargs)
            if r.returncode == 0:
                failures.append("planted fault '%s' not caught by check.py" % tag)
            else:
                print("caught %-8s %s" % (tag, r.stdout.splitlines()[1].strip() if len(r.stdout.splitlines()) > 1 else ""))
        page = open(os.path.join(tmp, "good", "out", "index.html")).read()
        for must in ("sca &gt;= 4x glibc on churn/1000", "rp within 1.3x of a bare bump pointer", "<svg",
                     "Headline"):
            if must not in page:
                failures.append("index.html lacks %r" % must)
        # The page check in headless Chromium, and its negative control: a
        # page whose second chart is gone must be caught.
        sys.path.insert(0, tools)
        import screenshot
        good = os.path.join(tmp, "good", "out")
        charts = sorted(fn[:-4] for fn in os.listdir(good) if fn.startswith("chart-") and fn.endswith(".svg"))
        if screenshot.browser() is None:
            print("report_check_test: chromium missing: page check not run (ci/install-deps installs it)")
        else:
            problems = screenshot.look(good, charts)
            if problems:
                failures.append("good page rejected in Chromium: %s" % problems)
            page = os.path.join(good, "index.html")
            text = open(page).read()
            open(page, "w").write(text.replace("id='%s'" % charts[-1], "id='gone'"))
            problems = screenshot.look(good, charts)
            if not any(charts[-1] in p for p in problems):
                failures.append("a page without %s was not caught by the Chromium check" % charts[-1])
            else:
                print("caught %-8s %s" % ("nochart", problems[0]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("report_check_test: FAILED " + f)
    if not failures:
        print("report_check_test: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
