#pragma once
// Batched launches: the channel of a block is blockIdx.y (plus the chunk's first channel), so
// one launch covers a whole batch; more than 65535 channels launch in chunks.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/views.hpp"

namespace skinrd::kernels::cuda {

constexpr int kMaxChannelsPerLaunch = 65535;  // gridDim.y limit

// Calls launch(first, count) for each chunk of at most kMaxChannelsPerLaunch channels.
template <class Launch>
void for_channel_chunks(int channel_count, Launch&& launch) {
  for (int first = 0; first < channel_count; first += kMaxChannelsPerLaunch) {
    const int rest = channel_count - first;
    launch(first, rest < kMaxChannelsPerLaunch ? rest : kMaxChannelsPerLaunch);
  }
}

// Launches kernel(channels, first, args...) with `threads` threads per channel for every chunk
// of the batch: blocks along x, the chunk's channels along y.
template <class Real, class... Params, class... Args>
void launch_per_channel(void (*kernel)(const Channel<Real>*, int, Params...), std::size_t threads,
                        const ChannelBatch<Real>& batch, const Args&... args) {
  if (threads == 0) return;
  for_channel_chunks(batch.count, [&](int first, int count) {
    kernel<<<dim3(blocks_for(threads), count), kBlockSize, 0, compute_stream()>>>(batch.device,
                                                                           first, args...);
    SKINRD_CUDA_CHECK_LAUNCH();
  });
}

// The index in the batch of this block's channel.
__device__ inline int channel_of_block(int first) { return first + static_cast<int>(blockIdx.y); }

}  // namespace skinrd::kernels::cuda
