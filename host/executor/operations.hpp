#pragma once
// The kernel operations an Executor runs: one per launcher of kernels/launchers.hpp, generated
// from its list, each naming the launcher of both backends (the one dispatch of the house).
#include <utility>

#include "host/executor/executor.hpp"
#include "kernels/launchers.hpp"

namespace skinrd::ops {

#define SKINRD_OPERATION(Return, name, parameters)                 \
  struct name##_operation {                                        \
    template <class... Args>                                       \
    static decltype(auto) cpu(Args&&... args) {                    \
      return kernels::cpu::name(std::forward<Args>(args)...);      \
    }                                                              \
    template <class... Args>                                       \
    static decltype(auto) cuda(Args&&... args) {                   \
      return kernels::cuda::name(std::forward<Args>(args)...);     \
    }                                                              \
  };                                                               \
  inline constexpr name##_operation name{};

SKINRD_KERNEL_LAUNCHERS(SKINRD_OPERATION, Real)

#undef SKINRD_OPERATION

}  // namespace skinrd::ops
