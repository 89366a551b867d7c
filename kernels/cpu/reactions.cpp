// OpenMP loop over the per-voxel reactions of kernels/reactions.hpp.
#include "kernels/cpu/parallel_for.hpp"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"

namespace skinrd::kernels::cpu {
namespace {

template <class Real>
void react_channel(const GridView<Real>& grid, const MaterialCoeffs<Real>* coeffs, Real* c_free,
                   Real* c_bound, Real* c_internalised, Real t_s, double* tallies) {
  double bound = 0, internalised = 0, degraded = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : bound, internalised, degraded)
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t idx = grid.index(i, j, k);
        const MaterialCoeffs<Real>& m = coeffs[grid.material[idx]];
        if (!has_reactions(m)) continue;
        const auto moved = react_voxel(m, grid.volume_um3(k), t_s, c_free[idx], c_bound[idx],
                                       c_internalised[idx]);
        bound += moved.bound_net;
        internalised += moved.internalised;
        degraded += moved.bound_degraded;
      }
  tallies[Tally::bound_net] += bound;
  tallies[Tally::internalised] += internalised;
  tallies[Tally::degraded] += degraded;
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
