#!/usr/bin/python3
"""check.py - the report has every benchmark, well named, and renders.

  check.py --report DIR --expected FILE [--screenshot]

FILE lists the benchmarks the executables registered (one name a line, as
--benchmark_list_tests prints them).  Checks, never about speed:
  - every name is workload/allocator[/arg] with a known workload;
  - results.json (merged Google Benchmark JSON) has a run of each expected
    name, with no error, and nothing unexpected;
  - summary.json has ns/op for each, and fragmentation for churn/lifecycle;
  - no fragmentation figure is below 1.0 (by its definition it cannot be:
    one below is a measuring bug), and each names how held bytes were read;
  - index.md and index.html exist, name every benchmark, hold the headline,
    summary and target tables, and every chart (chart-N.svg from gnuplot,
    inline in the HTML), each of which parses;
  - --screenshot: headless Chromium draws the page (screenshot.py): its size
    and every chart's drawn box are asserted, report/screenshot.png taken.
Exit 0 when all hold, 1 with the list of what failed.
"""
import argparse
import json
import os
import re
import sys
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import screenshot  # noqa: E402

WORKLOADS = {"churn", "lifo", "lifecycle", "lifecycle-create", "realloc-double", "realloc-step", "resize", "trace",
             "trace-end"}
NAME = re.compile(r"^([a-z-]+)/([a-z0-9-]+)(/[A-Za-z0-9_.-]+)?$")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--report", required=True)
    p.add_argument("--expected", required=True)
    p.add_argument("--screenshot", action="store_true", help="also check the page in headless Chromium")
    args = p.parse_args()
    problems = []
    expected = [l.strip() for l in open(args.expected, encoding="utf-8") if l.strip()]
    if not expected:
        problems.append("no expected benchmark names")
    for n in expected:
        m = NAME.match(n)
        if not m or m.group(1) not in WORKLOADS:
            problems.append("badly formed name: %s" % n)
    results = json.load(open(os.path.join(args.report, "results.json"), encoding="utf-8"))
    seen, errors = set(), []
    for b in results.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        seen.add(name)
        if b.get("error_occurred"):
            errors.append("%s: %s" % (name, b.get("error_message")))
    for n in expected:
        if n not in seen:
            problems.append("missing from results.json: %s" % n)
    for n in sorted(seen - set(expected)):
        problems.append("unexpected in results.json: %s" % n)
    problems += ["benchmark error: %s" % e for e in errors]
    summary = json.load(open(os.path.join(args.report, "summary.json"), encoding="utf-8"))
    rows = {r["name"]: r for r in summary["benchmarks"]}
    for n in expected:
        r = rows.get(n, {})
        if not r.get("ns_per_op"):
            problems.append("no ns/op for %s" % n)
        if n.split("/")[0] in ("churn", "lifecycle") and not r.get("overhead"):
            problems.append("no fragmentation figure for %s" % n)
    for r in summary["benchmarks"]:
        if r.get("overhead") is not None and r["overhead"] < 1.0:
            problems.append("fragmentation below 1.0 (impossible by its definition: a measuring bug): %s %.3f"
                            % (r["name"], r["overhead"]))
        if r.get("overhead") is not None and not r.get("held_source"):
            problems.append("fragmentation of %s does not say how held bytes were read" % r["name"])
    charts = sorted(fn[:-4] for fn in os.listdir(args.report) if re.match(r"chart-\d+\.svg$", fn))
    if len(charts) < 2:
        problems.append("fewer than 2 charts written (chart-N.svg): %s" % (", ".join(charts) or "none"))
    for c in charts:
        try:
            xml.dom.minidom.parse(os.path.join(args.report, c + ".svg"))
        except Exception as e:  # noqa: BLE001 - any parse error is a failed check
            problems.append("%s.svg does not parse: %s" % (c, e))
    for page in ("index.md", "index.html"):
        path = os.path.join(args.report, page)
        if not os.path.exists(path):
            problems.append("%s not written" % page)
            continue
        text = open(path, encoding="utf-8").read()
        for n in expected:
            if n not in text:
                problems.append("%s does not name %s" % (page, n))
        for must in ("Headline", "Summary", "Targets", "How each allocator was measured"):
            if must not in text:
                problems.append("%s lacks the section %r" % (page, must))
        if page == "index.html":
            for c in charts:
                if "id='%s'" % c not in text:
                    problems.append("index.html does not show %s" % c)
            try:
                for svg in re.findall(r"<svg.*?</svg>", text, re.S):
                    xml.dom.minidom.parseString(svg)
            except Exception as e:  # noqa: BLE001 - any parse error is a failed check
                problems.append("an inline SVG does not parse: %s" % e)
    if args.screenshot and not problems:
        problems += ["page in Chromium: " + x for x in screenshot.look(args.report, charts)]
    if problems:
        print("check.py: %d problem(s):" % len(problems))
        for pr in problems:
            print("  - " + pr)
        return 1
    print("check.py: %d benchmarks present and named well; report rendered with %s" %
          (len(expected), ", ".join(sorted(f for f in os.listdir(args.report) if f.endswith((".md", ".html", ".svg"))))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
