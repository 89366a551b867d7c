"""Lateral-mean depth profiles of a species over time (one curve per output time) from a skinrd
run, with the layer boundaries marked.

    xvfb-run -a pvpython viz/pv_profile.py RUN_DIR [--species NAME] [--out FILE.png]
        [--field free|bound|internalised] [--curves N] [--max-depth auto|full|UM]
        [--log-decades N] [--size WxH]

The lateral mean is the plain mean over x and y of each z cell (dx = dy is uniform), the
profile DESIGN section 5 bases the penetration depth on.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pv_common as pc  # noqa: E402  (first: it fixes sys.path for paraview)
from paraview import simple as pvs  # noqa: E402
from vtkmodules.util import numpy_support  # noqa: E402
from vtkmodules.vtkCommonCore import vtkDoubleArray  # noqa: E402
from vtkmodules.vtkCommonDataModel import vtkTable  # noqa: E402

DEFAULT_PNG = "view_profile.png"
# viridis from 0 to 0.85 (the last yellow is unreadable on white): early purple, late green
RAMP = [(0.267, 0.005, 0.329), (0.231, 0.322, 0.545), (0.128, 0.567, 0.551),
        (0.267, 0.749, 0.441), (0.678, 0.863, 0.188)]


def parse_args():
    parser = pc.argument_parser(__doc__.splitlines()[0], DEFAULT_PNG)
    parser.add_argument("--curves", type=int, default=9,
                        help="at most this many output times, evenly spread (default 9)")
    pc.add_log_decades(parser, 5.0, "concentration axis")
    return parser.parse_args()


def pick_times(times_s, count):
    """count output times evenly spread over the run, always the first and the last."""
    if count <= 1 or len(times_s) <= count:
        return list(times_s)
    step = (len(times_s) - 1) / (count - 1)
    return [times_s[round(i * step)] for i in range(count)]


def ramp_colour(fraction):
    position = fraction * (len(RAMP) - 1)
    i = min(int(position), len(RAMP) - 2)
    t = position - i
    return [a + t * (b - a) for a, b in zip(RAMP[i], RAMP[i + 1])]


def lateral_mean(grid, array):
    """Mean over x and y of each z cell: a (nz,) numpy array."""
    nx, ny, nz = (n - 1 for n in grid.GetDimensions())
    values = numpy_support.vtk_to_numpy(grid.GetCellData().GetArray(array))
    return values.reshape(nz, ny * nx).mean(axis=1)


def table_source(columns):
    """A ParaView source holding a vtkTable of the given {name: list of floats}."""
    table = vtkTable()
    for name, values in columns.items():
        column = vtkDoubleArray()
        column.SetName(name)
        for v in values:
            column.InsertNextValue(float(v))
        table.AddColumn(column)
    source = pvs.PVTrivialProducer()
    source.GetClientSideObject().SetOutput(table)
    return source


def show_series(view, source, x_name, series, line_style=1, thickness=3):
    """series: [(column, label, colour)] drawn as lines against x_name."""
    display = pvs.Show(source, view, "XYChartRepresentation")
    display.AttributeType = "Row Data"
    display.UseIndexForXAxis = 0
    display.XArrayName = x_name
    display.SeriesVisibility = [name for name, _, _ in series]
    display.SeriesLabel = [x for name, label, _ in series for x in (name, label)]
    display.SeriesColor = [x for name, _, c in series for x in [name] + [str(v) for v in c]]
    display.SeriesLineStyle = [x for name, _, _ in series for x in (name, str(line_style))]
    display.SeriesLineThickness = [x for name, _, _ in series for x in (name, str(thickness))]
    return display


def chart_view(size_px, title, x_title, y_title):
    view = pvs.CreateView("XYChartView")
    view.ViewSize = size_px
    view.ChartTitle = title
    view.ChartTitleFontSize = 22
    view.ChartTitleBold = 1
    view.BottomAxisTitle = x_title
    view.LeftAxisTitle = y_title
    for axis in ("Bottom", "Left"):
        setattr(view, f"{axis}AxisTitleFontSize", 20)
        setattr(view, f"{axis}AxisLabelFontSize", 17)
    view.LegendFontSize = 16
    view.LegendLocation = "TopRight"
    view.ShowLegend = 1
    return view


def main():
    args = parse_args()
    size_px, run, species, array = pc.open_run(args)
    times_s = pick_times(run.times_s, args.curves)

    first = run.grid(times_s[0])
    layers = pc.Layers(run, first)
    z_faces = numpy_support.vtk_to_numpy(first.GetZCoordinates())
    z_max = pc.max_depth_um(args.max_depth, run, layers, species, None)
    keep = [k for k in range(len(z_faces) - 1) if z_faces[k] < z_max - 1e-6]
    depth_um = [0.5 * (z_faces[k] + z_faces[k + 1]) - layers.surface_um for k in keep]

    columns = {"depth": depth_um}
    series = []
    for i, time_s in enumerate(times_s):
        profile = lateral_mean(first if i == 0 else run.grid(time_s), array)
        name = f"t{i}"
        columns[name] = [float(profile[k]) for k in keep]
        series.append((name, f"t = {pc.format_time(time_s)}",
                       ramp_colour(i / max(1, len(times_s) - 1))))
    peak = max(max(values) for key, values in columns.items() if key != "depth") or 1.0
    low = peak * 10.0 ** (-args.log_decades) if args.log_decades > 0 else 0.0

    unit = pc.pretty_unit(run.species_units[species])
    view = chart_view(size_px, f"{run.name}: lateral-mean {args.field} {species} vs depth",
                      "depth below the skin surface [\u00b5m]",
                      f"lateral-mean {args.field} {species} [{unit}]")
    show_series(view, table_source(columns), "depth", series)
    for name, top, _ in layers.slabs[1:]:
        if top >= z_max:
            break
        depth = top - layers.surface_um
        line = table_source({"depth": [depth, depth], "y": [max(low, peak * 1e-12), 2 * peak]})
        show_series(view, line, "depth",
                    [("y", f"top of {pc.layer_label(name)} ({pc.format_value(depth)} \u00b5m)",
                      pc.GREY)], line_style=2, thickness=1)
    if args.log_decades > 0:
        view.LeftAxisLogScale = 1
    view.LeftAxisUseCustomRange = 1
    view.LeftAxisRangeMinimum = low if args.log_decades > 0 else 0.0
    view.LeftAxisRangeMaximum = 1.5 * peak if args.log_decades > 0 else 1.05 * peak
    view.BottomAxisUseCustomRange = 1
    view.BottomAxisRangeMinimum = min(0.0, depth_um[0])
    view.BottomAxisRangeMaximum = z_max - layers.surface_um
    pc.save_png(view, pc.output_path(args, run, DEFAULT_PNG), size_px)


if __name__ == "__main__":
    pc.run_main(main)
