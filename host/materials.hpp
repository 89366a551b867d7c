#pragma once
// The materials × species coefficient table: geometry is a voxel mask of material ids,
// physics is this small table (no per-voxel coefficient arrays).
#include <string>
#include <vector>

#include "kernels/views.hpp"

namespace skinrd {

// The host keeps the kernels' coefficients in double (kernels/views.hpp lists them).
using SpeciesCoefficients = kernels::MaterialCoeffs<double>;

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

  // Every coefficient, [material][species]: what a checkpoint saves and restores.
  const std::vector<SpeciesCoefficients>& all_coefficients() const { return coeffs_; }
  void set_all_coefficients(std::vector<SpeciesCoefficients> coeffs);

  // One species' coefficients for every material, as the kernels read them.
  template <class Real>
  std::vector<kernels::MaterialCoeffs<Real>> species_coeffs(int species) const;

 private:
  std::vector<std::string> material_names_, species_names_;
  std::vector<SpeciesCoefficients> coeffs_;  // [material][species]
};

}  // namespace skinrd
