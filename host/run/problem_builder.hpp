#pragma once
// From a scenario to the simulator's problem: materials (the film and the five tissue
// layers), the layered grid, boundaries, and the voxels of each injection bleb.
#include <cstdint>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

constexpr std::uint8_t kVehicle = 0;  // material id of the film; tissue materials follow

Problem build_problem(const scenario::Scenario& scenario);

// The film's coefficients with a film of `dose` on the skin (or none: impermeable).
MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const scenario::TopicalDose* dose);

// Index of the first tissue cell layer (below the film) and the z of the skin surface.
int first_tissue_k(const Grid& grid, const scenario::Scenario& scenario);

// Voxel indices inside the bleb's ellipsoid (at least the voxel at its centre).
std::vector<std::size_t> bleb_voxels(const Grid& grid, const scenario::Scenario& scenario,
                                     const scenario::IntradermalBolus& bolus);

}  // namespace skinrd::run
