#include "host/run/member_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/error.hpp"
#include "host/output/atomic_file.hpp"
#include "kernels/transport.hpp"

#ifndef SKINRD_VERSION
#define SKINRD_VERSION "unknown"
#endif
#ifndef SKINRD_GIT_REVISION
#define SKINRD_GIT_REVISION "unknown"
#endif

namespace skinrd::run {
namespace {

namespace fs = std::filesystem;
using output::write_atomically;

std::string hash_hex(const std::string& text) {  // FNV-1a, 64 bit: identifies the scenario
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  std::ostringstream out;
  out << std::hex << std::setw(16) << std::setfill('0') << h;
  return out.str();
}

// Evaporation is followed in 10 steps until the residue is reached (or the film wiped off).
constexpr int kEvaporationUpdates = 10;
// Channel closure is followed in steps of τ/4 for 6 τ, then the channels are intact.
constexpr int kChannelUpdates = 24;

}  // namespace

std::vector<Event> schedule(const scenario::Scenario& scenario) {
  std::vector<Event> events;
  const double end = scenario.run.duration_s;
  for (std::size_t i = 0; i < scenario.topical.size(); ++i) {
    const auto& dose = scenario.topical[i];
    // Doses applied at the same time are one film (sorted by time): its first dose stands for it.
    if (i > 0 && scenario.topical[i - 1].at_s == dose.at_s) continue;
    events.push_back({dose.at_s, EventKind::apply_film, static_cast<int>(i)});
    if (dose.wipe_off_s < end) events.push_back({dose.wipe_off_s, EventKind::wipe_off, static_cast<int>(i)});
    if (dose.evaporation_um_per_s > 0) {
      const double dry_s = (1 - dose.residual_fraction) * dose.thickness_um / dose.evaporation_um_per_s;
      for (int n = 1; n <= kEvaporationUpdates; ++n) {
        const double at = dose.at_s + dry_s * n / kEvaporationUpdates;
        if (at < std::min(end, dose.wipe_off_s))
          events.push_back({at, EventKind::evaporation, static_cast<int>(i)});
      }
    }
  }
  for (std::size_t i = 0; i < scenario.boluses.size(); ++i) {
    const auto& bolus = scenario.boluses[i];
    if (bolus.infusion_s > 0) {
      events.push_back({bolus.at_s, EventKind::infusion_change, static_cast<int>(i)});
      if (bolus.at_s + bolus.infusion_s < end)
        events.push_back({bolus.at_s + bolus.infusion_s, EventKind::infusion_change, static_cast<int>(i)});
    } else {
      events.push_back({bolus.at_s, EventKind::inject, static_cast<int>(i)});
    }
  }
  for (std::size_t i = 0; i < scenario.patches.size(); ++i) {
    const auto& patch = scenario.patches[i];
    const int index = static_cast<int>(i);
    // Entries for several species on one patch (sorted by time): the first moves the needles.
    if (i > 0 && scenario.patches[i - 1].at_s == patch.at_s) continue;
    events.push_back({patch.at_s, EventKind::insert_needles, index});
    const double withdrawn = patch.at_s + patch.wear_s;
    if (withdrawn >= end) continue;
    events.push_back({withdrawn, EventKind::withdraw_needles, index});
    for (int n = 1; n <= kChannelUpdates; ++n) {
      const double elapsed = n == kChannelUpdates ? 1e300 : patch.closure_s * n / 4;
      const double at = withdrawn + (n == kChannelUpdates ? patch.closure_s * n / 4 : elapsed);
      if (at < end) events.push_back({at, EventKind::channels, index, elapsed});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.kind < b.kind);
  });
  return events;
}

template <class Real>
SharedTissue<Real>::SharedTissue(Problem problem, BackendKind backend, Scheme scheme,
                                 const SimulationOptions& options)
    : sim_(std::move(problem), backend, scheme, options),
      materials_(sim_.problem().materials),
      boundaries_(sim_.problem().boundaries),
      voxel_materials_(sim_.problem().grid.material),
      original_(sim_.problem().grid.material) {}

template <class Real>
void SharedTissue<Real>::set_voxel_materials(std::vector<std::uint8_t> material) {
  if (material == voxel_materials_) return;  // the same needles in another member
  voxel_materials_ = std::move(material);
  voxels_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::set_member_materials(int first_channel, const MaterialTable& member_table) {
  for (int s = 0; s < member_table.species_count(); ++s)
    for (int m = 0; m < member_table.material_count(); ++m)
      materials_.at(m, first_channel + s) = member_table.at(m, s);
  materials_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::set_member_top(int first_channel, kernels::TopBoundary top,
                                        const std::vector<double>& top_concentration) {
  // Members agree on the kind of top at every stop (check_members_compatible); each sets its
  // own channels' concentrations.
  boundaries_.top = top;
  for (std::size_t s = 0; s < top_concentration.size(); ++s)
    boundaries_.top_concentration[first_channel + s] = top_concentration[s];
  boundaries_changed_ = true;
}

template <class Real>
void SharedTissue<Real>::commit() {
  if (voxels_changed_) sim_.set_voxel_materials(voxel_materials_);
  if (materials_changed_) sim_.set_materials(materials_);
  if (boundaries_changed_) sim_.set_boundaries(boundaries_);
  voxels_changed_ = materials_changed_ = boundaries_changed_ = false;
}

template <class Real>
MemberRun<Real>::MemberRun(const scenario::Scenario& scenario, MemberOutput output,
                           SharedTissue<Real>& tissue, int first_channel,
                           output::BackgroundWriter& writer)
    : scenario_(scenario), output_(std::move(output)), tissue_(tissue),
      first_channel_(first_channel), writer_(writer), events_(schedule(scenario)),
      base_materials_(build_materials(scenario)) {}

template <class Real>
void MemberRun<Real>::refresh_materials() {
  tissue_.set_member_materials(
      first_channel_,
      materials_with_channels(scenario_,
                              materials_with_film(scenario_, base_materials_, film_, sim().time_s()),
                              channel_elapsed_s_, channel_closure_s_, film_));
}

template <class Real>
void MemberRun<Real>::open_outputs() {
  const fs::path dir(output_.out_dir);
  if (fs::exists(dir) && !fs::is_empty(dir) && !output_.force)
    throw IoError(dir.string(), "the output directory is not empty (use --force to overwrite)");
  fs::create_directories(dir);
  write_atomically(dir / "scenario.toml", scenario_.resolved_toml);
  if (output_.write_vtk && output::vtk_compiled()) {
    if (scenario_.vtk_downsample > 1)
      downsampler_ = std::make_unique<output::Downsampler>(tissue_.grid(), scenario_.vtk_downsample);
    vtk_ = std::make_unique<output::VtkSeries>(
        dir.string(), "fields", downsampler_ ? downsampler_->coarse() : tissue_.grid());
  }
  metrics_.open(dir / "metrics.csv");
  if (!metrics_) throw IoError((dir / "metrics.csv").string(), "cannot open for writing");
  const Grid& grid = tissue_.grid();
  metrics_ << "time_s,time_h,species,amount_unit";
  for (const char* column : {"dosed", "entered_top", "added_by_source", "degraded", "cleared",
                             "lost_bottom", "removed", "internalised_total", "stored"})
    metrics_ << ',' << column;
  for (const auto& layer : grid.layers)
    metrics_ << ',' << layer.name << "_free," << layer.name << "_bound," << layer.name
             << "_internalised," << layer.name << "_mean_conc," << layer.name << "_frac_ge_ec";
  for (std::size_t l = 0; l + 1 < grid.layers.size(); ++l)
    metrics_ << ',' << grid.layers[l].name << "_to_" << grid.layers[l + 1].name << "_flux_per_s";
  metrics_ << ",penetration_depth_um,ledger_residual\n";
  profiles_.open(dir / "profiles.csv");
  if (!profiles_) throw IoError((dir / "profiles.csv").string(), "cannot open for writing");
  profiles_ << "time_s,time_h,species,concentration_unit,k,depth_um,dz_um,layer,"
               "mean_free_conc,mean_bound_conc,mean_internalised_conc\n";
}

// Lateral means per cell layer k: the depth profile a user plots. depth_um is the cell centre
// below the skin surface (negative in a film on the skin).
template <class Real>
void MemberRun<Real>::record_profiles(double t_s, int s, std::span<const Real> free,
                                   std::span<const Real> bound,
                                   std::span<const Real> internalised) {
  const Grid& grid = tissue_.grid();
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const double surface_um = grid.z_faces_um[first_tissue_k(grid, scenario_)];
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
void MemberRun<Real>::apply(const Event& event) {
  const Grid& grid = tissue_.grid();
  const int film_k_end = first_tissue_k(grid, scenario_);
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const int species_count = static_cast<int>(scenario_.species.size());
  if (event.kind == EventKind::apply_film || event.kind == EventKind::wipe_off) {
    const auto& dose = scenario_.topical[event.index];
    const bool applying = event.kind == EventKind::apply_film;
    film_.clear();
    if (applying)
      for (const auto& member : scenario_.topical)
        if (member.at_s == dose.at_s) film_.push_back(&member);
    refresh_materials();
    std::vector<double> top_concentration(species_count, 0.0);
    for (const auto* member : film_)
      top_concentration[member->species] = member->concentration / member->partition;
    tissue_.set_member_top(first_channel_,
                           applying && dose.constant ? kernels::TopBoundary::fixed_concentration
                                                     : kernels::TopBoundary::zero_flux,
                           top_concentration);
    for (int s = 0; s < species_count; ++s) {  // the film holds its doses or nothing
      const scenario::TopicalDose* held = film_dose(film_, s);
      std::vector<Real> c = sim().concentration(channel(s));
      for (std::size_t v = 0; v < plane * film_k_end; ++v)
        c[v] = held ? static_cast<Real>(held->concentration) : Real(0);
      if (applying) sim().set_concentration(channel(s), c);
      else sim().remove_to(channel(s), c);
    }
  } else if (event.kind == EventKind::insert_needles || event.kind == EventKind::withdraw_needles) {
    const auto& patch = scenario_.patches[event.index];
    const NeedleVoxels needles = needle_voxels(grid, scenario_, patch);
    std::vector<std::uint8_t> material = tissue_.voxel_materials();
    const auto& original = tissue_.original_voxel_materials();
    const bool inserting = event.kind == EventKind::insert_needles;
    const bool hollow = patch.kind == scenario::MicroneedlePatch::Kind::hollow;
    std::vector<char> tip(grid.voxel_count(), 0);
    for (std::size_t v : needles.tip) tip[v] = 1;
    for (std::size_t v : needles.body) {
      if (inserting) {
        // A dissolving needle turns into tissue as it dissolves; the others are solid bodies,
        // open at the tip for a hollow one.
        if (patch.kind != scenario::MicroneedlePatch::Kind::dissolving && !(hollow && tip[v]))
          material[v] = kNeedle;
      } else {
        material[v] = original[v] == 1 ? kChannelSc : original[v] == 2 ? kChannelVe : original[v];
      }
    }
    if (inserting) {
      // Whatever the needle bodies displace leaves the tissue with them (tallied as removed).
      for (int s = 0; s < species_count; ++s) {
        std::vector<Real> c = sim().concentration(channel(s));
        bool changed = false;
        for (std::size_t v : needles.body)
          if (material[v] == kNeedle && c[v] != Real(0)) c[v] = Real(0), changed = true;
        if (changed) sim().remove_to(channel(s), c);
      }
    }
    tissue_.set_voxel_materials(std::move(material));
    if (!inserting) {
      channel_patch_ = event.index;
      channel_elapsed_s_ = 0;
      channel_closure_s_ = patch.closure_s;
      refresh_materials();
    }
  } else if (event.kind == EventKind::channels) {
    if (event.index != channel_patch_) return;  // a later patch's channels replaced these
    channel_elapsed_s_ = event.elapsed_s;
    refresh_materials();
  } else if (event.kind == EventKind::evaporation) {
    refresh_materials();
  } else if (event.kind == EventKind::inject) {
    const auto& bolus = scenario_.boluses[event.index];
    const auto voxels = bleb_voxels(grid, scenario_, bolus);
    const double amount = bolus.volume_uL * 1e9 * bolus.concentration;  // conc × um^3
    const double added = amount / region_volume_um3(grid, voxels);
    std::vector<Real> c = sim().concentration(channel(bolus.species));
    for (std::size_t v : voxels) c[v] += static_cast<Real>(added);
    sim().set_concentration(channel(bolus.species), c);
  }  // infusion start and end: steps land there; the source itself was added at the start
}

// Infusions: each bleb receives volume × concentration evenly over its duration, added as
// an exactly integrated source (F(t) = time infused so far).
template <class Real>
void MemberRun<Real>::add_infusions() {
  const Grid& grid = tissue_.grid();
  using Kind = scenario::MicroneedlePatch::Kind;
  for (const auto& patch : scenario_.patches) {
    const NeedleVoxels needles = needle_voxels(grid, scenario_, patch);
    if (needles.body.empty())
      throw ConfigError("microneedle", "the needles cover no voxel at this resolution: refine dx or dz");
    if (patch.kind == Kind::solid) continue;
    // Coated: released into the tissue touching the needles; dissolving: within the needles;
    // hollow: at the tips. First-order release stops when the patch is withdrawn.
    const auto& region = patch.kind == Kind::coated ? needles.surface
                         : patch.kind == Kind::dissolving ? needles.body : needles.tip;
    if (region.empty())
      throw ConfigError("microneedle", "the needles cover no voxel at this resolution: refine dx or dz");
    const double total = patch.kind == Kind::hollow
                             ? patch.flow_uL_per_s * 1e9 * patch.concentration  // per second
                             : patch.payload_per_needle * 1e12 * needles.needles;  // ng → conc·um^3
    const double per_volume = total / region_volume_um3(grid, region);
    std::vector<Real> q(grid.voxel_count(), Real(0));
    for (std::size_t v : region) q[v] = static_cast<Real>(per_volume);
    const double start = patch.at_s, end = patch.at_s + patch.wear_s, tau = patch.release_s;
    if (patch.kind == Kind::hollow) {
      const double duration = patch.infusion_s;
      sim().add_source(channel(patch.species), q, [start, duration](double t) {
        return std::clamp(t - start, 0.0, duration);  // seconds infused so far
      });
    } else {
      sim().add_source(channel(patch.species), q, [start, end, tau](double t) {
        return t <= start ? 0.0 : -std::expm1(-(std::min(t, end) - start) / tau);  // released fraction
      });
    }
  }
  for (const auto& bolus : scenario_.boluses) {
    if (bolus.infusion_s <= 0) continue;
    const auto voxels = bleb_voxels(grid, scenario_, bolus);
    std::vector<Real> q(grid.voxel_count(), Real(0));
    const double rate = bolus.volume_uL * 1e9 * bolus.concentration / bolus.infusion_s /
                        region_volume_um3(grid, voxels);
    for (std::size_t v : voxels) q[v] = static_cast<Real>(rate);
    const double start = bolus.at_s, duration = bolus.infusion_s;
    sim().add_source(channel(bolus.species), q, [start, duration](double t) {
      return std::clamp(t - start, 0.0, duration);
    });
  }
}

template <class Real>
void MemberRun<Real>::record(double t_s) {
  constexpr std::size_t kLargeSnapshotBytes = std::size_t(1) << 30;
  std::vector<int> channels;
  for (int s = 0; s < static_cast<int>(scenario_.species.size()); ++s) channels.push_back(channel(s));
  // The fields come to the host on a side stream (CUDA); the outputs are computed and written on
  // the writer's thread while the run goes on. What they read of the tissue that later events
  // change, its material ids and coefficients, is copied now. Large snapshots (a 1 cm² patch's
  // are tens of GB) are held one at a time: the earlier ones are written first.
  std::size_t bytes = 0;
  for (int c : channels)
    bytes += (1 + 2 * sim().has_bound_field(c)) * tissue_.grid().voxel_count() * sizeof(Real);
  if (bytes > kLargeSnapshotBytes) writer_.finish();
  auto snapshot = std::make_shared<FieldSnapshot<Real>>(sim().snapshot(channels));
  writer_.submit([this, snapshot, t_s, material = tissue_.grid().material,
                      materials = sim().problem().materials] {
    snapshot->wait();
    write_record(t_s, *snapshot, material, materials);
  });
}

template <class Real>
void MemberRun<Real>::write_record(double t_s, const FieldSnapshot<Real>& snapshot,
                                   const std::vector<std::uint8_t>& material,
                                   const MaterialTable& materials) {
  const Grid& grid = tissue_.grid();  // its geometry, which never changes
  const int species_count = static_cast<int>(scenario_.species.size());
  const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
  const int surface_k = first_tissue_k(grid, scenario_);
  records_.resize(species_count);
  std::vector<output::CellArray> arrays;
  for (int s = 0; s < species_count; ++s) {
    const std::span<const Real> c = snapshot.free(s), bound = snapshot.bound(s),
                                internalised = snapshot.internalised(s);
    if (vtk_) {
      const std::string unit = scenario_.species[s].basis.particles ? " [particles/mL]" : " [ng/mL]";
      const std::string name = scenario_.species[s].key;
      auto add = [&](const std::string& what, std::span<const Real> field) {
        if (!field.empty()) arrays.push_back({name + " " + what + unit, {field.begin(), field.end()}});
      };
      add("free", c);
      add("bound", bound);
      add("internalised", internalised);
    }
    OutputRecord r;
    r.time_s = t_s;
    r.species = s;
    r.ledger = snapshot.ledger(s);
    r.ledger.species = scenario_.species[s].key;  // the channel's name also names the member
    const double ec = scenario_.species[s].effective_concentration;
    for (std::size_t l = 0; l < grid.layers.size(); ++l) {
      const LayerRange& range = grid.layers[l];
      LayerRecord layer;
      layer.name = range.name;
      double above = 0;
      for (int k = range.k_begin; k < range.k_end; ++k) {
        const double cell = grid.dx_um * grid.dx_um * grid.dz_um[k];
        layer.volume_um3 += cell * plane;
        for (std::size_t v = plane * k; v < plane * (k + 1); ++v) {
          const double u = c[v] / materials.at(material[v], channel(s)).partition;
          if (ec > 0 && u >= ec) above += cell;
        }
      }
      layer.free = r.ledger.free_by_layer[l];
      layer.bound = r.ledger.bound_by_layer[l];
      layer.internalised = r.ledger.internalised_by_layer[l];
      layer.mean_free_concentration = layer.free / layer.volume_um3;
      layer.fraction_at_or_above_ec = above / layer.volume_um3;
      r.layers.push_back(layer);
    }
    // Net flux down across each layer interface now, through the same face conductances as
    // the transport step (kernels/transport.hpp), in amount per second.
    const std::vector<double> dz(grid.dz_um.begin(), grid.dz_um.end());
    const kernels::GridView<double> host_grid{grid.nx, grid.ny, grid.nz, grid.dx_um, dz.data(),
                                              material.data()};
    const auto coeffs = materials.species_coeffs<double>(channel(s));
    for (std::size_t l = 0; l + 1 < grid.layers.size(); ++l) {
      const int k = grid.layers[l].k_end - 1;
      double flux = 0;
      for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
          const std::size_t v = grid.index(i, j, k);
          const auto& self = coeffs[material[v]];
          const auto face = kernels::face_towards(host_grid, scenario_.tissue.periodic, coeffs.data(),
                                                  self, i, j, k, 2, +1);
          flux += face.conductance * (c[v] / self.partition - c[face.neighbour] / face.other->partition);
        }
      r.interface_flux_per_s.push_back(flux);
    }
    for (int k = surface_k; k < grid.nz; ++k) {  // deepest lateral mean ≥ EC/100
      double mean = 0;
      for (std::size_t v = plane * k; v < plane * (k + 1); ++v) mean += c[v];
      mean /= plane;
      if (ec > 0 && mean >= ec / 100)
        r.penetration_depth_um = grid.z_center_um(k) - grid.z_faces_um[surface_k];
    }
    const SpeciesLedger& g = r.ledger;
    const bool particles = scenario_.species[s].basis.particles;
    metrics_ << std::setprecision(10) << t_s << ',' << t_s / 3600 << ',' << g.species << ','
             << (particles ? "particles" : "ng");
    for (double value : {g.dosed, g.entered_top, g.added_by_source, g.degraded, g.cleared,
                         g.lost_bottom, g.removed, g.internalised, g.stored()})
      metrics_ << ',' << value * kAmountPerInternal;
    for (const auto& layer : r.layers)
      metrics_ << ',' << layer.free * kAmountPerInternal << ',' << layer.bound * kAmountPerInternal
               << ',' << layer.internalised * kAmountPerInternal << ','
               << layer.mean_free_concentration << ',' << layer.fraction_at_or_above_ec;
    for (double flux : r.interface_flux_per_s) metrics_ << ',' << flux * kAmountPerInternal;
    r.ledger_residual = g.balance_residual();
    metrics_ << ',' << r.penetration_depth_um << ',' << r.ledger_residual << '\n';
    record_profiles(t_s, s, c, bound, internalised);
    records_[s].push_back(std::move(r));
  }
  metrics_.flush();
  if (!metrics_) throw IoError(output_.out_dir + "/metrics.csv", "write failed");
  profiles_.flush();
  if (!profiles_) throw IoError(output_.out_dir + "/profiles.csv", "write failed");
  if (vtk_) {
    if (downsampler_)  // block means
      for (output::CellArray& array : arrays) array.values = downsampler_->mean(array.values);
    vtk_->write(t_s, arrays);
  }
}

template <class Real>
void MemberRun<Real>::write_summary(double wall_s, long long steps) {
  nlohmann::ordered_json species = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < records_.size(); ++s) {
    const bool particles = scenario_.species[s].basis.particles;
    const std::string amount_unit = particles ? "particles" : "ng";
    const std::string conc_unit = particles ? "particles/mL" : "ng/mL";
    const SpeciesSummary sum = summarise(records_[s], scenario_.run.target_layer, amount_unit, conc_unit);
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (const auto& layer : sum.layers)
      layers[layer.name] = {{"peak_mean_concentration_" + conc_unit, layer.peak_mean_concentration},
                            {"peak_time_s", layer.peak_time_s},
                            {"auc_" + conc_unit + "_s", layer.auc_conc_s}};
    species.push_back({
        {"species", sum.species},
        {"full_name", scenario_.species[s].full_name},
        {"dose_" + amount_unit, sum.dose * kAmountPerInternal},
        {"effective_concentration_" + conc_unit, scenario_.species[s].effective_concentration},
        {"peak_fraction_viable_epidermis", sum.peak_fraction_viable_epidermis},
        {"peak_fraction_viable_epidermis_time_s", sum.peak_fraction_viable_epidermis_time_s},
        {"peak_fraction_dermis", sum.peak_fraction_dermis},
        {"peak_fraction_dermis_time_s", sum.peak_fraction_dermis_time_s},
        {"layers", layers},
        {"target_layer", sum.target_layer},
        {"exposure_target_s", sum.exposure_target_s},
        {"time_above_ec_target_s", sum.time_above_ec_target_s},
        {"max_penetration_depth_um", sum.max_penetration_depth_um},
        {"fraction_degraded", sum.fraction_degraded},
        {"fraction_cleared", sum.fraction_cleared},
        {"fraction_internalised", sum.fraction_internalised},
        {"fraction_removed", sum.fraction_removed},
        {"fraction_lost_bottom", sum.fraction_lost_bottom},
        {"max_ledger_residual", sum.max_ledger_residual},
    });
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
      {"bottom", t.bottom == kernels::BottomBoundary::perfect_sink ? "sink" : "zero_flux"},
      {"lateral_size_um", t.lateral_um},
      {"dx_um", t.dx_um},
      {"layers", layers}};
  nlohmann::ordered_json summary = {
      {"scenario", scenario_.name},
      {"tissue", tissue},
      {"metrics_resolution", "peaks, AUC and exposure are taken at the output times"},
      {"species", species}};
  const fs::path dir(output_.out_dir);
  write_atomically(dir / "summary.json", summary.dump(2) + "\n");
  nlohmann::ordered_json provenance = {
      {"skinrd_version", SKINRD_VERSION},
      {"git_revision", SKINRD_GIT_REVISION},
      {"scenario", scenario_.path},
      {"scenario_hash_fnv1a64", hash_hex(scenario_.resolved_toml)},
      {"backend", output_.backend_description},
      {"precision", std::is_same_v<Real, double> ? "double" : "float"},
      {"scheme", to_string(scenario_.run.scheme)},
      {"steps", steps},
      {"wall_time_s", wall_s},
      {"command", output_.command_line}};
  for (const auto& [key, value] : output_.provenance) provenance[key] = value;
  write_atomically(dir / "provenance.json", provenance.dump(2) + "\n");
}

template class SharedTissue<float>;
template class SharedTissue<double>;
template class MemberRun<float>;
template class MemberRun<double>;

}  // namespace skinrd::run
