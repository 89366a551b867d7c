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
