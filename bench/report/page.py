"""page.py - write the report's pages (index.md, index.html) from what
render.py shaped: sections of tables, charts (inline SVG from charts.py),
lists.  No figure is computed here.
"""
import html
import os

STYLE = ("body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1200px;color:#222}"
         "table{border-collapse:collapse;margin:8px 0 24px;font-size:12px}"
         "th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}th{background:#f3f3f3}"
         "td:first-child,th:first-child{text-align:left}td.met{color:#11772d;font-weight:bold}"
         "td.missed{color:#b00020;font-weight:bold}h2{margin-top:32px;border-bottom:1px solid #ddd}"
         ".note{color:#555;font-size:13px}.chart{margin:12px 0 28px;border:1px solid #eee}")


def text_table(head, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows)] if rows else [len(h) for h in head]
    return "\n".join("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(cells, widths)))
                     for cells in [head, ["-" * w for w in widths]] + rows)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    return "\n".join(out + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def html_table(head, rows):
    out = ["<table><thead><tr>" + "".join("<th>%s</th>" % html.escape(h) for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for c in r:
            c = str(c)
            cls = c.split()[0] if c.split() and c.split()[0] in ("met", "missed") else ""
            cells.append("<td class='%s'>%s</td>" % (cls, html.escape(c)))
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out + ["</tbody></table>"])


def write(out, title, intro, sections, why, svgs, tail_sections, how, notes, errs):
    """sections / tail_sections: [(heading, column heads, rows of cells, note or None)], before and after
    the charts; svgs: [(title, file name, SVG text)]; why, notes: strings; how, errs: [(name, text)]."""
    md = ["# " + title, "", intro, ""]
    h = ["<!doctype html><html><head><meta charset='utf-8'><title>%s</title>" % title,
         "<style>%s</style></head><body>" % STYLE,
         "<h1>%s</h1>" % title, "<p class='note'>%s</p>" % html.escape(intro)]
    for head, cols, cells, note in sections:
        md += ["## " + head, ""] + ([note, ""] if note else []) + [md_table(cols, cells), ""]
        h += ["<h2>%s</h2>" % html.escape(head)] + (["<p class='note'>%s</p>" % html.escape(note)] if note else [])
        h.append(html_table(cols, cells))
    if why:
        md += ["Why targets are missed:", ""] + ["- " + w for w in why] + [""]
        h += ["<p><b>Why targets are missed:</b></p><ul>"] + ["<li>%s</li>" % html.escape(w) for w in why] + ["</ul>"]
    h.append("<h2>Charts</h2>")
    for ctitle, name, svg in svgs:
        md += ["## " + ctitle, "", "![%s](%s)" % (ctitle, name), ""]
        h += ["<div class='chart' id='%s'>" % name[:-4], svg[svg.index("<svg"):], "</div>"]
    for head, cols, cells, note in tail_sections:
        md += ["## " + head, "", md_table(cols, cells), ""]
        h += ["<h2>%s</h2>" % html.escape(head), html_table(cols, cells)]
    md += ["## How each allocator was measured", ""] + ["- **%s**: %s" % x for x in how] + ["", "## Notes", ""]
    md += ["- " + n for n in notes]
    h += ["<h2>How each allocator was measured</h2><ul>"]
    h += ["<li><b>%s</b>: %s</li>" % (html.escape(a), html.escape(t)) for a, t in how]
    h += ["</ul><h2>Notes</h2><ul>"] + ["<li class='note'>%s</li>" % html.escape(n) for n in notes] + ["</ul>"]
    if errs:
        md += ["", "## Errors", ""] + ["- %s: %s" % e for e in errs]
        h += ["<h2>Errors</h2><ul>"] + ["<li>%s: %s</li>" % (html.escape(a), html.escape(b)) for a, b in errs] + ["</ul>"]
    h.append("</body></html>")
    with open(os.path.join(out, "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(md) + "\n")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(h) + "\n")
