// OpenMP loops over the per-voxel transport functions of kernels/transport.hpp.
#include <algorithm>

#include "kernels/instantiate.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cpu {

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const SpeciesView<Real>& sp, Real* next, Real dt_s, Real source_scale,
                   double* tallies) {
  double sums[tally_count] = {};
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : sums[:tally_count])
  for (int k = 0; k < grid.nz; ++k) {
    for (int j = 0; j < grid.ny; ++j) {
      for (int i = 0; i < grid.nx; ++i) {
        const VoxelUpdate<Real> r = explicit_voxel_step(grid, bc, sp, i, j, k, dt_s, source_scale);
        next[grid.index(i, j, k)] = r.concentration;
        for (int t = 0; t < tally_count; ++t) sums[t] += r.tally[t];
      }
    }
  }
  for (int t = 0; t < tally_count; ++t) tallies[t] += sums[t];
}

template <class Real>
Real max_explicit_rate_per_s(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                             const MaterialCoeffs<Real>* coeffs) {
  Real rate = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(max : rate)
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        rate = std::max(rate, explicit_rate_bound_per_s(grid, bc, coeffs, i, j, k));
  return rate;
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)
template float max_explicit_rate_per_s<float>(const GridView<float>&, const BoundaryView<float>&,
                                              const MaterialCoeffs<float>*);
template double max_explicit_rate_per_s<double>(const GridView<double>&,
                                                const BoundaryView<double>&,
                                                const MaterialCoeffs<double>*);

}  // namespace skinrd::kernels::cpu
