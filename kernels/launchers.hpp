#pragma once
// The loops and launches each backend provides, declared once for both namespaces with
// the same names (kernels/cpu/*.cpp and kernels/cuda/*.cu define them). Pointers are in
// the memory of that backend. No CUDA header is needed to call them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "views.hpp"

#define SKINRD_BACKEND_LAUNCHERS                                                              \
  /* Batched launchers: one call runs every channel of the batch (views.hpp, Channel); on   \
     CUDA one launch per kernel, on the CPU the single-species loop per channel. */          \
  /* One explicit step: reads species.concentration, writes next; adds the step's ledger    \
     transfers into tallies (backend memory, double). */                                    \
  template <class Real>                                                                      \
  void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,               \
                     const ChannelBatch<Real>& batch, Real dt_s);                            \
  /* Amount held in cell layers [k_begin, k_end), in concentration unit × µm³. */           \
  template <class Real>                                                                      \
  double amount(const GridView<Real>& grid, const Real* concentration, int k_begin,          \
                int k_end);                                                                  \
  /* work = dt·(A c + s): Douglas–Gunn's first right-hand side. */                          \
  template <class Real>                                                                      \
  void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,                \
                    const ChannelBatch<Real>& batch, Real dt_s);                             \
  /* next += dt·(fixed-top inflow + source): LOD's z right-hand side. */                     \
  template <class Real>                                                                      \
  void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,         \
                           const ChannelBatch<Real>& batch, Real dt_s);                      \
  /* Solves (I − θ·dt·A_axis) x = x on every line along axis of every channel, x being the  \
     channel's `field`, in place. CUDA's scratch: the transposed copies of the x sweep,       \
     voxels values per channel, or 3 × voxels per channel for lines longer than               \
     cuda::kMaxLocalSweepLine (Simulation::sweep_scratch_values); material_transposed is the  \
     material ids in (y, x, z) order, which that sweep reads. The CPU needs neither (null). */ \
  template <class Real>                                                                      \
  void line_sweep(const GridView<Real>& grid, const std::uint8_t* material_transposed,       \
                  const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, int axis,   \
                  Real theta_dt_s, ChannelField field, Real* scratch);                       \
  /* Adds the ledger of an implicit step from species.concentration to c_new = next into    \
     tallies. add_correction (Douglas–Gunn): next = concentration + work is written first,   \
     in the same pass. */                                                                    \
  template <class Real>                                                                      \
  void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,            \
                        const ChannelBatch<Real>& batch, Real theta, Real dt_s,              \
                        bool add_correction);                                                \
  /* out += factor · x, elementwise. */                                                      \
  template <class Real>                                                                      \
  void axpy(Real* out, Real factor, const Real* x, std::size_t n);                           \
  /* Reactions of every voxel over t_s (kernels/reactions.hpp) on free, bound and          \
     internalised; adds their tallies. */                                                    \
  template <class Real>                                                                      \
  void react(const GridView<Real>& grid, const ChannelBatch<Real>& batch, Real t_s);        \
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

// The longest line the CUDA sweeps solve with thread-local scratch (line_sweep), and the
// shorter bucket whose kernel reserves less local memory per thread.
constexpr int kMaxLocalSweepLine = 2048;
constexpr int kShortLocalSweepLine = 256;

// Device memory and queries; in a build without CUDA each throws NotCompiled,
// except device_count, which reports 0 devices and why.
void* allocate(std::size_t bytes);
void release(void* pointer) noexcept;
void copy_to_device(void* device, const void* host, std::size_t bytes);
// Ordered with the launches and without waiting for the device: the bytes are staged in
// pinned host memory first, so `host` may be reused at once (the channel descriptors).
void copy_to_device_async(void* device, const void* host, std::size_t bytes);
void copy_to_host(void* host, const void* device, std::size_t bytes);
void copy_on_device(void* destination, const void* source, std::size_t bytes);
// Page-locked host memory: copies into it run asynchronously (copy_to_host_side). Released
// blocks are kept for the next request of the same size.
void* allocate_pinned(std::size_t bytes);
void release_pinned(void* host, std::size_t bytes) noexcept;
// Copies device → pinned host memory on a side stream, after everything launched so far;
// launches made afterwards wait for the copies (they may overwrite what is copied), while the
// host goes on at once. wait_event blocks the calling thread until the copies have landed.
struct HostCopy {
  void* host;
  const void* device;
  std::size_t bytes;
};
using Event = void*;  // a cudaEvent_t
Event copy_to_host_side(const HostCopy* copies, std::size_t count);
void wait_event(Event event);
void destroy_event(Event event) noexcept;
void fill_zero(void* device, std::size_t bytes);
void synchronize();  // waits for every launched kernel (for timing)
// CUDA graphs of a sequence of launches and device copies (Simulation's step graphs): between
// begin_capture and end_capture nothing runs, it is recorded; launch_graph replays it, ordered
// with the other launches. Graph is an instantiated cudaGraphExec_t.
using Graph = void*;
void begin_capture();
Graph end_capture();
void launch_graph(Graph graph);
void destroy_graph(Graph graph) noexcept;
int device_count(std::string* why_none);
std::string device_name(int device);
// Peak memory bandwidth in bytes/s: 2 × memory clock × bus width / 8 (double data rate).
double peak_memory_bandwidth_bytes_per_s(int device);
// Free and total memory of the current device in bytes (cudaMemGetInfo).
void memory_info(std::size_t* free_bytes, std::size_t* total_bytes);
}  // namespace cuda

}  // namespace skinrd::kernels

#undef SKINRD_BACKEND_LAUNCHERS
