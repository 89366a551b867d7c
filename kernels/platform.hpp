#pragma once
// Marks per-voxel physics that both backends compile: nvcc sees __host__ __device__,
// a plain C++ compiler sees an ordinary inline function.
#if defined(__CUDACC__)
#define SKINRD_HD __host__ __device__
#else
#define SKINRD_HD
#endif

// Before a loop across independent lanes (kernels/implicit.hpp's thomas_sweep): tells GCC
// there is no dependence between iterations, so it vectorises. Nothing elsewhere.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define SKINRD_IVDEP _Pragma("GCC ivdep")
#else
#define SKINRD_IVDEP
#endif

#include <math.h>

namespace skinrd::kernels {

// expm1 for both backends without <cmath> overload questions in device code.
SKINRD_HD inline float expm1_real(float x) { return ::expm1f(x); }
SKINRD_HD inline double expm1_real(double x) { return ::expm1(x); }

}  // namespace skinrd::kernels
