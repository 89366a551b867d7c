#pragma once
// CUDA graphs of whole time steps (Simulation::step on CUDA): a step that repeats one already
// taken, with the same dt, the same buffers in the same roles and the same source factors,
// is replayed as one graph launch instead of its dozen kernel launches, so launch overhead
// vanishes for small grids. Owns the instantiated graphs and the one capture context: while a
// step is captured, the parts that would upload or allocate ask capturing() and report miss().
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "host/executor/executor.hpp"

namespace skinrd {

// Everything a step's launches depend on that can change between steps without the
// Simulation invalidating its graphs: anything else (coefficients, boundaries, sources,
// materials) clears them.
struct StepGraphKey {
  double dt_s = 0;
  std::vector<const void*> buffers;   // the free fields and the spares, in their current roles
  std::vector<double> source_factors;  // every source's factor over the step
  bool operator==(const StepGraphKey&) const = default;
};

class StepGraphs {
 public:
  // What replaying a graph does on the host: the same swaps of free fields and spares
  // (species, place in the batch) as the captured step.
  struct Recorded {
    Executor::Graph exec = nullptr;
    std::vector<std::pair<int, int>> swaps;
  };

  explicit StepGraphs(const Executor& executor) : executor_(&executor) {}
  StepGraphs(const StepGraphs&) = delete;
  StepGraphs& operator=(const StepGraphs&) = delete;
  StepGraphs(StepGraphs&& other) noexcept { swap(other); }
  StepGraphs& operator=(StepGraphs&& other) noexcept {
    swap(other);
    return *this;
  }
  ~StepGraphs() { clear(); }

  enum class Outcome { replayed, captured, not_run };
  // Replays the graph of a step with this key (calling swap for each of its swaps), or
  // captures take_step when a step with this key was taken before and launches the graph;
  // not_run when the step must be launched kernel by kernel (a failed capture's swaps undone).
  // take_step reports each swap it makes with note_swap.
  Outcome run(StepGraphKey key, const std::function<void()>& take_step,
              const std::function<void(int species, int place)>& swap);
  // The capture context: whether a step is being captured now, and a part of it that could
  // not be (an upload or an allocation), which drops the capture.
  bool capturing() const { return capturing_; }
  void miss() { missed_ = true; }
  void note_swap(int species, int place) {
    if (capturing_) swaps_.emplace_back(species, place);
  }

  const Recorded* find(const StepGraphKey& key) const;
  // Whether a step with this key was taken before (its lane descriptors are then held, so
  // capturing it uploads nothing); remembers it otherwise.
  bool seen_before(const StepGraphKey& key);
  // Whether another capture is worth it: a run whose steps never repeat stops capturing.
  bool may_capture() const { return captures_left_ > 0; }
  // Takes ownership of a captured graph (counted against may_capture) and returns it; beyond
  // kMaxGraphs the oldest is destroyed.
  const Recorded& add(StepGraphKey key, Recorded recorded);
  void count_failed_capture() { --captures_left_; }
  // Destroys every graph (after the device has finished them) and forgets the keys seen.
  void clear() noexcept;
  std::size_t size() const { return graphs_.size(); }

 private:
  static constexpr std::size_t kMaxGraphs = 16, kMaxSeen = 32;
  void swap(StepGraphs& other) noexcept {
    std::swap(executor_, other.executor_);
    graphs_.swap(other.graphs_);
    seen_.swap(other.seen_);
    std::swap(captures_left_, other.captures_left_);
    std::swap(capturing_, other.capturing_);
    std::swap(missed_, other.missed_);
    swaps_.swap(other.swaps_);
  }
  const Executor* executor_ = nullptr;
  std::vector<std::pair<StepGraphKey, Recorded>> graphs_;
  std::vector<StepGraphKey> seen_;
  int captures_left_ = 64;
  // While a step is captured: the swaps it made, and whether it needed descriptors not held
  // (an upload cannot be captured: that capture is dropped and the step launched normally).
  bool capturing_ = false, missed_ = false;
  std::vector<std::pair<int, int>> swaps_;
};

}  // namespace skinrd
