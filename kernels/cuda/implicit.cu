// CUDA launches of the implicit-scheme functions of kernels/implicit.hpp. Line solves run one
// thread per line with neighbouring threads on neighbouring lines, so every load is
// coalesced: z and y lines directly (x is fastest in memory), x lines after a tiled
// transpose to (y fastest, x, z) order and back.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/implicit.hpp"
#include "kernels/instantiate.hpp"

namespace skinrd::kernels::cuda {
namespace {

// The grid seen in (y fastest, then x, then z) order: x lines have stride ny.
template <class Real>
struct TransposedGridView : GridView<Real> {
  __host__ __device__ std::size_t index(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * this->nx + i) * this->ny + j;
  }
};

template <class Real>
__device__ inline bool voxel_of_thread(const GridView<Real>& grid, int& i, int& j, int& k,
                                       std::size_t& idx) {
  idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= grid.voxel_count()) return false;
  i = static_cast<int>(idx % grid.nx);
  j = static_cast<int>((idx / grid.nx) % grid.ny);
  k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
  return true;
}

template <class Real>
__global__ void implicit_rhs_kernel(GridView<Real> grid, BoundaryView<Real> bc,
                                    SpeciesView<Real> sp, Real* rhs, Real dt_s, Real scale) {
  int i, j, k;
  std::size_t idx;
  if (voxel_of_thread(grid, i, j, k, idx))
    rhs[idx] = kernels::implicit_rhs(grid, bc, sp, i, j, k, dt_s, scale);
}

template <class Real>
__global__ void constant_inflow_kernel(GridView<Real> grid, BoundaryView<Real> bc,
                                       SpeciesView<Real> sp, Real* data, Real dt_s, Real scale) {
  int i, j, k;
  std::size_t idx;
  if (voxel_of_thread(grid, i, j, k, idx))
    data[idx] += constant_inflow(grid, bc, sp, i, j, k, dt_s, scale);
}

template <class Real>
__global__ void tallies_kernel(GridView<Real> grid, BoundaryView<Real> bc, SpeciesView<Real> sp,
                               const Real* c_new, Real theta, Real dt_s, Real scale,
                               double* tallies) {
  int i, j, k;
  std::size_t idx;
  double local[tally_count] = {};
  if (voxel_of_thread(grid, i, j, k, idx)) {
    const VoxelUpdate<Real> r =
        kernels::implicit_tallies(grid, bc, sp, c_new, i, j, k, theta, dt_s, scale);
    for (int t = 0; t < tally_count; ++t) local[t] = r.tally[t];
  }
  add_block_tallies(local, tallies);
}

template <class Real>
__global__ void add_kernel(Real* out, const Real* a, const Real* b, std::size_t n) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < n) out[idx] = a[idx] + b[idx];
}

template <class Real>
__global__ void axpy_kernel(Real* out, Real factor, const Real* x, std::size_t n) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < n) out[idx] += factor * x[idx];
}

// One thread per line; (first, second) are the line's two fixed coordinates, the first
// one fastest in memory for this axis and layout.
template <class Real, class GridT>
__global__ void sweep_kernel(GridT grid, BoundaryView<Real> bc, const MaterialCoeffs<Real>* coeffs,
                             int axis, Real theta_dt_s, Real* x, Real* cp, Real* q) {
  const int first_count = axis == 1 ? grid.nx : (axis == 2 ? grid.nx : grid.ny);
  const int second_count = axis == 2 ? grid.ny : grid.nz;
  const std::size_t line = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (line >= static_cast<std::size_t>(first_count) * second_count) return;
  const int first = static_cast<int>(line % first_count);
  const int second = static_cast<int>(line / first_count);
  if (axis == 0)
    solve_line(grid, bc, coeffs, 0, 0, first, second, theta_dt_s, x, cp, q);
  else if (axis == 1)
    solve_line(grid, bc, coeffs, 1, first, 0, second, theta_dt_s, x, cp, q);
  else
    solve_line(grid, bc, coeffs, 2, first, second, 0, theta_dt_s, x, cp, q);
}

// out[k][i][j] = in[k][j][i] (forward) or its inverse, in 32 × 32 tiles through shared memory.
// Planes k are strided over gridDim.z (at most 65535 blocks in z).
constexpr int kTile = 32;
constexpr int kMaxGridZ = 65535;
template <class Real>
__global__ void transpose_xy_kernel(const Real* in, Real* out, int nx, int ny, int nz,
                                    bool forward) {
  __shared__ Real tile[kTile][kTile + 1];  // +1: no shared-memory bank conflicts
  const int rows = forward ? ny : nx, cols = forward ? nx : ny;  // input plane is rows × cols
  const int col = blockIdx.x * kTile + threadIdx.x;
  const int out_col = blockIdx.y * kTile + threadIdx.x;
  for (int k = blockIdx.z; k < nz; k += gridDim.z) {  // same trip count in the whole block
    const std::size_t plane = static_cast<std::size_t>(nx) * ny * k;
    for (int r = threadIdx.y; r < kTile; r += blockDim.y) {
      const int row = blockIdx.y * kTile + r;
      if (row < rows && col < cols)
        tile[r][threadIdx.x] = in[plane + static_cast<std::size_t>(row) * cols + col];
    }
    __syncthreads();
    for (int r = threadIdx.y; r < kTile; r += blockDim.y) {
      const int out_row = blockIdx.x * kTile + r;
      if (out_row < cols && out_col < rows)
        out[plane + static_cast<std::size_t>(out_row) * rows + out_col] = tile[threadIdx.x][r];
    }
    __syncthreads();  // the tile is refilled for the next plane
  }
}

template <class Real>
void transpose_xy(const Real* in, Real* out, int nx, int ny, int nz, bool forward) {
  const int rows = forward ? ny : nx, cols = forward ? nx : ny;
  const dim3 blocks((cols + kTile - 1) / kTile, (rows + kTile - 1) / kTile,
                    nz < kMaxGridZ ? nz : kMaxGridZ);
  transpose_xy_kernel<Real><<<blocks, dim3(kTile, 8)>>>(in, out, nx, ny, nz, forward);
  SKINRD_CUDA_CHECK_LAUNCH();
}

}  // namespace

template <class Real>
void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                  const SpeciesView<Real>& sp, Real* rhs, Real dt_s, Real source_scale) {
  implicit_rhs_kernel<Real>
      <<<blocks_for(grid.voxel_count()), kBlockSize>>>(grid, bc, sp, rhs, dt_s, source_scale);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                         const SpeciesView<Real>& sp, Real* data, Real dt_s, Real source_scale) {
  constant_inflow_kernel<Real>
      <<<blocks_for(grid.voxel_count()), kBlockSize>>>(grid, bc, sp, data, dt_s, source_scale);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
void line_sweep(const GridView<Real>& grid, const std::uint8_t* material_transposed,
                const BoundaryView<Real>& bc, const MaterialCoeffs<Real>* coeffs, int axis,
                Real theta_dt_s, Real* data, Real* scratch) {
  const std::size_t voxels = grid.voxel_count();
  Real* cp = scratch;
  Real* q = scratch + voxels;
  if (axis == 0) {
    Real* data_t = scratch + 2 * voxels;
    TransposedGridView<Real> transposed{grid};
    transposed.material = material_transposed;
    transpose_xy(data, data_t, grid.nx, grid.ny, grid.nz, true);
    const std::size_t lines = static_cast<std::size_t>(grid.ny) * grid.nz;
    sweep_kernel<Real, TransposedGridView<Real>>
        <<<blocks_for(lines), kBlockSize>>>(transposed, bc, coeffs, 0, theta_dt_s, data_t, cp, q);
    SKINRD_CUDA_CHECK_LAUNCH();
    transpose_xy(data_t, data, grid.nx, grid.ny, grid.nz, false);
    return;
  }
  const std::size_t lines = static_cast<std::size_t>(grid.nx) * (axis == 1 ? grid.nz : grid.ny);
  sweep_kernel<Real, GridView<Real>>
      <<<blocks_for(lines), kBlockSize>>>(grid, bc, coeffs, axis, theta_dt_s, data, cp, q);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                      const SpeciesView<Real>& sp, const Real* c_new, Real theta, Real dt_s,
                      Real source_scale, double* tallies) {
  tallies_kernel<Real><<<blocks_for(grid.voxel_count()), kBlockSize>>>(
      grid, bc, sp, c_new, theta, dt_s, source_scale, tallies);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
void add_arrays(Real* out, const Real* a, const Real* b, std::size_t n) {
  add_kernel<Real><<<blocks_for(n), kBlockSize>>>(out, a, b, n);
  SKINRD_CUDA_CHECK_LAUNCH();
}

template <class Real>
void axpy(Real* out, Real factor, const Real* x, std::size_t n) {
  axpy_kernel<Real><<<blocks_for(n), kBlockSize>>>(out, factor, x, n);
  SKINRD_CUDA_CHECK_LAUNCH();
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)

}  // namespace skinrd::kernels::cuda
