#include "host/sim/species_state.hpp"

#include <algorithm>

#include "host/error.hpp"
#include "host/executor/operations.hpp"

namespace skinrd::sim {

template <class Real>
SpeciesState<Real>::SpeciesState(const Executor& executor, const Layout& layout)
    : tallies(executor, std::vector<double>(layout.tallies)), executor_(&executor) {
  const int species = static_cast<int>(layout.reacting.size());
  dosed.assign(species, 0.0);
  for (int s = 0; s < species; ++s) {
    field.emplace_back(executor, layout.free);
    bound.emplace_back(executor, layout.reacting[s]);
    internalised.emplace_back(executor, layout.reacting[s]);
  }
  removed.assign(species, 0.0);
}

template <class Real>
double SpeciesState<Real>::amount(const kernels::GridView<Real>& grid,
                                  const DeviceBuffer<Real>& field, int k_begin, int k_end) const {
  if (field.size() == 0) return 0;
  return executor_->run(ops::amount, grid, field.data(), k_begin, k_end);
}

template <class Real>
double SpeciesState<Real>::replace_field(const kernels::GridView<Real>& grid,
                                         DeviceBuffer<Real>& field, const std::vector<Real>& values,
                                         const std::string& key) {
  if (field.size() == 0) throw ConfigError(key, "the species has no reactions, so no such field");
  if (values.size() != field.size())
    throw ConfigError(key, "needs " + std::to_string(field.size()) + " values, got " +
                               std::to_string(values.size()));
  const int nz = grid.nz;
  const double before = amount(grid, field, 0, nz);
  field.upload(values);
  clock.smoothing_steps_left = kRannacherSteps;
  return amount(grid, field, 0, nz) - before;
}

template <class Real>
SpeciesLedger SpeciesState<Real>::ledger(const kernels::GridView<Real>& grid,
                                         const Problem& problem, int species) const {
  SpeciesLedger ledger;
  ledger.species = problem.materials.species_name(species);
  for (const LayerRange& layer : problem.grid.layers) {
    ledger.layer_names.push_back(layer.name);
    ledger.free_by_layer.push_back(amount(grid, field[species], layer.k_begin, layer.k_end));
    ledger.bound_by_layer.push_back(amount(grid, bound[species], layer.k_begin, layer.k_end));
    ledger.internalised_by_layer.push_back(
        amount(grid, internalised[species], layer.k_begin, layer.k_end));
  }
  const std::vector<double> all = tallies.download();
  const double* t = all.data() + species * kernels::tally_count;
  ledger.dosed = dosed[species];
  ledger.removed = removed[species];
  ledger.entered_top = t[kernels::Tally::entered_top];
  ledger.added_by_source = t[kernels::Tally::added_by_source];
  ledger.degraded = t[kernels::Tally::degraded];
  ledger.cleared = t[kernels::Tally::cleared];
  ledger.lost_bottom = t[kernels::Tally::lost_bottom];
  ledger.bound_net = t[kernels::Tally::bound_net];
  ledger.internalised = t[kernels::Tally::internalised];
  return ledger;
}

template <class Real>
FieldSnapshot<Real> SpeciesState<Real>::snapshot(const kernels::GridView<Real>& grid,
                                                 const Problem& problem,
                                                 const std::vector<int>& species) const {
  FieldSnapshot<Real> snap(*executor_, clock.time_s);
  std::vector<kernels::HostCopy> copies;
  auto copy = [&](const DeviceBuffer<Real>& from) {
    HostArray<Real> to(*executor_, from.size());
    copies.push_back({to.data(), from.data(), from.bytes()});
    return to;
  };
  for (int s : species) {
    typename FieldSnapshot<Real>::Species copied;
    copied.free = copy(field[s]);
    copied.bound = copy(bound[s]);
    copied.internalised = copy(internalised[s]);
    // Per-layer amounts reduced on the backend now: a few passes, the fields stay put.
    copied.ledger = ledger(grid, problem, s);
    snap.species_.push_back(std::move(copied));
  }
  snap.copied_ = executor_->copy_to_host_async(copies.data(), copies.size());
  return snap;
}

namespace {

template <class Real>
void copy_all(std::vector<DeviceBuffer<Real>>& to, const std::vector<DeviceBuffer<Real>>& from,
              const Executor& executor) {
  if (to.size() != from.size()) {
    to.clear();
    for (const auto& buffer : from) to.emplace_back(executor, buffer.size());
  }
  for (std::size_t s = 0; s < from.size(); ++s) to[s].copy_from(from[s]);
}

template <class Real>
void ensure(std::vector<DeviceBuffer<Real>>& buffers, int place, std::size_t size,
            const Executor& executor) {
  if (static_cast<int>(buffers.size()) <= place) buffers.resize(place + 1);
  if (buffers[place].size() < size) buffers[place] = DeviceBuffer<Real>(executor, size);
}

}  // namespace

template <class Real>
void SpeciesState<Real>::save(SavedState<Real>& to, bool free_only) const {
  copy_all(to.field, field, *executor_);
  if (free_only) return;
  copy_all(to.bound, bound, *executor_);
  copy_all(to.internalised, internalised, *executor_);
  save_tallies_and_clock(to);
}

template <class Real>
void SpeciesState<Real>::restore(const SavedState<Real>& from) {
  restore_range(from, 0, static_cast<int>(field.size()), false);
}

// A place's buffers only grow (to a field's size where some species at that place has the
// field): batches alternating reacting and non-reacting species do not reallocate each step.
template <class Real>
void SpeciesState<Real>::save_batch(SavedState<Real>& to, int first, int end,
                                    bool free_only) const {
  for (int s = first; s < end; ++s) {
    const int place = s - first;
    ensure(to.field, place, field[s].size(), *executor_);
    to.field[place].copy_from(field[s]);
    if (free_only) continue;
    ensure(to.bound, place, bound[s].size(), *executor_);
    ensure(to.internalised, place, internalised[s].size(), *executor_);
    if (bound[s].size()) to.bound[place].copy_from(bound[s]);
    if (internalised[s].size()) to.internalised[place].copy_from(internalised[s]);
  }
  if (free_only) return;
  save_tallies_and_clock(to);
}

template <class Real>
void SpeciesState<Real>::restore_batch(const SavedState<Real>& from, int first, int end) {
  restore_range(from, first, end, true);
}

template <class Real>
void SpeciesState<Real>::restore_range(const SavedState<Real>& from, int first, int end,
                                       bool by_place) {
  for (int s = first; s < end; ++s) {
    const int n = by_place ? s - first : s;
    field[s].copy_from(from.field[n]);
    if (bound[s].size()) bound[s].copy_from(from.bound[n]);
    if (internalised[s].size()) internalised[s].copy_from(from.internalised[n]);
  }
  tallies.copy_from(from.tallies);
  clock = from.clock;
}

template <class Real>
void SpeciesState<Real>::save_tallies_and_clock(SavedState<Real>& to) const {
  if (to.tallies.size() != tallies.size())
    to.tallies = DeviceBuffer<double>(*executor_, tallies.size());
  to.tallies.copy_from(tallies);
  to.clock = clock;
}

template <class Real>
double SpeciesState<Real>::error(const SavedState<Real>& saved, int first, int end,
                                 bool by_place) const {
  double error = 0;
  for (int s = first; s < end; ++s) {
    const DeviceBuffer<Real>& a = field[s];
    const DeviceBuffer<Real>& b = saved.field[by_place ? s - first : s];
    const kernels::MaxAbs m = executor_->run(ops::max_abs_difference, a.data(), b.data(), a.size());
    error = std::max(error, m.value > 0 ? m.difference / m.value : 0.0);
  }
  return error;
}

template class SpeciesState<float>;
template class SpeciesState<double>;

}  // namespace skinrd::sim
