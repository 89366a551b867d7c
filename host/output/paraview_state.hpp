#pragma once
// skinrd paraview DIR: writes DIR/skinrd_state.py, a ParaView Python state (File > Load State,
// `paraview --state=`, or `pvpython skinrd_state.py --screenshot PNG`) that opens fields.pvd
// as a vertical slice with depth down the screen, the first species' free concentration
// coloured with its unit, the layer boundaries drawn and named (layers.json), and the time of
// the target layer's peak (summary.json) set.
#include <string>

namespace skinrd::output {

// The path written; IoError when the run directory lacks fields.pvd, layers.json or
// summary.json or they cannot be read.
std::string write_paraview_state(const std::string& run_dir);

}  // namespace skinrd::output
