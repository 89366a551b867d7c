#include "host/scenario/library.hpp"

#include <numbers>

#include "host/error.hpp"
#include "host/scenario/toml_reader.hpp"

namespace skinrd::scenario {

const std::vector<std::string>& tissue_materials() {
  static const std::vector<std::string> names = {"stratum_corneum", "viable_epidermis",
                                                 "papillary_dermis", "reticular_dermis",
                                                 "hypodermis"};
  return names;
}

double stokes_einstein_um2_per_s(double diameter_nm) {
  constexpr double boltzmann_j_per_k = 1.380649e-23, temperature_k = 310.15;
  constexpr double water_viscosity_pa_s = 0.6913e-3;  // at 37 °C
  const double d_m2_per_s = boltzmann_j_per_k * temperature_k /
                            (3 * std::numbers::pi * water_viscosity_pa_s * diameter_nm * 1e-9);
  return d_m2_per_s * 1e12;
}

namespace {

// { value = "...", source = "...", tag = "M|D|E|U" } → internal value; records provenance.
double sourced(TomlSection& section, const std::string& key, Dimension dimension,
               const SpeciesBasis& basis, std::map<std::string, SourcedValue>& provenance,
               const std::string& name, bool dimensionless = false) {
  auto entry = section.table(key);
  if (!entry) section.fail(key, "is required as { value = \"...\", source = \"...\", tag = \"M|D|E|U\" }");
  SourcedValue record;
  record.source = entry->text("source", std::nullopt);
  record.tag = entry->text("tag", std::nullopt, {"M", "D", "E", "U"});
  double value;
  if (dimensionless) {
    value = entry->number("value", std::nullopt);
    record.text = std::to_string(value);
  } else {
    value = entry->quantity("value", dimension, std::nullopt, basis);
    record.text = entry->text("value", std::nullopt);
  }
  entry->finish();
  provenance[name] = record;
  return value;
}

// A table of per-material sourced values; materials not listed keep `fallback`.
std::map<std::string, double> per_material(TomlSection& section, const std::string& key,
                                           Dimension dimension, const SpeciesBasis& basis,
                                           std::map<std::string, SourcedValue>& provenance,
                                           bool dimensionless, bool required) {
  std::map<std::string, double> values;
  auto table = section.table(key);
  if (!table) {
    if (required) section.fail(key, "is required: one entry per tissue material");
    return values;
  }
  for (const std::string& material : tissue_materials()) {
    if (!table->has(material)) {
      if (required) table->fail(material, "is required for every tissue material");
      continue;
    }
    values[material] = sourced(*table, material, dimension, basis, provenance,
                               key + "." + material, dimensionless);
  }
  table->finish();
  return values;
}

SpeciesEntry load_species(const std::string& key, TomlSection section) {
  SpeciesEntry entry;
  entry.key = key;
  entry.full_name = section.text("full_name", std::nullopt);
  const std::string kind = section.text("kind", std::nullopt, {"protein", "vesicle"});
  entry.basis.particles = kind == "vesicle";
  auto& p = entry.provenance;
  std::map<std::string, double> diffusion;
  if (entry.basis.particles) {
    entry.diameter_nm =
        sourced(section, "diameter", Dimension::length, {}, p, "diameter") * 1e3;  // um → nm
    const double free_um2_per_s = stokes_einstein_um2_per_s(entry.diameter_nm);
    entry.diffusion_water_um2_per_s = free_um2_per_s;
    for (auto [material, hindrance] :
         per_material(section, "hindrance", Dimension::rate, entry.basis, p, true, true))
      diffusion[material] = hindrance * free_um2_per_s;
  } else {
    entry.basis.molecular_weight_g_per_mol =
        sourced(section, "molecular_weight", Dimension::molar_mass, {}, p, "molecular_weight");
    entry.diffusion_water_um2_per_s =
        sourced(section, "diffusion_water", Dimension::diffusivity, entry.basis, p, "diffusion_water");
    diffusion = per_material(section, "diffusion", Dimension::diffusivity, entry.basis, p, false, true);
  }
  const auto partition = per_material(section, "partition", Dimension::rate, entry.basis, p, true, false);
  const double degradation = sourced(section, "degradation", Dimension::rate, entry.basis, p, "degradation");
  const auto clearance = per_material(section, "clearance", Dimension::rate, entry.basis, p, false, false);
  entry.effective_concentration = sourced(section, "effective_concentration",
                                          Dimension::concentration, entry.basis, p,
                                          "effective_concentration");
  if (section.has("volume_of_distribution") || section.has("elimination_half_life")) {
    entry.volume_of_distribution_L_per_kg = sourced(
        section, "volume_of_distribution", Dimension::volume_per_mass, entry.basis, p,
        "volume_of_distribution");
    entry.elimination_half_life_s = sourced(section, "elimination_half_life", Dimension::time,
                                            entry.basis, p, "elimination_half_life");
    if (!(entry.volume_of_distribution_L_per_kg > 0))
      section.fail("volume_of_distribution", "must be > 0");
    if (!(entry.elimination_half_life_s > 0)) section.fail("elimination_half_life", "must be > 0");
  }
  double on_rate = 0, kd = 0, capacity = 0, k_int = 0, k_m = 1;
  if (auto binding = section.table("binding")) {
    on_rate = sourced(*binding, "on_rate", Dimension::binding_rate, entry.basis, p, "binding.on_rate");
    kd = sourced(*binding, "kd", Dimension::concentration, entry.basis, p, "binding.kd");
    capacity = sourced(*binding, "capacity", Dimension::concentration, entry.basis, p, "binding.capacity");
    binding->finish();
  }
  if (auto uptake = section.table("uptake")) {
    k_int = sourced(*uptake, "k_int", Dimension::rate, entry.basis, p, "uptake.k_int");
    k_m = sourced(*uptake, "k_m", Dimension::concentration, entry.basis, p, "uptake.k_m");
    uptake->finish();
  }
  section.finish();

  // ECM / heparan-sulfate sites are taken to be in the dermis; cells that take up growth
  // factors and vesicles in the viable epidermis and the dermis.
  for (const std::string& material : tissue_materials()) {
    SpeciesCoefficients c;
    c.diffusion_um2_per_s = diffusion.count(material) ? diffusion[material] : 0.0;
    c.partition = partition.count(material) ? partition.at(material) : 1.0;
    c.degradation_per_s = degradation;
    c.clearance_per_s = clearance.count(material) ? clearance.at(material) : 0.0;
    const bool dermis = material == "papillary_dermis" || material == "reticular_dermis";
    if (dermis && capacity > 0) {
      c.binding_on_per_conc_s = on_rate;
      c.unbinding_per_s = kd * on_rate;
      c.binding_capacity = capacity;
    }
    if ((dermis || material == "viable_epidermis") && k_int > 0) {
      c.uptake_max_conc_per_s = k_int * k_m;  // first-order k_int at low concentration
      c.uptake_half_saturation = k_m;
    }
    entry.by_material[material] = c;
  }
  return entry;
}

Site load_site(const std::string& key, TomlSection section) {
  Site site;
  site.key = key;
  site.full_name = section.text("full_name", std::nullopt);
  auto layers = section.table("layers");
  if (!layers) section.fail("layers", "is required: one entry per tissue material");
  for (const std::string& material : tissue_materials()) {
    auto layer = layers->table(material);
    if (!layer) layers->fail(material, "is required for every tissue material");
    SiteLayer l;
    l.material = material;
    l.like = material;
    l.thickness_um = sourced(*layer, "thickness", Dimension::length, {}, site.provenance,
                             "layers." + material + ".thickness");
    l.dz_um = layer->quantity("dz", Dimension::length, std::nullopt);
    layer->finish();
    site.layers.push_back(l);
  }
  layers->finish();
  section.finish();
  return site;
}

}  // namespace

Library load_library(const std::string& directory) {
  Library library;
  const toml::table species = parse_toml_file(directory + "/species.toml", {});
  TomlSection species_root(species, "");
  for (const std::string& key : species_root.keys()) {
    auto section = species_root.table(key);
    library.species.emplace(key, load_species(key, *section));
  }
  const toml::table sites = parse_toml_file(directory + "/sites.toml", {});
  TomlSection sites_root(sites, "");
  for (const std::string& key : sites_root.keys()) {
    auto section = sites_root.table(key);
    library.sites.emplace(key, load_site(key, *section));
  }
  return library;
}

}  // namespace skinrd::scenario
