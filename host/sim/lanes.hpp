#pragma once
// The batch plan (which species step together, one lane each) and the cache of the batches'
// lane descriptors, which the backend reads at every launch.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "host/device_buffer.hpp"
#include "host/step_graphs.hpp"
#include "kernels/views.hpp"

namespace skinrd::sim {

// Device copies of a stage's lane descriptors kept per batch, so steps whose buffers rotate
// (with period batches + 1: the spares pass from batch to batch) find theirs held instead of
// uploading, and a graph's stay valid.
inline int lane_descriptor_copies(int batches) { return batches + 2; }

// Batches: species [first, end) of batch b, and the batches a step launches (all, or the one
// the lean step controller steps alone).
class BatchPlan {
 public:
  BatchPlan(int species, int batch_size) : species_(species), batch_size_(batch_size) {}
  int batch_size() const { return batch_size_; }
  int count() const { return (species_ + batch_size_ - 1) / batch_size_; }
  int first(int batch) const { return batch * batch_size_; }
  int end(int batch) const { return std::min(species_, (batch + 1) * batch_size_); }
  int place(int species) const { return species % batch_size_; }  // its lane in its batch
  int first_stepped() const { return only_ < 0 ? 0 : only_; }
  int end_stepped() const { return only_ < 0 ? count() : only_ + 1; }
  void step_only(int batch) { only_ = batch; }  // -1: all

 private:
  int species_, batch_size_;
  int only_ = -1;
};

enum class Stage { react, diffuse };

template <class Real>
class LaneCache {
 public:
  // lanes: descriptors per slot (batch × stage) held in backend memory; `copies` per slot.
  LaneCache(const Executor& executor, const std::vector<std::size_t>& lanes, int copies);

  // The lane descriptors of a stage, sent to the device only when they differ from the ones
  // the slot holds (asynchronously). While a step is captured nothing can be sent: the capture
  // is told it missed, and the batch returned is empty. Replacing a held copy clears the
  // graphs, which may read it.
  kernels::ChannelBatch<Real> stage_lanes(int batch, Stage stage,
                                          const std::vector<kernels::Channel<Real>>& lanes,
                                          StepGraphs& graphs);

 private:
  struct Slot {
    struct Copy {
      std::vector<kernels::Channel<Real>> held;     // what the device copy holds
      DeviceBuffer<kernels::Channel<Real>> device;  // backends that read device descriptors
    };
    std::vector<Copy> copies;
    int next_replaced = 0;  // round robin once all are in use
  };
  const Executor* executor_;
  std::vector<Slot> slots_;  // [batch][Stage]
};

}  // namespace skinrd::sim
