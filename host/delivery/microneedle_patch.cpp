#include "host/delivery/microneedle_patch.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/delivery/entries.hpp"
#include "host/delivery/regions.hpp"
#include "host/delivery/topical_film.hpp"
#include "host/error.hpp"
#include "host/scenario/units.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::delivery {
namespace {

using scenario::Dimension;
using Kind = MicroneedlePatch::Kind;

enum Action { kInsert, kWithdraw, kClose };
// Pore closure is followed in this many equal steps to full closure.
constexpr int kPoreUpdates = 24;
// Time to full closure (parameters.md §5): human barrier back within 2 h non-occluded (Gupta
// 2011); occluded micropores closed after 58–63 h (PMC8259462).
constexpr double kClosureOpenS = 2 * 3600.0, kClosureOccludedS = 60 * 3600.0;
// Insertion depth / needle length: a 600 um needle reached ≈460 um in human skin in vivo (OCT,
// PMC3016610; parameters.md §5).
constexpr double kPenetrationEfficiency = 460.0 / 600.0;

}  // namespace

bool same_needles(const MicroneedlePatch& a, const MicroneedlePatch& b) {
  return a.kind == b.kind && a.at_s == b.at_s && a.wear_s == b.wear_s &&
         a.hexagonal == b.hexagonal && a.pyramid == b.pyramid && a.pitch_um == b.pitch_um &&
         a.length_um == b.length_um && a.base_width_um == b.base_width_um &&
         a.penetration_efficiency == b.penetration_efficiency && a.closure_s == b.closure_s;
}

void MicroneedlePatches::read(scenario::TomlSection& event, const scenario::Scenario& scenario) {
  MicroneedlePatch patch;
  patch.species = species_index(scenario, event);
  const scenario::SpeciesBasis& basis = scenario.species[patch.species].basis;
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
  patch.penetration_efficiency = event.number("penetration_efficiency", kPenetrationEfficiency);
  if (!(patch.penetration_efficiency > 0) || patch.penetration_efficiency > 1)
    event.fail("penetration_efficiency", "must be > 0 and at most 1 (insertion depth / length)");
  if (!(patch.pitch_um > 0)) event.fail("pitch", "must be > 0");
  if (!(patch.base_width_um > 0) || patch.base_width_um > patch.pitch_um)
    event.fail("base_width", "must be > 0 and at most the pitch");
  const double depth = tissue_depth_um(scenario);
  if (!(patch.length_um > 0) || patch.length_um >= depth) {
    std::ostringstream message;
    message.precision(3);
    message << "a needle " << patch.length_um << " um long does not fit in tissue " << depth
            << " um deep";
    event.fail("length", message.str());
  }
  if (patch.kind == Kind::coated || patch.kind == Kind::dissolving) {
    patch.payload_per_needle = event.quantity("payload", Dimension::amount_per_needle, std::nullopt, basis);
    const char* release_key = patch.kind == Kind::coated ? "release_time" : "dissolution_time";
    patch.release_s = event.quantity(release_key, Dimension::time, patch.kind == Kind::coated ? 30.0 : 600.0);
    if (!(patch.release_s > 0)) event.fail(release_key, "must be > 0");
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
  const bool occluded = event.boolean("occluded", false);
  patch.closure_s = event.quantity("closure_time", Dimension::time, occluded ? kClosureOccludedS : kClosureOpenS);
  if (!(patch.closure_s > 0)) event.fail("closure_time", "must be > 0");
  // One needle per unit cell: a periodic square tissue must hold whole pitches; a hexagonal
  // array has no square periodic cell, so it needs zero-flux sides.
  const double cells = scenario.tissue.lateral_um / patch.pitch_um;
  if (scenario.tissue.periodic && !patch.hexagonal && std::abs(cells - std::round(cells)) > 1e-6)
    event.fail("pitch", "a periodic tissue must be a whole number of pitches wide (lateral_size " +
                            scenario::format_length(scenario.tissue.lateral_um) + ")");
  if (scenario.tissue.periodic && patch.hexagonal)
    event.fail("array", "a hexagonal array needs lateral_boundary = \"zero_flux\"");
  for (double start : repeats(event, at_s)) {
    patch.at_s = start;
    patches.push_back(patch);
  }
  event.finish();
}

void MicroneedlePatches::settle(scenario::Scenario& scenario, scenario::TomlSection& root) {
  std::stable_sort(patches.begin(), patches.end(), [](auto& a, auto& b) { return a.at_s < b.at_s; });
  for (const auto& patch : patches) check_within_run(scenario, root, "microneedle", "a patch applied", patch.at_s);
  // Pores under an occlusive film close with the occluded time constant (DESIGN §1): a patch
  // that does not set its own closure takes a day when an occluded film is applied while its
  // pores are still open (within one non-occluded closure time).
  const auto& films = scenario.deliveries.get<TopicalFilms>();
  for (auto& patch : patches)
    if (!patch.closure_given &&
        films.occluded_between(patch.at_s, patch.at_s + patch.wear_s + patch.closure_s))
      patch.closure_s = kClosureOccludedS;
  // After the closure times are settled: entries of one patch must agree on them too.
  for (std::size_t i = 1; i < patches.size(); ++i) {
    const auto& patch = patches[i];
    const auto& previous = patches[i - 1];
    if (patch.at_s == previous.at_s && !species_repeated(patches, i)) {
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
}

void MicroneedlePatches::schedule(double end, std::vector<Event>& events) const {
  for (int entry : first_of_each_application(patches)) {
    const auto& patch = patches[entry];
    events.push_back({patch.at_s, Phase::insert, this, kInsert, entry});
    const double withdrawn = patch.at_s + patch.wear_s;
    if (withdrawn >= end) continue;
    events.push_back({withdrawn, Phase::withdraw, this, kWithdraw, entry});
    // Each stretch takes the open fraction at its middle; the last one ends closed.
    const double stretch = patch.closure_s / kPoreUpdates;
    for (int n = 1; n <= kPoreUpdates; ++n) {
      const double elapsed = n == kPoreUpdates ? patch.closure_s : (n + 0.5) * stretch;
      const double at = withdrawn + n * stretch;
      if (at < end) events.push_back({at, Phase::heal, this, kClose, entry, elapsed});
    }
  }
}

std::string MicroneedlePatches::describe(const Event& event, const scenario::Scenario& scenario) const {
  const MicroneedlePatch& first = patches[event.entry];
  if (event.action == kClose) return "needle pores closing";
  if (event.action == kWithdraw)
    return "patch off: needles withdrawn, their pores close over " + scenario::format_time(first.closure_s);
  static const char* kinds[] = {"solid", "coated", "dissolving", "hollow"};
  std::string text = std::string("patch on: ") + kinds[static_cast<int>(first.kind)] + " needles " +
                     scenario::format_length(first.length_um) + " long, " +
                     scenario::format_length(first.pitch_um) + " apart, worn " +
                     scenario::format_time(first.wear_s);
  for (const auto& patch : patches) {
    if (patch.at_s != first.at_s) continue;
    if (patch.kind == MicroneedlePatch::Kind::hollow)
      text += "; infuse " + concentration_text(scenario, patch.species, patch.concentration) + " at " +
              scenario::format_number(patch.flow_uL_per_s * 60) + " uL/min for " +
              scenario::format_time(patch.infusion_s);
    else if (patch.payload_per_needle > 0)
      text += "; " + amount_text(scenario, patch.species, patch.payload_per_needle) + " per needle, " +
              (patch.kind == MicroneedlePatch::Kind::coated ? "released in " : "dissolving in ") +
              scenario::format_time(patch.release_s);
  }
  return text;
}

NeedleVoxels needle_voxels(const Grid& grid, int surface_k, bool periodic,
                           const MicroneedlePatch& patch) {
  const double width = grid.nx * grid.dx_um, pitch = patch.pitch_um;
  // Needle axes: a square array, or rows pitch·√3/2 apart with every other row shifted.
  std::vector<std::pair<double, double>> axes;
  const double row = patch.hexagonal ? pitch * std::sqrt(3.0) / 2 : pitch;
  // Only needles whose axis lies inside the tissue (not on its edge) are counted.
  for (int r = 0; (r + 0.5) * row < width - 1e-9; ++r) {
    const double shift = patch.hexagonal && r % 2 ? pitch / 2 : 0;
    for (int c = 0; (c + 0.5) * pitch + shift < width - 1e-9; ++c)
      axes.emplace_back((c + 0.5) * pitch + shift, (r + 0.5) * row);
  }
  NeedleVoxels result;
  result.needles = static_cast<int>(axes.size());
  const double surface_um = grid.z_faces_um[surface_k];
  auto lateral = [&](double p, double centre) {
    return std::abs(lateral_offset_um(p, centre, width, periodic));
  };
  std::vector<char> is_body(grid.voxel_count(), 0);
  int deepest_k = surface_k;
  const double inserted_um = patch.length_um * patch.penetration_efficiency;
  // The column holding each axis (the lower-index one where an axis lies on a cell face).
  auto column_of = [&](double p) {
    return std::clamp(static_cast<int>(std::ceil(p / grid.dx_um)) - 1, 0, grid.nx - 1);
  };
  for (int k = surface_k; k < grid.nz; ++k) {
    const double depth = grid.z_center_um(k) - surface_um;
    if (depth > inserted_um) break;
    // The part in the skin is the tip section: as wide at the surface as the needle is
    // `inserted_um` from its tip.
    const double half_width = 0.5 * patch.base_width_um * (inserted_um - depth) / patch.length_um;
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i)
        for (const auto& [ax, ay] : axes) {
          const double dx = lateral(grid.x_center_um(i), ax), dy = lateral(grid.x_center_um(j), ay);
          const bool inside = patch.pyramid ? std::max(dx, dy) <= half_width
                                            : dx * dx + dy * dy <= half_width * half_width;
          const bool on_axis = i == column_of(ax) && j == column_of(ay);
          if (inside || on_axis) {
            is_body[grid.index(i, j, k)] = 1;
            deepest_k = std::max(deepest_k, k);
            break;
          }
        }
  }
  auto body_at = [&](int a, int b, int c) {
    if (periodic) a = (a + grid.nx) % grid.nx, b = (b + grid.ny) % grid.ny;
    if (a < 0 || a >= grid.nx || b < 0 || b >= grid.ny || c < 0 || c >= grid.nz) return false;
    return is_body[grid.index(a, b, c)] != 0;
  };
  for (int k = surface_k; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const std::size_t v = grid.index(i, j, k);
        if (is_body[v]) {
          result.body.push_back(v);
          if (k == deepest_k) result.tip.push_back(v);
          continue;
        }
        bool touches = false;  // a face shared with a needle body
        for (int step = -1; step <= 1; step += 2)
          touches |= body_at(i + step, j, k) || body_at(i, j + step, k) || body_at(i, j, k + step);
        if (touches) result.surface.push_back(v);
      }
  return result;
}

void MicroneedlePatches::apply(const Event& event, const scenario::Scenario& scenario,
                               DeliveryTissue& tissue) const {
  SkinState& skin = tissue.skin();
  if (event.action == kClose) {
    if (skin.pore_owner != this || event.entry != skin.pore_entry) return;  // replaced by later pores
    skin.pore_elapsed_s = event.value;
    tissue.coefficients_changed(true);
    return;
  }
  const auto& patch = patches[event.entry];
  const Grid& grid = tissue.grid();
  const NeedleVoxels needles = needle_voxels(grid, tissue.surface_k(), scenario.tissue.periodic, patch);
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<std::uint8_t> material = tissue.voxel_materials();
  const auto& original = tissue.original_voxel_materials();
  const bool inserting = event.action == kInsert;
  const bool hollow = patch.kind == Kind::hollow;
  std::vector<char> tip(grid.voxel_count(), 0);
  for (std::size_t v : needles.tip) tip[v] = 1;
  std::vector<std::size_t> displaced;
  for (std::size_t v : needles.body) {
    if (inserting) {
      // A dissolving needle turns into tissue as it dissolves; the others are solid bodies,
      // open at the tip for a hollow one.
      if (patch.kind != Kind::dissolving && !(hollow && tip[v])) {
        material[v] = materials.needle();
        displaced.push_back(v);
      }
    } else {
      material[v] = materials.pore_of(original[v]);
    }
  }
  // Whatever the needle bodies displace leaves the tissue with them (tallied as removed).
  for (int s = 0; s < static_cast<int>(scenario.species.size()); ++s)
    if (!displaced.empty()) tissue.empty(s, displaced);
  tissue.set_voxel_materials(std::move(material));
  if (!inserting) {
    skin.pore_owner = this;
    skin.pore_entry = event.entry;
    skin.pore_elapsed_s = 0.5 * patch.closure_s / kPoreUpdates;
    skin.pore_closure_s = patch.closure_s;
    tissue.coefficients_changed();
  }
}

std::vector<std::size_t> release_voxels(const scenario::Scenario& scenario,
                                        const std::vector<std::uint8_t>& material, int species,
                                        const std::vector<std::size_t>& region) {
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<std::size_t> open;
  for (std::size_t v : region) {
    const std::optional<int> layer = materials.layer_of(material[v]);
    if (!layer) continue;  // the vehicle or a needle body
    const std::string& name = materials.layer_name(*layer);
    if (name == "stratum_corneum") continue;
    if (scenario.species[species].by_material.at(name).diffusion_um2_per_s > 0) open.push_back(v);
  }
  return open;
}

void MicroneedlePatches::add_sources(const scenario::Scenario& scenario, DeliveryTissue& tissue) const {
  const Grid& grid = tissue.grid();
  for (const auto& patch : patches) {
    const NeedleVoxels needles = needle_voxels(grid, tissue.surface_k(), scenario.tissue.periodic, patch);
    if (needles.body.empty())
      throw ConfigError("microneedle", "the needles cover no voxel at this resolution: refine dx or dz");
    if (patch.kind == Kind::solid) continue;
    // Coated: released into the tissue touching the needles; dissolving: within the needles;
    // hollow: at the tips. First-order release stops when the patch is withdrawn; what is not
    // released by then is left in the device (the ledger's in_device).
    // Only into voxels that take the payload up (release_voxels), the whole payload there.
    const auto region = release_voxels(scenario, tissue.voxel_materials(), patch.species,
                                       patch.kind == Kind::coated       ? needles.surface
                                       : patch.kind == Kind::dissolving ? needles.body
                                                                        : needles.tip);
    if (region.empty())
      throw ConfigError("microneedle", "the needles touch no viable, permeable tissue at this "
                                       "resolution: refine dx or dz, or lengthen the needles");
    const double total =
        patch.kind == Kind::hollow
            ? patch.flow_uL_per_s * scenario::kUm3PerUL * patch.concentration  // per second
            : patch.payload_per_needle * scenario::kInternalPerAmount * needles.needles;
    const double per_volume = total / region_volume_um3(grid, region);
    const double start = patch.at_s, end = patch.at_s + patch.wear_s, tau = patch.release_s;
    if (patch.kind == Kind::hollow) {
      const double duration = patch.infusion_s;
      tissue.add_source(patch.species, region, per_volume, [start, duration](double t) {
        return std::clamp(t - start, 0.0, duration);  // seconds infused so far
      }, std::nullopt);
    } else {
      tissue.add_source(patch.species, region, per_volume, [start, end, tau](double t) {
        return t <= start ? 0.0 : -std::expm1(-(std::min(t, end) - start) / tau);  // released fraction
      }, start);  // the rest stays in the needles and leaves with the patch
    }
  }
}

void MicroneedlePatches::resolution_warnings(const scenario::Scenario& scenario, const Grid& grid,
                                             int surface_k, std::vector<std::string>& warnings) const {
  for (int entry : first_of_each_application(patches)) {
    const auto& patch = patches[entry];
    const NeedleVoxels needles = needle_voxels(grid, surface_k, scenario.tissue.periodic, patch);
    const std::size_t plane = static_cast<std::size_t>(grid.nx) * grid.ny;
    int deepest_k = surface_k;
    for (std::size_t v : needles.body) deepest_k = std::max(deepest_k, static_cast<int>(v / plane));
    const int cells_deep = deepest_k - surface_k + 1;
    const double width_um = patch.base_width_um * patch.penetration_efficiency;
    const std::string name = "microneedle[" + std::to_string(entry) + "]";
    std::ostringstream out;
    out.precision(3);
    if (width_um < 2 * grid.dx_um)
      out << name << ": the needles and their pores are " << width_um << " um wide at the skin "
          << "surface, " << width_um / grid.dx_um << " lateral cells (dx = " << grid.dx_um
          << " um): the result depends on the grid; refine dx";
    else if (cells_deep < 2)
      out << name << ": the needle tracks (" << patch.length_um * patch.penetration_efficiency
          << " um deep) span " << cells_deep << " cell layer: refine dz";
    if (!out.str().empty()) warnings.push_back(out.str());
  }
}

void MicroneedlePatches::count_sources(std::vector<int>& per_species) const {
  for (const auto& patch : patches)
    if (patch.kind != Kind::solid) ++per_species[patch.species];
}

std::string MicroneedlePatches::ensemble_conflict(const Delivery& first_kind, bool) const {
  // The needles change the voxel materials every member shares; their pores' closure only
  // sets the member's own coefficients.
  const auto& first = static_cast<const MicroneedlePatches&>(first_kind).patches;
  if (patches.size() != first.size()) return "the number of [[microneedle]] entries";
  for (std::size_t p = 0; p < patches.size(); ++p) {
    MicroneedlePatch same_closure = patches[p];
    same_closure.closure_s = first[p].closure_s;
    if (!same_needles(same_closure, first[p]))
      return "microneedle[" + std::to_string(p) + "] (kind, needle geometry, at or wear)";
  }
  return "";
}

}  // namespace skinrd::delivery
