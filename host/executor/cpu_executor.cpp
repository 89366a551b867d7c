// The CPU backend's executor: its memory is host memory, its kernels OpenMP loops that have
// finished when they return, so copies are plain, events and synchronisation empty.
#include <cstring>
#include <fstream>
#include <new>
#include <string>

#include "host/error.hpp"
#include "host/executor/backends.hpp"
#include "kernels/cpu/denormals.hpp"

namespace skinrd::executors {
namespace {

// Zeroed like the std::vector storage it replaces (same allocator, same alignment).
void* zeroed(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  void* memory = ::operator new(bytes);
  std::memset(memory, 0, bytes);
  return memory;
}

void copy_bytes(void* to, const void* from, std::size_t bytes) {
  if (bytes > 0) std::memcpy(to, from, bytes);
}

[[noreturn]] void no_graphs() { throw Error("the CPU backend records no graphs"); }

class CpuExecutor final : public Executor {
 public:
  CpuExecutor() : Executor(BackendKind::cpu) {}

  void* allocate(std::size_t bytes) const override { return zeroed(bytes); }
  void release(void* pointer) const noexcept override { ::operator delete(pointer); }
  void copy_from_host(void* to, const void* host, std::size_t bytes) const override {
    copy_bytes(to, host, bytes);
  }
  void copy_from_host_async(void* to, const void* host, std::size_t bytes) const override {
    copy_bytes(to, host, bytes);
  }
  void copy_to_host(void* host, const void* from, std::size_t bytes) const override {
    copy_bytes(host, from, bytes);
  }
  void copy(void* to, const void* from, std::size_t bytes) const override {
    copy_bytes(to, from, bytes);
  }
  void fill_zero(void* pointer, std::size_t bytes) const override {
    if (bytes > 0) std::memset(pointer, 0, bytes);
  }

  void* allocate_host(std::size_t bytes) const override { return zeroed(bytes); }
  void release_host(void* host, std::size_t) const noexcept override { ::operator delete(host); }
  Event copy_to_host_async(const kernels::HostCopy* copies, std::size_t count) const override {
    for (std::size_t n = 0; n < count; ++n)
      copy_bytes(copies[n].host, copies[n].device, copies[n].bytes);
    return nullptr;
  }
  void wait(Event) const override {}
  void destroy_event(Event) const noexcept override {}
  void synchronize() const override {}

  bool records_graphs() const override { return false; }
  void begin_capture() const override { no_graphs(); }
  Graph end_capture() const override { no_graphs(); }
  void launch(Graph) const override { no_graphs(); }
  void destroy_graph(Graph) const noexcept override {}

  void prepare_threads() const override { kernels::cpu::flush_subnormals_to_zero(); }
  std::string device_name() const override {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
      if (line.rfind("model name", 0) == 0) {
        const auto colon = line.find(':');
        if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
      }
    return "unknown CPU";
  }
  double peak_memory_bandwidth_bytes_per_s() const override { return 0; }
  std::size_t available_memory_bytes() const override {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::size_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
      if (key == "MemAvailable:") return kib * 1024;
    return 0;
  }

  bool reads_device_descriptors() const override { return false; }
  bool transposes_x_sweeps() const override { return false; }
  bool batches_lanes() const override { return false; }
  const char* memory_name() const override { return "memory"; }
  // The CPU sweeps keep their recurrences in small per-thread buffers.
  std::size_t sweep_scratch_values(const Grid&) const override { return 0; }
  std::size_t sweep_local_bytes(const Grid&, std::size_t) const override { return 0; }
};

}  // namespace

const Executor& cpu() {
  static const CpuExecutor executor;
  return executor;
}

}  // namespace skinrd::executors
