#pragma once
// Subnormal floats (below 1.2e-38 in float) take a slow path in x86 arithmetic and appear
// wherever a profile decays far ahead of its front (metrics.csv shows amounts of 1e-40).
// Flushing them to zero changes amounts by less than 1e-38 per voxel, far below the
// ledger's rounding.
namespace skinrd::kernels::cpu {

// Sets flush-to-zero and denormals-are-zero in the calling thread and in every OpenMP thread.
void flush_subnormals_to_zero();

}  // namespace skinrd::kernels::cpu
