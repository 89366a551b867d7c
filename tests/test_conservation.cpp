// 8. Conservation. A closed box (zero flux on every side) of random heterogeneous materials
// with a random initial field keeps its total; with degradation, clearance, a fixed top and a
// sink bottom, the ledger closes: dosed + entered − degraded − cleared − lost = stored.
// Bounds after 10⁴ steps: 1e-12 relative in double, 1e-4 in float.
#include <gtest/gtest.h>

#include <cmath>

#include "random_problem.hpp"

namespace {

using namespace skinrd;

template <class Real>
class Conservation : public ::testing::Test {
 protected:
  static double bound() { return std::is_same_v<Real, double> ? 1e-12 : 1e-4; }
};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Conservation, Precisions);

TYPED_TEST(Conservation, ClosedBoxKeepsItsTotal) {
  for (bool periodic : {false, true}) {
    Simulation<TypeParam> sim(test_support::random_problem({.periodic = periodic}), BackendKind::cpu, Scheme::explicit_euler);
    sim.set_concentration(0, test_support::random_field<TypeParam>(sim.problem().grid.voxel_count(), 11));
    const double initial = sim.ledger(0).stored();
    for (int n = 0; n < 10000; ++n) sim.step(0.9 * sim.explicit_dt_limit_s());
    const SpeciesLedger ledger = sim.ledger(0);
    EXPECT_LE(std::abs(ledger.stored() - initial) / initial, this->bound()) << "periodic " << periodic;
    EXPECT_EQ(ledger.degraded + ledger.cleared + ledger.entered_top + ledger.lost_bottom, 0.0);
  }
}

// The implicit schemes conserve too: every lateral sweep is conservative and the z sweep's
// boundary and loss terms are tallied at the θ-weighted state. 1000 steps of 20 × the
// explicit limit.
TYPED_TEST(Conservation, ClosedBoxKeepsItsTotalWithImplicitSchemes) {
  for (Scheme scheme : {Scheme::adi, Scheme::lod}) {
    Simulation<TypeParam> sim(test_support::random_problem({.periodic = true}), BackendKind::cpu, scheme);
    sim.set_concentration(0, test_support::random_field<TypeParam>(sim.problem().grid.voxel_count(), 11));
    const double initial = sim.ledger(0).stored();
    for (int n = 0; n < 1000; ++n) sim.step(20 * sim.explicit_dt_limit_s());
    EXPECT_LE(std::abs(sim.ledger(0).stored() - initial) / initial, this->bound()) << to_string(scheme);
  }
}

TYPED_TEST(Conservation, LedgerClosesWithLossesAndOpenEnds) {
  Simulation<TypeParam> sim(test_support::random_problem({.losses = true, .open_ends = true, .periodic = true}),
                            BackendKind::cpu, Scheme::explicit_euler);
  sim.set_concentration(0, test_support::random_field<TypeParam>(sim.problem().grid.voxel_count(), 5));
  for (int n = 0; n < 10000; ++n) sim.step(0.9 * sim.explicit_dt_limit_s());
  const SpeciesLedger ledger = sim.ledger(0);
  // Every compartment took part, so a missing tally could not hide.
  EXPECT_GT(ledger.degraded, 0.01 * ledger.inputs());
  EXPECT_GT(ledger.cleared, 0.01 * ledger.inputs());
  EXPECT_GT(ledger.entered_top, 0.01 * ledger.inputs());
  EXPECT_GT(ledger.lost_bottom, 0.0);
  EXPECT_LE(ledger.balance_residual(), this->bound());
  // Per-layer amounts add up to the whole field.
  double by_layer = 0;
  for (double a : ledger.free_by_layer) by_layer += a;
  EXPECT_EQ(by_layer, ledger.stored_free());
}

// A fixed top over a thin, very conductive film (1 µm in 5 cells, D = 1000 µm²/s) on a
// stratum corneum over a sink: the film sits within rounding of the top value, so the
// inflow G·(u0 − u) cancels, yet the ledger must close to 1e-4 in float too. Both the
// explicit scheme and Douglas–Gunn ADI (at 2000 × the explicit limit).
TYPED_TEST(Conservation, FixedTopThroughAConductiveFilmCloses) {
  MaterialTable table({"film", "sc", "dermis"}, {"s"});
  table.at(0, 0) = {1000, 1.0};
  table.at(1, 0) = {0.5, 0.2};
  table.at(2, 0) = {50, 1.0, 1e-3, 1e-3};
  Boundaries bc{true, kernels::TopBoundary::fixed_concentration, {3.0},
                kernels::BottomBoundary::perfect_sink};
  const Grid grid = make_grid(2, 2, 20.0, {{"film", 1, 0.2, 0}, {"sc", 15, 1, 1}, {"dermis", 100, 10, 2}});
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi}) {
    Simulation<TypeParam> sim(Problem{grid, table, bc}, BackendKind::cpu, scheme);
    std::vector<TypeParam> film(grid.voxel_count(), TypeParam(0));
    for (int k = 0; k < 5; ++k)
      for (int n = 0; n < 4; ++n) film[k * 4 + n] = TypeParam(3.0);  // the film at the top value
    sim.set_concentration(0, film);
    const double dt_s = (scheme == Scheme::adi ? 2000 : 0.9) * sim.explicit_dt_limit_s();
    for (int n = 0; n < 20000; ++n) sim.step(dt_s);
    const SpeciesLedger ledger = sim.ledger(0);
    // Something crossed: the tally is not a film full of nothing.
    EXPECT_GT(ledger.lost_bottom + ledger.stored() - ledger.dosed, 0.01 * ledger.dosed) << to_string(scheme);
    EXPECT_LE(ledger.balance_residual(), this->bound()) << to_string(scheme);
  }
}

}  // namespace
