#!/usr/bin/env python3
"""Figures of a comparison of delivery routes, from the directory `skinrd compare` wrote.

    profiles.png       lateral-mean free concentration against depth, one panel per time
                       (rows: species), one line per run, layer boundaries dashed
    compartments.png   where the dose is over time, stacked amounts (rows: species, columns: runs)
    time_above_ec.png  time with at least half the target layer at or above the effective
                       concentration, per species and run

Needs matplotlib (Debian: python3-matplotlib). `skinrd compare` runs it; on its own:

    python3 viz/compare_plots.py COMPARE_DIR [--times-h 1,6,24]
"""
import argparse
import os

import sys

from compare_data import (DPI, PANEL_HEIGHT_IN, PANEL_WIDTH_IN, fail, has_profiles,
                          layer_interfaces_um, load_comparison, metrics_by_species, profiles)


def chosen_times_s(comparison, times_h):
    window_s = comparison["window_s"]
    if times_h:
        times = [t * 3600 for t in times_h]
        late = [t / 3600 for t in times if t > window_s * (1 + 1e-12)]
        if late:
            fail(f"--times-h {late} lies past the common window of {window_s / 3600:g} h")
        return times
    return [window_s / 24, window_s / 4, window_s]  # early, middle and the end


DECADES_SHOWN = 8


def nearest(times, wanted):
    return min(times, key=lambda t: abs(t - wanted))


def plot_profiles(plt, comparison, times_s, out_path):
    species = comparison["species"]
    fig, axes = plt.subplots(len(species), len(times_s), squeeze=False, dpi=DPI,
                             figsize=(PANEL_WIDTH_IN * len(times_s), PANEL_HEIGHT_IN * len(species)))
    for row, sp in enumerate(species):
        by_run = []
        for run in comparison["runs"]:
            by_time = profiles(run["dir"], sp["key"], comparison["window_s"])
            if not by_time:
                fail(f"{run['dir']}/profiles.csv has no rows for {sp['key']}")
            by_run.append((run, by_time))
        ec = sp["effective_concentration"]
        for col, wanted in enumerate(times_s):
            ax = axes[row][col]
            curves = [(run, nearest(list(by_time), wanted), by_time) for run, by_time in by_run]
            top = max([max(by_time[t][1]) for _, t, by_time in curves] + [ec])
            floor = top * 10.0 ** -DECADES_SHOWN  # a log axis needs a floor; lower values are off scale
            for run, t, by_time in curves:
                depth, conc, layers = by_time[t]
                off_scale = " (below the scale)" if max(conc) < floor else ""
                ax.plot([max(c, floor * 1e-3) for c in conc], depth,
                        label=f"{run['label']} ({t / 3600:g} h){off_scale}")
            depth, _, layers = curves[0][2][curves[0][1]]
            for z, name in layer_interfaces_um(depth, layers):
                ax.axhline(z, color="0.6", linestyle="--", linewidth=0.8)
                ax.annotate(name.replace("_", " "), (0.99, z), xycoords=("axes fraction", "data"),
                            ha="right", va="top", fontsize=6, color="0.4")
            if ec > 0:
                ax.axvline(ec, color="k", linestyle=":", linewidth=1, label=f"EC {ec:g}")
            ax.set_xscale("log")
            ax.set_xlim(floor, top * 3)
            ax.invert_yaxis()
            ax.set_xlabel(f"{sp['key']} lateral-mean free concentration [{sp['concentration_unit']}]")
            ax.set_ylabel("depth below the skin surface [µm]")
            ax.set_title(f"{sp['key']} at t ≈ {wanted / 3600:.3g} h")
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)


def compartments(rows, layers):
    """Stacked series: on the skin, each layer (free + bound), internalised, and the outputs."""
    def total(r, layer):
        return r[f"{layer}_free"] + r[f"{layer}_bound"] + r[f"{layer}_internalised"]

    series = {"on the skin (film, needles)": [r["stored"] - sum(total(r, l) for l in layers) for r in rows]}
    for layer in layers:
        series[layer.replace("_", " ")] = [r[f"{layer}_free"] + r[f"{layer}_bound"] for r in rows]
    series["internalised (all layers)"] = [sum(r[f"{l}_internalised"] for l in layers) for r in rows]
    for key, name in (("degraded", "degraded"), ("cleared", "cleared to blood/lymph"),
                      ("removed", "wiped off"), ("lost_bottom", "lost through the bottom")):
        series[name] = [r[key] for r in rows]
    return series


def plot_compartments(plt, comparison, out_path):
    species, runs, layers = comparison["species"], comparison["runs"], comparison["layers"]
    fig, axes = plt.subplots(len(species), len(runs), squeeze=False, dpi=DPI,
                             figsize=(PANEL_WIDTH_IN * len(runs), PANEL_HEIGHT_IN * len(species)))
    for col, run in enumerate(runs):
        series = metrics_by_species(run["dir"], comparison["window_s"])
        for row, sp in enumerate(species):
            rows = series.get(sp["key"])
            if not rows:
                fail(f"{run['dir']}/metrics.csv has no rows for {sp['key']}")
            stacks = compartments(rows, layers)
            ax = axes[row][col]
            colours = plt.get_cmap("tab20").colors  # more compartments than the default cycle has colours
            ax.stackplot([r["time_h"] for r in rows], list(stacks.values()), labels=list(stacks),
                         colors=colours[:len(stacks)])
            ax.set_xlabel("time [h]")
            ax.set_ylabel(f"{sp['key']} amount [{sp['amount_unit']}]")
            ax.set_title(f"{run['label']}: {sp['key']}", fontsize=10)
            ax.grid(alpha=0.3)
            if row == 0 and col == len(runs) - 1:
                ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)


def plot_time_above_ec(plt, comparison, out_path):
    species, runs = comparison["species"], comparison["runs"]
    fig, ax = plt.subplots(dpi=DPI, figsize=(PANEL_WIDTH_IN * 1.6, PANEL_HEIGHT_IN))
    width = 0.8 / len(runs)
    for r, run in enumerate(runs):
        hours = []
        for sp in species:
            row = next(x for x in comparison["rows"] if x["run"] == run["label"] and x["species"] == sp["key"])
            hours.append(row["time_above_ec_target_s"] / 3600)
        ax.bar([s + (r - (len(runs) - 1) / 2) * width for s in range(len(species))], hours, width,
               label=run["label"])
    ax.set_xticks(range(len(species)))
    ax.set_xticklabels([f"{sp['key']}\nEC {sp['effective_concentration']:g} {sp['concentration_unit']}\n"
                        f"in {sp['target_layer'].replace('_', ' ')}" for sp in species], fontsize=8)
    ax.set_ylabel("time with ≥ half the target layer at or above EC [h]")
    ax.set_title(f"Time above the effective concentration (window 0 to {comparison['window_s'] / 3600:g} h)")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_path, dpi=DPI)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compare_dir", help="directory written by skinrd compare --out")
    parser.add_argument("--times-h", help="times of the depth profiles in hours, comma-separated")
    args = parser.parse_args()
    try:
        times_h = [float(t) for t in args.times_h.split(",")] if args.times_h else []
    except ValueError:
        fail(f"--times-h: not a list of numbers: '{args.times_h}'")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comparison = load_comparison(args.compare_dir)
    profiles_png = os.path.join(args.compare_dir, "profiles.png")
    older = [run["label"] for run in comparison["runs"] if not has_profiles(run["dir"])]
    if older:  # runs made before profiles.csv existed: every other figure still works
        print(f"compare_plots.py: no depth profiles: no profiles.csv in {', '.join(older)} "
              f"(run them again with this skinrd)", file=sys.stderr)
        if os.path.exists(profiles_png):
            os.remove(profiles_png)  # not a stale figure of other runs
    else:
        plot_profiles(plt, comparison, chosen_times_s(comparison, times_h), profiles_png)
    plot_compartments(plt, comparison, os.path.join(args.compare_dir, "compartments.png"))
    plot_time_above_ec(plt, comparison, os.path.join(args.compare_dir, "time_above_ec.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
