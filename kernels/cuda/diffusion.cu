// CUDA launches of the explicit per-voxel transport step of kernels/transport.hpp (with the
// lane's closing reactions, kernels/reactions.hpp), every lane of a batch in one launch.
// A batch of a few lanes (the species of one simulation) runs column by column: each thread
// takes a stretch of one (i, j) column for every lane in turn, with the coefficient tables in
// shared memory and the cells below and above in registers as it marches up z, so each value is
// loaded once. Larger batches (ensembles), whose coefficient tables would not fit or whose
// columns would leave the GPU idle, run one thread per voxel and lane
// (kernels/cuda/lanes.cuh).
#include "kernels/cuda/block_tallies.cuh"
#include "kernels/cuda/lanes.cuh"
#include "kernels/cuda/cuda_check.cuh"
#include "kernels/instantiate.hpp"
#include "kernels/reactions.hpp"
#include "kernels/transport.hpp"

namespace skinrd::kernels::cuda {
namespace {

// The voxel's new value with the lane's closing reactions; adds the tallies to local.
template <class Real, class Values>
__device__ inline Real explicit_lane_voxel(const Channel<Real>& ch,
                                              const SpeciesView<Real>& species,
                                              const GridView<Real>& grid,
                                              const BoundaryView<Real>& bc, int i, int j, int k,
                                              std::size_t idx, Real dt_s, Real c,
                                              const Values& values, double* local) {
  const VoxelUpdate<Real> r =
      explicit_voxel_step(grid, bc, species, i, j, k, dt_s, ch.source_scale, c, values);
  for (int t = 0; t < tally_count; ++t) local[t] += r.tally[t];
  Real c_new = r.concentration;
  if (reacts_after(ch))
    react_voxel_tallied(species.coeffs[grid.material[idx]], grid.volume_um3(k), ch.react_after_s,
                        c_new, ch.bound[idx], ch.internalised[idx], local);
  return c_new;
}

template <class Real>
__global__ void explicit_step_kernel(const Channel<Real>* lanes, int first,
                                     GridView<Real> grid, BoundaryView<Real> bc, Real dt_s) {
  const Channel<Real> ch = lanes[lane_of_block(first)];
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double local[tally_count] = {};
  if (idx < grid.voxel_count()) {
    const int i = static_cast<int>(idx % grid.nx);
    const int j = static_cast<int>((idx / grid.nx) % grid.ny);
    const int k = static_cast<int>(idx / (static_cast<std::size_t>(grid.nx) * grid.ny));
    ch.next[idx] = explicit_lane_voxel(ch, ch.species, grid, bc, i, j, k, idx, dt_s,
                                          ch.species.concentration[idx],
                                          FieldValues<Real>{ch.species.concentration}, local);
  }
  add_block_tallies(local, ch.tallies);
}

constexpr int kColumnStretch = 16;      // cells of a column one thread marches through
constexpr int kMaxColumnLanes = 16;  // larger batches: one thread per voxel and lane
// Without an opt-in, less what the block's tally reduction holds statically.
constexpr std::size_t kMaxSharedCoeffBytes = 47 * 1024;

// Threads over (column, stretch of kColumnStretch cells) with x fastest; blocks of kBlockSize.
// At least two blocks per multiprocessor: the stencil is bound by memory, so occupancy first.
template <class Real>
__global__ void __launch_bounds__(kBlockSize, 2) explicit_columns_kernel(const Channel<Real>* lanes, int lane_count,
                                        GridView<Real> grid, BoundaryView<Real> bc, Real dt_s) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  auto* coeffs = reinterpret_cast<MaterialCoeffs<Real>*>(shared_bytes);
  const int nm = grid.material_count;
  for (int n = threadIdx.x; n < lane_count * nm; n += blockDim.x)
    coeffs[n] = lanes[n / nm].species.coeffs[n % nm];
  __syncthreads();

  const std::size_t columns = static_cast<std::size_t>(grid.nx) * grid.ny;
  const std::size_t thread = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const bool active = thread < columns * ((grid.nz + kColumnStretch - 1) / kColumnStretch);
  const std::size_t column = thread % columns;
  const int i = static_cast<int>(column % grid.nx), j = static_cast<int>(column / grid.nx);
  const int k_begin = static_cast<int>(thread / columns) * kColumnStretch;
  const int k_end = k_begin + kColumnStretch < grid.nz ? k_begin + kColumnStretch : grid.nz;
  for (int c = 0; c < lane_count; ++c) {  // the same trip count in every thread
    const Channel<Real> ch = lanes[c];
    SpeciesView<Real> species = ch.species;
    species.coeffs = coeffs + c * nm;
    double local[tally_count] = {};
    if (active) {
      const Real* field = species.concentration;
      Real below = k_begin > 0 ? field[grid.index(i, j, k_begin - 1)] : Real(0);
      Real self = field[grid.index(i, j, k_begin)];
      for (int k = k_begin; k < k_end; ++k) {
        const std::size_t idx = grid.index(i, j, k);
        const Real above = k + 1 < grid.nz ? field[grid.index(i, j, k + 1)] : Real(0);
        ch.next[idx] = explicit_lane_voxel(ch, species, grid, bc, i, j, k, idx, dt_s, self,
                                              ZMarchValues<Real>{field, below, above}, local);
        below = self;
        self = above;
      }
    }
    add_block_tallies(local, ch.tallies);
  }
}

}  // namespace

template <class Real>
void explicit_step(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                   const ChannelBatch<Real>& batch, Real dt_s) {
  const std::size_t shared =
      static_cast<std::size_t>(batch.count) * grid.material_count * sizeof(MaterialCoeffs<Real>);
  if (grid.material_count > 0 && batch.count <= kMaxColumnLanes &&
      shared <= kMaxSharedCoeffBytes) {
    if (grid.voxel_count() == 0 || batch.count == 0) return;
    const std::size_t threads = static_cast<std::size_t>(grid.nx) * grid.ny *
                                ((grid.nz + kColumnStretch - 1) / kColumnStretch);
    explicit_columns_kernel<Real><<<blocks_for(threads), kBlockSize, shared, compute_stream()>>>(
        batch.device, batch.count, grid, bc, dt_s);
    SKINRD_CUDA_CHECK_LAUNCH();
    return;
  }
  launch_per_lane(explicit_step_kernel<Real>, grid.voxel_count(), batch, grid, bc, dt_s);
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_DIFFUSION)

}  // namespace skinrd::kernels::cuda
