#pragma once
// The CPU backend's voxel loop: z, y outer (shared among OpenMP threads), x innermost.
#include "kernels/views.hpp"

namespace skinrd::kernels::cpu {

template <class Real, class Body>
void for_each_voxel(const GridView<Real>& grid, Body&& body) {
#pragma omp parallel for collapse(2) schedule(static)
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) body(i, j, k);
}

// The CPU backend's batches: channel after channel, each with all threads in its own loops,
// so a channel's result is the single-species launch's, bit for bit.
template <class Real, class Body>
void for_each_channel(const ChannelBatch<Real>& batch, Body&& body) {
  for (int c = 0; c < batch.count; ++c) body(batch.host[c]);
}

}  // namespace skinrd::kernels::cpu
