// OpenMP loops over the implicit-scheme functions of kernels/implicit.hpp. Lines along x are
// contiguous; lines along y and z are taken with x innermost, so neighbouring lines share
// cache lines.
#include "kernels/cpu/parallel_for.hpp"
#include "kernels/implicit.hpp"
#include "kernels/instantiate.hpp"

namespace skinrd::kernels::cpu {

template <class Real>
void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                  const SpeciesView<Real>& sp, Real* rhs, Real dt_s, Real source_scale) {
  for_each_voxel(grid, [&](int i, int j, int k) {
    rhs[grid.index(i, j, k)] = kernels::implicit_rhs(grid, bc, sp, i, j, k, dt_s, source_scale);
  });
}

template <class Real>
void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                         const SpeciesView<Real>& sp, Real* data, Real dt_s, Real source_scale) {
  for_each_voxel(grid, [&](int i, int j, int k) {
    data[grid.index(i, j, k)] += constant_inflow(grid, bc, sp, i, j, k, dt_s, source_scale);
  });
}

template <class Real>
void line_sweep(const GridView<Real>& grid, const std::uint8_t*, const BoundaryView<Real>& bc,
                const MaterialCoeffs<Real>* coeffs, int axis, Real theta_dt_s, Real* data,
                Real* scratch) {
  Real* cp = scratch;
  Real* q = scratch + grid.voxel_count();
  if (axis == 0) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j)
        solve_line(grid, bc, coeffs, 0, 0, j, k, theta_dt_s, data, cp, q);
  } else if (axis == 1) {
#pragma omp parallel for schedule(static)
    for (int k = 0; k < grid.nz; ++k)
      for (int i = 0; i < grid.nx; ++i)
        solve_line(grid, bc, coeffs, 1, i, 0, k, theta_dt_s, data, cp, q);
  } else {
#pragma omp parallel for schedule(static)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        solve_line(grid, bc, coeffs, 2, i, j, 0, theta_dt_s, data, cp, q);
  }
}

template <class Real>
void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                      const SpeciesView<Real>& sp, const Real* c_new, Real theta, Real dt_s,
                      Real source_scale, double* tallies) {
  double sums[tally_count] = {};
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : sums[:tally_count])
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const VoxelUpdate<Real> r =
            kernels::implicit_tallies(grid, bc, sp, c_new, i, j, k, theta, dt_s, source_scale);
        for (int t = 0; t < tally_count; ++t) sums[t] += r.tally[t];
      }
  for (int t = 0; t < tally_count; ++t) tallies[t] += sums[t];
}

template <class Real>
void add_arrays(Real* out, const Real* a, const Real* b, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t idx = 0; idx < n; ++idx) out[idx] = a[idx] + b[idx];
}

template <class Real>
void axpy(Real* out, Real factor, const Real* x, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t idx = 0; idx < n; ++idx) out[idx] += factor * x[idx];
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)

}  // namespace skinrd::kernels::cpu
