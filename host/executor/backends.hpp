#pragma once
// The executors of each backend, for executor_for and select_backend (backend.cpp).
#include <string>

#include "host/executor/executor.hpp"

namespace skinrd::executors {

const Executor& cpu();
const Executor& cuda();
// CUDA devices that answer; 0 with the reason in why_none (no device, or no CUDA build).
int cuda_device_count(std::string* why_none);

}  // namespace skinrd::executors
