#!/usr/bin/python3
"""render.py - turn benchmark results into report/ (Markdown, HTML, SVG).

  render.py --raw DIR --out DIR [--instructions FILE] [--mode NAME]

Inputs in --raw:
  <exe>.json           Google Benchmark JSON of one executable (timing)
  <exe>.measure.jsonl  its --cbench_measure lines (fragmentation, peak RSS)
--instructions: the JSON of `instructions.py run` (optional).

Writes to --out: results.json (every executable's Google Benchmark JSON
merged into one, the input of `ci/report --compare`), summary.json (the
figures per benchmark), index.md, index.html (tables and inline SVG charts),
summary.txt (the table printed at the end of ./ci/report).

Only the Python standard library: runs under /usr/bin/python3 or any 3.x.
"""
import argparse
import datetime
import glob
import html
import json
import math
import os
import statistics
import sys

WORKLOAD_ORDER = ["churn", "lifo", "lifecycle", "lifecycle-create", "realloc-double", "realloc-step", "resize", "trace"]
OURS = ["sca", "rp"]
PEERS = ["jemalloc", "tcmalloc", "mimalloc"]
ALLOC_ORDER = ["glibc", "sca", "sca-via-pointer", "glibc-via-pointer", "rp", "rp-nocache", "obstack", "bump",
               "jemalloc", "tcmalloc", "mimalloc"]
COLORS = {"glibc": "#7f7f7f", "sca": "#d62728", "rp": "#1f77b4", "rp-nocache": "#9ecae1", "obstack": "#8c564b",
          "bump": "#2ca02c", "jemalloc": "#ff7f0e", "tcmalloc": "#9467bd", "mimalloc": "#e377c2",
          "sca-via-pointer": "#f4a6a6", "glibc-via-pointer": "#c7c7c7"}

MEASURED_HOW = {
    "glibc": "in alloc_bench (the process's own malloc); held bytes from mallinfo2 (arena + hblkhd)",
    "sca": "in alloc_bench, over a libc-malloc upstream; held bytes exact, from the counting upstream",
    "rp": "in alloc_bench, over a libc-malloc upstream (a caching upstream in lifecycle-create); held bytes "
          "exact, from the counting upstream (cached blocks count as held)",
    "rp-nocache": "in alloc_bench, a pool per request straight over libc malloc; held bytes from the counting upstream",
    "obstack": "in alloc_bench, glibc obstack over malloc; held bytes from mallinfo2",
    "bump": "in alloc_bench, 64 KiB chunks from malloc; held bytes counted by the bump allocator itself",
    "jemalloc": "own executable alloc_bench_jemalloc (replaces malloc); held bytes from mallctl stats.mapped",
    "tcmalloc": "own executable alloc_bench_tcmalloc (libtcmalloc_minimal, replaces malloc); held bytes from "
                "generic.heap_size - pageheap_unmapped_bytes - pageheap_free_bytes (pages in spans)",
    "mimalloc": "own executable alloc_bench_mimalloc (replaces malloc); held bytes = resident set from "
                "/proc/self/statm (Debian builds mimalloc without statistics: mi_process_info reports no commit)",
}


def split_name(name):
    parts = name.split("/")
    return parts[0], (parts[1] if len(parts) > 1 else ""), "/".join(parts[2:])


def group_of(name):
    w, _, arg = split_name(name)
    return w + ("/" + arg if arg else "")


def order_key(name):
    w, a, arg = split_name(name)
    wi = WORKLOAD_ORDER.index(w) if w in WORKLOAD_ORDER else len(WORKLOAD_ORDER)
    ai = ALLOC_ORDER.index(a) if a in ALLOC_ORDER else len(ALLOC_ORDER)
    argkey = (0, int(arg)) if arg.isdigit() else (1, arg)
    return (wi, argkey, ai, a)


# ---------------------------------------------------------------------------
# Loading

def load_raw(raw):
    merged, runs, errors = None, {}, {}
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
            runs.setdefault(b.get("run_name", b["name"]), []).append(b)
    measures = {}
    for path in sorted(glob.glob(os.path.join(raw, "*.measure.jsonl"))):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line.startswith("{"):
                m = json.loads(line)
                measures[m["name"]] = m
    return merged, runs, errors, measures


def to_ns(b):
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def figures(runs, measures, instr):
    """One record per benchmark with every figure we have."""
    names = set(runs) | set(measures) | set(instr)
    rows = {}
    for name in names:
        w, a, arg = split_name(name)
        r = {"name": name, "workload": w, "allocator": a, "arg": arg, "group": group_of(name)}
        reps = runs.get(name, [])
        if reps:
            times = sorted(to_ns(b) for b in reps)
            med = statistics.median(times)
            r["ns_per_op"] = med
            r["ops_per_s"] = 1e9 / med if med > 0 else None
            r["repetitions"] = len(times)
            r["spread_pct"] = (times[-1] - times[0]) / med * 100.0 if med > 0 and len(times) > 1 else 0.0
            r["executable"] = reps[0].get("executable")
        m = measures.get(name)
        if m:
            c = m.get("counters", {})
            r["peak_rss_kb"] = m.get("peak_rss_kb")
            if c.get("overhead"):  # 0: held did not move, nothing measurable
                r["overhead"] = c["overhead"]
                r["peak_held_bytes"] = c.get("peak_held_bytes")
                r["peak_live_bytes"] = c.get("peak_live_bytes")
                r["held_source"] = m.get("label", "")
        i = instr.get(name)
        if i:
            r["instr_per_op"] = i["per_op"]
        rows[name] = r
    for r in rows.values():
        ref = rows.get("/".join(x for x in (r["workload"], "glibc", r["arg"]) if x))
        if ref and r.get("ns_per_op") and ref.get("ns_per_op"):
            r["x_glibc_time"] = ref["ns_per_op"] / r["ns_per_op"]
        if ref and r.get("instr_per_op") and ref.get("instr_per_op"):
            r["x_glibc_instr"] = ref["instr_per_op"] / r["instr_per_op"]
        if ref and r.get("overhead") and ref.get("overhead"):
            r["overhead_vs_glibc"] = r["overhead"] / ref["overhead"]
    return [rows[n] for n in sorted(rows, key=order_key)]


# ---------------------------------------------------------------------------
# Targets (issue 4): shown, never asserted.

def targets(rows):
    by = {r["name"]: r for r in rows}
    out = []

    def fig(r, key):
        return r.get(key) if r else None

    def add(text, ok, detail):
        out.append({"target": text, "met": ok, "detail": detail})

    def fmt(v, f="%.2f"):
        return f % v if v is not None else "n/a"

    # sca >= 4x glibc on churn and lifo.
    for w in ("churn", "lifo"):
        names = [r["name"] for r in rows if r["workload"] == w and r["allocator"] == "sca"]
        for n in names:
            r = by[n]
            ti, tt = fig(r, "x_glibc_instr"), fig(r, "x_glibc_time")
            vals = [v for v in (ti, tt) if v is not None]
            ok = bool(vals) and all(v >= 4.0 for v in vals)
            add("sca >= 4x glibc on %s" % r["group"], ok if vals else None,
                "instructions x%s, time x%s" % (fmt(ti), fmt(tt)))
            peers = [by.get("/".join(x for x in (w, p, r["arg"]) if x)) for p in PEERS]
            peers = [p for p in peers if p]
            if peers:
                behind = []
                for p in peers:
                    for key in ("instr_per_op", "ns_per_op"):
                        if p.get(key) is not None and r.get(key) is not None and p[key] <= r[key]:
                            behind.append("%s (%s %.1f vs %.1f)" % (p["allocator"], "instr" if key[0] == "i" else "ns",
                                                                    p[key], r[key]))
                add("sca ahead of every installed peer on %s" % r["group"], not behind,
                    "behind " + ", ".join(behind) if behind else "ahead of " + ", ".join(p["allocator"] for p in peers))
    # rp on lifecycle.
    for r in rows:
        if r["workload"] != "lifecycle" or r["allocator"] != "rp":
            continue
        ti, tt = fig(r, "x_glibc_instr"), fig(r, "x_glibc_time")
        vals = [v for v in (ti, tt) if v is not None]
        add("rp >= 10x glibc on %s" % r["group"], all(v >= 10.0 for v in vals) if vals else None,
            "instructions x%s, time x%s" % (fmt(ti), fmt(tt)))
        bump = by.get("lifecycle/bump/" + r["arg"])
        if bump:
            ri = r["instr_per_op"] / bump["instr_per_op"] if r.get("instr_per_op") and bump.get("instr_per_op") else None
            rt = r["ns_per_op"] / bump["ns_per_op"] if r.get("ns_per_op") and bump.get("ns_per_op") else None
            vals = [v for v in (ri, rt) if v is not None]
            add("rp within 1.3x of a bare bump pointer on %s" % r["group"], all(v <= 1.3 for v in vals) if vals else None,
                "rp / bump: instructions %s, time %s" % (fmt(ri), fmt(rt)))
        create = by.get("lifecycle-create/rp/" + r["arg"])
        if create:
            ri = create["instr_per_op"] / r["instr_per_op"] if create.get("instr_per_op") and r.get("instr_per_op") else None
            rt = create["ns_per_op"] / r["ns_per_op"] if create.get("ns_per_op") and r.get("ns_per_op") else None
            vals = [v for v in (ri, rt) if v is not None]
            add("rp pool per request within 1.5x of reset (%s)" % r["group"], all(v <= 1.5 for v in vals) if vals else None,
                "create / reset: instructions %s, time %s" % (fmt(ri), fmt(rt)))
    # Fragmentation.
    for r in rows:
        if r["allocator"] in ("sca", "rp") and r["workload"] in ("churn", "lifecycle") and r.get("overhead"):
            ref = by.get("/".join(x for x in (r["workload"], "glibc", r["arg"]) if x))
            if ref and ref.get("overhead"):
                add("%s fragmentation no worse than glibc on %s" % (r["allocator"], r["group"]),
                    r["overhead"] <= ref["overhead"],
                    "peak held / peak live: %s %.3f, glibc %.3f" % (r["allocator"], r["overhead"], ref["overhead"]))
    return out


# ---------------------------------------------------------------------------
# SVG: horizontal grouped bars, log scale, a reference line.

def svg_bars(title, subtitle, groups, ref=1.0, unit="x", log=True, width=1100):
    """groups: [(label, [(allocator, value)])]; values > 0."""
    vals = [v for _, bars in groups for _, v in bars if v and v > 0]
    if not vals:
        return ""
    lo, hi = min(vals + [ref]), max(vals + [ref])
    if log:
        lo_e, hi_e = math.floor(math.log10(lo) * 2) / 2, math.ceil(math.log10(hi) * 2) / 2
        if hi_e <= lo_e:
            hi_e = lo_e + 0.5
    else:
        lo_e, hi_e = 0.0, hi * 1.1
    left, right, top, bar_h, gap, head_h = 130, 90, 70, 14, 10, 18
    plot_w = width - left - right
    height = top + sum(head_h + len(b) * bar_h + gap for _, b in groups) + 40

    def x(v):
        if log:
            return left + (math.log10(v) - lo_e) / (hi_e - lo_e) * plot_w
        return left + (v - lo_e) / (hi_e - lo_e) * plot_w

    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">' % (width, height, width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="15" font-weight="bold">%s</text>' % html.escape(title),
         '<text x="10" y="38" fill="#555">%s</text>' % html.escape(subtitle)]
    # Grid, with the scale at the top and at the bottom.
    ticks = []
    if log:
        e = math.floor(lo_e)
        while e <= hi_e:
            for m in (1, 2, 5):
                v = m * 10 ** e
                if lo_e <= math.log10(v) <= hi_e + 1e-9:
                    ticks.append(v)
            e += 1
    else:
        step = 10 ** math.floor(math.log10(hi_e / 5)) if hi_e > 0 else 1
        v = 0.0
        while v <= hi_e:
            ticks.append(v)
            v += step * (2 if hi_e / step > 10 else 1)
    bottom = height - 30
    for t in ticks:
        tx = x(t)
        s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e5e5e5"/>' % (tx, top - 6, tx, bottom))
        for ty in (top - 10, bottom + 16):
            s.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s%s</text>' % (tx, ty, "%g" % t, unit))
    rx = x(ref)
    y = top
    for label, bars in groups:
        s.append('<rect x="10" y="%d" width="%d" height="%d" fill="#f6f6f6"/>' % (y, width - 20, head_h - 2))
        s.append('<text x="14" y="%d" font-weight="bold">%s</text>' % (y + head_h - 6, html.escape(label)))
        y += head_h
        for alloc, v in bars:
            color = COLORS.get(alloc, "#17becf")
            s.append('<text x="%d" y="%d" text-anchor="end" fill="#333" font-size="11">%s</text>'
                     % (left - 6, y + bar_h - 3, html.escape(alloc)))
            if v and v > 0:
                x0, x1 = (min(rx, x(v)), max(rx, x(v))) if log else (left, x(v))
                s.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %.3g%s</title></rect>'
                         % (x0, y + 1, max(x1 - x0, 1.0), bar_h - 2, color, html.escape(label), html.escape(alloc), v, unit))
                s.append('<text x="%.1f" y="%d" font-size="11" fill="#333">%.2f%s</text>'
                         % (max(rx, x(v)) + 4, y + bar_h - 3, v, unit))
            y += bar_h
        y += gap
    s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="1.5"/>' % (rx, top - 6, rx, bottom))
    s.append('</svg>')
    return "\n".join(s)


def chart_groups(rows, key, skip=()):
    groups, order = {}, []
    for r in rows:
        if r.get(key) is None or r["allocator"] in skip:
            continue
        g = r["group"]
        if g not in groups:
            groups[g] = []
            order.append(g)
        groups[g].append((r["allocator"], r[key]))
    return [(g, groups[g]) for g in order]


# ---------------------------------------------------------------------------
# Tables

def f(v, fmtstr="%.1f", none="-"):
    return fmtstr % v if v is not None else none


def summary_rows(rows):
    """One line per (group, our allocator): the figures a person looks at first."""
    by = {r["name"]: r for r in rows}
    out = []
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    for g in groups:
        w, _, arg = g.partition("/")
        glibc = by.get("/".join(x for x in (w, "glibc", arg) if x))
        for ours in OURS:
            r = by.get("/".join(x for x in (w, ours, arg) if x))
            if not r:
                continue
            peers = [by.get("/".join(x for x in (w, p, arg) if x)) for p in PEERS + ["bump", "obstack"]]
            peers = [p for p in peers if p and p.get("instr_per_op" if p.get("instr_per_op") else "ns_per_op")]
            key = "instr_per_op" if r.get("instr_per_op") else "ns_per_op"
            best = min(peers, key=lambda p: p.get(key) or float("inf")) if peers else None
            out.append({
                "group": g, "ours": ours,
                "glibc_ns": glibc.get("ns_per_op") if glibc else None,
                "ours_ns": r.get("ns_per_op"),
                "x_time": r.get("x_glibc_time"),
                "glibc_instr": glibc.get("instr_per_op") if glibc else None,
                "ours_instr": r.get("instr_per_op"),
                "x_instr": r.get("x_glibc_instr"),
                "best_other": ("%s %s" % (best["allocator"], f(best.get(key), "%.1f"))) if best else "-",
                "overhead": r.get("overhead"),
                "glibc_overhead": glibc.get("overhead") if glibc else None,
            })
    return out


SUMMARY_HEAD = ["workload", "ours", "glibc ns/op", "ours ns/op", "x glibc (time)", "glibc instr/op",
                "ours instr/op", "x glibc (instr)", "best other (same unit)", "overhead ours", "overhead glibc"]


def summary_cells(s):
    return [s["group"], s["ours"], f(s["glibc_ns"], "%.2f"), f(s["ours_ns"], "%.2f"), f(s["x_time"], "%.2f"),
            f(s["glibc_instr"]), f(s["ours_instr"]), f(s["x_instr"], "%.2f"), s["best_other"],
            f(s["overhead"], "%.3f"), f(s["glibc_overhead"], "%.3f")]


def text_table(head, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows)] if rows else [len(h) for h in head]
    line = lambda cells: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                                    for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def html_table(head, rows, cls=""):
    out = ['<table class="%s"><thead><tr>' % cls + "".join("<th>%s</th>" % html.escape(h) for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join("<td>%s</td>" % (c if str(c).startswith("<") else html.escape(str(c))) for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


FULL_HEAD = ["benchmark", "ns/op (median)", "spread %", "reps", "Mops/s", "x glibc (time)", "instr/op",
             "x glibc (instr)", "overhead", "peak held KiB", "peak live KiB", "peak RSS KiB", "held bytes from"]


def full_cells(r):
    return [r["name"], f(r.get("ns_per_op"), "%.2f"), f(r.get("spread_pct"), "%.0f"), f(r.get("repetitions"), "%d"),
            f(r["ops_per_s"] / 1e6 if r.get("ops_per_s") else None, "%.1f"), f(r.get("x_glibc_time"), "%.2f"),
            f(r.get("instr_per_op")), f(r.get("x_glibc_instr"), "%.2f"), f(r.get("overhead"), "%.3f"),
            f(r["peak_held_bytes"] / 1024 if r.get("peak_held_bytes") is not None else None, "%.0f"),
            f(r["peak_live_bytes"] / 1024 if r.get("peak_live_bytes") is not None else None, "%.0f"),
            f(r.get("peak_rss_kb"), "%d"), r.get("held_source", "-") or "-"]


def target_cells(t):
    mark = {True: "met", False: "MISSED", None: "no data"}[t["met"]]
    return [t["target"], mark, t["detail"]]


# ---------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--instructions")
    p.add_argument("--mode", default="default")
    p.add_argument("--notes", help="Markdown list ('- ' items) shown under the targets: why any are missed")
    args = p.parse_args()

    merged, runs, errors, measures = load_raw(args.raw)
    if merged is None:
        sys.exit("render.py: no Google Benchmark JSON in %s" % args.raw)
    instr_doc = json.load(open(args.instructions, encoding="utf-8")) if args.instructions else None
    instr = {b["name"]: b for b in instr_doc["benchmarks"]} if instr_doc else {}
    rows = figures(runs, measures, instr)
    tgts = targets(rows)
    summ = summary_rows(rows)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(merged, fh, indent=1)
    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump({"benchmarks": rows, "targets": tgts, "errors": errors}, fh, indent=1)

    ctx = merged.get("context", {})
    when = ctx.get("date", datetime.datetime.now().isoformat())
    reps = max((r.get("repetitions") or 0 for r in rows), default=0)
    machine = "%s CPU(s) at %s MHz, load %s" % (ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
                                                ", ".join("%.2f" % x for x in ctx.get("load_avg", [])))
    execs = sorted({r.get("executable") for r in rows if r.get("executable")})

    charts = []
    charts.append(("Throughput, ratio to glibc (time)",
                   "glibc ns/op / allocator ns/op, median of %d repetition(s); right of the line is faster than glibc" % reps,
                   chart_groups(rows, "x_glibc_time", skip=("glibc",))))
    if instr:
        charts.append(("Instructions, ratio to glibc (Callgrind)",
                       "glibc instructions/op / allocator instructions/op, timed region only; deterministic",
                       chart_groups(rows, "x_glibc_instr", skip=("glibc",))))
    charts.append(("Fragmentation: peak bytes held / peak live bytes",
                   "lower is better; 1.0 = every byte held was live at the peak; per allocator, how held bytes are read: see below",
                   chart_groups([r for r in rows if r["workload"] in ("churn", "lifecycle", "lifecycle-create", "trace")],
                                "overhead")))
    svgs = []
    for i, (title, sub, groups) in enumerate(charts):
        unit = "" if title.startswith("Fragmentation") else "x"
        svg = svg_bars(title, sub, groups, ref=1.0, unit=unit)
        if svg:
            name = "chart-%d.svg" % (i + 1)
            with open(os.path.join(args.out, name), "w", encoding="utf-8") as fh:
                fh.write(svg)
            svgs.append((title, name, svg))

    how = [(a, MEASURED_HOW[a]) for a in ALLOC_ORDER if a in MEASURED_HOW and any(r["allocator"] == a for r in rows)]
    notes = [
        "ns/op: Google Benchmark real time per operation, median over repetitions; spread = (max - min) / median. "
        "These VMs move 20-40% between runs: compare allocators within one run, and use instructions for regressions.",
        "One operation: churn and lifo, one allocate + one free; lifecycle, one object allocated and released "
        "(by reset or free); realloc, one reallocate; trace, one traced call.",
        "Instructions/op: Callgrind, counting only the timed region (one warm-up batch first), about %s operations."
        % (instr_doc.get("ops_target") if instr_doc else "-"),
        "Fragmentation and peak RSS: an untimed pass of the same workload in a fresh child process "
        "(alloc_bench --cbench_measure); overhead = peak bytes held from the system / peak live bytes requested; "
        "peak RSS is the child's maxrss (wait4), the benchmark's own arrays included.",
        "Adapter indirection: the timed loops call each allocator directly (the adapter's function table is a "
        "compile-time constant, inlined). lifo/*-via-pointer runs the same loop through a pointer the compiler "
        "cannot see through: the difference is the cost the indirection would have added.",
        "Peers that replace malloc run in their own executables (one process each), in the same ./ci/report run; "
        "their rows are merged here, and their ratios are to glibc from alloc_bench.",
    ]
    errs = sorted(errors.items())
    why = []
    if args.notes and os.path.exists(args.notes):
        for line in open(args.notes, encoding="utf-8"):
            if line.startswith("- "):
                why.append(line[2:].strip())
            elif line.strip() and why:
                why[-1] += " " + line.strip()

    # Markdown.
    md = ["# Allocator benchmark report", "",
          "Run %s, mode `%s`, on %s. Executables: %s." % (when, args.mode, machine, ", ".join(execs)), "",
          "## Summary", "", md_table(SUMMARY_HEAD, [summary_cells(s) for s in summ]), "",
          "## Targets (issue 4; shown, not asserted)", "",
          md_table(["target", "status", "figures"], [target_cells(t) for t in tgts]), ""]
    if why:
        md += ["Why targets are missed:", ""] + ["- " + w for w in why] + [""]
    for title, name, _ in svgs:
        md += ["## " + title, "", "![%s](%s)" % (title, name), ""]
    md += ["## Every benchmark", "", md_table(FULL_HEAD, [full_cells(r) for r in rows]), "",
           "## How each allocator was measured", ""] + ["- **%s**: %s" % h for h in how] + ["", "## Notes", ""]
    md += ["- " + n for n in notes]
    if errs:
        md += ["", "## Errors", ""] + ["- %s: %s" % e for e in errs]
    with open(os.path.join(args.out, "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(md) + "\n")

    # HTML.
    style = ("body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1200px;color:#222}"
             "table{border-collapse:collapse;margin:8px 0 24px;font-size:12px}"
             "th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}"
             "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
             "td.met{color:#11772d;font-weight:bold}td.MISSED{color:#b00020;font-weight:bold}"
             "h2{margin-top:32px;border-bottom:1px solid #ddd}.note{color:#555;font-size:13px}"
             ".chart{margin:12px 0 28px;border:1px solid #eee}")
    target_rows = []
    for t in tgts:
        c = target_cells(t)
        target_rows.append([c[0], '<span class="%s">%s</span>' % (c[1].split()[0], html.escape(c[1])), c[2]])
    h = ["<!doctype html><html><head><meta charset='utf-8'><title>Allocator benchmark report</title>",
         "<style>%s .met{color:#11772d;font-weight:bold}.MISSED{color:#b00020;font-weight:bold}</style></head><body>" % style,
         "<h1>Allocator benchmark report</h1>",
         "<p class='note'>Run %s, mode <code>%s</code>, on %s. Executables: %s.</p>"
         % (html.escape(when), html.escape(args.mode), html.escape(machine), html.escape(", ".join(execs))),
         "<h2>Summary</h2>", html_table(SUMMARY_HEAD, [summary_cells(s) for s in summ]),
         "<h2>Targets (issue 4; shown, not asserted)</h2>",
         html_table(["target", "status", "figures"], target_rows)]
    if why:
        h += ["<p><b>Why targets are missed:</b></p><ul>"] + ["<li>%s</li>" % html.escape(w) for w in why] + ["</ul>"]
    h += ["<h2>Charts</h2>"]
    for title, name, svg in svgs:
        h += ["<div class='chart'>", svg, "</div>"]
    h += ["<h2>Every benchmark</h2>", html_table(FULL_HEAD, [full_cells(r) for r in rows]),
          "<h2>How each allocator was measured</h2><ul>"]
    h += ["<li><b>%s</b>: %s</li>" % (html.escape(a), html.escape(t)) for a, t in how]
    h += ["</ul><h2>Notes</h2><ul>"] + ["<li class='note'>%s</li>" % html.escape(n) for n in notes] + ["</ul>"]
    if errs:
        h += ["<h2>Errors</h2><ul>"] + ["<li>%s: %s</li>" % (html.escape(a), html.escape(b)) for a, b in errs] + ["</ul>"]
    h.append("</body></html>")
    with open(os.path.join(args.out, "index.html"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(h) + "\n")

    text = [text_table(SUMMARY_HEAD, [summary_cells(s) for s in summ]), ""]
    for t in tgts:
        text.append("%-7s %s: %s" % ({True: "met", False: "MISSED", None: "n/a"}[t["met"]], t["target"], t["detail"]))
    if errs:
        text += [""] + ["ERROR %s: %s" % e for e in errs]
    with open(os.path.join(args.out, "summary.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(text) + "\n")
    print("\n".join(text))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
