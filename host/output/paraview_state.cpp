#include "host/output/paraview_state.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "host/error.hpp"
#include "host/output/atomic_file.hpp"

namespace skinrd::output {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

Json read_json(const fs::path& path) {
  std::ifstream file(path);
  if (!file) throw IoError(path.string(), "cannot read it: is this a run directory of skinrd run?");
  try {
    return Json::parse(file);
  } catch (const Json::exception& error) {
    throw IoError(path.string(), std::string("not valid JSON: ") + error.what());
  }
}

// The script; @NAME@ are filled with JSON literals (valid Python for strings, numbers, lists).
constexpr const char* kTemplate = R"py(# ParaView state of a skinrd run, written by `skinrd paraview`. Open it with
#   paraview --state=skinrd_state.py     (or File > Load State in ParaView)
#   pvpython skinrd_state.py --screenshot view.png
# z is depth below the skin surface in um, down into the tissue (a film on the skin at z < 0):
# the camera looks along -y with the view up -z, so depth runs down the screen.
import os
import sys

# PYTHONPATH first (an extracted ParaView beside Debian's python3-vtk9 needs it ahead of it)
_FRONT = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
sys.path[:] = _FRONT + [p for p in sys.path if p not in _FRONT]
from paraview.simple import *  # noqa: E402,F401,F403

RUN_DIR = @RUN_DIR@
if "__file__" in globals() and os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fields.pvd")):
    RUN_DIR = os.path.dirname(os.path.abspath(__file__))  # the folder moved with its state
ARRAY = @ARRAY@
TITLE = @TITLE@
TIME_S = @TIME_S@
LATERAL_UM = @LATERAL_UM@
LAYERS = @LAYERS@  # [name, z_top_um, z_bottom_um], top to bottom

z_top, z_bottom = LAYERS[0][1], LAYERS[-1][2]
y_mid = 0.5 * LATERAL_UM
fields = PVDReader(registrationName="fields.pvd", FileName=os.path.join(RUN_DIR, "fields.pvd"))
fields.UpdatePipelineInformation()
scene = GetAnimationScene()
scene.UpdateAnimationUsingDataTimeSteps()
scene.AnimationTime = TIME_S
view = GetActiveViewOrCreate("RenderView")
view.ViewTime = TIME_S
view.OrientationAxesVisibility = 1
box = Show(fields, view)
box.SetRepresentationType("Outline")
ColorBy(box, None)

cut = Slice(registrationName="slice y = %g um" % y_mid, Input=fields)
cut.SliceType = "Plane"
cut.SliceType.Origin = [0.5 * LATERAL_UM, y_mid, 0.0]
cut.SliceType.Normal = [0.0, 1.0, 0.0]
shown = Show(cut, view)
ColorBy(shown, ("CELLS", ARRAY))
lut = GetColorTransferFunction(ARRAY)
lut.ApplyPreset("Viridis (matplotlib)", True)
shown.RescaleTransferFunctionToDataRange(False, True)
shown.SetScalarBarVisibility(view, True)
bar = GetScalarBar(lut, view)
bar.Title = ARRAY  # "<species> free [unit]"
bar.ComponentTitle = ""
bar.TitleFontSize = bar.LabelFontSize = 16
axes = shown.DataAxesGrid
axes.GridAxesVisibility = 1
axes.XTitle = "x [um]"
axes.ZTitle = "depth below the skin surface z [um]"

# Layer boundaries: a line at the top of each layer below the first, in front of the slice,
# and each layer's name right of the slice (pushed apart where layers are thin).
text_um = 0.03 * (z_bottom - z_top)
previous = z_top - text_um
for name, top, bottom in LAYERS:
    if top > LAYERS[0][1]:
        line = Line(registrationName="top of %s (z = %g um)" % (name, top),
                    Point1=[0.0, y_mid + 1.0, top], Point2=[LATERAL_UM, y_mid + 1.0, top])
        drawn = Show(line, view)
        drawn.AmbientColor = drawn.DiffuseColor = [1.0, 1.0, 1.0]
        drawn.LineWidth = 2.0
    middle = max(0.5 * (top + bottom), previous + 1.2 * text_um)
    previous = middle
    label = Transform(registrationName="label %s" % name, Input=a3DText(Text=name.replace("_", " ")))
    label.Transform = "Transform"
    label.Transform.Translate = [1.03 * LATERAL_UM, y_mid, middle + 0.5 * text_um]
    label.Transform.Rotate = [-90.0, 0.0, 0.0]  # text up = -z, facing +y: read as the slice is
    label.Transform.Scale = [text_um, text_um, text_um]
    written = Show(label, view)
    written.AmbientColor = written.DiffuseColor = [0.2, 0.2, 0.2]

title = Show(Text(registrationName="title", Text=TITLE), view)
title.WindowLocation = "Upper Center"
title.FontSize = 20

view.CameraParallelProjection = 1
focal = [0.75 * LATERAL_UM, y_mid, 0.5 * (z_top + z_bottom)]
view.CameraFocalPoint = focal
view.CameraPosition = [focal[0], y_mid + 10.0 * (z_bottom - z_top + LATERAL_UM), focal[2]]
view.CameraViewUp = [0.0, 0.0, -1.0]
view.ResetCamera(False)
Render(view)
SetActiveSource(cut)

if "--screenshot" in sys.argv:
    SaveScreenshot(sys.argv[sys.argv.index("--screenshot") + 1], view, ImageResolution=[1400, 1000],
                   FontScaling="Do not scale fonts")
)py";

void fill(std::string& text, const std::string& key, const Json& value) {
  const std::string token = "@" + key + "@";
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
    text.replace(at, token.size(), value.dump());
}

std::string format_time(double time_s) {
  char text[64];
  if (time_s < 120) std::snprintf(text, sizeof text, "%.3g s", time_s);
  else if (time_s < 2 * 3600) std::snprintf(text, sizeof text, "%.3g min", time_s / 60);
  else std::snprintf(text, sizeof text, "%.3g h", time_s / 3600);
  return text;
}

}  // namespace

std::string write_paraview_state(const std::string& run_dir) {
  const fs::path dir(run_dir);
  if (!fs::is_regular_file(dir / "fields.pvd"))
    throw IoError((dir / "fields.pvd").string(), "not found: run with output.vtk = true (the default) first");
  const Json layers = read_json(dir / "layers.json"), summary = read_json(dir / "summary.json");
  try {
    const Json& first = summary.at("species").at(0);
    const std::string species = first.at("species");
    const bool particles = first.contains("dose_particles");
    const std::string array = species + " free [" + (particles ? "particles/mL" : "ng/mL") + "]";
    const std::string target = first.value("target_layer", "");
    double time_s = 0;
    std::string why = "first output";
    if (first.contains("layers") && first["layers"].contains(target)) {
      time_s = first["layers"][target].at("peak_time_s");
      why = "peak in the " + target;
      std::replace(why.begin(), why.end(), '_', ' ');
    }
    Json slabs = Json::array();
    for (const Json& layer : layers.at("layers"))
      slabs.push_back({layer.at("name"), layer.at("z_top_um"), layer.at("z_bottom_um")});
    std::string text = kTemplate;
    fill(text, "RUN_DIR", fs::absolute(dir).lexically_normal().string());
    fill(text, "ARRAY", array);
    fill(text, "TITLE", summary.value("scenario", std::string("skinrd run")) + ": " + array + " at t = " +
                            format_time(time_s) + " (" + why + ")");
    fill(text, "TIME_S", time_s);
    fill(text, "LATERAL_UM", summary.at("tissue").at("lateral_size_um"));
    fill(text, "LAYERS", slabs);
    const fs::path path = dir / "skinrd_state.py";
    write_atomically(path, text);
    return path.string();
  } catch (const Json::exception& error) {
    throw IoError((dir / "summary.json").string(), std::string("not as skinrd run writes it: ") + error.what());
  }
}

}  // namespace skinrd::output
