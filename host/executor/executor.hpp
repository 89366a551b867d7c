#pragma once
// One object per backend (Ginkgo's executor): it owns what host code does with the backend's
// memory and device (allocate, copy, fill, host memory that copies land in, events, synchronise,
// graphs) and runs the kernel operations (exec.run(ops::explicit_step, ...), operations.hpp).
// Host code holds an Executor and names a backend only by its BackendKind; the cpu and cuda
// implementations are cpu_executor.cpp and cuda_executor.cpp, the only host files that call a
// backend's runtime.
#include <cstddef>
#include <string>
#include <utility>

#include "host/backend.hpp"
#include "kernels/launchers.hpp"

namespace skinrd {

struct Grid;

class Executor {
 public:
  using Event = void*;  // completes when copies have landed; nullptr: nothing to wait for
  using Graph = void*;  // a recorded sequence of launches

  // Multiprocessors the CUDA sweeps' thread-local scratch is estimated for (an H100 SXM's 132).
  static constexpr std::size_t kAssumedSmCount = 132;

  virtual ~Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  BackendKind kind() const { return kind_; }

  // The backend's memory, zeroed. Release waits until the backend has finished with it.
  virtual void* allocate(std::size_t bytes) const = 0;
  virtual void release(void* pointer) const noexcept = 0;
  virtual void copy_from_host(void* to, const void* host, std::size_t bytes) const = 0;
  // Ordered with the launches and without waiting: `host` may be reused at once.
  virtual void copy_from_host_async(void* to, const void* host, std::size_t bytes) const = 0;
  virtual void copy_to_host(void* host, const void* from, std::size_t bytes) const = 0;
  virtual void copy(void* to, const void* from, std::size_t bytes) const = 0;
  virtual void fill_zero(void* pointer, std::size_t bytes) const = 0;

  // Host memory that copies from the backend land in: page-locked on CUDA, plain on the CPU.
  virtual void* allocate_host(std::size_t bytes) const = 0;
  virtual void release_host(void* host, std::size_t bytes) const noexcept = 0;
  // Copies after everything launched so far, while the host goes on; launches made afterwards
  // wait for them. wait(event) blocks until they have landed.
  virtual Event copy_to_host_async(const kernels::HostCopy* copies, std::size_t count) const = 0;
  virtual void wait(Event event) const = 0;
  virtual void destroy_event(Event event) const noexcept = 0;
  // Returns when every launch so far has finished.
  virtual void synchronize() const = 0;

  // Graphs of launches (the step graphs): between begin_capture and end_capture nothing runs,
  // it is recorded; launch replays it, ordered with the other launches.
  virtual bool records_graphs() const = 0;
  virtual void begin_capture() const = 0;
  virtual Graph end_capture() const = 0;
  virtual void launch(Graph graph) const = 0;
  virtual void destroy_graph(Graph graph) const noexcept = 0;

  // Sets up the calling thread (and the backend's threads) for a run.
  virtual void prepare_threads() const {}
  virtual std::string device_name() const = 0;
  virtual double peak_memory_bandwidth_bytes_per_s() const = 0;  // 0: not known
  virtual std::size_t available_memory_bytes() const = 0;        // 0: not known

  // What the backend's kernels need from the caller: lane descriptors in backend memory
  // (CUDA; the CPU reads the host copy), the line sweeps' scratch values per lane and the
  // material ids in (y, x, z) order for the x sweeps when that is nonzero, and the bytes the
  // driver reserves for the sweeps' thread-local scratch (kernels/launchers.hpp, line_sweep).
  virtual bool reads_device_descriptors() const = 0;
  // Whether the x sweeps of the implicit schemes read a transposed copy of the material ids.
  virtual bool transposes_x_sweeps() const = 0;
  // Whether many lanes in one launch pay off (a GPU left idle by one small member), or each
  // launch already uses every core on one lane and batching only costs memory (the CPU).
  virtual bool batches_lanes() const = 0;
  // What its memory is called in messages: "memory" or "device memory".
  virtual const char* memory_name() const = 0;
  virtual std::size_t sweep_scratch_values(const Grid& grid) const = 0;
  virtual std::size_t sweep_local_bytes(const Grid& grid, std::size_t real_bytes) const = 0;

  // Runs a kernel operation (operations.hpp) in this executor's backend.
  template <class Operation, class... Args>
  decltype(auto) run(Operation, Args&&... args) const {
    if (kind_ == BackendKind::cuda) return Operation::cuda(std::forward<Args>(args)...);
    return Operation::cpu(std::forward<Args>(args)...);
  }

 protected:
  explicit Executor(BackendKind kind) : kind_(kind) {}

 private:
  BackendKind kind_;
};

// The one executor of each backend.
const Executor& executor_for(BackendKind kind);

}  // namespace skinrd
