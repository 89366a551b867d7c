#pragma once
// Host copies of fields for output, taken while the run goes on: on CUDA the copies go into
// pinned memory on a side stream (Executor::copy_to_host_async), so the host returns to
// stepping at once and a writer thread waits for them, computes the outputs and writes them.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/ledger.hpp"
#include "host/executor/executor.hpp"

namespace skinrd {

// A host array that copies from a backend land in: page-locked for CUDA, plain for the CPU.
template <class T>
class HostArray {
 public:
  HostArray() = default;
  HostArray(const Executor& executor, std::size_t size);
  HostArray(const HostArray&) = delete;
  HostArray& operator=(const HostArray&) = delete;
  HostArray(HostArray&& other) noexcept { swap(other); }
  HostArray& operator=(HostArray&& other) noexcept {
    swap(other);
    return *this;
  }
  ~HostArray();

  T* data() { return data_; }
  std::span<const T> view() const { return {data_, size_}; }

 private:
  void swap(HostArray& other) noexcept;
  const Executor* executor_ = nullptr;
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

namespace sim {
template <class Real>
class SpeciesState;
}  // namespace sim

// Some species' fields and ledger at one time (Simulation::snapshot).
template <class Real>
class FieldSnapshot {
 public:
  FieldSnapshot(FieldSnapshot&& other) noexcept;
  FieldSnapshot& operator=(FieldSnapshot&&) = delete;
  FieldSnapshot(const FieldSnapshot&) = delete;
  ~FieldSnapshot();

  // Blocks until the copies have landed; call before reading anything else.
  void wait();
  double time_s() const { return time_s_; }
  int species_count() const { return static_cast<int>(species_.size()); }
  // The n-th species asked for; bound and internalised are empty without reactions.
  std::span<const Real> free(int n) const { return species_[n].free.view(); }
  std::span<const Real> bound(int n) const { return species_[n].bound.view(); }
  std::span<const Real> internalised(int n) const { return species_[n].internalised.view(); }
  const SpeciesLedger& ledger(int n) const { return species_[n].ledger; }

 private:
  friend class sim::SpeciesState<Real>;
  FieldSnapshot(const Executor& executor, double time_s) : executor_(&executor), time_s_(time_s) {}
  struct Species {
    HostArray<Real> free, bound, internalised;
    SpeciesLedger ledger;
  };
  const Executor* executor_;
  double time_s_;
  std::vector<Species> species_;
  Executor::Event copied_ = nullptr;  // completes with the copies (none on the CPU)
};

}  // namespace skinrd
