#pragma once
// A run's memory: what its Simulation will allocate (Simulation::memory_footprint, the layout
// the allocations follow), what the backend has free, and the refusal of a run that would
// not fit, made before anything large is allocated.
#include <cstddef>
#include <iosfwd>

#include "host/backend.hpp"
#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

// What the scenario's Simulation allocates after its constructor: one source array per
// infused bleb and per releasing patch (as Runner::add_infusions adds them), and the step
// controller's saved states when no fixed dt is set.
FootprintOptions footprint_options(const scenario::Scenario& scenario);

// The footprint of the scenario's run on `backend`, in its field precision; with the lean step
// controller (AdaptiveOptions::lean_memory) when asked.
MemoryFootprint scenario_footprint(const scenario::Scenario& scenario, const Problem& problem,
                                   BackendKind backend, bool lean_controller = false);

// Memory the backend can still give, in bytes: free device memory on CUDA (cudaMemGetInfo),
// MemAvailable from /proc/meminfo on the CPU; 0 when it cannot be read.
std::size_t available_memory_bytes(BackendKind backend);

// Throws ConfigError (key tissue.dx) saying needed vs available in GiB and suggesting a
// coarser grid when the footprint exceeds `available_bytes`; an unknown (0) availability
// passes.
void require_fits(const MemoryFootprint& footprint, BackendKind backend,
                  std::size_t available_bytes);

// The footprint a run of `problem` uses on `backend` with `available_bytes` free (0: unknown):
// the full step controller's, or the lean one's (*lean_controller true) when only that fits.
// `run` and `check` both size the run with it; the problem may be build_problem_shape's.
MemoryFootprint fitting_footprint(const scenario::Scenario& scenario, const Problem& problem,
                                  BackendKind backend, std::size_t available_bytes,
                                  bool* lean_controller);

// The scenario's problem (build_problem), refused by require_fits before the run allocates:
// the footprint comes from the sizes alone (build_problem_shape), the voxels are filled after.
// *lean_controller: whether the run must use the lean step controller, because the full one's
// copies would not fit and the lean one's do.
Problem build_fitting_problem(const scenario::Scenario& scenario, BackendKind backend,
                              bool* lean_controller);

// The breakdown `skinrd check` prints: stored fields per species, scratch, sources, the step
// controller's copies, materials; bytes per voxel and in total.
void print_footprint(const MemoryFootprint& footprint, BackendKind backend, Scheme scheme,
                     bool double_precision, std::size_t available_bytes, std::ostream& out);

// The line `skinrd check` adds for the lean step controller's footprint.
void print_lean_footprint(const MemoryFootprint& lean, std::ostream& out);

}  // namespace skinrd::run
