#pragma once
// Output snapshots (Simulation::snapshot) hold the fields and ledger of the time they were taken,
// whatever the run does afterwards: the check shared by the CPU test (test_snapshot) and the
// CUDA one (test_backend_agreement), where later steps are launched while the side-stream copies
// may still be in flight.
#include <gtest/gtest.h>

#include <vector>

#include "random_problem.hpp"

namespace skinrd::test_support {

template <class Real>
void expect_snapshot_holds_its_time(BackendKind backend) {
  Simulation<Real> sim(random_multi_species_problem(
                           {.losses = true, .open_ends = true, .periodic = true, .reactions = true},
                           3),
                       backend, Scheme::adi);
  const std::size_t voxels = sim.problem().grid.voxel_count();
  for (int s = 0; s < 3; ++s) sim.set_concentration(s, random_field<Real>(voxels, 50 + s));
  const double dt = 5 * sim.explicit_dt_limit_s();
  for (int n = 0; n < 4; ++n) sim.step(dt);
  const std::vector<int> species = {2, 0};  // any order, a reacting species first
  std::vector<std::vector<Real>> free, bound, internalised;
  std::vector<SpeciesLedger> ledgers;
  for (int s : species) {
    free.push_back(sim.concentration(s));
    bound.push_back(sim.bound(s));
    internalised.push_back(sim.internalised(s));
    ledgers.push_back(sim.ledger(s));
  }
  FieldSnapshot<Real> snapshot = sim.snapshot(species);
  for (int n = 0; n < 6; ++n) sim.step(dt);  // overwrites every field the snapshot copied
  ASSERT_NE(sim.concentration(0), free[1]);
  snapshot.wait();
  EXPECT_EQ(snapshot.time_s(), 4 * dt);
  ASSERT_EQ(snapshot.species_count(), 2);
  for (int n = 0; n < 2; ++n) {
    auto as_vector = [](std::span<const Real> v) { return std::vector<Real>(v.begin(), v.end()); };
    EXPECT_EQ(as_vector(snapshot.free(n)), free[n]) << "species " << species[n];
    EXPECT_EQ(as_vector(snapshot.bound(n)), bound[n]) << "species " << species[n];
    EXPECT_EQ(as_vector(snapshot.internalised(n)), internalised[n]) << "species " << species[n];
    EXPECT_EQ(snapshot.ledger(n).free_by_layer, ledgers[n].free_by_layer);
    EXPECT_EQ(snapshot.ledger(n).degraded, ledgers[n].degraded);
    EXPECT_EQ(snapshot.ledger(n).bound_net, ledgers[n].bound_net);
  }
  EXPECT_FALSE(bound[0].empty());  // species 2 reacts: its bound field was copied too
}

}  // namespace skinrd::test_support
