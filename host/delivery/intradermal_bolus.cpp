#include "host/delivery/intradermal_bolus.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "host/delivery/entries.hpp"
#include "host/delivery/fluid_spaces.hpp"
#include "host/delivery/regions.hpp"
#include "host/grid.hpp"
#include "host/scenario/scenario.hpp"
#include "host/scenario/units.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::delivery {
namespace {

using scenario::Dimension;

enum Action { kInject, kInfusionStart, kInfusionRate, kResorb };
// Weal resorption half-lives, human skin: saline 18 min, serum 28 min (Cook & Shuster 1980).
constexpr double kSalineHalfLifeS = 18 * 60.0, kSerumHalfLifeS = 28 * 60.0;
// The fluid is followed in steps of t½/8 until 8 t½ after the injection ends (0.4 % left),
// then the bleb is tissue again.
constexpr int kStretchesPerHalfLife = 8, kHalfLivesFollowed = 8;

}  // namespace

// Semi-axes a (lateral) and c = aspect·a (vertical) of a bleb of the injected volume.
double IntradermalBolus::lateral_semi_axis_um() const {
  return std::cbrt(3 * volume_uL * scenario::kUm3PerUL / (4 * std::numbers::pi * aspect));
}

void IntradermalBoluses::read(scenario::TomlSection& event, const scenario::Scenario& scenario) {
  IntradermalBolus bolus;
  bolus.species = species_index(scenario, event);
  const scenario::SpeciesBasis& basis = scenario.species[bolus.species].basis;
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
  const bool serum = event.text("fluid", "saline", {"saline", "serum"}) == "serum";
  bolus.resorption_half_life_s = event.quantity("resorption_half_life", Dimension::time,
                                                serum ? kSerumHalfLifeS : kSalineHalfLifeS);
  if (!(bolus.resorption_half_life_s > 0)) event.fail("resorption_half_life", "must be > 0");
  // The bleb must lie inside the tissue.
  const double a = bolus.lateral_semi_axis_um();
  const double c = bolus.aspect * a;
  const double depth = tissue_depth_um(scenario);
  if (bolus.depth_um - c < 0 || bolus.depth_um + c > depth) {
    std::ostringstream message;
    message.precision(3);
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
    message.precision(3);
    message << "the bleb's lateral semi-axis " << a << " um does not fit in the "
            << lateral << " um wide tissue around (" << bolus.x_um << ", " << bolus.y_um << ") um";
    event.fail("volume", message.str());
  }
  for (double start : repeats(event, at_s)) {
    bolus.at_s = start;
    boluses.push_back(bolus);
  }
  event.finish();
}

void IntradermalBoluses::settle(scenario::Scenario& scenario, scenario::TomlSection& root) {
  for (const auto& bolus : boluses) check_within_run(scenario, root, "intradermal", "an injection", bolus.at_s);
}

bool IntradermalBolus::same_bleb(const IntradermalBolus& other) const {
  return volume_uL == other.volume_uL && depth_um == other.depth_um && x_um == other.x_um &&
         y_um == other.y_um && aspect == other.aspect;
}

void IntradermalBoluses::schedule(double end, std::vector<Event>& events) const {
  for (std::size_t i = 0; i < boluses.size(); ++i) {
    const auto& bolus = boluses[i];
    const int entry = static_cast<int>(i);
    // The bleb's fluid fraction at the middle of each stretch, from the start of the injection.
    const double stretch = bolus.resorption_half_life_s / kStretchesPerHalfLife;
    const double fluid_at_start =
        bleb_fluid_fraction(0.5 * stretch, bolus.infusion_s, bolus.resorption_half_life_s);
    if (bolus.infusion_s > 0) {  // steps land where the rate changes; the source runs from the start
      events.push_back({bolus.at_s, Phase::change_rate, this, kInfusionStart, entry, fluid_at_start});
      if (bolus.at_s + bolus.infusion_s < end)
        events.push_back({bolus.at_s + bolus.infusion_s, Phase::change_rate, this, kInfusionRate, entry});
    } else {
      events.push_back({bolus.at_s, Phase::inject, this, kInject, entry, fluid_at_start});
    }
    const double followed_s = bolus.infusion_s + kHalfLivesFollowed * bolus.resorption_half_life_s;
    const int stretches = static_cast<int>(std::ceil(followed_s / stretch));
    for (int n = 1; n <= stretches && bolus.at_s + n * stretch < end; ++n) {
      const double fluid = n == stretches ? 0.0
          : bleb_fluid_fraction((n + 0.5) * stretch, bolus.infusion_s, bolus.resorption_half_life_s);
      events.push_back({bolus.at_s + n * stretch, Phase::heal, this, kResorb, entry, fluid});
    }
  }
}

std::string IntradermalBoluses::describe(const Event& event, const scenario::Scenario& scenario) const {
  const IntradermalBolus& bolus = boluses[event.entry];
  const std::string what = scenario::format_number(bolus.volume_uL) + " uL of " +
                           concentration_text(scenario, bolus.species, bolus.concentration) + ", " +
                           scenario::format_length(bolus.depth_um) + " deep";
  switch (event.action) {
    case kInject: return "injection: " + what;
    case kInfusionStart: return "infusion starts: " + what + ", over " + scenario::format_time(bolus.infusion_s);
    case kInfusionRate: return "infusion ends";
    default: return "bleb fluid resorbing";
  }
}

std::vector<std::size_t> bleb_voxels(const Grid& grid, int surface_k, bool periodic,
                                     const IntradermalBolus& bolus) {
  const double a = bolus.lateral_semi_axis_um();
  const double c = bolus.aspect * a;
  const double surface_um = grid.z_faces_um[surface_k];
  const double width = grid.nx * grid.dx_um;
  std::vector<std::size_t> voxels;
  std::size_t nearest = 0;
  double nearest_r2 = 1e300;
  for (int k = 0; k < grid.nz; ++k)
    for (int j = 0; j < grid.ny; ++j)
      for (int i = 0; i < grid.nx; ++i) {
        const double dx = lateral_offset_um(grid.x_center_um(i), bolus.x_um, width, periodic) / a;
        const double dy = lateral_offset_um(grid.x_center_um(j), bolus.y_um, width, periodic) / a;
        const double dz = (grid.z_center_um(k) - surface_um - bolus.depth_um) / c;
        const double r2 = dx * dx + dy * dy + dz * dz;
        if (r2 <= 1) voxels.push_back(grid.index(i, j, k));
        if (r2 < nearest_r2) nearest_r2 = r2, nearest = grid.index(i, j, k);
      }
  if (voxels.empty()) voxels.push_back(nearest);
  return voxels;
}

void IntradermalBoluses::apply(const Event& event, const scenario::Scenario& scenario,
                               DeliveryTissue& tissue) const {
  SkinState& skin = tissue.skin();
  if (event.action == kInfusionRate) return;
  if (event.action == kResorb) {
    if (skin.bleb_entry != event.entry) return;  // a later injection's bleb holds the fluid now
    skin.bleb_fluid_fraction = event.value;
    tissue.coefficients_changed(true);
    return;
  }
  const auto& bolus = boluses[event.entry];
  const Grid& grid = tissue.grid();
  const auto voxels = bleb_voxels(grid, tissue.surface_k(), scenario.tissue.periodic, bolus);
  if (event.action == kInject) {
    const double amount = bolus.volume_uL * scenario::kUm3PerUL * bolus.concentration;
    tissue.add_to(bolus.species, voxels, amount / region_volume_um3(grid, voxels));
  }
  // The bleb's voxels become bleb material. The injections of one time share the bleb fluid
  // state; a later one's replaces it, and the earlier blebs are tissue again.
  const TissueMaterials materials = scenario.tissue.materials();
  std::vector<std::uint8_t> material = tissue.voxel_materials();
  const auto& original = tissue.original_voxel_materials();
  if (skin.bleb_entry >= 0 && skin.bleb_start_s != bolus.at_s)
    for (std::size_t v = 0; v < material.size(); ++v)
      if (material[v] == materials.bleb_of(original[v])) material[v] = original[v];
  for (std::size_t v : voxels) material[v] = materials.bleb_of(original[v]);
  tissue.set_voxel_materials(std::move(material));
  skin.bleb_entry = event.entry;
  skin.bleb_fluid_fraction = event.value;
  skin.bleb_start_s = bolus.at_s;
  skin.bleb_infusion_s = bolus.infusion_s;
  skin.bleb_half_life_s = bolus.resorption_half_life_s;
  tissue.coefficients_changed();
}

// Infusions: each bleb receives volume × concentration evenly over its duration, added as an
// exactly integrated source (F(t) = time infused so far).
void IntradermalBoluses::add_sources(const scenario::Scenario& scenario, DeliveryTissue& tissue) const {
  const Grid& grid = tissue.grid();
  for (const auto& bolus : boluses) {
    if (bolus.infusion_s <= 0) continue;
    const auto voxels = bleb_voxels(grid, tissue.surface_k(), scenario.tissue.periodic, bolus);
    const double rate = bolus.volume_uL * scenario::kUm3PerUL * bolus.concentration /
                        bolus.infusion_s / region_volume_um3(grid, voxels);
    const double start = bolus.at_s, duration = bolus.infusion_s;
    tissue.add_source(bolus.species, voxels, rate, [start, duration](double t) {
      return std::clamp(t - start, 0.0, duration);
    }, std::nullopt);
  }
}

void IntradermalBoluses::resolution_warnings(const scenario::Scenario&, const Grid& grid,
                                             int surface_k, std::vector<std::string>& warnings) const {
  for (std::size_t b = 0; b < boluses.size(); ++b) {
    const auto& bolus = boluses[b];
    const double across_um = 2 * bolus.lateral_semi_axis_um(), deep_um = bolus.aspect * across_um;
    // The cell layer at the bleb's centre sets its vertical resolution.
    int k = surface_k;
    const double centre_um = grid.z_faces_um[surface_k] + bolus.depth_um;
    while (k + 1 < grid.nz && grid.z_faces_um[k + 1] < centre_um) ++k;
    if (across_um >= 2 * grid.dx_um && deep_um >= 2 * grid.dz_um[k]) continue;
    std::ostringstream out;
    out.precision(3);
    out << "intradermal[" << b << "]: the bleb (" << across_um << " um across, " << deep_um
        << " um deep) spans " << across_um / grid.dx_um << " lateral cells and "
        << deep_um / grid.dz_um[k] << " cell layers (dx = " << grid.dx_um << " um, dz = "
        << grid.dz_um[k] << " um there): the result depends on the grid; refine the grid";
    warnings.push_back(out.str());
  }
}

void IntradermalBoluses::count_sources(std::vector<int>& per_species) const {
  for (const auto& bolus : boluses)
    if (bolus.infusion_s > 0) ++per_species[bolus.species];
}

std::string IntradermalBoluses::ensemble_conflict(const Delivery& first_kind, bool) const {
  // The blebs change the voxel materials every member shares; their fluid's resorption, dose
  // and timing only set the member's own coefficients and fields.
  const auto& first = static_cast<const IntradermalBoluses&>(first_kind).boluses;
  if (boluses.size() != first.size()) return "the number of [[intradermal]] entries";
  for (std::size_t b = 0; b < boluses.size(); ++b)
    if (!boluses[b].same_bleb(first[b]))
      return "intradermal[" + std::to_string(b) + "] (the bleb's volume, depth, x, y or aspect: "
             "members share the voxels a bleb occupies; run other blebs as their own ensemble)";
  return "";
}

}  // namespace skinrd::delivery
