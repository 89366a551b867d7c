#include "host/validation/analytic.hpp"

#include <cmath>
#include <numbers>

namespace skinrd::validation {

double erfc_profile(double z_um, double diffusion_um2_per_s, double t_s) {
  return std::erfc(z_um / (2.0 * std::sqrt(diffusion_um2_per_s * t_s)));
}

double crank_membrane_amount_per_area(double t_s, double diffusion_um2_per_s, double thickness_um,
                                      double partition, double c0) {
  const double pi = std::numbers::pi;
  const double tau = diffusion_um2_per_s * t_s / (thickness_um * thickness_um);
  double series = 0;
  for (int n = 1; n <= 400; ++n) {
    const double term = std::exp(-n * n * pi * pi * tau) / (n * n);
    series += (n % 2 ? -term : term);
    if (term < 1e-18) break;
  }
  return partition * c0 * thickness_um * (tau - 1.0 / 6.0 - 2.0 / (pi * pi) * series);
}

double gaussian_3d(double r2_um2, double amplitude, double sigma0_um, double diffusion_um2_per_s,
                   double loss_per_s, double t_s) {
  const double sigma2 = sigma0_um * sigma0_um + 2.0 * diffusion_um2_per_s * t_s;
  const double ratio = sigma0_um / std::sqrt(sigma2);
  return amplitude * ratio * ratio * ratio * std::exp(-r2_um2 / (2.0 * sigma2)) *
         std::exp(-loss_per_s * t_s);
}

double steady_decay_profile(double z_um, double decay_length_um, double depth_um) {
  return std::cosh((depth_um - z_um) / decay_length_um) / std::cosh(depth_um / decay_length_um);
}

double laminate_steady_flux(double u0, const std::vector<LaminateLayer>& layers) {
  double resistance = 0;
  for (const auto& l : layers) resistance += l.thickness_um / (l.partition * l.diffusion_um2_per_s);
  return u0 / resistance;
}

double laminate_steady_concentration(double z_um, double u0,
                                     const std::vector<LaminateLayer>& layers) {
  const double flux = laminate_steady_flux(u0, layers);
  double u_top = u0, z_top = 0;
  for (const auto& l : layers) {
    const double conductance = l.partition * l.diffusion_um2_per_s;
    if (z_um <= z_top + l.thickness_um) return l.partition * (u_top - flux * (z_um - z_top) / conductance);
    u_top -= flux * l.thickness_um / conductance;
    z_top += l.thickness_um;
  }
  return 0;
}

Line fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  // Centred sums: no cancellation for large x.
  const double n = static_cast<double>(x.size());
  double x_mean = 0, y_mean = 0;
  for (std::size_t i = 0; i < x.size(); ++i) x_mean += x[i] / n, y_mean += y[i] / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - x_mean) * (x[i] - x_mean);
    sxy += (x[i] - x_mean) * (y[i] - y_mean);
  }
  const double slope = sxy / sxx;
  return {slope, y_mean - slope * x_mean};
}

}  // namespace skinrd::validation
