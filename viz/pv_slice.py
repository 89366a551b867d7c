"""Vertical slice (x-z plane) through the injection centre or a needle axis of a skinrd run,
coloured by a species' concentration, with the layer boundaries drawn and named.

    xvfb-run -a pvpython viz/pv_slice.py RUN_DIR [--species NAME] [--out FILE.png]
        [--field free|bound|internalised] [--time peak|last|SECONDS]
        [--max-depth auto|full|UM] [--log-decades N] [--size WxH]

The centre comes from scenario.toml (first [[intradermal]] x, y; else the needle nearest the
middle of the tissue), else the middle of the tissue. The default time is the time of peak
exposure (see pv_common.Run.peak_time).
"""
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pv_common as pc  # noqa: E402  (first: it fixes sys.path for paraview)
from paraview import simple as pvs  # noqa: E402
from vtkmodules.util import numpy_support  # noqa: E402

DEFAULT_PNG = "view_slice.png"
BELOW_SCALE_GREY = [0.88, 0.88, 0.88]
AXES_TO_LABEL = 1 | 4  # vtkGridAxesHelper: MIN_X | MIN_Z, the top and left edges here
SLICE_LEFT = 0.10     # normalised viewport x of the slice's left edge
SLICE_CENTRE = 0.40   # normalised viewport x of a narrow slice's centre
SLICE_TOP = 0.86      # normalised viewport y of the slice's top (room for the title)
SLICE_BOTTOM = 0.10   # room for the x axis labels
SLICE_MAX_WIDTH = 0.52  # leave the right side to the layer names and the colour bar


def parse_args():
    parser = pc.argument_parser(__doc__.splitlines()[0], DEFAULT_PNG)
    parser.add_argument("--time", default="peak", help="peak (default), last, or seconds")
    pc.add_log_decades(parser, 4.0, "colour scale")
    return parser.parse_args()


def cell_centre_um(faces_um, value_um):
    """Centre of the cell holding value_um: a slice through a cell centre, never a face."""
    for lower, upper in zip(faces_um[:-1], faces_um[1:]):
        if lower <= value_um < upper:
            return 0.5 * (lower + upper)
    return 0.5 * (faces_um[-2] + faces_um[-1])


def crop_to_depth(run, grid, z_max_um):
    """ExtractSubset down to the first z face at or below z_max_um (index space)."""
    z_faces = numpy_support.vtk_to_numpy(grid.GetZCoordinates())
    k_max = next((k for k, z in enumerate(z_faces) if z >= z_max_um - 1e-6), len(z_faces) - 1)
    nx, ny, _ = grid.GetDimensions()
    subset = pvs.ExtractSubset(Input=run.reader, VOI=[0, nx - 1, 0, ny - 1, 0, k_max])
    return subset, float(z_faces[k_max])


def place_camera(view, x_range_um, z_range_um, y_um):
    """Parallel projection looking along -y, depth down the screen, slice at the left."""
    width_px, height_px = view.ViewSize
    aspect = width_px / height_px
    slice_w = x_range_um[1] - x_range_um[0]
    slice_h = z_range_um[1] - z_range_um[0]
    visible_h = max(slice_h / (SLICE_TOP - SLICE_BOTTOM), slice_w / (SLICE_MAX_WIDTH * aspect))
    visible_w = visible_h * aspect
    # a narrow slice is centred in the space left of the colour bar, a wide one starts at the left
    left = max(SLICE_LEFT, SLICE_CENTRE - 0.5 * slice_w / visible_w)
    focal_x = x_range_um[0] - left * visible_w + 0.5 * visible_w
    focal_z = z_range_um[0] + (SLICE_TOP - 0.5) * visible_h
    view.CameraParallelProjection = 1
    view.CameraFocalPoint = [focal_x, y_um, focal_z]
    view.CameraPosition = [focal_x, y_um + 1e5, focal_z]
    view.CameraViewUp = [0.0, 0.0, -1.0]
    view.CameraParallelScale = 0.5 * visible_h


def draw_layer_lines(view, layers, x_range_um, z_max_um, y_um):
    """A dark line at each interface above z_max, just in front of the slice."""
    for z in layers.interfaces_um():
        if z >= z_max_um:
            continue
        line = pvs.Line(Point1=[x_range_um[0], y_um + 1.0, z], Point2=[x_range_um[1], y_um + 1.0, z])
        display = pvs.Show(line, view)
        display.AmbientColor = display.DiffuseColor = [1.0, 1.0, 1.0]
        display.LineWidth = 3.0
        display.RenderLinesAsTubes = 0
        # a thin black line over a wider white one: readable on dark and bright colours
        core = pvs.Line(Point1=[x_range_um[0], y_um + 2.0, z], Point2=[x_range_um[1], y_um + 2.0, z])
        inner = pvs.Show(core, view)
        inner.AmbientColor = inner.DiffuseColor = pc.BLACK
        inner.LineWidth = 1.5


def show_axes(display, layers):
    """Tick labels along the skin surface (x) and the left edge (depth); titles drawn apart."""
    grid = display.DataAxesGrid
    grid.GridAxesVisibility = 1
    grid.FacesToRender = 2   # the x-z face only
    grid.AxesToLabel = AXES_TO_LABEL
    grid.XTitle = "x [\u00b5m]"
    grid.ZTitle = ""
    grid.YTitle = ""
    for axis in "XYZ":
        setattr(grid, f"{axis}TitleColor", pc.BLACK)
        setattr(grid, f"{axis}LabelColor", pc.BLACK)
        setattr(grid, f"{axis}TitleFontSize", 18)
        setattr(grid, f"{axis}LabelFontSize", 16)
    grid.GridColor = pc.GREY


def backdrop(view, grid, z_max_um, y_um):
    """Light grey rectangle just behind the slice: where the slice shows nothing, the value is
    below the colour scale."""
    x0, x1 = grid.GetBounds()[0:2]
    z_top = float(grid.GetZCoordinates().GetValue(0))
    plane = pvs.Plane(Origin=[x0, y_um - 1.0, z_top], Point1=[x1, y_um - 1.0, z_top],
                      Point2=[x0, y_um - 1.0, z_max_um])
    display = pvs.Show(plane, view)
    display.AmbientColor = display.DiffuseColor = BELOW_SCALE_GREY
    display.Ambient, display.Diffuse = 1.0, 0.0  # flat colour, whatever the light
    return display


def depth_title(view, layers, top_um, bottom_um, y_um):
    """The depth axis title, rotated, left of the tick labels."""
    x, y_top = pc.world_to_viewport(view, [top_um[0], y_um, top_um[1]])
    _, y_bottom = pc.world_to_viewport(view, [bottom_um[0], y_um, bottom_um[1]])
    label = pc.label_at(view, layers.depth_label(), (x - 0.07, 0.5 * (y_top + y_bottom)), 18,
                        pc.BLACK, "Center")
    label.Orientation = 90.0


def main():
    args = parse_args()
    size_px, run, species, array = pc.open_run(args)
    time_s, why, grid, layers = pc.snapshot(run, args, species)
    x_um, y_um, what = run.centre_um(grid)
    y_faces = numpy_support.vtk_to_numpy(grid.GetYCoordinates())
    y_slice = cell_centre_um(y_faces, y_um)
    z_max = pc.max_depth_um(args.max_depth, run, layers, species, time_s)

    view = pc.render_view(size_px)
    view.ViewTime = time_s
    subset, z_max = crop_to_depth(run, grid, z_max)
    cut = pvs.Slice(Input=subset)
    cut.SliceType = "Plane"
    cut.SliceType.Origin = [x_um, y_slice, 0.0]
    cut.SliceType.Normal = [0.0, 1.0, 0.0]
    cut.Triangulatetheslice = 0
    values = grid.GetCellData().GetArray(array)
    value_max = values.GetRange()[1]
    shown = cut
    if args.log_decades > 0 and value_max > 0:
        # ParaView colours zero with the lowest colour of a log scale, not the below-range
        # colour: show only cells in range, over a grey backdrop meaning "below the scale".
        shown = pvs.Threshold(Input=cut, Scalars=["CELLS", array])
        shown.LowerThreshold = value_max * 10.0 ** (-args.log_decades)
        shown.UpperThreshold = 10.0 * value_max
    display = pvs.Show(shown, view)
    frame = backdrop(view, grid, z_max, y_slice)
    unit = pc.pretty_unit(run.species_units[species])
    pc.colour_map(array, display, view, f"{args.field} {species}\n[{unit}]",
                  args.log_decades, value_max)
    show_axes(frame, layers)  # the backdrop spans the whole slice, thresholded or not

    x0, x1 = grid.GetBounds()[0:2]
    z_top = float(grid.GetZCoordinates().GetValue(0))
    place_camera(view, (x0, x1), (z_top, z_max), y_slice)
    draw_layer_lines(view, layers, (x0, x1), z_max, y_slice)
    pc.name_layers(view, layers, lambda z: [x1, y_slice, z], z_max)
    depth_title(view, layers, (x0, z_top), (x0, z_max), y_slice)
    scale = f"log scale, {pc.format_value(args.log_decades)} decades" if args.log_decades > 0 \
        else "linear scale"
    pc.title_text(view, f"{run.name}: {args.field} {species} at t = {pc.format_time(time_s)} "
                        f"({why})\nslice y = {pc.format_value(y_slice)} \u00b5m through the "
                        f"{what}; {scale}", 22)
    pc.save_png(view, pc.output_path(args, run, DEFAULT_PNG), size_px)


if __name__ == "__main__":
    pc.run_main(main)
