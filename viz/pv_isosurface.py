"""Iso-surface of a species at its effective concentration (EC, summary.json) at the time of
peak exposure of the target layer (for a bolus whose peak is the dose itself: the time of
deepest penetration), in the tissue box with the layer boundaries drawn.

    xvfb-run -a pvpython viz/pv_isosurface.py RUN_DIR [--species NAME] [--out FILE.png]
        [--field free|bound|internalised] [--time peak|last|SECONDS] [--level VALUE]
        [--max-depth auto|full|UM] [--size WxH]

Where the field never reaches EC at that time, the surface is drawn at EC/100 (the
penetration-depth threshold of DESIGN section 5), or at half the maximum if even that is not
reached, and the title says so.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pv_common as pc  # noqa: E402  (first: it fixes sys.path for paraview)
from paraview import simple as pvs  # noqa: E402
from vtkmodules.util import numpy_support  # noqa: E402

DEFAULT_PNG = "view_isosurface.png"
SURFACE_COLOUR = [0.85, 0.33, 0.10]
INTERFACE_COLOUR = [0.45, 0.45, 0.45]


def parse_args():
    parser = pc.argument_parser(__doc__.splitlines()[0], DEFAULT_PNG)
    parser.add_argument("--time", default="peak", help="peak (default), last, or seconds")
    parser.add_argument("--level", type=float, help="iso value in the species' unit (default: EC)")
    return parser.parse_args()


def iso_level(args, run, species, value_max):
    """(level, what): --level, else EC, else EC/100, else half the maximum."""
    if args.level is not None:
        return args.level, "requested"
    ec = run.effective_concentration(species)
    if ec is None:
        return 0.5 * value_max, "half the maximum; no EC in summary.json"
    if value_max >= ec:
        return ec, "EC"
    if value_max >= ec / 100:
        return ec / 100, f"EC/100; EC = {pc.format_value(ec)} not reached"
    return 0.5 * value_max, f"half the maximum; EC = {pc.format_value(ec)} not reached"


def crop(run, grid, z_max_um):
    z_faces = numpy_support.vtk_to_numpy(grid.GetZCoordinates())
    k_max = next((k for k, z in enumerate(z_faces) if z >= z_max_um - 1e-6), len(z_faces) - 1)
    nx, ny, _ = grid.GetDimensions()
    return pvs.ExtractSubset(Input=run.reader, VOI=[0, nx - 1, 0, ny - 1, 0, k_max]), \
        float(z_faces[k_max])


def draw_interfaces(view, layers, bounds, z_max_um):
    """A rectangle at each layer boundary above z_max, and its layer's name at one corner."""
    x0, x1, y0, y1 = bounds[0:4]
    for name, top, _ in layers.slabs[1:]:
        if top >= z_max_um:
            break
        plane = pvs.Plane(Origin=[x0, y0, top], Point1=[x1, y0, top], Point2=[x0, y1, top])
        display = pvs.Show(plane, view)
        display.SetRepresentationType("Wireframe")
        display.AmbientColor = display.DiffuseColor = INTERFACE_COLOUR
        display.LineWidth = 2.0
    pc.name_layers(view, layers, lambda z: [x1, y0, z], z_max_um, 17)


def place_camera(view, bounds):
    """Oblique view from above the skin (z up the screen is -z), the whole box in view."""
    centre = [0.5 * (bounds[0] + bounds[1]), 0.5 * (bounds[2] + bounds[3]),
              0.5 * (bounds[4] + bounds[5])]
    view.CameraFocalPoint = centre
    view.CameraPosition = [centre[0] - 1.0, centre[1] - 2.0, centre[2] - 1.2]
    view.CameraViewUp = [0.0, 0.0, -1.0]
    view.CameraParallelProjection = 0
    view.ResetCamera(bounds)
    camera = pvs.GetActiveCamera()
    camera.Dolly(0.8)  # room for the title, the tick labels and the layer names
    pvs.Render(view)


def show_axes(display, layers):
    grid = display.DataAxesGrid
    grid.GridAxesVisibility = 1
    grid.XTitle = "x [\u00b5m]"
    grid.YTitle = "y [\u00b5m]"
    grid.ZTitle = layers.depth_label()
    for axis in "XYZ":
        setattr(grid, f"{axis}TitleColor", pc.BLACK)
        setattr(grid, f"{axis}LabelColor", pc.BLACK)
        setattr(grid, f"{axis}TitleFontSize", 17)
        setattr(grid, f"{axis}LabelFontSize", 15)
    grid.AxesToLabel = 1 | 2 | 4  # vtkGridAxesHelper MIN_X | MIN_Y | MIN_Z: each axis once
    grid.GridColor = [0.8, 0.8, 0.8]
    grid.ShowGrid = 0


def main():
    args = parse_args()
    size_px, run, species, array = pc.open_run(args)
    time_s, why, grid, layers = pc.snapshot(run, args, species)
    value_max = grid.GetCellData().GetArray(array).GetRange()[1]
    if value_max <= 0:
        raise pc.ViewError(f"{array} is zero everywhere at t = {pc.format_time(time_s)}: "
                           "no iso-surface to draw (try --time)")
    level, what = iso_level(args, run, species, value_max)
    z_max = pc.max_depth_um(args.max_depth, run, layers, species, time_s)

    view = pc.render_view(size_px)
    view.ViewTime = time_s
    view.CameraParallelProjection = 0
    box, z_max = crop(run, grid, z_max)
    points = pvs.CellDatatoPointData(Input=box)
    surface = pvs.Contour(Input=points, ContourBy=["POINTS", array], Isosurfaces=[level])
    surface_display = pvs.Show(surface, view)
    pvs.ColorBy(surface_display, None)
    surface_display.AmbientColor = surface_display.DiffuseColor = SURFACE_COLOUR
    surface_display.Specular = 0.3
    outline_display = pvs.Show(pvs.Outline(Input=box), view)
    outline_display.AmbientColor = outline_display.DiffuseColor = pc.BLACK
    outline_display.LineWidth = 2.0
    show_axes(outline_display, layers)

    x0, x1, y0, y1, _, _ = grid.GetBounds()
    bounds = [x0, x1, y0, y1, float(grid.GetZCoordinates().GetValue(0)), z_max]
    place_camera(view, bounds)
    draw_interfaces(view, layers, bounds, z_max)
    unit = pc.pretty_unit(run.species_units[species])
    pc.title_text(view, f"{run.name}: iso-surface {args.field} {species} = "
                        f"{pc.format_value(level)} {unit} ({what})\nat t = "
                        f"{pc.format_time(time_s)} ({why})", 22)
    surface.UpdatePipeline(time_s)
    if surface.GetDataInformation().GetNumberOfPoints() == 0:
        pc.label_at(view, "(the field does not cross this level in the box shown)",
                    (0.5, 0.05), 18, pc.BLACK, "Center")
    pc.save_png(view, pc.output_path(args, run, DEFAULT_PNG), size_px)


if __name__ == "__main__":
    pc.run_main(main)
