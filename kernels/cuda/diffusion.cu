// CUDA launches of the per-voxel transport functions of kernels/transport.hpp.
#include <cub/block/block_reduce.cuh>
#include <thrust/execution_policy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/launchers.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cuda {
namespace {

constexpr int kBlockSize = 256;

template <class Real>
__global__ void explicit_step_kernel(GridView<Real> grid, BoundaryView<Real> bc,
                                     SpeciesView<Real> sp, Real* next, Real dt_s,
                                     Real source_scale, double* tallies) {
  using BlockReduce = cub::BlockReduce<double, kBlockSize>;
  __shared__ typename BlockReduce::TempStorage reduce_storage;

  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const int i = static_cast<int>(idx % grid.nx);
    const int j = static_cast<int>((idx / grid.nx) % grid.ny);
    const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
    const auto r = explicit_voxel_step(grid, bc, sp, i, j, k, dt_s, source_scale);
    next[idx] = r.concentration;
    for (int t = 0; t < tally_count; ++t) local[t] = r.tally[t];
  }
  // Per-block sums in double, one atomic per block and tally: the ledger stays on the device.
  for (int t = 0; t < tally_count; ++t) {
    const double block_sum = BlockReduce(reduce_storage).Sum(local[t]);
    if (threadIdx.x == 0 && block_sum != 0.0) atomicAdd(&tallies[t], block_sum);
    __syncthreads();
  }
}

template <class Real>
struct VoxelAmount {
  GridView<Real> grid;
  const Real* concentration;
  __host__ __device__ double operator()(std::size_t idx) const {
    return voxel_amount(grid, concentration, idx);
  }
};

}  // namespace

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const SpeciesView<Real>& sp, Real* next, Real dt_s, Real source_scale,
                   double* tallies) {
  const std::size_t voxels = grid.voxel_count();
  if (voxels == 0) return;
  const auto blocks = static_cast<unsigned>((voxels + kBlockSize - 1) / kBlockSize);
  explicit_step_kernel<Real>
      <<<blocks, kBlockSize>>>(grid, bc, sp, next, dt_s, source_scale, tallies);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
double amount(const GridView<Real>& grid, const Real* concentration, int k_begin, int k_end) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const thrust::counting_iterator<std::size_t> first(plane * k_begin);
  const thrust::counting_iterator<std::size_t> last(plane * k_end);
  return thrust::transform_reduce(thrust::device, first, last,
                                  VoxelAmount<Real>{grid, concentration}, 0.0,
                                  thrust::plus<double>());
}

#define SKINRD_INSTANTIATE(Real)                                                           \
  template void explicit_step<Real>(const GridView<Real>&, const BoundaryView<Real>&,      \
                                    const SpeciesView<Real>&, Real*, Real, Real, double*); \
  template double amount<Real>(const GridView<Real>&, const Real*, int, int);
SKINRD_INSTANTIATE(float)
SKINRD_INSTANTIATE(double)
#undef SKINRD_INSTANTIATE

}  // namespace skinrd::kernels::cuda
