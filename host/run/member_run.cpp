#include "host/run/member_run.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/build_info.hpp"
#include "host/error.hpp"
#include "host/output/atomic_file.hpp"
#include "host/output/run_directory.hpp"
#include "host/delivery/fluid_spaces.hpp"
#include "host/run/layer_table.hpp"
#include "host/run/problem_builder.hpp"
#include "host/run/records.hpp"


namespace skinrd::run {
namespace {

namespace fs = std::filesystem;
using output::write_atomically;


// The library values of a run's species tagged E (estimate) or U (unverified): what a user
// should know the result leans on. "diffusion.dermis" → coefficient diffusion, layer dermis.
nlohmann::ordered_json estimate_list(const std::vector<scenario::SpeciesEntry>& species) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const scenario::SpeciesEntry& entry : species)
    for (const auto& [name, value] : entry.provenance) {
      if (value.tag != "E" && value.tag != "U") continue;
      std::string coefficient = name, layer = "all";
      const auto dot = name.rfind('.');
      if (dot != std::string::npos) {
        const auto& materials = scenario::tissue_materials();
        const std::string tail = name.substr(dot + 1);
        if (std::find(materials.begin(), materials.end(), tail) != materials.end())
          coefficient = name.substr(0, dot), layer = tail;
      }
      std::istringstream text(value.text);
      double number = 0;
      std::string unit;
      nlohmann::ordered_json shown = value.text;  // a list of layers stays text
      if (text >> number) {
        std::getline(text >> std::ws, unit);
        shown = number;
      }
      list.push_back({{"species", entry.key}, {"layer", layer}, {"coefficient", coefficient},
                      {"value", shown}, {"unit", unit}, {"tag", value.tag}, {"source", value.source}});
    }
  return list;
}

// Which of the bound and internalised fields a species' coefficients can fill.
struct ReactionKinds {
  bool binds = false, internalises = false;
};
ReactionKinds reaction_kinds(const MaterialTable& materials, int lane) {
  ReactionKinds kinds;
  for (int m = 0; m < materials.material_count(); ++m) {
    const SpeciesCoefficients& c = materials.at(m, lane);
    kinds.binds = kinds.binds || (c.binding_on_per_conc_s > 0 && c.binding_capacity > 0);
    kinds.internalises = kinds.internalises || c.uptake_max_conc_per_s > 0;
  }
  return kinds;
}

template <class Real>
bool any_nonzero(std::span<const Real> field) {
  return std::any_of(field.begin(), field.end(), [](Real v) { return v != Real(0); });
}

}  // namespace

std::string scenario_hash(const scenario::Scenario& scenario) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : scenario.resolved_toml) h = (h ^ c) * 1099511628211ull;
  std::ostringstream out;
  out << std::hex << std::setw(16) << std::setfill('0') << h;
  return out.str();
}

std::vector<Event> schedule(const scenario::Scenario& scenario) {
  std::vector<Event> events;
  for (const auto& kind : scenario.deliveries) kind->schedule(scenario.run.duration_s, events);
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.phase < b.phase);
  });
  return events;
}

template <class Real>
MemberRun<Real>::MemberRun(const scenario::Scenario& scenario, MemberOutput output,
                           SharedTissue<Real>& tissue, int first_lane,
                           output::BackgroundWriter& writer)
    : scenario_(scenario), output_(std::move(output)), tissue_(tissue), first_lane_(first_lane),
      surface_k_(first_tissue_k(tissue.grid(), scenario)), writer_(writer),
      events_(schedule(scenario)),
      body_(scenario, tissue.grid().nx * tissue.grid().dx_um * tissue.grid().ny * tissue.grid().dx_um),
      base_materials_(build_materials(scenario)),
      metrics_columns_(metrics_columns(tissue.grid().layers)) {}

template <class Real>
void MemberRun<Real>::refresh_materials(bool gradual) {
  MaterialTable table = base_materials_;
  for (const auto& kind : scenario_.deliveries) kind->set_coefficients(table, scenario_, skin_, time_s());
  tissue_.set_member_materials(first_lane_, delivery::materials_with_fluid_spaces(scenario_, table, skin_),
                                gradual);
}

template <class Real>
void MemberRun<Real>::apply(const Event& event) {
  coefficients_changed_ = false;
  gradual_change_ = true;
  event.delivery->apply(event, scenario_, *this);
  if (coefficients_changed_) refresh_materials(gradual_change_);
}

template <class Real>
void MemberRun<Real>::add_sources() {
  for (const auto& kind : scenario_.deliveries) kind->add_sources(scenario_, *this);
}

template <class Real>
void MemberRun<Real>::couple_body(double t_s) {
  std::vector<SpeciesLedger> ledgers;
  for (int s = 0; s < static_cast<int>(scenario_.species.size()); ++s)
    ledgers.push_back(sim().ledger(lane(s)));
  body_.advance(t_s, ledgers);
  const std::vector<double> bottom = body_.bottom_values();
  if (!bottom.empty()) tissue_.set_member_bottom(first_lane_, bottom);
}

template <class Real>
std::vector<double> MemberRun<Real>::body_stops() const {
  return body_.replacement_times(scenario_.run.duration_s);
}

template <class Real>
void MemberRun<Real>::set_top_cells(int species, int k_end, double value, Tally tally) {
  const std::size_t plane = static_cast<std::size_t>(grid().nx) * grid().ny;
  std::vector<Real> c = sim().concentration(lane(species));
  for (std::size_t v = 0; v < plane * k_end; ++v) c[v] = static_cast<Real>(value);
  if (tally == Tally::dosed) sim().set_concentration(lane(species), c);
  else sim().remove_to(lane(species), c);
}

template <class Real>
double MemberRun<Real>::amount_in_top_cells(int species, int k_end) {
  const std::vector<Real> c = sim().concentration(lane(species));
  const Grid& g = grid();
  const std::size_t plane = static_cast<std::size_t>(g.nx) * g.ny;
  double amount = 0;
  for (int k = 0; k < k_end; ++k)
    for (std::size_t v = k * plane; v < (k + 1) * plane; ++v) amount += c[v] * g.dx_um * g.dx_um * g.dz_um[k];
  return amount;
}

template <class Real>
void MemberRun<Real>::add_to(int species, const std::vector<std::size_t>& voxels, double per_volume) {
  std::vector<Real> c = sim().concentration(lane(species));
  for (std::size_t v : voxels) c[v] += static_cast<Real>(per_volume);
  sim().set_concentration(lane(species), c);
}

template <class Real>
void MemberRun<Real>::empty(int species, const std::vector<std::size_t>& voxels) {
  std::vector<Real> c = sim().concentration(lane(species));
  bool changed = false;
  for (std::size_t v : voxels)
    if (c[v] != Real(0)) c[v] = Real(0), changed = true;
  if (changed) sim().remove_to(lane(species), c);
}

template <class Real>
void MemberRun<Real>::add_source(int species, const std::vector<std::size_t>& voxels,
                                 double per_volume, std::function<double(double)> delivered,
                                 std::optional<double> held_from_s) {
  std::vector<Real> q(grid().voxel_count(), Real(0));
  for (std::size_t v : voxels) q[v] = static_cast<Real>(per_volume);
  if (held_from_s) {  // the payload as the source holds it (q in Real), so released + held = it
    const Grid& g = grid();
    const std::size_t plane = static_cast<std::size_t>(g.nx) * g.ny;
    double amount = 0;
    for (std::size_t v : voxels) amount += double(q[v]) * g.dx_um * g.dx_um * g.dz_um[v / plane];
    device_payloads_.push_back({species, amount, *held_from_s, delivered});
  }
  sim().add_source(lane(species), q, std::move(delivered));
}

template <class Real>
double MemberRun<Real>::in_device(int species, double t_s) const {
  double held = 0;
  for (const DevicePayload& p : device_payloads_)
    if (p.species == species && t_s >= p.from_s) held += p.amount * (1 - p.released(t_s));
  return held;
}

template <class Real>
void MemberRun<Real>::open_vtk() {
  if (!output_.write_vtk || !output::vtk_compiled()) return;
  if (scenario_.vtk_downsample > 1)
    downsampler_ = std::make_unique<output::Downsampler>(tissue_.grid(), scenario_.vtk_downsample);
  const Grid& grid = tissue_.grid();
  vtk_ = std::make_unique<output::VtkSeries>(
      output_.out_dir, "fields", downsampler_ ? downsampler_->coarse() : grid,
      output::VtkLayout{grid.z_faces_um[surface_k_], scenario_.tissue.materials().names()});
}

template <class Real>
void MemberRun<Real>::open_outputs() {
  // The run directory (or the ensemble's) is locked and emptied of an earlier run's outputs
  // by output::RunDirectory before this; an ensemble member's folder is made here.
  const fs::path dir(output_.out_dir);
  output::make_directory(dir.string());
  write_atomically(dir / "scenario.toml", scenario_.resolved_toml);
  write_atomically(dir / "layers.json",
                   layer_table(tissue_.grid(), surface_k_, scenario_.tissue.materials()).dump(2) + "\n");
  open_vtk();
  metrics_.open(dir / "metrics.csv");
  if (!metrics_) throw IoError((dir / "metrics.csv").string(), "cannot open for writing: " + std::string(std::strerror(errno)));
  const Grid& grid = tissue_.grid();
  write_csv_header(metrics_, metrics_columns_);
  profiles_.open(dir / "profiles.csv");
  if (!profiles_) throw IoError((dir / "profiles.csv").string(), "cannot open for writing: " + std::string(std::strerror(errno)));
  profiles_ << "time_s,time_h,species,concentration_unit,k,depth_um,dz_um,layer,"
               "mean_free_conc,mean_bound_conc,mean_internalised_conc\n";
}

namespace {
// The index of a kind among the scenario's deliveries (-1: none), and back.
int kind_index(const scenario::Scenario& scenario, const delivery::Delivery* kind) {
  for (std::size_t i = 0; i < scenario.deliveries.size(); ++i)
    if (&scenario.deliveries[i] == kind) return static_cast<int>(i);
  return -1;
}
const delivery::Delivery* kind_at(const scenario::Scenario& scenario, int index) {
  if (index < 0) return nullptr;
  if (index >= static_cast<int>(scenario.deliveries.size()))
    throw Error("the checkpoint names a delivery kind this scenario does not have");
  return &scenario.deliveries[index];
}
}  // namespace

template <class Real>
MemberCheckpoint MemberRun<Real>::save_checkpoint() {
  MemberCheckpoint c;
  c.skin = skin_;
  c.film_owner_kind = kind_index(scenario_, skin_.film_owner);
  c.pore_owner_kind = kind_index(scenario_, skin_.pore_owner);
  c.body = serialize_to_string(body_);
  c.records = records_;
  metrics_.flush();
  profiles_.flush();
  c.metrics_bytes = static_cast<std::uint64_t>(metrics_.tellp());
  c.profiles_bytes = static_cast<std::uint64_t>(profiles_.tellp());
  if (vtk_) c.vtk_entries = vtk_->entries();
  return c;
}

template <class Real>
void MemberRun<Real>::resume_outputs(const MemberCheckpoint& c) {
  const fs::path dir(output_.out_dir);
  skin_ = c.skin;
  skin_.film_owner = kind_at(scenario_, c.film_owner_kind);
  skin_.pore_owner = kind_at(scenario_, c.pore_owner_kind);
  deserialize_from_string(c.body, body_);
  records_ = c.records;
  // The checkpoint does not keep what the devices held: a function of time, recomputed.
  for (std::size_t sp = 0; sp < records_.size(); ++sp)
    for (OutputRecord& r : records_[sp]) r.ledger.in_device = in_device(static_cast<int>(sp), r.time_s);
  // Rows written after the checkpoint are written again.
  auto reopen = [&](std::ofstream& file, const char* name, std::uint64_t bytes) {
    const fs::path path = dir / name;
    std::error_code error;
    if (fs::file_size(path, error) < bytes || error)
      throw IoError(path.string(), "shorter than the checkpoint says it was; the run directory was changed");
    fs::resize_file(path, bytes);
    file.open(path, std::ios::app);
    if (!file) throw IoError(path.string(), "cannot open for writing");
  };
  reopen(metrics_, "metrics.csv", c.metrics_bytes);
  reopen(profiles_, "profiles.csv", c.profiles_bytes);
  open_vtk();
  if (vtk_) vtk_->resume_after(c.vtk_entries);
}

// Lateral means per cell layer k: the depth profile a user plots. depth_um is the cell centre
// below the skin surface (negative in a film on the skin).
template <class Real>
void MemberRun<Real>::record_profiles(double t_s, int s, std::span<const Real> free,
                                   std::span<const Real> bound,
                                   std::span<const Real> internalised) {
  const Grid& grid = tissue_.grid();
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const double surface_um = grid.z_faces_um[surface_k_];
  auto lateral_mean = [&](std::span<const Real> field, int k) {
    if (field.empty()) return 0.0;
    double sum = 0;
    for (std::size_t v = plane * k; v < plane * (k + 1); ++v) sum += field[v];
    return sum / plane;
  };
  const bool particles = scenario_.species[s].basis.particles;
  for (int k = 0; k < grid.nz; ++k) {
    std::string layer = "vehicle";
    for (const auto& range : grid.layers)
      if (k >= range.k_begin && k < range.k_end) layer = range.name;
    profiles_ << std::setprecision(10) << t_s << ',' << t_s / 3600 << ','
              << scenario_.species[s].key << ',' << (particles ? "particles/mL" : "ng/mL") << ','
              << k << ',' << grid.z_center_um(k) - surface_um << ',' << grid.dz_um[k] << ','
              << layer << ',' << lateral_mean(free, k) << ',' << lateral_mean(bound, k) << ','
              << lateral_mean(internalised, k) << '\n';
  }
}

template <class Real>
void MemberRun<Real>::record(double t_s) {
  constexpr std::size_t kLargeSnapshotBytes = std::size_t(1) << 30;
  std::vector<int> lanes;
  for (int s = 0; s < static_cast<int>(scenario_.species.size()); ++s) lanes.push_back(lane(s));
  // The fields come to the host on a side stream (CUDA); the outputs are computed and written on
  // the writer's thread while the run goes on. What they read of the tissue that later events
  // change, its material ids and coefficients, is copied now. Large snapshots (a 1 cm² patch's
  // are tens of GB) are held one at a time: the earlier ones are written first.
  std::size_t bytes = 0;
  for (int c : lanes)
    bytes += (1 + 2 * sim().has_bound_field(c)) * tissue_.grid().voxel_count() * sizeof(Real);
  if (bytes > kLargeSnapshotBytes) writer_.finish();
  auto snapshot = std::make_shared<FieldSnapshot<Real>>(sim().snapshot(lanes));
  std::vector<body::BodyRecord> body;
  std::vector<double> held;
  for (int s = 0; s < static_cast<int>(scenario_.species.size()); ++s) {
    body.push_back(body_.record(s));
    held.push_back(in_device(s, t_s));
  }
  writer_.submit([this, snapshot, t_s, held = std::move(held), material = tissue_.grid().material,
                      materials = sim().problem().materials, body = std::move(body),
                  bleb_fluid = skin_.bleb_entry < 0 ? 0.0
                               : delivery::bleb_fluid_fraction(t_s - skin_.bleb_start_s, skin_.bleb_infusion_s,
                                                               skin_.bleb_half_life_s)] {
    snapshot->wait();
    write_record(t_s, *snapshot, material, materials, body, bleb_fluid, held);
  });
}

template <class Real>
void MemberRun<Real>::write_record(double t_s, const FieldSnapshot<Real>& snapshot,
                                   const std::vector<std::uint8_t>& material,
                                   const MaterialTable& materials,
                                   const std::vector<body::BodyRecord>& body, double bleb_fluid_fraction,
                                   const std::vector<double>& held) {
  const Grid& grid = tissue_.grid();  // its geometry, which never changes
  const double bleb_fluid_uL =
      delivery::bleb_fluid_volume_uL(grid, material, scenario_.tissue.materials(), bleb_fluid_fraction);
  const int species_count = static_cast<int>(scenario_.species.size());
  records_.resize(species_count);
  std::vector<output::CellArray> arrays, reaction_arrays;
  for (int s = 0; s < species_count; ++s) {
    const std::span<const Real> c = snapshot.free(s), bound = snapshot.bound(s),
                                internalised = snapshot.internalised(s);
    if (vtk_) {
      // Every species' free field first, the first species' first (ParaView shows it); bound
      // and internalised only where the species binds or is taken up (else they stay zero).
      const std::string unit = scenario_.species[s].basis.particles ? " [particles/mL]" : " [ng/mL]";
      const std::string name = scenario_.species[s].key;
      auto add = [&](std::vector<output::CellArray>& to, const std::string& what, std::span<const Real> field) {
        if (!field.empty()) to.push_back({name + " " + what + unit, {field.begin(), field.end()}});
      };
      add(arrays, "free", c);
      const ReactionKinds kinds = reaction_kinds(materials, lane(s));
      if (kinds.binds || any_nonzero(bound)) add(reaction_arrays, "bound", bound);
      if (kinds.internalises || any_nonzero(internalised)) add(reaction_arrays, "internalised", internalised);
    }
    SpeciesLedger ledger = snapshot.ledger(s);
    ledger.species = scenario_.species[s].key;  // the lane's name also names the member
    ledger.in_device = held[s];
    const RecordTissue at_output{grid, surface_k_, scenario_.tissue.periodic, material, materials, lane(s)};
    OutputRecord r = make_record<Real>(t_s, s, at_output, c, ledger,
                                       scenario_.species[s].effective_concentration);
    r.bleb_fluid_uL = bleb_fluid_uL;
    r.body = body[s];
    write_csv_row(metrics_, metrics_columns_, {r, scenario_.species[s].basis.particles});
    record_profiles(t_s, s, c, bound, internalised);
    records_[s].push_back(std::move(r));
  }
  output::flush_or_throw(metrics_, output_.out_dir + "/metrics.csv");
  output::flush_or_throw(profiles_, output_.out_dir + "/profiles.csv");
  if (vtk_) {
    std::move(reaction_arrays.begin(), reaction_arrays.end(), std::back_inserter(arrays));
    if (downsampler_)  // block means; the coarse cells' materials are their layers'
      for (output::CellArray& array : arrays) array.values = downsampler_->mean(array.values);
    vtk_->write(t_s, arrays, downsampler_ ? std::vector<std::uint8_t>{} : material);
  }
}

template <class Real>
void MemberRun<Real>::write_summary(double wall_s, long long steps) {
  nlohmann::ordered_json species = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < records_.size(); ++s) {
    const scenario::SpeciesEntry& entry = scenario_.species[s];
    const bool particles = entry.basis.particles;
    const SpeciesSummary sum = summarise(records_[s], scenario_.run.target_layer,
                                         particles ? "particles" : "ng",
                                         particles ? "particles/mL" : "ng/mL");
    species.push_back(summary_json({sum, entry.full_name, entry.effective_concentration, particles}));
  }
  // The tissue as resolved (defaults and units applied): what `compare` checks runs against.
  const scenario::TissueSettings& t = scenario_.tissue;
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& layer : t.layers)
    layers.push_back({{"material", layer.material}, {"thickness_um", layer.thickness_um},
                      {"dz_um", layer.dz_um}});
  nlohmann::ordered_json tissue = {
      {"site", t.site},
      {"lateral_boundary", t.periodic ? "periodic" : "zero_flux"},
      {"bottom", scenario::to_string(t.bottom_kind)},
      {"lateral_size_um", t.lateral_um},
      {"dx_um", t.dx_um},
      {"layers", layers}};
  nlohmann::ordered_json summary = {
      {"scenario", scenario_.name},
      {"tissue", tissue},
      {"metrics_resolution", "peaks, AUC and exposure are taken at the output times"},
      {"species", species},
      {"estimates", estimate_list(scenario_.species)}};
  const fs::path dir(output_.out_dir);
  write_atomically(dir / "summary.json", summary.dump(2) + "\n");
  nlohmann::ordered_json provenance = {
      {"skinrd_version", SKINRD_VERSION},
      {"git_revision", SKINRD_GIT_REVISION},
      {"scenario", scenario_.path},
      {"scenario_hash_fnv1a64", scenario_hash(scenario_)},
      {"backend", output_.backend_description},
      {"precision", std::is_same_v<Real, double> ? "double" : "float"},
      {"scheme", to_string(scenario_.run.scheme)},
      {"steps", steps},
      {"wall_time_s", wall_s},
      {"command", output_.command_line}};
  for (const auto& [key, value] : output_.provenance) provenance[key] = value;
  write_atomically(dir / "provenance.json", provenance.dump(2) + "\n");
}

template class MemberRun<float>;
template class MemberRun<double>;

}  // namespace skinrd::run
