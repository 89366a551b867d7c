#pragma once
// An RAII array in the memory of one backend: host memory for the CPU backend, device
// memory for CUDA. The only place host code touches backend memory.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "host/backend.hpp"
#include "host/error.hpp"
#include "kernels/launchers.hpp"

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
    return slots[kind == BackendKind::cuda ? 1 : 0];
  }
};

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(BackendKind kind, std::size_t size) : kind_(kind), size_(size) {
    // Zeroed on both backends: device memory from the allocator is not.
    if (kind_ == BackendKind::cuda) {
      data_ = static_cast<T*>(kernels::cuda::allocate(size * sizeof(T)));
      kernels::cuda::fill_zero(data_, size * sizeof(T));
    } else {
      host_.assign(size, T{}), data_ = host_.data();
    }
    DeviceBufferBytes::allocated(kind_, bytes());
  }
  explicit DeviceBuffer(BackendKind kind, const std::vector<T>& values)
      : DeviceBuffer(kind, values.size()) {
    upload(values);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    swap(other);
    return *this;
  }
  ~DeviceBuffer() {
    DeviceBufferBytes::released(kind_, bytes());
    if (kind_ == BackendKind::cuda) kernels::cuda::release(data_);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  void upload(const std::vector<T>& values) {
    if (values.size() != size_)
      throw Error("DeviceBuffer::upload: " + std::to_string(values.size()) +
                  " values for a buffer of " + std::to_string(size_));
    if (kind_ == BackendKind::cuda)
      kernels::cuda::copy_to_device(data_, values.data(), size_ * sizeof(T));
    else
      host_ = values, data_ = host_.data();
  }
  std::vector<T> download() const {
    if (kind_ != BackendKind::cuda) return host_;
    std::vector<T> values(size_);
    kernels::cuda::copy_to_host(values.data(), data_, size_ * sizeof(T));
    return values;
  }
  // Same-size copy within the backend's memory.
  void copy_from(const DeviceBuffer& other) {
    if (other.size_ != size_ || other.kind_ != kind_)
      throw Error("DeviceBuffer::copy_from: buffers differ in size or backend");
    if (kind_ == BackendKind::cuda)
      kernels::cuda::copy_on_device(data_, other.data_, size_ * sizeof(T));
    else
      std::copy(other.host_.begin(), other.host_.end(), host_.begin());
  }
  void zero() {
    if (kind_ == BackendKind::cuda)
      kernels::cuda::fill_zero(data_, size_ * sizeof(T));
    else
      std::fill(host_.begin(), host_.end(), T{});
  }
  void swap(DeviceBuffer& other) noexcept {
    std::swap(kind_, other.kind_);
    std::swap(size_, other.size_);
    std::swap(data_, other.data_);
    host_.swap(other.host_);
  }

 private:
  BackendKind kind_ = BackendKind::cpu;
  std::size_t size_ = 0;
  T* data_ = nullptr;
  std::vector<T> host_;  // storage for the CPU backend
};

}  // namespace skinrd
