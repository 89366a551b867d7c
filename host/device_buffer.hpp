#pragma once
// An RAII array in the memory of one backend: host memory for the CPU backend, device
// memory for CUDA, held through that backend's executor (host/executor/executor.hpp).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/error.hpp"
#include "host/executor/executor.hpp"

namespace skinrd {

// Bytes held by live DeviceBuffers of each backend, and the most held since the last
// reset_peak(): what Simulation::memory_footprint promises is checked against these.
// Counted as requested (the CUDA allocator may round each allocation up).
class DeviceBufferBytes {
 public:
  static std::size_t live(BackendKind kind) { return slot(kind).live.load(); }
  static std::size_t peak(BackendKind kind) { return slot(kind).peak.load(); }
  static void reset_peak(BackendKind kind) { slot(kind).peak.store(slot(kind).live.load()); }

  static void allocated(BackendKind kind, std::size_t bytes) {
    Slot& s = slot(kind);
    const std::size_t now = s.live.fetch_add(bytes) + bytes;
    std::size_t peak = s.peak.load();
    while (now > peak && !s.peak.compare_exchange_weak(peak, now)) {
    }
  }
  static void released(BackendKind kind, std::size_t bytes) { slot(kind).live.fetch_sub(bytes); }

 private:
  struct Slot {
    std::atomic<std::size_t> live{0}, peak{0};
  };
  static Slot& slot(BackendKind kind) {
    static Slot slots[2];
    return slots[static_cast<int>(kind)];
  }
};

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  // Zeroed on both backends.
  DeviceBuffer(const Executor& executor, std::size_t size)
      : executor_(&executor), size_(size),
        data_(static_cast<T*>(executor.allocate(size * sizeof(T)))) {
    DeviceBufferBytes::allocated(executor.kind(), bytes());
  }
  DeviceBuffer(const Executor& executor, const std::vector<T>& values)
      : DeviceBuffer(executor, values.size()) {
    upload(values);
  }
  DeviceBuffer(BackendKind kind, std::size_t size) : DeviceBuffer(executor_for(kind), size) {}
  explicit DeviceBuffer(BackendKind kind, const std::vector<T>& values)
      : DeviceBuffer(executor_for(kind), values) {}
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    swap(other);
    return *this;
  }
  ~DeviceBuffer() {
    if (!executor_) return;
    DeviceBufferBytes::released(executor_->kind(), bytes());
    executor_->release(data_);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  void upload(const std::vector<T>& values) {
    if (values.size() != size_)
      throw Error("DeviceBuffer::upload: " + std::to_string(values.size()) +
                  " values for a buffer of " + std::to_string(size_));
    if (size_ > 0) executor_->copy_from_host(data_, values.data(), bytes());
  }
  std::vector<T> download() const {
    std::vector<T> values(size_);
    if (size_ > 0) executor_->copy_to_host(values.data(), data_, bytes());
    return values;
  }
  // Same-size copy within the backend's memory.
  void copy_from(const DeviceBuffer& other) {
    if (other.size_ != size_ || (size_ > 0 && other.executor_ != executor_))
      throw Error("DeviceBuffer::copy_from: buffers differ in size or backend");
    if (size_ > 0) executor_->copy(data_, other.data_, bytes());
  }
  void zero() {
    if (size_ > 0) executor_->fill_zero(data_, bytes());
  }
  void swap(DeviceBuffer& other) noexcept {
    std::swap(executor_, other.executor_);
    std::swap(size_, other.size_);
    std::swap(data_, other.data_);
  }

 private:
  const Executor* executor_ = nullptr;
  std::size_t size_ = 0;
  T* data_ = nullptr;
};

}  // namespace skinrd
