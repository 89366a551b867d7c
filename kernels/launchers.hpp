#pragma once
// The loops and launches each backend provides, declared once for both namespaces with
// the same names (kernels/cpu/*.cpp and kernels/cuda/*.cu define them). Pointers are in
// the memory of that backend. No CUDA header is needed to call them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "views.hpp"

// Every launcher once, as X(return type, name, (parameters)) with the field type `Real`:
// declared below in both namespaces, wrapped as an executor operation (host/executor/
// operations.hpp), stubbed for a build without CUDA (kernels/cuda/not_compiled.cpp) and
// instantiated for float and double from this one list.
#define SKINRD_KERNEL_LAUNCHERS(X, Real)                                                      \
  /* Batched launchers: one call runs every lane of the batch (views.hpp, Channel); on      \
     CUDA one launch per kernel, on the CPU the single-species loop per lane. */             \
  /* One explicit step: reads species.concentration, writes next; adds the step's ledger    \
     transfers into tallies (backend memory, double). */                                    \
  X(void, explicit_step,                                                                     \
    (const GridView<Real>& grid, const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, \
     Real dt_s))                                                                             \
  /* Amount held in cell layers [k_begin, k_end), in concentration unit × µm³. */           \
  X(double, amount,                                                                          \
    (const GridView<Real>& grid, const Real* concentration, int k_begin, int k_end))         \
  /* work = dt·(A c + s): Douglas–Gunn's first right-hand side. */                          \
  X(void, implicit_rhs,                                                                      \
    (const GridView<Real>& grid, const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, \
     Real dt_s))                                                                             \
  /* next += dt·(fixed-top inflow + source): LOD's z right-hand side. */                     \
  X(void, add_constant_inflow,                                                               \
    (const GridView<Real>& grid, const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, \
     Real dt_s))                                                                             \
  /* Solves (I − θ·dt·A_axis) x = x on every line along axis of every lane, x being the     \
     lane's `field`, in place. CUDA's scratch: the transposed copies of the x sweep,          \
     voxels values per lane, or 3 × voxels per lane for lines longer than                     \
     cuda::kMaxLocalSweepLine (Executor::sweep_scratch_values); material_transposed is the    \
     material ids in (y, x, z) order, which that sweep reads. The CPU needs neither (null). */ \
  X(void, line_sweep,                                                                        \
    (const GridView<Real>& grid, const std::uint8_t* material_transposed,                    \
     const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, int axis, Real theta_dt_s, \
     ChannelField field, Real* scratch))                                                     \
  /* Adds the ledger of an implicit step from species.concentration to c_new = next into    \
     tallies. add_correction (Douglas–Gunn): next = concentration + work is written first,   \
     in the same pass. */                                                                    \
  X(void, implicit_tallies,                                                                  \
    (const GridView<Real>& grid, const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, \
     Real theta, Real dt_s, bool add_correction))                                            \
  /* out += factor · x, elementwise. */                                                      \
  X(void, axpy, (Real* out, Real factor, const Real* x, std::size_t n))                      \
  /* Reactions of every voxel over t_s (kernels/reactions.hpp) on free, bound and          \
     internalised; adds their tallies. */                                                    \
  X(void, react, (const GridView<Real>& grid, const ChannelBatch<Real>& batch, Real t_s))    \
  /* {max |a − b|, max |a|} over n values, in one pass: the step controller's read. */       \
  X(MaxAbs, max_abs_difference, (const Real* a, const Real* b, std::size_t n))

#define SKINRD_DECLARE_LAUNCHER(Return, name, parameters) \
  template <class Real>                                   \
  Return name parameters;

// The CUDA runtime behind the executor (kernels/cuda/memory.cu), as X(return type, name,
// (parameters)): in a build without CUDA each throws NotCompiled (not_compiled.cpp).
#define SKINRD_CUDA_RUNTIME(X)                                                                \
  X(void*, allocate, (std::size_t bytes))                                                    \
  X(void, copy_to_device, (void* device, const void* host, std::size_t bytes))               \
  /* Ordered with the launches and without waiting for the device: the bytes are staged in  \
     pinned host memory first, so `host` may be reused at once (the lane descriptors). */    \
  X(void, copy_to_device_async, (void* device, const void* host, std::size_t bytes))         \
  X(void, copy_to_host, (void* host, const void* device, std::size_t bytes))                 \
  X(void, copy_on_device, (void* destination, const void* source, std::size_t bytes))        \
  /* Page-locked host memory: copies into it run asynchronously (copy_to_host_side).       \
     Released blocks are kept for the next request of the same size. */                      \
  X(void*, allocate_pinned, (std::size_t bytes))                                             \
  /* Copies device → pinned host memory on a side stream, after everything launched so far; \
     launches made afterwards wait for the copies (they may overwrite what is copied), while \
     the host goes on at once. wait_event blocks the calling thread until they have landed. */ \
  X(Event, copy_to_host_side, (const HostCopy* copies, std::size_t count))                   \
  X(void, wait_event, (Event event))                                                         \
  X(void, fill_zero, (void* device, std::size_t bytes))                                      \
  X(void, synchronize, ()) /* waits for every launched kernel */                             \
  /* CUDA graphs of a sequence of launches and device copies (the step graphs): between     \
     begin_capture and end_capture nothing runs, it is recorded; launch_graph replays it,    \
     ordered with the other launches. Graph is an instantiated cudaGraphExec_t. */           \
  X(void, begin_capture, ())                                                                 \
  X(Graph, end_capture, ())                                                                  \
  X(void, launch_graph, (Graph graph))                                                       \
  X(std::string, device_name, (int device))                                                  \
  /* Peak memory bandwidth in bytes/s: 2 × memory clock × bus width / 8 (double data rate). */ \
  X(double, peak_memory_bandwidth_bytes_per_s, (int device))                                 \
  /* Free and total memory of the current device in bytes (cudaMemGetInfo). */              \
  X(void, memory_info, (std::size_t* free_bytes, std::size_t* total_bytes))

// Releases: noexcept, and nothing to do without CUDA.
#define SKINRD_CUDA_RUNTIME_RELEASES(X)                        \
  X(release, (void* pointer))                                  \
  X(release_pinned, (void* host, std::size_t bytes))           \
  X(destroy_event, (Event event))                              \
  X(destroy_graph, (Graph graph))

#define SKINRD_DECLARE_RUNTIME(Return, name, parameters) Return name parameters;
#define SKINRD_DECLARE_RELEASE(name, parameters) void name parameters noexcept;

namespace skinrd::kernels {

struct MaxAbs {
  double difference, value;  // max |a − b|, max |a|
};

// A device → host copy of `bytes` (Executor::copy_to_host_async).
struct HostCopy {
  void* host;
  const void* device;
  std::size_t bytes;
};

namespace cpu {
SKINRD_KERNEL_LAUNCHERS(SKINRD_DECLARE_LAUNCHER, Real)

// Largest explicit rate bound over all voxels (host memory), in 1/s.
template <class Real>
Real max_explicit_rate_per_s(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                             const MaterialCoeffs<Real>* coeffs);
}  // namespace cpu

namespace cuda {
SKINRD_KERNEL_LAUNCHERS(SKINRD_DECLARE_LAUNCHER, Real)

// The longest line the CUDA sweeps solve with thread-local scratch (line_sweep), and the
// shorter bucket whose kernel reserves less local memory per thread.
constexpr int kMaxLocalSweepLine = 2048;
constexpr int kShortLocalSweepLine = 256;

using Event = void*;  // a cudaEvent_t
using Graph = void*;  // a cudaGraphExec_t
SKINRD_CUDA_RUNTIME(SKINRD_DECLARE_RUNTIME)
SKINRD_CUDA_RUNTIME_RELEASES(SKINRD_DECLARE_RELEASE)
// The one call that answers without CUDA: 0 devices, and why.
int device_count(std::string* why_none);
}  // namespace cuda

}  // namespace skinrd::kernels

#undef SKINRD_DECLARE_LAUNCHER
#undef SKINRD_DECLARE_RUNTIME
#undef SKINRD_DECLARE_RELEASE
