#include "host/snapshot.hpp"

#include <utility>

namespace skinrd {

template <class T>
HostArray<T>::HostArray(const Executor& executor, std::size_t size)
    : executor_(&executor), data_(static_cast<T*>(executor.allocate_host(size * sizeof(T)))),
      size_(size) {}

template <class T>
HostArray<T>::~HostArray() {
  if (executor_) executor_->release_host(data_, size_ * sizeof(T));
}

template <class T>
void HostArray<T>::swap(HostArray& other) noexcept {
  std::swap(executor_, other.executor_);
  std::swap(data_, other.data_);
  std::swap(size_, other.size_);
}

template <class Real>
FieldSnapshot<Real>::FieldSnapshot(FieldSnapshot&& other) noexcept
    : executor_(other.executor_), time_s_(other.time_s_), species_(std::move(other.species_)),
      copied_(std::exchange(other.copied_, nullptr)) {}

template <class Real>
FieldSnapshot<Real>::~FieldSnapshot() {
  if (copied_) {
    try {  // the copies must not land in freed memory
      executor_->wait(copied_);
    } catch (...) {
      // a failed device: nothing is copying any more
    }
    executor_->destroy_event(copied_);
  }
}

template <class Real>
void FieldSnapshot<Real>::wait() {
  if (!copied_) return;
  executor_->wait(copied_);
  executor_->destroy_event(std::exchange(copied_, nullptr));
}

template class HostArray<float>;
template class HostArray<double>;
template class FieldSnapshot<float>;
template class FieldSnapshot<double>;

}  // namespace skinrd
