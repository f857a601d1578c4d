"""charts.py - the report's charts, drawn by gnuplot (Debian gnuplot-nox).

render.py shapes the data into rows; this file only writes each chart's
data and script and runs gnuplot on them (the data and the .gp script stay
in the report folder, so a chart can be redrawn or restyled by hand).

A chart is horizontal bars, one per (group, allocator), from a reference
line (1.0: glibc, or "every byte held was live") to the value, with an error
bar from lo to hi where the figure has an interval (time: the 95% interval
of the medians over repetitions).
"""
import math
import os
import shutil
import subprocess

COLORS = {"glibc": 0x7f7f7f, "sca": 0xd62728, "sca-fast": 0x8b0000, "sca-compact": 0xe6550d, "rp": 0x1f77b4, "rp-nocache": 0x9ecae1, "rp-64k": 0x6baed6,
          "rp-64k-16k": 0x08519c, "obstack": 0x8c564b,
          "bump": 0x2ca02c, "jemalloc": 0xff7f0e, "tcmalloc": 0x9467bd, "mimalloc": 0xe377c2,
          "sca-via-pointer": 0xf4a6a6, "glibc-via-pointer": 0xc7c7c7, "null": 0x17becf}


class ChartError(Exception):
    pass


def gnuplot_path():
    return shutil.which("gnuplot")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draw(out_dir, stem, title, xlabel, bars, log=True, ref=1.0):
    """bars: [(label, allocator, value, lo, hi)] with lo/hi None when the
    figure has no interval.  Writes stem.dat, stem.gp, stem.svg in out_dir;
    returns the SVG's text.  Raises ChartError when gnuplot fails."""
    bars = [b for b in bars if b[2] is not None and b[2] > 0]
    if not bars:
        return None
    gp = gnuplot_path()
    if gp is None:
        raise ChartError("gnuplot not found (apt-get install gnuplot-nox, or ci/install-deps)")
    dat, script, svg = (os.path.join(out_dir, stem + ext) for ext in (".dat", ".gp", ".svg"))
    with open(dat, "w", encoding="utf-8") as f:
        f.write("# y label color value lo hi  (lo = hi = value: no interval)\n")
        for y, (label, alloc, v, lo, hi) in enumerate(bars):
            f.write("%d %s %d %.6g %.6g %.6g\n" % (y, quote(label + "  " + alloc), COLORS.get(alloc, 0x17becf),
                                                    v, lo if lo else v, hi if hi else v))
    values = [x for b in bars for x in (b[2], b[3] or b[2], b[4] or b[2])] + [ref]
    lo_x, hi_x = min(values), max(values)
    if log:
        xr = "[%g:%g]" % (lo_x / 1.3, hi_x * 1.3)
    else:
        xr = "[0:%g]" % (hi_x * 1.1)
    height = 90 + 16 * len(bars)
    tics = []
    if log:  # 1-2-5 tics across the range, labelled
        e = 10.0 ** int(math.floor(math.log10(lo_x / 1.3)))
        while e <= hi_x * 1.3 * 10:
            tics += [m * e for m in (1, 2, 5) if lo_x / 1.3 <= m * e <= hi_x * 1.3]
            e *= 10
    lines = [
        "set terminal svg size 1000,%d font 'DejaVu Sans,10' background rgb 'white'" % height,
        "set output %s" % quote(os.path.basename(svg)),
        "set title %s font ',13'" % quote(title),
        "set xlabel %s" % quote(xlabel),
        "set logscale x" if log else "unset logscale x",
        ("set xtics (%s)" % ", ".join("%g" % t for t in tics)) if tics else "set xtics",
        "set xrange %s" % xr,
        "set yrange [%g:-0.7]" % (len(bars) - 0.3),  # first bar at the top
        "set ytics nomirror font ',9'",
        "set grid xtics",
        "set style fill solid 0.85 noborder",
        "set key off",
        "set arrow from %g, graph 0 to %g, graph 1 nohead lw 1.5 lc rgb 'black' front" % (ref, ref),
        "plot %s using (%g):1:(%g):4:($1-0.38):($1+0.38):3:ytic(2) with boxxyerror lc rgb variable, \\"
        % (quote(os.path.basename(dat)), ref, ref),
        "     '' using 4:1:5:6 with xerrorbars lc rgb 'black' pt 0 lw 1",
    ]
    with open(script, "w", encoding="utf-8") as f:
        f.write("# %s - drawn by bench/report/charts.py; redraw: gnuplot %s\n" % (stem, os.path.basename(script)))
        f.write("\n".join(lines) + "\n")
    r = subprocess.run([gp, os.path.basename(script)], cwd=out_dir, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(svg):
        raise ChartError("gnuplot failed on %s: %s" % (script, r.stderr.strip()[-500:]))
    with open(svg, encoding="utf-8") as f:
        return f.read()
