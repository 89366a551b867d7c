#pragma once
// Nothing silently wrong: what float fields cannot hold is refused before a run starts, and a
// run whose fields or ledger become non-finite (NaN, inf) stops with a diagnosis.
#include <string>
#include <vector>

#include "host/scenario/scenario.hpp"
#include "host/simulation.hpp"

namespace skinrd::run {

// Largest per-voxel concentration (internal units) float fields are allowed to hold: float's
// maximum is 3.4e38, and amounts (concentration × voxel volume, up to ~1e6 um^3) and their sums
// over the grid are formed in the field precision.
constexpr double kFloatMaxConcentration = 1e30;
// Largest D·dt/h² float fields keep: the implicit sweeps' pivots (1 + 2a − a·c') lose every
// digit once a·eps_float ≳ 0.1 (measured: a = 1.8e6 is 2 % off double, 6e7 gives NaN).
constexpr double kFloatMaxDiffusionNumber = 1e6;
// The same for double fields (eps_double = 2.2e-16); a diagnosis only, double runs are not refused.
constexpr double kDoubleMaxDiffusionNumber = 1e14;

// Why float fields cannot run `scenario` on `problem` (empty for double precision or when they
// can): each line names the species, the layer or delivery and the value. The doses are found
// by applying the scenario's events to a probe tissue that only records what they place.
std::vector<std::string> float_limit_problems(const scenario::Scenario& scenario,
                                              const Problem& problem);
// Throws ConfigError (key run.precision) with float_limit_problems' lines, if any.
void require_float_limits(const scenario::Scenario& scenario, const Problem& problem);

// After a chunk of steps: when any lane's ledger holds a non-finite value, scans that lane's
// fields once and throws NumericalError naming the species, the layers where the values are
// non-finite, the time and the likely cause (from the coefficients and the run's step).
template <class Real>
void require_finite(const Simulation<Real>& sim, const scenario::RunSettings& run);

}  // namespace skinrd::run
