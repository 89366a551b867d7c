#pragma once
// Batched launches. A lane is one Channel of a ChannelBatch (kernels/views.hpp): one species of
// one ensemble member. The lane of a block is blockIdx.y (plus the chunk's first lane), so
// one launch covers a whole batch; more than 65535 lanes launch in chunks.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/views.hpp"

namespace skinrd::kernels::cuda {

constexpr int kMaxLanesPerLaunch = 65535;  // gridDim.y limit

// Calls launch(first, count) for each chunk of at most kMaxLanesPerLaunch lanes.
template <class Launch>
void for_lane_chunks(int lane_count, Launch&& launch) {
  for (int first = 0; first < lane_count; first += kMaxLanesPerLaunch) {
    const int rest = lane_count - first;
    launch(first, rest < kMaxLanesPerLaunch ? rest : kMaxLanesPerLaunch);
  }
}

// Launches kernel(lanes, first, args...) with `threads` threads per lane for every chunk
// of the batch: blocks along x, the chunk's lanes along y.
template <class Real, class... Params, class... Args>
void launch_per_lane(void (*kernel)(const Channel<Real>*, int, Params...), std::size_t threads,
                        const ChannelBatch<Real>& batch, const Args&... args) {
  if (threads == 0) return;
  for_lane_chunks(batch.count, [&](int first, int count) {
    kernel<<<dim3(blocks_for(threads), count), kBlockSize, 0, compute_stream()>>>(batch.device,
                                                                           first, args...);
    SKINRD_CUDA_CHECK_LAUNCH();
  });
}

// The index in the batch of this block's lane.
__device__ inline int lane_of_block(int first) { return first + static_cast<int>(blockIdx.y); }

}  // namespace skinrd::kernels::cuda
