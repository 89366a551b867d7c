// Batched launches (SimulationOptions::species_per_batch): channels never interact, and the CPU
// launchers run each channel with the single-species loops, so stepping all species in one
// batch (or in batches of 3) gives the same fields and ledgers, bit for bit, as stepping them
// one at a time, on every scheme, with reactions in some species, sources (one with an
// envelope, two summed) and different coefficients per species. And the explicit limit that
// set_materials recomputes only for changed tables is the one a fresh Simulation computes.
#include <gtest/gtest.h>

#include <cmath>
#include <type_traits>

#include "random_problem.hpp"

namespace {

using namespace skinrd;
constexpr int kSpecies = 5;  // batches of 3: one full and one partial

test_support::RandomProblemOptions problem_options() {
  return {.losses = true, .open_ends = true, .periodic = true, .reactions = true};
}

template <class Real>
Simulation<Real> stepped(Scheme scheme, int species_per_batch, int steps) {
  return test_support::stepped_multi_species<Real>(BackendKind::cpu, scheme,
                                                   SimulationOptions{species_per_batch}, kSpecies,
                                                   steps);
}

void expect_same_ledger(const SpeciesLedger& a, const SpeciesLedger& b, const std::string& where) {
  EXPECT_EQ(a.free_by_layer, b.free_by_layer) << where;
  EXPECT_EQ(a.bound_by_layer, b.bound_by_layer) << where;
  EXPECT_EQ(a.internalised_by_layer, b.internalised_by_layer) << where;
  EXPECT_EQ(a.dosed, b.dosed) << where;
  EXPECT_EQ(a.entered_top, b.entered_top) << where;
  EXPECT_EQ(a.added_by_source, b.added_by_source) << where;
  EXPECT_EQ(a.degraded, b.degraded) << where;
  EXPECT_EQ(a.cleared, b.cleared) << where;
  EXPECT_EQ(a.lost_bottom, b.lost_bottom) << where;
  EXPECT_EQ(a.bound_net, b.bound_net) << where;
  EXPECT_EQ(a.internalised, b.internalised) << where;
}

template <class Real>
void expect_batches_bitwise_equal() {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::lod, Scheme::adi}) {
    const Simulation<Real> one = stepped<Real>(scheme, 1, 8);
    for (int per_batch : {0, 3}) {
      const Simulation<Real> batched = stepped<Real>(scheme, per_batch, 8);
      EXPECT_EQ(batched.species_per_batch(), per_batch == 0 ? kSpecies : per_batch);
      for (int s = 0; s < kSpecies; ++s) {
        const std::string where = std::string(to_string(scheme)) + ", species " +
                                  std::to_string(s) + ", " + std::to_string(per_batch) +
                                  " per batch";
        EXPECT_EQ(one.concentration(s), batched.concentration(s)) << where;
        EXPECT_EQ(one.bound(s), batched.bound(s)) << where;
        EXPECT_EQ(one.internalised(s), batched.internalised(s)) << where;
        expect_same_ledger(one.ledger(s), batched.ledger(s), where);
      }
      // The fields moved: a comparison of untouched fields would prove nothing.
      EXPECT_NE(one.ledger(1).added_by_source, 0.0);
      EXPECT_NE(one.ledger(2).bound_net, 0.0);
    }
  }
}

TEST(Batching, AllSpeciesInOneBatchEqualOneByOneBitwiseInFloat) {
  expect_batches_bitwise_equal<float>();
}

TEST(Batching, AllSpeciesInOneBatchEqualOneByOneBitwiseInDouble) {
  expect_batches_bitwise_equal<double>();
}

TEST(Batching, AdaptiveStepsAgreeBitwise) {
  auto run = [](int per_batch) {
    Simulation<double> sim(test_support::random_multi_species_problem(problem_options(), 3),
                           BackendKind::cpu, Scheme::adi, SimulationOptions{per_batch});
    for (int s = 0; s < 3; ++s)
      sim.set_concentration(s, test_support::random_field<double>(sim.problem().grid.voxel_count(), s));
    sim.advance_adaptive(40 * sim.explicit_dt_limit_s(), AdaptiveOptions{});
    return sim;
  };
  const auto one = run(1), all = run(0);
  for (int s = 0; s < 3; ++s) EXPECT_EQ(one.concentration(s), all.concentration(s));
}

// The closing half-reaction fused into the last diffusion pass (SimulationOptions::
// fuse_reactions) applies the same per-voxel function to the same values as the react pass it
// replaces: the fields agree bit for bit; the tallies are summed in another order, so they agree
// to rounding. Every scheme, ADI's Rannacher start-up included (its first 3 steps), all species
// in one batch and one by one.
template <class Real>
void expect_fused_reactions_equal_separate() {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::lod, Scheme::adi})
    for (int per_batch : {1, 0}) {
      auto run = [&](bool fuse) {
        return test_support::stepped_multi_species<Real>(
            BackendKind::cpu, scheme,
            SimulationOptions{.species_per_batch = per_batch, .fuse_reactions = fuse}, kSpecies, 6);
      };
      const Simulation<Real> separate = run(false), fused = run(true);
      for (int s = 0; s < kSpecies; ++s) {
        const std::string where = std::string(to_string(scheme)) + ", species " +
                                  std::to_string(s) + ", " + std::to_string(per_batch) +
                                  " per batch";
        EXPECT_EQ(separate.concentration(s), fused.concentration(s)) << where;
        EXPECT_EQ(separate.bound(s), fused.bound(s)) << where;
        EXPECT_EQ(separate.internalised(s), fused.internalised(s)) << where;
        const SpeciesLedger a = separate.ledger(s), b = fused.ledger(s);
        for (auto [x, y] : {std::pair{a.degraded, b.degraded}, {a.cleared, b.cleared},
                            {a.bound_net, b.bound_net}, {a.internalised, b.internalised},
                            {a.entered_top, b.entered_top}, {a.lost_bottom, b.lost_bottom}})
          EXPECT_NEAR(x, y, 1e-12 * std::max(std::abs(x), 1e-30)) << where;
        EXPECT_LE(b.balance_residual(), (std::is_same_v<Real, double> ? 1e-12 : 1e-4)) << where;
      }
      // Reactions moved substance, so the fusion had something to get wrong.
      EXPECT_GT(std::abs(separate.ledger(2).bound_net), 0.0);
      EXPECT_GT(separate.ledger(2).internalised, 0.0);
    }
}

TEST(Batching, FusedClosingReactionsEqualTheSeparatePassInFloat) {
  expect_fused_reactions_equal_separate<float>();
}

TEST(Batching, FusedClosingReactionsEqualTheSeparatePassInDouble) {
  expect_fused_reactions_equal_separate<double>();
}

// The lean step controller (AdaptiveOptions::lean_memory) estimates each batch's error alone
// and takes the accepted half steps again: the same steps, rejections, fields and ledgers as
// the controller that keeps every species' start, bit for bit; batches of 1 and of 3 (five
// species with sources, reactions in some, other coefficients each).
TEST(Batching, LeanStepControllerTakesTheSameStepsBitwise) {
  long long rejected = 0;
  for (Scheme scheme : {Scheme::adi, Scheme::lod})
    for (int per_batch : {1, 3}) {
      auto run = [&](bool lean) {
        Simulation<double> sim(test_support::random_multi_species_problem(problem_options(), kSpecies),
                               BackendKind::cpu, scheme, SimulationOptions{per_batch});
        const std::size_t voxels = sim.problem().grid.voxel_count();
        for (int s = 0; s < kSpecies; ++s)
          sim.set_concentration(s, test_support::random_field<double>(voxels, 60 + s));
        sim.add_source(1, test_support::random_field<double>(voxels, 70), [](double t) { return t; });
        AdaptiveOptions options;
        options.lean_memory = lean;
        options.relative_tolerance = 1e-4;  // tight enough that some steps are rejected
        AdaptiveReport report = sim.advance_adaptive(8 * sim.explicit_dt_limit_s(), options);
        return std::pair{std::move(sim), report};
      };
      const auto [full, full_report] = run(false);
      const auto [lean, lean_report] = run(true);
      const std::string where = std::string(to_string(scheme)) + ", " + std::to_string(per_batch) +
                                " per batch";
      EXPECT_EQ(full_report.accepted, lean_report.accepted) << where;
      EXPECT_EQ(full_report.rejected, lean_report.rejected) << where;
      EXPECT_GT(full_report.accepted, 3) << where;
      rejected += full_report.rejected;
      EXPECT_EQ(full.time_s(), lean.time_s()) << where;
      EXPECT_EQ(full.steps_taken(), lean.steps_taken()) << where;
      for (int s = 0; s < kSpecies; ++s) {
        EXPECT_EQ(full.concentration(s), lean.concentration(s)) << where << ", species " << s;
        EXPECT_EQ(full.bound(s), lean.bound(s)) << where << ", species " << s;
        expect_same_ledger(full.ledger(s), lean.ledger(s), where);
      }
    }
  EXPECT_GT(rejected, 0);  // the lean path's rejections were exercised too
}

TEST(Batching, NegativeSpeciesPerBatchIsAConfigError) {
  EXPECT_THROW(Simulation<float>(test_support::random_problem({}), BackendKind::cpu, Scheme::adi,
                                 SimulationOptions{-1}),
               ConfigError);
}

// upload_coefficients recomputes the rate bound only of changed tables (or of all after a change
// of geometry); the limit must stay the one computed from scratch.
TEST(Batching, ExplicitLimitAfterPartialTableChangesIsAFreshSimulations) {
  Problem problem = test_support::random_multi_species_problem(problem_options(), 4);
  Simulation<double> sim(problem, BackendKind::cpu, Scheme::adi);
  auto fresh_limit = [&] {
    return Simulation<double>(sim.problem(), BackendKind::cpu, Scheme::adi).explicit_dt_limit_s();
  };
  MaterialTable table = problem.materials;
  // Species 3 becomes the fastest: the limit follows it; then back, and the limit returns.
  table.at(2, 3).diffusion_um2_per_s *= 20;
  sim.set_materials(table);
  EXPECT_EQ(sim.explicit_dt_limit_s(), fresh_limit());
  EXPECT_LT(sim.explicit_dt_limit_s(), Simulation<double>(problem, BackendKind::cpu).explicit_dt_limit_s());
  table.at(2, 3).diffusion_um2_per_s /= 20;
  sim.set_materials(table);
  EXPECT_EQ(sim.explicit_dt_limit_s(), fresh_limit());
  // Voxel materials and boundaries change every species' bound.
  std::vector<std::uint8_t> material = sim.problem().grid.material;
  for (auto& m : material) m = m == 3 ? 2 : m;
  sim.set_voxel_materials(material);
  EXPECT_EQ(sim.explicit_dt_limit_s(), fresh_limit());
  Boundaries closed = sim.problem().boundaries;
  closed.top = kernels::TopBoundary::zero_flux;
  closed.bottom = kernels::BottomBoundary::zero_flux;
  sim.set_boundaries(closed);
  EXPECT_EQ(sim.explicit_dt_limit_s(), fresh_limit());
}

}  // namespace
