// Thrust reductions on the device: amounts per layer (ledger) and the step controller's norms.
#include <thrust/execution_policy.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cuda {
namespace {

template <class Real>
struct VoxelAmount {
  GridView<Real> grid;
  const Real* concentration;
  __host__ __device__ double operator()(std::size_t idx) const {
    return voxel_amount(grid, concentration, idx);
  }
};

template <class Real>
struct AbsDifferenceAndValue {
  const Real* a;
  const Real* b;
  __host__ __device__ MaxAbs operator()(std::size_t idx) const {
    const double value = static_cast<double>(a[idx]);
    return {::fabs(value - static_cast<double>(b[idx])), ::fabs(value)};
  }
};

struct MaxOfBoth {
  __host__ __device__ MaxAbs operator()(const MaxAbs& x, const MaxAbs& y) const {
    return {::fmax(x.difference, y.difference), ::fmax(x.value, y.value)};  // NaN-ignoring
  }
};

}  // namespace

template <class Real>
double amount(const GridView<Real>& grid, const Real* concentration, int k_begin, int k_end) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  return thrust::transform_reduce(
      thrust::cuda::par.on(compute_stream()), thrust::counting_iterator<std::size_t>(plane * k_begin),
      thrust::counting_iterator<std::size_t>(plane * k_end),
      VoxelAmount<Real>{grid, concentration}, 0.0, thrust::plus<double>());
}

template <class Real>
MaxAbs max_abs_difference(const Real* a, const Real* b, std::size_t n) {
  return thrust::transform_reduce(thrust::cuda::par.on(compute_stream()),
                                  thrust::counting_iterator<std::size_t>(0),
                                  thrust::counting_iterator<std::size_t>(n),
                                  AbsDifferenceAndValue<Real>{a, b}, MaxAbs{0.0, 0.0}, MaxOfBoth{});
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REDUCTIONS)

}  // namespace skinrd::kernels::cuda
