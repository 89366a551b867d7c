#pragma once
// Explicit instantiations of the launchers of kernels/launchers.hpp for float and double
// fields, one macro per backend source file stem, shared by cpu/, cuda/ and the
// not-compiled stubs. Use inside the backend's namespace, after the definitions.
#include "kernels/launchers.hpp"

#define SKINRD_INSTANTIATE_DIFFUSION(Real)                                                     \
  template void explicit_step<Real>(const GridView<Real>&, const BoundaryView<Real>&,          \
                                    const ChannelBatch<Real>&, Real);

#define SKINRD_INSTANTIATE_IMPLICIT(Real)                                                      \
  template void implicit_rhs<Real>(const GridView<Real>&, const BoundaryView<Real>&,           \
                                   const ChannelBatch<Real>&, Real);                           \
  template void add_constant_inflow<Real>(const GridView<Real>&, const BoundaryView<Real>&,    \
                                          const ChannelBatch<Real>&, Real);                    \
  template void line_sweep<Real>(const GridView<Real>&, const std::uint8_t*,                   \
                                 const BoundaryView<Real>&, const ChannelBatch<Real>&, int,    \
                                 Real, ChannelField, Real*);                                   \
  template void implicit_tallies<Real>(const GridView<Real>&, const BoundaryView<Real>&,       \
                                       const ChannelBatch<Real>&, Real, Real, bool);           \
  template void axpy<Real>(Real*, Real, const Real*, std::size_t);

#define SKINRD_INSTANTIATE_REACTIONS(Real)                                                     \
  template void react<Real>(const GridView<Real>&, const ChannelBatch<Real>&, Real);

#define SKINRD_INSTANTIATE_REDUCTIONS(Real)                                                    \
  template double amount<Real>(const GridView<Real>&, const Real*, int, int);                  \
  template MaxAbs max_abs_difference<Real>(const Real*, const Real*, std::size_t);

#define SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(MACRO) MACRO(float) MACRO(double)
