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
SKINRD_HD inline Real face_conductance(Real g_a, Real g_b, Real area_um2) {
  return (g_a > Real(0) && g_b > Real(0)) ? area_um2 * (g_a * g_b / (g_a + g_b)) : Real(0);
}

// Lateral neighbour of cell i along an axis of n cells, or -1 through a zero-flux side.
SKINRD_HD inline int lateral_neighbour(int i, int n, int step, bool periodic) {
  const int neighbour = i + step;
  if (neighbour >= 0 && neighbour < n) return neighbour;
  if (!periodic || n == 1) return -1;
  return (neighbour + n) % n;
}

// Calls visit(neighbour_index, face_conductance_um3_per_s, neighbour_coeffs) for every
// interior face of voxel (i, j, k); top and bottom boundary faces are not visited.
template <class Real, class Visit>
SKINRD_HD inline void for_each_face(const GridView<Real>& g, bool periodic_lateral,
                                    const MaterialCoeffs<Real>* coeffs, int i, int j, int k,
                                    Visit&& visit) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  auto face_to = [&](std::size_t neighbour, Real g_self, Real h_neighbour_um, Real area_um2) {
    const MaterialCoeffs<Real>& other = coeffs[g.material[neighbour]];
    visit(neighbour,
          face_conductance(g_self, half_cell_conductance(other, h_neighbour_um), area_um2), other);
  };
  const Real g_lateral = half_cell_conductance(self, g.dx_um);
  const Real g_vertical = half_cell_conductance(self, g.dz_um[k]);
  const Real area_lateral_um2 = g.dx_um * g.dz_um[k];  // dy = dx
  for (int step = -1; step <= 1; step += 2) {
    const int ni = lateral_neighbour(i, g.nx, step, periodic_lateral);
    if (ni >= 0) face_to(g.index(ni, j, k), g_lateral, g.dx_um, area_lateral_um2);
    const int nj = lateral_neighbour(j, g.ny, step, periodic_lateral);
    if (nj >= 0) face_to(g.index(i, nj, k), g_lateral, g.dx_um, area_lateral_um2);
    const int nk = k + step;
    if (nk >= 0 && nk < g.nz) face_to(g.index(i, j, nk), g_vertical, g.dz_um[nk], g.dx_um * g.dx_um);
  }
}

// Conductance from the centre of a top (k = 0) or bottom (k = nz-1) voxel to the
// boundary face, where the boundary holds a reference-phase value: half a cell.
template <class Real>
SKINRD_HD inline Real boundary_conductance(const GridView<Real>& g,
                                           const MaterialCoeffs<Real>& self, int k) {
  return g.dx_um * g.dx_um * half_cell_conductance(self, g.dz_um[k]);
}

// Sum of the conductances of voxel (i, j, k) over its volume and partition, in 1/s.
// Forward Euler keeps every field non-negative (and so stable) while dt ≤ 1/rate.
template <class Real>
SKINRD_HD inline Real explicit_rate_bound_per_s(const GridView<Real>& g,
                                                const BoundaryView<Real>& bc,
                                                const MaterialCoeffs<Real>* coeffs, int i, int j,
                                                int k) {
  const MaterialCoeffs<Real>& self = coeffs[g.material[g.index(i, j, k)]];
  Real conductance_sum = 0;
  for_each_face(g, bc.periodic_lateral, coeffs, i, j, k,
                [&](std::size_t, Real conductance, const MaterialCoeffs<Real>&) {
                  conductance_sum += conductance;
                });
  if (k == 0 && bc.top == TopBoundary::fixed_concentration)
    conductance_sum += boundary_conductance(g, self, k);
  if (k == g.nz - 1 && bc.bottom == BottomBoundary::perfect_sink)
    conductance_sum += boundary_conductance(g, self, k);
  return conductance_sum / (g.volume_um3(k) * self.partition);
}

template <class Real>
struct ExplicitVoxelResult {
  Real concentration;             // new value
  double tally[tally_count];      // amounts moved during the step, by Tally
};

// One forward-Euler transport step of voxel (i, j, k), then first-order degradation and
// clearance integrated exactly over dt (exponential factor): a stiff rate never
// destabilises the step. Source: source_scale·q(x), amount per volume per second.
template <class Real>
SKINRD_HD inline ExplicitVoxelResult<Real> explicit_voxel_step(const GridView<Real>& g,
                                                               const BoundaryView<Real>& bc,
                                                               const SpeciesView<Real>& sp, int i,
                                                               int j, int k, Real dt_s,
                                                               Real source_scale) {
  const std::size_t idx = g.index(i, j, k);
  const MaterialCoeffs<Real>& self = sp.coeffs[g.material[idx]];
  const Real c = sp.concentration[idx];
  const Real u = c / self.partition;

  Real net_in_per_s = 0;
  for_each_face(g, bc.periodic_lateral, sp.coeffs, i, j, k,
                [&](std::size_t neighbour, Real conductance, const MaterialCoeffs<Real>& other) {
                  net_in_per_s += conductance * (sp.concentration[neighbour] / other.partition - u);
                });
  Real top_in_per_s = 0, bottom_out_per_s = 0;
  if (k == 0 && bc.top == TopBoundary::fixed_concentration)
    top_in_per_s = boundary_conductance(g, self, k) * (sp.top_concentration - u);
  if (k == g.nz - 1 && bc.bottom == BottomBoundary::perfect_sink)
    bottom_out_per_s = boundary_conductance(g, self, k) * u;

  const Real volume_um3 = g.volume_um3(k);
  const Real source_per_s = sp.source_per_s ? source_scale * sp.source_per_s[idx] : Real(0);
  const Real transported =
      c + dt_s * ((net_in_per_s + top_in_per_s - bottom_out_per_s) / volume_um3 + source_per_s);

  const Real loss_rate_per_s = self.degradation_per_s + self.clearance_per_s;
  const Real lost = loss_rate_per_s > Real(0)
                        ? transported * -expm1_real(-loss_rate_per_s * dt_s)
                        : Real(0);

  ExplicitVoxelResult<Real> result;
  result.concentration = transported - lost;
  const double lost_amount = static_cast<double>(lost) * volume_um3;
  const double degraded_share =
      loss_rate_per_s > Real(0)
          ? static_cast<double>(self.degradation_per_s) / static_cast<double>(loss_rate_per_s)
          : 0.0;
  result.tally[Tally::degraded] = lost_amount * degraded_share;
  result.tally[Tally::cleared] = lost_amount * (1.0 - degraded_share);
  result.tally[Tally::entered_top] = static_cast<double>(top_in_per_s) * dt_s;
  result.tally[Tally::lost_bottom] = static_cast<double>(bottom_out_per_s) * dt_s;
  result.tally[Tally::added_by_source] =
      static_cast<double>(source_per_s) * dt_s * static_cast<double>(volume_um3);
  return result;
}

// Amount held by one voxel, in concentration unit × µm³.
template <class Real>
SKINRD_HD inline double voxel_amount(const GridView<Real>& g, const Real* concentration,
                                     std::size_t idx) {
  const int k = static_cast<int>(idx / (static_cast<std::size_t>(g.nx) * g.ny));
  return static_cast<double>(concentration[idx]) * static_cast<double>(g.volume_um3(k));
}

}  // namespace skinrd::kernels
