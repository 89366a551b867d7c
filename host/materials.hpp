#pragma once
// The materials × species coefficient table: geometry is a voxel mask of material ids,
// physics is this small table (no per-voxel coefficient arrays).
#include <string>
#include <vector>

#include "kernels/views.hpp"

namespace skinrd {

// Binding and uptake act on the reference-phase concentration u = c/K (DESIGN §1).
struct SpeciesCoefficients {
  double diffusion_um2_per_s = 0;  // 0: impermeable
  double partition = 1;            // K relative to the reference fluid phase, > 0
  double degradation_per_s = 0;
  double clearance_per_s = 0;      // to blood/lymph
  double binding_on_per_conc_s = 0;    // k_on, per (concentration · s)
  double unbinding_per_s = 0;          // k_off
  double binding_capacity = 0;         // B_max, concentration of binding sites
  double bound_degradation_per_s = 0;
  double uptake_max_conc_per_s = 0;    // V_max, concentration per s
  double uptake_half_saturation = 1;   // K_m, concentration, > 0

};

class MaterialTable {
 public:
  MaterialTable(std::vector<std::string> material_names, std::vector<std::string> species_names);

  int material_count() const { return static_cast<int>(material_names_.size()); }
  int species_count() const { return static_cast<int>(species_names_.size()); }
  const std::string& material_name(int m) const { return material_names_[m]; }
  const std::string& species_name(int s) const { return species_names_[s]; }

  SpeciesCoefficients& at(int material, int species);
  const SpeciesCoefficients& at(int material, int species) const;

  // Throws ConfigError naming material, species, coefficient and value for D < 0,
  // K ≤ 0, K_m ≤ 0, a negative rate or capacity, or a non-finite value.
  void validate() const;

  // Whether any material gives the species a reaction (binding, release, bound decay, uptake).
  bool species_reacts(int species) const;

  // One species' coefficients for every material, as the kernels read them.
  template <class Real>
  std::vector<kernels::MaterialCoeffs<Real>> species_coeffs(int species) const;

 private:
  std::vector<std::string> material_names_, species_names_;
  std::vector<SpeciesCoefficients> coeffs_;  // [material][species]
};

}  // namespace skinrd
