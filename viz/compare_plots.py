#!/usr/bin/env python3
"""Figures of a comparison of delivery routes, from the directory `skinrd compare` wrote.

    profiles.png       lateral-mean free concentration against depth, one panel per time
                       (rows: species), one line per run, layers named and shaded
    compartments.png   where the dose is over time (columns: runs): per species, all
                       compartments stacked in % of the dose, and the tissue's share on a
                       log scale (visible when most of the dose is wiped off)
    time_above_ec.png  time with at least half the target layer at or above the effective
                       concentration, per species and run; not drawn when it is 0 for all
    figure_notes.json  per figure: made or not and why, and any layout problem found

Every time axis marks the runs' events (doses, wipe-off, needles out) read from each run's
scenario.toml. Every figure is checked after drawing (viz/figure_checks.py: no overlapping
text, no x1e6 tick multipliers, shared panels with equal limits, no empty panel); a problem
is reported in figure_notes.json and on stderr, and fails the script under --strict.

Needs matplotlib (Debian: python3-matplotlib); run with a Python without it, the script
re-runs itself under the one `skinrd compare` uses. `skinrd compare` runs it; on its own:

    python3 viz/compare_plots.py COMPARE_DIR [--times-h 1,6,24] [--strict]
"""
import argparse
import json
import os
import sys

from compare_data import (DPI, FIGURE_WIDTH_IN, ensure_plotting_python, fail, has_profiles,
                          layer_interfaces_um, load_comparison, metrics_by_species, profiles)
from figure_checks import FigureLayoutError, check_figure
from run_events import KINDS as EVENT_KINDS
from run_events import run_events

FONT_PT = 9
DECADES_SHOWN = 8  # profiles: a log axis needs a floor; lower values are drawn at it
LOG_SPAN = 100.0
DEPTH_TICKS_UM = [-50, -20, 0, 20, 50, 100, 200, 400, 700, 1000, 1500, 2000, 3000, 4000, 6000]  # values spanning more than two decades get a log axis

# Okabe & Ito (2008), the colour-blind-safe set: one colour and one dash per run.
RUN_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
RUN_DASHES = ["-", "--", "-.", ":"]

# One hue per compartment family, shades within it: tissue blue (lighter = nearer the
# surface), device and what was taken off it orange/yellow, losses reddish purple,
# systemic bluish green (ColorBrewer shades of the Okabe-Ito hues).
LAYER_BLUES = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
DEVICE = {"in the device (not yet released)": "#fdd49e", "on the skin (film, needles)": "#E69F00",
          "wiped off": "#a66c00"}
LOSSES = {"degraded": "#CC79A7", "lost through the bottom": "#7a3b63"}
SYSTEMIC = {"cleared to blood/lymph": "#009E73"}


def run_style(index):
    return {"color": RUN_COLOURS[index % len(RUN_COLOURS)], "linestyle": RUN_DASHES[index % len(RUN_DASHES)]}


def layer_name(layer):
    return layer.replace("_", " ")


def hours(seconds):
    """'0.5 h', '8 h', '10 min': times as a reader writes them."""
    if 0 < seconds < 3600:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def chosen_times_s(comparison, times_h):
    window_s = comparison["window_s"]
    if times_h:
        times = [t * 3600 for t in times_h]
        late = [t / 3600 for t in times if t > window_s * (1 + 1e-12)]
        if late:
            fail(f"--times-h {late} lies past the common window of {window_s / 3600:g} h")
        return times
    return [window_s / 24, window_s / 4, window_s]  # early, middle and the end


def nearest(times, wanted):
    return min(times, key=lambda t: abs(t - wanted))


class Figures:
    """The figures of one comparison and what is said about each in figure_notes.json."""

    def __init__(self, plt, comparison, compare_dir, strict):
        self.plt, self.comparison, self.dir, self.strict = plt, comparison, compare_dir, strict
        self.notes = {}
        self.events = [run_events(run["dir"]) for run in comparison["runs"]]

    def save(self, fig, name):
        problems = []
        try:
            check_figure(fig)
        except FigureLayoutError as error:
            if self.strict:
                raise
            problems.append(str(error))
            print(f"compare_plots.py: warning: {name}: {error}", file=sys.stderr)
        fig.savefig(os.path.join(self.dir, name), dpi=DPI)
        self.plt.close(fig)
        self.notes[name] = {"made": True, "why": "", "layout_problems": problems,
                            **self.notes.get(name, {})}

    def not_made(self, name, why):
        path = os.path.join(self.dir, name)
        if os.path.exists(path):
            os.remove(path)  # not a stale figure of other runs
        self.notes[name] = {"made": False, "why": why, "layout_problems": []}

    def write_notes(self):
        path = os.path.join(self.dir, "figure_notes.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.notes, f, indent=2)
        os.replace(path + ".tmp", path)

    # --- event markers -------------------------------------------------------------
    def mark_events(self, ax, run_index):
        """A grey line per event of the run and its marker at the top edge, markers of events
        closer than a marker's width stepped down (10 min dissolution, 30 min wear); hours on x."""
        window_h = self.comparison["window_s"] / 3600
        marks = sorted((t_s / 3600, marker) for kind, _, marker in EVENT_KINDS
                       for t_s in self.events[run_index].get(kind, [])
                       if t_s <= self.comparison["window_s"] * (1 + 1e-12))
        last_x, level = None, 0
        for t_h, marker in marks:
            ax.axvline(t_h, color="0.3", linewidth=0.8, linestyle=(0, (2, 2)), zorder=5, label="_event line")
            level = level + 1 if last_x is not None and t_h - last_x < 0.025 * window_h else 0
            last_x = t_h
            ax.plot([t_h], [1.0 - 0.12 * level], marker=marker, color="0.15", markersize=6, clip_on=False,
                    transform=ax.get_xaxis_transform(), zorder=6, linestyle="none", label="_event marker")

    def event_handles(self):
        window_s = self.comparison["window_s"] * (1 + 1e-12)
        kinds = {kind for events in self.events for kind, times in events.items() if min(times) <= window_s}
        return [self.plt.Line2D([], [], color="0.15", marker=marker, linestyle=(0, (2, 2)), linewidth=0.8,
                                label=text) for kind, text, marker in EVENT_KINDS if kind in kinds]

    # --- profiles ------------------------------------------------------------------
    def profiles(self, times_s, name="profiles.png"):
        plt, comparison = self.plt, self.comparison
        species, runs = comparison["species"], comparison["runs"]
        rows_in = 3.3
        fig, axes = plt.subplots(len(species), len(times_s), squeeze=False, sharey=True, sharex="row",
                                 figsize=(FIGURE_WIDTH_IN, rows_in * len(species) + 0.9), dpi=DPI)
        fig.subplots_adjust(left=0.075, right=0.84, top=1 - 0.35 / fig.get_figheight(),
                            bottom=0.9 / fig.get_figheight(), wspace=0.08, hspace=0.55)
        layers_seen = None
        for row, sp in enumerate(species):
            by_run = []
            for run in runs:
                by_time = profiles(run["dir"], sp["key"], comparison["window_s"])
                if not by_time:
                    fail(f"{run['dir']}/profiles.csv has no rows for {sp['key']}")
                by_run.append(by_time)
            ec = sp["effective_concentration"]
            picked = [[nearest(list(by_time), wanted) for by_time in by_run] for wanted in times_s]
            top = max([max(by_run[r][t][1]) for ts in picked for r, t in enumerate(ts)] + [ec])
            floor = top * 10.0 ** -DECADES_SHOWN
            for col, ts in enumerate(picked):
                ax = axes[row][col]
                below = []
                for r, t in enumerate(ts):
                    depth, conc, layers = by_run[r][t]
                    if max(conc) < floor:
                        below.append(runs[r]["label"])
                    ax.plot([max(c, floor) for c in conc], depth, linewidth=1.6, **run_style(r))
                    if layers_seen is None or len(depth) > len(layers_seen[0]):
                        layers_seen = (depth, layers)
                if ec > 0:
                    ax.axvline(ec, color="k", linestyle=(0, (1, 1.5)), linewidth=1.2, label="_guide EC")
                ax.set_xscale("log")
                ax.set_xlim(floor, top * 3)
                when = sorted({t for t in ts})
                ax.set_title(f"{sp['key']} at t = {', '.join(hours(t) for t in when)}", fontsize=FONT_PT + 1)
                if below:
                    ax.text(0.03, 0.03, f"below the scale: {', '.join(below)}", transform=ax.transAxes,
                            fontsize=FONT_PT - 1, color="0.3")
                ax.grid(alpha=0.3)
                ax.tick_params(labelsize=FONT_PT)
            axes[row][len(times_s) // 2].set_xlabel(
                f"{sp['key']} lateral-mean free concentration [{sp['concentration_unit']}]", fontsize=FONT_PT)
            axes[row][0].set_ylabel("depth below the skin surface [µm]\n(square-root scale)", fontsize=FONT_PT)
        depth, layers = layers_seen
        bands = self.layer_bands(depth, layers)
        axes[0][0].set_yscale("function", functions=(signed_sqrt, signed_square))
        axes[0][0].set_ylim(bands[-1][1], min(bands[0][0], 0))  # inverted: the surface at the top
        axes[0][0].set_yticks([t for t in DEPTH_TICKS_UM if bands[0][0] <= t <= bands[-1][1]])
        for ax in axes.flat:
            self.shade_layers(ax, depth, layers)
        fig.canvas.draw()  # the axes' places, for the labels' positions in pixels
        for row in range(len(species)):
            self.label_layers(axes[row][-1], depth, layers)
        handles = [plt.Line2D([], [], linewidth=1.6, label=run["label"], **run_style(r)) for r, run in enumerate(runs)]
        if any(sp["effective_concentration"] > 0 for sp in species):
            handles.append(plt.Line2D([], [], color="k", linestyle=(0, (1, 1.5)), linewidth=1.2,
                                      label="effective concentration (EC)"))
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=FONT_PT,
                   bbox_to_anchor=(0.46, 0.0), frameon=False)
        self.save(fig, name)

    @staticmethod
    def layer_bands(depth, layers):
        """(top, bottom, name) of each layer of a profile, depths in µm."""
        faces = layer_interfaces_um(depth, layers)
        tops = [min(depth) - 0.5 * (depth[1] - depth[0])] + [z for z, _ in faces]
        bottoms = [z for z, _ in faces] + [max(depth) + 0.5 * (depth[-1] - depth[-2])]
        names = [layers[0]] + [n for _, n in faces]
        return list(zip(tops, bottoms, names))

    def shade_layers(self, ax, depth, layers):
        for n, (top, bottom, _) in enumerate(self.layer_bands(depth, layers)):
            ax.axhspan(top, bottom, color="0.5" if n % 2 else "1.0", alpha=0.08, linewidth=0, zorder=0)
            if n:
                ax.axhline(top, color="0.55", linestyle="--", linewidth=0.7, zorder=1, label="_guide layer")

    def label_layers(self, ax, depth, layers):
        """Layer names right of the row's last panel, at their bands, pushed apart where thin
        layers lie close (stratum corneum, viable epidermis), with a leader line each; the
        figure drawn once before, so the axes are where they will be."""
        bands = self.layer_bands(depth, layers)
        to_px = ax.transData.transform
        wanted = [to_px((1, 0.5 * (top + bottom)))[1] for top, bottom, _ in bands]
        gap_px = FONT_PT * DPI / 72 * 1.35
        lo_px, hi_px = ax.bbox.y0 + gap_px / 2, ax.bbox.y1 - gap_px / 2
        placed = spread(wanted, gap_px, lo_px, hi_px)
        to_axes = ax.transAxes.inverted().transform
        for (top, bottom, name), want, at in zip(bands, wanted, placed):
            y_label = to_axes((0, at))[1]
            y_band = to_axes((0, want))[1]
            ax.annotate(layer_name(name), xy=(1.0, y_band), xycoords="axes fraction",
                        xytext=(1.06, y_label), textcoords="axes fraction", ha="left", va="center",
                        fontsize=FONT_PT - 0.5, color="0.2", annotation_clip=False,
                        arrowprops={"arrowstyle": "-", "color": "0.5", "linewidth": 0.6,
                                    "shrinkA": 1, "shrinkB": 0})

    # --- compartments --------------------------------------------------------------
    def compartments(self, name="compartments.png"):
        plt, comparison = self.plt, self.comparison
        species, runs, layers = comparison["species"], comparison["runs"], comparison["layers"]
        n_rows = 2 * len(species)
        fig, axes = plt.subplots(n_rows, len(runs), squeeze=False, sharex=True,
                                 figsize=(FIGURE_WIDTH_IN, 2.2 * n_rows + 1.6), dpi=DPI,
                                 gridspec_kw={"height_ratios": [1.25, 1] * len(species)})
        fig.subplots_adjust(left=0.085, right=0.985, top=1 - 0.3 / fig.get_figheight(),
                            wspace=0.1, hspace=0.32)
        series_by_run = [metrics_by_species(run["dir"], comparison["window_s"]) for run in runs]
        labels_seen = {}
        for s, sp in enumerate(species):
            stacked_axes, tissue_axes = axes[2 * s], axes[2 * s + 1]
            tissue_by_run = []
            for col, run in enumerate(runs):
                rows = series_by_run[col].get(sp["key"])
                if not rows:
                    fail(f"{run['dir']}/metrics.csv has no rows for {sp['key']}")
                time_h = [r["time_h"] for r in rows]
                stacks = compartment_shares(rows, layers)
                ax = stacked_axes[col]
                colours = [compartment_colour(label, layers) for label in stacks]
                polys = ax.stackplot(time_h, list(stacks.values()), labels=list(stacks), colors=colours,
                                     linewidth=0)
                for label, poly in zip(stacks, polys):
                    if label == "internalised (all layers)":
                        poly.set_hatch("////")
                        poly.set_edgecolor("white")
                    labels_seen.setdefault(label, poly)
                ax.set_ylim(0, 100)
                ax.set_title(f"{run['label']}: {sp['key']}", fontsize=FONT_PT + 1)
                tissue_by_run.append((time_h, tissue_shares(rows, layers)))
            self.tissue_panels(tissue_axes, tissue_by_run, sp)
            stacked_axes[0].set_ylabel("% of the dose", fontsize=FONT_PT)
            tissue_axes[0].set_ylabel("in the tissue\n[% of the dose]", fontsize=FONT_PT)
            for row_axes in (stacked_axes, tissue_axes):
                for col, ax in enumerate(row_axes):
                    ax.grid(alpha=0.3)
                    ax.tick_params(labelsize=FONT_PT)
                    ax.set_xlim(0, comparison["window_s"] / 3600)
                    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:g}"))  # 0, not 0.00
                    ax.tick_params(axis="y", pad=5)  # the corner: clear of the x axis's first label
                    self.mark_events(ax, col)
                    if col:
                        ax.tick_params(labelleft=False)
                for other in row_axes[1:]:
                    other.sharey(row_axes[0])
        for ax in axes[-1]:
            ax.set_xlabel("time [h]", fontsize=FONT_PT)
        order = list(DEVICE) + [layer_name(l) for l in layers] + ["internalised (all layers)"] + \
            list(SYSTEMIC) + list(LOSSES)
        handles = [labels_seen[label] for label in order if label in labels_seen]
        targets = sorted({layer_name(sp["target_layer"]) for sp in species})
        handles += [plt.Line2D([], [], color="k", linewidth=2.0, label="in the tissue, all layers (log panels)"),
                    plt.Line2D([], [], color=LAYER_BLUES[3], linestyle="--", linewidth=1.6,
                               label=f"in the target layer ({', '.join(targets)})")]
        handles += self.event_handles()
        legend = fig.legend(handles=handles, labels=[h.get_label() for h in handles], loc="lower center",
                            ncol=4, fontsize=FONT_PT, bbox_to_anchor=(0.5, 0.0), frameon=False,
                            columnspacing=1.5)
        fig.canvas.draw()  # room for the legend as drawn, and the axis labels above it
        legend_in = legend.get_window_extent().height / DPI
        fig.subplots_adjust(bottom=(legend_in + 0.6) / fig.get_figheight())
        self.save(fig, name)

    def tissue_panels(self, row_axes, tissue_by_run, sp):
        """The tissue's share and the target layer's on one log axis shared by the runs."""
        top = max(max(shares["all layers"]) for _, shares in tissue_by_run)
        positive = [max(shares["all layers"]) for _, shares in tissue_by_run if max(shares["all layers"]) > 0]
        floor = max(min(positive) * 1e-3, top * 1e-12) if positive else 1e-3
        target = sp["target_layer"]
        for ax, (time_h, shares) in zip(row_axes, tissue_by_run):
            ax.plot(time_h, [max(v, floor * 1e-3) for v in shares["all layers"]], color="k", linewidth=2.0)
            ax.plot(time_h, [max(v, floor * 1e-3) for v in shares[target]], color=LAYER_BLUES[3],
                    linestyle="--", linewidth=1.6)
            if max(shares["all layers"]) <= 0:
                ax.text(0.5, 0.5, f"no {sp['key']} in the tissue", transform=ax.transAxes, ha="center",
                        fontsize=FONT_PT)
            ax.set_yscale("log")
        row_axes[0].set_ylim(floor, max(top, floor) * 3)

    # --- time above EC -------------------------------------------------------------
    def time_above_ec(self, name="time_above_ec.png"):
        plt, comparison = self.plt, self.comparison
        runs = comparison["runs"]
        window_h = comparison["window_s"] / 3600
        drawn, left_out = [], []
        for sp in comparison["species"]:
            h = [row_of(comparison, run["label"], sp["key"])["time_above_ec_target_s"] / 3600 for run in runs]
            (drawn if any(v > 0 for v in h) else left_out).append((sp, h))
        why = [f"{sp['key']}: no run had half of the {layer_name(sp['target_layer'])} at or above EC "
               f"({sp['effective_concentration']:g} {sp['concentration_unit']}) at any output time in the "
               f"window (0 to {window_h:g} h): 0 h for every run" for sp, _ in left_out]
        if not drawn:
            self.not_made(name, "Not drawn: " + "; ".join(why) + ".")
            return
        fig, axes = plt.subplots(1, len(drawn), squeeze=False, sharey=True, dpi=DPI,
                                 figsize=(FIGURE_WIDTH_IN if len(drawn) > 1 else FIGURE_WIDTH_IN * 0.6, 3.6))
        fig.subplots_adjust(left=0.12 if len(drawn) == 1 else 0.075, right=0.98, top=0.86, bottom=0.14,
                            wspace=0.08)
        values = [v for _, h in drawn for v in h if v > 0]
        log = max(values) / min(values) > LOG_SPAN
        for ax, (sp, h) in zip(axes[0], drawn):
            bars = ax.bar(range(len(runs)), [v if v > 0 or not log else float("nan") for v in h],
                          color=[RUN_COLOURS[r % len(RUN_COLOURS)] for r in range(len(runs))], width=0.6)
            ax.bar_label(bars, labels=[hours(v * 3600) if v > 0 else "0 h" for v in h], fontsize=FONT_PT,
                         padding=2)
            ax.set_xticks(range(len(runs)), [run["label"] for run in runs], fontsize=FONT_PT)
            ax.set_title(f"{sp['key']}: EC {sp['effective_concentration']:g} {sp['concentration_unit']} "
                         f"in the {layer_name(sp['target_layer'])}", fontsize=FONT_PT + 1)
            ax.grid(axis="y", alpha=0.3)
            ax.tick_params(labelsize=FONT_PT)
        if log:
            axes[0][0].set_yscale("log")
            axes[0][0].set_ylim(min(values) / 3, window_h * 3)
        else:
            axes[0][0].set_ylim(0, max(max(values) * 1.18, 1e-9))
        axes[0][0].set_ylabel(f"time ≥ EC in the target layer [h]\n(window 0 to {window_h:g} h)",
                              fontsize=FONT_PT)
        self.notes[name] = {"left_out": [w + "." for w in why]}
        self.save(fig, name)


def signed_sqrt(z):
    """The depth axis: thin top layers (stratum corneum 20 µm) get room beside a 1.7 mm
    tissue; a film above the surface (negative depth) stays above it."""
    import numpy as np
    return np.sign(z) * np.sqrt(np.abs(z))


def signed_square(y):
    import numpy as np
    return np.sign(y) * y * y


def spread(wanted, gap, low, high):
    """Positions as near the wanted ones as they can be, at least gap apart, within
    [low, high]: a label for each thin layer without overlap (1-D, in display px)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], low), high) for i in order]
    for n in range(1, len(placed)):  # push up from the bottom
        placed[n] = max(placed[n], placed[n - 1] + gap)
    if placed and placed[-1] > high:  # too high: push down from the top
        placed[-1] = high
        for n in range(len(placed) - 2, -1, -1):
            placed[n] = min(placed[n], placed[n + 1] - gap)
    result = [0.0] * len(wanted)
    for i, at in zip(order, placed):
        result[i] = at
    return result


def row_of(comparison, run_label, species):
    return next(x for x in comparison["rows"] if x["run"] == run_label and x["species"] == species)


def compartment_colour(label, layers):
    if label in DEVICE:
        return DEVICE[label]
    if label in LOSSES:
        return LOSSES[label]
    if label in SYSTEMIC:
        return SYSTEMIC[label]
    if label == "internalised (all layers)":
        return LAYER_BLUES[-1]
    return LAYER_BLUES[[layer_name(l) for l in layers].index(label)]


def dose_of(rows):
    """The applied dose: what entered plus what a patch still held (metrics.csv's in_device,
    absent in runs written before it)."""
    return max(r["dosed"] + r["entered_top"] + r["added_by_source"] + r.get("in_device", 0.0) for r in rows)


def compartment_shares(rows, layers):
    """Stacked series in % of the dose, family by family as the legend lists them: the device
    (and what was wiped off it), each layer (free + bound), internalised, systemic, losses."""
    def total(r, layer):
        return r[f"{layer}_free"] + r[f"{layer}_bound"] + r[f"{layer}_internalised"]

    dose = dose_of(rows)
    scale = 100.0 / dose if dose > 0 else 0.0
    amounts = {"in the device (not yet released)": [r.get("in_device", 0.0) for r in rows],
               "on the skin (film, needles)": [r["stored"] - sum(total(r, l) for l in layers) for r in rows],
               "wiped off": [r["removed"] for r in rows]}
    for layer in layers:
        amounts[layer_name(layer)] = [r[f"{layer}_free"] + r[f"{layer}_bound"] for r in rows]
    amounts["internalised (all layers)"] = [sum(r[f"{l}_internalised"] for l in layers) for r in rows]
    for key, label in (("cleared", "cleared to blood/lymph"), ("degraded", "degraded"),
                       ("lost_bottom", "lost through the bottom")):
        amounts[label] = [r[key] for r in rows]
    if "in_device" not in rows[0]:  # an older run: what is not accounted for is still in the patch
        accounted = [sum(v[n] for v in amounts.values()) for n in range(len(rows))]
        amounts["in the device (not yet released)"] = [max(dose - a, 0.0) for a in accounted]
    amounts = {k: v for k, v in amounts.items() if max(abs(x) for x in v) > 0}  # no empty legend rows
    return {k: [max(x, 0.0) * scale for x in v] for k, v in amounts.items()}


def tissue_shares(rows, layers):
    """{layer: % of the dose in it (free + bound + internalised), 'all layers': the sum}."""
    dose = dose_of(rows)
    scale = 100.0 / dose if dose > 0 else 0.0
    shares = {layer: [scale * (r[f"{layer}_free"] + r[f"{layer}_bound"] + r[f"{layer}_internalised"])
                      for r in rows] for layer in layers}
    shares["all layers"] = [sum(shares[l][n] for l in layers) for n in range(len(rows))]
    return shares


def render(compare_dir, times_h=(), strict=False):
    """Writes every figure and figure_notes.json into compare_dir; returns the notes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comparison = load_comparison(compare_dir)
    figures = Figures(plt, comparison, compare_dir, strict)
    older = [run["label"] for run in comparison["runs"] if not has_profiles(run["dir"])]
    if older:  # runs made before profiles.csv existed: every other figure still works
        why = f"no profiles.csv in {', '.join(older)} (run them again with this skinrd)"
        print(f"compare_plots.py: no depth profiles: {why}", file=sys.stderr)
        figures.not_made("profiles.png", f"Not drawn: {why}.")
    else:
        figures.profiles(chosen_times_s(comparison, list(times_h)))
    figures.compartments()
    figures.time_above_ec()
    figures.write_notes()
    return figures.notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compare_dir", help="directory written by skinrd compare --out")
    parser.add_argument("--times-h", help="times of the depth profiles in hours, comma-separated")
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit 3) on a layout problem instead of noting it")
    args = parser.parse_args()
    try:
        times_h = [float(t) for t in args.times_h.split(",")] if args.times_h else []
    except ValueError:
        fail(f"--times-h: not a list of numbers: '{args.times_h}'")
    ensure_plotting_python()
    try:
        render(args.compare_dir, times_h, args.strict)
    except FigureLayoutError as error:
        print(f"compare_plots.py: error: a figure is not readable: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
