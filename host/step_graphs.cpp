#include "host/step_graphs.hpp"

#include <algorithm>

namespace skinrd {

const StepGraphs::Recorded* StepGraphs::find(const StepGraphKey& key) const {
  for (const auto& [held, recorded] : graphs_)
    if (held == key) return &recorded;
  return nullptr;
}

bool StepGraphs::seen_before(const StepGraphKey& key) {
  if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return true;
  if (seen_.size() == kMaxSeen) seen_.erase(seen_.begin());
  seen_.push_back(key);
  return false;
}

const StepGraphs::Recorded& StepGraphs::add(StepGraphKey key, Recorded recorded) {
  --captures_left_;
  if (graphs_.size() == kMaxGraphs) {
    executor_->synchronize();  // it may still be running
    executor_->destroy_graph(graphs_.front().second.exec);
    graphs_.erase(graphs_.begin());
  }
  graphs_.emplace_back(std::move(key), std::move(recorded));
  return graphs_.back().second;
}

StepGraphs::Outcome StepGraphs::run(StepGraphKey key, const std::function<void()>& take_step,
                                    const std::function<void(int, int)>& swap) {
  if (const Recorded* recorded = find(key)) {
    executor_->launch(recorded->exec);
    for (const auto& [species, place] : recorded->swaps) swap(species, place);
    return Outcome::replayed;
  }
  if (!may_capture() || !seen_before(key)) return Outcome::not_run;
  swaps_.clear();
  missed_ = false;
  executor_->begin_capture();
  capturing_ = true;
  Executor::Graph exec = nullptr;
  bool captured = false;
  try {
    take_step();
    capturing_ = false;
    exec = executor_->end_capture();
    captured = !missed_;
  } catch (...) {
    // Nothing of the captured step ran: it is undone below and launched kernel by kernel,
    // which reports an error that is not the capture's own.
    if (capturing_) {
      capturing_ = false;
      try {
        executor_->destroy_graph(executor_->end_capture());
      } catch (...) {
        // the capture is over either way
      }
    }
  }
  if (!captured) {
    executor_->destroy_graph(exec);
    count_failed_capture();
    for (auto undone = swaps_.rbegin(); undone != swaps_.rend(); ++undone)
      swap(undone->first, undone->second);
    return Outcome::not_run;
  }
  executor_->launch(add(std::move(key), {exec, swaps_}).exec);
  return Outcome::captured;
}

void StepGraphs::clear() noexcept {
  if (!graphs_.empty()) {
    try {
      executor_->synchronize();
    } catch (...) {
      // a failed device: destroying is all that is left to do
    }
    for (auto& entry : graphs_) executor_->destroy_graph(entry.second.exec);
  }
  graphs_.clear();
  seen_.clear();
}

}  // namespace skinrd
