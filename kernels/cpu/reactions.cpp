// OpenMP loop over the per-voxel reactions of kernels/reactions.hpp.
#include "kernels/cpu/parallel_for.hpp"
#include "kernels/cpu/react_row.hpp"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"

namespace skinrd::kernels::cpu {
namespace {

template <class Real>
void react_channel(const GridView<Real>& grid, const MaterialCoeffs<Real>* coeffs, Real* c_free,
                   Real* c_bound, Real* c_internalised, Real t_s, double* tallies) {
  double total[tally_count] = {};
#pragma omp parallel
  {
    double local[tally_count] = {};
#pragma omp for collapse(2) schedule(static) nowait
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = grid.index(0, j, k);
        react_row(grid, coeffs, k, start, t_s, c_free + start, c_bound + start,
                  c_internalised + start, local);
      }
#pragma omp critical
    for (int t = 0; t < tally_count; ++t) total[t] += local[t];
  }
  for (int t = 0; t < tally_count; ++t) tallies[t] += total[t];
}

}  // namespace

template <class Real>
void react(const GridView<Real>& grid, const ChannelBatch<Real>& batch, Real t_s) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    react_channel(grid, ch.species.coeffs, ch.free, ch.bound, ch.internalised, t_s, ch.tallies);
  });
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REACTIONS)

}  // namespace skinrd::kernels::cpu
