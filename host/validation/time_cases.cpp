// Validation of the time integration and the reactions (implicit schemes, binding, uptake).
#include <array>
#include <cmath>
#include <map>
#include <stdexcept>

#include "host/validation/case_support.hpp"
#include "host/validation/cases.hpp"

namespace skinrd::validation {
namespace {

using namespace support;

// Classic fourth-order Runge–Kutta for a small ODE system: the independent reference the
// exact per-voxel reaction solutions are checked against.
template <std::size_t N, class F>
std::array<double, N> rk4(std::array<double, N> y, double t_s, int steps, F&& rate) {
  const double h = t_s / steps;
  auto axpy = [](const std::array<double, N>& a, double s, const std::array<double, N>& b) {
    std::array<double, N> out;
    for (std::size_t n = 0; n < N; ++n) out[n] = a[n] + s * b[n];
    return out;
  };
  for (int i = 0; i < steps; ++i) {
    const auto k1 = rate(y), k2 = rate(axpy(y, h / 2, k1)), k3 = rate(axpy(y, h / 2, k2)),
               k4 = rate(axpy(y, h, k3));
    for (std::size_t n = 0; n < N; ++n) y[n] += h / 6 * (k1[n] + 2 * k2[n] + 2 * k3[n] + k4[n]);
  }
  return y;
}

template <class Real>
Simulation<Real> closed_voxel(const CaseOptions& run, const SpeciesCoefficients& coeffs, double c0) {
  Simulation<Real> sim(make_problem(1, 1, 10, {{{"voxel", 10, 10}, coeffs}},
                                    {false, kernels::TopBoundary::zero_flux, {},
                                     kernels::BottomBoundary::zero_flux}),
                       run.backend, run.scheme == Scheme::explicit_euler ? Scheme::adi : run.scheme);
  sim.set_concentration(0, {static_cast<Real>(c0)});
  return sim;
}

// --- well-mixed binding: exact Riccati step against RK4 ------------------------------------
template <class Real>
CaseRun binding_case(const CaseOptions& run, int level) {
  const double dt = std::ldexp(2.0, -level), K = 0.8, c0 = 5, b_max = 4;
  std::vector<Measurement> errors;
  for (const bool stiff : {false, true}) {
    // mild: k_on·B_max/K·dt ≈ 1.5·dt; stiff: ≈ 1e4·dt (K_d = 0.5 in both)
    const double k_on = stiff ? 2e3 : 0.3, k_off = 0.5 * k_on, t_end = stiff ? 1.0 : 6.0;
    SpeciesCoefficients coeffs{10, K};
    coeffs.binding_on_per_conc_s = k_on;
    coeffs.unbinding_per_s = k_off;
    coeffs.binding_capacity = b_max;
    auto sim = closed_voxel<Real>(run, coeffs, c0);
    sim.advance_to(t_end, dt);
    const double c = sim.concentration(0)[0], b = sim.bound(0)[0];
    const auto ref = rk4<2>({c0, 0.0}, t_end, stiff ? 400000 : 20000, [&](const auto& y) {
      const double flux = k_on * (y[0] / K) * (b_max - y[1]) - k_off * y[1];
      return std::array<double, 2>{-flux, flux};
    });
    const std::string name = stiff ? "stiff" : "mild";
    errors.push_back({name + ": |b-b_rk4|/(c0)", std::abs(b - ref[1]) / c0});
    errors.push_back({name + ": |c+b-c0|/c0", std::abs(c + b - c0) / c0});
    if (stiff) {  // equilibrium b = B_max·u/(K_d + u), K_d = k_off/k_on
      const double u = c / K, k_d = k_off / k_on;
      errors.push_back({"stiff: |b-Bmax*u/(Kd+u)|/c0", std::abs(b - b_max * u / (k_d + u)) / c0});
    }
  }
  return {dt, errors};
}

// --- Michaelis–Menten uptake: exact Lambert-W step against RK4 and the implicit solution -----
template <class Real>
CaseRun uptake_case(const CaseOptions& run, int level) {
  const double dt = std::ldexp(2.0, -level), K = 1.2, c0 = 10, v_max = 2, k_m = 3, t_end = 8;
  SpeciesCoefficients coeffs{10, K};
  coeffs.uptake_max_conc_per_s = v_max;
  coeffs.uptake_half_saturation = k_m;
  auto sim = closed_voxel<Real>(run, coeffs, c0);
  sim.advance_to(t_end, dt);
  const double c = sim.concentration(0)[0], taken_up = sim.internalised(0)[0];
  const auto ref = rk4<1>({c0}, t_end, 20000, [&](const auto& y) {
    return std::array<double, 1>{-v_max * (y[0] / K) / (k_m + y[0] / K)};
  });
  const double u = c / K, u0 = c0 / K;
  return {dt,
          {{"|c-c_rk4|/c0", std::abs(c - ref[0]) / c0},
           {"|Km ln(u/u0)+u-u0+Vmax t/K|/(Km+u0)",
            std::abs(k_m * std::log(u / u0) + u - u0 + v_max * t_end / K) / (k_m + u0)},
           {"|c+internalised-c0|/c0", std::abs(c + taken_up - c0) / c0}}};
}

// --- order in time: 3-D Gaussian with binding and decay ---------------------------------------
template <class Real>
std::vector<Real> gaussian_with_binding(const CaseOptions& run, Scheme scheme, int steps) {
  const double h = 6, box = 120, sigma0 = 15, t_end = 2;
  SpeciesCoefficients tissue{100, 1.0, 0.2, 0.05};
  tissue.binding_on_per_conc_s = 0.5;
  tissue.unbinding_per_s = 1.0;
  tissue.binding_capacity = 2.0;
  tissue.bound_degradation_per_s = 0.1;
  const int n = static_cast<int>(box / h);
  Simulation<Real> sim(make_problem(n, n, h, {{{"tissue", box, h}, tissue}},
                                    {true, kernels::TopBoundary::zero_flux, {},
                                     kernels::BottomBoundary::zero_flux}),
                       run.backend, scheme);
  const Grid& grid = sim.problem().grid;
  sim.set_concentration(0, sample<Real>(grid, [&](int i, int j, int k) {
    const double x = grid.x_center_um(i) - box / 2, y = grid.x_center_um(j) - box / 2,
                 z = grid.z_center_um(k) - box / 2;
    return std::exp(-(x * x + y * y + z * z) / (2 * sigma0 * sigma0));
  }));
  sim.advance_to(t_end, t_end / steps);
  return sim.concentration(0);
}

template <class Real>
CaseRun time_order_case(CaseId id, const CaseOptions& run, int level) {
  const int steps = 20 << level;
  const Scheme scheme = id == CaseId::time_order_adi ? Scheme::adi : Scheme::lod;
  // The reference (1280 ADI steps, 16² × below the finest level's error) is the same for
  // every level and scheme: computed once per backend.
  static std::map<BackendKind, std::vector<Real>> references;
  if (!references.count(run.backend))
    references[run.backend] = gaussian_with_binding<Real>(run, Scheme::adi, 1280);
  const auto& reference = references[run.backend];
  const auto c = gaussian_with_binding<Real>(run, scheme, steps);
  double difference = 0, scale = 0;
  for (std::size_t v = 0; v < c.size(); ++v) {
    difference = std::max(difference, std::abs(double(c[v]) - double(reference[v])));
    scale = std::max(scale, std::abs(double(reference[v])));
  }
  return {2.0 / steps, {{"max|c-c_ref|/max c_ref", difference / scale}}};  // span 2 s
}

// --- fast linear binding slows spreading to D/(1 + B_max/K_d) ------------------------------
template <class Real>
CaseRun slowed_spread_case(const CaseOptions& run, int level) {
  const double D = 100, depth = 400, h = 2, sigma0 = 20, peak = 0.1, t_end = 20;
  const double k_off = 10, k_d = 100, b_max = 400;  // occupancy u/K_d ≤ 1e-3
  const double d_eff = D / (1 + b_max / k_d);
  const double dt = std::ldexp(0.4, -level);
  SpeciesCoefficients tissue{D, 1.0};
  tissue.binding_on_per_conc_s = k_off / k_d;
  tissue.unbinding_per_s = k_off;
  tissue.binding_capacity = b_max;
  Simulation<Real> sim(make_problem(1, 1, 10, {{{"tissue", depth, h}, tissue}},
                                    {false, kernels::TopBoundary::zero_flux, {},
                                     kernels::BottomBoundary::zero_flux}),
                       run.backend, run.scheme == Scheme::explicit_euler ? Scheme::adi : run.scheme);
  const Grid& grid = sim.problem().grid;
  auto free_at = [&](int, int, int k) {
    const double z = grid.z_center_um(k) - depth / 2;
    return peak * std::exp(-z * z / (2 * sigma0 * sigma0));
  };
  sim.set_concentration(0, sample<Real>(grid, free_at));
  sim.set_bound(0, sample<Real>(grid, [&](int i, int j, int k) {
    const double u = free_at(i, j, k);
    return b_max * u / (k_d + u);  // start in binding equilibrium
  }));
  // Variance in z of the total (free + bound) amount: it grows as 2·D_eff·t.
  auto variance = [&]() {
    const auto c = sim.concentration(0), b = sim.bound(0);
    double mass = 0, first = 0, second = 0;
    for (int k = 0; k < grid.nz; ++k) {
      const double m = (double(c[k]) + double(b[k])) * grid.dz_um[k], z = grid.z_center_um(k);
      mass += m, first += m * z, second += m * z * z;
    }
    return second / mass - (first / mass) * (first / mass);
  };
  const double variance0 = variance();
  sim.advance_to(t_end, dt);
  const double measured = (variance() - variance0) / (2 * t_end);
  return {dt, {{"|D_eff-D/(1+Bmax/Kd)|/D_eff", std::abs(measured - d_eff) / d_eff}}};
}

// --- steady state with a localised source at large steps --------------------------------------
template <class Real>
CaseRun steady_state_case(const CaseOptions& run, int level) {
  const double h = 5, k_deg = 0.05, t_end = 700;  // k·t = 35: transients below 1e-15
  const int nx = 10, nz = 20;
  // LOD at 1000× the explicit limit (default level). Douglas–Gunn's factorisation barely damps
  // modes that are stiff along all three axes, so at such steps its approach to the steady
  // state is slow: ADI is run at 1/100 of LOD's step, where it converges within the run.
  const double multiple = std::ldexp(4000.0, -level);
  auto steady = [&](Scheme scheme, double dt_multiple) {
    Simulation<Real> sim(make_problem(nx, nx, h, {{{"tissue", nz * h, h}, {100, 1.0, k_deg, 0}}},
                                      {true, kernels::TopBoundary::zero_flux, {},
                                       kernels::BottomBoundary::zero_flux}),
                         run.backend, scheme);
    const Grid& grid = sim.problem().grid;
    // 2 × 2 voxels of the top cell layer release 1 concentration unit per second.
    sim.set_source(0, sample<Real>(grid, [&](int i, int j, int k) {
      return (k == 0 && i >= 4 && i < 6 && j >= 4 && j < 6) ? 1.0 : 0.0;
    }), nullptr);
    sim.advance_to(t_end, dt_multiple * sim.explicit_dt_limit_s());
    return std::make_pair(sim.concentration(0), sim.explicit_dt_limit_s() * dt_multiple);
  };
  const auto reference = steady(Scheme::explicit_euler, 0.9).first;
  const auto adi = steady(Scheme::adi, multiple / 100).first;
  const auto [lod, dt] = steady(Scheme::lod, multiple);
  auto relative_difference = [&](const std::vector<Real>& c) {
    double difference = 0, scale = 0;
    for (std::size_t v = 0; v < c.size(); ++v) {
      difference = std::max(difference, std::abs(double(c[v]) - double(reference[v])));
      scale = std::max(scale, std::abs(double(reference[v])));
    }
    return difference / scale;
  };
  return {dt,
          {{"ADI (dt/100): max|c-c_explicit|/max c", relative_difference(adi)},
           {"LOD: max|c-c_explicit|/max c (reported)", relative_difference(lod), false}}};
}

}  // namespace

bool is_time_case(CaseId id) {
  switch (id) {
    case CaseId::time_order_adi:
    case CaseId::time_order_lod:
    case CaseId::binding_closed_voxel:
    case CaseId::uptake_closed_voxel:
    case CaseId::binding_slowed_spread:
    case CaseId::steady_state_schemes: return true;
    default: return false;
  }
}

template <class Real>
CaseRun run_time_case(CaseId id, const CaseOptions& run, int level) {
  switch (id) {
    case CaseId::time_order_adi:
    case CaseId::time_order_lod: return time_order_case<Real>(id, run, level);
    case CaseId::binding_closed_voxel: return binding_case<Real>(run, level);
    case CaseId::uptake_closed_voxel: return uptake_case<Real>(run, level);
    case CaseId::binding_slowed_spread: return slowed_spread_case<Real>(run, level);
    case CaseId::steady_state_schemes: return steady_state_case<Real>(run, level);
    default: break;
  }
  throw std::logic_error("not a time-integration case");
}

template CaseRun run_time_case<float>(CaseId, const CaseOptions&, int);
template CaseRun run_time_case<double>(CaseId, const CaseOptions&, int);

}  // namespace skinrd::validation
