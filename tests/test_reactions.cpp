// Reactions: exact per-voxel binding and uptake, binding-slowed spreading, and the ledger
// with every reaction on, in float and double fields.
#include <gtest/gtest.h>

#include <cmath>

#include "host/validation/cases.hpp"
#include "random_problem.hpp"

namespace {

using namespace skinrd;
using namespace skinrd::validation;

template <class Real>
class Reactions : public ::testing::Test {
 protected:
  static double tol(double for_double, double for_float) {
    return std::is_same_v<Real, double> ? for_double : for_float;
  }
};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Reactions, Precisions);

// 5. Closed well-mixed voxel, db/dt = k_on·u·(B_max − b) − k_off·b, u = c/K: the exact Riccati
// step against RK4 (mild, and stiff with k_on·B_max/K·dt ≈ 1e4), c + b conserved, and the
// equilibrium b = B_max·u/(K_d + u), K_d = k_off/k_on. 1e-9 (double), 1e-5 (float).
TYPED_TEST(Reactions, BindingInAClosedVoxel) {
  for (int level = 0; level < 3; ++level)
    for (const auto& m : run_case<TypeParam>(CaseId::binding_closed_voxel, {}, level).errors)
      EXPECT_LE(m.error, this->tol(1e-9, 1e-5)) << m.quantity << " level " << level;
}

// 7. Michaelis–Menten uptake dc/dt = −V_max·u/(K_m + u): against RK4, against the exact
// implicit solution K_m ln(u/u0) + u − u0 = −V_max t/K (the Lambert-W form solved), and
// c + internalised = c0.
TYPED_TEST(Reactions, UptakeInAClosedVoxel) {
  for (int level = 0; level < 3; ++level)
    for (const auto& m : run_case<TypeParam>(CaseId::uptake_closed_voxel, {}, level).errors)
      EXPECT_LE(m.error, this->tol(1e-9, 1e-5)) << m.quantity << " level " << level;
}

// 6. Fast linear binding (occupancy ≤ 1e-3, B_max/K_d = 4): the variance of the total
// amount grows as 2·D_eff·t with D_eff = D/(1 + B_max/K_d), within 2 %.
TYPED_TEST(Reactions, FastBindingSlowsSpreading) {
  const CaseRun run = run_case<TypeParam>(CaseId::binding_slowed_spread, {}, 2);
  EXPECT_LE(run.errors[0].error, 2e-2);
}

// 9. The ledger closes with every reaction on (stiff binding, release, bound decay, uptake),
// degradation, clearance, a fixed top, a sink bottom and a source, on every scheme:
// dosed + entered + added − degraded − cleared − lost = free + bound + internalised.
TYPED_TEST(Reactions, LedgerClosesOnEveryScheme) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod}) {
    Simulation<TypeParam> sim(test_support::random_problem(
                                  {.losses = true, .open_ends = true, .periodic = true, .reactions = true}),
                              BackendKind::cpu, scheme);
    const auto& grid = sim.problem().grid;
    sim.set_concentration(0, test_support::random_field<TypeParam>(grid.voxel_count(), 21));
    sim.set_source(0, test_support::random_field<TypeParam>(grid.voxel_count(), 22),
                   [](double t) { return 1.0 / (1.0 + t); });
    const double multiple = scheme == Scheme::explicit_euler ? 0.9 : 50;
    for (int n = 0; n < 200; ++n) sim.step(multiple * sim.explicit_dt_limit_s());
    const SpeciesLedger ledger = sim.ledger(0);
    EXPECT_GT(ledger.bound_net, 0.01 * ledger.stored()) << to_string(scheme);
    EXPECT_GT(ledger.internalised, 0.01 * ledger.inputs()) << to_string(scheme);
    EXPECT_GT(ledger.degraded, 0.0);
    EXPECT_LE(ledger.balance_residual(), this->tol(1e-12, 1e-4)) << to_string(scheme);
    // The internalised field holds exactly what uptake moved.
    EXPECT_NEAR(ledger.stored_internalised(), ledger.internalised,
                this->tol(1e-12, 1e-5) * ledger.internalised);
    // Explicit and LOD steps are positivity preserving (convex combinations, M-matrix
    // inverses, exact reactions). Crank–Nicolson is not: at 50 × the explicit limit its
    // response to stiff binding that empties scattered voxels every half-step rings below
    // zero (README, "Choosing a scheme"), so for ADI only finiteness is asserted here.
    for (const auto& field : {sim.concentration(0), sim.bound(0), sim.internalised(0)})
      for (TypeParam v : field) {
        ASSERT_TRUE(std::isfinite(v)) << to_string(scheme);
        if (scheme != Scheme::adi) {
          ASSERT_GE(v, TypeParam(0)) << to_string(scheme);
        }
      }
  }
}

// Intracellular degradation of the internalised amount, in a closed uniform tissue (no
// gradients) with linear uptake (u ≪ K_m): dc/dt = −k c, dn/dt = k c − λ n, so
// c = c0 e^{−kt}, n = k c0 (e^{−kt} − e^{−λt})/(λ − k), degraded = c0 − c − n. The ledger
// closes with the intracellular loss tallied as degraded.
TYPED_TEST(Reactions, InternalisedAmountDecaysFirstOrder) {
  const double k_per_s = 1.0 / 3600, lambda_per_s = 0.5 / 3600, c0 = 2.0, k_m = 1e9;
  MaterialTable table({"tissue"}, {"s"});
  SpeciesCoefficients& m = table.at(0, 0);
  m.diffusion_um2_per_s = 0.01;  // uniform field: transport does nothing; explicit-stable at 30 s
  m.partition = 2;  // V_max/(K·K_m) is the first-order rate in u = c/K
  m.uptake_half_saturation = k_m;
  m.uptake_max_conc_per_s = k_per_s * m.partition * k_m;
  m.internalised_degradation_per_s = lambda_per_s;
  Problem problem{make_grid(3, 3, 10.0, {{"tissue", 40, 10, 0}}), table,
                  Boundaries{true, kernels::TopBoundary::zero_flux, {}, kernels::BottomBoundary::zero_flux}};
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi}) {
    Simulation<TypeParam> sim(problem, BackendKind::cpu, scheme);
    const std::size_t voxels = sim.problem().grid.voxel_count();
    sim.set_concentration(0, std::vector<TypeParam>(voxels, static_cast<TypeParam>(c0)));
    const double t_end_s = 3 * 3600.0, dt_s = 30;
    for (int n = 0; n < static_cast<int>(t_end_s / dt_s); ++n) sim.step(dt_s);
    const double c = c0 * std::exp(-k_per_s * t_end_s);
    const double internalised = k_per_s * c0 *
                                (std::exp(-k_per_s * t_end_s) - std::exp(-lambda_per_s * t_end_s)) /
                                (lambda_per_s - k_per_s);
    const SpeciesLedger ledger = sim.ledger(0);
    const double volume_um3 = 30.0 * 30.0 * 40.0;
    EXPECT_NEAR(ledger.stored_free() / volume_um3, c, this->tol(1e-6, 1e-5) * c0) << to_string(scheme);
    EXPECT_NEAR(ledger.stored_internalised() / volume_um3, internalised, this->tol(1e-6, 1e-5) * c0)
        << to_string(scheme);
    EXPECT_NEAR(ledger.degraded / volume_um3, c0 - c - internalised, this->tol(1e-6, 1e-5) * c0)
        << to_string(scheme);
    EXPECT_GT(ledger.degraded, 0.2 * ledger.dosed);  // the decay is not negligible here
    EXPECT_LE(ledger.balance_residual(), this->tol(1e-12, 1e-5)) << to_string(scheme);
  }
}

}  // namespace
