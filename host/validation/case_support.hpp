#pragma once
// Helpers shared by the validation cases: one-species problems, sampling fields and error norms.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "host/simulation.hpp"
#include "host/validation/cases.hpp"

namespace skinrd::validation::support {

constexpr double pi = std::numbers::pi;

// Cells per length relative to the case's default resolution: each level doubles them.
inline double refinement(CaseId id, int level) { return std::ldexp(1.0, level - case_info(id).default_level); }

struct MaterialLayer {
  LayerSpec layer;
  SpeciesCoefficients coeffs;
};

// One species, one material per layer.
inline Problem make_problem(int nx, int ny, double dx_um, const std::vector<MaterialLayer>& stack,
                     Boundaries boundaries) {
  std::vector<LayerSpec> layers;
  std::vector<std::string> material_names;
  for (std::size_t m = 0; m < stack.size(); ++m) {
    layers.push_back(stack[m].layer);
    layers.back().material = static_cast<std::uint8_t>(m);
    material_names.push_back(stack[m].layer.name);
  }
  MaterialTable table(material_names, {"solute"});
  for (std::size_t m = 0; m < stack.size(); ++m) table.at(static_cast<int>(m), 0) = stack[m].coeffs;
  return Problem{make_grid(nx, ny, dx_um, layers), std::move(table), std::move(boundaries)};
}

inline Boundaries fixed_top(double u0, kernels::BottomBoundary bottom, bool periodic = true) {
  return {periodic, kernels::TopBoundary::fixed_concentration, {u0}, bottom};
}

template <class Real>
std::vector<Real> sample(const Grid& grid, auto&& value_at) {
  std::vector<Real> values(grid.voxel_count());
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        values[grid.index(i, j, k)] = static_cast<Real>(value_at(i, j, k));
  return values;
}

template <class Real>
double max_abs_error(const Grid& grid, const std::vector<Real>& c, auto&& exact_at) {
  double worst = 0;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        worst = std::max(worst, std::abs(c[grid.index(i, j, k)] - exact_at(i, j, k)));
  return worst;
}

// sqrt(Σ (c − exact)² V) / sqrt(Σ exact² V)
template <class Real>
double relative_l2_error(const Grid& grid, const std::vector<Real>& c, auto&& exact_at) {
  double diff2 = 0, ref2 = 0;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const double exact = exact_at(i, j, k);
        const double d = c[grid.index(i, j, k)] - exact;
        diff2 += d * d * grid.dz_um[k];
        ref2 += exact * exact * grid.dz_um[k];
      }
  return std::sqrt(diff2 / ref2);
}


// The case's result with the run's health: smallest field value and largest ledger residual.
template <class Real>
CaseRun finish(const Simulation<Real>& sim, double resolution, std::vector<Measurement> errors) {
  CaseRun run{resolution, std::move(errors)};
  run.min_value = std::numeric_limits<double>::infinity();
  for (int s = 0; s < sim.species_count(); ++s) {
    for (const auto& field : {sim.concentration(s), sim.bound(s), sim.internalised(s)})
      for (Real v : field) run.min_value = std::min(run.min_value, static_cast<double>(v));
    run.ledger_residual = std::max(run.ledger_residual, sim.ledger(s).balance_residual());
  }
  return run;
}

}  // namespace skinrd::validation::support
