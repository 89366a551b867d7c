"""Reading what `skinrd compare` and `skinrd run` wrote: compare.json, and each run's
metrics.csv and profiles.csv. Shared by compare_plots.py and compare_report.py."""
import csv
import json
import os
import sys
from collections import defaultdict

# Figure geometry: every figure is as wide as report.html shows it (a 1280 px window less
# the page margins), so its text is read at the size it was drawn; the tests check the
# PNG sizes against these.
DPI = 100
FIGURE_WIDTH_IN = 11.5


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


def ensure_plotting_python():
    """Re-runs this script under the Python `skinrd compare` would use when the current one
    has no matplotlib: $SKINRD_PYTHON, else /usr/bin/python3, else python3 (as
    host/compare/figures.cpp find_plotting_python), so `python3 viz/compare_plots.py DIR`
    works where the first python3 on PATH is a bare one."""
    try:
        import matplotlib  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("SKINRD_PLOT_REEXEC"):  # already re-run once: do not loop
        fail("no Python 3 with matplotlib found (install Debian's python3-matplotlib, or set SKINRD_PYTHON)")
    import shutil
    import subprocess
    env = dict(os.environ, SKINRD_PLOT_REEXEC="1")
    for python in (os.environ.get("SKINRD_PYTHON"), "/usr/bin/python3", shutil.which("python3")):
        python = python and shutil.which(python)
        if not python:
            continue
        probe = subprocess.run([python, "-c", "import matplotlib"], capture_output=True)
        if probe.returncode == 0:
            os.execve(python, [python, os.path.abspath(sys.argv[0])] + sys.argv[1:], env)
    fail("no Python 3 with matplotlib found (install Debian's python3-matplotlib, or set SKINRD_PYTHON)")
