#include "host/sim/lanes.hpp"

#include <algorithm>

namespace skinrd::sim {

namespace {
template <class Real>
bool same_lane(const kernels::Channel<Real>& a, const kernels::Channel<Real>& b) {
  return a.species.coeffs == b.species.coeffs &&
         a.species.concentration == b.species.concentration &&
         a.species.source_per_s == b.species.source_per_s &&
         a.species.top_concentration == b.species.top_concentration &&
         a.species.bottom_concentration == b.species.bottom_concentration &&
         a.source_scale == b.source_scale && a.next == b.next && a.work == b.work &&
         a.free == b.free && a.bound == b.bound && a.internalised == b.internalised &&
         a.tallies == b.tallies && a.react_after_s == b.react_after_s;
}
}  // namespace

template <class Real>
LaneCache<Real>::LaneCache(const Executor& executor, const std::vector<std::size_t>& lanes,
                           int copies)
    : executor_(&executor), slots_(lanes.size()) {
  for (std::size_t n = 0; n < lanes.size(); ++n) {
    // The CPU launchers read the host descriptors of the call: one copy, no search.
    slots_[n].copies.resize(executor.reads_device_descriptors() ? copies : 1);
    if (lanes[n] > 0)
      for (auto& copy : slots_[n].copies)
        copy.device = DeviceBuffer<kernels::Channel<Real>>(executor, lanes[n]);
  }
}

template <class Real>
kernels::ChannelBatch<Real> LaneCache<Real>::stage_lanes(
    int batch, Stage stage, const std::vector<kernels::Channel<Real>>& lanes,
    StepGraphs& graphs) {
  Slot& slot = slots_[2 * batch + (stage == Stage::diffuse ? 1 : 0)];
  const int count = static_cast<int>(lanes.size());
  auto batch_of = [&](const typename Slot::Copy& copy) {
    return kernels::ChannelBatch<Real>{
        copy.held.data(), executor_->reads_device_descriptors() ? copy.device.data() : nullptr,
        count};
  };
  for (const auto& copy : slot.copies)
    if (copy.held.size() == lanes.size() &&
        std::equal(lanes.begin(), lanes.end(), copy.held.begin(), same_lane<Real>))
      return batch_of(copy);
  if (graphs.capturing()) {  // nothing runs during a capture: these launches are dropped with it
    graphs.miss();
    return {nullptr, nullptr, count};
  }
  auto unused = std::find_if(slot.copies.begin(), slot.copies.end(),
                             [](const auto& copy) { return copy.held.empty(); });
  typename Slot::Copy* copy = nullptr;
  if (unused != slot.copies.end()) {
    copy = &*unused;
  } else {
    copy = &slot.copies[slot.next_replaced];
    slot.next_replaced = (slot.next_replaced + 1) % static_cast<int>(slot.copies.size());
    graphs.clear();  // a graph may read the copy replaced
  }
  copy->held = lanes;
  // Stream-ordered after the launches that read the previous descriptors: no waiting.
  if (executor_->reads_device_descriptors())
    executor_->copy_from_host_async(copy->device.data(), copy->held.data(),
                                    copy->held.size() * sizeof(kernels::Channel<Real>));
  return batch_of(*copy);
}

template class LaneCache<float>;
template class LaneCache<double>;

}  // namespace skinrd::sim
