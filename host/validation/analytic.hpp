#pragma once
// Exact solutions the validation cases compare against, each with its reference.
#include <vector>

namespace skinrd::validation {

// Constant surface concentration into a semi-infinite medium, c/c0 = erfc(z / (2√(D t))).
// Crank, The Mathematics of Diffusion (2nd ed., 1975), eq. 2.45.
double erfc_profile(double z_um, double diffusion_um2_per_s, double t_s);

// Amount per area through a membrane of thickness h held at K·c0 on one side and 0 on the
// other, from t = 0 with the membrane empty (Crank 1975, eq. 4.24a):
// Q(t) = K·c0·h·[D t/h² − 1/6 − (2/π²) Σ_{n≥1} (−1)^n/n² · exp(−D n² π² t / h²)].
double crank_membrane_amount_per_area(double t_s, double diffusion_um2_per_s, double thickness_um,
                                      double partition, double c0);

// A Gaussian spreading from width sigma0 in 3-D with first-order loss k:
// c = A (σ0/σ)³ exp(−r²/(2σ²)) exp(−k t), σ² = σ0² + 2 D t.
double gaussian_3d(double r2_um2, double amplitude, double sigma0_um, double diffusion_um2_per_s,
                   double loss_per_s, double t_s);

// Steady penetration with first-order loss from a fixed surface value c0 into a tissue of
// depth H with a zero-flux bottom: c/c0 = cosh((H − z)/L) / cosh(H/L), L = √(D/k)
// (→ exp(−z/L) for H ≫ L; Crank 1975 §14.2).
double steady_decay_profile(double z_um, double decay_length_um, double depth_um);

struct LaminateLayer {
  double thickness_um, diffusion_um2_per_s, partition;
};
// Steady flux through stacked layers between a reference-phase value u0 on top and a sink:
// J = u0 / Σ hᵢ/(Kᵢ·Dᵢ) (resistances in series; Crank 1975 §12.2).
double laminate_steady_flux(double u0, const std::vector<LaminateLayer>& layers);
// The exact piecewise-linear steady concentration c(z) = K(z)·u(z) of that laminate.
double laminate_steady_concentration(double z_um, double u0,
                                     const std::vector<LaminateLayer>& layers);

// Slope and intercept of the least-squares line through (x, y).
struct Line {
  double slope, intercept;
};
Line fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace skinrd::validation
