// CUDA launch of the explicit per-voxel transport step of kernels/transport.hpp.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cuda {
namespace {

template <class Real>
__global__ void explicit_step_kernel(GridView<Real> grid, BoundaryView<Real> bc,
                                     SpeciesView<Real> sp, Real* next, Real dt_s,
                                     Real source_scale, double* tallies) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const int i = static_cast<int>(idx % grid.nx);
    const int j = static_cast<int>((idx / grid.nx) % grid.ny);
    const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
    const VoxelUpdate<Real> r = explicit_voxel_step(grid, bc, sp, i, j, k, dt_s, source_scale);
    next[idx] = r.concentration;
    for (int t = 0; t < tally_count; ++t) local[t] = r.tally[t];
  }
  add_block_tallies(local, tallies);
}

}  // namespace

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const SpeciesView<Real>& sp, Real* next, Real dt_s, Real source_scale,
                   double* tallies) {
  if (grid.voxel_count() == 0) return;
  explicit_step_kernel<Real><<<blocks_for(grid.voxel_count()), kBlockSize>>>(
      grid, bc, sp, next, dt_s, source_scale, tallies);
  SKINRD_CUDA_CHECK_LAUNCH();
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)

}  // namespace skinrd::kernels::cuda
