#pragma once
// A small heterogeneous tissue for conservation, positivity and backend tests: graded z,
// four materials scattered at random over the voxels (one impermeable), partition
// coefficients from 0.1 to 3, and a random patchy initial field.
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

template <class Real>
std::vector<Real> random_field(std::size_t voxels, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(0, 10);
  std::vector<Real> c(voxels);
  for (auto& v : c) v = static_cast<Real>(value(rng) * value(rng) > 30 ? value(rng) : 0.0);
  return c;
}

}  // namespace skinrd::test_support
