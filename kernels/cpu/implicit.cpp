// OpenMP loops over the implicit-scheme functions of kernels/implicit.hpp. Line sweeps solve
// up to 64 lines together with the SIMD loop across them: y and z lines at neighbouring x
// (contiguous), x lines through a transposed tile.
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/implicit.hpp"
#include "kernels/instantiate.hpp"

namespace skinrd::kernels::cpu {

namespace {

// Lines solved together: the Thomas recurrence runs along the lines and the inner loop
// across them, so it vectorises and every load is contiguous.
constexpr int kLanes = 64;

// Per-material and per-layer inputs of one sweep's rows, computed once per sweep by the
// shared functions of kernels/implicit.hpp, so the line loops only look them up.
template <class Real>
struct SweepTables {
  int materials = 0;
  std::vector<Real> inv_partition;     // [material]
  std::vector<Real> half_cell;         // [material] lateral (h = dx), [k][material] along z
  std::vector<Real> diagonal_extra;    // [k][material], z only
  std::vector<Real> top_conductance;   // [material] boundary conductance of layer 0, z only
  std::vector<Real> weight;            // [k] θ·dt/V
  std::vector<Real> area_um2;          // [k] lateral faces; [0] for z faces
};

template <class Real>
int material_count(const GridView<Real>& grid) {
  const std::uint8_t* material = grid.material;
  const auto voxels = static_cast<std::ptrdiff_t>(grid.voxel_count());
  std::uint8_t largest = 0;
#pragma omp parallel for simd schedule(static) reduction(max : largest)
  for (std::ptrdiff_t idx = 0; idx < voxels; ++idx)
    largest = material[idx] > largest ? material[idx] : largest;
  return largest + 1;
}

template <class Real>
SweepTables<Real> sweep_tables(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                               const MaterialCoeffs<Real>* coeffs, int axis, Real theta_dt_s,
                               int materials) {
  SweepTables<Real> t;
  const int nm = t.materials = materials;
  for (int a = 0; a < nm; ++a) t.inv_partition.push_back(reciprocal_partition(coeffs[a]));
  for (int k = 0; k < grid.nz; ++k) {
    t.weight.push_back(row_weight_per_conductance(grid, k, theta_dt_s));
    t.area_um2.push_back(grid.dx_um * grid.dz_um[k]);  // as face_towards: dy = dx
  }
  if (axis < 2) {
    for (int a = 0; a < nm; ++a) t.half_cell.push_back(half_cell_conductance(coeffs[a], grid.dx_um));
    return t;
  }
  t.area_um2.assign(1, grid.dx_um * grid.dx_um);
  for (int a = 0; a < nm; ++a)
    t.top_conductance.push_back(boundary_conductances(grid, bc, coeffs[a], 0).top);
  for (int k = 0; k < grid.nz; ++k)
    for (int a = 0; a < nm; ++a) {
      t.half_cell.push_back(half_cell_conductance(coeffs[a], grid.dz_um[k]));
      t.diagonal_extra.push_back(z_row_diagonal_extra(grid, bc, coeffs[a], k, theta_dt_s));
    }
  return t;
}

// Per-thread buffers of a block of lines: cp and q for every cell, and the state carried
// from one cell to the next, per lane.
template <class Real>
struct LineBlockScratch {
  std::vector<Real> cp, q;
  Real conductance_lower[kLanes], inv_partition_lower[kLanes], inv_partition_self[kLanes],
      half_cell_self[kLanes], half_cell_next[kLanes], inv_partition_next[kLanes],
      extra[kLanes], alpha[kLanes], beta[kLanes], gamma[kLanes], zeros[kLanes] = {};
  explicit LineBlockScratch(int n) : cp(static_cast<std::size_t>(n) * kLanes), q(cp.size()) {}
};

// out[l] = table[material[l]]. Layered tissue makes most rows of materials uniform: those
// become a broadcast, the rest a scalar gather.
template <class Real>
void gather(const Real* table, const std::uint8_t* material, int lanes, Real* out) {
  std::uint8_t differs = 0;
  for (int l = 0; l < lanes; ++l) differs |= material[l] ^ material[0];
  if (differs == 0) {
    const Real value = table[material[0]];
    for (int l = 0; l < lanes; ++l) out[l] = value;
  } else {
    for (int l = 0; l < lanes; ++l) out[l] = table[material[l]];
  }
}

// Solves `lanes` lines of n ≥ 2 cells (n ≥ 3 if cyclic) at once, in place: cell m of lane l
// is x[m·x_stride + l] with material mat[m·mat_stride + l]. Lateral blocks lie in layer
// k_lateral; z blocks (kZ) have cell m in layer m. The arithmetic is solve_line's, term for
// term, so the result is the same to the bit.
template <class Real, bool kZ, bool kCyclic>
void solve_block(const SweepTables<Real>& t, int n, int k_lateral, int lanes,
                 Real* x, std::size_t x_stride, const std::uint8_t* mat, std::size_t mat_stride,
                 LineBlockScratch<Real>& s) {
  const int nm = t.materials;
  auto half_cells = [&](int m) { return t.half_cell.data() + (kZ ? std::size_t(m) * nm : 0); };
  const Real area_um2 = kZ ? t.area_um2[0] : t.area_um2[k_lateral];
  for (int l = 0; l < lanes; ++l) {
    const std::uint8_t a = mat[l];
    s.half_cell_self[l] = half_cells(0)[a];
    s.inv_partition_self[l] = t.inv_partition[a];
    s.conductance_lower[l] = Real(0);
    s.inv_partition_lower[l] = Real(1);
    s.alpha[l] = s.beta[l] = s.gamma[l] = Real(0);
    if (kCyclic) {  // the face through the periodic side, to cell n − 1
      const std::uint8_t b = mat[std::size_t(n - 1) * mat_stride + l];
      s.conductance_lower[l] = face_conductance(s.half_cell_self[l], half_cells(n - 1)[b], area_um2);
      s.inv_partition_lower[l] = t.inv_partition[b];
    }
  }
  Real* cp = s.cp.data();
  Real* q = s.q.data();
  // Forward elimination of cell m on every lane. The first and last cells (n ≥ 2) are
  // compile-time cases, so the SIMD loop has no branch.
  auto forward = [&](auto first_tag, auto last_tag, int m) {
    constexpr bool kFirst = decltype(first_tag)::value, kLast = decltype(last_tag)::value;
    const int k = kZ ? m : k_lateral;
    constexpr bool kHasNext = !kLast || kCyclic;
    const int m_next = kLast ? 0 : m + 1;
    const Real weight = t.weight[k];
    // Gathers by material, scalar; the arithmetic below runs across lanes in SIMD.
    const std::uint8_t* mat_next = mat + std::size_t(m_next) * mat_stride;
    const Real* half_cells_next = half_cells(m_next);
    gather(half_cells_next, mat_next, lanes, s.half_cell_next);
    gather(t.inv_partition.data(), mat_next, lanes, s.inv_partition_next);
    if constexpr (kZ)
      gather(t.diagonal_extra.data() + std::size_t(m) * nm, mat + std::size_t(m) * mat_stride,
             lanes, s.extra);
    Real* xm = x + std::size_t(m) * x_stride;
    Real* cpm = cp + std::size_t(m) * kLanes;
    Real* qm = q + std::size_t(m) * kLanes;
    const Real* x_prev = kFirst ? s.zeros : xm - x_stride;
    const Real* cp_prev = kFirst ? s.zeros : cpm - kLanes;
    const Real* q_prev = kFirst ? s.zeros : qm - kLanes;
#pragma GCC ivdep
    for (int l = 0; l < lanes; ++l) {
      const Real face = face_conductance(s.half_cell_self[l], s.half_cell_next[l], area_um2);
      const Real conductance_upper = kHasNext ? face : Real(0);
      TridiagonalRow<Real> r = row_from_faces(
          weight * s.conductance_lower[l], weight * conductance_upper, s.inv_partition_lower[l],
          s.inv_partition_self[l], s.inv_partition_next[l], kZ ? s.extra[l] : Real(0));
      if constexpr (kFirst) {
        s.beta[l] = r.lower;
        s.gamma[l] = -r.diag;
      }
      Real corner = Real(0);
      if constexpr (kLast && kCyclic) {
        s.alpha[l] = r.upper;
        corner = cyclic_corner(s.alpha[l], s.beta[l], s.gamma[l]);
      }
      r = thomas_row(r, kFirst, kLast, kCyclic, s.gamma[l], corner);
      const ThomasPivot<Real> pivot = thomas_pivot(r, cp_prev[l]);
      cpm[l] = pivot.cp;
      xm[l] = thomas_forward(xm[l], r.lower, x_prev[l], pivot.reciprocal);
      if constexpr (kCyclic)
        qm[l] = thomas_forward(cyclic_correction_rhs(kFirst, kLast, s.alpha[l], s.gamma[l]), r.lower,
                               q_prev[l], pivot.reciprocal);
      s.conductance_lower[l] = conductance_upper;
      s.inv_partition_lower[l] = s.inv_partition_self[l];
      s.inv_partition_self[l] = s.inv_partition_next[l];
      s.half_cell_self[l] = s.half_cell_next[l];
    }
  };
  forward(std::true_type{}, std::false_type{}, 0);
  for (int m = 1; m + 1 < n; ++m) forward(std::false_type{}, std::false_type{}, m);
  forward(std::false_type{}, std::true_type{}, n - 1);
  for (int m = n - 2; m >= 0; --m) {
    Real* xm = x + std::size_t(m) * x_stride;
    const Real* cpm = cp + std::size_t(m) * kLanes;
    Real* qm = q + std::size_t(m) * kLanes;
#pragma GCC ivdep
    for (int l = 0; l < lanes; ++l) {
      xm[l] = thomas_backward(xm[l], cpm[l], xm[l + x_stride]);
      if (kCyclic) qm[l] = thomas_backward(qm[l], cpm[l], qm[l + kLanes]);
    }
  }
  if (!kCyclic) return;
  Real* x_last = x + std::size_t(n - 1) * x_stride;
  const Real* q_last = q + std::size_t(n - 1) * kLanes;
  Real* factor = s.extra;  // free again
#pragma GCC ivdep
  for (int l = 0; l < lanes; ++l)
    factor[l] = sherman_morrison_factor(x[l], x_last[l], q[l], q_last[l], s.beta[l], s.gamma[l]);
  for (int m = 0; m < n; ++m) {
    Real* xm = x + std::size_t(m) * x_stride;
    const Real* qm = q + std::size_t(m) * kLanes;
#pragma GCC ivdep
    for (int l = 0; l < lanes; ++l) xm[l] = thomas_backward(xm[l], factor[l], qm[l]);
  }
}

}  // namespace

// One (j, k) row of x at a time: u = c/K and the half-cell conductances of the row and of
// its four neighbour rows are looked up in the sweep tables (at θ·dt = dt), then every cell
// of the row in one SIMD loop. A missing neighbour (closed side, top, bottom) has u = 0
// and half-cell conductance 0, hence a face conductance of exactly 0.
template <class Real>
struct RowNeighbourhood {
  int nx;
  std::vector<Real> storage;
  Real *u, *half_cell, *face_x;  // the row, u and half cells with one halo cell each side
  Real *u_y[2], *half_cell_y[2], *u_z[2], *half_cell_z[2], *half_cell_z_self, *extra, *top;
  const Real* zeros;  // nx zeros: the source rates where there is no source
  explicit RowNeighbourhood(int n) : nx(n), storage(std::size_t(15) * (n + 2)) {
    Real* p = storage.data();
    auto next = [&]() { Real* q = p; p += nx + 2; return q; };
    u = next() + 1;
    half_cell = next() + 1;
    face_x = next();
    for (int side = 0; side < 2; ++side) {
      u_y[side] = next();
      half_cell_y[side] = next();
      u_z[side] = next();
      half_cell_z[side] = next();
    }
    half_cell_z_self = next();
    extra = next();
    top = next();
    zeros = next();  // storage is zero-initialised and this part never written
  }
  // u and half cells of the row of cells c with materials mat, or zeros where there is none.
  void fill(const SweepTables<Real>& inv_partitions, const Real* half_cells, const Real* c,
            const std::uint8_t* mat, Real* u_out, Real* half_cell_out) const {
    if (!c) {
      std::fill(u_out, u_out + nx, Real(0));
      std::fill(half_cell_out, half_cell_out + nx, Real(0));
      return;
    }
    gather(inv_partitions.inv_partition.data(), mat, nx, u_out);
    gather(half_cells, mat, nx, half_cell_out);
#pragma omp simd
    for (int i = 0; i < nx; ++i) u_out[i] = reference_phase(c[i], u_out[i]);
  }
};

template <class Real>
void implicit_rhs(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                  const SpeciesView<Real>& sp, Real* rhs, Real dt_s, Real source_scale) {
  const int nm = material_count(grid);
  const SweepTables<Real> lateral = sweep_tables(grid, bc, sp.coeffs, 0, dt_s, nm);
  const SweepTables<Real> vertical = sweep_tables(grid, bc, sp.coeffs, 2, dt_s, nm);
  const int nx = grid.nx;
  const std::size_t row = nx, plane = row * grid.ny;
  const bool periodic_x = bc.periodic_lateral && nx > 1;
#pragma omp parallel
  {
    RowNeighbourhood<Real> r(nx);
#pragma omp for collapse(2) schedule(static)
    for (int k = 0; k < grid.nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        auto fill = [&](int jj, int kk, const Real* half_cells, Real* u_out, Real* hc_out) {
          const bool exists = jj >= 0 && kk >= 0 && kk < grid.nz;
          const std::size_t at = exists ? kk * plane + jj * row : 0;
          r.fill(lateral, half_cells, exists ? sp.concentration + at : nullptr,
                 grid.material + at, u_out, hc_out);
        };
        const std::uint8_t* mat = grid.material + start;
        const Real* c = sp.concentration + start;
        fill(j, k, lateral.half_cell.data(), r.u, r.half_cell);
        for (int side = 0; side < 2; ++side) {
          const int step = side ? 1 : -1;
          fill(lateral_neighbour(j, grid.ny, step, bc.periodic_lateral), k,
               lateral.half_cell.data(), r.u_y[side], r.half_cell_y[side]);
          const int kk = k + step;
          fill(j, kk, vertical.half_cell.data() + std::size_t(kk >= 0 && kk < grid.nz ? kk : 0) * nm,
               r.u_z[side], r.half_cell_z[side]);
        }
        gather(vertical.half_cell.data() + std::size_t(k) * nm, mat, nx, r.half_cell_z_self);
        gather(vertical.diagonal_extra.data() + std::size_t(k) * nm, mat, nx, r.extra);
        if (k == 0)
          gather(vertical.top_conductance.data(), mat, nx, r.top);
        else
          std::fill(r.top, r.top + nx, Real(0));
        // The x faces of the row, face i between cells i − 1 and i.
        r.u[-1] = periodic_x ? r.u[nx - 1] : Real(0);
        r.half_cell[-1] = periodic_x ? r.half_cell[nx - 1] : Real(0);
        r.u[nx] = periodic_x ? r.u[0] : Real(0);
        r.half_cell[nx] = periodic_x ? r.half_cell[0] : Real(0);
        const Real area_lateral = lateral.area_um2[k], area_z = vertical.area_um2[0];
#pragma omp simd
        for (int i = 0; i <= nx; ++i)
          r.face_x[i] = face_conductance(r.half_cell[i - 1], r.half_cell[i], area_lateral);
        const Real weight = lateral.weight[k], top_value = sp.top_concentration;
        const Real *u = r.u, *hc = r.half_cell, *gx = r.face_x;
        const Real *u_ym = r.u_y[0], *u_yp = r.u_y[1], *hc_ym = r.half_cell_y[0],
                   *hc_yp = r.half_cell_y[1], *u_zm = r.u_z[0], *u_zp = r.u_z[1],
                   *hc_zm = r.half_cell_z[0], *hc_zp = r.half_cell_z[1],
                   *hc_z = r.half_cell_z_self, *extra = r.extra, *top = r.top;
        const Real* source = sp.source_per_s ? sp.source_per_s + start : r.zeros;
        Real* out = rhs + start;
#pragma omp simd
        for (int i = 0; i < nx; ++i) {
          // In for_each_face's order, as the per-voxel implicit_rhs sums them.
          Real faces_in = face_inflow_per_s(gx[i], u[i - 1], u[i]);
          faces_in += face_inflow_per_s(gx[i + 1], u[i + 1], u[i]);
          faces_in += face_inflow_per_s(face_conductance(hc[i], hc_ym[i], area_lateral), u_ym[i], u[i]);
          faces_in += face_inflow_per_s(face_conductance(hc[i], hc_yp[i], area_lateral), u_yp[i], u[i]);
          faces_in += face_inflow_per_s(face_conductance(hc_z[i], hc_zm[i], area_z), u_zm[i], u[i]);
          faces_in += face_inflow_per_s(face_conductance(hc_z[i], hc_zp[i], area_z), u_zp[i], u[i]);
          const Real constant = constant_inflow_from_parts(
              weight, fixed_top_inflow_per_s(top[i], top_value),
              step_source_of(source[i], dt_s, source_scale));
          out[i] = rhs_from_parts(weight, faces_in, extra[i], c[i], constant);
        }
      }
  }
}

template <class Real>
void add_constant_inflow(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                         const SpeciesView<Real>& sp, Real* data, Real dt_s, Real source_scale) {
  // Only the top layer has a boundary inflow; without a source the other layers get 0.
  if (!sp.source_per_s && bc.top != TopBoundary::fixed_concentration) return;
  const int layers = sp.source_per_s ? grid.nz : 1;
  const SweepTables<Real> vertical =
      sweep_tables(grid, bc, sp.coeffs, 2, dt_s, material_count(grid));
  const std::size_t row = grid.nx, plane = row * grid.ny;
#pragma omp parallel
  {
    std::vector<Real> top(row), zeros(row);
#pragma omp for collapse(2) schedule(static)
    for (int k = 0; k < layers; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        if (k == 0)
          gather(vertical.top_conductance.data(), grid.material + start, grid.nx, top.data());
        else
          std::fill(top.begin(), top.end(), Real(0));
        const Real weight = vertical.weight[k], top_value = sp.top_concentration;
        const Real* top_conductance = top.data();
        const Real* source = sp.source_per_s ? sp.source_per_s + start : zeros.data();
        Real* out = data + start;
#pragma omp simd
        for (int i = 0; i < grid.nx; ++i)
          out[i] += constant_inflow_from_parts(weight,
                                               fixed_top_inflow_per_s(top_conductance[i], top_value),
                                               step_source_of(source[i], dt_s, source_scale));
      }
  }
}

template <class Real>
void line_sweep(const GridView<Real>& grid, const std::uint8_t*, const BoundaryView<Real>& bc,
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

template <class Real>
void implicit_tallies(const GridView<Real>& grid, const BoundaryView<Real>& bc,
                      const SpeciesView<Real>& sp, const Real* c_new, Real theta, Real dt_s,
                      Real source_scale, double* tallies) {
  // Σ c_θ per layer and material and Σ source rates per layer, rows in SIMD; the boundary
  // terms on the top and bottom layers only, cell by cell.
  const int nm = material_count(grid), nz = grid.nz, nx = grid.nx;
  const std::size_t row = nx, plane = row * grid.ny;
  std::vector<double> c_theta_sum(std::size_t(nz) * nm), source_sum(nz);
  double total[tally_count] = {};
#pragma omp parallel
  {
    std::vector<double> local_c_theta(c_theta_sum.size()), local_source(nz);
    double local_boundary[tally_count] = {};
#pragma omp for collapse(2) schedule(static) nowait
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < grid.ny; ++j) {
        const std::size_t start = k * plane + j * row;
        const Real* c_old = sp.concentration + start;
        const Real* c = c_new + start;
        const std::uint8_t* mat = grid.material + start;
        double* sums = local_c_theta.data() + std::size_t(k) * nm;
        std::uint8_t differs = 0;
        for (int i = 0; i < nx; ++i) differs |= mat[i] ^ mat[0];
        if (differs == 0) {
          double sum = 0;
#pragma omp simd reduction(+ : sum)
          for (int i = 0; i < nx; ++i) sum += theta_state(c_old[i], c[i], theta);
          sums[mat[0]] += sum;
        } else {
          for (int i = 0; i < nx; ++i) sums[mat[i]] += theta_state(c_old[i], c[i], theta);
        }
        if (sp.source_per_s) {
          const Real* source = sp.source_per_s + start;
          double sum = 0;
#pragma omp simd reduction(+ : sum)
          for (int i = 0; i < nx; ++i) sum += scaled_source_rate(source[i], source_scale);
          local_source[k] += sum;
        }
        if (k == 0 || k == nz - 1)
          for (int i = 0; i < nx; ++i) {
            const MaterialCoeffs<Real>& self = sp.coeffs[mat[i]];
            add_boundary_tallies(boundary_conductances(grid, bc, self, k), self,
                                 sp.top_concentration, static_cast<double>(dt_s),
                                 theta_state(c_old[i], c[i], theta), local_boundary);
          }
      }
#pragma omp critical
    {
      for (std::size_t n = 0; n < c_theta_sum.size(); ++n) c_theta_sum[n] += local_c_theta[n];
      for (int k = 0; k < nz; ++k) source_sum[k] += local_source[k];
      for (int t = 0; t < tally_count; ++t) total[t] += local_boundary[t];
    }
  }
  const double dt = dt_s;
  for (int k = 0; k < nz; ++k) {
    const double volume_um3 = grid.volume_um3(k);
    for (int a = 0; a < nm; ++a)
      add_loss_tallies(sp.coeffs[a], dt, volume_um3, c_theta_sum[std::size_t(k) * nm + a], total);
    if (sp.source_per_s) add_source_tally(dt, source_sum[k], volume_um3, total);
  }
  for (int t = 0; t < tally_count; ++t) tallies[t] += total[t];
}

template <class Real>
void add_arrays(Real* out, const Real* a, const Real* b, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t idx = 0; idx < n; ++idx) out[idx] = a[idx] + b[idx];
}

template <class Real>
void axpy(Real* out, Real factor, const Real* x, std::size_t n) {
#pragma omp parallel for simd schedule(static)
  for (std::size_t idx = 0; idx < n; ++idx) out[idx] += factor * x[idx];
}

SKINRD_INSTANTIATE_FOR_FLOAT_AND_DOUBLE(SKINRD_INSTANTIATE_IMPLICIT)

}  // namespace skinrd::kernels::cpu
