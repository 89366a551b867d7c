#pragma once
// A small heterogeneous tissue for conservation, positivity and backend tests: graded z,
// four materials scattered at random over the voxels (one impermeable), partition
// coefficients from 0.1 to 3, and a random patchy initial field.
#include <cmath>
#include <random>

#include "host/simulation.hpp"

namespace skinrd::test_support {

struct RandomProblemOptions {
  bool losses = false;      // degradation and clearance on
  bool open_ends = false;   // fixed-concentration top and perfect-sink bottom
  bool periodic = false;    // lateral sides periodic instead of zero flux
  bool reactions = false;   // binding, release, bound decay and uptake in two materials
  unsigned seed = 7;
};

inline Problem random_problem(const RandomProblemOptions& o) {
  MaterialTable table({"a", "b", "c", "closed"}, {"s"});
  const double loss = o.losses ? 1.0 : 0.0;
  table.at(0, 0) = {100, 1.0, 0.01 * loss, 0};
  table.at(1, 0) = {5, 0.1, 0, 0.5 * loss};
  table.at(2, 0) = {30, 3.0, 2.0 * loss, 0.3 * loss};
  table.at(3, 0) = {0, 1.0, 0, 0};
  if (o.reactions) {
    SpeciesCoefficients& a = table.at(0, 0);
    a.binding_on_per_conc_s = 50;  // stiff: k_on·B_max/K·dt ≫ 1 at the explicit limit's multiples
    a.unbinding_per_s = 2;
    a.binding_capacity = 3;
    a.bound_degradation_per_s = 0.2;
    a.uptake_max_conc_per_s = 0.5;
    a.uptake_half_saturation = 2;
    SpeciesCoefficients& c = table.at(2, 0);
    c.binding_on_per_conc_s = 0.1;
    c.unbinding_per_s = 0.05;
    c.binding_capacity = 8;
    c.uptake_max_conc_per_s = 3;
    c.uptake_half_saturation = 0.5;
  }
  Boundaries bc{o.periodic, kernels::TopBoundary::zero_flux, {}, kernels::BottomBoundary::zero_flux};
  if (o.open_ends) {
    bc.top = kernels::TopBoundary::fixed_concentration;
    bc.top_concentration = {2.0};
    bc.bottom = kernels::BottomBoundary::perfect_sink;
  }
  Problem problem{make_grid(12, 10, 4.0, {{"x", 12, 1, 0}, {"y", 40, 4, 1}, {"z", 60, 10, 2}}),
                  table, bc};
  std::mt19937 rng(o.seed);
  for (auto& m : problem.grid.material) m = static_cast<std::uint8_t>(rng() % 4);
  return problem;
}

// random_problem's tissue with `species` species, each with other coefficients: D and the
// losses scaled per species, reactions (when on) only in the even-numbered species, a
// different fixed top value each.
inline Problem random_multi_species_problem(const RandomProblemOptions& o, int species) {
  const Problem one = random_problem(o);
  std::vector<std::string> names;
  for (int s = 0; s < species; ++s) names.push_back("s" + std::to_string(s));
  MaterialTable table({"a", "b", "c", "closed"}, names);
  Boundaries bc = one.boundaries;
  bc.top_concentration.clear();
  for (int s = 0; s < species; ++s) {
    for (int m = 0; m < 4; ++m) {
      SpeciesCoefficients c = one.materials.at(m, 0);
      c.diffusion_um2_per_s *= 1 + 0.3 * s;
      c.degradation_per_s *= 1 + 0.5 * s;
      c.clearance_per_s *= 1.0 / (1 + s);
      if (s % 2 == 1) {  // no reaction at all: no bound and internalised fields
        c.binding_on_per_conc_s = c.unbinding_per_s = c.binding_capacity = 0;
        c.bound_degradation_per_s = c.uptake_max_conc_per_s = 0;
      }
      table.at(m, s) = c;
    }
    if (o.open_ends) bc.top_concentration.push_back(2.0 + s);
  }
  return {one.grid, table, bc};
}

template <class Real>
std::vector<Real> random_field(std::size_t voxels, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(0, 10);
  std::vector<Real> c(voxels);
  for (auto& v : c) v = static_cast<Real>(value(rng) * value(rng) > 30 ? value(rng) : 0.0);
  return c;
}

// random_multi_species_problem (losses, open ends, periodic sides, reactions) with `species`
// >= 3 species stepped `steps` times: random fields, a source with an envelope on species 0,
// two summed sources on species 1, one on the last, and halfway a new table for species 2.
// Explicit steps at 0.9 × the explicit limit, implicit ones at 5 ×, past ADI's start-up.
template <class Real>
Simulation<Real> stepped_multi_species(BackendKind backend, Scheme scheme,
                                       const SimulationOptions& options, int species, int steps) {
  Simulation<Real> sim(
      random_multi_species_problem(
          {.losses = true, .open_ends = true, .periodic = true, .reactions = true}, species),
      backend, scheme, options);
  const std::size_t voxels = sim.problem().grid.voxel_count();
  for (int s = 0; s < species; ++s) sim.set_concentration(s, random_field<Real>(voxels, 9 + s));
  sim.set_source(0, random_field<Real>(voxels, 20), [](double t) { return std::exp(-t); });
  sim.add_source(1, random_field<Real>(voxels, 21), [](double t) { return t; });
  sim.add_source(1, random_field<Real>(voxels, 22), [](double t) { return 0.5 * t * t; });
  sim.add_source(species - 1, random_field<Real>(voxels, 23), [](double t) { return 2 * t; });
  const double dt = (scheme == Scheme::explicit_euler ? 0.9 : 5.0) * sim.explicit_dt_limit_s();
  for (int n = 0; n < steps; ++n) {
    if (n == steps / 2) {
      MaterialTable table = sim.problem().materials;
      table.at(0, 2).diffusion_um2_per_s *= 0.5;
      sim.set_materials(table);
    }
    sim.step(dt);
  }
  return sim;
}

}  // namespace skinrd::test_support
