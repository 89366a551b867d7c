// Device memory (Thrust's allocator) and device queries behind the plain C++ interface of
// kernels/launchers.hpp.
#include <thrust/device_free.h>
#include <thrust/device_malloc.h>

#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/launchers.hpp"

namespace skinrd::kernels::cuda {

namespace {
// Held from begin_capture to end_capture, and by the calls other threads make that synchronise
// implicitly (pinned memory is freed by the output writer's thread): while a blocking stream
// captures, such a call would invalidate the capture.
std::mutex& capture_mutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace

void* allocate(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  try {
    return thrust::device_malloc(bytes).get();
  } catch (const std::bad_alloc& e) {
    throw CudaError("thrust::device_malloc(" + std::to_string(bytes) + " bytes)", e.what(),
                    __FILE__, __LINE__);
  }
}

void release(void* pointer) noexcept {
  try {
    // Copies and fills are asynchronous on the compute stream: none may still use the memory.
    if (pointer) cudaStreamSynchronize(compute_stream());
    if (pointer) thrust::device_free(thrust::device_ptr<void>(pointer));
  } catch (...) {
    // nothing useful to do with an error while releasing
  }
}

void copy_to_device(void* device, const void* host, std::size_t bytes) {
  if (bytes > 0) SKINRD_CUDA_CHECK(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice));
}

void copy_to_host(void* host, const void* device, std::size_t bytes) {
  if (bytes > 0) SKINRD_CUDA_CHECK(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost));
}

namespace {

// Pinned staging buffers for copy_to_device_async, used in turn; each one's event marks when
// the device has read it. Reusing a slot waits for its event, recorded kSlots copies earlier:
// it has long completed unless the device lags that many uploads behind.
class StagingRing {
 public:
  void upload(void* device, const void* host, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& slot = slots_[next_];
    next_ = (next_ + 1) % kSlots;
    if (slot.event) SKINRD_CUDA_CHECK(cudaEventSynchronize(slot.event));
    else SKINRD_CUDA_CHECK(cudaEventCreateWithFlags(&slot.event, cudaEventDisableTiming));
    if (slot.capacity < bytes) {
      if (slot.pinned) SKINRD_CUDA_CHECK(cudaFreeHost(slot.pinned));
      slot.pinned = nullptr;
      SKINRD_CUDA_CHECK(cudaMallocHost(&slot.pinned, bytes));
      slot.capacity = bytes;
    }
    std::memcpy(slot.pinned, host, bytes);
    SKINRD_CUDA_CHECK(cudaMemcpyAsync(device, slot.pinned, bytes, cudaMemcpyHostToDevice,
                                      compute_stream()));
    SKINRD_CUDA_CHECK(cudaEventRecord(slot.event, compute_stream()));
  }

 private:
  static constexpr int kSlots = 64;
  struct Slot {
    void* pinned = nullptr;
    std::size_t capacity = 0;
    cudaEvent_t event = nullptr;
  };
  std::mutex mutex_;
  Slot slots_[kSlots];
  int next_ = 0;
};

}  // namespace

void copy_to_device_async(void* device, const void* host, std::size_t bytes) {
  // Never destroyed: freeing pinned memory after the CUDA runtime has shut down would fail.
  static StagingRing* ring = new StagingRing;
  if (bytes > 0) ring->upload(device, host, bytes);
}

void copy_on_device(void* destination, const void* source, std::size_t bytes) {
  if (bytes > 0)
    SKINRD_CUDA_CHECK(cudaMemcpyAsync(destination, source, bytes, cudaMemcpyDeviceToDevice,
                                      compute_stream()));
}

void fill_zero(void* device, std::size_t bytes) {
  if (bytes > 0) SKINRD_CUDA_CHECK(cudaMemsetAsync(device, 0, bytes, compute_stream()));
}



namespace {
// Pinned blocks given back, kept for the next request of the same size: output snapshots ask for
// the same fields at every output time, and page-locking gigabytes takes seconds.
class PinnedCache {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto block = blocks_.begin(); block != blocks_.end(); ++block)
      if (block->bytes == bytes) {
        void* host = block->host;
        blocks_.erase(block);
        return host;
      }
    return nullptr;
  }
  void give(void* host, std::size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (blocks_.size() < kMaxBlocks) {
        blocks_.push_back({host, bytes});  // reserved: cannot throw
        return;
      }
    }
    std::lock_guard<std::mutex> capture(capture_mutex());  // cudaFreeHost synchronises
    cudaFreeHost(host);
  }

  PinnedCache() { blocks_.reserve(kMaxBlocks); }

 private:
  static constexpr std::size_t kMaxBlocks = 64;
  struct Block {
    void* host;
    std::size_t bytes;
  };
  std::mutex mutex_;
  std::vector<Block> blocks_;
};

PinnedCache& pinned_cache() {
  static PinnedCache* cache = new PinnedCache;  // never destroyed: see copy_to_device_async
  return *cache;
}
}  // namespace

void* allocate_pinned(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  if (void* cached = pinned_cache().take(bytes)) return cached;
  void* host = nullptr;
  std::lock_guard<std::mutex> lock(capture_mutex());  // cudaMallocHost synchronises
  SKINRD_CUDA_CHECK(cudaMallocHost(&host, bytes));
  return host;
}

void release_pinned(void* host, std::size_t bytes) noexcept {
  if (host) pinned_cache().give(host, bytes);
}

namespace {
// Output copies: non-blocking, so they never wait for the legacy stream's work either.
cudaStream_t side_stream() {
  static const cudaStream_t stream = [] {
    cudaStream_t created = nullptr;
    SKINRD_CUDA_CHECK(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking));
    return created;
  }();
  return stream;
}
}  // namespace

Event copy_to_host_side(const HostCopy* copies, std::size_t count) {
  cudaEvent_t computed = nullptr, copied = nullptr;
  SKINRD_CUDA_CHECK(cudaEventCreateWithFlags(&computed, cudaEventDisableTiming));
  SKINRD_CUDA_CHECK(cudaEventCreateWithFlags(&copied, cudaEventDisableTiming));
  SKINRD_CUDA_CHECK(cudaEventRecord(computed, compute_stream()));
  SKINRD_CUDA_CHECK(cudaStreamWaitEvent(side_stream(), computed, 0));
  SKINRD_CUDA_CHECK(cudaEventDestroy(computed));  // released once the wait is satisfied
  for (std::size_t n = 0; n < count; ++n)
    if (copies[n].bytes > 0)
      SKINRD_CUDA_CHECK(cudaMemcpyAsync(copies[n].host, copies[n].device, copies[n].bytes,
                                        cudaMemcpyDeviceToHost, side_stream()));
  SKINRD_CUDA_CHECK(cudaEventRecord(copied, side_stream()));
  SKINRD_CUDA_CHECK(cudaStreamWaitEvent(compute_stream(), copied, 0));
  return copied;
}

void wait_event(Event event) {
  SKINRD_CUDA_CHECK(cudaEventSynchronize(static_cast<cudaEvent_t>(event)));
}

void destroy_event(Event event) noexcept {
  if (event) cudaEventDestroy(static_cast<cudaEvent_t>(event));
}

cudaStream_t compute_stream() {
  static const cudaStream_t stream = [] {
    cudaStream_t created = nullptr;
    SKINRD_CUDA_CHECK(cudaStreamCreate(&created));  // blocking: see cuda_check.cuh
    return created;
  }();
  return stream;
}


void begin_capture() {
  capture_mutex().lock();
  const cudaError_t status =
      cudaStreamBeginCapture(compute_stream(), cudaStreamCaptureModeThreadLocal);
  if (status != cudaSuccess) capture_mutex().unlock();
  SKINRD_CUDA_CHECK(status);
}

Graph end_capture() {
  cudaGraph_t graph = nullptr;
  const cudaError_t ended = cudaStreamEndCapture(compute_stream(), &graph);
  capture_mutex().unlock();
  if (ended != cudaSuccess) cudaGetLastError();  // an invalidated capture is not sticky
  SKINRD_CUDA_CHECK(ended);
  cudaGraphExec_t exec = nullptr;
  const cudaError_t status = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  SKINRD_CUDA_CHECK(status);
  return exec;
}

void launch_graph(Graph graph) {
  SKINRD_CUDA_CHECK(cudaGraphLaunch(static_cast<cudaGraphExec_t>(graph), compute_stream()));
}

void destroy_graph(Graph graph) noexcept {
  if (graph) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(graph));
}

void synchronize() { SKINRD_CUDA_CHECK(cudaDeviceSynchronize()); }

int device_count(std::string* why_none) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    if (why_none) *why_none = cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return 0;
  }
  if (count == 0 && why_none) *why_none = "no CUDA device found";
  return count;
}

std::string device_name(int device) {
  cudaDeviceProp properties{};
  SKINRD_CUDA_CHECK(cudaGetDeviceProperties(&properties, device));
  return properties.name;
}

// CUDA 13 removed memoryClockRate and memoryBusWidth from cudaDeviceProp; the attributes stay.
double peak_memory_bandwidth_bytes_per_s(int device) {
  int clock_khz = 0, bus_bits = 0;
  SKINRD_CUDA_CHECK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, device));
  SKINRD_CUDA_CHECK(cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, device));
  return 2.0 * clock_khz * 1e3 * bus_bits / 8.0;
}

void memory_info(std::size_t* free_bytes, std::size_t* total_bytes) {
  std::size_t free_b = 0, total_b = 0;
  SKINRD_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
  if (free_bytes) *free_bytes = free_b;
  if (total_bytes) *total_bytes = total_b;
}

}  // namespace skinrd::kernels::cuda
