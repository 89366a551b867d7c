#!/usr/bin/env python3
"""Plot the spatial convergence table written by `skinrd validate --csv FILE`.

One log-log panel per error norm: error against the finest grid spacing h [um] for each
case, with a slope-2 guide. Needs matplotlib (Debian: python3-matplotlib).

    skinrd validate --csv validate.csv
    python3 viz/plot_convergence.py validate.csv --out convergence.png
"""
import argparse
import csv
import sys
from collections import defaultdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", help="CSV written by skinrd validate --csv")
    parser.add_argument("--out", default="convergence.png", help="PNG to write")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = defaultdict(list)  # (case, quantity) -> [(h, error)]
    with open(args.csv_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["resolution_unit"] != "um":  # time-step studies are another plot
                continue
            error = float(row["error"])
            if error > 1e-9:  # rounding-level errors (exact cases) have no slope to show
                series[(row["case"], row["quantity"])].append((float(row["resolution"]), error))
    if not series:
        print(f"{args.csv_path}: no rows with errors above rounding", file=sys.stderr)
        return 1

    fig, ax = plt.subplots(figsize=(7.5, 5.5), dpi=120)
    colours = plt.get_cmap("tab10").colors
    for n, ((case, quantity), points) in enumerate(sorted(series.items())):
        points.sort()
        h, e = zip(*points)
        ax.loglog(h, e, "os^Dv<>"[n // 10 % 7] + "-", color=colours[n % 10],
                  label=f"{case}: {quantity}")
    h_all = sorted({h for pts in series.values() for h, _ in pts})
    e_ref = max(e for pts in series.values() for _, e in pts)
    ax.loglog(h_all, [e_ref * (h / h_all[-1]) ** 2 for h in h_all], "k--", label="slope 2")
    ax.set_xlabel("finest grid spacing h [µm]")
    ax.set_ylabel("error (norm per case, dimensionless)")
    ax.set_title("skinrd validate: spatial convergence")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
