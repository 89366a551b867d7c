#pragma once
// The loops and launches each backend provides, declared once for both namespaces with
// the same names (kernels/cpu/*.cpp and kernels/cuda/*.cu define them). Pointers are in
// the memory of that backend. No CUDA header is needed to call them.
#include <cstddef>
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
                int k_end);

namespace skinrd::kernels {

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
void fill_zero(void* device, std::size_t bytes);
void synchronize();  // waits for every launched kernel (for timing)
int device_count(std::string* why_none);
std::string device_name(int device);
}  // namespace cuda

}  // namespace skinrd::kernels

#undef SKINRD_BACKEND_LAUNCHERS
