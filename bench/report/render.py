#!/usr/bin/python3
"""render.py - shape benchmark results into report/ (Markdown, HTML, charts).

  render.py --raw DIR --out DIR [--instructions FILE] [--mode NAME] [--notes FILE]

Inputs in --raw:
  <exe>.json           Google Benchmark JSON of one executable (timing)
  <exe>.measure.jsonl  its --cbench_measure lines (fragmentation, peak RSS)
--instructions: the JSON of `instructions.py run` (optional).

Writes to --out: results.json (every executable's Google Benchmark JSON
merged, the input of `ci/report --compare`), summary.json (the figures per
benchmark), summary.txt (what ./ci/report prints at the end); through
charts.py (gnuplot) chart-N.svg with their .dat and .gp, and through page.py
index.md and index.html.  This file only shapes the data: figures, verdicts,
tables' rows and charts' bars.

Figures: CPU time per operation (median over repetitions, with the 95%
interval of the median); instructions per operation (Callgrind, no noise);
fragmentation (see workloads/common.h for the one definition).  Verdicts:
instructions first (met / missed), then time by the U test (met / missed /
within noise).  Statistics live in stats.py.
"""
import argparse
import datetime
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import charts  # noqa: E402
import page  # noqa: E402
import stats  # noqa: E402

WORKLOAD_ORDER = ["churn", "lifo", "lifecycle", "lifecycle-create", "realloc-double", "realloc-step", "resize", "trace",
                  "trace-end"]
OURS = ["sca", "sca-fast", "sca-compact", "rp"]
RP_OPTION_SETS = ["rp", "rp-64k", "rp-64k-16k"]  # rp and its block-size / threshold options
PEERS = ["jemalloc", "tcmalloc", "mimalloc"]
ALLOC_ORDER = ["glibc", "sca", "sca-fast", "sca-compact", "sca-via-pointer", "glibc-via-pointer", "rp", "rp-nocache", "rp-64k", "rp-64k-16k",
               "obstack", "bump",
               "jemalloc", "tcmalloc", "mimalloc", "null"]
NULL = "null"  # the replay loop alone (trace workload)

MEASURED_HOW = {
    "glibc": "in alloc_bench (the process's own malloc)",
    "sca": "in alloc_bench, over a libc-malloc upstream",
    "sca-fast": "in alloc_bench, as sca with sca_options_fast() (classes to 8 KiB, inline paths, lean statistics)",
    "sca-compact": "in alloc_bench, as sca-fast with sca_options_compact() (a size whose class would waste more "
                   "than 1/8 of it is a large block of its own size)",
    "rp": "in alloc_bench, over a libc-malloc upstream (a caching upstream in lifecycle-create; cached blocks "
          "count as held)",
    "rp-nocache": "in alloc_bench, a pool per request straight over libc malloc",
    "rp-64k": "in alloc_bench, as rp with 64 KiB blocks (nginx's 4095-byte large threshold)",
    "rp-64k-16k": "in alloc_bench, as rp with 64 KiB blocks and a 16 KiB large threshold (rp_create_max)",
    "obstack": "in alloc_bench, glibc obstack over malloc",
    "bump": "in alloc_bench, 64 KiB chunks from malloc",
    "jemalloc": "own executable alloc_bench_jemalloc (replaces malloc)",
    "tcmalloc": "own executable alloc_bench_tcmalloc (libtcmalloc_minimal, replaces malloc)",
    "mimalloc": "own executable alloc_bench_mimalloc (replaces malloc)",
    "null": "in alloc_bench: the trace replay loop over an allocator that does nothing (its cost is subtracted "
            "from every allocator's trace figures)",
}

HELD_DEFINITION = (
    "Fragmentation = peak bytes held / peak bytes live, measured in an untimed pass of the same workload, in a "
    "child process of its own per benchmark, with the trace data mmap'd outside every heap. Held = what the "
    "allocator holds from the system at its peak, minus what the rest of the process had in use when the pass "
    "began; it is read at every new peak of live bytes (in steps of 1/1024) and every 256 operations, and every "
    "byte of every block is written, so held >= live at the live peak and no figure can fall below 1.0 (the "
    "report check fails if one does). The allocator's fixed cost (a first arena, metadata) counts as held: it "
    "dominates small working sets. How each allocator's held bytes are read is the 'held read from' column: "
    "the allocator's own accounting, except mimalloc, whose Debian build keeps none (its resident set instead).")


def split_name(name):
    parts = name.split("/")
    return parts[0], (parts[1] if len(parts) > 1 else ""), "/".join(parts[2:])


def group_of(name):
    w, _, arg = split_name(name)
    return w + ("/" + arg if arg else "")


def name_of(w, a, arg):
    return "/".join(x for x in (w, a, arg) if x)


def order_key(name):
    w, a, arg = split_name(name)
    wi = WORKLOAD_ORDER.index(w) if w in WORKLOAD_ORDER else len(WORKLOAD_ORDER)
    ai = ALLOC_ORDER.index(a) if a in ALLOC_ORDER else len(ALLOC_ORDER)
    argkey = (0, int(arg)) if arg.isdigit() else (1, arg)
    return (wi, argkey, ai, a)


# ---------------------------------------------------------------------------
# Loading

def load_raw(raw):
    merged, runs, errors, counters = None, {}, {}, {}
    for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
        doc = json.load(open(path, encoding="utf-8"))
        exe = os.path.basename(path)[:-5]
        if merged is None or exe == "alloc_bench":
            base = dict(doc)
            base["benchmarks"] = merged["benchmarks"] if merged else []
            merged = base
        for b in doc.get("benchmarks", []):
            b = dict(b)
            b["executable"] = exe
            merged["benchmarks"].append(b)
            if b.get("error_occurred"):
                errors[b["name"]] = b.get("error_message", "error")
                continue
            if b.get("run_type", "iteration") != "iteration":
                continue
            name = b.get("run_name", b["name"])
            runs.setdefault(name, []).append(b)
            if "end_frees" in b:
                counters.setdefault(name, {})["end_frees"] = b["end_frees"]
    measures = {}
    for path in sorted(glob.glob(os.path.join(raw, "*.measure.jsonl"))):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line.startswith("{"):
                m = json.loads(line)
                measures[m["name"]] = m
    return merged, runs, errors, measures, counters


def cpu_ns(b):
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b["cpu_time"] * scale


def ratio_interval(ref, r):
    """ref / r (how many times faster than ref) with a conservative interval
    from the two medians' intervals."""
    if not (ref.get("ns_per_op") and r.get("ns_per_op")):
        return None, None, None
    x = ref["ns_per_op"] / r["ns_per_op"]
    if ref.get("ns_lo") and r.get("ns_hi") and r.get("ns_lo"):
        return x, ref["ns_lo"] / r["ns_hi"], ref["ns_hi"] / r["ns_lo"]
    return x, None, None


def figures(runs, measures, instr, counters):
    """One record per benchmark with every figure we have."""
    names = set(runs) | set(measures) | set(instr)
    rows = {}
    for name in names:
        w, a, arg = split_name(name)
        r = {"name": name, "workload": w, "allocator": a, "arg": arg, "group": group_of(name)}
        reps = runs.get(name, [])
        if reps:
            times = [cpu_ns(b) for b in reps]
            med, lo, hi = stats.median_ci(times)
            r.update(ns_per_op=med, ns_lo=lo, ns_hi=hi, repetitions=len(times), samples=times,
                     executable=reps[0].get("executable"))
        r.update(counters.get(name, {}))
        m = measures.get(name)
        if m:
            c = m.get("counters", {})
            r["peak_rss_kb"] = m.get("peak_rss_kb")
            if c.get("overhead"):  # 0: nothing held (the null allocator)
                r.update(overhead=c["overhead"], peak_held_bytes=c.get("peak_held_bytes"),
                         peak_live_bytes=c.get("peak_live_bytes"), held_source=m.get("label", ""))
        if name in instr:
            r["instr_per_op"] = instr[name]["per_op"]
        rows[name] = r
    # Trace figures: the replay loop's own cost (null) measured apart and
    # subtracted, so what remains is the allocator's.
    for r in rows.values():
        if r["workload"] not in ("trace", "trace-end") or r["allocator"] == NULL:
            continue
        loop = rows.get(name_of(r["workload"], NULL, r["arg"]))
        if not loop:
            continue
        if loop.get("instr_per_op") is not None and r.get("instr_per_op") is not None:
            r["loop_instr_per_op"] = loop["instr_per_op"]
            r["instr_per_op"] = r["instr_per_op"] - loop["instr_per_op"]
        if loop.get("ns_per_op") and r.get("ns_per_op"):
            r["loop_ns_per_op"] = loop["ns_per_op"]
            r["samples"] = [max(t - loop["ns_per_op"], 1e-3) for t in r["samples"]]
            r["ns_per_op"], r["ns_lo"], r["ns_hi"] = stats.median_ci(r["samples"])
    for r in rows.values():
        ref = rows.get(name_of(r["workload"], "glibc", r["arg"]))
        if not ref or r["allocator"] == NULL:
            continue
        r["x_glibc_time"], r["x_glibc_time_lo"], r["x_glibc_time_hi"] = ratio_interval(ref, r)
        if r.get("instr_per_op") and ref.get("instr_per_op"):
            r["x_glibc_instr"] = ref["instr_per_op"] / r["instr_per_op"]
    return [rows[n] for n in sorted(rows, key=order_key)]


# ---------------------------------------------------------------------------
# Targets: instructions lead (met / missed, no noise), time follows (U test).

def scaled(r, k):
    return [t * k for t in r.get("samples", [])]


def targets(rows):
    by = {r["name"]: r for r in rows}
    out = []

    def add(text, instr_ok, time_verdict, detail):
        if instr_ok is None:
            status = time_verdict[0] if time_verdict[0] in ("met", "missed") else "no data"
        else:
            status = "met" if instr_ok else "missed"
        out.append({"target": text, "status": status,
                    "instructions": {True: "met", False: "missed", None: "no data"}[instr_ok],
                    "time": time_verdict[0], "time_p": time_verdict[1], "detail": detail})

    def fmt(v, f="%.2f"):
        return f % v if v is not None else "n/a"

    def lower(a, b, k_a=1.0, k_b=1.0):
        """Instructions: is k_a*a below k_b*b?  Time: the same, U test."""
        ia, ib = a.get("instr_per_op"), b.get("instr_per_op")
        instr_ok = (ia * k_a < ib * k_b) if ia is not None and ib is not None else None
        tv = stats.verdict(scaled(a, k_a), scaled(b, k_b)) if a.get("samples") and b.get("samples") else ("no data", None)
        return instr_ok, tv

    for w in ("churn", "lifo"):
        for r in [r for r in rows if r["workload"] == w and r["allocator"] in ("sca", "sca-fast", "sca-compact")]:
            g = by.get(name_of(w, "glibc", r["arg"]))
            if g:
                i_ok, tv = lower(r, g, 4.0)
                add("%s >= 4x glibc on %s" % (r["allocator"], r["group"]), i_ok, tv,
                    "instructions x%s, time x%s" % (fmt(r.get("x_glibc_instr")), fmt(r.get("x_glibc_time"))))
            peers = [by.get(name_of(w, p, r["arg"])) for p in PEERS]
            for p in [p for p in peers if p]:
                i_ok, tv = lower(r, p)
                add("%s ahead of %s on %s" % (r["allocator"], p["allocator"], r["group"]), i_ok, tv,
                    "instr/op %s vs %s; ns/op %s vs %s" % (fmt(r.get("instr_per_op"), "%.1f"),
                                                          fmt(p.get("instr_per_op"), "%.1f"),
                                                          fmt(r.get("ns_per_op")), fmt(p.get("ns_per_op"))))
    # rp's targets, for the default and for each block-size / threshold option set
    # (rp-nocache differs from rp only in lifecycle-create).
    for r in [r for r in rows if r["workload"] == "lifecycle" and r["allocator"] in RP_OPTION_SETS]:
        rp = r["allocator"]
        g = by.get(name_of("lifecycle", "glibc", r["arg"]))
        if g:
            i_ok, tv = lower(r, g, 10.0)
            add("%s >= 10x glibc on %s" % (rp, r["group"]), i_ok, tv,
                "instructions x%s, time x%s" % (fmt(r.get("x_glibc_instr")), fmt(r.get("x_glibc_time"))))
        bump = by.get(name_of("lifecycle", "bump", r["arg"]))
        if bump:
            i_ok, tv = lower(r, bump, 1.0, 1.3)
            ri = r["instr_per_op"] / bump["instr_per_op"] if r.get("instr_per_op") and bump.get("instr_per_op") else None
            rt = r["ns_per_op"] / bump["ns_per_op"] if r.get("ns_per_op") and bump.get("ns_per_op") else None
            add("%s within 1.3x of a bare bump pointer on %s" % (rp, r["group"]), i_ok, tv,
                "%s / bump: instructions %s, time %s" % (rp, fmt(ri), fmt(rt)))
        create = by.get(name_of("lifecycle-create", rp, r["arg"]))
        if create:
            i_ok, tv = lower(create, r, 1.0, 1.5)
            ri = create["instr_per_op"] / r["instr_per_op"] if create.get("instr_per_op") and r.get("instr_per_op") else None
            rt = create["ns_per_op"] / r["ns_per_op"] if create.get("ns_per_op") and r.get("ns_per_op") else None
            add("%s pool per request within 1.5x of reset (%s)" % (rp, r["group"]), i_ok, tv,
                "create / reset: instructions %s, time %s" % (fmt(ri), fmt(rt)))
    for r in rows:
        if r["allocator"] in OURS and r["workload"] in ("churn", "lifecycle") and r.get("overhead"):
            ref = by.get(name_of(r["workload"], "glibc", r["arg"]))
            if ref and ref.get("overhead"):
                ok = r["overhead"] <= ref["overhead"]
                out.append({"target": "%s fragmentation no worse than glibc on %s" % (r["allocator"], r["group"]),
                            "status": "met" if ok else "missed", "instructions": "-", "time": "-", "time_p": None,
                            "detail": "peak held / peak live: %s %.3f, glibc %.3f (one pass, exact: no noise)"
                                      % (r["allocator"], r["overhead"], ref["overhead"])})
    return out


# ---------------------------------------------------------------------------
# Headline: per allocator, the geometric mean of its ratios to glibc.

def headline(rows):
    allocs = [a for a in ALLOC_ORDER if a not in ("glibc", NULL) and any(r["allocator"] == a for r in rows)]
    out = []
    for a in allocs:
        mine = [r for r in rows if r["allocator"] == a]
        t = [r["x_glibc_time"] for r in mine if r.get("x_glibc_time")]
        i = [r["x_glibc_instr"] for r in mine if r.get("x_glibc_instr")]
        out.append({"allocator": a, "time_geomean": stats.geomean(t), "time_n": len(t),
                    "instr_geomean": stats.geomean(i), "instr_n": len(i)})
    return out


def f(v, fmtstr="%.1f", none="-"):
    return fmtstr % v if v is not None else none


HEADLINE_HEAD = ["allocator", "x glibc, instructions (geomean)", "benchmarks", "x glibc, CPU time (geomean)",
                 "benchmarks"]


def headline_cells(h):
    return [h["allocator"], f(h["instr_geomean"], "%.2f"), h["instr_n"], f(h["time_geomean"], "%.2f"), h["time_n"]]


def summary_rows(rows):
    """One line per (group, our allocator): the figures a person looks at first."""
    by = {r["name"]: r for r in rows}
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    out = []
    for g in groups:
        w, _, arg = g.partition("/")
        glibc = by.get(name_of(w, "glibc", arg)) or {}
        for ours in OURS:
            r = by.get(name_of(w, ours, arg))
            if r:
                out.append([g, ours, f(glibc.get("instr_per_op")), f(r.get("instr_per_op")),
                            f(r.get("x_glibc_instr"), "%.2f"), f(glibc.get("ns_per_op"), "%.2f"),
                            f(r.get("ns_per_op"), "%.2f"), interval_text(r, "x_glibc_time"),
                            f(r.get("overhead"), "%.3f"), f(glibc.get("overhead"), "%.3f")])
    return out


SUMMARY_HEAD = ["workload", "ours", "glibc instr/op", "ours instr/op", "x glibc (instr)", "glibc CPU ns/op",
                "ours CPU ns/op", "x glibc (time, 95% interval)", "overhead ours", "overhead glibc"]


def interval_text(r, key):
    v, lo, hi = r.get(key), r.get(key + "_lo"), r.get(key + "_hi")
    if v is None:
        return "-"
    return "%.2f [%.2f-%.2f]" % (v, lo, hi) if lo is not None and hi is not None and lo != hi else "%.2f" % v


FULL_HEAD = ["benchmark", "instr/op", "x glibc (instr)", "CPU ns/op (median)", "95% interval", "reps",
             "x glibc (time)", "overhead", "peak held KiB", "peak live KiB", "peak RSS KiB", "held read from"]


def full_cells(r):
    ci = "%.2f-%.2f" % (r["ns_lo"], r["ns_hi"]) if r.get("ns_lo") is not None and r.get("repetitions", 0) > 1 else "-"
    return [r["name"], f(r.get("instr_per_op")), f(r.get("x_glibc_instr"), "%.2f"), f(r.get("ns_per_op"), "%.2f"),
            ci, f(r.get("repetitions"), "%d"), interval_text(r, "x_glibc_time"), f(r.get("overhead"), "%.3f"),
            f(r["peak_held_bytes"] / 1024 if r.get("peak_held_bytes") is not None else None, "%.0f"),
            f(r["peak_live_bytes"] / 1024 if r.get("peak_live_bytes") is not None else None, "%.0f"),
            f(r.get("peak_rss_kb"), "%d"), r.get("held_source", "-") or "-"]


TRACE_HEAD = ["benchmark", "instr/op, allocator only", "replay loop instr/op (null)", "CPU ns/op, allocator only",
              "replay loop ns/op (null)", "end-of-trace frees (not timed)", "instr per end free, allocator only",
              "scan instr per end free (null)"]


def trace_cells(r, by):
    end = by.get(name_of("trace-end", r["allocator"], r["arg"]), {})
    return [r["name"], f(r.get("instr_per_op")), f(r.get("loop_instr_per_op")), f(r.get("ns_per_op"), "%.2f"),
            f(r.get("loop_ns_per_op"), "%.2f"), f(r.get("end_frees"), "%d"), f(end.get("instr_per_op")),
            f(end.get("loop_instr_per_op"))]


def target_cells(t):
    p = " (p=%.3f)" % t["time_p"] if t.get("time_p") is not None else ""
    return [t["target"], t["status"], t["instructions"], t["time"] + p, t["detail"]]


TARGET_HEAD = ["target", "status", "instructions (no noise)", "CPU time (U test)", "figures"]


# ---------------------------------------------------------------------------
# Charts: the rows shaped for charts.py.

def bars(rows, key, skip=(), lo_key=None, hi_key=None):
    return [(r["group"], r["allocator"], r[key], r.get(lo_key) if lo_key else None, r.get(hi_key) if hi_key else None)
            for r in rows if r.get(key) is not None and r["allocator"] not in skip]


def chart_specs(rows, reps, have_instr):
    specs = [("Throughput, ratio to glibc (CPU time)",
              "glibc CPU ns/op / allocator CPU ns/op, median of %d repetition(s), bars: 95%% interval; "
              "right of 1 is faster" % reps,
              bars(rows, "x_glibc_time", ("glibc", NULL), "x_glibc_time_lo", "x_glibc_time_hi"), True)]
    if have_instr:
        specs.append(("Instructions, ratio to glibc (Callgrind)",
                      "glibc instructions/op / allocator instructions/op; deterministic (no interval)",
                      bars(rows, "x_glibc_instr", ("glibc", NULL)), True))
    specs.append(("Fragmentation: peak bytes held / peak live bytes",
                  "lower is better; 1 = every byte held was live at the peak; one exact pass (no interval)",
                  bars([r for r in rows if r["workload"] in ("churn", "lifecycle", "lifecycle-create", "trace")],
                       "overhead"), True))
    return specs


# ---------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--instructions")
    p.add_argument("--mode", default="default")
    p.add_argument("--notes", help="Markdown list ('- ' items) shown under the targets: why any are missed")
    args = p.parse_args()

    merged, runs, errors, measures, counters = load_raw(args.raw)
    if merged is None:
        sys.exit("render.py: no Google Benchmark JSON in %s" % args.raw)
    instr_doc = json.load(open(args.instructions, encoding="utf-8")) if args.instructions else None
    instr = {b["name"]: b for b in instr_doc["benchmarks"]} if instr_doc else {}
    rows = figures(runs, measures, instr, counters)
    tgts = targets(rows)
    heads = headline(rows)
    summ = summary_rows(rows)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(merged, fh, indent=1)
    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump({"benchmarks": rows, "targets": tgts, "headline": heads, "errors": errors}, fh, indent=1)

    ctx = merged.get("context", {})
    when = ctx.get("date", datetime.datetime.now().isoformat())
    reps = max((r.get("repetitions") or 0 for r in rows), default=0)
    machine = "%s CPU(s) at %s MHz, load %s" % (ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
                                                ", ".join("%.2f" % x for x in ctx.get("load_avg", [])))
    execs = sorted({r.get("executable") for r in rows if r.get("executable")})

    svgs, chart_errors = [], []
    for i, (title, sub, data, log) in enumerate(chart_specs(rows, reps, bool(instr))):
        try:
            svg = charts.draw(args.out, "chart-%d" % (i + 1), title, sub, data, log=log)
        except charts.ChartError as e:
            chart_errors.append(str(e))
            continue
        if svg:
            svgs.append((title, "chart-%d.svg" % (i + 1), svg))

    how = [(a, MEASURED_HOW[a]) for a in ALLOC_ORDER if a in MEASURED_HOW and any(r["allocator"] == a for r in rows)]
    notes = [
        "CPU ns/op: Google Benchmark's CPU time per operation (not wall time: the machine may be shared), median "
        "over repetitions, with the distribution-free 95% interval of the median (order statistics; with fewer "
        "than 6 repetitions: min-max). Ratios to glibc carry the interval of both medians. Compare allocators "
        "within one run; regressions are judged on instructions.",
        "Verdicts: instructions lead (deterministic: met or missed); CPU time follows by a two-sided "
        "Mann-Whitney U test over the repetitions (p < %.2f): met, missed, or within noise." % stats.ALPHA,
        "One operation: churn and lifo, one allocate + one free; lifecycle, one object allocated and released "
        "(by reset or free); realloc, one reallocate; trace, one traced call.",
        "Trace figures are the allocator's alone: the replay loop's own cost, measured as trace/null (the same "
        "loop over an allocator that does nothing), is subtracted and shown apart; the frees of blocks the "
        "program left live are outside the timed region and the count; their number is shown apart, and their "
        "instructions, counted apart as trace-end/<allocator>/<trace> (Callgrind only: too short to time apart "
        "from the replay around them), with the null allocator's scan of the slot table subtracted.",
        "Instructions/op: Callgrind, counting only the timed region (one warm-up batch first), about %s "
        "operations." % (instr_doc.get("ops_target") if instr_doc else "-"),
        HELD_DEFINITION,
        "Peak RSS is the measuring child's maxrss (wait4), the benchmark's own arrays included.",
        "Adapter indirection: the timed loops call each allocator directly (the adapter's function table is a "
        "compile-time constant, inlined). lifo/*-via-pointer runs the same loop through a pointer the compiler "
        "cannot see through: the difference is the cost the indirection would have added.",
        "Peers that replace malloc run in their own executables (one process each), in the same ./ci/report run; "
        "their ratios are to glibc from alloc_bench.",
    ]
    errs = sorted(errors.items()) + [("charts", e) for e in chart_errors]
    why = []
    if args.notes and os.path.exists(args.notes):
        for line in open(args.notes, encoding="utf-8"):
            if line.startswith("- "):
                why.append(line[2:].strip())
            elif line.strip() and why:
                why[-1] += " " + line.strip()
    by_name = {r["name"]: r for r in rows}
    trace_rows = [trace_cells(r, by_name) for r in rows if r["workload"] == "trace" and r["allocator"] != NULL]
    title = "Allocator benchmark report"
    intro = "Run %s, mode %s, on %s. Executables: %s." % (when, args.mode, machine, ", ".join(execs))

    sections = [("Headline: each allocator against glibc", HEADLINE_HEAD, [headline_cells(h) for h in heads],
                 "Geometric mean over the benchmarks both ran of glibc's figure / the allocator's: above 1 is "
                 "better than glibc. Instructions first: they carry no noise."),
                ("Summary", SUMMARY_HEAD, summ, None),
                ("Targets (shown, not asserted)", TARGET_HEAD, [target_cells(t) for t in tgts], None)]
    tail_sections = [("Every benchmark", FULL_HEAD, [full_cells(r) for r in rows], None)]
    if trace_rows:
        tail_sections.append(("Traces: the allocator, the replay loop and the end-of-trace frees, apart",
                              TRACE_HEAD, trace_rows, None))

    page.write(args.out, title, intro, sections, why, svgs, tail_sections, how, notes, errs)

    text = [page.text_table(HEADLINE_HEAD, [headline_cells(x) for x in heads]), "",
            page.text_table(SUMMARY_HEAD, summ), ""]
    for t in tgts:
        text.append("%-7s %s  [instructions: %s; CPU time: %s]  %s" % (t["status"], t["target"], t["instructions"],
                                                                       t["time"], t["detail"]))
    if errs:
        text += [""] + ["ERROR %s: %s" % e for e in errs]
    with open(os.path.join(args.out, "summary.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(text) + "\n")
    print("\n".join(text))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
