#pragma once
// The species state: every species' free, bound and internalised fields and ledger tallies in
// backend memory, the doses and removals tallied on the host, the clock (time, steps, the
// Rannacher start-up steps left), and what is read of them: amounts, ledgers, snapshots, and
// the saved copies the step controller compares and goes back to.
#include <cstddef>
#include <string>
#include <vector>

#include "host/device_buffer.hpp"
#include "host/ledger.hpp"
#include "host/sim/footprint.hpp"
#include "host/snapshot.hpp"
#include "kernels/views.hpp"

namespace skinrd::sim {

// The Rannacher start-up steps after t = 0 and every discontinuity.
inline constexpr int kRannacherSteps = 3;

struct Clock {
  double time_s = 0;
  long long steps = 0;
  int smoothing_steps_left = kRannacherSteps;
};

// A copy of what a step changes: fields (per species, or per place in a batch), tallies, clock.
template <class Real>
struct SavedState {
  std::vector<DeviceBuffer<Real>> field, bound, internalised;
  DeviceBuffer<double> tallies;
  Clock clock;
};

template <class Real>
class SpeciesState {
 public:
  SpeciesState(const Executor& executor, const Layout& layout);

  bool has_bound_field(int species) const { return bound[species].size() > 0; }
  // Amount in cell layers [k_begin, k_end) of a field (0 for an empty one).
  double amount(const kernels::GridView<Real>& grid, const DeviceBuffer<Real>& field, int k_begin,
                int k_end) const;
  // Replaces a field; returns the change of amount. `key` names it in errors.
  double replace_field(const kernels::GridView<Real>& grid, DeviceBuffer<Real>& field,
                       const std::vector<Real>& values, const std::string& key);
  SpeciesLedger ledger(const kernels::GridView<Real>& grid, const Problem& problem,
                       int species) const;
  FieldSnapshot<Real> snapshot(const kernels::GridView<Real>& grid, const Problem& problem,
                               const std::vector<int>& species) const;
  double* tallies_of(int species) { return tallies.data() + species * kernels::tally_count; }

  // All species into `to` (free_only: the free fields alone, no tallies or clock), and back.
  void save(SavedState<Real>& to, bool free_only) const;
  void restore(const SavedState<Real>& from);
  // The species [first, end) of a batch, at their places in it (a place's buffers only grow),
  // with the tallies and the clock unless free_only; and back.
  void save_batch(SavedState<Real>& to, int first, int end, bool free_only) const;
  void restore_batch(const SavedState<Real>& from, int first, int end);
  // max over species [first, end) of max|c − saved| / max|c| (0 where c is all zero), the
  // saved free fields indexed by species (by_place false) or by place from first.
  double error(const SavedState<Real>& saved, int first, int end, bool by_place) const;

  std::vector<DeviceBuffer<Real>> field;  // per species, free
  std::vector<DeviceBuffer<Real>> bound, internalised;  // per species, empty without reactions
  DeviceBuffer<double> tallies;  // [species][tally_count]
  std::vector<double> dosed, removed;
  Clock clock;

 private:
  void restore_range(const SavedState<Real>& from, int first, int end, bool by_place);
  void save_tallies_and_clock(SavedState<Real>& to) const;
  const Executor* executor_;
};

}  // namespace skinrd::sim
