#pragma once
// The species and body-site library (scenarios/library/*.toml): literature values with
// their sources and tags, converted to the coefficients of the tissue materials.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/materials.hpp"
#include "host/scenario/permeability.hpp"
#include "host/scenario/units.hpp"

namespace skinrd::scenario {

class TomlSection;

// The tissue materials, top to bottom, as named in the library and in scenario files.
const std::vector<std::string>& tissue_materials();

struct SourcedValue {
  std::string text;    // as written, e.g. "38.2 kDa"
  std::string source;  // citation
  std::string tag;     // M measured, D derived, E estimate, U unverified
};

struct SpeciesEntry {
  std::string key, full_name;
  std::string kind;                       // "protein", "vesicle" or "small_molecule"
  SpeciesBasis basis;                     // molecular weight, or counted as particles
  double effective_concentration = 0;     // ng/mL or particles/mL (reference phase)
  double diameter_nm = 0;                 // vesicles
  double diffusion_water_um2_per_s = 0;   // free diffusion at 37 °C (vesicles: Stokes–Einstein)
  // Systemic one-compartment pharmacokinetics (0: not given, no systemic compartment).
  double volume_of_distribution_L_per_kg = 0;
  double elimination_half_life_s = 0;
  // Intact-SC permeability where the SC's D is derived from it (D = k_p·L/K, rescaled to
  // the scenario's SC thickness); absent where the SC's D is given.
  std::optional<double> sc_permeability_cm_per_h;
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

// The intact stratum corneum's pathways (directory/barrier.toml), shared by every species.
struct Barrier {
  BarrierModel pores;
  double reference_thickness_um = 0;  // the SC thickness the library's SC D values are for
  std::map<std::string, SourcedValue> provenance;
};

// A section of the library's references.toml: the works a source string cites as [ref:<key>].
struct Reference {
  std::string section, title;
  std::vector<std::string> works;
  std::string notes;
};

struct Library {
  std::map<std::string, SpeciesEntry> species;
  std::map<std::string, Site> sites;
  Barrier barrier;
  std::map<std::string, Reference> references;  // by key; empty without references.toml
};

// The keys a source string cites as [ref:<key>], in order of first citation.
std::vector<std::string> cited_references(const std::string& source);

// Reads directory/barrier.toml, species.toml, sites.toml and (where there is one)
// references.toml, whose sections every [ref:<key>] of a source must name; ConfigError with key
// and line.
Library load_library(const std::string& directory);

// A species from its TOML table with the library's keys: a library entry, or (`defined`:
// a scenario's [species.define.NAME]) one where values not given are derived by the
// library's relations (D in water and in tissue from MW for proteins, the SC from its
// permeability) and the rest must be given; ConfigError naming the key and line.
SpeciesEntry load_species(const std::string& key, TomlSection section, const Barrier& barrier,
                          bool defined);

// Free diffusion coefficient of a sphere in water at 37 °C (Stokes–Einstein), um^2/s.
double stokes_einstein_um2_per_s(double diameter_nm);

}  // namespace skinrd::scenario
