// CUDA launch of the per-voxel reactions of kernels/reactions.hpp.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"

namespace skinrd::kernels::cuda {
namespace {

template <class Real>
__global__ void react_kernel(GridView<Real> grid, const MaterialCoeffs<Real>* coeffs,
                             Real* c_free, Real* c_bound, Real* c_internalised, Real t_s,
                             double* tallies) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const MaterialCoeffs<Real>& m = coeffs[grid.material[idx]];
    if (has_reactions(m)) {
      const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
      const auto moved = react_voxel(m, grid.volume_um3(k), t_s, c_free[idx], c_bound[idx],
                                     c_internalised[idx]);
      local[Tally::bound_net] = moved.bound_net;
      local[Tally::internalised] = moved.internalised;
      local[Tally::degraded] = moved.bound_degraded;
    }
  }
  add_block_tallies(local, tallies);
}

}  // namespace

template <class Real>
void react(const GridView<Real>& grid, const MaterialCoeffs<Real>* coeffs, Real* c_free,
           Real* c_bound, Real* c_internalised, Real t_s, double* tallies) {
  if (grid.voxel_count() == 0) return;
  react_kernel<Real><<<blocks_for(grid.voxel_count()), kBlockSize>>>(
      grid, coeffs, c_free, c_bound, c_internalised, t_s, tallies);
  SKINRD_CUDA_CHECK_LAUNCH();
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REACTIONS)

}  // namespace skinrd::kernels::cuda
