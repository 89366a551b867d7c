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


def route_rows(comparison, sp):
    rows = []
    for r in comparison["rows"]:
        if r["species"] != sp["key"]:
            continue
        rows.append([r["run"], f"{r['dose']:.3g}",
                     f"{100 * r['peak_fraction_viable_epidermis']:.2f}",
                     f"{r['peak_fraction_viable_epidermis_time_s'] / 3600:.2f}",
                     f"{100 * r['peak_fraction_dermis']:.2f}", f"{r['peak_fraction_dermis_time_s'] / 3600:.2f}",
                     f"{r['time_above_ec_target_s'] / 3600:.2f}", f"{r['exposure_target_s'] / 3600:.2f}",
                     f"{r['max_penetration_depth_um']:.0f}", f"{100 * r['fraction_degraded']:.2f}",
                     f"{100 * r['fraction_cleared']:.2f}", f"{100 * r['fraction_internalised']:.2f}",
                     f"{100 * r['fraction_removed']:.2f}", f"{r['max_ledger_residual']:.2g}"])
    return rows


def layer_rows(comparison, sp):
    return [[r["run"], name, f"{v['peak_mean_concentration']:.3g}", f"{v['peak_time_s'] / 3600:.2f}",
             f"{v['auc_conc_s'] / 3600:.3g}"]
            for r in comparison["rows"] if r["species"] == sp["key"] for name, v in r["layers"].items()]


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
    window_h = comparison["window_s"] / 3600
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>skinrd: comparison of delivery routes</title><style>{STYLE}</style></head><body>",
             "<h1>Comparison of delivery routes</h1>",
             f"<p>Common window: 0 to {window_h:g} h. Runs:</p><ul>"]
    parts += [f"<li><b>{html.escape(r['label'])}</b>: <code>{html.escape(r['dir'])}</code></li>"
              for r in comparison["runs"]]
    parts.append("</ul>")
    parts += [f"<p class='note'>Note: {html.escape(n)}</p>" for n in comparison["notes"]]
    for sp in comparison["species"]:
        a, c = sp["amount_unit"], sp["concentration_unit"]
        parts.append(f"<h2>{html.escape(sp['key'])}: {html.escape(sp['full_name'])}</h2>"
                     f"<p>Amounts in {html.escape(a)}, concentrations in {html.escape(c)}; effective "
                     f"concentration (EC) {sp['effective_concentration']:g} {html.escape(c)} in the "
                     f"{html.escape(sp['target_layer'].replace('_', ' '))}.</p>")
        parts.append(table(["run", f"dose [{a}]", "peak in VE [% dose]", "at [h]", "peak in dermis [% dose]",
                            "at [h]", "time ≥ EC in target [h]", "exposure in target [h]", "depth [µm]",
                            "degraded [%]", "cleared [%]", "internalised [%]", "removed [%]",
                            "ledger residual"], route_rows(comparison, sp)))
        parts.append(table(["run", "layer", f"peak mean free conc [{c}]", "at [h]", f"AUC [{c}·h]"],
                           layer_rows(comparison, sp)))
    parts += figure_parts(compare_dir)
    parts.append("<p>Peaks, AUC and exposure are taken at the runs' output times. VE: viable epidermis; "
                 "dermis: papillary + reticular. Time ≥ EC: time with at least half of the target layer's "
                 "volume at or above the effective concentration; exposure: the integral of that volume "
                 "fraction over time. The 3-D fields are in each run directory's fields.pvd (ParaView).</p>")
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
