// CUDA launch of the per-voxel reactions of kernels/reactions.hpp, every lane of a batch in
// one launch (kernels/cuda/lanes.cuh).
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/lanes.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"

namespace skinrd::kernels::cuda {
namespace {

template <class Real>
__global__ void react_kernel(const Channel<Real>* lanes, int first, GridView<Real> grid,
                             Real t_s) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
    react_voxel_tallied(ch.species.coeffs[grid.material[idx]], grid.volume_um3(k), t_s,
                        ch.free[idx], ch.bound[idx], ch.internalised[idx], local);
  }
  add_block_tallies(local, ch.tallies);
}

}  // namespace

template <class Real>
void react(const GridView<Real>& grid, const ChannelBatch<Real>& batch, Real t_s) {
  launch_per_lane(react_kernel<Real>, grid.voxel_count(), batch, grid, t_s);
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REACTIONS)

}  // namespace skinrd::kernels::cuda
