#pragma once
// Everything a Simulation's future depends on, as host values: what a checkpoint holds. A
// Simulation built from the same Problem and sources and given this state steps on exactly as
// the one it came from (the step graphs are a cache and rebuilt).
#include <cstdint>
#include <vector>

#include "host/materials.hpp"
#include "host/sim/problem.hpp"
#include "host/sim/species_state.hpp"

namespace skinrd::sim {

template <class Real>
struct SimulationState {
  std::vector<std::vector<Real>> free, bound, internalised;  // per species
  std::vector<double> tallies;                               // [species][tally_count]
  std::vector<double> dosed, removed;                        // per species
  Clock clock;
  double controller_next_dt_s = 0;  // the step the controller proposes next (0: none yet)
  std::vector<SpeciesCoefficients> coefficients;  // MaterialTable::all_coefficients
  std::vector<std::uint8_t> voxel_materials;
  Boundaries boundaries;
};

}  // namespace skinrd::sim
