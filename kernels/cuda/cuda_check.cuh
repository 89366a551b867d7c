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

namespace skinrd::kernels::cuda {
// The stream every launch, copy and reduction of the CUDA backend is ordered on, so a step can
// be captured as a CUDA graph (kernels/launchers.hpp). A blocking stream: the synchronous
// copies of the legacy default stream (downloads) still wait for it.
cudaStream_t compute_stream();
}  // namespace skinrd::kernels::cuda

// After a kernel launch: launch-configuration errors surface here.
#define SKINRD_CUDA_CHECK_LAUNCH() SKINRD_CUDA_CHECK(cudaGetLastError())
