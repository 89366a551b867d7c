// Unit tests of the per-voxel transport functions (kernels/transport.hpp).
#include <gtest/gtest.h>

#include <cmath>

#include "host/simulation.hpp"
#include "kernels/transport.hpp"
#include "random_problem.hpp"

namespace {

using skinrd::kernels::MaterialCoeffs;

// Series half-cell resistances: G = A / (h_a/(2 D_a K_a) + h_b/(2 D_b K_b)) (DESIGN §1).
TEST(Transport, FaceConductanceIsSeriesResistanceAndSymmetric) {
  const MaterialCoeffs<double> a{3.0, 0.5, 0, 0}, b{40.0, 2.0, 0, 0};
  const double ga = skinrd::kernels::half_cell_conductance(a, 4.0);
  const double gb = skinrd::kernels::half_cell_conductance(b, 10.0);
  const double expected = 25.0 / (4.0 / (2 * 3.0 * 0.5) + 10.0 / (2 * 40.0 * 2.0));
  EXPECT_NEAR(skinrd::kernels::face_conductance(ga, gb, 25.0), expected, 1e-12 * expected);
  // Bitwise symmetric: the flux leaving one voxel is exactly the flux entering the other.
  EXPECT_EQ(skinrd::kernels::face_conductance(ga, gb, 25.0),
            skinrd::kernels::face_conductance(gb, ga, 25.0));
}

// D = 0 is impermeable: zero conductance on either side, and no NaN when both are zero.
TEST(Transport, ImpermeableMaterialHasZeroConductance) {
  const MaterialCoeffs<float> closed{0.0f, 1.0f, 0, 0}, open{10.0f, 1.0f, 0, 0};
  const float g0 = skinrd::kernels::half_cell_conductance(closed, 2.0f);
  const float g1 = skinrd::kernels::half_cell_conductance(open, 2.0f);
  EXPECT_EQ(skinrd::kernels::face_conductance(g0, g1, 4.0f), 0.0f);
  EXPECT_EQ(skinrd::kernels::face_conductance(g1, g0, 4.0f), 0.0f);
  EXPECT_EQ(skinrd::kernels::face_conductance(g0, g0, 4.0f), 0.0f);
}

// Uniform 3-D medium, all faces interior: rate bound = 4 D/dx² + 2 D/dz² (the classic
// forward-Euler limit for the 7-point Laplacian).
TEST(Transport, ExplicitRateBoundMatchesUniformLaplacian) {
  using namespace skinrd;
  MaterialTable table({"tissue"}, {"s"});
  table.at(0, 0) = {50.0, 1.7, 0, 0};
  Problem problem{make_grid(4, 4, 5.0, {{"tissue", 40.0, 2.0, 0}}), table, {}};
  Simulation<double> sim(std::move(problem), BackendKind::cpu, Scheme::explicit_euler);
  const double expected_rate = 4 * 50.0 / 25.0 + 2 * 50.0 / 4.0;
  EXPECT_NEAR(sim.explicit_dt_limit_s(), 1.0 / expected_rate, 1e-12 / expected_rate);
}

// Positivity: at the stability limit forward Euler is a convex combination of neighbour
// values, so a random non-negative field in random heterogeneous materials stays
// non-negative through many steps.
TEST(Transport, StepAtTheLimitKeepsFieldsNonNegative) {
  using namespace skinrd;
  Simulation<double> sim(test_support::random_problem({.losses = true, .open_ends = true}),
                         BackendKind::cpu, Scheme::explicit_euler);
  sim.set_concentration(0, test_support::random_field<double>(sim.problem().grid.voxel_count(), 3));
  for (int n = 0; n < 200; ++n) sim.step(sim.explicit_dt_limit_s());
  for (double v : sim.concentration(0)) ASSERT_GE(v, 0.0);
}

TEST(Transport, StepBeyondTheLimitIsRefused) {
  using namespace skinrd;
  MaterialTable table({"tissue"}, {"s"});
  table.at(0, 0) = {50.0, 1.0, 0, 0};
  Simulation<float> sim(Problem{make_grid(2, 2, 5.0, {{"tissue", 20.0, 2.0, 0}}), table, {}},
                        BackendKind::cpu, Scheme::explicit_euler);
  EXPECT_THROW(sim.step(2 * sim.explicit_dt_limit_s()), ConfigError);
}

// The one explicit update (explicit_update, which both backends call) on inputs written by
// hand. Exponential integrator: c_new = e^{−k dt}·c + φ(k dt)·dt·F, φ(x) = (1 − e^{−x})/x, with
// F the net inflow per volume plus the source (kernels/transport.hpp).
TEST(Transport, ExplicitUpdateOfHandWrittenInputs) {
  using namespace skinrd::kernels;
  // Only diffusion (k = 0: nothing lost, φ = 1): two faces open, G = 2 and 0.5 um³/s,
  // neighbours' u = 3 and 0 around u = 1: inflow 2·(3 − 1) + 0.5·(0 − 1) = 3.5 per s.
  const VoxelFaces<double> faces{1.0, {2.0, 0, 0, 0.5, 0, 0}, {3.0, 0, 0, 0, 0, 0}};
  EXPECT_EQ(faces_inflow_per_s(faces), 3.5);
  const ExplicitVoxel<double> diffusing{faces, {0, 0}, 0.0, 1.0, 7.0, 0.0, 0.0, 1.0};
  const ExplicitResult<double> r = explicit_update(diffusing, 0.2);
  EXPECT_DOUBLE_EQ(r.concentration, 1.0 + 0.2 * 3.5 / 7.0);
  EXPECT_EQ(r.lost, 0.0);
  // A steady state F = k c (the source feeds the loss, no net inflow) is kept, and what is lost
  // over the step is what the source added: c + F·dt − c_new.
  const double k = 0.8, c = 2.5, dt = 0.3, x = k * dt;
  const VoxelFaces<double> balanced{c, {1.0, 1.0, 0, 0, 0, 0}, {c, c, 0, 0, 0, 0}};
  const ExplicitVoxel<double> steady{balanced, {0, 0}, 0.0, c, 4.0, k * c, -std::expm1(-x),
                                     -std::expm1(-x) / x};
  const ExplicitResult<double> s = explicit_update(steady, dt);
  EXPECT_NEAR(s.concentration, c, 1e-15 * c);
  EXPECT_NEAR(s.lost, k * c * dt, 1e-15 * c);
  // A fixed top (G_top = 3, u0 = 2) and a sink bottom (G_bottom = 1) around u = 1.
  const VoxelFaces<double> closed{1.0, {0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
  const ExplicitResult<double> b =
      explicit_update(ExplicitVoxel<double>{closed, {3.0, 1.0}, 2.0, 1.0, 5.0, 0, 0, 1.0}, 0.1);
  EXPECT_DOUBLE_EQ(b.rate.top_in_per_s, 3.0);
  EXPECT_DOUBLE_EQ(b.rate.bottom_out_per_s, 1.0);
  EXPECT_DOUBLE_EQ(b.concentration, 1.0 + 0.1 * (3.0 - 1.0) / 5.0);
}

}  // namespace

// CUDA's column kernel marches up z holding the cells below and above in registers
// (ZMarchValues); the explicit update it computes from them is the one read from the field
// (FieldValues), voxel by voxel and bit for bit, boundary layers and periodic sides included.
TEST(Transport, ZMarchingValuesGiveTheFieldReadingUpdate) {
  using namespace skinrd;
  const Problem problem = test_support::random_problem(
      {.losses = true, .open_ends = true, .periodic = true, .reactions = true});
  const Grid& grid = problem.grid;
  const std::vector<double> c = test_support::random_field<double>(grid.voxel_count(), 5);
  const std::vector<double> source = test_support::random_field<double>(grid.voxel_count(), 6);
  const auto coeffs = problem.materials.species_coeffs<double>(0);
  const kernels::GridView<double> view{grid.nx, grid.ny, grid.nz, grid.dx_um, grid.dz_um.data(),
                                       grid.material.data(), problem.materials.material_count()};
  const kernels::BoundaryView<double> bc{true, kernels::TopBoundary::fixed_concentration,
                                         kernels::BottomBoundary::perfect_sink};
  kernels::SpeciesView<double> species{coeffs.data(), c.data(), source.data(), 2.0};
  const double dt_s = 0.5 * explicit_dt_limit_s(problem);
  int compared = 0;
  for (int j = 0; j < grid.ny; ++j)
    for (int i = 0; i < grid.nx; ++i) {
      double below = 0, self = c[view.index(i, j, 0)];  // below the top: no face, never read
      for (int k = 0; k < grid.nz; ++k) {
        const double above = k + 1 < grid.nz ? c[view.index(i, j, k + 1)] : 0.0;
        const auto marched = kernels::explicit_voxel_step(
            view, bc, species, i, j, k, dt_s, 1.5, self,
            kernels::ZMarchValues<double>{c.data(), below, above});
        const auto read = kernels::explicit_voxel_step(view, bc, species, i, j, k, dt_s, 1.5);
        ASSERT_EQ(marched.concentration, read.concentration) << i << " " << j << " " << k;
        for (int t = 0; t < kernels::tally_count; ++t) ASSERT_EQ(marched.tally[t], read.tally[t]);
        below = self;
        self = above;
        ++compared;
      }
    }
  EXPECT_EQ(compared, static_cast<int>(grid.voxel_count()));
}
