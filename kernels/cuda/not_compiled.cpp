// Built instead of kernels/cuda/*.cu when CUDA is not compiled in: every CUDA entry
// point links and throws NotCompiled naming the backend, so the choice stays a run-time one.
#include "host/error.hpp"
#include "kernels/launchers.hpp"

namespace skinrd::kernels::cuda {

namespace {
[[noreturn]] void not_compiled() { throw NotCompiled("the CUDA backend"); }
}  // namespace

template <class Real>
void explicit_step(const GridView<Real>&, const BoundaryView<Real>&, const SpeciesView<Real>&,
                   Real*, Real, Real, double*) {
  not_compiled();
}
template <class Real>
double amount(const GridView<Real>&, const Real*, int, int) {
  not_compiled();
}

template void explicit_step<float>(const GridView<float>&, const BoundaryView<float>&,
                                   const SpeciesView<float>&, float*, float, float, double*);
template void explicit_step<double>(const GridView<double>&, const BoundaryView<double>&,
                                    const SpeciesView<double>&, double*, double, double, double*);
template double amount<float>(const GridView<float>&, const float*, int, int);
template double amount<double>(const GridView<double>&, const double*, int, int);

void* allocate(std::size_t) { not_compiled(); }
void release(void*) noexcept {}
void copy_to_device(void*, const void*, std::size_t) { not_compiled(); }
void copy_to_host(void*, const void*, std::size_t) { not_compiled(); }
void fill_zero(void*, std::size_t) { not_compiled(); }
void synchronize() { not_compiled(); }
int device_count(std::string* why_none) {
  if (why_none) *why_none = "this build has no CUDA backend";
  return 0;
}
std::string device_name(int) { not_compiled(); }

}  // namespace skinrd::kernels::cuda
