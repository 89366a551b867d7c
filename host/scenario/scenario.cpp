#include "host/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "host/error.hpp"
#include "host/scenario/toml_reader.hpp"
#include "host/scenario/units.hpp"

namespace skinrd::scenario {
namespace {

void read_run(TomlSection run, Scenario& scenario) {
  RunSettings& r = scenario.run;
  r.duration_s = run.quantity("duration", Dimension::time, std::nullopt);
  if (!(r.duration_s > 0)) run.fail("duration", "must be > 0");
  const double interval_s = run.quantity("output_interval", Dimension::time, r.duration_s / 10);
  if (!(interval_s > 0)) run.fail("output_interval", "must be > 0");
  r.output_interval_s = interval_s;
  // Counted before the list is built: a short interval over a long run would fill memory.
  const double outputs = std::ceil(r.duration_s * (1 - 1e-12) / interval_s) + 1;
  if (outputs > kMaxOutputs) {
    std::ostringstream message;
    message << "gives " << outputs << " output times over run.duration " << format_time(r.duration_s)
            << " (every " << format_time(interval_s) << "), more than the limit of " << kMaxOutputs
            << "; use a longer interval";
    run.fail("output_interval", message.str());
  }
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
  r.target_layer = run.text("target_layer", "papillary_dermis", scenario.tissue.layer_names());
  run.finish();
}

// Outputs close after each event that starts a change (a dose, a wipe-off, needles in or out):
// at 1, 2, 5, 10, 20, 50 ... × first_s after it, short of the regular interval, and one first_s
// before it, so that a 10-min dissolution or a wipe-off is not drawn as a ramp between hourly
// outputs.
void add_outputs_after_events(Scenario& scenario, double first_s) {
  RunSettings& r = scenario.run;
  std::vector<double> events;
  std::vector<delivery::Event> scheduled;
  for (const auto& kind : scenario.deliveries) kind->schedule(r.duration_s, scheduled);
  for (const delivery::Event& e : scheduled)
    if (delivery::starts_change(e)) events.push_back(e.time_s);
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  std::vector<double> offsets;
  for (double decade = first_s; decade < r.output_interval_s; decade *= 10)
    for (double step : {1.0, 2.0, 5.0})
      if (step * decade < r.output_interval_s * (1 - 1e-9)) offsets.push_back(step * decade);
  if (double(events.size()) * double(offsets.size() + 1) + double(r.output_times_s.size()) > kMaxOutputs) {
    std::ostringstream message;
    message << events.size() << " events with " << offsets.size() << " outputs after each and "
            << r.output_times_s.size() << " regular ones give more than the limit of " << kMaxOutputs
            << " output times; set dense_after_events = false or a longer dense_first";
    throw ConfigError("output.dense_after_events", message.str());
  }
  std::vector<double> times = r.output_times_s;
  for (double t : events) {
    if (t - first_s > 1e-3) times.push_back(t - first_s);  // the state just before it
    for (double offset : offsets)
      if (t + offset < r.duration_s - 1e-3) times.push_back(t + offset);
  }
  std::sort(times.begin(), times.end());
  // Dense times within a millisecond of a regular one are that one.
  r.output_times_s.clear();
  for (double t : times)
    if (r.output_times_s.empty() || t - r.output_times_s.back() > 1e-3) r.output_times_s.push_back(t);
  r.output_times_s.back() = r.duration_s;
}

// [[tissue.layer]]: the tissue as an ordered list of named layers, each starting from the species
// values of a library material (`like`); a site's preset is the easy path.
std::vector<SiteLayer> read_layer_list(TomlSection& tissue, std::vector<TomlSection> entries) {
  std::vector<SiteLayer> layers;
  for (TomlSection& entry : entries) {
    SiteLayer layer;
    layer.material = entry.text("name", std::nullopt);
    const std::string& name = layer.material;
    const bool plain = !name.empty() && name.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!plain) entry.fail("name", "must be lower-case letters, digits and _ (it names columns and arrays)");
    if (name == "vehicle" || name == "needle")
      entry.fail("name", "\"" + name + "\" is reserved for the film and the needle bodies");
    for (const SiteLayer& above : layers)
      if (above.material == name) entry.fail("name", "\"" + name + "\" names two layers");
    layer.like = entry.text("like", std::nullopt, tissue_materials());
    layer.thickness_um = entry.quantity("thickness", Dimension::length, std::nullopt);
    layer.dz_um = entry.quantity("dz", Dimension::length, std::nullopt);
    if (!(layer.thickness_um > 0)) entry.fail("thickness", "must be > 0");
    if (!(layer.dz_um > 0)) entry.fail("dz", "must be > 0");
    entry.finish();
    layers.push_back(layer);
  }
  if (layers.size() > static_cast<std::size_t>(TissueMaterials::max_layers))
    tissue.fail("layer", "at most " + std::to_string(TissueMaterials::max_layers) + " layers");
  return layers;
}

void read_tissue(TomlSection tissue, const Library& library, Scenario& scenario) {
  TissueSettings& t = scenario.tissue;
  std::vector<std::string> sites;
  for (const auto& [key, site] : library.sites) sites.push_back(key);
  auto layer_list = tissue.tables("layer");
  if (layer_list.empty()) {
    t.site = tissue.text("site", std::nullopt, sites);
    t.layers = library.sites.at(t.site).layers;
  } else {
    if (tissue.has("site"))
      tissue.fail("site", "give either a site (its preset layers) or a [[tissue.layer]] list, not both");
    if (tissue.has("layers"))
      tissue.fail("layers", "overrides a site's preset layers; with [[tissue.layer]] set each layer there");
    t.layers = read_layer_list(tissue, std::move(layer_list));
  }
  t.lateral_um = tissue.quantity("lateral_size", Dimension::length, std::nullopt);
  t.dx_um = tissue.quantity("dx", Dimension::length, std::nullopt);
  if (!(t.lateral_um > 0)) tissue.fail("lateral_size", "must be > 0");
  if (!(t.dx_um > 0) || t.dx_um > t.lateral_um) tissue.fail("dx", "must be > 0 and <= lateral_size");
  t.periodic = tissue.text("lateral_boundary", "periodic", {"periodic", "zero_flux"}) == "periodic";
  const std::string bottom =
      tissue.text("bottom", "sink", {"sink", "zero_flux", "body", "receptor"});
  t.bottom_kind = bottom == "sink" ? BottomKind::sink
                  : bottom == "zero_flux" ? BottomKind::zero_flux
                  : bottom == "body" ? BottomKind::body
                                     : BottomKind::receptor;
  t.bottom = t.bottom_kind == BottomKind::zero_flux ? kernels::BottomBoundary::zero_flux
                                                    : kernels::BottomBoundary::perfect_sink;
  t.treated_area_um2 = tissue.quantity("treated_area", Dimension::area, 0.0);
  if (tissue.has("treated_area") && !(t.treated_area_um2 > 0))
    tissue.fail("treated_area", "must be > 0");
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

// The species a scenario defines itself ([species.define.NAME], the library's keys).
std::map<std::string, SpeciesEntry> read_defined_species(TomlSection& species, const Library& library) {
  std::map<std::string, SpeciesEntry> defined;
  auto define = species.table("define");
  if (!define) return defined;
  for (const std::string& name : define->keys()) {
    if (library.species.count(name))
      define->fail(name, "\"" + name + "\" is a library species; give the new one another name "
                         "(or change the library one with [species." + name + ".<layer>])");
    auto section = define->table(name);
    if (!section) define->fail(name, "expected a table of the library's species keys");
    defined.emplace(name, load_species(name, *section, library.barrier, true));
  }
  define->finish();
  return defined;
}

void read_species(TomlSection species, const Library& library, Scenario& scenario) {
  const std::vector<std::string> names = species.texts("use");
  if (names.empty()) species.fail("use", "list at least one species from the library");
  const std::map<std::string, SpeciesEntry> defined = read_defined_species(species, library);
  for (const auto& [name, entry] : defined)
    if (std::find(names.begin(), names.end(), name) == names.end())
      species.fail("use", "\"" + name + "\" is defined in [species.define." + name + "] but not listed in use");
  // The SC thickness the derived SC D values are rescaled to (D = k_p·L/K).
  double sc_thickness_um = 0;
  for (const SiteLayer& layer : scenario.tissue.layers)
    if (layer.like == "stratum_corneum") sc_thickness_um += layer.thickness_um;
  for (std::size_t n = 0; n < names.size(); ++n) {
    const std::string& name = names[n];
    if (std::find(names.begin(), names.begin() + n, name) != names.begin() + n)
      species.fail("use", "\"" + name + "\" is listed twice");
    if (!library.species.count(name) && !defined.count(name)) {
      std::string known;
      for (const auto& [key, entry] : library.species) known += (known.empty() ? "" : ", ") + key;
      species.fail("use", "unknown species \"" + name + "\" (library: " + known +
                              "; or define it in [species.define." + name + "])");
    }
    SpeciesEntry entry = defined.count(name) ? defined.at(name) : library.species.at(name);
    // Each layer starts from the library material it is like; its own name keys its values.
    std::map<std::string, SpeciesCoefficients> by_layer;
    for (const SiteLayer& layer : scenario.tissue.layers) {
      SpeciesCoefficients c = entry.by_material.at(layer.like);
      if (layer.like == "stratum_corneum" && entry.sc_permeability_cm_per_h)
        c.diffusion_um2_per_s = sc_diffusion_um2_per_s(*entry.sc_permeability_cm_per_h, sc_thickness_um, c.partition);
      by_layer[layer.material] = c;
    }
    entry.by_material = by_layer;
    if (auto overrides = species.table(name)) {  // [species.NAME.<layer>] coefficient overrides
      for (const std::string& material : scenario.tissue.layer_names()) {
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
        c.internalised_degradation_per_s = m->quantity("internalised_degradation", Dimension::rate,
                                                       c.internalised_degradation_per_s);
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

}  // namespace

const char* to_string(BottomKind kind) {
  switch (kind) {
    case BottomKind::sink: return "sink";
    case BottomKind::zero_flux: return "zero_flux";
    case BottomKind::body: return "body";
    case BottomKind::receptor: return "receptor";
  }
  return "?";
}

TissueMaterials TissueSettings::materials() const { return TissueMaterials(layer_names()); }

std::vector<std::string> TissueSettings::layer_names() const {
  std::vector<std::string> names;
  for (const SiteLayer& layer : layers) names.push_back(layer.material);
  return names;
}

std::optional<delivery::SurfaceLayer> Scenario::surface_layer() const {
  for (const auto& kind : deliveries)
    if (auto layer = kind->surface_layer()) return layer;
  return std::nullopt;
}

double Scenario::vehicle_thickness_um() const {
  const auto layer = surface_layer();
  return layer ? layer->thickness_um : 0.0;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const Library& library) {
  const toml::table table = parse_toml_file(path, overrides);
  TomlSection root(table, "");
  Scenario scenario;
  scenario.path = path;
  scenario.name = root.text("name", std::filesystem::path(path).stem().string());
  scenario.description = root.text("description", "");
  auto tissue = root.table("tissue");
  if (!tissue) root.fail("tissue", "the [tissue] section is required");
  read_tissue(*tissue, library, scenario);
  auto run = root.table("run");
  if (!run) root.fail("run", "the [run] section is required");
  read_run(*run, scenario);
  auto species = root.table("species");
  if (!species) root.fail("species", "the [species] section is required");
  read_species(*species, library, scenario);
  std::string kinds;
  for (std::size_t k = 0; k < scenario.deliveries.size(); ++k) {
    delivery::Delivery& kind = scenario.deliveries[k];
    for (auto& entry : root.tables(kind.key())) kind.read(entry, scenario);
    kinds += std::string(k == 0 ? "" : k + 1 == scenario.deliveries.size() ? " or " : ", ") +
             "[[" + kind.key() + "]]";
  }
  if (scenario.deliveries.empty())
    root.fail(scenario.deliveries[0].key(), "no delivery: add a " + kinds + " event");
  if (auto body = root.table("body")) {
    scenario.body.mass_kg = body->quantity("mass", Dimension::mass, 70.0);
    if (!(scenario.body.mass_kg > 0)) body->fail("mass", "must be > 0");
    body->finish();
  }
  auto receptor = root.table("receptor");
  if (scenario.tissue.bottom_kind == BottomKind::receptor) {
    if (!receptor) root.fail("receptor", "tissue.bottom = \"receptor\" needs a [receptor] section "
                                         "(volume_per_area, and replace_every or flow_rate_per_area)");
    ReceptorSettings& r = scenario.receptor;
    r.volume_per_area_uL_per_cm2 =
        receptor->quantity("volume_per_area", Dimension::volume_per_area, std::nullopt);
    if (!(r.volume_per_area_uL_per_cm2 > 0)) receptor->fail("volume_per_area", "must be > 0");
    if (receptor->has("replace_every") && receptor->has("flow_rate_per_area"))
      receptor->fail("flow_rate_per_area", "give replace_every (sampled) or flow_rate_per_area "
                                           "(flow-through), not both");
    r.replace_every_s = receptor->quantity("replace_every", Dimension::time, 0.0);
    r.flow_uL_per_cm2_s = receptor->quantity("flow_rate_per_area", Dimension::flow_per_area, 0.0);
    if (r.replace_every_s < 0) receptor->fail("replace_every", "must be > 0");
    if (r.flow_uL_per_cm2_s < 0) receptor->fail("flow_rate_per_area", "must be >= 0");
    receptor->finish();
  } else if (receptor) {
    root.fail("receptor", "a [receptor] section needs tissue.bottom = \"receptor\"");
  }
  if (auto output = root.table("output")) {
    scenario.write_vtk = output->boolean("vtk", true);
    scenario.dense_first_s =
        output->boolean("dense_after_events", true) ? output->quantity("dense_first", Dimension::time, 60.0) : 0;
    if (output->boolean("dense_after_events", true) && !(scenario.dense_first_s > 0))
      output->fail("dense_first", "must be > 0");
    const double downsample = output->number("downsample", 1.0);
    if (!(downsample >= 1 && downsample <= 1e6) || downsample != std::floor(downsample))
      output->fail("downsample", "must be a whole number >= 1 (VTK fields as means of N x N x N "
                                 "cell blocks), got " + std::to_string(downsample));
    scenario.vtk_downsample = static_cast<int>(downsample);
    output->finish();
  }
  for (std::size_t k = 0; k < scenario.deliveries.size(); ++k) scenario.deliveries[k].settle(scenario, root);
  if (scenario.dense_first_s > 0) add_outputs_after_events(scenario, scenario.dense_first_s);
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
