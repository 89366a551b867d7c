// CUDA launch of the explicit per-voxel transport step of kernels/transport.hpp (with the
// channel's closing reactions, kernels/reactions.hpp), every channel of a batch in one launch
// (kernels/cuda/channels.cuh).
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/channels.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cuda {
namespace {

template <class Real>
__global__ void explicit_step_kernel(const Channel<Real>* channels, int first,
                                     GridView<Real> grid, BoundaryView<Real> bc, Real dt_s) {
  const Channel<Real> ch = channels[channel_of_block(first)];
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const int i = static_cast<int>(idx % grid.nx);
    const int j = static_cast<int>((idx / grid.nx) % grid.ny);
    const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
    const VoxelUpdate<Real> r =
        explicit_voxel_step(grid, bc, ch.species, i, j, k, dt_s, ch.source_scale);
    for (int t = 0; t < tally_count; ++t) local[t] = r.tally[t];
    Real c = r.concentration;
    if (reacts_after(ch))
      react_voxel_tallied(ch.species.coeffs[grid.material[idx]], grid.volume_um3(k),
                          ch.react_after_s, c, ch.bound[idx], ch.internalised[idx], local);
    ch.next[idx] = c;
  }
  add_block_tallies(local, ch.tallies);
}

}  // namespace

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const ChannelBatch<Real>& batch, Real dt_s) {
  launch_per_channel(explicit_step_kernel<Real>, grid.voxel_count(), batch, grid, bc, dt_s);
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)

}  // namespace skinrd::kernels::cuda
