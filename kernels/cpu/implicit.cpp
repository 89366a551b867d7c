// OpenMP loops over the implicit-scheme functions of kernels/implicit.hpp. Line sweeps solve
// up to 64 lines together with the SIMD loop across them: y and z lines at neighbouring x
// (contiguous), x lines through a transposed tile. The right-hand side and the ledger run row
// by row (kernels/cpu/rows.hpp).
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/cpu/parallel_for.hpp"
#include "kernels/cpu/react_row.hpp"
#include "kernels/cpu/rows.hpp"
#include "kernels/implicit.hpp"
#include "kernels/instantiate.hpp"

namespace skinrd::kernels::cpu {

namespace {

// Lines solved together: the Thomas recurrence runs along the lines and the inner loop
// across them, so it vectorises and every load is contiguous.
constexpr int kLanes = 64;

// Per-thread buffers of a block of lines: cp and q for every cell, and the state carried
// from one cell to the next, per lane.
template <class Real>
struct LineBlockScratch {
  std::vector<Real> cp, q;
  Real conductance_lower[kLanes], inv_partition_lower[kLanes], inv_partition_self[kLanes],
      half_cell_self[kLanes], half_cell_next[kLanes], inv_partition_next[kLanes],
      extra[kLanes], alpha[kLanes], beta[kLanes], gamma[kLanes];
  explicit LineBlockScratch(int n) : cp(static_cast<std::size_t>(n) * kLanes), q(cp.size()) {}
};

// A block of `count` lines of n ≥ 2 cells (n ≥ 3 if cyclic) as thomas_sweep's Lines: cell m of
// line l is x[m·x_stride + l] with material mat[m·mat_stride + l]. Lateral blocks lie in layer
// k_lateral; z blocks (kZ) have cell m in layer m. load(m) gathers the next cell's half cells
// and 1/K (and along z the diagonal extra) by material from the sweep's tables; row(m, l) is
// implicit_row's row from those, with the lower face carried over from the cell before.
template <class Real, bool kZ, bool kCyclic>
struct BlockLines {
  const SweepTables<Real>& t;
  int n, k_lateral, count;  // count: the block's lines, at most kLanes
  Real* values;
  std::size_t x_stride;
  const std::uint8_t* mat;
  std::size_t mat_stride;
  LineBlockScratch<Real>& s;
  Real area_um2 = kZ ? t.area_um2[0] : t.area_um2[k_lateral];
  Real weight = 0;  // θ·dt/V of the cell being loaded
  Real* cp_base = s.cp.data();
  Real* q_base = s.q.data();

  const Real* half_cells(int m) const {
    return t.half_cell.data() + (kZ ? std::size_t(m) * t.materials : 0);
  }
  // The state before cell 0: its own half cell and 1/K, and the face to the cell before it
  // (through the periodic side to cell n − 1, or none).
  void start() {
    for (int l = 0; l < count; ++l) {
      const std::uint8_t a = mat[l];
      s.half_cell_self[l] = half_cells(0)[a];
      s.inv_partition_self[l] = t.inv_partition[a];
      s.conductance_lower[l] = Real(0);
      s.inv_partition_lower[l] = Real(1);
      s.alpha[l] = s.beta[l] = s.gamma[l] = Real(0);
      if (kCyclic) {
        const std::uint8_t b = mat[std::size_t(n - 1) * mat_stride + l];
        s.conductance_lower[l] =
            face_conductance(s.half_cell_self[l], half_cells(n - 1)[b], area_um2);
        s.inv_partition_lower[l] = t.inv_partition[b];
      }
    }
  }
  // Gathers by material, scalar; the arithmetic of row() runs across lanes in SIMD.
  template <class First, class Last>
  void load(int m, First, Last) {
    const int m_next = Last::value ? 0 : m + 1;
    weight = t.weight[kZ ? m : k_lateral];
    const std::uint8_t* mat_next = mat + std::size_t(m_next) * mat_stride;
    gather(half_cells(m_next), mat_next, count, s.half_cell_next);
    gather(t.inv_partition.data(), mat_next, count, s.inv_partition_next);
    if constexpr (kZ)
      gather(t.diagonal_extra.data() + std::size_t(m) * t.materials,
             mat + std::size_t(m) * mat_stride, count, s.extra);
  }
  template <class First, class Last>
  TridiagonalRow<Real> row(int, int l, First, Last) {
    constexpr bool kHasNext = !Last::value || kCyclic;
    const Real face = face_conductance(s.half_cell_self[l], s.half_cell_next[l], area_um2);
    const Real conductance_upper = kHasNext ? face : Real(0);
    const TridiagonalRow<Real> r = row_from_faces(
        weight * s.conductance_lower[l], weight * conductance_upper, s.inv_partition_lower[l],
        s.inv_partition_self[l], s.inv_partition_next[l], kZ ? s.extra[l] : Real(0));
    s.conductance_lower[l] = conductance_upper;
    s.inv_partition_lower[l] = s.inv_partition_self[l];
    s.inv_partition_self[l] = s.inv_partition_next[l];
    s.half_cell_self[l] = s.half_cell_next[l];
    return r;
  }
  Real& x(int m, int l) const { return values[std::size_t(m) * x_stride + l]; }
  Real& cp(int m, int l) const { return cp_base[std::size_t(m) * kLanes + l]; }
  Real& q(int m, int l) const { return q_base[std::size_t(m) * kLanes + l]; }
  Real& alpha(int l) const { return s.alpha[l]; }
  Real& beta(int l) const { return s.beta[l]; }
  Real& gamma(int l) const { return s.gamma[l]; }
  Real& factor(int l) const { return s.extra[l]; }  // free again after the forward sweep
};

// Solves the block of lines in place with the one Thomas sweep, thomas_sweep of
// kernels/implicit.hpp, which solve_line runs on one line: the same rows and the same steps.
template <class Real, bool kZ, bool kCyclic>
void solve_block(const SweepTables<Real>& t, int n, int k_lateral, int lanes, Real* x,
                 std::size_t x_stride, const std::uint8_t* mat, std::size_t mat_stride,
                 LineBlockScratch<Real>& s) {
  BlockLines<Real, kZ, kCyclic> lines{t, n, k_lateral, lanes, x, x_stride, mat, mat_stride, s};
  lines.start();
  thomas_sweep<kCyclic, Real>(lines, n);
}

template <class Real>
void implicit_rhs_channel(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                          const SpeciesView<Real>& sp, Real* rhs, Real dt_s, Real source_scale) {
  const int nm = material_count(grid), nx = grid.nx;
  const OperatorTables<Real> t(grid, bc, sp.coeffs, dt_s, nm);
  const std::size_t row = nx, plane = row * grid.ny;
#pragma omp parallel
  {
    RowNeighbourhood<Real> r(nx);
    std::vector<Real> extra(row), top(row), bottom(row);
#pragma omp for collapse(2) schedule(static)
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        const std::uint8_t* mat = grid.material + start;
        const RowFaces<Real> faces = r.load(grid, bc, sp.concentration, t, j, k);
        gather(t.vertical.diagonal_extra.data() + std::size_t(k) * nm, mat, nx, extra.data());
        gather_boundary(t.vertical, grid, mat, k, top.data(), bottom.data());
        const Real weight = t.lateral.weight[k], top_value = sp.top_concentration,
                   bottom_value = sp.bottom_concentration;
        const Real *c = sp.concentration + start, *diagonal_extra = extra.data(),
                   *top_conductance = top.data(), *bottom_conductance = bottom.data();
        const Real* source = sp.source_per_s ? sp.source_per_s + start : r.zeros;
        Real* out = rhs + start;
#pragma omp simd
        for (int i = 0; i < nx; ++i)
          out[i] = implicit_rhs_update(RhsVoxel<Real>{
              faces.at(i), c[i], weight, diagonal_extra[i], top_conductance[i], top_value,
              step_source_of(source[i], dt_s, source_scale), bottom_conductance[i],
              bottom_value});
      }
  }
}

template <class Real>
void add_constant_inflow_channel(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                                 const SpeciesView<Real>& sp, Real* data, Real dt_s,
                                 Real source_scale) {
  // Only the top and bottom layers have a boundary inflow; without a source the others get 0.
  const bool top_in = bc.top == TopBoundary::fixed_concentration,
             bottom_in = bc.bottom == BottomBoundary::perfect_sink && sp.bottom_concentration != 0;
  if (!sp.source_per_s && !top_in && !bottom_in) return;
  const SweepTables<Real> vertical =
      sweep_tables(grid, bc, sp.coeffs, 2, dt_s, material_count(grid));
  const std::size_t row = grid.nx, plane = row * grid.ny;
#pragma omp parallel
  {
    std::vector<Real> top(row), bottom(row), zeros(row);
#pragma omp for collapse(2) schedule(static)
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        if (!sp.source_per_s && !(k == 0 && top_in) && !(k == grid.nz - 1 && bottom_in)) continue;
        const std::size_t start = k * plane + j * row;
        gather_boundary(vertical, grid, grid.material + start, k, top.data(), bottom.data());
        const Real weight = vertical.weight[k], top_value = sp.top_concentration,
                   bottom_value = sp.bottom_concentration;
        const Real *top_conductance = top.data(), *bottom_conductance = bottom.data();
        const Real* source = sp.source_per_s ? sp.source_per_s + start : zeros.data();
        Real* out = data + start;
#pragma omp simd
        for (int i = 0; i < grid.nx; ++i)
          out[i] += constant_inflow_from_parts(
              weight,
              boundary_inflow_per_s(top_conductance[i], top_value, bottom_conductance[i],
                                    bottom_value),
              step_source_of(source[i], dt_s, source_scale));
      }
  }
}

template <class Real>
void line_sweep_channel(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                        const MaterialCoeffs<Real>* coeffs, int axis, Real theta_dt_s, Real* data,
                        Real* scratch) {
  const int n = axis == 0 ? grid.nx : axis == 1 ? grid.ny : grid.nz;
  const bool cyclic = axis < 2 && bc.periodic_lateral && n > 1;
  if (n == 1 || (cyclic && n == 2)) {  // degenerate lines: the reference solve, line by line
    // solve_line solves these directly and never touches cp or q, so no scratch is needed.
    Real* cp = scratch;
    Real* q = scratch ? scratch + grid.voxel_count() : nullptr;
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < (axis == 2 ? grid.ny : grid.nz); ++b)
      for (int a = 0; a < (axis == 0 ? grid.ny : grid.nx); ++a)
        solve_line(grid, bc, coeffs, axis, axis == 0 ? 0 : a, axis == 0 ? a : axis == 1 ? 0 : b,
                   axis == 2 ? 0 : b, theta_dt_s, data, cp, q);
    return;
  }
  const SweepTables<Real> tables =
      sweep_tables(grid, bc, coeffs, axis, theta_dt_s, material_count(grid));
  const std::size_t row = grid.nx, plane = row * grid.ny;
  // Blocks of up to kLanes lines: along x the lanes are y-lines (copied into a transposed
  // tile); along y and z they are neighbouring x positions, contiguous in memory.
  const int lane_count = axis == 0 ? grid.ny : grid.nx;
  const int chunks = (lane_count + kLanes - 1) / kLanes;
  const int outer = axis == 2 ? grid.ny : grid.nz;
#pragma omp parallel
  {
    LineBlockScratch<Real> s(n);
    std::vector<Real> tile(axis == 0 ? std::size_t(n) * kLanes : 0);
    std::vector<std::uint8_t> tile_material(tile.size());
    auto solve_lateral = [&](int k, int lanes, Real* x, std::size_t x_stride,
                             const std::uint8_t* mat, std::size_t mat_stride) {
      if (cyclic)
        solve_block<Real, false, true>(tables, n, k, lanes, x, x_stride, mat, mat_stride, s);
      else
        solve_block<Real, false, false>(tables, n, k, lanes, x, x_stride, mat, mat_stride, s);
    };
#pragma omp for collapse(2) schedule(static)
    for (int b = 0; b < outer; ++b)
      for (int c = 0; c < chunks; ++c) {
        const int first = c * kLanes, lanes = std::min(kLanes, lane_count - first);
        if (axis == 2) {
          const std::size_t start = b * row + first;
          solve_block<Real, true, false>(tables, n, 0, lanes, data + start, plane,
                                  grid.material + start, plane, s);
        } else if (axis == 1) {
          const std::size_t start = b * plane + first;
          solve_lateral(b, lanes, data + start, row, grid.material + start, row);
        } else {
          const std::size_t start = b * plane + first * row;
          for (int l = 0; l < lanes; ++l)
            for (int i = 0; i < n; ++i) {
              tile[std::size_t(i) * kLanes + l] = data[start + l * row + i];
              tile_material[std::size_t(i) * kLanes + l] = grid.material[start + l * row + i];
            }
          solve_lateral(b, lanes, tile.data(), kLanes, tile_material.data(), kLanes);
          for (int l = 0; l < lanes; ++l)
            for (int i = 0; i < n; ++i) data[start + l * row + i] = tile[std::size_t(i) * kLanes + l];
        }
      }
  }
}

// With a correction (Douglas–Gunn), c_new = c_old + correction is written row by row first,
// while the row is in cache, instead of in a pass of its own; the channel's closing reactions
// (react_after_s) are applied to the row last, in the same way.
template <class Real>
void implicit_tallies_channel(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                              const Channel<Real>& ch, const Real* correction, Real theta,
                              Real dt_s) {
  const SpeciesView<Real>& sp = ch.species;
  Real* c_new = ch.next;
  const Real source_scale = ch.source_scale;
  const bool react = reacts_after(ch);
  // Σ c_θ per layer and material and Σ source rates per layer, rows in SIMD; the sink term on
  // the bottom layer only, cell by cell.
  const int nm = material_count(grid), nz = grid.nz, nx = grid.nx;
  const std::size_t row = nx, plane = row * grid.ny;
  std::vector<double> c_theta_sum(std::size_t(nz) * nm), source_sum(nz);
  double total[tally_count] = {};
  // A fixed top's inflow from the top slab's budget, before this pass writes and reacts the
  // new values (a slab cell reads its neighbour below).
  if (bc.top == TopBoundary::fixed_concentration) {
    const NewValues<Real> values{sp.concentration, correction, c_new};
    const int slab = std::min(bc.top_slab_cells, nz);
    double entered = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : entered)
    for (int k = 0; k < slab; ++k)
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < nx; ++i)
          entered += implicit_top_slab_share(grid, bc, sp, values, i, j, k, theta, dt_s,
                                             source_scale);
    total[Tally::entered_top] += entered;
  }
#pragma omp parallel
  {
    std::vector<double> local_c_theta(c_theta_sum.size()), local_source(nz), c_theta(row);
    std::vector<Real> rates(row);
    double local_tally[tally_count] = {};
#pragma omp for collapse(2) schedule(static) nowait
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        const Real* c_old = sp.concentration + start;
        Real* c = c_new + start;
        const std::uint8_t* mat = grid.material + start;
        double* sums = local_c_theta.data() + std::size_t(k) * nm;
        if (correction) {
          const Real* delta = correction + start;
#pragma omp simd
          for (int i = 0; i < nx; ++i) c[i] = corrected_value(c_old[i], delta[i]);
        }
#pragma omp simd
        for (int i = 0; i < nx; ++i) c_theta[i] = theta_state(c_old[i], c[i], theta);
        add_by_material(c_theta.data(), mat, nx, sums);
        if (sp.source_per_s) {
          const Real* source = sp.source_per_s + start;
#pragma omp simd
          for (int i = 0; i < nx; ++i) rates[i] = scaled_source_rate(source[i], source_scale);
          local_source[k] += row_sum(rates.data(), nx);
        }
        if (k == nz - 1)
          for (int i = 0; i < nx; ++i) {
            const MaterialCoeffs<Real>& self = sp.coeffs[mat[i]];
            add_boundary_tallies(boundary_conductances(grid, bc, self, k), self,
                                 static_cast<double>(dt_s), c_theta[i], local_tally,
                                 sp.bottom_concentration);
          }
        if (react)
          react_row(grid, sp.coeffs, k, start, ch.react_after_s, c, ch.bound + start,
                    ch.internalised + start, local_tally);
      }
#pragma omp critical
    {
      for (std::size_t n = 0; n < c_theta_sum.size(); ++n) c_theta_sum[n] += local_c_theta[n];
      for (int k = 0; k < nz; ++k) source_sum[k] += local_source[k];
      for (int t = 0; t < tally_count; ++t) total[t] += local_tally[t];
    }
  }
  const double dt = dt_s;
  for (int k = 0; k < nz; ++k) {
    const double volume_um3 = grid.volume_um3(k);
    for (int a = 0; a < nm; ++a)
      add_loss_tallies(sp.coeffs[a], dt, volume_um3, c_theta_sum[std::size_t(k) * nm + a], total);
    if (sp.source_per_s) add_source_tally(dt, source_sum[k], volume_um3, total);
  }
  for (int t = 0; t < tally_count; ++t) ch.tallies[t] += total[t];
}

}  // namespace

template <class Real>
void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                  const ChannelBatch<Real>& batch, Real dt_s) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    implicit_rhs_channel(grid, bc, ch.species, ch.work, dt_s, ch.source_scale);
  });
}

template <class Real>
void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                         const ChannelBatch<Real>& batch, Real dt_s) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    add_constant_inflow_channel(grid, bc, ch.species, ch.next, dt_s, ch.source_scale);
  });
}

template <class Real>
void line_sweep(const GridView<Real>& grid, const std::uint8_t*, const BoundaryView<Real>& bc,
                const ChannelBatch<Real>& batch, int axis, Real theta_dt_s, ChannelField field,
                Real* scratch) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    line_sweep_channel(grid, bc, ch.species.coeffs, axis, theta_dt_s, channel_field(ch, field),
                       scratch);
  });
}

template <class Real>
void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                      const ChannelBatch<Real>& batch, Real theta, Real dt_s,
                      bool add_correction) {
  for_each_channel(batch, [&](const Channel<Real>& ch) {
    implicit_tallies_channel(grid, bc, ch, add_correction ? ch.work : nullptr, theta, dt_s);
  });
}

template <class Real>
void axpy(Real* out, Real factor, const Real* x, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t idx = 0; idx < n; ++idx) out[idx] += factor * x[idx];
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)

}  // namespace skinrd::kernels::cpu
