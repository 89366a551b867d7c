#pragma once
// Sums each thread's ledger tallies over its block in double and adds them to the
// device-resident tallies with one atomic per block and tally: the ledger never leaves the
// device inside a step.
#include <cub/block/block_reduce.cuh>

#include "kernels/views.hpp"

namespace skinrd::kernels::cuda {

constexpr int kBlockSize = 256;

__device__ inline void add_block_tallies(const double (&local)[tally_count], double* tallies) {
  using BlockReduce = cub::BlockReduce<double, kBlockSize>;
  __shared__ typename BlockReduce::TempStorage storage;
  for (int t = 0; t < tally_count; ++t) {
    const double block_sum = BlockReduce(storage).Sum(local[t]);
    if (threadIdx.x == 0 && block_sum != 0.0) atomicAdd(&tallies[t], block_sum);
    __syncthreads();
  }
}

inline unsigned blocks_for(std::size_t threads) {
  return static_cast<unsigned>((threads + kBlockSize - 1) / kBlockSize);
}

}  // namespace skinrd::kernels::cuda
