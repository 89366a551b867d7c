#include "host/scenario/library.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string_view>
#include <filesystem>

#include "host/error.hpp"
#include "host/scenario/toml_reader.hpp"
#include "host/scenario/units.hpp"

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
    record.text = format_number(value, 6);
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
      // The stratum corneum's D may be left to its permeability (permeability.hpp).
      if (required && material != "stratum_corneum")
        table->fail(material, "is required for every tissue material but stratum_corneum");
      continue;
    }
    values[material] = sourced(*table, material, dimension, basis, provenance,
                               key + "." + material, dimensionless);
  }
  table->finish();
  return values;
}

// A sourced list of tissue materials: { value = ["papillary_dermis", ...], source, tag }.
std::vector<std::string> sourced_materials(TomlSection& section, const std::string& key,
                                           std::map<std::string, SourcedValue>& provenance,
                                           const std::string& name) {
  auto entry = section.table(key);
  if (!entry) section.fail(key, "is required: { value = [\"<material>\", ...], source = \"...\", tag = \"M|D|E|U\" } "
                                "naming the layers where it acts");
  SourcedValue record;
  record.source = entry->text("source", std::nullopt);
  record.tag = entry->text("tag", std::nullopt, {"M", "D", "E", "U"});
  const std::vector<std::string> materials = entry->texts("value");
  for (const std::string& material : materials) {
    record.text += (record.text.empty() ? "" : " ") + material;
    const auto& known = tissue_materials();
    if (std::find(known.begin(), known.end(), material) == known.end())
      entry->fail("value", "unknown tissue material \"" + material + "\"");
  }
  if (materials.empty()) entry->fail("value", "list at least one tissue material");
  entry->finish();
  provenance[name] = record;
  return materials;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Tissue D / D in water of proteins (library convention, species.toml header): the fastest
// (70 kDa) dextran in human skin, Wei 2018 (parameters.md §3).
double tissue_ratio(const std::string& material) {
  return material == "viable_epidermis" ? 8.0 / 55 : 20.0 / 55;
}

// Wilkins 1999 R_h = 0.475·N^0.29 nm, N = MW / 110 Da residues; Stokes–Einstein at 37 °C.
double protein_diffusion_water_um2_per_s(double molecular_weight_da) {
  const double radius_nm = 0.475 * std::pow(molecular_weight_da / 110.0, 0.29);
  return stokes_einstein_um2_per_s(2 * radius_nm);
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

std::map<std::string, Reference> load_references(const std::string& path) {
  const toml::table table = parse_toml_file(path, {});
  TomlSection root(table, "");
  std::map<std::string, Reference> references;
  for (const std::string& key : root.keys()) {
    auto section = root.table(key);
    if (!section) root.fail(key, "must be a section: [key] with section, title, works and notes");
    Reference r;
    r.section = section->text("section", "");
    r.title = section->text("title", std::nullopt);
    if (section->has("works")) r.works = section->texts("works");
    r.notes = section->text("notes", "");
    section->finish();
    references.emplace(key, std::move(r));
  }
  return references;
}

}  // namespace

SpeciesEntry load_species(const std::string& key, TomlSection section, const Barrier& barrier,
                          bool defined) {
  SpeciesEntry entry;
  entry.key = key;
  entry.full_name = section.text("full_name", defined ? std::optional<std::string>(key) : std::nullopt);
  entry.kind = section.text("kind", std::nullopt, {"protein", "vesicle", "small_molecule"});
  entry.basis.particles = entry.kind == "vesicle";
  auto& p = entry.provenance;
  auto derived = [&](const std::string& name, const std::string& text, const std::string& source) {
    p[name] = SourcedValue{text, source, "D"};
  };
  std::map<std::string, double> diffusion;
  double solute_radius_nm = 0;
  std::optional<double> log_kow;
  if (entry.basis.particles) {
    entry.diameter_nm =
        sourced(section, "diameter", Dimension::length, {}, p, "diameter") * 1e3;  // um → nm
    entry.diffusion_water_um2_per_s = stokes_einstein_um2_per_s(entry.diameter_nm);
    solute_radius_nm = entry.diameter_nm / 2;
    for (auto [material, hindrance] :
         per_material(section, "hindrance", Dimension::rate, entry.basis, p, true, true))
      diffusion[material] = hindrance * entry.diffusion_water_um2_per_s;
  } else {
    entry.basis.molecular_weight_g_per_mol =
        sourced(section, "molecular_weight", Dimension::molar_mass, {}, p, "molecular_weight");
    if (section.has("log_kow") || entry.kind == "small_molecule")
      log_kow = sourced(section, "log_kow", Dimension::rate, {}, p, "log_kow", true);
    if (section.has("diffusion_water") || !defined || entry.kind != "protein") {
      entry.diffusion_water_um2_per_s =
          sourced(section, "diffusion_water", Dimension::diffusivity, entry.basis, p, "diffusion_water");
    } else {
      entry.diffusion_water_um2_per_s =
          protein_diffusion_water_um2_per_s(entry.basis.molecular_weight_g_per_mol);
      derived("diffusion_water", number_text(entry.diffusion_water_um2_per_s) + " um^2/s",
              "derived from molecular_weight: Wilkins 1999 R_h = 0.475 N^0.29 nm (N = MW/110 Da), "
              "Stokes-Einstein at 37 C ([ref:gf_identity], [ref:derivations])");
    }
    solute_radius_nm = stokes_radius_nm(entry.diffusion_water_um2_per_s);
    const bool derive_tissue = defined && entry.kind == "protein";
    diffusion = per_material(section, "diffusion", Dimension::diffusivity, entry.basis, p, false,
                             !derive_tissue);
    for (const std::string& material : tissue_materials()) {
      if (diffusion.count(material) || material == "stratum_corneum" || !derive_tissue) continue;
      diffusion[material] = entry.diffusion_water_um2_per_s * tissue_ratio(material);
      derived("diffusion." + material, number_text(diffusion[material]) + " um^2/s",
              "derived: D_water x " + number_text(tissue_ratio(material)) +
                  " (Wei 2018 70 kDa dextran D_tissue/D_water, [ref:hindered_diffusion])");
    }
  }
  const auto partition = per_material(section, "partition", Dimension::rate, entry.basis, p, true, false);
  const double sc_partition = partition.count("stratum_corneum") ? partition.at("stratum_corneum") : 1.0;
  if (!(sc_partition > 0)) section.fail("partition", "stratum_corneum must be > 0");
  if (!diffusion.count("stratum_corneum")) {
    // Intact SC from its permeability (host/scenario/permeability.hpp): D = k_p·L/K.
    const double kp = sc_permeability_cm_per_h(barrier.pores, entry.diffusion_water_um2_per_s,
                                               solute_radius_nm,
                                               entry.basis.molecular_weight_g_per_mol, log_kow);
    entry.sc_permeability_cm_per_h = kp;
    diffusion["stratum_corneum"] = sc_diffusion_um2_per_s(kp, barrier.reference_thickness_um, sc_partition);
    const std::string pathways = std::string("aqueous pores (Renkin-hindered, two populations, barrier.toml)") +
                                 (log_kow ? " + lipid route (Potts & Guy 1992, [ref:sc_barrier])" : "");
    derived("sc_permeability", number_text(kp) + " cm/h",
            "derived: intact-SC k_p = " + pathways + ", solute radius " + number_text(solute_radius_nm) + " nm");
    derived("diffusion.stratum_corneum", number_text(diffusion["stratum_corneum"]) + " um^2/s",
            "derived: k_p x L / K for SC thickness L = " + number_text(barrier.reference_thickness_um) +
                " um (rescaled to the scenario's SC), K = " + number_text(sc_partition));
  }
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
  double on_rate = 0, kd = 0, capacity = 0, k_int = 0, k_m = 1, internalised_degradation = 0;
  std::vector<std::string> binding_layers, uptake_layers;
  if (auto binding = section.table("binding")) {
    on_rate = sourced(*binding, "on_rate", Dimension::binding_rate, entry.basis, p, "binding.on_rate");
    kd = sourced(*binding, "kd", Dimension::concentration, entry.basis, p, "binding.kd");
    capacity = sourced(*binding, "capacity", Dimension::concentration, entry.basis, p, "binding.capacity");
    binding_layers = sourced_materials(*binding, "layers", p, "binding.layers");
    binding->finish();
  }
  if (auto uptake = section.table("uptake")) {
    k_int = sourced(*uptake, "k_int", Dimension::rate, entry.basis, p, "uptake.k_int");
    k_m = sourced(*uptake, "k_m", Dimension::concentration, entry.basis, p, "uptake.k_m");
    uptake_layers = sourced_materials(*uptake, "layers", p, "uptake.layers");
    internalised_degradation = sourced(*uptake, "internalised_degradation", Dimension::rate,
                                       entry.basis, p, "uptake.internalised_degradation");
    uptake->finish();
  }
  section.finish();

  // Binding sites and uptaking cells sit in the layers their tables name (data, any layer).
  for (const std::string& material : tissue_materials()) {
    SpeciesCoefficients c;
    c.diffusion_um2_per_s = diffusion.count(material) ? diffusion[material] : 0.0;
    c.partition = partition.count(material) ? partition.at(material) : 1.0;
    c.degradation_per_s = degradation;
    c.clearance_per_s = clearance.count(material) ? clearance.at(material) : 0.0;
    if (contains(binding_layers, material) && capacity > 0) {
      c.binding_on_per_conc_s = on_rate;
      c.unbinding_per_s = kd * on_rate;
      c.binding_capacity = capacity;
    }
    if (contains(uptake_layers, material) && k_int > 0) {
      c.uptake_max_conc_per_s = k_int * k_m;  // first-order k_int at low concentration
      c.uptake_half_saturation = k_m;
    }
    c.internalised_degradation_per_s = internalised_degradation;
    entry.by_material[material] = c;
  }
  return entry;
}

namespace {

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


Barrier load_barrier(const std::string& path) {
  const toml::table file = parse_toml_file(path, {});
  TomlSection root(file, "");
  Barrier barrier;
  auto& p = barrier.provenance;
  auto pores = [&](const std::string& key, PorePopulation& to) {
    auto section = root.table(key);
    if (!section) root.fail(key, "is required: radius and area_fraction_per_length");
    to.radius_nm = sourced(*section, "radius", Dimension::length, {}, p, key + ".radius") * 1e3;
    to.area_fraction_per_length_per_cm = sourced(*section, "area_fraction_per_length", Dimension::rate,
                                                 {}, p, key + ".area_fraction_per_length", true);
    if (!(to.radius_nm > 0)) section->fail("radius", "must be > 0");
    if (!(to.area_fraction_per_length_per_cm >= 0)) section->fail("area_fraction_per_length", "must be >= 0");
    section->finish();
  };
  pores("small_pores", barrier.pores.small);
  pores("large_pores", barrier.pores.large);
  barrier.reference_thickness_um =
      sourced(root, "reference_thickness", Dimension::length, {}, p, "reference_thickness");
  if (!(barrier.reference_thickness_um > 0)) root.fail("reference_thickness", "must be > 0");
  root.finish();
  return barrier;
}

}  // namespace

std::vector<std::string> cited_references(const std::string& source) {
  std::vector<std::string> keys;
  constexpr std::string_view kOpen = "[ref:";
  for (std::size_t at = source.find(kOpen); at != std::string::npos; at = source.find(kOpen, at + 1)) {
    const std::size_t end = source.find(']', at);
    if (end == std::string::npos) break;
    const std::string key = source.substr(at + kOpen.size(), end - at - kOpen.size());
    const bool named = !key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
                                           std::string::npos;  // "[ref:<key>]" explains, cites nothing
    if (named && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

Library load_library(const std::string& directory) {
  Library library;
  library.barrier = load_barrier(directory + "/barrier.toml");
  const toml::table species = parse_toml_file(directory + "/species.toml", {});
  TomlSection species_root(species, "");
  for (const std::string& key : species_root.keys()) {
    auto section = species_root.table(key);
    library.species.emplace(key, load_species(key, *section, library.barrier, false));
  }
  const toml::table sites = parse_toml_file(directory + "/sites.toml", {});
  TomlSection sites_root(sites, "");
  for (const std::string& key : sites_root.keys()) {
    auto section = sites_root.table(key);
    library.sites.emplace(key, load_site(key, *section));
  }
  const std::string references_path = directory + "/references.toml";
  if (!std::filesystem::exists(references_path)) return library;
  library.references = load_references(references_path);
  // Every citation resolves: a source names works a clone of the repository holds.
  const auto check = [&](const std::string& file, const std::string& owner,
                         const std::map<std::string, SourcedValue>& provenance) {
    for (const auto& [name, value] : provenance)
      for (const std::string& key : cited_references(value.source))
        if (!library.references.count(key))
          throw ConfigError(file + ": " + owner + name + ".source",
                            "cites [ref:" + key + "], which references.toml does not list");
  };
  check("barrier.toml", "", library.barrier.provenance);
  for (const auto& [key, entry] : library.species) check("species.toml", key + ".", entry.provenance);
  for (const auto& [key, site] : library.sites) check("sites.toml", key + ".", site.provenance);
  return library;
}

}  // namespace skinrd::scenario
