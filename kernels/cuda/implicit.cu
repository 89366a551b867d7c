// CUDA launches of the implicit-scheme functions of kernels/implicit.hpp. Line solves run one
// thread per line with neighbouring threads on neighbouring lines, so every load is
// coalesced: z and y lines directly (x is fastest in memory), x lines after a tiled transpose
// to (y fastest, x, z) order and back. Lines up to kMaxLocalSweepLine cells keep their Thomas
// scratch in thread-local memory; longer ones in device memory.
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/lanes.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/implicit.hpp"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"

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
__global__ void implicit_rhs_kernel(const Channel<Real>* lanes, int first,
                                    GridView<Real> grid, BoundaryView<Real> bc, Real dt_s) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  int i, j, k;
  std::size_t idx;
  if (voxel_of_thread(grid, i, j, k, idx))
    ch.work[idx] = kernels::implicit_rhs(grid, bc, ch.species, i, j, k, dt_s, ch.source_scale);
}

template <class Real>
__global__ void constant_inflow_kernel(const Channel<Real>* lanes, int first,
                                       GridView<Real> grid, BoundaryView<Real> bc, Real dt_s) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  int i, j, k;
  std::size_t idx;
  if (voxel_of_thread(grid, i, j, k, idx))
    ch.next[idx] += constant_inflow(grid, bc, ch.species, i, j, k, dt_s, ch.source_scale);
}

// A fixed top's inflow from the top slab's budget (implicit_top_slab_share), one thread per
// slab cell, before tallies_kernel writes and reacts the new values.
template <class Real>
__global__ void top_slab_kernel(const Channel<Real>* lanes, int first, GridView<Real> grid,
                                BoundaryView<Real> bc, Real theta, Real dt_s,
                                bool add_correction) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  double local[tally_count] = {};
  if (idx < plane * bc.top_slab_cells && idx < grid.voxel_count()) {
    const int i = static_cast<int>(idx % grid.nx);
    const int j = static_cast<int>((idx / grid.nx) % grid.ny);
    const int k = static_cast<int>(idx / plane);
    const NewValues<Real> values{ch.species.concentration, add_correction ? ch.work : nullptr,
                                 ch.next};
    local[Tally::entered_top] = implicit_top_slab_share(grid, bc, ch.species, values, i, j, k,
                                                        theta, dt_s, ch.source_scale);
  }
  add_block_tallies(local, ch.tallies);
}

// With add_correction, next = c + work is written here, in the pass that reads both anyway;
// the lane's closing reactions act on next last, in the same pass.
template <class Real>
__global__ void tallies_kernel(const Channel<Real>* lanes, int first, GridView<Real> grid,
                               BoundaryView<Real> bc, Real theta, Real dt_s, bool add_correction) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  int i, j, k;
  std::size_t idx;
  double local[tally_count] = {};
  if (voxel_of_thread(grid, i, j, k, idx)) {
    if (add_correction)
      ch.next[idx] = corrected_value(ch.species.concentration[idx], ch.work[idx]);
    const VoxelUpdate<Real> r = kernels::implicit_tallies(grid, bc, ch.species, ch.next, i, j, k,
                                                          theta, dt_s, ch.source_scale);
    for (int t = 0; t < tally_count; ++t) local[t] = r.tally[t];
    if (reacts_after(ch))
      react_voxel_tallied(ch.species.coeffs[grid.material[idx]], grid.volume_um3(k),
                          ch.react_after_s, ch.next[idx], ch.bound[idx], ch.internalised[idx],
                          local);
  }
  add_block_tallies(local, ch.tallies);
}

template <class Real>
__global__ void axpy_kernel(Real* out, Real factor, const Real* x, std::size_t n) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < n) out[idx] += factor * x[idx];
}

// The line along axis whose two fixed coordinates are (first, second), first the faster in
// memory for the grid's order.
template <class Real, class GridT, class Scratch>
__device__ inline void solve_line_at(const GridT& grid, const BoundaryView<Real>& bc,
                                     const MaterialCoeffs<Real>* coeffs, int axis, int first,
                                     int second, Real theta_dt_s, Real* x, Scratch cp,
                                     Scratch q) {
  if (axis == 0)
    solve_line(grid, bc, coeffs, 0, 0, first, second, theta_dt_s, x, cp, q);
  else if (axis == 1)
    solve_line(grid, bc, coeffs, 1, first, 0, second, theta_dt_s, x, cp, q);
  else
    solve_line(grid, bc, coeffs, 2, first, second, 0, theta_dt_s, x, cp, q);
}

// One thread per line of one lane (blockIdx.y); (first, second) are the line's two fixed
// coordinates, first the faster in memory, so neighbouring threads load neighbouring values
// (coalesced): y and z lines in the field, x lines in the lane's transposed copy (GridT =
// TransposedGridView, at transposed + c × voxels). The line's Thomas scratch (cp, q) is in
// thread-local arrays.
template <class Real, int kMaxLine, class GridT>
__global__ void local_sweep_kernel(const Channel<Real>* lanes, int first_lane, GridT grid,
                                   BoundaryView<Real> bc, int axis, Real theta_dt_s,
                                   ChannelField field, Real* transposed) {
  const int c = lane_of_block(first_lane);
  const Channel<Real>& ch = lanes[c];
  const int first_count = axis == 0 ? grid.ny : grid.nx;
  const int second_count = axis == 2 ? grid.ny : grid.nz;
  const std::size_t line = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (line >= static_cast<std::size_t>(first_count) * second_count) return;
  const int first = static_cast<int>(line % first_count);
  const int second = static_cast<int>(line / first_count);
  Real cp[kMaxLine], q[kMaxLine];
  Real* x = axis == 0 ? transposed + static_cast<std::size_t>(c) * grid.voxel_count()
                      : channel_field(ch, field);
  solve_line_at(grid, bc, ch.species.coeffs, axis, first, second, theta_dt_s, x, cp, q);
}

// Lines longer than kMaxLocalSweepLine: the scratch in device memory, 3 × voxels per lane
// (lane c's at c × 3 × voxels): cp and q strided by the line count, so neighbouring lines'
// values are neighbours (coalesced), and along x the lane's transposed copy of its field.
template <class Real, class GridT>
__global__ void sweep_kernel(const Channel<Real>* lanes, int first_lane, GridT grid,
                             BoundaryView<Real> bc, int axis, Real theta_dt_s, ChannelField field,
                             Real* scratch) {
  const int c = lane_of_block(first_lane);
  const MaterialCoeffs<Real>* coeffs = lanes[c].species.coeffs;
  const std::size_t voxels = grid.voxel_count();
  Real* lane_scratch = scratch + static_cast<std::size_t>(c) * 3 * voxels;
  Real* x = axis == 0 ? lane_scratch + 2 * voxels : channel_field(lanes[c], field);
  const int first_count = axis == 1 ? grid.nx : (axis == 2 ? grid.nx : grid.ny);
  const int second_count = axis == 2 ? grid.ny : grid.nz;
  const std::size_t lines = static_cast<std::size_t>(first_count) * second_count;
  const std::size_t line = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (line >= lines) return;
  const StridedScratch<Real> cp{lane_scratch + line, lines};
  const StridedScratch<Real> q{lane_scratch + voxels + line, lines};
  const int first = static_cast<int>(line % first_count);
  const int second = static_cast<int>(line / first_count);
  solve_line_at(grid, bc, coeffs, axis, first, second, theta_dt_s, x, cp, q);
}

// For every lane c of the batch, between its field and its transposed copy at
// transposed + c × lane_stride: out[k][i][j] = in[k][j][i] (forward: field → copy) or the
// inverse (copy → field), in 32 × 32 tiles through shared memory. The (plane k, lane)
// pairs are strided over gridDim.z (at most 65535 blocks in z).
constexpr int kTile = 32;
constexpr int kMaxGridZ = 65535;
template <class Real>
__global__ void transpose_xy_kernel(const Channel<Real>* lanes, int lane_count,
                                    ChannelField field, Real* transposed_base,
                                    std::size_t lane_stride, int nx, int ny, int nz,
                                    bool forward) {
  __shared__ Real tile[kTile][kTile + 1];  // +1: no shared-memory bank conflicts
  const int rows = forward ? ny : nx, cols = forward ? nx : ny;  // input plane is rows × cols
  const int col = blockIdx.x * kTile + threadIdx.x;
  const int out_col = blockIdx.y * kTile + threadIdx.x;
  const long long pairs = static_cast<long long>(nz) * lane_count;
  for (long long p = blockIdx.z; p < pairs; p += gridDim.z) {  // same trip count in the block
    const int k = static_cast<int>(p % nz), c = static_cast<int>(p / nz);
    Real* data = channel_field(lanes[c], field);
    Real* transposed = transposed_base + static_cast<std::size_t>(c) * lane_stride;
    const Real* in = forward ? data : transposed;
    Real* out = forward ? transposed : data;
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
void transpose_xy(const ChannelBatch<Real>& batch, ChannelField field, Real* transposed,
                  std::size_t lane_stride, int nx, int ny, int nz, bool forward) {
  const int rows = forward ? ny : nx, cols = forward ? nx : ny;
  const long long pairs = static_cast<long long>(nz) * batch.count;
  const dim3 blocks((cols + kTile - 1) / kTile, (rows + kTile - 1) / kTile,
                    static_cast<unsigned>(pairs < kMaxGridZ ? pairs : kMaxGridZ));
  transpose_xy_kernel<Real><<<blocks, dim3(kTile, 8), 0, compute_stream()>>>(
      batch.device, batch.count, field, transposed, lane_stride, nx, ny, nz, forward);
  SKINRD_CUDA_CHECK_LAUNCH();
}

}  // namespace

template <class Real>
void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                  const ChannelBatch<Real>& batch, Real dt_s) {
  launch_per_lane(implicit_rhs_kernel<Real>, grid.voxel_count(), batch, grid, bc, dt_s);
}

template <class Real>
void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                         const ChannelBatch<Real>& batch, Real dt_s) {
  launch_per_lane(constant_inflow_kernel<Real>, grid.voxel_count(), batch, grid, bc, dt_s);
}

template <class Real>
void line_sweep(const GridView<Real>& grid, const std::uint8_t* material_transposed,
                const BoundaryView<Real>& bc, const ChannelBatch<Real>& batch, int axis,
                Real theta_dt_s, ChannelField field, Real* scratch) {
  if (grid.voxel_count() == 0 || batch.count == 0) return;
  const int n = axis == 0 ? grid.nx : axis == 1 ? grid.ny : grid.nz;
  const std::size_t lines = grid.voxel_count() / n;
  if (scratch == nullptr || (axis == 0 && material_transposed == nullptr))
    throw Error("line_sweep: CUDA needs its scratch and the transposed material ids");
  TransposedGridView<Real> transposed{grid};
  transposed.material = material_transposed;
  const std::size_t voxels = grid.voxel_count();
  if (n <= kMaxLocalSweepLine) {
    // Thread-local Thomas scratch sized for the line (short lines keep the driver's
    // local-memory reservation, which is per resident thread, small); x lines in a transposed
    // copy, voxels values per lane of scratch.
    auto launch = [&](auto kernel_for_grid, auto kernel_for_transposed) {
      if (axis == 0) {
        transpose_xy(batch, field, scratch, voxels, grid.nx, grid.ny, grid.nz, true);
        launch_per_lane(kernel_for_transposed, lines, batch, transposed, bc, 0, theta_dt_s,
                           field, scratch);
        transpose_xy(batch, field, scratch, voxels, grid.nx, grid.ny, grid.nz, false);
      } else {
        launch_per_lane(kernel_for_grid, lines, batch, grid, bc, axis, theta_dt_s, field,
                           scratch);
      }
    };
    if (n <= kShortLocalSweepLine)
      launch(local_sweep_kernel<Real, kShortLocalSweepLine, GridView<Real>>,
             local_sweep_kernel<Real, kShortLocalSweepLine, TransposedGridView<Real>>);
    else
      launch(local_sweep_kernel<Real, kMaxLocalSweepLine, GridView<Real>>,
             local_sweep_kernel<Real, kMaxLocalSweepLine, TransposedGridView<Real>>);
    return;
  }
  // Longer lines: cp and q in device scratch too (3 × voxels per lane).
  if (axis == 0) {
    Real* copies = scratch + 2 * voxels;  // lane c's copy at c × 3 × voxels + 2 × voxels
    transpose_xy(batch, field, copies, 3 * voxels, grid.nx, grid.ny, grid.nz, true);
    launch_per_lane(sweep_kernel<Real, TransposedGridView<Real>>, lines, batch, transposed, bc,
                       0, theta_dt_s, field, scratch);
    transpose_xy(batch, field, copies, 3 * voxels, grid.nx, grid.ny, grid.nz, false);
    return;
  }
  launch_per_lane(sweep_kernel<Real, GridView<Real>>, lines, batch, grid, bc, axis, theta_dt_s,
                     field, scratch);
}

template <class Real>
void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                      const ChannelBatch<Real>& batch, Real theta, Real dt_s,
                      bool add_correction) {
  if (bc.top == TopBoundary::fixed_concentration)
    launch_per_lane(top_slab_kernel<Real>,
                    static_cast<std::size_t>(grid.nx) * grid.ny * bc.top_slab_cells, batch, grid,
                    bc, theta, dt_s, add_correction);
  launch_per_lane(tallies_kernel<Real>, grid.voxel_count(), batch, grid, bc, theta, dt_s,
                     add_correction);
}

template <class Real>
void axpy(Real* out, Real factor, const Real* x, std::size_t n) {
  axpy_kernel<Real><<<blocks_for(n), kBlockSize, 0, compute_stream()>>>(out, factor, x, n);
  SKINRD_CUDA_CHECK_LAUNCH();
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)

}  // namespace skinrd::kernels::cuda
