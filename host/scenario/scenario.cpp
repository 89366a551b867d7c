#include "host/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/toml_reader.hpp"

namespace skinrd::scenario {
namespace {

int species_index(const Scenario& scenario, TomlSection& section) {
  const std::string name = section.text("species", std::nullopt);
  for (std::size_t s = 0; s < scenario.species.size(); ++s)
    if (scenario.species[s].key == name) return static_cast<int>(s);
  section.fail("species", "\"" + name + "\" is not among species.use");
}

// "every" and "times" repeat an event: the start times it expands to.
std::vector<double> repeats(TomlSection& section, double at_s) {
  const double count = section.number("times", 1.0);
  if (!(count >= 1) || count != std::floor(count) || count > 100000)
    section.fail("times", "must be a whole number from 1 to 100000");
  const int times = static_cast<int>(count);
  const double every_s = section.quantity("every", Dimension::time, 0.0);
  if (times > 1 && !(every_s > 0)) section.fail("times", "repeats need an interval: every = \"12 h\"");
  std::vector<double> starts;
  for (int n = 0; n < times; ++n) starts.push_back(at_s + n * every_s);
  return starts;
}

void read_run(TomlSection run, Scenario& scenario) {
  RunSettings& r = scenario.run;
  r.duration_s = run.quantity("duration", Dimension::time, std::nullopt);
  if (!(r.duration_s > 0)) run.fail("duration", "must be > 0");
  const double interval_s = run.quantity("output_interval", Dimension::time, r.duration_s / 10);
  if (!(interval_s > 0)) run.fail("output_interval", "must be > 0");
  for (double t = 0; t < r.duration_s * (1 - 1e-12); t += interval_s) r.output_times_s.push_back(t);
  r.output_times_s.push_back(r.duration_s);
  r.scheme = parse_scheme(run.text("scheme", "adi", {"explicit", "adi", "lod"}));
  r.dt_s = run.quantity("dt", Dimension::time, 0.0);
  if (r.dt_s < 0) run.fail("dt", "must be > 0");
  r.adaptive.relative_tolerance = run.number("tolerance", 1e-3);
  if (!(r.adaptive.relative_tolerance > 0)) run.fail("tolerance", "must be > 0");
  r.adaptive.dt_min_s = run.quantity("dt_min", Dimension::time, 1e-4);
  r.adaptive.dt_max_s = run.quantity("dt_max", Dimension::time, interval_s);
  if (!(r.adaptive.dt_min_s > 0) || r.adaptive.dt_max_s < r.adaptive.dt_min_s)
    run.fail("dt_max", "needs 0 < dt_min <= dt_max");
  r.double_precision = run.text("precision", "float", {"float", "double"}) == "double";
  std::vector<std::string> layers = tissue_materials();
  r.target_layer = run.text("target_layer", "papillary_dermis", layers);
  run.finish();
}

void read_tissue(TomlSection tissue, const Library& library, Scenario& scenario) {
  TissueSettings& t = scenario.tissue;
  std::vector<std::string> sites;
  for (const auto& [key, site] : library.sites) sites.push_back(key);
  t.site = tissue.text("site", std::nullopt, sites);
  t.layers = library.sites.at(t.site).layers;
  t.lateral_um = tissue.quantity("lateral_size", Dimension::length, std::nullopt);
  t.dx_um = tissue.quantity("dx", Dimension::length, std::nullopt);
  if (!(t.lateral_um > 0)) tissue.fail("lateral_size", "must be > 0");
  if (!(t.dx_um > 0) || t.dx_um > t.lateral_um) tissue.fail("dx", "must be > 0 and <= lateral_size");
  t.periodic = tissue.text("lateral_boundary", "periodic", {"periodic", "zero_flux"}) == "periodic";
  t.bottom = tissue.text("bottom", "sink", {"sink", "zero_flux"}) == "sink"
                 ? kernels::BottomBoundary::perfect_sink
                 : kernels::BottomBoundary::zero_flux;
  if (auto layers = tissue.table("layers")) {
    for (SiteLayer& layer : t.layers) {
      auto override_ = layers->table(layer.material);
      if (!override_) continue;
      layer.thickness_um = override_->quantity("thickness", Dimension::length, layer.thickness_um);
      layer.dz_um = override_->quantity("dz", Dimension::length, layer.dz_um);
      if (!(layer.thickness_um > 0)) override_->fail("thickness", "must be > 0");
      if (!(layer.dz_um > 0)) override_->fail("dz", "must be > 0");
      override_->finish();
    }
    layers->finish();
  }
  tissue.finish();
}

void read_species(TomlSection species, const Library& library, Scenario& scenario) {
  const std::vector<std::string> names = species.texts("use");
  if (names.empty()) species.fail("use", "list at least one species from the library");
  for (std::size_t n = 0; n < names.size(); ++n) {
    const std::string& name = names[n];
    if (std::find(names.begin(), names.begin() + n, name) != names.begin() + n)
      species.fail("use", "\"" + name + "\" is listed twice");
    if (!library.species.count(name)) {
      std::string known;
      for (const auto& [key, entry] : library.species) known += (known.empty() ? "" : ", ") + key;
      species.fail("use", "unknown species \"" + name + "\" (library: " + known + ")");
    }
    SpeciesEntry entry = library.species.at(name);
    if (auto overrides = species.table(name)) {  // [species.NAME.<material>] coefficient overrides
      for (const std::string& material : tissue_materials()) {
        auto m = overrides->table(material);
        if (!m) continue;
        SpeciesCoefficients& c = entry.by_material[material];
        c.diffusion_um2_per_s = m->quantity("diffusion", Dimension::diffusivity, c.diffusion_um2_per_s);
        c.partition = m->number("partition", c.partition);
        c.degradation_per_s = m->quantity("degradation", Dimension::rate, c.degradation_per_s);
        c.clearance_per_s = m->quantity("clearance", Dimension::rate, c.clearance_per_s);
        c.binding_capacity = m->quantity("binding_capacity", Dimension::concentration,
                                         c.binding_capacity, entry.basis);
        c.binding_on_per_conc_s = m->quantity("binding_on_rate", Dimension::binding_rate,
                                              c.binding_on_per_conc_s, entry.basis);
        c.unbinding_per_s = m->quantity("unbinding_rate", Dimension::rate, c.unbinding_per_s);
        c.bound_degradation_per_s = m->quantity("bound_degradation", Dimension::rate,
                                                c.bound_degradation_per_s);
        const double k_int = m->quantity("uptake_rate", Dimension::rate,
                                         c.uptake_max_conc_per_s / c.uptake_half_saturation);
        c.uptake_half_saturation = m->quantity("uptake_half_saturation", Dimension::concentration,
                                               c.uptake_half_saturation, entry.basis);
        if (!(c.uptake_half_saturation > 0)) m->fail("uptake_half_saturation", "must be > 0");
        c.uptake_max_conc_per_s = k_int * c.uptake_half_saturation;  // V_max = k_int · K_m
        m->finish();
      }
      entry.effective_concentration = overrides->quantity(
          "effective_concentration", Dimension::concentration, entry.effective_concentration,
          entry.basis);
      overrides->finish();
    }
    scenario.species.push_back(entry);
  }
  species.finish();
}

void read_topical(TomlSection event, Scenario& scenario) {
  TopicalDose dose;
  dose.species = species_index(scenario, event);
  const SpeciesBasis& basis = scenario.species[dose.species].basis;
  const double at_s = event.quantity("at", Dimension::time, 0.0);
  if (event.has("thickness") == event.has("volume"))
    event.fail("thickness", "give the film as either thickness or volume (per area), not both");
  // 1 uL/cm^2 spread evenly is a film 1e-3 cm = 10 um thick.
  dose.thickness_um = event.has("thickness")
                          ? event.quantity("thickness", Dimension::length, std::nullopt)
                          : 10 * event.quantity("volume", Dimension::volume_per_area, std::nullopt);
  if (!(dose.thickness_um > 0)) event.fail(event.has("thickness") ? "thickness" : "volume", "must be > 0");
  if (event.has("concentration") == event.has("dose"))
    event.fail("concentration", "give either concentration (in the film) or dose (per area), not both");
  if (event.has("concentration")) {
    dose.concentration = event.quantity("concentration", Dimension::concentration, std::nullopt, basis);
  } else {  // amount per cm^2 over a film thickness: ng/cm^2 / (um × 1e-4 cm/um) = ng/mL
    dose.concentration =
        event.quantity("dose", Dimension::amount_per_area, std::nullopt, basis) / (dose.thickness_um * 1e-4);
  }
  if (dose.concentration < 0) event.fail("concentration", "must be >= 0");
  dose.diffusion_um2_per_s = event.quantity("diffusion", Dimension::diffusivity, std::nullopt);
  dose.partition = event.number("partition", 1.0);
  if (!(dose.partition > 0)) event.fail("partition", "must be > 0");
  dose.constant = event.boolean("constant", false);
  dose.occluded = event.boolean("occluded", false);
  if (dose.occluded) {
    dose.hydration_factor = event.number("hydration_factor", 1.0);
    if (!(dose.hydration_factor > 0)) event.fail("hydration_factor", "must be > 0");
  } else {
    dose.evaporation_um_per_s = event.quantity("evaporation_rate", Dimension::speed, 0.0);
    if (dose.evaporation_um_per_s < 0) event.fail("evaporation_rate", "must be >= 0");
    dose.residual_fraction = event.number("residual_fraction", 0.1);
    if (!(dose.residual_fraction > 0) || dose.residual_fraction > 1)
      event.fail("residual_fraction", "must be in (0, 1]");
    if (dose.evaporation_um_per_s > 0 && dose.constant)
      event.fail("evaporation_rate", "a constant-concentration film does not evaporate");
  }
  dose.dz_um = event.quantity("dz", Dimension::length, dose.thickness_um / 5);
  const double wipe_after_s = event.quantity("wipe_off_after", Dimension::time,
                                             std::numeric_limits<double>::infinity());
  if (!(wipe_after_s > 0)) event.fail("wipe_off_after", "must be > 0");
  for (double start : repeats(event, at_s)) {
    dose.at_s = start;
    dose.wipe_off_s = start + wipe_after_s;
    scenario.topical.push_back(dose);
  }
  event.finish();
}

void read_intradermal(TomlSection event, Scenario& scenario) {
  IntradermalBolus bolus;
  bolus.species = species_index(scenario, event);
  const SpeciesBasis& basis = scenario.species[bolus.species].basis;
  const double at_s = event.quantity("at", Dimension::time, 0.0);
  bolus.volume_uL = event.quantity("volume", Dimension::volume, std::nullopt);
  if (!(bolus.volume_uL > 0)) event.fail("volume", "must be > 0");
  bolus.concentration = event.quantity("concentration", Dimension::concentration, std::nullopt, basis);
  if (bolus.concentration < 0) event.fail("concentration", "must be >= 0");
  bolus.depth_um = event.quantity("depth", Dimension::length, std::nullopt);
  bolus.x_um = event.quantity("x", Dimension::length, scenario.tissue.lateral_um / 2);
  bolus.y_um = event.quantity("y", Dimension::length, scenario.tissue.lateral_um / 2);
  bolus.aspect = event.number("aspect", 0.5);
  if (!(bolus.aspect > 0)) event.fail("aspect", "must be > 0");
  bolus.infusion_s = event.quantity("infusion", Dimension::time, 0.0);
  if (bolus.infusion_s < 0) event.fail("infusion", "must be >= 0");
  // The bleb must lie inside the tissue: semi-axes a (lateral), c = aspect·a (vertical).
  const double volume_um3 = bolus.volume_uL * 1e9;
  const double a = std::cbrt(3 * volume_um3 / (4 * std::numbers::pi * bolus.aspect));
  const double c = bolus.aspect * a;
  double depth = 0;
  for (const auto& layer : scenario.tissue.layers) depth += layer.thickness_um;
  if (bolus.depth_um - c < 0 || bolus.depth_um + c > depth) {
    std::ostringstream message;
    message << "the bleb (" << bolus.volume_uL << " uL: vertical semi-axis " << c
            << " um) centred at " << bolus.depth_um << " um does not fit in the tissue, 0 to "
            << depth << " um deep";
    event.fail("depth", message.str());
  }
  const double lateral = scenario.tissue.lateral_um;
  if (2 * a > lateral || (!scenario.tissue.periodic &&
                          (bolus.x_um - a < 0 || bolus.x_um + a > lateral ||
                           bolus.y_um - a < 0 || bolus.y_um + a > lateral))) {
    std::ostringstream message;
    message << "the bleb's lateral semi-axis " << a << " um does not fit in the "
            << lateral << " um wide tissue around (" << bolus.x_um << ", " << bolus.y_um << ") um";
    event.fail("volume", message.str());
  }
  for (double start : repeats(event, at_s)) {
    bolus.at_s = start;
    scenario.boluses.push_back(bolus);
  }
  event.finish();
}

void read_microneedle(TomlSection event, Scenario& scenario) {
  using Kind = MicroneedlePatch::Kind;
  MicroneedlePatch patch;
  patch.species = species_index(scenario, event);
  const SpeciesBasis& basis = scenario.species[patch.species].basis;
  const std::string kind = event.text("kind", std::nullopt, {"solid", "coated", "dissolving", "hollow"});
  patch.kind = kind == "solid" ? Kind::solid : kind == "coated" ? Kind::coated
             : kind == "dissolving" ? Kind::dissolving : Kind::hollow;
  const double at_s = event.quantity("at", Dimension::time, 0.0);
  patch.wear_s = event.quantity("wear", Dimension::time, std::nullopt);
  if (!(patch.wear_s > 0)) event.fail("wear", "must be > 0");
  patch.hexagonal = event.text("array", "square", {"square", "hexagonal"}) == "hexagonal";
  patch.pyramid = event.text("shape", "cone", {"cone", "pyramid"}) == "pyramid";
  patch.pitch_um = event.quantity("pitch", Dimension::length, std::nullopt);
  patch.length_um = event.quantity("length", Dimension::length, std::nullopt);
  patch.base_width_um = event.quantity("base_width", Dimension::length, std::nullopt);
  if (!(patch.pitch_um > 0)) event.fail("pitch", "must be > 0");
  if (!(patch.base_width_um > 0) || patch.base_width_um > patch.pitch_um)
    event.fail("base_width", "must be > 0 and at most the pitch");
  double depth = 0;
  for (const auto& layer : scenario.tissue.layers) depth += layer.thickness_um;
  if (!(patch.length_um > 0) || patch.length_um >= depth) {
    std::ostringstream message;
    message << "a needle " << patch.length_um << " um long does not fit in tissue " << depth
            << " um deep";
    event.fail("length", message.str());
  }
  if (patch.kind == Kind::coated || patch.kind == Kind::dissolving) {
    patch.payload_per_needle = event.quantity("payload", Dimension::amount_per_needle, std::nullopt, basis);
    patch.release_s = patch.kind == Kind::coated
                          ? event.quantity("release_time", Dimension::time, 30.0)
                          : event.quantity("dissolution_time", Dimension::time, 600.0);
    if (!(patch.release_s > 0)) event.fail(patch.kind == Kind::coated ? "release_time" : "dissolution_time", "must be > 0");
  }
  if (patch.kind == Kind::hollow) {
    patch.flow_uL_per_s = event.quantity("rate", Dimension::flow_rate, std::nullopt);
    patch.concentration = event.quantity("concentration", Dimension::concentration, std::nullopt, basis);
    patch.infusion_s = event.quantity("duration", Dimension::time, patch.wear_s);
    if (!(patch.flow_uL_per_s > 0)) event.fail("rate", "must be > 0");
    if (!(patch.infusion_s > 0) || patch.infusion_s > patch.wear_s)
      event.fail("duration", "must be > 0 and at most the wear time");
  }
  patch.closure_given = event.has("occluded") || event.has("closure_time");
  const bool occluded = event.boolean("occluded", false);  // closure: hours open, ~a day occluded
  patch.closure_s = event.quantity("closure_time", Dimension::time, occluded ? 86400.0 : 3600.0);
  if (!(patch.closure_s > 0)) event.fail("closure_time", "must be > 0");
  // One needle per unit cell: a periodic square tissue must hold whole pitches; a hexagonal
  // array has no square periodic cell, so it needs zero-flux sides.
  const double cells = scenario.tissue.lateral_um / patch.pitch_um;
  if (scenario.tissue.periodic && !patch.hexagonal && std::abs(cells - std::round(cells)) > 1e-6)
    event.fail("pitch", "a periodic tissue must be a whole number of pitches wide (lateral_size " +
                            std::to_string(scenario.tissue.lateral_um) + " um)");
  if (scenario.tissue.periodic && patch.hexagonal)
    event.fail("array", "a hexagonal array needs lateral_boundary = \"zero_flux\"");
  for (double start : repeats(event, at_s)) {
    patch.at_s = start;
    scenario.patches.push_back(patch);
  }
  event.finish();
}

// Whether entry i repeats the species of an earlier entry applied at the same time.
template <class Entry>
bool species_repeated(const std::vector<Entry>& entries, std::size_t i) {
  for (std::size_t j = i; j-- > 0 && entries[j].at_s == entries[i].at_s;)
    if (entries[j].species == entries[i].species) return true;
  return false;
}

void check_events(Scenario& scenario, TomlSection& root) {
  const double duration = scenario.run.duration_s;
  for (const auto& dose : scenario.topical)
    if (dose.at_s < 0 || dose.at_s >= duration)
      root.fail("topical", "an application at " + std::to_string(dose.at_s) +
                               " s lies outside the run (0 to " + std::to_string(duration) + " s)");
  std::stable_sort(scenario.patches.begin(), scenario.patches.end(),
                   [](auto& a, auto& b) { return a.at_s < b.at_s; });
  for (const auto& patch : scenario.patches)
    if (patch.at_s < 0 || patch.at_s >= duration)
      root.fail("microneedle", "a patch applied at " + std::to_string(patch.at_s) +
                                   " s lies outside the run (0 to " + std::to_string(duration) + " s)");
  // Channels under an occlusive film close with the occluded time constant (DESIGN §1):
  // a patch that does not set its own closure takes a day when an occluded film is applied
  // while its channels are still open (within one non-occluded closure time).
  for (auto& patch : scenario.patches) {
    if (patch.closure_given) continue;
    const double withdrawn = patch.at_s + patch.wear_s;
    for (const auto& dose : scenario.topical)
      if (dose.occluded && dose.at_s >= patch.at_s && dose.at_s <= withdrawn + patch.closure_s)
        patch.closure_s = 86400;
  }
  // After the closure times are settled: entries of one patch must agree on them too.
  for (std::size_t i = 1; i < scenario.patches.size(); ++i) {
    const auto& patch = scenario.patches[i];
    const auto& previous = scenario.patches[i - 1];
    if (patch.at_s == previous.at_s && !species_repeated(scenario.patches, i)) {
      // Entries applied together load one patch with several species: same needles.
      if (!same_needles(patch, previous))
        root.fail("microneedle", "entries applied at the same time load one patch with several "
                                 "species: they need the same kind, array, pitch, needle shape, "
                                 "length, base width, wear and closure time");
      continue;
    }
    if (patch.at_s < previous.at_s + previous.wear_s)
      root.fail("microneedle", "two patches cannot be worn at the same time (entries for several "
                               "species on one patch need the same time and a different species)");
  }
  for (const auto& bolus : scenario.boluses)
    if (bolus.at_s < 0 || bolus.at_s >= duration)
      root.fail("intradermal", "an injection at " + std::to_string(bolus.at_s) +
                                   " s lies outside the run (0 to " + std::to_string(duration) + " s)");
  // One film on the skin at a time, and one film thickness for the whole run.
  auto& doses = scenario.topical;
  std::stable_sort(doses.begin(), doses.end(), [](auto& a, auto& b) { return a.at_s < b.at_s; });
  for (std::size_t i = 1; i < doses.size(); ++i) {
    if (doses[i].at_s == doses[i - 1].at_s) {
      // Doses applied together are one film carrying several species (a serum's ingredients).
      if (species_repeated(doses, i))
        root.fail("topical", "two applications of the same species at the same time: give one "
                             "entry per species and film");
      if (!same_film(doses[i], doses[i - 1]))
        root.fail("topical", "entries applied at the same time form one film: they need the same "
                             "thickness, dz, wipe_off_after, constant, occluded, evaporation_rate, "
                             "residual_fraction and hydration_factor");
      continue;
    }
    if (doses[i].at_s < doses[i - 1].wipe_off_s)
      root.fail("topical", "an application at " + std::to_string(doses[i].at_s) +
                               " s overlaps the film applied at " +
                               std::to_string(doses[i - 1].at_s) +
                               " s: give it wipe_off_after shorter than the interval");
    if (doses[i].thickness_um != doses[0].thickness_um)
      root.fail("topical", "every application in a run needs the same film thickness");
  }
}

}  // namespace

bool same_film(const TopicalDose& a, const TopicalDose& b) {
  return a.at_s == b.at_s && a.wipe_off_s == b.wipe_off_s && a.thickness_um == b.thickness_um &&
         a.dz_um == b.dz_um && a.constant == b.constant && a.occluded == b.occluded &&
         a.evaporation_um_per_s == b.evaporation_um_per_s &&
         a.residual_fraction == b.residual_fraction && a.hydration_factor == b.hydration_factor;
}

bool same_needles(const MicroneedlePatch& a, const MicroneedlePatch& b) {
  return a.kind == b.kind && a.at_s == b.at_s && a.wear_s == b.wear_s &&
         a.hexagonal == b.hexagonal && a.pyramid == b.pyramid && a.pitch_um == b.pitch_um &&
         a.length_um == b.length_um && a.base_width_um == b.base_width_um &&
         a.closure_s == b.closure_s;
}

double TopicalDose::remaining_fraction(double t_s) const {
  const double evaporated = evaporation_um_per_s * std::max(0.0, t_s - at_s) / thickness_um;
  return std::max(residual_fraction, 1.0 - evaporated);
}

double Scenario::vehicle_thickness_um() const {
  return topical.empty() ? 0.0 : topical.front().thickness_um;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const Library& library) {
  const toml::table table = parse_toml_file(path, overrides);
  TomlSection root(table, "");
  Scenario scenario;
  scenario.path = path;
  scenario.name = root.text("name", std::filesystem::path(path).stem().string());
  scenario.description = root.text("description", "");
  auto run = root.table("run");
  if (!run) root.fail("run", "the [run] section is required");
  read_run(*run, scenario);
  auto tissue = root.table("tissue");
  if (!tissue) root.fail("tissue", "the [tissue] section is required");
  read_tissue(*tissue, library, scenario);
  auto species = root.table("species");
  if (!species) root.fail("species", "the [species] section is required");
  read_species(*species, library, scenario);
  for (auto& event : root.tables("topical")) read_topical(event, scenario);
  for (auto& event : root.tables("intradermal")) read_intradermal(event, scenario);
  for (auto& event : root.tables("microneedle")) read_microneedle(event, scenario);
  if (scenario.topical.empty() && scenario.boluses.empty() && scenario.patches.empty())
    root.fail("topical", "no delivery: add a [[topical]], [[intradermal]] or [[microneedle]] event");
  if (auto output = root.table("output")) {
    scenario.write_vtk = output->boolean("vtk", true);
    const double downsample = output->number("downsample", 1.0);
    if (!(downsample >= 1 && downsample <= 1e6) || downsample != std::floor(downsample))
      output->fail("downsample", "must be a whole number >= 1 (VTK fields as means of N x N x N "
                                 "cell blocks), got " + std::to_string(downsample));
    scenario.vtk_downsample = static_cast<int>(downsample);
    output->finish();
  }
  check_events(scenario, root);
  root.finish();
  std::ostringstream resolved;
  resolved << table;
  scenario.resolved_toml = resolved.str();
  return scenario;
}

std::string find_library(const std::string& scenario_path, const std::string& given) {
  namespace fs = std::filesystem;
  if (!given.empty()) return given;
  if (const char* env = std::getenv("SKINRD_LIBRARY")) return env;
  const fs::path folder = fs::absolute(scenario_path).parent_path();
  for (const fs::path& candidate : {folder / "library", folder.parent_path() / "library"})
    if (fs::exists(candidate / "species.toml")) return candidate.string();
  throw IoError(scenario_path, "no species library found beside it (scenarios/library/); "
                               "pass --library DIR or set SKINRD_LIBRARY");
}

}  // namespace skinrd::scenario
