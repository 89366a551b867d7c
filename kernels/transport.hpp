#pragma once
// Per-voxel transport physics shared by every backend (DESIGN §1, Transport).
// Fluxes are written in the reference-phase concentration u = c/K, so partitioning at
// material interfaces and continuity of flux come out of one face formula.
#include "views.hpp"

namespace skinrd::kernels {

// Conductance per unit area of half a cell of thickness h: 2·D·K/h.
// D = 0 gives 0, so an impermeable material never divides by zero.
template <class Real>
SKINRD_HD inline Real half_cell_conductance(const MaterialCoeffs<Real>& m, Real h_um) {
  return Real(2) * m.diffusion_um2_per_s * m.partition / h_um;
}

// Face between two half cells in series: A / (h_a/(2 D_a K_a) + h_b/(2 D_b K_b))
// = A·g_a·g_b/(g_a + g_b). Symmetric in (a, b) bit for bit, so the flux leaving one
// voxel is exactly the flux entering its neighbour. Zero if either side is impermeable.
template <class Real>
SKINRD_HD inline Real series_conductance(Real g_a, Real g_b) {
  // g ≥ 0, so an impermeable side (g = 0) makes the product, and the result, 0. A zero sum
  // becomes 1 without a branch: SIMD code computes this on every lane.
  const Real sum = g_a + g_b;
  return g_a * g_b / (sum + (sum > Real(0) ? Real(0) : Real(1)));
}
template <class Real>
SKINRD_HD inline Real face_conductance(Real g_a, Real g_b, Real area_um2) {
  return area_um2 * series_conductance(g_a, g_b);
}

// 1/K, which the implicit rows multiply by (one division per material, not per face).
template <class Real>
SKINRD_HD inline Real reciprocal_partition(const MaterialCoeffs<Real>& m) {
  return Real(1) / m.partition;
}

// The reference-phase value u = c/K of a concentration, from 1/K.
template <class Real>
SKINRD_HD inline Real reference_phase(Real c, Real inv_partition) {
  return c * inv_partition;
}

// Net inflow through one face, in amount per second: G·(u_other − u_self).
template <class Real>
SKINRD_HD inline Real face_inflow_per_s(Real conductance, Real u_other, Real u_self) {
  return conductance * (u_other - u_self);
}

// Lateral neighbour of cell i along an axis of n cells, or -1 through a zero-flux side.
SKINRD_HD inline int lateral_neighbour(int i, int n, int step, bool periodic) {
  const int neighbour = i + step;
  if (neighbour >= 0 && neighbour < n) return neighbour;
  if (!periodic || n == 1) return -1;
  return (neighbour + n) % n;
}

template <class Real>
struct Face {
  bool exists;
  std::size_t neighbour;
  Real conductance;  // um³/s: flux = conductance × (u_neighbour − u_self)
  const MaterialCoeffs<Real>* other;
  int axis, step;    // towards the neighbour: axis 0 x, 1 y, 2 z; step ±1
};

// The face of voxel (i, j, k) towards its neighbour along axis (0 x, 1 y, 2 z), step ±1.
// Top and bottom boundary faces do not exist here (see boundary_conductance).
// GridT is GridView or a view with the same members and another index order.
template <class Real, class GridT>
SKINRD_HD inline Face<Real> face_towards(const GridT& g, bool periodic_lateral,
                                         const MaterialCoeffs<Real>* coeffs,
                                         const MaterialCoeffs<Real>& self, int i, int j, int k,
                                         int axis, int step) {
  Face<Real> face{false, 0, Real(0), nullptr, axis, step};
  int ni = i, nj = j, nk = k;
  Real h_self = g.dx_um, h_other = g.dx_um, area_um2 = g.dx_um * g.dz_um[k];  // dy = dx
  if (axis == 0) {
    ni = lateral_neighbour(i, g.nx, step, periodic_lateral);
    if (ni < 0) return face;
  } else if (axis == 1) {
    nj = lateral_neighbour(j, g.ny, step, periodic_lateral);
    if (nj < 0) return face;
  } else {
    nk = k + step;
    if (nk < 0 || nk >= g.nz) return face;
    h_self = g.dz_um[k];
    h_other = g.dz_um[nk];
    area_um2 = g.dx_um * g.dx_um;
  }
  face.exists = true;
  face.neighbour = g.index(ni, nj, nk);
  face.other = &coeffs[g.material[face.neighbour]];
  face.conductance = face_conductance(half_cell_conductance(self, h_self),
                                      half_cell_conductance(*face.other, h_other), area_um2);
  return face;
}

// Calls visit(face) for every interior face of voxel (i, j, k).
template <class Real, class Visit>
SKINRD_HD inline void for_each_face(const GridView<Real>& g, bool periodic_lateral,
                                    const MaterialCoeffs<Real>* coeffs, int i, int j, int k,
                                    Visit&& visit) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  for (int axis = 0; axis < 3; ++axis)
    for (int step = -1; step <= 1; step += 2) {
      const Face<Real> face = face_towards(g, periodic_lateral, coeffs, self, i, j, k, axis, step);
      if (face.exists) visit(face);
    }
}

// What transport sees of one voxel: its reference-phase value u and, per face in the order
// −x, +x, −y, +y, −z, +z, the face conductance G (0 where there is no face: a closed side, the
// top, the bottom) and the neighbour's u (0 there). Every stage's per-voxel update reads its
// faces from this; CUDA fills it from neighbour reads (gather_voxel_faces), the CPU from the
// row tables of kernels/cpu/rows.hpp.
constexpr int kFaceCount = 6;
template <class Real>
struct VoxelFaces {
  Real u;
  Real conductance[kFaceCount];
  Real u_neighbour[kFaceCount];
};

// Net inflow through the six faces, Σ G·(u_n − u), in amount per second. A missing face adds
// 0·(0 − u) = ±0, which leaves the sum as it is. Written out, not looped, so SIMD loops see
// six scalar terms.
template <class Real>
SKINRD_HD inline Real faces_inflow_per_s(VoxelFaces<Real> f) {
  Real sum = face_inflow_per_s(f.conductance[0], f.u_neighbour[0], f.u);
  sum += face_inflow_per_s(f.conductance[1], f.u_neighbour[1], f.u);
  sum += face_inflow_per_s(f.conductance[2], f.u_neighbour[2], f.u);
  sum += face_inflow_per_s(f.conductance[3], f.u_neighbour[3], f.u);
  sum += face_inflow_per_s(f.conductance[4], f.u_neighbour[4], f.u);
  sum += face_inflow_per_s(f.conductance[5], f.u_neighbour[5], f.u);
  return sum;
}

// The faces of voxel (i, j, k) holding concentration c, its neighbours' concentrations from
// values(face): FieldValues (the field), or ZMarchValues (registers where a kernel marches
// along z).
template <class Real, class Values>
SKINRD_HD inline VoxelFaces<Real> gather_voxel_faces(const GridView<Real>& g,
                                                     bool periodic_lateral,
                                                     const MaterialCoeffs<Real>* coeffs, int i,
                                                     int j, int k, Real c,
                                                     const Values& values) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  VoxelFaces<Real> f;
  f.u = reference_phase(c, reciprocal_partition(self));
  for (int axis = 0; axis < 3; ++axis)
    for (int step = -1; step <= 1; step += 2) {
      const int n = 2 * axis + (step > 0);
      const Face<Real> face = face_towards(g, periodic_lateral, coeffs, self, i, j, k, axis, step);
      f.conductance[n] = face.exists ? face.conductance : Real(0);
      f.u_neighbour[n] =
          face.exists ? reference_phase(values(face), reciprocal_partition(*face.other)) : Real(0);
    }
  return f;
}

// Conductance from the centre of a top (k = 0) or bottom (k = nz-1) voxel to the
// boundary face, where the boundary holds a reference-phase value: half a cell.
template <class Real, class GridT>
SKINRD_HD inline Real boundary_conductance(const GridT& g, const MaterialCoeffs<Real>& self,
                                           int k) {
  return g.dx_um * g.dx_um * half_cell_conductance(self, g.dz_um[k]);
}

// Conductance of a bottom voxel to the value beyond an open bottom: its half cell G in series
// with the contact's resistance R = 1/h per area, G/(1 + G·R/A). R = 0 (perfect contact: a
// sink or a stirred receptor) gives the half cell bit for bit; R = ∞ (h = 0) gives 0.
template <class Real, class GridT>
SKINRD_HD inline Real bottom_contact_conductance(const GridT& g, const MaterialCoeffs<Real>& self,
                                                 int k) {
  const Real half = boundary_conductance(g, self, k);
  const Real r = self.bottom_resistance_s_per_um;
  if (r == Real(0) || half == Real(0)) return half;
  return half / (Real(1) + half * r / (g.dx_um * g.dx_um));
}

// Conductance of voxel (i, j, k) to the top and bottom boundary values, zero where the
// boundary is closed: inflow = top·(u0 − u), outflow = bottom·(u − u_b).
template <class Real>
struct BoundaryConductances {
  Real top, bottom;
};
template <class Real, class GridT>
SKINRD_HD inline BoundaryConductances<Real> boundary_conductances(
    const GridT& g, const BoundaryView<Real>& bc, const MaterialCoeffs<Real>& self, int k) {
  BoundaryConductances<Real> b{Real(0), Real(0)};
  if (k == 0 && bc.top == TopBoundary::fixed_concentration) b.top = boundary_conductance(g, self, k);
  if (k == g.nz - 1 && bc.bottom == BottomBoundary::perfect_sink)
    b.bottom = bottom_contact_conductance(g, self, k);
  return b;
}

// Rate bound of voxel (i, j, k) for the explicit step, in 1/s: a + k/2, with a the sum of its
// conductances over its volume and partition and k its first-order loss rate. The step of
// explicit_voxel_step is stable for dt ≤ 1/a whatever k; dt ≤ 1/(a + k/2) also keeps every
// field non-negative (x/(e^x − 1) ≥ 1 − x/2 bounds the exponential integrator's diagonal).
template <class Real>
SKINRD_HD inline Real explicit_rate_bound_per_s(const GridView<Real>& g,
                                                const BoundaryView<Real>& bc,
                                                const MaterialCoeffs<Real>* coeffs, int i, int j,
                                                int k) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  Real conductance_sum = 0;
  for_each_face(g, bc.periodic_lateral, coeffs, i, j, k,
                [&](const Face<Real>& face) { conductance_sum += face.conductance; });
  const auto boundary = boundary_conductances(g, bc, self, k);
  conductance_sum += boundary.top + boundary.bottom;
  return conductance_sum / (g.volume_um3(k) * self.partition) +
         Real(0.5) * (self.degradation_per_s + self.clearance_per_s);
}

// Transport into voxel (i, j, k) now, in amount per second: through its interior faces
// (net), in through a fixed top, out through an open bottom.
template <class Real>
struct TransportRate {
  Real faces_in_per_s, top_in_per_s, bottom_out_per_s;
  SKINRD_HD Real net_in_per_s() const { return faces_in_per_s + top_in_per_s - bottom_out_per_s; }
};

// Outflow through an open bottom, amount per second: G_b·(u − u_b), u_b the reference-phase
// value beyond it (0 for a sink). The one bottom-flux formula: the explicit rate, the implicit
// schemes' ledger (add_boundary_tallies) and, split, their rows (G_b·u in the diagonal,
// G_b·u_b in boundary_inflow_per_s).
template <class Real>
SKINRD_HD inline Real bottom_outflow_per_s(Real bottom_conductance, Real u, Real bottom_value) {
  return bottom_conductance * (u - bottom_value);
}

// The rate from the net face inflow, the cell's boundary conductances (zero off the top and
// bottom layers), the top's reference-phase value u0, the cell's u and the value u_b beyond
// the bottom.
template <class Real>
SKINRD_HD inline TransportRate<Real> transport_rate_from_parts(
    Real faces_in_per_s, const BoundaryConductances<Real>& boundary, Real top_value, Real u,
    Real bottom_value) {
  return {faces_in_per_s, boundary.top * (top_value - u),
          bottom_outflow_per_s(boundary.bottom, u, bottom_value)};
}

// The neighbours' concentrations come from values(face) (gather_voxel_faces).
template <class Real, class Values>
SKINRD_HD inline TransportRate<Real> transport_rate(const GridView<Real>& g,
                                                    const BoundaryView<Real>& bc,
                                                    const SpeciesView<Real>& sp, int i, int j,
                                                    int k, Real c_self, const Values& values) {
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[g.index(i, j, k)]];
  const VoxelFaces<Real> faces =
      gather_voxel_faces(g, bc.periodic_lateral, sp.coeffs, i, j, k, c_self, values);
  return transport_rate_from_parts(faces_inflow_per_s(faces), boundary_conductances(g, bc, self, k),
                                   sp.top_concentration, faces.u, sp.bottom_concentration);
}

// A neighbour's concentration read from the field.
template <class Real>
struct FieldValues {
  const Real* concentration;
  SKINRD_HD Real operator()(const Face<Real>& face) const { return concentration[face.neighbour]; }
};
// Along z from registers (the cells below and above, which a z-marching kernel holds), the
// lateral neighbours from the field.
template <class Real>
struct ZMarchValues {
  const Real* concentration;
  Real below, above;
  SKINRD_HD Real operator()(const Face<Real>& face) const {
    return face.axis != 2 ? concentration[face.neighbour] : face.step < 0 ? below : above;
  }
};

template <class Real>
SKINRD_HD inline TransportRate<Real> transport_rate(const GridView<Real>& g,
                                                    const BoundaryView<Real>& bc,
                                                    const SpeciesView<Real>& sp, int i, int j,
                                                    int k) {
  return transport_rate(g, bc, sp, i, j, k, sp.concentration[g.index(i, j, k)],
                        FieldValues<Real>{sp.concentration});
}

// The exponential integrator's constants of one material over a step dt: with k its
// first-order loss rate and x = k dt, the fraction 1 − e^{−x} of c lost, φ(x) = (1 − e^{−x})/x,
// and the degraded share of what is lost.
template <class Real>
struct ExplicitLoss {
  Real lost_fraction, phi;
  double degraded_share;
};
template <class Real>
SKINRD_HD inline ExplicitLoss<Real> explicit_loss(const MaterialCoeffs<Real>& self, Real dt_s) {
  const Real loss_rate_per_s = self.degradation_per_s + self.clearance_per_s;
  const Real x = loss_rate_per_s * dt_s;
  const Real lost_fraction = -expm1_real(-x);  // 1 − e^{−x}
  const Real phi =
      x > Real(1e-4) ? lost_fraction / x : Real(1) - x * (Real(0.5) - x / Real(6));
  const double degraded_share =
      loss_rate_per_s > Real(0)
          ? static_cast<double>(self.degradation_per_s) / static_cast<double>(loss_rate_per_s)
          : 0.0;
  return {lost_fraction, phi, degraded_share};
}

// F·dt, the gain over a step from transport and source frozen at its start.
template <class Real>
SKINRD_HD inline Real explicit_gain(const TransportRate<Real>& rate, Real volume_um3,
                                    Real source_per_s, Real dt_s) {
  return dt_s * (rate.net_in_per_s() / volume_um3 + source_per_s);
}
// The amount per volume lost over the step, c + F·dt − c_new exactly, and c_new.
template <class Real>
SKINRD_HD inline Real explicit_lost(Real c, Real gained, Real lost_fraction, Real phi) {
  return c * lost_fraction + gained * (Real(1) - phi);
}
template <class Real>
SKINRD_HD inline Real explicit_new_value(Real c, Real gained, Real lost) {
  return c + gained - lost;
}

// Ledger pieces of an explicit step: lost amounts (one cell's, or summed over the cells of one
// material) split into degraded and cleared, boundary transfers from rates summed over cells,
// and sources (rates summed over cells of one volume).
SKINRD_HD inline void add_explicit_loss_tallies(double lost_amount, double degraded_share,
                                                double* tally) {
  tally[Tally::degraded] += lost_amount * degraded_share;
  tally[Tally::cleared] += lost_amount * (1.0 - degraded_share);
}
// entered_top_amount: the cells' top_slab_share, summed.
SKINRD_HD inline void add_explicit_boundary_tallies(double entered_top_amount,
                                                    double bottom_out_per_s, double dt_s,
                                                    double* tally) {
  tally[Tally::entered_top] += entered_top_amount;
  tally[Tally::lost_bottom] += bottom_out_per_s * dt_s;
}

// What entered through a fixed top over a step, in flux form. A film sits within rounding of
// the top's value u0, so in float G_top·(u0 − u) is rounding noise times a large conductance
// (and a stored film value cannot take up a change below its rounding at all). So the inflow
// is measured as the budget of the top slab, the first bc.top_slab_cells cell layers (the
// film): what it stored, lost and passed on below over the step, the flux below taken at the
// slab's lower faces, where the film meets the much less conductive tissue. Lateral faces and
// the slab's inner z faces cancel over whole layers. One slab cell's share, amounts over the
// step: its stored change, lost (degraded, cleared), added by sources, taken in through its
// lower face (0 above the slab's last layer) and lost into a sink bottom.
SKINRD_HD inline double top_slab_share(double stored_change, double lost, double added,
                                       double in_from_below, double out_bottom) {
  return stored_change + lost - added - in_from_below + out_bottom;
}
// Whether cell layer k is in the top slab, and whether it is its last layer.
template <class Real>
SKINRD_HD inline bool in_top_slab(const BoundaryView<Real>& bc, int k) {
  return bc.top == TopBoundary::fixed_concentration && k < bc.top_slab_cells;
}
template <class Real>
SKINRD_HD inline bool top_slab_last_layer(const BoundaryView<Real>& bc, int k) {
  return k + 1 == bc.top_slab_cells;
}
// Added by sources over dt in cells of volume V whose source rates sum to source_per_s.
SKINRD_HD inline void add_source_tally(double dt_s, double source_per_s, double volume_um3,
                                       double* tally) {
  tally[Tally::added_by_source] += dt_s * source_per_s * volume_um3;
}

// A voxel's source rate: source_scale × its stored rate, 0 where there is no source. (The
// branch-free form takes the stored rate, or 0.)
template <class Real>
SKINRD_HD inline Real scaled_source_rate(Real stored_per_s, Real source_scale) {
  return source_scale * stored_per_s;
}
template <class Real>
SKINRD_HD inline Real source_rate_per_s(const SpeciesView<Real>& sp, std::size_t idx,
                                        Real source_scale) {
  return sp.source_per_s ? scaled_source_rate(sp.source_per_s[idx], source_scale) : Real(0);
}

// The inputs of one voxel's explicit step: its faces (u and the six conductances and
// neighbour values), its boundary conductances (zero off the top and bottom layers) and the top's
// reference-phase value, its concentration, volume and source rate (scaled), and its material's
// exponential-integrator constants (explicit_loss).
template <class Real>
struct ExplicitVoxel {
  VoxelFaces<Real> faces;
  BoundaryConductances<Real> boundary;
  Real top_value, c, volume_um3, source_per_s, lost_fraction, phi;
  Real bottom_value = 0;  // u_b beyond an open bottom
};
// Its new value, the amount per volume it lost (degraded and cleared) and its boundary rates.
template <class Real>
struct ExplicitResult {
  Real concentration, lost;
  TransportRate<Real> rate;
};

// One explicit step of a voxel: transport and source F frozen at the start of the step,
// first-order loss k integrated exactly (exponential integrator):
//   c_new = e^{−k dt}·c + φ(k dt)·dt·F,  φ(x) = (1 − e^{−x})/x.
// A stiff k never destabilises the step, and a steady state (F = k c) is kept exactly, the
// same one the implicit schemes reach. The amount lost is c + F·dt − c_new, exactly.
// The one explicit update: CUDA's kernels (explicit_voxel_step) and the CPU's row loops call it.
template <class Real>
SKINRD_HD inline ExplicitResult<Real> explicit_update(ExplicitVoxel<Real> v, Real dt_s) {
  const TransportRate<Real> rate =
      transport_rate_from_parts(faces_inflow_per_s(v.faces), v.boundary, v.top_value, v.faces.u,
                                v.bottom_value);
  const Real gained = explicit_gain(rate, v.volume_um3, v.source_per_s, dt_s);
  const Real lost = explicit_lost(v.c, gained, v.lost_fraction, v.phi);
  return {explicit_new_value(v.c, gained, lost), lost, rate};
}

// A top slab cell's share of the inflow through a fixed top over an explicit step
// (top_slab_share), from its inputs and result; slab_bottom: its +z face leads out of the slab.
template <class Real>
SKINRD_HD inline double explicit_top_slab_share(const ExplicitVoxel<Real>& v,
                                                const ExplicitResult<Real>& r, bool slab_bottom,
                                                Real dt_s) {
  const double volume = v.volume_um3, dt = dt_s;
  const double below =
      slab_bottom ? dt * face_inflow_per_s(v.faces.conductance[5], v.faces.u_neighbour[5], v.faces.u)
                  : 0.0;
  return top_slab_share(volume * (static_cast<double>(r.concentration) - static_cast<double>(v.c)),
                        volume * r.lost, dt * v.source_per_s * volume, below,
                        dt * r.rate.bottom_out_per_s);
}

// explicit_update at voxel (i, j, k) with its inputs read from the grid and the field, and its
// ledger. c is the voxel's concentration and values gives its neighbours' (gather_voxel_faces).
template <class Real, class Values>
SKINRD_HD inline VoxelUpdate<Real> explicit_voxel_step(const GridView<Real>& g,
                                                       const BoundaryView<Real>& bc,
                                                       const SpeciesView<Real>& sp, int i, int j,
                                                       int k, Real dt_s, Real source_scale,
                                                       Real c, const Values& values) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const ExplicitLoss<Real> loss = explicit_loss(self, dt_s);
  const ExplicitVoxel<Real> v{
      gather_voxel_faces(g, bc.periodic_lateral, sp.coeffs, i, j, k, c, values),
      boundary_conductances(g, bc, self, k),
      sp.top_concentration,
      c,
      g.volume_um3(k),
      source_rate_per_s(sp, idx, source_scale),
      loss.lost_fraction,
      loss.phi,
      sp.bottom_concentration};
  const ExplicitResult<Real> r = explicit_update(v, dt_s);

  VoxelUpdate<Real> result{r.concentration, {}};
  add_explicit_loss_tallies(static_cast<double>(r.lost) * v.volume_um3, loss.degraded_share,
                            result.tally);
  add_explicit_boundary_tallies(
      in_top_slab(bc, k) ? explicit_top_slab_share(v, r, top_slab_last_layer(bc, k), dt_s) : 0.0,
      r.rate.bottom_out_per_s, dt_s, result.tally);
  add_source_tally(dt_s, v.source_per_s, v.volume_um3, result.tally);
  return result;
}
template <class Real>
SKINRD_HD inline VoxelUpdate<Real> explicit_voxel_step(const GridView<Real>& g,
                                                       const BoundaryView<Real>& bc,
                                                       const SpeciesView<Real>& sp, int i, int j,
                                                       int k, Real dt_s, Real source_scale) {
  return explicit_voxel_step(g, bc, sp, i, j, k, dt_s, source_scale,
                             sp.concentration[g.index(i, j, k)],
                             FieldValues<Real>{sp.concentration});
}

// Amount held by one voxel, in concentration unit × µm³.
template <class Real>
SKINRD_HD inline double voxel_amount(const GridView<Real>& g, const Real* concentration,
                                     std::size_t idx) {
  const int k = static_cast<int>(idx / (static_cast<std::size_t>(g.nx) * g.ny));
  return static_cast<double>(concentration[idx]) * static_cast<double>(g.volume_um3(k));
}

}  // namespace skinrd::kernels
