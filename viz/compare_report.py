#!/usr/bin/env python3
"""report.html of a comparison: the tables and the figures in one self-contained file.

Everything is embedded (styles inline, figures as data: URIs), so the file opens in any
browser, offline, and can be mailed as it is. `skinrd compare` runs it; on its own:

    python3 viz/compare_report.py COMPARE_DIR
"""
import argparse
import base64
import html
import json
import os

from compare_data import fail, load_comparison

FIGURES = [
    ("profiles.png", "Lateral-mean free concentration against depth"),
    ("compartments.png", "Where the dose is over time (markers: doses, needles, wipe-off)"),
    ("time_above_ec.png", "Time above the effective concentration"),
]

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: right; }
th { background: #eee; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #ddd; }
.note { color: #a50; }
"""


def table(header, rows):
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def embedded_png(path):
    try:
        with open(path, "rb") as f:
            return "data:image/png;base64," + base64.b64encode(f.read()).decode("ascii")
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror}); run compare_plots.py first")


def figure_notes(compare_dir):
    """compare_plots.py's figure_notes.json: per figure made or not, why, what was left out."""
    try:
        with open(os.path.join(compare_dir, "figure_notes.json")) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return {}  # figures of an older compare_plots.py: embed what is there


def figure_parts(compare_dir):
    """Each figure embedded, or the sentence saying why it was not drawn."""
    notes = figure_notes(compare_dir)
    parts = []
    for name, title in FIGURES:
        note = notes.get(name, {})
        path = os.path.join(compare_dir, name)
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not os.path.exists(path):
            why = note.get("why") or "Not made: see compare_plots.py's message."
            parts.append(f"<p class='note'>{html.escape(why)}</p>")
            continue
        parts.append(f"<img alt='{html.escape(title)}' src='{embedded_png(path)}'>")
        parts += [f"<p class='note'>Not drawn: {html.escape(line)}</p>" for line in note.get("left_out", [])]
        parts += [f"<p class='note'>Layout problem in this figure: {html.escape(line)}</p>"
                  for line in note.get("layout_problems", [])]
    return parts


def report(comparison, compare_dir):
    """The sections skinrd compare built (compare.json's "report"): headline first, then the
    runs, the settings that differ, warnings, the per-species tables, figures and glossary."""
    rep = comparison["report"]
    window_h = comparison["window_s"] / 3600
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>skinrd: comparison of delivery routes</title><style>{STYLE}</style></head><body>",
             "<h1>Comparison of delivery routes</h1>", "<h2>Headline</h2>"]
    for h in rep["headline"]:
        parts.append(f"<p><b>{html.escape(h['sentence'])}</b></p>")
        parts.append(table(h["table"]["header"], h["table"]["rows"]))
    parts.append(f"<h2>Runs</h2><p>Common window: 0 to {window_h:g} h.</p><ul>")
    for r in comparison["runs"]:
        description = f": {html.escape(r['description'])}" if r.get("description") else ""
        parts.append(f"<li><b>{html.escape(r['label'])}</b>{description} "
                     f"(<code>{html.escape(r['dir'])}</code>)</li>")
    parts.append("</ul><h2>Settings that differ</h2>")
    settings = rep["settings"]
    parts.append(table(settings["header"], settings["rows"]) if settings["rows"] else "<p>None.</p>")
    if rep["warnings"]:
        parts.append("<h2>Warnings</h2>")
    parts += [f"<p class='note'>Warning: {html.escape(w)}</p>" for w in rep["warnings"]]
    parts += [f"<p class='note'>Note: {html.escape(n)}</p>" for n in comparison["notes"]]
    for section in rep["sections"]:
        parts.append(f"<h2>{html.escape(section['heading'])}</h2>")
        for t in section["tables"]:
            parts.append(f"<h3>{html.escape(t['title'])}</h3>" + table(t["header"], t["rows"]))
        parts += [f"<p class='note'>{html.escape(n)}</p>" for n in section["notes"]]
    parts += figure_parts(compare_dir)
    parts.append("<h2>Glossary</h2><dl>")
    parts += [f"<dt><b>{html.escape(g['term'])}</b></dt><dd>{html.escape(g['definition'])}</dd>"
              for g in rep["glossary"]]
    parts.append("</dl><p>Peaks, AUC and exposure are taken at the runs' output times; shares are of the "
                 "applied dose. The 3-D fields are in each run directory's fields.pvd (ParaView).</p>")
    parts.append("</body></html>\n")
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compare_dir", help="directory written by skinrd compare --out")
    args = parser.parse_args()
    comparison = load_comparison(args.compare_dir)
    text = report(comparison, args.compare_dir)
    target = os.path.join(args.compare_dir, "report.html")
    with open(target + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(target + ".tmp", target)  # never a half-written report
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
