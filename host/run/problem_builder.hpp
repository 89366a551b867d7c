#pragma once
// From a scenario to the simulator's problem: materials (the film, the tissue's layers, a
// needle body, the pores and the blebs, host/tissue_materials.hpp), the layered grid and its
// boundaries.
#include <cstdint>
#include <string>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

Problem build_problem(const scenario::Scenario& scenario);
// The problem without its voxels' material ids (make_grid_shape): what sizing a run needs, so
// that a run too large for the machine is refused before anything per voxel is allocated.
// Throws ConfigError (tissue.lateral_size, tissue.dx) when the cell counts pass the limits.
Problem build_problem_shape(const scenario::Scenario& scenario);
// The problem's coefficient table alone (no film on the skin, pores closed).
MaterialTable build_materials(const scenario::Scenario& scenario);

// Index of the first tissue cell layer (below the film), whose top is the skin surface.
int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario);

// What the grid resolves by fewer than about two cells: layers, needles and their pores, blebs.
std::vector<std::string> resolution_warnings(const scenario::Scenario& scenario, const Grid& grid);

}  // namespace skinrd::run
