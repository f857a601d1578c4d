"""screenshot.py - the report page as a browser draws it (headless Chromium).

check.py calls look(): it opens index.html in Debian's chromium, headless,
twice: once with a small script added (in a copy of the page) that writes
the page's laid-out size and every chart's drawn box into the DOM, read back
with --dump-dom; once for a screenshot, report/screenshot.png, whose size
must be the window asked for.  Returns a list of problems (empty: all well).
"""
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile

WIDTH = 1280
MIN_HEIGHT, MAX_HEIGHT = 1500, 200000
MIN_CHART_W, MIN_CHART_H = 600, 100
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-dev-shm-usage",
         "--virtual-time-budget=5000"]

PROBE = """<script>
window.addEventListener('load', function () {
  var out = {width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
             charts: []};
  document.querySelectorAll('div.chart').forEach(function (d) {
    var svg = d.querySelector('svg'), r = svg ? svg.getBoundingClientRect() : null;
    out.charts.push({id: d.id, w: r ? r.width : 0, h: r ? r.height : 0,
                     shapes: svg ? svg.querySelectorAll('path, rect, polygon').length : 0});
  });
  var pre = document.createElement('pre');
  pre.id = 'layout-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def look(report_dir, expected_charts):
    """expected_charts: the ids of the chart divs the page must show."""
    exe = browser()
    if exe is None:
        return ["chromium not found (apt-get install chromium, or ci/install-deps): the page was not checked"]
    page = os.path.join(report_dir, "index.html")
    problems = []
    with tempfile.TemporaryDirectory(prefix="report-probe.") as tmp:
        probe = os.path.join(report_dir, ".layout-probe.html")
        with open(page, encoding="utf-8") as f:
            text = f.read()
        with open(probe, "w", encoding="utf-8") as f:
            f.write(text.replace("</body>", PROBE + "</body>"))
        try:
            r = subprocess.run([exe] + FLAGS + ["--user-data-dir=" + tmp, "--window-size=%d,1000" % WIDTH,
                                                "--dump-dom", "file://" + os.path.abspath(probe)],
                               capture_output=True, text=True, timeout=120)
        finally:
            os.unlink(probe)
        m = re.search(r"<pre id=\"layout-probe\">(.*?)</pre>", r.stdout, re.S)
        if not m:
            return ["chromium drew no layout (exit %d): %s" % (r.returncode, r.stderr.strip()[-300:])]
        layout = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
        if not MIN_HEIGHT <= layout["height"] <= MAX_HEIGHT:
            problems.append("page height %d px, outside %d-%d" % (layout["height"], MIN_HEIGHT, MAX_HEIGHT))
        if layout["width"] > WIDTH + 300:
            problems.append("page %d px wide in a %d px window (something overflows)" % (layout["width"], WIDTH))
        drawn = {c["id"]: c for c in layout["charts"]}
        for cid in expected_charts:
            c = drawn.get(cid)
            if c is None:
                problems.append("chart %s not on the page" % cid)
            elif c["w"] < MIN_CHART_W or c["h"] < MIN_CHART_H or c["shapes"] < 3:
                problems.append("chart %s drawn %dx%d px with %d shapes: empty or too small"
                                % (cid, c["w"], c["h"], c["shapes"]))
        # The screenshot: the whole page (capped: Chromium's surfaces have a limit).
        height = min(layout["height"], 16000)
        shot = os.path.join(report_dir, "screenshot.png")
        if os.path.exists(shot):
            os.unlink(shot)
        subprocess.run([exe] + FLAGS + ["--user-data-dir=" + tmp, "--window-size=%d,%d" % (WIDTH, height),
                                        "--screenshot=" + shot, "file://" + os.path.abspath(page)],
                       capture_output=True, text=True, timeout=120)
        size = png_size(shot) if os.path.exists(shot) else None
        if size is None:
            problems.append("no screenshot written (%s)" % shot)
        elif size != (WIDTH, height):
            problems.append("screenshot is %dx%d, not the %dx%d asked for" % (size + (WIDTH, height)))
        elif os.path.getsize(shot) < 20000:
            problems.append("screenshot is only %d bytes: a blank page?" % os.path.getsize(shot))
    if not problems:
        print("screenshot.py: page %dx%d px, %d chart(s) drawn (%s); screenshot %s"
              % (layout["width"], layout["height"], len(expected_charts),
                 ", ".join("%s %dx%d" % (c, drawn[c]["w"], drawn[c]["h"]) for c in expected_charts), shot))
    return problems
