#include "host/validation/cases.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "host/simulation.hpp"
#include "host/validation/analytic.hpp"
#include "host/validation/case_support.hpp"

namespace skinrd::validation {

const std::vector<CaseInfo>& case_catalogue() {
  static const std::vector<CaseInfo> catalogue = {
      {CaseId::erfc_column, "erfc_column",
       "c0*erfc(z/(2*sqrt(D*t))), 1-D column (Crank 1975 eq. 2.45); max|c-exact|/c0", 1e-3, 1e-3, 1.8, 2, "um"},
      {CaseId::erfc_periodic_3d, "erfc_periodic_3d",
       "the erfc case in 3-D with periodic sides; max|c-exact|/c0", 1e-3, 1e-3, 1.8, 2, "um"},
      {CaseId::erfc_graded, "erfc_graded",
       "the erfc case on a graded z grid (1, 2, 4 um layers); max|c-exact|/c0", 1e-3, 1e-3, 1.8, 2, "um"},
      {CaseId::membrane, "membrane",
       "Crank's membrane series Q(t) for t >= lag (eq. 4.24a) and lag time h^2/(6D)", 1e-2, 1e-2, 0, 2, "um"},
      {CaseId::laminate_two, "laminate_two",
       "steady flux c0/sum(h/(K*D)) and piecewise-linear profile, 2 layers, 2 cells each",
       1e-5, 1e-4, 0, 0, "um"},
      {CaseId::laminate_three, "laminate_three",
       "steady flux c0/sum(h/(K*D)) and piecewise-linear profile, 3 layers, 2 cells each",
       1e-5, 1e-4, 0, 0, "um"},
      {CaseId::gaussian_decay, "gaussian_decay",
       "3-D Gaussian, degradation and clearance, periodic images; relative L2 error", 1e-3, 1e-3, 1.8, 2, "um"},
      {CaseId::gaussian_decay_graded, "gaussian_decay_graded",
       "the Gaussian case on a graded z grid (1.5h, h, 1.5h); relative L2 error", 1e-3, 1e-3, 1.8, 2, "um"},
      {CaseId::steady_decay, "steady_decay",
       "steady c0*cosh((H-z)/L)/cosh(H/L), L=sqrt(D/k), H=10L; max relative error for z<=5L",
       1e-3, 1e-3, 0, 2, "um"},
      {CaseId::manufactured_3d, "manufactured_3d",
       "manufactured u=exp(-a t)g(x,y)Z(z), 3 partitioned graded layers, source; rel. L2",
       1e-2, 1e-2, 1.8, 2, "um"},
      {CaseId::time_order_adi, "time_order_adi",
       "Gaussian with binding and decay, 20^3, vs 1280 ADI steps; max|c-ref|/max c", 1e-2, 1e-2,
       1.9, 2, "s"},
      {CaseId::time_order_lod, "time_order_lod",
       "the same with LOD; first order", 5e-2, 5e-2, 0.9, 2, "s"},
      {CaseId::binding_closed_voxel, "binding_closed_voxel",
       "exact Riccati binding (mild and stiff) vs RK4; max|b-ref|/(c+b); c+b conserved", 1e-9,
       1e-5, 0, 0, "s"},
      {CaseId::uptake_closed_voxel, "uptake_closed_voxel",
       "exact Lambert-W uptake vs RK4; max|c-ref|/c0", 1e-9, 1e-5, 0, 0, "s"},
      {CaseId::binding_slowed_spread, "binding_slowed_spread",
       "fast linear binding: variance growth gives D/(1+Bmax/Kd); relative error", 2e-2, 2e-2,
       0, 2, "s"},
      {CaseId::steady_state_schemes, "steady_state_schemes",
       "localised source, steps 1000x explicit: steady state vs explicit; max|c-ref|/max c", 1e-6,
       1e-4, 0, 2, "s"},
  };
  return catalogue;
}

const CaseInfo& case_info(CaseId id) {
  for (const CaseInfo& info : case_catalogue())
    if (info.id == id) return info;
  throw std::logic_error("unknown validation case");
}

namespace {

using namespace support;
using support::pi;

// --- constant surface concentration (Crank eq. 2.45) -----------------------------------
template <class Real>
CaseRun erfc_case(CaseId id, const CaseOptions& run, int level) {
  const double f = refinement(id, level);
  const double D = 100, t_end = 100, c0 = 1;  // diffusion length 2√(Dt) = 200 um
  const SpeciesCoefficients medium{D, 1.0, 0, 0};
  // 800 um deep: erfc(2) at the bottom, so the zero-flux bottom is felt below 1e-8·c0.
  std::vector<MaterialLayer> stack;
  int lateral = 1;
  double h = 2 / f;
  if (id == CaseId::erfc_graded) {
    stack = {{{"fine", 50, 1 / f}, medium},
             {{"medium", 250, 2 / f}, medium},
             {{"coarse", 500, 4 / f}, medium}};
    h = 1 / f;
  } else if (id == CaseId::erfc_periodic_3d) {
    h = 4 / f;  // cubic voxels, 3 x 3 columns
    stack = {{{"medium", 800, h}, medium}};
    lateral = 3;
  } else {
    stack = {{{"medium", 800, h}, medium}};
  }
  Simulation<Real> sim(make_problem(lateral, lateral, h, stack,
                                    fixed_top(c0, kernels::BottomBoundary::zero_flux)),
                       run.backend, run.scheme);
  sim.advance_to(t_end, run.dt_s(t_end, sim.explicit_dt_limit_s()));
  const Grid& grid = sim.problem().grid;
  const double error = max_abs_error(grid, sim.concentration(0), [&](int, int, int k) {
    return c0 * erfc_profile(grid.z_center_um(k), D, t_end);
  });
  return finish(sim, h, {{"max|c-exact|/c0", error / c0}});
}

// --- membrane between a fixed concentration and a sink (Crank eq. 4.24a) ---------------
template <class Real>
CaseRun membrane_case(const CaseOptions& run, int level) {
  const double f = refinement(CaseId::membrane, level);
  const double D = 10, thickness = 100, K = 2, c0 = 1, dx = 10;
  const double lag_s = thickness * thickness / (6 * D);
  const double dz = 2 / f;
  Simulation<Real> sim(make_problem(1, 1, dx, {{{"membrane", thickness, dz}, {D, K, 0, 0}}},
                                    fixed_top(c0, kernels::BottomBoundary::perfect_sink)),
                       run.backend, run.scheme);
  double worst_q = 0;
  std::vector<double> fit_t, fit_q;
  // Explicit: every lag/40 from 1 to 8 lag times. Implicit: after every step.
  std::vector<double> times;
  if (run.steps > 0) {
    for (int n = 1; n <= run.steps; ++n) times.push_back(8 * lag_s * n / run.steps);
  } else {
    for (int n = 0; n <= 280; ++n) times.push_back(lag_s * (1.0 + 7.0 * n / 280));
  }
  for (const double t : times) {
    sim.advance_to(t, run.dt_s(8 * lag_s, sim.explicit_dt_limit_s()));
    if (t < lag_s * (1 - 1e-12)) continue;
    const double q = sim.ledger(0).lost_bottom / (dx * dx);
    const double exact = crank_membrane_amount_per_area(t, D, thickness, K, c0);
    worst_q = std::max(worst_q, std::abs(q - exact) / exact);
    if (t >= 4 * lag_s) fit_t.push_back(t), fit_q.push_back(q);
  }
  const Line line = fit_line(fit_t, fit_q);
  const double lag_fit_s = -line.intercept / line.slope;
  return finish(sim, dz,
                {{"max|Q-exact|/Q for t>=lag", worst_q},
                 {"|lag-h^2/(6D)|/lag, fit over 4-8 lags", std::abs(lag_fit_s - lag_s) / lag_s}});
}

// --- steady flux through a laminate -----------------------------------------------------
template <class Real>
CaseRun laminate_case(CaseId id, const CaseOptions& run, int level) {
  std::vector<LaminateLayer> layers = {{20, 5, 0.2}, {60, 50, 1.5}};
  if (id == CaseId::laminate_three) layers.push_back({100, 100, 0.8});
  const int cells_per_layer = 2 << level;
  const double u0 = 1, dx = 10;
  std::vector<MaterialLayer> stack;
  double capacity = 0, resistance = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const auto& layer = layers[l];
    stack.push_back({{"layer" + std::to_string(l), layer.thickness_um,
                      layer.thickness_um / cells_per_layer},
                     {layer.diffusion_um2_per_s, layer.partition, 0, 0}});
    capacity += layer.partition * layer.thickness_um;
    resistance += layer.thickness_um / (layer.partition * layer.diffusion_um2_per_s);
  }
  Simulation<Real> sim(
      make_problem(1, 1, dx, stack, fixed_top(u0, kernels::BottomBoundary::perfect_sink)),
      run.backend, run.scheme);
  // capacity × resistance bounds the slowest relaxation time from above.
  const double relax_s = capacity * resistance;
  sim.advance_to(15 * relax_s, run.dt_s(16 * relax_s, sim.explicit_dt_limit_s()));
  const double lost_before = sim.ledger(0).lost_bottom;
  sim.advance_to(16 * relax_s, run.dt_s(16 * relax_s, sim.explicit_dt_limit_s()));
  const double flux = (sim.ledger(0).lost_bottom - lost_before) / (relax_s * dx * dx);
  const double exact_flux = laminate_steady_flux(u0, layers);

  const Grid& grid = sim.problem().grid;
  double c_scale = 0;
  for (const auto& l : layers) c_scale = std::max(c_scale, l.partition * u0);
  const double profile_error = max_abs_error(grid, sim.concentration(0), [&](int, int, int k) {
    return laminate_steady_concentration(grid.z_center_um(k), u0, layers);
  });
  return finish(sim, grid.dz_um.front(),
                {{"|J-J_exact|/J_exact", std::abs(flux - exact_flux) / exact_flux},
                 {"max|c-exact|/max(K*c0)", profile_error / c_scale}});
}

// --- 3-D Gaussian with first-order loss ---------------------------------------------------
// Periodic sides and zero-flux top and bottom: the exact solution in the box is the
// free-space Gaussian summed over its periodic and mirror images (separable per axis).
template <class Real>
CaseRun gaussian_case(CaseId id, const CaseOptions& run, int level) {
  const double f = refinement(id, level);
  const double D = 100, sigma0 = 24, k_deg = 0.15, k_clear = 0.1, amplitude = 1;
  const double t_end = 1.38;  // σ grows from 24 to 29 um while the amount falls by e^-0.35
  const double box = 180, h = 2.5 / f, centre = box / 2;
  const SpeciesCoefficients tissue{D, 1.0, k_deg, k_clear};
  std::vector<MaterialLayer> stack;
  if (id == CaseId::gaussian_decay_graded)
    stack = {{{"upper", 60, 1.5 * h}, tissue},
             {{"middle", 60, h}, tissue},
             {{"lower", 60, 1.5 * h}, tissue}};
  else
    stack = {{{"tissue", box, h}, tissue}};
  const int n = static_cast<int>(std::lround(box / h));
  Simulation<Real> sim(make_problem(n, n, h, stack,
                                    {true, kernels::TopBoundary::zero_flux, {},
                                     kernels::BottomBoundary::zero_flux}),
                       run.backend, run.scheme);
  const Grid& grid = sim.problem().grid;
  // Σ over images of exp(−(s − s_image)²/(2σ²)) along one axis; period 2·box for mirrors.
  auto image_sum = [&](double s, double sigma2, bool mirrored) {
    double sum = 0;
    for (int m = -3; m <= 3; ++m) {
      const double period = mirrored ? 2 * box : box;
      const double d = s - centre - m * period;
      sum += std::exp(-d * d / (2 * sigma2));
      if (mirrored) {
        const double dm = s + centre - m * period;
        sum += std::exp(-dm * dm / (2 * sigma2));
      }
    }
    return sum;
  };
  auto exact_field = [&](double t) {
    const double sigma2 = sigma0 * sigma0 + 2 * D * t;
    std::vector<double> gx(grid.nx), gz(grid.nz);
    for (int i = 0; i < grid.nx; ++i) gx[i] = image_sum(grid.x_center_um(i), sigma2, false);
    for (int k = 0; k < grid.nz; ++k) gz[k] = image_sum(grid.z_center_um(k), sigma2, true);
    const double scale = gaussian_3d(0, amplitude, sigma0, D, k_deg + k_clear, t);
    return [gx, gz, scale](int i, int j, int k) { return scale * gx[i] * gx[j] * gz[k]; };
  };
  sim.set_concentration(0, sample<Real>(grid, exact_field(0.0)));
  sim.advance_to(t_end, run.dt_s(t_end, sim.explicit_dt_limit_s()));
  return finish(sim, h,
                {{"relative L2", relative_l2_error(grid, sim.concentration(0), exact_field(t_end))}});
}

// --- steady penetration with first-order loss ---------------------------------------------
template <class Real>
CaseRun steady_decay_case(const CaseOptions& run, int level) {
  const double f = refinement(CaseId::steady_decay, level);
  const double D = 100, k_deg = 0.006, k_clear = 0.004, K = 1.3, c0 = 1;
  const double decay_length = std::sqrt(D / (k_deg + k_clear));  // 100 um
  const double depth = 10 * decay_length, h = 4 / f;
  Simulation<Real> sim(make_problem(1, 1, 10, {{{"tissue", depth, h}, {D, K, k_deg, k_clear}}},
                                    fixed_top(c0, kernels::BottomBoundary::zero_flux)),
                       run.backend, run.scheme);
  const double span_s = 25 / (k_deg + k_clear);  // transients decay at least as exp(-k t)
  sim.advance_to(span_s, run.dt_s(span_s, sim.explicit_dt_limit_s()));
  const Grid& grid = sim.problem().grid;
  const auto c = sim.concentration(0);
  double worst = 0;
  for (int k = 0; k < grid.nz && grid.z_center_um(k) <= 5 * decay_length; ++k) {
    const double exact = K * c0 * steady_decay_profile(grid.z_center_um(k), decay_length, depth);
    worst = std::max(worst, std::abs(c[k] - exact) / exact);
  }
  return finish(sim, h, {{"max|c-exact|/exact, z<=5L", worst}});
}

// --- manufactured solution on a heterogeneous, graded, partitioned grid -------------------
// u = exp(-a t)·g(x,y)·Z(z), c = K u, g = 1 + e·cos(2πx/L)cos(2πy/L); in layer m
// Z = A_m + B_m cos(πz/H) + G sin²(π(z − z_m)/h_m). B_m ∝ 1/(D_m K_m) makes the flux D K ∂u/∂z
// continuous, A_m makes u continuous, the sin² term vanishes with its slope at both faces;
// ∂Z/∂z = 0 at z = 0 and H gives zero-flux top and bottom. The source is
// S = ∂c/∂t − ∇·(D K ∇u) + k c = exp(-a t)·K_m[(k_m − a) g Z − D_m (Z ∇²g + g Z'')].
template <class Real>
CaseRun manufactured_case(const CaseOptions& run, int level) {
  const double f = refinement(CaseId::manufactured_3d, level);
  struct Layer {
    const char* name;
    double thickness, dz, D, K, k_deg, k_clear;
  };
  const std::vector<Layer> layers = {{"upper", 20, 1.25, 2, 0.3, 0, 0},
                                     {"middle", 60, 2.5, 40, 1.0, 0.1, 0},
                                     {"lower", 80, 5, 100, 0.6, 0.05, 0.2}};
  const double width = 60, dx = 2.5 / f, a = 0.3, e = 0.5, G = 0.5, t_end = 1.5;
  double depth = 0;
  for (const auto& l : layers) depth += l.thickness;

  std::vector<MaterialLayer> stack;
  std::vector<double> A, B, z_top;
  double z = 0;
  for (std::size_t m = 0; m < layers.size(); ++m) {
    const Layer& l = layers[m];
    stack.push_back({{l.name, l.thickness, l.dz / f}, {l.D, l.K, l.k_deg, l.k_clear}});
    B.push_back(layers[0].D * layers[0].K / (l.D * l.K));
    A.push_back(m == 0 ? 2.0 : A[m - 1] + (B[m - 1] - B[m]) * std::cos(pi * z / depth));
    z_top.push_back(z);
    z += l.thickness;
  }
  const int n = static_cast<int>(std::lround(width / dx));
  Simulation<Real> sim(make_problem(n, n, dx, stack,
                                    {true, kernels::TopBoundary::zero_flux, {},
                                     kernels::BottomBoundary::zero_flux}),
                       run.backend, run.scheme);
  const Grid& grid = sim.problem().grid;
  auto layer_of = [&](int k) {
    for (std::size_t m = 0; m < grid.layers.size(); ++m)
      if (k < grid.layers[m].k_end) return m;
    return grid.layers.size() - 1;
  };
  const double kw = 2 * pi / width;
  auto g_at = [&](int i, int j) {
    return 1 + e * std::cos(kw * grid.x_center_um(i)) * std::cos(kw * grid.x_center_um(j));
  };
  auto lap_g_at = [&](int i, int j) {
    return -2 * kw * kw * e * std::cos(kw * grid.x_center_um(i)) * std::cos(kw * grid.x_center_um(j));
  };
  auto Z_at = [&](int k, double* second_derivative) {
    const std::size_t m = layer_of(k);
    const double zc = grid.z_center_um(k), hm = layers[m].thickness;
    const double phase = pi * (zc - z_top[m]) / hm;
    *second_derivative = -B[m] * (pi / depth) * (pi / depth) * std::cos(pi * zc / depth) +
                         G * 2 * (pi / hm) * (pi / hm) * std::cos(2 * phase);
    return A[m] + B[m] * std::cos(pi * zc / depth) + G * std::sin(phase) * std::sin(phase);
  };
  auto exact_at = [&](double t) {
    return [&, t](int i, int j, int k) {
      double z2;
      return layers[layer_of(k)].K * std::exp(-a * t) * g_at(i, j) * Z_at(k, &z2);
    };
  };
  sim.set_concentration(0, sample<Real>(grid, exact_at(0.0)));
  sim.set_source(0,
                 sample<Real>(grid,
                              [&](int i, int j, int k) {
                                const Layer& l = layers[layer_of(k)];
                                double z2;
                                const double Z = Z_at(k, &z2), g = g_at(i, j);
                                return l.K * ((l.k_deg + l.k_clear - a) * g * Z -
                                              l.D * (Z * lap_g_at(i, j) + g * z2));
                              }),
                 [a](double t) { return std::exp(-a * t); });
  sim.advance_to(t_end, run.dt_s(t_end, sim.explicit_dt_limit_s()));
  return finish(sim, layers[0].dz / f,
                {{"relative L2", relative_l2_error(grid, sim.concentration(0), exact_at(t_end))}});
}

}  // namespace

template <class Real>
CaseRun run_case(CaseId id, const CaseOptions& run, int level) {
  if (is_time_case(id)) return run_time_case<Real>(id, run, level);
  switch (id) {
    case CaseId::erfc_column:
    case CaseId::erfc_periodic_3d:
    case CaseId::erfc_graded: return erfc_case<Real>(id, run, level);
    case CaseId::membrane: return membrane_case<Real>(run, level);
    case CaseId::laminate_two:
    case CaseId::laminate_three: return laminate_case<Real>(id, run, level);
    case CaseId::gaussian_decay:
    case CaseId::gaussian_decay_graded: return gaussian_case<Real>(id, run, level);
    case CaseId::steady_decay: return steady_decay_case<Real>(run, level);
    case CaseId::manufactured_3d: return manufactured_case<Real>(run, level);
    default: break;
  }
  throw std::logic_error("unknown validation case");
}

template CaseRun run_case<float>(CaseId, const CaseOptions&, int);
template CaseRun run_case<double>(CaseId, const CaseOptions&, int);

}  // namespace skinrd::validation
