"""Reading what `skinrd compare` and `skinrd run` wrote: compare.json, and each run's
metrics.csv and profiles.csv. Shared by compare_plots.py and compare_report.py."""
import csv
import json
import os
import sys
from collections import defaultdict

# Figure geometry: the tests check the PNG sizes against these.
DPI = 100
PANEL_WIDTH_IN = 5.0
PANEL_HEIGHT_IN = 4.0


def fail(message):
    print(f"{os.path.basename(sys.argv[0])}: error: {message}", file=sys.stderr)
    sys.exit(2)


def load_comparison(compare_dir):
    path = os.path.join(compare_dir, "compare.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror}); run `skinrd compare RUN_DIR... --out {compare_dir}` first")
    except json.JSONDecodeError as error:
        fail(f"{path}: not valid JSON ({error})")


def read_csv_rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror})")


def metrics_by_species(run_dir, window_s):
    """{species: [row, ...]} from metrics.csv, rows with time_s <= window_s, numbers as float."""
    series = defaultdict(list)
    for row in read_csv_rows(os.path.join(run_dir, "metrics.csv")):
        if float(row["time_s"]) > window_s * (1 + 1e-12):
            continue
        series[row["species"]].append(
            {k: (v if k in ("species", "amount_unit") else float(v)) for k, v in row.items()})
    return series


def has_profiles(run_dir):
    return os.path.exists(os.path.join(run_dir, "profiles.csv"))


def profiles(run_dir, species, window_s):
    """{time_s: (depth_um list, mean free concentration list, layer list)} of one species,
    output times within the common window."""
    by_time = defaultdict(lambda: ([], [], []))
    for row in read_csv_rows(os.path.join(run_dir, "profiles.csv")):
        if row["species"] != species or float(row["time_s"]) > window_s * (1 + 1e-12):
            continue
        depth, conc, layer = by_time[float(row["time_s"])]
        depth.append(float(row["depth_um"]))
        conc.append(float(row["mean_free_conc"]))
        layer.append(row["layer"])
    return dict(by_time)


def layer_interfaces_um(depth, layer):
    """Depths of the faces between consecutive layers, from a profile's cell centres."""
    return [(0.5 * (depth[i] + depth[i + 1]), layer[i + 1])
            for i in range(len(depth) - 1) if layer[i] != layer[i + 1]]
