#pragma once
// Per-voxel and per-line pieces of the implicit schemes (DESIGN §2), shared by both backends:
// the explicit operator for the right-hand side, the rows of (I − θ·dt·A_axis), the
// Thomas / cyclic (Sherman–Morrison) line solve, and the ledger tallies of a step.
//
// Operator split: A = A_x + A_y + A_z. A_x, A_y hold the lateral faces; A_z holds the vertical
// faces, the top and bottom boundary conductances and the first-order losses, so each lateral
// solve conserves amount exactly and the ledger of a step is exact (see implicit_tallies).
#include <type_traits>

#include "transport.hpp"

namespace skinrd::kernels {

// The pieces of dt·(A c + s) at one cell, shared by the per-voxel functions below and the
// CPU backend's row loops (which look the inputs up in per-material and per-layer tables).
// dt·s: the source over a step (0 without one).
template <class Real>
SKINRD_HD inline Real step_source_of(Real stored_per_s, Real dt_s, Real source_scale) {
  return dt_s * scaled_source_rate(stored_per_s, source_scale);
}
template <class Real>
SKINRD_HD inline Real step_source(const SpeciesView<Real>& sp, std::size_t idx, Real dt_s,
                                  Real source_scale) {
  return sp.source_per_s ? step_source_of(sp.source_per_s[idx], dt_s, source_scale) : Real(0);
}
// Inflow through a fixed top in amount per second, from the boundary conductance G_top
// (boundary_conductances(...).top, 0 where the top is closed or the cell is not on top),
// constant over a step: G_top·u0. The outflow part, −G_top·u, is in z_row_diagonal_extra.
template <class Real>
SKINRD_HD inline Real fixed_top_inflow_per_s(Real top_conductance, Real top_value) {
  return top_conductance * top_value;
}
// The constant inflows through both boundaries: the fixed top's and G_b·u_b from beyond an open
// bottom (bottom_outflow_per_s's constant part; its G_b·u part is in z_row_diagonal_extra).
template <class Real>
SKINRD_HD inline Real boundary_inflow_per_s(Real top_conductance, Real top_value,
                                            Real bottom_conductance, Real bottom_value) {
  return fixed_top_inflow_per_s(top_conductance, top_value) + bottom_conductance * bottom_value;
}
// dt·(constant part of A_z c + s) from w = dt/V (row_weight_per_conductance at θ·dt = dt),
// the fixed top's inflow and dt·s.
template <class Real>
SKINRD_HD inline Real constant_inflow_from_parts(Real weight, Real top_inflow_per_s,
                                                 Real dt_source) {
  return weight * top_inflow_per_s + dt_source;
}
// dt·(A c + s) from w = dt/V, the net inflow through the interior faces Σ G·(u_n − u), the
// diagonal beyond the faces (z_row_diagonal_extra at θ·dt = dt: boundary conductances and
// losses, acting on c) and the constant part above.
template <class Real>
SKINRD_HD inline Real rhs_from_parts(Real weight, Real faces_in_per_s, Real diagonal_extra,
                                     Real c, Real constant_part) {
  return weight * faces_in_per_s - diagonal_extra * c + constant_part;
}

// One row of (I − θ·dt·A_axis) for concentrations: coefficients of the previous cell, this
// cell and the next cell along the axis (previous/next wrap on periodic lines).
template <class Real>
struct TridiagonalRow {
  Real lower, diag, upper;
};

// θ·dt/V of a cell in layer k: turns a face conductance into its weight w in a row.
template <class Real, class GridT>
SKINRD_HD inline Real row_weight_per_conductance(const GridT& g, int k, Real theta_dt_s) {
  return theta_dt_s / g.volume_um3(k);
}

// Diagonal of a z row beyond its two faces: the top and bottom boundary conductances and
// the first-order losses.
template <class Real, class GridT>
SKINRD_HD inline Real z_row_diagonal_extra(const GridT& g, const BoundaryView<Real>& bc,
                                           const MaterialCoeffs<Real>& self, int k,
                                           Real theta_dt_s) {
  const auto boundary = boundary_conductances(g, bc, self, k);
  return row_weight_per_conductance(g, k, theta_dt_s) * (boundary.top + boundary.bottom) *
             reciprocal_partition(self) +
         theta_dt_s * (self.degradation_per_s + self.clearance_per_s);
}

// dt·(constant part of A_z's right-hand side): the fixed top value and the source. LOD adds
// it to its z sweep; in Douglas–Gunn it is inside implicit_rhs.
template <class Real>
SKINRD_HD inline Real constant_inflow(const GridView<Real>& g, const BoundaryView<Real>& bc,
                                      const SpeciesView<Real>& sp, int i, int j, int k, Real dt_s,
                                      Real source_scale) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const auto boundary = boundary_conductances(g, bc, self, k);
  return constant_inflow_from_parts(
      row_weight_per_conductance(g, k, dt_s),
      boundary_inflow_per_s(boundary.top, sp.top_concentration, boundary.bottom,
                            sp.bottom_concentration),
      step_source(sp, idx, dt_s, source_scale));
}

// The inputs of one voxel's right-hand side dt·(A c + s): its faces, its concentration, w = dt/V,
// the diagonal beyond the faces (z_row_diagonal_extra at θ·dt = dt), its top boundary
// conductance (0 off the top layer or where the top is closed), the top's reference-phase
// value, dt·s (step_source), and the bottom's conductance and value u_b (0 off the bottom).
template <class Real>
struct RhsVoxel {
  VoxelFaces<Real> faces;
  Real c, weight, diagonal_extra, top_conductance, top_value, dt_source;
  Real bottom_conductance = 0, bottom_value = 0;
};
// The one right-hand-side update: CUDA's kernel (implicit_rhs) and the CPU's row loop call it.
template <class Real>
SKINRD_HD inline Real implicit_rhs_update(RhsVoxel<Real> v) {
  const Real constant = constant_inflow_from_parts(
      v.weight,
      boundary_inflow_per_s(v.top_conductance, v.top_value, v.bottom_conductance, v.bottom_value),
      v.dt_source);
  return rhs_from_parts(v.weight, faces_inflow_per_s(v.faces), v.diagonal_extra, v.c, constant);
}

// dt·(A c + s) at voxel (i, j, k), its inputs read from the grid and the field: the
// right-hand side of Douglas–Gunn's first sweep.
template <class Real>
SKINRD_HD inline Real implicit_rhs(const GridView<Real>& g, const BoundaryView<Real>& bc,
                                   const SpeciesView<Real>& sp, int i, int j, int k, Real dt_s,
                                   Real source_scale) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const Real c = sp.concentration[idx];
  const auto boundary = boundary_conductances(g, bc, self, k);
  return implicit_rhs_update(RhsVoxel<Real>{
      gather_voxel_faces(g, bc.periodic_lateral, sp.coeffs, i, j, k, c,
                         FieldValues<Real>{sp.concentration}),
      c, row_weight_per_conductance(g, k, dt_s), z_row_diagonal_extra(g, bc, self, k, dt_s),
      boundary.top, sp.top_concentration, step_source(sp, idx, dt_s, source_scale),
      boundary.bottom, sp.bottom_concentration});
}

// A row from the weights w = θ·dt·G/V of the cell's lower and upper faces (0 where there is
// none), the reciprocal partitions 1/K of the lower neighbour, the cell and the upper
// neighbour, and the diagonal beyond the faces. Fluxes act on u = c/K, hence the 1/K.
template <class Real>
SKINRD_HD inline TridiagonalRow<Real> row_from_faces(Real w_lower, Real w_upper,
                                                     Real inv_partition_lower,
                                                     Real inv_partition_self,
                                                     Real inv_partition_upper,
                                                     Real diagonal_extra) {
  return {-(w_lower * inv_partition_lower),
          Real(1) + w_lower * inv_partition_self + w_upper * inv_partition_self + diagonal_extra,
          -(w_upper * inv_partition_upper)};
}

template <class Real, class GridT>
SKINRD_HD inline TridiagonalRow<Real> implicit_row(const GridT& g, const BoundaryView<Real>& bc,
                                                   const MaterialCoeffs<Real>* coeffs, int axis,
                                                   int i, int j, int k, Real theta_dt_s) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  const Real per_volume = row_weight_per_conductance(g, k, theta_dt_s);
  Real w[2] = {Real(0), Real(0)}, inv_partition_other[2] = {Real(1), Real(1)};
  for (int step = -1; step <= 1; step += 2) {
    const Face<Real> face = face_towards(g, bc.periodic_lateral, coeffs, self, i, j, k, axis, step);
    if (!face.exists) continue;
    w[step > 0] = per_volume * face.conductance;
    inv_partition_other[step > 0] = reciprocal_partition(*face.other);
  }
  const Real extra = axis == 2 ? z_row_diagonal_extra(g, bc, self, k, theta_dt_s) : Real(0);
  return row_from_faces(w[0], w[1], inv_partition_other[0], reciprocal_partition(self),
                        inv_partition_other[1], extra);
}

// Row of a line as the Thomas algorithm eliminates it, first and last marking its ends: without the corner
// entries, and on a cyclic line with the Sherman–Morrison diagonal changes (Numerical
// Recipes §2.7): beta = row 0's lower, gamma = −row 0's diag, alpha = row n−1's upper, and
// corner = cyclic_corner(alpha, beta, gamma), needed on row n−1 only.
template <class Real>
SKINRD_HD inline Real cyclic_corner(Real alpha, Real beta, Real gamma) {
  return alpha * beta / gamma;
}
template <class Real>
SKINRD_HD inline TridiagonalRow<Real> thomas_row(TridiagonalRow<Real> r, bool first, bool last,
                                                 bool cyclic, Real gamma, Real corner) {
  if (first) r.lower = 0;
  if (last) r.upper = 0;
  // Selects, not branches, so SIMD code runs it on every lane.
  r.diag -= cyclic && first ? gamma : (cyclic && last ? corner : Real(0));
  return r;
}

// Right-hand side of the cyclic correction's second system: (gamma, 0, …, 0, alpha).
template <class Real>
SKINRD_HD inline Real cyclic_correction_rhs(bool first, bool last, Real alpha, Real gamma) {
  return first ? gamma : (last ? alpha : Real(0));
}

// Forward elimination of row r after the previous row's cp: 1/pivot and this row's cp.
template <class Real>
struct ThomasPivot {
  Real reciprocal, cp;
};
template <class Real>
SKINRD_HD inline ThomasPivot<Real> thomas_pivot(const TridiagonalRow<Real>& r, Real cp_previous) {
  const Real reciprocal = Real(1) / (r.diag - r.lower * cp_previous);
  return {reciprocal, r.upper * reciprocal};
}
template <class Real>
SKINRD_HD inline Real thomas_forward(Real value, Real lower, Real previous, Real pivot_reciprocal) {
  return (value - lower * previous) * pivot_reciprocal;
}
// Back substitution, and the cyclic correction x − factor·q, both value − a·b.
template <class Real>
SKINRD_HD inline Real thomas_backward(Real value, Real cp, Real next) {
  return value - cp * next;
}
template <class Real>
SKINRD_HD inline Real sherman_morrison_factor(Real x_first, Real x_last, Real q_first,
                                              Real q_last, Real beta, Real gamma) {
  return (x_first + beta * x_last / gamma) / (Real(1) + q_first + beta * q_last / gamma);
}

// Line scratch in device memory shared by many lines: value m of a line at base[m × stride],
// so neighbouring lines' values are neighbours in memory (coalesced on CUDA).
template <class Real>
struct StridedScratch {
  Real* base;
  std::size_t stride;
  SKINRD_HD Real& operator[](int m) const { return base[static_cast<std::size_t>(m) * stride]; }
};

// Cell m of the line through (i0, j0, k0) along axis.
struct LineCell {
  int i, j, k;
};
SKINRD_HD inline LineCell line_cell(int axis, int i0, int j0, int k0, int m) {
  return axis == 0 ? LineCell{m, j0, k0} : axis == 1 ? LineCell{i0, m, k0} : LineCell{i0, j0, m};
}

// The Thomas sweep (with the cyclic correction, Sherman–Morrison, Numerical Recipes §2.7) of
// `lines.count` independent lines of n ≥ 2 cells (n ≥ 3 if kCyclic), in place: the one sweep of
// the one-line solve (solve_line, count 1: CUDA runs a thread per line) and of the CPU's blocks
// of lines (kernels/cpu/implicit.cpp, a SIMD loop across the lines). Lines gives, for line l:
//   load(m, first, last)             before the rows of cell m: what they need (the CPU gathers)
//   row(m, l, first, last)           the TridiagonalRow of cell m, once per (m, l), m rising
//   x(m, l), cp(m, l), q(m, l)       cell m's value, Thomas cp and cyclic q (Real&)
//   alpha(l), beta(l), gamma(l), factor(l)   the cyclic correction's values (Real&)
// first and last are std::bool_constant tags for m = 0 and m = n − 1, so the loop across lines has no
// branch. beta = row 0's lower, gamma = −row 0's diag, alpha = row n−1's upper.
template <bool kCyclic, class Real, class Lines>
SKINRD_HD inline void thomas_sweep(Lines& lines, int n) {
  const int count = lines.count;
  auto forward = [&](auto first_tag, auto last_tag, int m) {
    constexpr bool kFirst = decltype(first_tag)::value, kLast = decltype(last_tag)::value;
    lines.load(m, first_tag, last_tag);
    SKINRD_IVDEP
    for (int l = 0; l < count; ++l) {
      TridiagonalRow<Real> r = lines.row(m, l, first_tag, last_tag);
      if constexpr (kFirst) {
        lines.beta(l) = r.lower;
        lines.gamma(l) = -r.diag;
      }
      Real corner = Real(0);
      if constexpr (kLast && kCyclic) {
        lines.alpha(l) = r.upper;
        corner = cyclic_corner(lines.alpha(l), lines.beta(l), lines.gamma(l));
      }
      r = thomas_row(r, kFirst, kLast, kCyclic, lines.gamma(l), corner);
      const ThomasPivot<Real> pivot = thomas_pivot(r, kFirst ? Real(0) : lines.cp(m - 1, l));
      lines.cp(m, l) = pivot.cp;
      lines.x(m, l) = thomas_forward(lines.x(m, l), r.lower, kFirst ? Real(0) : lines.x(m - 1, l),
                                     pivot.reciprocal);
      if constexpr (kCyclic)
        lines.q(m, l) =
            thomas_forward(cyclic_correction_rhs(kFirst, kLast, lines.alpha(l), lines.gamma(l)),
                           r.lower, kFirst ? Real(0) : lines.q(m - 1, l), pivot.reciprocal);
    }
  };
  forward(std::true_type{}, std::false_type{}, 0);
  for (int m = 1; m + 1 < n; ++m) forward(std::false_type{}, std::false_type{}, m);
  forward(std::false_type{}, std::true_type{}, n - 1);
  for (int m = n - 2; m >= 0; --m) {
    SKINRD_IVDEP
    for (int l = 0; l < count; ++l) {
      lines.x(m, l) = thomas_backward(lines.x(m, l), lines.cp(m, l), lines.x(m + 1, l));
      if constexpr (kCyclic)
        lines.q(m, l) = thomas_backward(lines.q(m, l), lines.cp(m, l), lines.q(m + 1, l));
    }
  }
  if constexpr (kCyclic) {
    SKINRD_IVDEP
    for (int l = 0; l < count; ++l)
      lines.factor(l) = sherman_morrison_factor(lines.x(0, l), lines.x(n - 1, l), lines.q(0, l),
                                                lines.q(n - 1, l), lines.beta(l), lines.gamma(l));
    for (int m = 0; m < n; ++m) {
      SKINRD_IVDEP
      for (int l = 0; l < count; ++l)
        lines.x(m, l) = thomas_backward(lines.x(m, l), lines.factor(l), lines.q(m, l));
    }
  }
}

// One line of the grid as thomas_sweep's Lines (count 1): its rows from implicit_row, its
// values in x at g.index, its scratch cp and q indexed by the position m along the line.
template <class Real, class GridT, class Scratch>
struct GridLine {
  static constexpr int count = 1;
  const GridT& g;
  const BoundaryView<Real>& bc;
  const MaterialCoeffs<Real>* coeffs;
  int axis, i0, j0, k0;
  Real theta_dt_s;
  Real* values;
  Scratch cp_scratch, q_scratch;
  Real alpha_ = 0, beta_ = 0, gamma_ = 0, factor_ = 0;

  SKINRD_HD std::size_t index(int m) const {
    const LineCell c = line_cell(axis, i0, j0, k0, m);
    return g.index(c.i, c.j, c.k);
  }
  SKINRD_HD TridiagonalRow<Real> row(int m) const {
    const LineCell c = line_cell(axis, i0, j0, k0, m);
    return implicit_row(g, bc, coeffs, axis, c.i, c.j, c.k, theta_dt_s);
  }
  template <class First, class Last>
  SKINRD_HD void load(int, First, Last) {}
  template <class First, class Last>
  SKINRD_HD TridiagonalRow<Real> row(int m, int, First, Last) const {
    return row(m);
  }
  SKINRD_HD Real& x(int m, int) const { return values[index(m)]; }
  SKINRD_HD Real& cp(int m, int) const { return cp_scratch[m]; }
  SKINRD_HD Real& q(int m, int) const { return q_scratch[m]; }
  SKINRD_HD Real& alpha(int) { return alpha_; }
  SKINRD_HD Real& beta(int) { return beta_; }
  SKINRD_HD Real& gamma(int) { return gamma_; }
  SKINRD_HD Real& factor(int) { return factor_; }
};

// Solves (I − θ·dt·A_axis) x = rhs along one line, in place in x (indexed by g.index).
// cp and q are scratch of at least n values each, indexed by the position m along the line
// (thread-local arrays on CUDA). Thomas algorithm (thomas_sweep); periodic lateral lines with
// the cyclic variant; a line of 1 cell, and a periodic line of 2 cells, whose two faces join
// the same pair, are solved directly.
// The matrix is column diagonally dominant (scaled by cell volume), so no pivoting is needed.
// Scratch: Real* or anything indexed by m to a Real& (StridedScratch).
template <class Real, class GridT, class Scratch>
SKINRD_HD inline void solve_line(const GridT& g, const BoundaryView<Real>& bc,
                                 const MaterialCoeffs<Real>* coeffs, int axis, int i0, int j0,
                                 int k0, Real theta_dt_s, Real* x, Scratch cp, Scratch q) {
  const int n = axis == 0 ? g.nx : axis == 1 ? g.ny : g.nz;
  GridLine<Real, GridT, Scratch> line{g, bc, coeffs, axis, i0, j0, k0, theta_dt_s, x, cp, q};
  const bool cyclic = axis < 2 && bc.periodic_lateral && n > 1;
  if (n == 1) {
    x[line.index(0)] /= line.row(0).diag;
    return;
  }
  if (cyclic && n == 2) {
    const TridiagonalRow<Real> r0 = line.row(0), r1 = line.row(1);
    const Real a01 = r0.lower + r0.upper, a10 = r1.lower + r1.upper;
    const std::size_t first = line.index(0), second = line.index(1);
    const Real b0 = x[first], b1 = x[second];
    const Real det = r0.diag * r1.diag - a01 * a10;
    x[first] = (r1.diag * b0 - a01 * b1) / det;
    x[second] = (r0.diag * b1 - a10 * b0) / det;
    return;
  }
  if (cyclic)
    thomas_sweep<true, Real>(line, n);
  else
    thomas_sweep<false, Real>(line, n);
}

// Douglas–Gunn's new value from the old one and the correction the sweeps solved for.
template <class Real>
SKINRD_HD inline Real corrected_value(Real c_old, Real correction) {
  return c_old + correction;
}

// Ledger of an implicit step from c_old to c_new. Every flux of A is evaluated at the
// θ-weighted state c_θ = (1 − θ)·c_old + θ·c_new: the lateral sweeps conserve amount
// exactly, so Σ V (c_new − c_old) = entered − lost − degraded − cleared + added, to
// rounding, for Douglas–Gunn (θ = ½ or 1) and for LOD (θ = 1, c_old unused).
// Its pieces, shared with the CPU backend, which sums c_θ and the sources per layer and
// material and evaluates the boundary terms on the top and bottom layers only:
template <class Real>
SKINRD_HD inline double theta_state(Real c_old, Real c_new, Real theta) {
  return (1.0 - static_cast<double>(theta)) * c_old + static_cast<double>(theta) * c_new;
}
// Degraded and cleared over dt from cells of material m and volume V holding c_θ in all
// (one cell's c_θ, or the sum over the cells of one material in one layer).
template <class Real>
SKINRD_HD inline void add_loss_tallies(const MaterialCoeffs<Real>& m, double dt_s,
                                       double volume_um3, double c_theta, double* tally) {
  tally[Tally::degraded] += dt_s * m.degradation_per_s * volume_um3 * c_theta;
  tally[Tally::cleared] += dt_s * m.clearance_per_s * volume_um3 * c_theta;
}
// Lost through an open bottom over dt, from one cell's boundary conductances (zero off the
// bottom layer), its c_θ and the value u_b beyond the bottom. What enters through a fixed top
// is the top slab's budget (implicit_top_slab_share).
template <class Real>
SKINRD_HD inline double sink_outflow(const BoundaryConductances<Real>& boundary,
                                     const MaterialCoeffs<Real>& m, double dt_s, double c_theta,
                                     Real bottom_value) {
  return dt_s * bottom_outflow_per_s(static_cast<double>(boundary.bottom), c_theta / m.partition,
                                     static_cast<double>(bottom_value));
}
template <class Real>
SKINRD_HD inline void add_boundary_tallies(const BoundaryConductances<Real>& boundary,
                                           const MaterialCoeffs<Real>& m, double dt_s,
                                           double c_theta, double* tally, Real bottom_value) {
  if (boundary.bottom == Real(0)) return;
  tally[Tally::lost_bottom] += sink_outflow(boundary, m, dt_s, c_theta, bottom_value);
}

// The new value of a cell before any reaction, in a step's tallies pass: c_old + the
// correction (Douglas–Gunn: the value that pass writes, bit for bit), or the new field (LOD).
template <class Real>
struct NewValues {
  const Real *c_old, *correction, *c_new;
  SKINRD_HD Real operator()(std::size_t idx) const {
    return correction ? corrected_value(c_old[idx], correction[idx]) : c_new[idx];
  }
};

// A top slab cell's share of the inflow through a fixed top over an implicit step
// (top_slab_share, kernels/transport.hpp), every flux at c_θ as in implicit_tallies: the
// lateral sweeps keep each layer's amount, so the slab's budget is exact for Douglas–Gunn and
// LOD alike. Called before the pass that writes the new values and reacts them.
template <class Real>
SKINRD_HD inline double implicit_top_slab_share(const GridView<Real>& g,
                                                const BoundaryView<Real>& bc,
                                                const SpeciesView<Real>& sp,
                                                const NewValues<Real>& c_new, int i, int j, int k,
                                                Real theta, Real dt_s, Real source_scale) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const Real c_old = sp.concentration[idx], c = c_new(idx);
  const double c_theta = theta_state(c_old, c, theta);
  const double volume_um3 = g.volume_um3(k), dt = dt_s;
  double in_from_below = 0;
  if (top_slab_last_layer(bc, k)) {
    const Face<Real> face = face_towards(g, bc.periodic_lateral, sp.coeffs, self, i, j, k, 2, 1);
    if (face.exists)
      in_from_below =
          dt * static_cast<double>(face.conductance) *
          (theta_state(sp.concentration[face.neighbour], c_new(face.neighbour), theta) /
               face.other->partition -
           c_theta / self.partition);
  }
  const double added =
      sp.source_per_s ? dt * source_rate_per_s(sp, idx, source_scale) * volume_um3 : 0.0;
  return top_slab_share(volume_um3 * (static_cast<double>(c) - static_cast<double>(c_old)),
                        dt * (self.degradation_per_s + self.clearance_per_s) * volume_um3 * c_theta,
                        added, in_from_below,
                        sink_outflow(boundary_conductances(g, bc, self, k), self, dt, c_theta,
                                     sp.bottom_concentration));
}
template <class Real>
SKINRD_HD inline VoxelUpdate<Real> implicit_tallies(const GridView<Real>& g,
                                                    const BoundaryView<Real>& bc,
                                                    const SpeciesView<Real>& sp,
                                                    const Real* c_new, int i, int j, int k,
                                                    Real theta, Real dt_s, Real source_scale) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const double c_theta = theta_state(sp.concentration[idx], c_new[idx], theta);
  const double volume_um3 = g.volume_um3(k), dt = dt_s;
  VoxelUpdate<Real> result{c_new[idx], {}};
  add_loss_tallies(self, dt, volume_um3, c_theta, result.tally);
  add_boundary_tallies(boundary_conductances(g, bc, self, k), self, dt, c_theta, result.tally,
                       sp.bottom_concentration);
  if (sp.source_per_s)
    add_source_tally(dt, source_rate_per_s(sp, idx, source_scale), volume_um3, result.tally);
  return result;
}

}  // namespace skinrd::kernels
