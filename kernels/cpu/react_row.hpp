#pragma once
// The reactions of one x row of voxels, shared by the CPU react pass and the diffusion passes
// that fuse the step's closing half-reaction (Channel::react_after_s).
#include <cstddef>

#include "kernels/reactions.hpp"

namespace skinrd::kernels::cpu {

// Row (·, j, k) starting at voxel index `start`; free, bound and internalised point at the
// row's first voxel. Adds the amounts moved to tally.
template <class Real>
void react_row(const GridView<Real>& grid, const MaterialCoeffs<Real>* coeffs, int k,
               std::size_t start, Real t_s, Real* free, Real* bound, Real* internalised,
               double* tally) {
  const double volume_um3 = grid.volume_um3(k);
  const std::uint8_t* material = grid.material + start;
  for (int i = 0; i < grid.nx; ++i)
    react_voxel_tallied(coeffs[material[i]], volume_um3, t_s, free[i], bound[i], internalised[i],
                        tally);
}

}  // namespace skinrd::kernels::cpu
