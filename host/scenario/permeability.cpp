#include "host/scenario/permeability.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace skinrd::scenario {

double renkin_hindrance(double lambda) {
  if (!(lambda < 1)) return 0;
  const double l = std::max(lambda, 0.0);
  const double l3 = l * l * l, l5 = l3 * l * l, l6 = l5 * l;
  const double diffusive = (1 - 2.105 * l + 2.0865 * l3 - 1.7068 * l5 + 0.72603 * l6) /
                           (1 - 0.75857 * l5);
  return (1 - l) * (1 - l) * diffusive;
}

double potts_guy_cm_per_h(double log_kow, double molecular_weight_da) {
  return std::pow(10.0, -2.72 + 0.71 * log_kow - 0.0061 * molecular_weight_da);
}

double stokes_radius_nm(double diffusion_water_um2_per_s) {
  constexpr double boltzmann_j_per_k = 1.380649e-23, temperature_k = 310.15;
  constexpr double water_viscosity_pa_s = 0.6913e-3;  // at 37 °C, as stokes_einstein_um2_per_s
  const double d_m2_per_s = diffusion_water_um2_per_s * 1e-12;
  return boltzmann_j_per_k * temperature_k /
         (6 * std::numbers::pi * water_viscosity_pa_s * d_m2_per_s) * 1e9;
}

double sc_permeability_cm_per_h(const BarrierModel& barrier, double diffusion_water_um2_per_s,
                                double solute_radius_nm, double molecular_weight_da,
                                std::optional<double> log_kow) {
  const double d_cm2_per_h = diffusion_water_um2_per_s * 1e-8 * 3600;
  double kp = 0;
  for (const PorePopulation& pores : {barrier.small, barrier.large})
    kp += pores.area_fraction_per_length_per_cm * d_cm2_per_h *
          renkin_hindrance(solute_radius_nm / pores.radius_nm);
  if (log_kow) kp += potts_guy_cm_per_h(*log_kow, molecular_weight_da);
  return kp;
}

double sc_diffusion_um2_per_s(double permeability_cm_per_h, double thickness_um, double partition) {
  const double kp_um_per_s = permeability_cm_per_h * 1e4 / 3600;
  return kp_um_per_s * thickness_um / partition;
}

}  // namespace skinrd::scenario
