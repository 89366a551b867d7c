"""Shared helpers for the pvpython views of a skinrd run directory (viz/pv_*.py).

A run directory holds fields.pvd (one fields_NNNN.vtr per output time, cell arrays named
"<species> free [<unit>]" first, a `layer` array of material ids named by the field data
"layer_names", z = depth below the skin surface in um, a film at z < 0), metrics.csv,
summary.json, scenario.toml and provenance.json. This module reads those, picks the species,
the time and the centre a view needs, and sets up ParaView views with units and layer lines.

Import it before anything from paraview: Debian's pvpython puts python3-vtk9's vtkmodules
ahead of PYTHONPATH, so the PYTHONPATH entries (an extracted python3-paraview) are moved to
the front of sys.path here first.
"""
import os
import sys

_FRONT = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
sys.path[:] = _FRONT + [p for p in sys.path if p not in _FRONT]

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import tomllib  # noqa: E402

from paraview import simple as pvs  # noqa: E402
from vtkmodules.util import numpy_support  # noqa: E402

pvs._DisableFirstRenderCameraReset()  # the views place their cameras themselves

LAYER_ABBREVIATION = {
    "vehicle": "vehicle",
    "stratum_corneum": "stratum corneum",
    "viable_epidermis": "viable epidermis",
    "papillary_dermis": "papillary dermis",
    "reticular_dermis": "reticular dermis",
    "hypodermis": "hypodermis",
}
BLACK = [0.0, 0.0, 0.0]
GREY = [0.35, 0.35, 0.35]
FIELD_KINDS = ("free", "bound", "internalised")


class ViewError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""


def run_main(main):
    """Run a view's main(); input problems become one clear line instead of a traceback."""
    try:
        main()
    except ViewError as error:
        print(f"{os.path.basename(sys.argv[0])}: error: {error}", file=sys.stderr)
        sys.exit(2)


def argument_parser(description, default_png):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("run_dir", help="run directory written by `skinrd run ... --out DIR`")
    parser.add_argument("--species", help="species to show (default: the first in the run)")
    parser.add_argument("--field", choices=FIELD_KINDS, default="free",
                        help="which concentration field (default: free)")
    parser.add_argument("--out", help=f"PNG to write (default: RUN_DIR/{default_png})")
    parser.add_argument("--size", default="1400x1000", help="image size WxH in pixels")
    parser.add_argument("--max-depth", default="auto",
                        help="deepest depth shown below the skin surface: auto, full or um")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="show a run that is still running, failed or was interrupted")
    return parser


def add_log_decades(parser, default, scale):
    parser.add_argument("--log-decades", type=float, default=default,
                        help=f"log {scale} over this many decades below the maximum "
                             f"(0: linear; default {default:g})")


def open_run(args):
    """What every view starts from: image size, the run, the species and its array."""
    size_px = image_size_px(args.size)
    run = Run(args.run_dir, allow_incomplete=args.allow_incomplete)
    species = run.species(args.species)
    return size_px, run, species, run.array_name(species, args.field)


def snapshot(run, args, species):
    """The output time asked for (--time), why it was chosen, its grid and its layers."""
    time_s, why = run.resolve_time(args.time, species)
    grid = run.grid(time_s)
    return time_s, why, grid, Layers(run, grid)


def image_size_px(text):
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match:
        raise ViewError(f"--size must look like 1400x1000, not {text!r}")
    return [int(match.group(1)), int(match.group(2))]


def pretty_unit(unit):
    return unit.replace("um", "\u00b5m").replace("^2", "\u00b2").replace("^3", "\u00b3")


def format_value(value):
    """Short, readable number for titles: 3 significant digits."""
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{float(mantissa):.3g}e{int(exponent)}"


def format_time(time_s):
    if time_s < 120:
        return f"{time_s:.3g} s"
    if time_s < 2 * 3600:
        return f"{time_s / 60:.3g} min"
    return f"{time_s / 3600:.3g} h"


def parse_length_um(text):
    """A scenario length like '250 um' or '0.3 mm' in um (the units skinrd accepts)."""
    match = re.fullmatch(r"\s*([-+0-9.eE]+)\s*(nm|um|mm|cm|m)\s*", str(text))
    if not match:
        raise ViewError(f"cannot read the length {text!r} in scenario.toml")
    scale_um = {"nm": 1e-3, "um": 1.0, "mm": 1e3, "cm": 1e4, "m": 1e6}[match.group(2)]
    return float(match.group(1)) * scale_um


class Run:
    """One run directory: its files, species, units, layers and metrics."""

    def __init__(self, run_dir, allow_incomplete=False):
        self.dir = os.path.abspath(run_dir)
        if not os.path.isdir(self.dir):
            raise ViewError(f"run directory {run_dir!r} does not exist")
        # run.json (written by skinrd run): only a completed run's files belong together.
        record = self._read_json("run.json")
        status = (record or {}).get("status", "completed")  # runs from before run.json
        if status != "completed" and not allow_incomplete:
            raise ViewError(f"{run_dir!r} holds a run that is {status}, not completed (its files may be "
                            "partial); skinrd run --resume continues an interrupted one, or pass "
                            "--allow-incomplete")
        self.pvd = os.path.join(self.dir, "fields.pvd")
        if not os.path.isfile(self.pvd):
            raise ViewError(f"{run_dir!r} has no fields.pvd: not a skinrd run directory, "
                            "or the run was built without VTK output")
        self.summary = self._read_json("summary.json")
        self.scenario = self._read_toml("scenario.toml")
        self.metrics = self._read_csv("metrics.csv")
        self.name = (self.summary or {}).get("scenario") or os.path.basename(self.dir)
        self.reader = pvs.PVDReader(registrationName="fields", FileName=self.pvd)
        self.reader.UpdatePipelineInformation()
        self.times_s = list(self.reader.TimestepValues or [0.0])
        self.arrays = list(self.reader.CellData.keys())
        self.species_units = self._species_units()
        if not self.species_units:
            raise ViewError(f"{self.pvd} holds no '<species> free [<unit>]' arrays")

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _read_json(self, name):
        if not os.path.isfile(self._path(name)):
            return None
        with open(self._path(name)) as f:
            return json.load(f)

    def _read_toml(self, name):
        if not os.path.isfile(self._path(name)):
            return None
        with open(self._path(name), "rb") as f:
            return tomllib.load(f)

    def _read_csv(self, name):
        if not os.path.isfile(self._path(name)):
            return []
        with open(self._path(name), newline="") as f:
            return list(csv.DictReader(f))

    def _species_units(self):
        found = {}
        for name in self.arrays:
            match = re.fullmatch(r"(.+) free \[(.+)\]", name)
            if match:
                found[match.group(1)] = match.group(2)
        return found

    def species(self, requested):
        """The requested species, or the first one; a clear error names the choices."""
        names = list(self.species_units)
        if requested is None:
            return names[0]
        if requested not in self.species_units:
            raise ViewError(f"species {requested!r} is not in this run; it has: {', '.join(names)}")
        return requested

    def array_name(self, species, field="free"):
        name = f"{species} {field} [{self.species_units[species]}]"
        if name not in self.arrays:
            raise ViewError(f"the run has no array {name!r} (it has: {', '.join(self.arrays)})")
        return name

    def species_summary(self, species):
        for entry in (self.summary or {}).get("species", []):
            if entry.get("species") == species:
                return entry
        return None

    def effective_concentration(self, species):
        """EC in the species' concentration unit, from summary.json, or None."""
        entry = self.species_summary(species) or {}
        for key, value in entry.items():
            if key.startswith("effective_concentration_"):
                return float(value)
        return None

    def target_layer(self, species):
        entry = self.species_summary(species) or {}
        return entry.get("target_layer") or (self.scenario or {}).get("run", {}).get(
            "target_layer", "papillary_dermis")

    def tissue_layer_names(self):
        """Tissue layers top to bottom, from the metrics.csv columns."""
        if not self.metrics:
            return []
        return [c[: -len("_mean_conc")] for c in self.metrics[0] if c.endswith("_mean_conc")]

    def peak_time(self, species):
        """(time_s, why): the output time of peak exposure of the target layer (largest volume
        fraction at or above EC, metrics.csv); if EC is never reached there, the time of the
        target layer's peak mean concentration (summary.json); else the last output time."""
        target = self.target_layer(species)
        column = f"{target}_frac_ge_ec"
        rows = [r for r in self.metrics if r.get("species") == species and column in r]
        if rows:
            best = max(rows, key=lambda r: float(r[column]))
            if float(best[column]) > 0:
                return self.nearest_time(float(best["time_s"])), \
                    f"peak exposure of the {layer_label(target)}"
        layer = ((self.species_summary(species) or {}).get("layers") or {}).get(target)
        if layer and "peak_time_s" in layer:
            time_s = self.nearest_time(float(layer["peak_time_s"]))
            if time_s > self.times_s[0] or len(self.times_s) == 1:
                return time_s, f"peak mean concentration in the {layer_label(target)}"
            # a peak at the first output is the dose as given (a bolus): show where it went
            rows = [r for r in self.metrics if r.get("species") == species
                    and float(r.get("penetration_depth_um") or 0) > 0]
            if rows:
                deepest = max(rows, key=lambda r: float(r["penetration_depth_um"]))
                return self.nearest_time(float(deepest["time_s"])), \
                    f"deepest penetration; the {layer_label(target)} peaks at the dose"
        return self.times_s[-1], "last output time"

    def penetration_depth_um(self, species=None, time_s=None):
        """Penetration depth (lateral mean >= EC/100) at one output time, or the run's deepest."""
        if species is not None and time_s is not None:
            for row in self.metrics:
                if row.get("species") == species and abs(float(row["time_s"]) - time_s) < 1e-6:
                    return float(row.get("penetration_depth_um") or 0)
        return max([float(s.get("max_penetration_depth_um", 0))
                    for s in (self.summary or {}).get("species", [])] + [0.0])

    def nearest_time(self, time_s):
        return min(self.times_s, key=lambda t: abs(t - time_s))

    def resolve_time(self, text, species):
        """--time: 'peak', 'last' or seconds (the nearest output time)."""
        if text in (None, "peak"):
            return self.peak_time(species)
        if text == "last":
            return self.times_s[-1], "last output time"
        try:
            requested = float(text)
        except ValueError:
            raise ViewError(f"--time must be 'peak', 'last' or seconds, not {text!r}") from None
        first, last = self.times_s[0], self.times_s[-1]
        if not first - 1e-6 <= requested <= last + 1e-6:
            raise ViewError(f"--time {format_value(requested)} s is outside the run's outputs "
                            f"({format_value(first)} to {format_value(last)} s)")
        nearest = self.nearest_time(requested)
        if abs(nearest - requested) > 1e-6:
            print(f"note: t = {format_value(requested)} s is not an output time; showing the nearest, "
                  f"t = {format_time(nearest)} ({format_value(nearest)} s)")
            return nearest, f"nearest output to {format_time(requested)}"
        return nearest, "requested"

    def grid(self, time_s):
        """The vtkRectilinearGrid at one output time (small grids: fetched whole)."""
        self.reader.UpdatePipeline(time_s)
        # builtin session: the reader's own output (Fetch's reduction lost the arrays)
        data = self.reader.GetClientSideObject().GetOutputDataObject(0)
        copy = data.NewInstance()
        copy.DeepCopy(data)  # the next UpdatePipeline overwrites the reader's output
        data = copy
        if data.IsA("vtkMultiBlockDataSet"):
            data = data.GetBlock(0)
        return data

    def centre_um(self, grid):
        """(x, y, what): the first injection's centre, else the microneedle nearest the middle
        of the tissue, else the middle of the tissue."""
        x0, x1, y0, y1, _, _ = grid.GetBounds()
        middle = (0.5 * (x0 + x1), 0.5 * (y0 + y1))
        scenario = self.scenario or {}
        for bolus in scenario.get("intradermal", []):
            x = parse_length_um(bolus["x"]) if "x" in bolus else middle[0]
            y = parse_length_um(bolus["y"]) if "y" in bolus else middle[1]
            return x, y, "injection centre"
        for patch in scenario.get("microneedle", []):
            axes = needle_axes_um(patch, x1 - x0)
            if axes:
                x, y = min(axes, key=lambda a: math.dist(a, middle))
                return x, y, "needle axis"
        return middle[0], middle[1], "tissue centre"


def needle_axes_um(patch, width_um):
    """Needle axes as skinrd places them (host/run/problem_builder.cpp, needle_voxels)."""
    pitch = parse_length_um(patch["pitch"])
    hexagonal = patch.get("array", "square") == "hexagonal"
    row = pitch * math.sqrt(3) / 2 if hexagonal else pitch
    axes = []
    r = 0
    while (r + 0.5) * row < width_um - 1e-9:
        shift = pitch / 2 if hexagonal and r % 2 else 0.0
        c = 0
        while (c + 0.5) * pitch + shift < width_um - 1e-9:
            axes.append(((c + 0.5) * pitch + shift, (r + 0.5) * row))
            c += 1
        r += 1
    return axes


def layer_label(name):
    return LAYER_ABBREVIATION.get(name, name.replace("_", " "))


class Layers:
    """Layer slabs along z from the `layer` array (material ids), named by the files' field data
    "layer_names" (by id; runs from before it: "layer N")."""

    def __init__(self, run, grid):
        z_faces = numpy_support.vtk_to_numpy(grid.GetZCoordinates())
        ids = numpy_support.vtk_to_numpy(grid.GetCellData().GetArray("layer"))
        nx, ny = grid.GetDimensions()[0] - 1, grid.GetDimensions()[1] - 1
        column = [int(v) for v in ids[:: nx * ny]]  # one value per z cell: layers are horizontal slabs
        names = grid.GetFieldData().GetAbstractArray("layer_names")
        def name_of(layer_id):
            if names is not None and layer_id < names.GetNumberOfValues():
                return names.GetValue(layer_id)
            return f"layer {layer_id}"
        self.slabs = []  # (name, z_top_um, z_bottom_um), top to bottom
        k = 0
        while k < len(column):
            end = k
            while end + 1 < len(column) and column[end + 1] == column[k]:
                end += 1
            self.slabs.append((name_of(column[k]), float(z_faces[k]), float(z_faces[end + 1])))
            k = end + 1
        tissue = [s for s in self.slabs if s[0] != "vehicle"]
        self.surface_um = tissue[0][1] if tissue else float(z_faces[0])
        self.bottom_um = float(z_faces[-1])

    def interfaces_um(self):
        """Depths (grid z) of the boundaries between layers, top to bottom."""
        return [slab[1] for slab in self.slabs[1:]]

    def depth_label(self):
        if self.surface_um == 0:
            return "depth z [\u00b5m]"
        return f"z [\u00b5m] (skin surface at z = {format_value(self.surface_um)})"


def name_layers(view, layers, point_of, z_max_um, font_px=18):
    """Each layer's name beside the world point point_of(middle of the slab), pushed down
    where slabs are thinner than a line of text so that no two names overlap."""
    height_px = view.ViewSize[1]
    min_gap = 1.25 * font_px / height_px
    previous_y = 1.0
    for name, top, bottom in layers.slabs:
        if top >= z_max_um:
            break
        x, y = world_to_viewport(view, point_of(0.5 * (top + min(bottom, z_max_um))))
        y = min(y - 0.5 * font_px / height_px, previous_y - min_gap)
        label_at(view, layer_label(name), (x + 0.01, y), font_px, GREY)
        previous_y = y


def feature_depth_um(run):
    """Depth of the deepest injection or needle tip in scenario.toml (0 if none)."""
    scenario = run.scenario or {}
    depths = [parse_length_um(b["depth"]) for b in scenario.get("intradermal", []) if "depth" in b]
    depths += [parse_length_um(p["length"]) for p in scenario.get("microneedle", []) if "length" in p]
    return max(depths + [0.0])


def auto_max_depth_um(run, layers, species, time_s):
    """Depth (grid z) down to which a view is worth showing: twice the deepest injection or
    needle tip, else 1.5 x the penetration depth at time_s; at least through the papillary
    dermis, at most the whole grid, rounded up to 100 um."""
    feature = feature_depth_um(run)
    wanted = 2.0 * feature if feature > 0 else 1.5 * run.penetration_depth_um(species, time_s)
    for name, _, bottom in layers.slabs:
        if name == "papillary_dermis":
            wanted = max(wanted, bottom - layers.surface_um)
    if wanted <= 0:
        return layers.bottom_um
    step = 100.0
    return min(layers.bottom_um, layers.surface_um + step * math.ceil(wanted / step))


def max_depth_um(text, run, layers, species, time_s):
    """--max-depth: auto, full, or um below the skin surface; returns grid z."""
    if text == "full":
        return layers.bottom_um
    if text == "auto":
        return auto_max_depth_um(run, layers, species, time_s)
    try:
        return min(layers.bottom_um, layers.surface_um + float(text))
    except ValueError:
        raise ViewError(f"--max-depth must be auto, full or um, not {text!r}") from None


def render_view(size_px):
    """A white render view of the given size, no orientation widget, parallel projection."""
    view = pvs.CreateView("RenderView")
    view.ViewSize = size_px
    view.OrientationAxesVisibility = 0
    if hasattr(view, "UseColorPaletteForBackground"):
        view.UseColorPaletteForBackground = 0
    view.Background = [1.0, 1.0, 1.0]
    pvs.SetActiveView(view)
    return view


def title_text(view, text, font_px=24):
    source = pvs.Text(Text=text)
    display = pvs.Show(source, view)
    display.WindowLocation = "Upper Center"
    display.FontSize = font_px
    display.Color = BLACK
    display.Bold = 1
    return display


def label_at(view, text, position, font_px=18, color=BLACK, justification="Left"):
    """Text whose lower-left corner is at normalised viewport coordinates (0..1)."""
    source = pvs.Text(Text=text)
    display = pvs.Show(source, view)
    display.WindowLocation = "Any Location"
    display.Position = list(position)
    display.FontSize = font_px
    display.Color = color
    display.Justification = justification
    return display


def world_to_viewport(view, point):
    """Normalised viewport coordinates of a world point, with the camera as it is now."""
    renderer = view.GetRenderer()
    pvs.Render(view)
    renderer.SetWorldPoint(point[0], point[1], point[2], 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    width, height = view.ViewSize
    return x / width, y / height


def colour_map(array, display, view, title, log_decades, value_max):
    """Viridis; log scale over `log_decades` decades below value_max (0: linear from 0)."""
    pvs.ColorBy(display, ("CELLS", array))
    lut = pvs.GetColorTransferFunction(array)
    lut.ApplyPreset("Viridis (matplotlib)", True)
    top = value_max if value_max > 0 else 1.0
    if log_decades > 0:
        lut.UseLogScale = 1
        lut.RescaleTransferFunction(top * 10.0 ** (-log_decades), top)
        lut.UseBelowRangeColor = 1
        lut.BelowRangeColor = [0.88, 0.88, 0.88]  # below the range: light grey, not purple
    else:
        lut.UseLogScale = 0
        lut.RescaleTransferFunction(0.0, top)
    lut.AutomaticRescaleRangeMode = "Never"
    display.SetScalarBarVisibility(view, True)
    bar = pvs.GetScalarBar(lut, view)
    bar.Title = title
    bar.ComponentTitle = ""
    bar.TitleColor = BLACK
    bar.LabelColor = BLACK
    bar.TitleFontSize = 20
    bar.LabelFontSize = 18
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Vertical"
    bar.Position = [0.86, 0.12]
    bar.ScalarBarLength = 0.7
    bar.AutomaticLabelFormat = 0
    bar.LabelFormat = "%-#.2g"
    bar.RangeLabelFormat = "%-#.2g"
    bar.AddRangeLabels = 1
    return lut


def save_png(view, out_path, size_px):
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    pvs.SaveScreenshot(out_path, view, ImageResolution=size_px, TransparentBackground=0)
    print(f"wrote {out_path}")


def output_path(args, run, default_png):
    return args.out or os.path.join(run.dir, default_png)
