// The CPU backend's blocked line sweeps (many lines per SIMD loop, x lines through a
// transposed tile) against the reference one-line solve, solve_line of kernels/implicit.hpp,
// which the CUDA backend runs: the same rows and the same Thomas steps, so the same result
// to rounding (bitwise where neither side contracts multiply-adds).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "host/simulation.hpp"
#include "kernels/implicit.hpp"
#include "kernels/launchers.hpp"

namespace {

using namespace skinrd;

struct SweepCase {
  int nx, ny;
  bool periodic, open_ends;
};

// Four materials at random (one impermeable, partitions 0.1 to 3), graded z, losses on.
template <class Real>
void expect_blocked_sweeps_match_reference(const SweepCase& c, Real tolerance) {
  MaterialTable table({"a", "b", "c", "closed"}, {"s"});
  table.at(0, 0) = {100, 1.0, 0.01, 0};
  table.at(1, 0) = {5, 0.1, 0, 0.5};
  table.at(2, 0) = {30, 3.0, 2.0, 0.3};
  table.at(3, 0) = {0, 1.0, 0, 0};
  Grid grid = make_grid(c.nx, c.ny, 4.0, {{"x", 3, 1, 0}, {"y", 8, 4, 1}, {"z", 30, 10, 2}});
  std::mt19937 rng(11);
  for (auto& m : grid.material) m = static_cast<std::uint8_t>(rng() % 4);
  const std::vector<Real> dz(grid.dz_um.begin(), grid.dz_um.end());
  const kernels::GridView<Real> view{grid.nx, grid.ny, grid.nz, static_cast<Real>(grid.dx_um),
                                     dz.data(), grid.material.data()};
  kernels::BoundaryView<Real> bc;
  bc.periodic_lateral = c.periodic;
  if (c.open_ends) {
    bc.top = kernels::TopBoundary::fixed_concentration;
    bc.bottom = kernels::BottomBoundary::perfect_sink;
  }
  const auto coeffs = table.species_coeffs<Real>(0);
  std::uniform_real_distribution<double> value(0, 10);
  std::vector<Real> start(grid.voxel_count());
  for (auto& v : start) v = static_cast<Real>(value(rng));
  const Real theta_dt_s = Real(0.7);

  for (int axis = 0; axis < 3; ++axis) {
    std::vector<Real> blocked = start, reference = start;
    std::vector<Real> scratch(3 * grid.voxel_count());
    kernels::cpu::line_sweep(view, nullptr, bc, coeffs.data(), axis, theta_dt_s, blocked.data(),
                             scratch.data());
    Real* cp = scratch.data();
    Real* q = cp + grid.voxel_count();
    const int a_count = axis == 0 ? grid.ny : grid.nx, b_count = axis == 2 ? grid.ny : grid.nz;
    for (int b = 0; b < b_count; ++b)
      for (int a = 0; a < a_count; ++a) {
        const int i0 = axis == 0 ? 0 : a, j0 = axis == 0 ? a : (axis == 1 ? 0 : b);
        kernels::solve_line(view, bc, coeffs.data(), axis, i0, j0, axis == 2 ? 0 : b,
                            theta_dt_s, reference.data(), cp, q);
      }
    double worst = 0;
    for (std::size_t v = 0; v < reference.size(); ++v) {
      ASSERT_TRUE(std::isfinite(static_cast<double>(blocked[v]))) << "axis " << axis;
      const double scale = std::max(1.0, std::abs(static_cast<double>(reference[v])));
      worst = std::max(worst, std::abs(static_cast<double>(blocked[v]) - reference[v]) / scale);
    }
    EXPECT_LE(worst, tolerance) << "axis " << axis << ", " << c.nx << " × " << c.ny
                                << (c.periodic ? " periodic" : " closed sides")
                                << (c.open_ends ? ", open ends" : "");
  }
}

// More than one block of 64 lanes, a partial block, lines of 1, 2 and 3 cells (a periodic
// line of 2 is solved directly), periodic and closed sides, open and closed ends.
const SweepCase kCases[] = {{70, 67, true, true},  {70, 67, false, false}, {3, 130, true, false},
                            {130, 3, false, true}, {1, 5, true, true},     {2, 2, true, false},
                            {2, 9, false, true},   {5, 1, false, false}};

TEST(LineSweeps, BlockedSweepEqualsReferenceLineSolveInDouble) {
  for (const SweepCase& c : kCases) expect_blocked_sweeps_match_reference<double>(c, 1e-13);
}

TEST(LineSweeps, BlockedSweepEqualsReferenceLineSolveInFloat) {
  for (const SweepCase& c : kCases) expect_blocked_sweeps_match_reference<float>(c, 1e-5f);
}

}  // namespace
