#include "host/snapshot.hpp"

#include <utility>

namespace skinrd {

template <class T>
HostArray<T>::HostArray(BackendKind kind, std::size_t size)
    : pinned_(kind == BackendKind::cuda), size_(size) {
  if (pinned_) {
    data_ = static_cast<T*>(kernels::cuda::allocate_pinned(size * sizeof(T)));
  } else {
    plain_.resize(size);
    data_ = plain_.data();
  }
}

template <class T>
HostArray<T>::~HostArray() {
  if (pinned_) kernels::cuda::release_pinned(data_, size_ * sizeof(T));
}

template <class T>
void HostArray<T>::swap(HostArray& other) noexcept {
  std::swap(pinned_, other.pinned_);
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
  plain_.swap(other.plain_);  // a vector's buffer keeps its address when swapped
}

template <class Real>
FieldSnapshot<Real>::FieldSnapshot(FieldSnapshot&& other) noexcept
    : time_s_(other.time_s_), species_(std::move(other.species_)),
      copied_(std::exchange(other.copied_, nullptr)) {}

template <class Real>
FieldSnapshot<Real>::~FieldSnapshot() {
  if (copied_) {
    try {  // the copies must not land in freed memory
      kernels::cuda::wait_event(copied_);
    } catch (...) {
      // a failed device: nothing is copying any more
    }
    kernels::cuda::destroy_event(copied_);
  }
}

template <class Real>
void FieldSnapshot<Real>::wait() {
  if (!copied_) return;
  kernels::cuda::wait_event(copied_);
  kernels::cuda::destroy_event(std::exchange(copied_, nullptr));
}

template class HostArray<float>;
template class HostArray<double>;
template class FieldSnapshot<float>;
template class FieldSnapshot<double>;

}  // namespace skinrd
