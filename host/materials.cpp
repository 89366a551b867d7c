#include "host/materials.hpp"

#include <cmath>
#include <sstream>
#include <string_view>

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
      // A rule reads "must be > 0" or "must be >= 0 ...".
      auto check = [&](const char* name, double value, const char* rule) {
        const bool strict = std::string_view(rule).starts_with("must be > ");
        if (std::isfinite(value) && (strict ? value > 0 : value >= 0)) return;
        std::ostringstream message;
        message << rule << ", got " << value;
        throw ConfigError(key + name, message.str());
      };
#define SKINRD_COEFF_CHECK(name, initial, rule) check(#name, c.name, rule);
      SKINRD_MATERIAL_COEFFS(SKINRD_COEFF_CHECK)
#undef SKINRD_COEFF_CHECK
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
    row.push_back(at(m, species).template as<Real>());
  }
  return row;
}

template std::vector<kernels::MaterialCoeffs<float>> MaterialTable::species_coeffs(int) const;
template std::vector<kernels::MaterialCoeffs<double>> MaterialTable::species_coeffs(int) const;

void MaterialTable::set_all_coefficients(std::vector<SpeciesCoefficients> coeffs) {
  if (coeffs.size() != coeffs_.size())
    throw Error("MaterialTable::set_all_coefficients: " + std::to_string(coeffs.size()) +
                " values for a table of " + std::to_string(coeffs_.size()));
  coeffs_ = std::move(coeffs);
}

}  // namespace skinrd
