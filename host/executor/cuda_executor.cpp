// The CUDA backend's executor: every call goes to the CUDA runtime behind kernels/cuda/
// (memory.cu), which throws NotCompiled in a build without CUDA; no CUDA header here.
#include <algorithm>

#include "host/executor/backends.hpp"
#include "host/grid.hpp"

namespace skinrd::executors {
namespace {

namespace device = kernels::cuda;

class CudaExecutor final : public Executor {
 public:
  CudaExecutor() : Executor(BackendKind::cuda) {}

  // Zeroed like the CPU's: device memory from the allocator is not.
  void* allocate(std::size_t bytes) const override {
    void* memory = device::allocate(bytes);
    device::fill_zero(memory, bytes);
    return memory;
  }
  void release(void* pointer) const noexcept override { device::release(pointer); }
  void copy_from_host(void* to, const void* host, std::size_t bytes) const override {
    device::copy_to_device(to, host, bytes);
  }
  void copy_from_host_async(void* to, const void* host, std::size_t bytes) const override {
    device::copy_to_device_async(to, host, bytes);
  }
  void copy_to_host(void* host, const void* from, std::size_t bytes) const override {
    device::copy_to_host(host, from, bytes);
  }
  void copy(void* to, const void* from, std::size_t bytes) const override {
    device::copy_on_device(to, from, bytes);
  }
  void fill_zero(void* pointer, std::size_t bytes) const override {
    device::fill_zero(pointer, bytes);
  }

  void* allocate_host(std::size_t bytes) const override { return device::allocate_pinned(bytes); }
  void release_host(void* host, std::size_t bytes) const noexcept override {
    device::release_pinned(host, bytes);
  }
  Event copy_to_host_async(const kernels::HostCopy* copies, std::size_t count) const override {
    return device::copy_to_host_side(copies, count);
  }
  void wait(Event event) const override { device::wait_event(event); }
  void destroy_event(Event event) const noexcept override { device::destroy_event(event); }
  void synchronize() const override { device::synchronize(); }

  bool records_graphs() const override { return true; }
  void begin_capture() const override { device::begin_capture(); }
  Graph end_capture() const override { return device::end_capture(); }
  void launch(Graph graph) const override { device::launch_graph(graph); }
  void destroy_graph(Graph graph) const noexcept override { device::destroy_graph(graph); }

  std::string device_name() const override { return device::device_name(0); }
  double peak_memory_bandwidth_bytes_per_s() const override {
    return device::peak_memory_bandwidth_bytes_per_s(0);
  }
  std::size_t available_memory_bytes() const override {
    std::size_t free_bytes = 0;
    device::memory_info(&free_bytes, nullptr);
    return free_bytes;
  }

  bool reads_device_descriptors() const override { return true; }
  bool transposes_x_sweeps() const override { return true; }
  bool batches_lanes() const override { return true; }
  const char* memory_name() const override { return "device memory"; }
  // The x sweep's transposed copy (1 value/voxel), or for lines too long for thread-local
  // scratch also cp and q (3 values/voxel).
  std::size_t sweep_scratch_values(const Grid& grid) const override {
    const int longest = std::max({grid.nx, grid.ny, grid.nz});
    return (longest > device::kMaxLocalSweepLine ? 3 : 1) * grid.voxel_count();
  }
  // The kernel's frame (cp and q of the longest line's bucket, kernels/cuda/implicit.cu, plus
  // ptxas's margin) for 2048 threads on each of kAssumedSmCount multiprocessors.
  std::size_t sweep_local_bytes(const Grid& grid, std::size_t real_bytes) const override {
    const int longest = std::max({grid.nx, grid.ny, grid.nz});
    if (longest > device::kMaxLocalSweepLine) return 0;
    const std::size_t line = longest <= device::kShortLocalSweepLine
                                 ? device::kShortLocalSweepLine
                                 : device::kMaxLocalSweepLine;
    return (2 * line * real_bytes + 512) * 2048 * kAssumedSmCount;
  }
};

}  // namespace

const Executor& cuda() {
  static const CudaExecutor executor;
  return executor;
}

int cuda_device_count(std::string* why_none) { return device::device_count(why_none); }

}  // namespace skinrd::executors
