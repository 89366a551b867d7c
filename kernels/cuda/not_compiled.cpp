// Built instead of kernels/cuda/*.cu when CUDA is not compiled in: every CUDA entry point
// links and throws NotCompiled naming the backend, so the choice stays a run-time one. The
// stubs come from the same lists as the declarations (kernels/launchers.hpp).
#include "host/error.hpp"
#include "kernels/launchers.hpp"

namespace skinrd::kernels::cuda {

namespace {
[[noreturn]] void not_compiled() { throw NotCompiled("the CUDA backend"); }
}  // namespace

#define SKINRD_STUB(Return, name, parameters) \
  Return name parameters { not_compiled(); }
#define SKINRD_STUB_LAUNCHER(Return, name, parameters) \
  template <class Real>                                \
  SKINRD_STUB(Return, name, parameters)
#define SKINRD_INSTANTIATE_LAUNCHER(Return, name, parameters) template Return name parameters;
#define SKINRD_STUB_RELEASE(name, parameters) \
  void name parameters noexcept {}

SKINRD_KERNEL_LAUNCHERS(SKINRD_STUB_LAUNCHER, Real)
SKINRD_KERNEL_LAUNCHERS(SKINRD_INSTANTIATE_LAUNCHER, float)
SKINRD_KERNEL_LAUNCHERS(SKINRD_INSTANTIATE_LAUNCHER, double)
SKINRD_CUDA_RUNTIME(SKINRD_STUB)
SKINRD_CUDA_RUNTIME_RELEASES(SKINRD_STUB_RELEASE)

int device_count(std::string* why_none) {
  if (why_none) *why_none = "this build has no CUDA backend";
  return 0;
}

}  // namespace skinrd::kernels::cuda
