#pragma once
// The species and body-site library (scenarios/library/*.toml): literature values with
// their sources and tags, converted to the coefficients of the tissue materials.
#include <map>
#include <string>
#include <vector>

#include "host/materials.hpp"
#include "host/scenario/units.hpp"

namespace skinrd::scenario {

// The tissue materials, top to bottom, as named in the library and in scenario files.
const std::vector<std::string>& tissue_materials();

struct SourcedValue {
  std::string text;    // as written, e.g. "38.2 kDa"
  std::string source;  // citation
  std::string tag;     // M measured, D derived, E estimate, U unverified
};

struct SpeciesEntry {
  std::string key, full_name;
  SpeciesBasis basis;                     // molecular weight, or counted as particles
  double effective_concentration = 0;     // ng/mL or particles/mL (reference phase)
  double diameter_nm = 0;                 // vesicles
  double diffusion_water_um2_per_s = 0;   // free diffusion at 37 °C (vesicles: Stokes–Einstein)
  // Systemic one-compartment pharmacokinetics (0: not given, no systemic compartment).
  double volume_of_distribution_L_per_kg = 0;
  double elimination_half_life_s = 0;
  std::map<std::string, SpeciesCoefficients> by_material;  // tissue materials
  std::map<std::string, SourcedValue> provenance;          // "diffusion.dermis" → source
};

struct SiteLayer {
  std::string material;  // the layer's name, which is also its material's
  std::string like;      // the library material (tissue_materials()) its species values start from
  double thickness_um = 0, dz_um = 0;
};

struct Site {
  std::string key, full_name;
  std::vector<SiteLayer> layers;
  std::map<std::string, SourcedValue> provenance;
};

struct Library {
  std::map<std::string, SpeciesEntry> species;
  std::map<std::string, Site> sites;
};

// Reads directory/species.toml and directory/sites.toml; ConfigError with key and line.
Library load_library(const std::string& directory);

// Free diffusion coefficient of a sphere in water at 37 °C (Stokes–Einstein), um^2/s.
double stokes_einstein_um2_per_s(double diameter_nm);

}  // namespace skinrd::scenario
