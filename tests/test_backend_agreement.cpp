// 9. Backend agreement: the same problems stepped on the CPU and on CUDA give
// max|a − b| / max|a| ≤ 1e-10 (double) and ≤ 1e-4 (float), and the same ledger, for every
// scheme, with every reaction on. Not bitwise: nvcc fuses multiply-adds and block
// reductions sum in another order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "host/validation/cases.hpp"
#include "random_problem.hpp"
#include "snapshot_check.hpp"

namespace {

using namespace skinrd;

template <class Real>
class BackendAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_device_available())
      GTEST_SKIP() << "no CUDA device on this machine: CPU/CUDA agreement not checked";
  }
  static double bound() { return std::is_same_v<Real, double> ? 1e-10 : 1e-4; }
};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(BackendAgreement, Precisions);

template <class Real>
Simulation<Real> stepped(BackendKind backend, Scheme scheme, int steps) {
  Simulation<Real> sim(test_support::random_problem(
                           {.losses = true, .open_ends = true, .periodic = true, .reactions = true}),
                       backend, scheme);
  const auto& grid = sim.problem().grid;
  sim.set_concentration(0, test_support::random_field<Real>(grid.voxel_count(), 9));
  sim.set_source(0, test_support::random_field<Real>(grid.voxel_count(), 10),
                 [](double t) { return std::exp(-t); });
  // Implicit steps of 5 × the explicit limit, where every scheme stays non-negative here.
  const double multiple = scheme == Scheme::explicit_euler ? 0.9 : 5.0;
  for (int n = 0; n < steps; ++n) sim.step(multiple * sim.explicit_dt_limit_s());
  return sim;
}

double relative_difference(const auto& a, const auto& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(double(a[i]) - double(b[i])));
    scale = std::max(scale, std::abs(double(a[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

TYPED_TEST(BackendAgreement, HeterogeneousFieldsAndLedgerOnEveryScheme) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod}) {
    const auto cpu = stepped<TypeParam>(BackendKind::cpu, scheme, 200);
    const auto gpu = stepped<TypeParam>(BackendKind::cuda, scheme, 200);
    EXPECT_LE(relative_difference(cpu.concentration(0), gpu.concentration(0)), this->bound())
        << to_string(scheme);
    EXPECT_LE(relative_difference(cpu.bound(0), gpu.bound(0)), this->bound()) << to_string(scheme);
    EXPECT_LE(relative_difference(cpu.internalised(0), gpu.internalised(0)), this->bound())
        << to_string(scheme);
    const SpeciesLedger la = cpu.ledger(0), lb = gpu.ledger(0);
    for (auto [x, y] : {std::pair{la.degraded, lb.degraded}, {la.cleared, lb.cleared},
                        {la.entered_top, lb.entered_top}, {la.lost_bottom, lb.lost_bottom},
                        {la.added_by_source, lb.added_by_source}, {la.bound_net, lb.bound_net},
                        {la.internalised, lb.internalised}, {la.stored(), lb.stored()}})
      EXPECT_LE(std::abs(x - y), this->bound() * std::max(std::abs(x), 1e-30)) << to_string(scheme);
    const double ledger_bound = std::is_same_v<TypeParam, double> ? 1e-12 : 1e-4;
    EXPECT_LE(lb.balance_residual(), ledger_bound) << to_string(scheme);
  }
}

// Batched launches on CUDA (one launch per kernel for all channels, per-channel sweep scratch
// and transposes) against the CPU stepping one species at a time: five species with other
// coefficients each, reactions in three, sources (test_support::stepped_multi_species); all
// species in one batch and batches of 2 (a partial one). The CPU runs its reactions in passes of
// their own, CUDA fuses the closing ones into the diffusion passes (SimulationOptions).
template <class Real>
Simulation<Real> stepped_species(BackendKind backend, Scheme scheme,
                                 const SimulationOptions& options, int steps) {
  return test_support::stepped_multi_species<Real>(backend, scheme, options, 5, steps);
}

TYPED_TEST(BackendAgreement, BatchedChannelsAgreeWithOneByOneOnTheCpu) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod}) {
    const auto cpu = stepped_species<TypeParam>(
        BackendKind::cpu, scheme, SimulationOptions{.species_per_batch = 1, .fuse_reactions = false},
        100);
    for (int per_batch : {0, 2}) {
      const auto gpu = stepped_species<TypeParam>(
          BackendKind::cuda, scheme, SimulationOptions{.species_per_batch = per_batch}, 100);
      for (int s = 0; s < cpu.species_count(); ++s) {
        const std::string where = std::string(to_string(scheme)) + ", species " +
                                  std::to_string(s) + ", " + std::to_string(per_batch) +
                                  " per batch";
        EXPECT_LE(relative_difference(cpu.concentration(s), gpu.concentration(s)), this->bound())
            << where;
        EXPECT_LE(relative_difference(cpu.bound(s), gpu.bound(s)), this->bound()) << where;
        EXPECT_LE(relative_difference(cpu.internalised(s), gpu.internalised(s)), this->bound())
            << where;
        const SpeciesLedger la = cpu.ledger(s), lb = gpu.ledger(s);
        for (auto [x, y] : {std::pair{la.degraded, lb.degraded}, {la.cleared, lb.cleared},
                            {la.entered_top, lb.entered_top}, {la.lost_bottom, lb.lost_bottom},
                            {la.added_by_source, lb.added_by_source},
                            {la.bound_net, lb.bound_net}, {la.internalised, lb.internalised},
                            {la.stored(), lb.stored()}})
          EXPECT_LE(std::abs(x - y), this->bound() * std::max(std::abs(x), 1e-30)) << where;
      }
    }
  }
}

// Every analytic case at its default resolution gives the same error on both backends,
// explicit and with 50 ADI and LOD steps.
TYPED_TEST(BackendAgreement, AnalyticCases) {
  for (const auto& info : validation::case_catalogue()) {
    for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod}) {
      if (validation::is_time_case(info.id) && scheme != Scheme::explicit_euler) continue;
      const int steps = scheme == Scheme::explicit_euler ? 0 : 50;
      const auto cpu = validation::run_case<TypeParam>(info.id, {BackendKind::cpu, scheme, steps},
                                                       info.default_level);
      const auto gpu = validation::run_case<TypeParam>(info.id, {BackendKind::cuda, scheme, steps},
                                                       info.default_level);
      for (std::size_t q = 0; q < cpu.errors.size(); ++q)
        EXPECT_NEAR(gpu.errors[q].error, cpu.errors[q].error,
                    std::max(1e-3 * cpu.errors[q].error,
                             std::is_same_v<TypeParam, double> ? 1e-12 : 1e-5))
            << info.name << " " << to_string(scheme) << " " << cpu.errors[q].quantity;
    }
  }
}

}  // namespace

// CUDA step graphs (host/step_graphs.hpp): fixed steps that repeat are replayed as graphs, and
// give the fields of the same steps launched kernel by kernel, bit for bit (the same kernels on
// the same device; only the tallies' atomics may sum in another order). Constant sources make
// the steps repeat; three species in batches of 1 rotate their buffers, so several graphs.
namespace graphs {
template <class Real>
Simulation<Real> stepped_with_graphs(Scheme scheme, bool graphs, bool constant_source) {
  Simulation<Real> sim(test_support::random_multi_species_problem(
                           {.losses = true, .open_ends = true, .periodic = true, .reactions = true},
                           3),
                       BackendKind::cuda, scheme,
                       SimulationOptions{.species_per_batch = 1, .cuda_graphs = graphs});
  const std::size_t voxels = sim.problem().grid.voxel_count();
  for (int s = 0; s < 3; ++s)
    sim.set_concentration(s, test_support::random_field<Real>(voxels, 30 + s));
  std::function<double(double)> envelope;
  if (!constant_source) envelope = [](double t) { return std::exp(-t); };
  sim.set_source(1, test_support::random_field<Real>(voxels, 40), envelope);
  const double dt = (scheme == Scheme::explicit_euler ? 0.9 : 5.0) * sim.explicit_dt_limit_s();
  sim.advance_to(40 * dt, dt);
  return sim;
}
}  // namespace graphs

TYPED_TEST(BackendAgreement, StepGraphsGiveTheKernelByKernelFieldsBitwise) {
  for (Scheme scheme : {Scheme::explicit_euler, Scheme::adi, Scheme::lod})
    for (bool constant_source : {true, false}) {
      const auto plain = graphs::stepped_with_graphs<TypeParam>(scheme, false, constant_source);
      const auto replayed = graphs::stepped_with_graphs<TypeParam>(scheme, true, constant_source);
      const std::string where = std::string(to_string(scheme)) +
                                (constant_source ? ", constant source" : ", decaying source");
      // Repeating steps are replayed; steps whose source changes never repeat.
      if (constant_source)
        EXPECT_GT(replayed.step_graphs_held(), 0u) << where;
      else
        EXPECT_EQ(replayed.step_graphs_held(), 0u) << where;
      EXPECT_EQ(plain.step_graphs_held(), 0u);
      EXPECT_EQ(plain.time_s(), replayed.time_s()) << where;
      EXPECT_EQ(plain.steps_taken(), replayed.steps_taken()) << where;
      for (int s = 0; s < 3; ++s) {
        EXPECT_EQ(plain.concentration(s), replayed.concentration(s)) << where << ", species " << s;
        EXPECT_EQ(plain.bound(s), replayed.bound(s)) << where << ", species " << s;
        EXPECT_EQ(plain.internalised(s), replayed.internalised(s)) << where << ", species " << s;
        const SpeciesLedger a = plain.ledger(s), b = replayed.ledger(s);
        EXPECT_NEAR(a.degraded, b.degraded, 1e-9 * std::abs(a.degraded)) << where;
        EXPECT_NEAR(a.added_by_source, b.added_by_source, 1e-9 * std::abs(a.added_by_source))
            << where;
      }
    }
}

// Snapshots copied on the side stream while later steps are launched (tests/snapshot_check.hpp).
TYPED_TEST(BackendAgreement, SnapshotsHoldTheirTimeWhileLaterStepsRun) {
  test_support::expect_snapshot_holds_its_time<TypeParam>(BackendKind::cuda);
}
