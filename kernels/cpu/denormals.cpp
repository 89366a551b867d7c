#include "kernels/cpu/denormals.hpp"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace skinrd::kernels::cpu {

void flush_subnormals_to_zero() {
#if defined(__SSE__) || defined(__x86_64__)
  constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;  // MXCSR bits
  auto set = [] { _mm_setcsr(_mm_getcsr() | kFlushToZero | kDenormalsAreZero); };
  set();
#pragma omp parallel
  set();
#endif
}

}  // namespace skinrd::kernels::cpu
