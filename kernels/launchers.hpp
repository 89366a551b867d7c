#pragma once
// The loops and launches each backend provides, declared once for both namespaces with
// the same names (kernels/cpu/*.cpp and kernels/cuda/*.cu define them). Pointers are in
// the memory of that backend. No CUDA header is needed to call them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "views.hpp"

#define SKINRD_BACKEND_LAUNCHERS                                                              \
  /* One explicit step of one species: reads sp.concentration, writes next; adds the      \
     step's ledger transfers into tallies[tally_count] (backend memory, double). */        \
  template <class Real>                                                                      \
  void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,               \
                     const SpeciesView<Real>& sp, Real* next, Real dt_s, Real source_scale,  \
                     double* tallies);                                                       \
  /* Amount held in cell layers [k_begin, k_end), in concentration unit × µm³. */           \
  template <class Real>                                                                      \
  double amount(const GridView<Real>& grid, const Real* concentration, int k_begin,          \
                int k_end);                                                                  \
  /* rhs = dt·(A c + s): Douglas–Gunn's first right-hand side. */                           \
  template <class Real>                                                                      \
  void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,                \
                    const SpeciesView<Real>& sp, Real* rhs, Real dt_s, Real source_scale);   \
  /* data += dt·(fixed-top inflow + source): LOD's z right-hand side. */                    \
  template <class Real>                                                                      \
  void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,         \
                           const SpeciesView<Real>& sp, Real* data, Real dt_s,               \
                           Real source_scale);                                               \
  /* Solves (I − θ·dt·A_axis) x = data on every line along axis, in place. scratch holds     \
     3 × voxels values on CUDA; the CPU needs none (may be null). material_transposed is    \
     the material ids in (y, x, z) order, which CUDA's x sweep reads for coalescing. */     \
  template <class Real>                                                                      \
  void line_sweep(const GridView<Real>& grid, const std::uint8_t* material_transposed,       \
                  const BoundaryView<Real>& bc, const MaterialCoeffs<Real>* coeffs, int axis, \
                  Real theta_dt_s, Real* data, Real* scratch);                               \
  /* Adds the ledger of an implicit step from sp.concentration to c_new into tallies. */   \
  template <class Real>                                                                      \
  void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,            \
                        const SpeciesView<Real>& sp, const Real* c_new, Real theta,          \
                        Real dt_s, Real source_scale, double* tallies);                      \
  /* out = a + b, elementwise. */                                                            \
  template <class Real>                                                                      \
  void add_arrays(Real* out, const Real* a, const Real* b, std::size_t n);                   \
  /* out += factor · x, elementwise. */                                                      \
  template <class Real>                                                                      \
  void axpy(Real* out, Real factor, const Real* x, std::size_t n);                           \
  /* Reactions of every voxel over t_s (kernels/reactions.hpp); adds their tallies. */      \
  template <class Real>                                                                      \
  void react(const GridView<Real>& grid, const MaterialCoeffs<Real>* coeffs, Real* c_free,   \
             Real* c_bound, Real* c_internalised, Real t_s, double* tallies);                \
  /* {max |a − b|, max |a|} over n values, in one pass: the step controller's read. */       \
  template <class Real>                                                                      \
  MaxAbs max_abs_difference(const Real* a, const Real* b, std::size_t n);

namespace skinrd::kernels {

struct MaxAbs {
  double difference, value;  // max |a − b|, max |a|
};

namespace cpu {
SKINRD_BACKEND_LAUNCHERS

// Largest explicit rate bound over all voxels (host memory), in 1/s.
template <class Real>
Real max_explicit_rate_per_s(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                             const MaterialCoeffs<Real>* coeffs);
}  // namespace cpu

namespace cuda {
SKINRD_BACKEND_LAUNCHERS

// Device memory and queries; in a build without CUDA each throws NotCompiled,
// except device_count, which reports 0 devices and why.
void* allocate(std::size_t bytes);
void release(void* pointer) noexcept;
void copy_to_device(void* device, const void* host, std::size_t bytes);
void copy_to_host(void* host, const void* device, std::size_t bytes);
void copy_on_device(void* destination, const void* source, std::size_t bytes);
void fill_zero(void* device, std::size_t bytes);
void synchronize();  // waits for every launched kernel (for timing)
int device_count(std::string* why_none);
std::string device_name(int device);
// Peak memory bandwidth in bytes/s: 2 × memory clock × bus width / 8 (double data rate).
double peak_memory_bandwidth_bytes_per_s(int device);
// Free and total memory of the current device in bytes (cudaMemGetInfo).
void memory_info(std::size_t* free_bytes, std::size_t* total_bytes);
}  // namespace cuda

}  // namespace skinrd::kernels

#undef SKINRD_BACKEND_LAUNCHERS
