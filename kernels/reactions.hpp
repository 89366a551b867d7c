#pragma once
// Per-voxel reactions (DESIGN §1, Reactions), integrated exactly over a step so that stiff
// binding neither blows up nor goes negative, and symmetrically composed so the Strang
// splitting stays second order. Everything is written in u = c/K; arithmetic in double.
#include "views.hpp"

namespace skinrd::kernels {

// Reversible binding db/dt = k_on·u·(B_max − b) − k_off·b with c + b = s conserved
// (u = c/K): a Riccati equation db/dt = a2 (b − r1)(b − r2), solved exactly:
// b(t) = r1 + y0·E / (1 − a2·y0·φ), y0 = b0 − r1, E = exp(−√Δ t), φ = (1 − E)/√Δ.
// r1 ∈ [0, min(s, B_max)] is the equilibrium b = B_max·u/(K_d + u), K_d = k_off/k_on.
// Like uptake, binding acts on u⁺: a free value at or below zero (a Crank–Nicolson
// undershoot) binds nothing and only releases.
SKINRD_HD inline void bind_exact(double partition, double k_on, double k_off, double b_max,
                                 double t_s, double& c, double& b) {
  if (k_on <= 0 || b_max <= 0 || c <= 0) {
    if (k_off > 0 && b > 0) {  // release only
      const double released = b * -::expm1(-k_off * t_s);
      b -= released;
      c += released;
    }
    return;
  }
  const double s = c + b;
  const double a2 = k_on / partition;
  const double a0 = a2 * s * b_max;
  const double p = a2 * (s + b_max) + k_off;  // −a1
  // Δ = a1² − 4 a2 a0 written without cancellation: always ≥ 0.
  const double diff = a2 * (s - b_max);
  const double root_disc = ::sqrt(diff * diff + k_off * k_off + 2 * k_off * a2 * (s + b_max));
  const double r1 = 2 * a0 / (p + root_disc);  // the smaller root, without cancellation (p > 0)
  const double x = root_disc * t_s;
  const double decay = ::exp(-x);
  const double phi = x > 1e-8 ? -::expm1(-x) / root_disc : t_s * (1 - 0.5 * x);
  const double y0 = b - r1;
  b = r1 + y0 * decay / (1 - a2 * y0 * phi);
  c = s - b;
}

// W(e^L): the solution w of w + ln w = L (Lambert W of an exponential, without overflow).
// Newton from below the root converges monotonically (w + ln w is increasing and concave).
SKINRD_HD inline double lambert_w_of_exp(double L) {
  if (L < -30) return ::exp(L);  // W(x) = x − x² + …, x < 1e-13
  double w = L > 1 ? L - ::log(L) : ::exp(L);
  for (int iteration = 0; iteration < 60; ++iteration) {
    const double f = w + ::log(w) - L;
    const double next = w - f * w / (w + 1);
    if (::fabs(next - w) <= 1e-15 * next) return next;
    w = next;
  }
  return w;
}

// Michaelis–Menten uptake dc/dt = −V_max·u/(K_m + u), u = c/K, solved exactly:
// K_m·ln(u/u0) + u − u0 = −V_max·t/K, so u = K_m·W((u0/K_m)·exp((u0 − V_max t/K)/K_m)).
// Returns the new free concentration c.
SKINRD_HD inline double uptake_exact(double partition, double v_max, double k_m, double t_s,
                                     double c) {
  if (c <= 0 || v_max <= 0) return c;
  const double u0 = c / partition;
  const double L = ::log(u0 / k_m) + (u0 - v_max * t_s / partition) / k_m;
  return partition * k_m * lambert_w_of_exp(L);
}

// Whether a material has any reaction of the bound or internalised fields.
template <class Real>
SKINRD_HD inline bool has_reactions(const MaterialCoeffs<Real>& m) {
  return (m.binding_on_per_conc_s > 0 && m.binding_capacity > 0) || m.unbinding_per_s > 0 ||
         m.bound_degradation_per_s > 0 || m.uptake_max_conc_per_s > 0 ||
         m.internalised_degradation_per_s > 0;
}

// The reactions of one voxel over t_s, as a symmetric composition of exact flows:
// bound decay (t/2) · binding (t/2) · uptake (t) · binding (t/2) · bound decay (t/2), with the
// internalised amount's intracellular decay (t/2) on either side of the uptake.
// Updates c, b and the internalised amount in place; returns the amounts moved.
template <class Real>
struct ReactionTallies {
  double bound_net, internalised, bound_degraded;  // amounts (concentration × µm³)
  double internalised_degraded;
};

template <class Real>
SKINRD_HD inline ReactionTallies<Real> react_voxel(const MaterialCoeffs<Real>& m, double volume_um3,
                                                   double t_s, Real& c_free, Real& c_bound,
                                                   Real& c_internalised) {
  double c = c_free, b = c_bound, bound_degraded = 0;
  double n = c_internalised, internalised_degraded = 0;
  const double half = 0.5 * t_s;
  auto internalised_decay = [&]() {
    if (m.internalised_degradation_per_s > 0) {
      const double lost = n * -::expm1(-static_cast<double>(m.internalised_degradation_per_s) * half);
      n -= lost;
      internalised_degraded += lost;
    }
  };
  auto bound_decay = [&]() {
    if (m.bound_degradation_per_s > 0) {
      const double lost = b * -::expm1(-static_cast<double>(m.bound_degradation_per_s) * half);
      b -= lost;
      bound_degraded += lost;
    }
  };
  auto bind = [&]() {
    bind_exact(m.partition, m.binding_on_per_conc_s, m.unbinding_per_s, m.binding_capacity, half,
               c, b);
  };
  bound_decay();
  bind();
  internalised_decay();
  const double before_uptake = c;
  c = uptake_exact(m.partition, m.uptake_max_conc_per_s, m.uptake_half_saturation, t_s, c);
  const double taken_up = before_uptake - c;
  n += taken_up;
  internalised_decay();
  bind();
  bound_decay();

  const ReactionTallies<Real> tallies{
      (b - static_cast<double>(c_bound) + bound_degraded) * volume_um3, taken_up * volume_um3,
      bound_degraded * volume_um3, internalised_degraded * volume_um3};
  c_free = static_cast<Real>(c);
  c_bound = static_cast<Real>(b);
  c_internalised = static_cast<Real>(n);
  return tallies;
}

// The reactions of one voxel over t_s where its material has any, with the amounts moved added
// to tally: the react pass and the diffusion passes that fuse the step's closing half-reaction
// (Channel::react_after_s) both call this.
template <class Real>
SKINRD_HD inline void react_voxel_tallied(const MaterialCoeffs<Real>& m, double volume_um3,
                                          double t_s, Real& c_free, Real& c_bound,
                                          Real& c_internalised, double* tally) {
  if (!has_reactions(m)) return;
  const ReactionTallies<Real> moved =
      react_voxel(m, volume_um3, t_s, c_free, c_bound, c_internalised);
  tally[Tally::bound_net] += moved.bound_net;
  tally[Tally::internalised] += moved.internalised;
  tally[Tally::degraded] += moved.bound_degraded + moved.internalised_degraded;
}

// Whether a pass applies a channel's closing reactions: a reacting species and a time > 0.
template <class Real>
SKINRD_HD inline bool reacts_after(const Channel<Real>& ch) {
  return ch.react_after_s > Real(0) && ch.bound != nullptr;
}

}  // namespace skinrd::kernels
