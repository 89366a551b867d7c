#pragma once
#include <cuda_runtime.h>

#include "host/error.hpp"

// Throws skinrd::CudaError naming the call, CUDA's message and the source line.
#define SKINRD_CUDA_CHECK(call)                                                       \
  do {                                                                                \
    const cudaError_t skinrd_status_ = (call);                                        \
    if (skinrd_status_ != cudaSuccess)                                                \
      throw ::skinrd::CudaError(#call, cudaGetErrorString(skinrd_status_), __FILE__,  \
                                __LINE__);                                            \
  } while (false)

// After a kernel launch: launch-configuration errors surface here.
#define SKINRD_CUDA_CHECK_LAUNCH() SKINRD_CUDA_CHECK(cudaGetLastError())
