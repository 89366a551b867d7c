#pragma once
// An ensemble's members in one Simulation: member m's species s is lane m·S + s of a
// problem on the members' common grid.
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

// Throws ConfigError naming the member and what differs when members cannot share one grid and
// one time loop: members may differ in coefficients, doses, release and closure times and the
// timing of injections and finite films, not in the tissue, the species, the run settings, the
// needles (geometry and timing: they change the voxels' materials) or, when any member holds
// a constant-concentration film, the films' timing (the kind of top boundary is shared).
void check_members_compatible(const std::vector<scenario::Scenario>& members,
                              const std::vector<std::string>& names);

// The members' problem: the first member's grid and boundaries, a coefficient column per
// lane named "SPECIES@member". Its grid is a shape (build_problem_shape): sized, then
// fill_materials before it is run.
Problem build_ensemble_problem(const std::vector<scenario::Scenario>& members,
                               const std::vector<std::string>& names);

// What the members' Simulation allocates (their sources and the step controller included).
MemoryFootprint ensemble_footprint(const std::vector<scenario::Scenario>& members,
                                   const Problem& problem, BackendKind backend,
                                   const SimulationOptions& simulation);

// How many lanes each launch steps together. CUDA: all of them, or the most (halving) whose
// per-lane scratch fits in `available_bytes` — a small member alone leaves the GPU idle.
// CPU: one, since its launches already use every core on one lane and batching only costs
// memory.
SimulationOptions ensemble_batching(const std::vector<scenario::Scenario>& members,
                                    const Problem& problem, BackendKind backend,
                                    std::size_t available_bytes);

}  // namespace skinrd::run
