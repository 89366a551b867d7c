#pragma once
// From a scenario to the simulator's problem: materials (the film, the five tissue layers, a
// needle body and the pores, host/tissue_materials.hpp), the layered grid and its boundaries.
#include <cstdint>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

Problem build_problem(const scenario::Scenario& scenario);
// The problem's coefficient table alone (no film on the skin, pores closed).
MaterialTable build_materials(const scenario::Scenario& scenario);

// Index of the first tissue cell layer (below the film), whose top is the skin surface.
int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario);

}  // namespace skinrd::run
