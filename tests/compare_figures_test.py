"""compare_plots.py's figures read at the report's size: on a small made-up comparison of three
routes (topical wiped off at 8 h with 94 % of the dose, intradermal, a microneedle patch worn
30 min; exosomes never reach EC), every figure passes figure_checks (no overlapping text, no
tick multipliers, shared panels equal, no empty panel), events are marked, the tissue share
stays visible, and the empty chart is left out with the reason. The checks themselves fail on
overlapping text, on x1e6 beside x1e7, and on an all-zero chart. ctest: compare_figures_no_overlap."""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "viz"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import compare_plots  # noqa: E402
from figure_checks import FigureLayoutError, check_figure, check_not_empty, check_scales, \
    check_text_layout  # noqa: E402

LAYERS = [("stratum_corneum", 20.0, 2.0), ("viable_epidermis", 57.0, 5.0), ("papillary_dermis", 300.0, 20.0),
          ("reticular_dermis", 850.0, 50.0), ("hypodermis", 500.0, 100.0)]
SCENARIOS = {
    "topical": "name = 'topical'\n[[topical]]\nspecies = 'VEGF'\nat = '0 s'\nwipe_off_after = '8 h'\n",
    "intradermal": "name = 'intradermal'\n[[intradermal]]\nspecies = 'VEGF'\nat = '0 s'\n",
    "microneedle": "name = 'microneedle'\n[[microneedle]]\nspecies = 'VEGF'\nkind = 'dissolving'\n"
                   "wear = '30 min'\ndissolution_time = '10 min'\n",
}
SPECIES = [("VEGF", "ng", "ng/mL", 3.82, 0.1), ("exosome", "particles", "particles/mL", 6e10, 1e7)]


def layer_shares(route, t_h):
    """Fractions of the dose per layer and in the outputs at t_h: made up, but shaped like
    the routes (topical: a trace in the tissue, most wiped off)."""
    if route == "topical":
        tissue = 0.05 * (1 - math.exp(-t_h))
        removed = 0.94 if t_h >= 8 else 0.0
        return [0.6 * tissue, 0.4 * tissue, 1e-4 * tissue, 0, 0], removed, 1 - tissue - removed, 0.005 * t_h / 24
    released = 1.0 if route == "intradermal" or t_h >= 1 else 0.0
    left = released * math.exp(-t_h / 6)
    return [0.001 * left, 0.02 * left, 0.6 * left, 0.3 * left, 0.079 * left], 0.0, 0.0, released - left


def write_run(run_dir, route):
    os.makedirs(run_dir)
    with open(os.path.join(run_dir, "scenario.toml"), "w") as f:
        f.write(SCENARIOS[route])
    columns = ["time_s", "time_h", "species", "amount_unit", "dosed", "entered_top", "added_by_source",
               "degraded", "cleared", "lost_bottom", "removed", "stored"]
    columns += [f"{l}_{part}" for l, _, _ in LAYERS for part in ("free", "bound", "internalised")]
    with open(os.path.join(run_dir, "metrics.csv"), "w", newline="") as f:
        out = csv.DictWriter(f, columns)
        out.writeheader()
        for key, unit, _, _, dose in SPECIES:
            for t_h in range(25):
                layers, removed, film, outputs = layer_shares(route, t_h)
                row = {"time_s": t_h * 3600, "time_h": t_h, "species": key, "amount_unit": unit,
                       "dosed": dose if route != "microneedle" or t_h >= 1 else 0, "entered_top": 0,
                       "added_by_source": 0, "degraded": 0.7 * outputs * dose, "cleared": 0.3 * outputs * dose,
                       "lost_bottom": 0, "removed": removed * dose,
                       "stored": (sum(layers) + film) * dose}
                for (layer, _, _), share in zip(LAYERS, layers):
                    row.update({f"{layer}_free": 0.8 * share * dose, f"{layer}_bound": 0.15 * share * dose,
                                f"{layer}_internalised": 0.05 * share * dose})
                out.writerow(row)
    with open(os.path.join(run_dir, "profiles.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["time_s", "species", "depth_um", "mean_free_conc", "layer"])
        for key, _, _, ec, _ in SPECIES:
            for t_h in range(25):
                if route == "topical":
                    out.writerows([t_h * 3600, key, z, 2e4 * ec, "vehicle"] for z in (-18, -10, -2))
                top = 0.0
                for layer, thickness, dz in LAYERS:
                    for n in range(int(thickness // dz)):
                        z = top + (n + 0.5) * dz
                        scale = 1e-6 if route == "topical" else 30.0
                        out.writerow([t_h * 3600, key, z, ec * scale * math.exp(-z / 300) / (1 + t_h), layer])
                    top += thickness


def make_comparison(root, time_above_ec_h):
    """A compare directory of the three routes; time_above_ec_h: {species: [h per route]}."""
    routes = list(SCENARIOS)
    for route in routes:
        write_run(os.path.join(root, route), route)
    comparison = {
        "window_s": 24 * 3600.0, "layers": [l for l, _, _ in LAYERS], "notes": [],
        "runs": [{"label": r, "dir": os.path.join(root, r)} for r in routes],
        "species": [{"key": k, "full_name": k, "amount_unit": a, "concentration_unit": c,
                     "target_layer": "papillary_dermis", "effective_concentration": ec}
                    for k, a, c, ec, _ in SPECIES],
        "rows": [{"run": r, "species": k, "time_above_ec_target_s": 3600 * time_above_ec_h[k][n]}
                 for n, r in enumerate(routes) for k, _, _, _, _ in SPECIES],
    }
    out = os.path.join(root, "comparison")
    os.makedirs(out)
    with open(os.path.join(out, "compare.json"), "w") as f:
        json.dump(comparison, f)
    return out, comparison


class Recording(compare_plots.Figures):
    """Keeps each figure open for the test instead of closing it; checks strictly."""

    def __init__(self, *args):
        super().__init__(*args)
        self.figures = {}

    def save(self, fig, name):
        check_figure(fig)
        self.figures[name] = fig
        self.notes[name] = {"made": True, "why": "", "layout_problems": [], **self.notes.get(name, {})}


class ChecksFailOnWhatTheyShould(unittest.TestCase):
    def tearDown(self):
        plt.close("all")

    def test_overlapping_labels(self):
        fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
        ax.plot([0, 1], [0, 1])
        ax.text(0.5, 0.5, "stratum corneum", transform=ax.transAxes)
        ax.text(0.52, 0.51, "viable epidermis", transform=ax.transAxes)
        with self.assertRaisesRegex(FigureLayoutError, "'stratum corneum'.*overlaps.*'viable epidermis'"):
            check_text_layout(fig)

    def test_text_cut_by_the_edge(self):
        fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
        ax.plot([0, 1], [0, 1])
        ax.text(1.0, 0.5, "a label far outside the figure", transform=ax.transAxes)
        with self.assertRaisesRegex(FigureLayoutError, "cut by the figure's edge"):
            check_text_layout(fig)

    def test_mixed_exponents_beside_each_other(self):
        fig, axes = plt.subplots(1, 2, figsize=(8, 3), dpi=100)
        axes[0].plot([0, 1], [1.0e6, 1.2e6])
        axes[1].plot([0, 1], [1.0e7, 1.2e7])
        with self.assertRaisesRegex(FigureLayoutError, "multiplier"):
            check_scales(fig)

    def test_all_zero_chart(self):
        fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
        ax.bar([0, 1, 2], [0, 0, 0])
        with self.assertRaisesRegex(FigureLayoutError, "empty panels"):
            check_not_empty(fig)

    def test_a_readable_figure_passes(self):
        fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
        ax.plot([0, 1], [1.0e6, 1.0e7])
        ax.set_yscale("log")
        ax.set_title("fine")
        fig.tight_layout()
        check_figure(fig)


class FiguresOfAComparison(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir, cls.comparison = make_comparison(
            cls.tmp.name, {"VEGF": [0.0, 9.1, 0.05], "exosome": [0.0, 0.0, 0.0]})
        cls.figs = Recording(plt, cls.comparison, cls.dir, True)
        cls.figs.profiles(compare_plots.chosen_times_s(cls.comparison, []))
        cls.figs.compartments()
        cls.figs.time_above_ec()

    @classmethod
    def tearDownClass(cls):
        plt.close("all")
        cls.tmp.cleanup()

    def test_every_figure_passed_the_checks_at_report_width(self):
        for name, fig in self.figs.figures.items():
            self.assertLessEqual(fig.get_figwidth() * fig.dpi, 1200, name)  # shown 1:1 in report.html

    def test_layer_labels_are_all_there(self):
        texts = [t.get_text() for ax in self.figs.figures["profiles.png"].axes for t in ax.texts]
        for layer, _, _ in LAYERS:
            self.assertEqual(texts.count(layer.replace("_", " ")), 2, layer)  # one per species row

    def test_panels_that_compare_share_their_axes(self):
        fig = self.figs.figures["compartments.png"]
        rows = {}
        for ax in fig.axes:
            rows.setdefault(round(ax.get_position().y0, 3), []).append(ax)
        for row in rows.values():
            self.assertEqual(len({ax.get_ylim() for ax in row}), 1)
            self.assertEqual(len({ax.get_yscale() for ax in row}), 1)
        profiles = self.figs.figures["profiles.png"].axes
        self.assertEqual(len({ax.get_ylim() for ax in profiles}), 1)

    def test_the_tissue_share_is_visible_when_most_is_wiped_off(self):
        fig = self.figs.figures["compartments.png"]
        tissue_panel = fig.axes[3]  # row 2 (VEGF in the tissue), the topical column
        self.assertEqual(tissue_panel.get_yscale(), "log")
        low, high = tissue_panel.get_ylim()
        total = tissue_panel.lines[0].get_ydata()
        self.assertGreater(max(total), low * 10)  # a decade above the floor at least
        self.assertLess(max(total), high)

    def test_events_on_every_time_axis(self):
        fig = self.figs.figures["compartments.png"]
        for n, ax in enumerate(fig.axes):
            route = list(SCENARIOS)[n % 3]
            marked = sorted({round(l.get_xdata()[0], 6) for l in ax.lines if l.get_label() == "_event line"})
            expected = {"topical": [0.0, 8.0], "intradermal": [0.0],
                        "microneedle": [0.0, round(10 / 60, 6), 0.5]}[route]
            self.assertEqual(marked, expected, route)

    def test_time_above_ec_leaves_out_the_species_never_above_and_says_why(self):
        fig = self.figs.figures["time_above_ec.png"]
        self.assertEqual([ax.get_title().split(":")[0] for ax in fig.axes], ["VEGF"])
        self.assertEqual(fig.axes[0].get_yscale(), "log")  # 0.05 h beside 9.1 h
        (left_out,) = self.figs.notes["time_above_ec.png"]["left_out"]
        self.assertIn("exosome", left_out)
        self.assertIn("0 h for every run", left_out)


class EmptyChartIsNotDrawn(unittest.TestCase):
    def test_no_chart_when_there_is_nothing_to_draw_and_the_report_says_why(self):
        with tempfile.TemporaryDirectory() as root:
            out, _ = make_comparison(root, {"VEGF": [0, 0, 0], "exosome": [0, 0, 0]})
            os.remove(os.path.join(root, "topical", "profiles.csv"))  # a run from before profiles.csv
            for stale in ("time_above_ec.png", "profiles.png"):
                open(os.path.join(out, stale), "w").close()
            # As the README says to run it, by a Python that cannot import matplotlib (-S: no
            # site-packages): the script re-runs itself under the one skinrd compare uses.
            script = os.path.join(os.path.dirname(compare_plots.__file__), "compare_plots.py")
            env = {k: v for k, v in os.environ.items() if k != "SKINRD_PLOT_REEXEC"}
            done = subprocess.run([sys.executable, "-S", script, out, "--strict"], env=env,
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(out, "figure_notes.json")) as f:
                notes = json.load(f)
            for name in ("time_above_ec.png", "profiles.png"):
                self.assertFalse(os.path.exists(os.path.join(out, name)), name)
                self.assertFalse(notes[name]["made"], name)
            self.assertIn("VEGF: no run had half of the papillary dermis", notes["time_above_ec.png"]["why"])
            self.assertIn("no profiles.csv in topical", notes["profiles.png"]["why"])
            import compare_report
            text = "".join(compare_report.figure_parts(out))
            self.assertIn("Not drawn: VEGF: no run had half", text)
            self.assertIn("Not drawn: no profiles.csv in topical", text)
            self.assertEqual(text.count("data:image/png;base64,"), 1)  # compartments.png only


if __name__ == "__main__":
    unittest.main()
