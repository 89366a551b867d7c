#include "host/materials.hpp"

#include <cmath>
#include <sstream>

#include "host/error.hpp"
#include "kernels/reactions.hpp"

namespace skinrd {

MaterialTable::MaterialTable(std::vector<std::string> material_names,
                             std::vector<std::string> species_names)
    : material_names_(std::move(material_names)),
      species_names_(std::move(species_names)),
      coeffs_(material_names_.size() * species_names_.size()) {
  if (material_names_.empty()) throw ConfigError("materials", "no material is defined");
  if (material_names_.size() > 256)
    throw ConfigError("materials", "at most 256 materials fit a uint8 material id, got " +
                                       std::to_string(material_names_.size()));
  if (species_names_.empty()) throw ConfigError("species", "no species is defined");
}

SpeciesCoefficients& MaterialTable::at(int material, int species) {
  return coeffs_.at(static_cast<std::size_t>(material) * species_names_.size() + species);
}

const SpeciesCoefficients& MaterialTable::at(int material, int species) const {
  return coeffs_.at(static_cast<std::size_t>(material) * species_names_.size() + species);
}

void MaterialTable::validate() const {
  for (int m = 0; m < material_count(); ++m) {
    for (int s = 0; s < species_count(); ++s) {
      const SpeciesCoefficients& c = at(m, s);
      const std::string key = "materials." + material_names_[m] + "." + species_names_[s] + ".";
      auto check = [&](const char* name, double value, bool ok, const char* rule) {
        if (std::isfinite(value) && ok) return;
        std::ostringstream message;
        message << rule << ", got " << value;
        throw ConfigError(key + name, message.str());
      };
      check("diffusion_um2_per_s", c.diffusion_um2_per_s, c.diffusion_um2_per_s >= 0,
            "must be >= 0 um^2/s (0 makes the material impermeable)");
      check("partition", c.partition, c.partition > 0, "must be > 0");
      check("degradation_per_s", c.degradation_per_s, c.degradation_per_s >= 0,
            "must be >= 0 1/s");
      check("clearance_per_s", c.clearance_per_s, c.clearance_per_s >= 0, "must be >= 0 1/s");
      check("binding_on_per_conc_s", c.binding_on_per_conc_s, c.binding_on_per_conc_s >= 0,
            "must be >= 0");
      check("unbinding_per_s", c.unbinding_per_s, c.unbinding_per_s >= 0, "must be >= 0 1/s");
      check("binding_capacity", c.binding_capacity, c.binding_capacity >= 0, "must be >= 0");
      check("bound_degradation_per_s", c.bound_degradation_per_s,
            c.bound_degradation_per_s >= 0, "must be >= 0 1/s");
      check("uptake_max_conc_per_s", c.uptake_max_conc_per_s, c.uptake_max_conc_per_s >= 0,
            "must be >= 0");
      check("uptake_half_saturation", c.uptake_half_saturation, c.uptake_half_saturation > 0,
            "must be > 0");
    }
  }
}

bool MaterialTable::species_reacts(int species) const {
  for (const auto& m : species_coeffs<double>(species))
    if (kernels::has_reactions(m)) return true;
  return false;
}

template <class Real>
std::vector<kernels::MaterialCoeffs<Real>> MaterialTable::species_coeffs(int species) const {
  std::vector<kernels::MaterialCoeffs<Real>> row;
  for (int m = 0; m < material_count(); ++m) {
    const SpeciesCoefficients& c = at(m, species);
    kernels::MaterialCoeffs<Real> k;
    k.diffusion_um2_per_s = static_cast<Real>(c.diffusion_um2_per_s);
    k.partition = static_cast<Real>(c.partition);
    k.degradation_per_s = static_cast<Real>(c.degradation_per_s);
    k.clearance_per_s = static_cast<Real>(c.clearance_per_s);
    k.binding_on_per_conc_s = static_cast<Real>(c.binding_on_per_conc_s);
    k.unbinding_per_s = static_cast<Real>(c.unbinding_per_s);
    k.binding_capacity = static_cast<Real>(c.binding_capacity);
    k.bound_degradation_per_s = static_cast<Real>(c.bound_degradation_per_s);
    k.uptake_max_conc_per_s = static_cast<Real>(c.uptake_max_conc_per_s);
    k.uptake_half_saturation = static_cast<Real>(c.uptake_half_saturation);
    row.push_back(k);
  }
  return row;
}

template std::vector<kernels::MaterialCoeffs<float>> MaterialTable::species_coeffs(int) const;
template std::vector<kernels::MaterialCoeffs<double>> MaterialTable::species_coeffs(int) const;

}  // namespace skinrd
