// OpenMP reductions: amounts per layer (ledger) and the step controller's norms.
#include <algorithm>
#include <cmath>

#include "kernels/instantiate.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cpu {

template <class Real>
double amount(const GridView<Real>& grid, const Real* concentration, int k_begin, int k_end) {
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const auto first = static_cast<std::ptrdiff_t>(plane * k_begin);
  const auto last = static_cast<std::ptrdiff_t>(plane * k_end);
  double total = 0;
#pragma omp parallel for schedule(static) reduction(+ : total)
  for (std::ptrdiff_t idx = first; idx < last; ++idx)
    total += voxel_amount(grid, concentration, static_cast<std::size_t>(idx));
  return total;
}

template <class Real>
MaxAbs max_abs_difference(const Real* a, const Real* b, std::size_t n) {
  double difference = 0, value = 0;
#pragma omp parallel for schedule(static) reduction(max : difference, value)
  for (std::size_t idx = 0; idx < n; ++idx) {
    difference = std::max(difference, std::abs(static_cast<double>(a[idx]) - static_cast<double>(b[idx])));
    value = std::max(value, std::abs(static_cast<double>(a[idx])));
  }
  return {difference, value};
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REDUCTIONS)

}  // namespace skinrd::kernels::cpu
