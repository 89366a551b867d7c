// Built instead of kernels/cuda/*.cu when CUDA is not compiled in: every CUDA entry
// point links and throws NotCompiled naming the backend, so the choice stays a run-time one.
#include "host/error.hpp"
#include "kernels/instantiate.hpp"

namespace skinrd::kernels::cuda {

namespace {
[[noreturn]] void not_compiled() { throw NotCompiled("the CUDA backend"); }
}  // namespace

template <class Real>
void explicit_step(const GridView<Real>&, const BoundaryView<Real>&, const ChannelBatch<Real>&,
                   Real) {
  not_compiled();
}
template <class Real>
double amount(const GridView<Real>&, const Real*, int, int) {
  not_compiled();
}
template <class Real>
void implicit_rhs(const GridView<Real>&, const BoundaryView<Real>&, const ChannelBatch<Real>&,
                  Real) {
  not_compiled();
}
template <class Real>
void add_constant_inflow(const GridView<Real>&, const BoundaryView<Real>&,
                         const ChannelBatch<Real>&, Real) {
  not_compiled();
}
template <class Real>
void line_sweep(const GridView<Real>&, const std::uint8_t*, const BoundaryView<Real>&,
                const ChannelBatch<Real>&, int, Real, ChannelField, Real*) {
  not_compiled();
}
template <class Real>
void implicit_tallies(const GridView<Real>&, const BoundaryView<Real>&, const ChannelBatch<Real>&,
                      Real, Real, bool) {
  not_compiled();
}
template <class Real>
void axpy(Real*, Real, const Real*, std::size_t) {
  not_compiled();
}
template <class Real>
void react(const GridView<Real>&, const ChannelBatch<Real>&, Real) {
  not_compiled();
}
template <class Real>
MaxAbs max_abs_difference(const Real*, const Real*, std::size_t) {
  not_compiled();
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)
SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)
SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REACTIONS)
SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_REDUCTIONS)

void* allocate(std::size_t) { not_compiled(); }
void release(void*) noexcept {}
void copy_to_device(void*, const void*, std::size_t) { not_compiled(); }
void copy_to_device_async(void*, const void*, std::size_t) { not_compiled(); }
void copy_to_host(void*, const void*, std::size_t) { not_compiled(); }
void copy_on_device(void*, const void*, std::size_t) { not_compiled(); }
void fill_zero(void*, std::size_t) { not_compiled(); }
void* allocate_pinned(std::size_t) { not_compiled(); }
void release_pinned(void*, std::size_t) noexcept {}
Event copy_to_host_side(const HostCopy*, std::size_t) { not_compiled(); }
void wait_event(Event) { not_compiled(); }
void destroy_event(Event) noexcept {}
void synchronize() { not_compiled(); }
void begin_capture() { not_compiled(); }
Graph end_capture() { not_compiled(); }
void launch_graph(Graph) { not_compiled(); }
void destroy_graph(Graph) noexcept {}
int device_count(std::string* why_none) {
  if (why_none) *why_none = "this build has no CUDA backend";
  return 0;
}
std::string device_name(int) { not_compiled(); }
double peak_memory_bandwidth_bytes_per_s(int) { not_compiled(); }
void memory_info(std::size_t*, std::size_t*) { not_compiled(); }

}  // namespace skinrd::kernels::cuda
