#include "host/delivery/topical_film.hpp"

#include <algorithm>

#include "host/delivery/entries.hpp"
#include "host/grid.hpp"
#include "host/scenario/units.hpp"
#include "host/tissue_materials.hpp"

namespace skinrd::delivery {
namespace {

using scenario::Dimension;

enum Action { kApply, kWipeOff, kEvaporate, kSaturate };
// Evaporation is followed in 10 steps until the residue is reached (or the film wiped off).
constexpr int kEvaporationUpdates = 10;
// A saturated film's solid and dissolved amounts are brought to equilibrium this often while
// the film is on: between updates the dissolved part depletes as it would without solid.
constexpr double kSaturationUpdateS = 120;

}  // namespace

bool same_film(const TopicalDose& a, const TopicalDose& b) {
  return a.at_s == b.at_s && a.wipe_off_s == b.wipe_off_s && a.thickness_um == b.thickness_um &&
         a.dz_um == b.dz_um && a.constant == b.constant && a.occluded == b.occluded &&
         a.evaporation_um_per_s == b.evaporation_um_per_s &&
         a.residual_fraction == b.residual_fraction && a.hydration_factor == b.hydration_factor;
  // (solubility is per species)
}

double TopicalDose::remaining_fraction(double t_s) const {
  const double evaporated = evaporation_um_per_s * std::max(0.0, t_s - at_s) / thickness_um;
  return std::max(residual_fraction, 1.0 - evaporated);
}

const TopicalDose* film_dose(const Film& film, int species) {
  for (const auto* dose : film)
    if (dose->species == species) return dose;
  return nullptr;
}

void TopicalFilms::read(scenario::TomlSection& event, const scenario::Scenario& scenario) {
  TopicalDose dose;
  dose.species = species_index(scenario, event);
  const scenario::SpeciesBasis& basis = scenario.species[dose.species].basis;
  const double at_s = event.quantity("at", Dimension::time, 0.0);
  if (event.has("thickness") == event.has("volume"))
    event.fail("thickness", "give the film as either thickness or volume (per area), not both");
  dose.thickness_um =
      event.has("thickness")
          ? event.quantity("thickness", Dimension::length, std::nullopt)
          : scenario::kFilmUmPerUL_per_cm2 *
                event.quantity("volume", Dimension::volume_per_area, std::nullopt);
  if (!(dose.thickness_um > 0)) event.fail(event.has("thickness") ? "thickness" : "volume", "must be > 0");
  if (event.has("concentration") == event.has("dose"))
    event.fail("concentration", "give either concentration (in the film) or dose (per area), not both");
  if (event.has("concentration")) {
    dose.concentration = event.quantity("concentration", Dimension::concentration, std::nullopt, basis);
  } else {  // amount per cm^2 over the film's thickness in cm: ng/cm^3 = ng/mL
    dose.concentration = event.quantity("dose", Dimension::amount_per_area, std::nullopt, basis) /
                         (dose.thickness_um * scenario::kCmPerUm);
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
    dose.solubility = event.quantity("solubility", Dimension::concentration, 0.0, basis);
    if (dose.solubility < 0) event.fail("solubility", "must be >= 0 (0: no limit)");
    if (dose.solubility > 0 && dose.constant)
      event.fail("solubility", "a constant-concentration film is held at its concentration already");
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
    doses.push_back(dose);
  }
  event.finish();
}

void TopicalFilms::settle(scenario::Scenario& scenario, scenario::TomlSection& root) {
  for (const auto& dose : doses) check_within_run(scenario, root, "topical", "an application", dose.at_s);
  // One film on the skin at a time, and one film thickness for the whole run.
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
      root.fail("topical", "an application at " + scenario::format_time(doses[i].at_s) +
                               " overlaps the film applied at " +
                               scenario::format_time(doses[i - 1].at_s) +
                               ": give it wipe_off_after shorter than the interval");
    if (doses[i].thickness_um != doses[0].thickness_um)
      root.fail("topical", "every application in a run needs the same film thickness");
  }
}

std::optional<SurfaceLayer> TopicalFilms::surface_layer() const {
  if (doses.empty() || !(doses.front().thickness_um > 0)) return std::nullopt;
  return SurfaceLayer{doses.front().thickness_um, doses.front().dz_um};
}

void TopicalFilms::schedule(double end, std::vector<Event>& events) const {
  for (int entry : first_of_each_application(doses)) {
    const auto& dose = doses[entry];
    events.push_back({dose.at_s, Phase::put_on, this, kApply, entry});
    if (dose.wipe_off_s < end) events.push_back({dose.wipe_off_s, Phase::take_off, this, kWipeOff, entry});
    if (dose.evaporation_um_per_s > 0) {
      const double dry_s = (1 - dose.residual_fraction) * dose.thickness_um / dose.evaporation_um_per_s;
      for (int n = 1; n <= kEvaporationUpdates; ++n) {
        const double at = dose.at_s + dry_s * n / kEvaporationUpdates;
        if (at < std::min(end, dose.wipe_off_s)) events.push_back({at, Phase::age, this, kEvaporate, entry});
      }
    }
    bool saturable = false;
    for (const auto& other : doses) saturable |= other.at_s == dose.at_s && other.solubility > 0;
    if (saturable)
      for (double at = dose.at_s + kSaturationUpdateS; at < std::min(end, dose.wipe_off_s);
           at += kSaturationUpdateS)
        events.push_back({at, Phase::age, this, kSaturate, entry});
  }
}

std::string TopicalFilms::describe(const Event& event, const scenario::Scenario& scenario) const {
  const TopicalDose& first = doses[event.entry];
  switch (event.action) {
    case kApply: {
      std::string text = "film applied, " + scenario::format_length(first.thickness_um) + " thick";
      for (const auto& dose : doses)
        if (dose.at_s == first.at_s)
          text += ", " + concentration_text(scenario, dose.species, dose.concentration);
      if (first.constant) text += ", held at that concentration";
      if (first.occluded) text += ", occluded";
      return text;
    }
    case kWipeOff: return "film wiped off: what is left on the skin is removed";
    case kEvaporate: return "film drying (the solvent evaporates; its content stays)";
    default: return "saturated film: solid and dissolved parts balanced";
  }
}

Film TopicalFilms::film_on(const SkinState& skin) const {
  Film film;
  if (skin.film_owner != this || skin.film_entry < 0) return film;
  for (const auto& dose : doses)
    if (dose.at_s == doses[skin.film_entry].at_s) film.push_back(&dose);
  return film;
}

bool TopicalFilms::occluded_between(double from_s, double to_s) const {
  for (const auto& dose : doses)
    if (dose.occluded && dose.at_s >= from_s && dose.at_s <= to_s) return true;
  return false;
}

void TopicalFilms::apply(const Event& event, const scenario::Scenario& scenario,
                         DeliveryTissue& tissue) const {
  SkinState& skin = tissue.skin();
  if (event.action == kEvaporate || event.action == kSaturate) {
    update_saturation(scenario, tissue, event.time_s);
    tissue.coefficients_changed(true);
    return;
  }
  const TopicalDose& dose = doses[event.entry];
  const bool applying = event.action == kApply;
  skin.film_owner = applying ? this : nullptr;
  skin.film_entry = applying ? event.entry : -1;
  const Film film = film_on(skin);
  const int species_count = static_cast<int>(scenario.species.size());
  // Open pores fill with the film (its D), or with interstitial fluid once it is gone.
  skin.pore_fill_diffusion_um2_per_s.clear();
  if (!film.empty())
    for (int s = 0; s < species_count; ++s) {
      const TopicalDose* held = film_dose(film, s);
      skin.pore_fill_diffusion_um2_per_s.push_back(
          held ? held->diffusion_um2_per_s : scenario.species[s].diffusion_water_um2_per_s);
    }
  tissue.coefficients_changed();
  std::vector<double> top_concentration(species_count, 0.0);
  for (const auto* member : film) top_concentration[member->species] = member->concentration / member->partition;
  tissue.set_top(applying && dose.constant ? kernels::TopBoundary::fixed_concentration
                                           : kernels::TopBoundary::zero_flux,
                 top_concentration);
  for (int s = 0; s < species_count; ++s) {  // the film holds its doses or nothing
    const TopicalDose* held = film_dose(film, s);
    tissue.set_top_cells(s, tissue.surface_k(), held ? held->concentration : 0.0,
                         applying ? DeliveryTissue::Tally::dosed : DeliveryTissue::Tally::removed);
  }
  update_saturation(scenario, tissue, event.time_s);
}

// The partition that puts a saturated film's fluid-phase concentration at its solubility: the
// film's mean content c̄ over S, where that exceeds the partition the film has (its excess is
// solid); 0 where the film is below its solubility.
void TopicalFilms::update_saturation(const scenario::Scenario& scenario, DeliveryTissue& tissue,
                                     double t_s) const {
  SkinState& skin = tissue.skin();
  const Film film = film_on(skin);
  const int species_count = static_cast<int>(scenario.species.size());
  skin.film_saturated_partition.assign(species_count, 0.0);
  const Grid& grid = tissue.grid();
  const double film_volume_um3 = grid.nx * grid.dx_um * grid.ny * grid.dx_um *
                                 grid.z_faces_um[tissue.surface_k()];
  for (const TopicalDose* dose : film) {
    if (!(dose->solubility > 0)) continue;
    const double mean = tissue.amount_in_top_cells(dose->species, tissue.surface_k()) / film_volume_um3;
    const double partition = dose->partition * dose->remaining_fraction(t_s);
    if (mean > partition * dose->solubility)
      skin.film_saturated_partition[dose->species] = mean / dose->solubility;
  }
}

MaterialTable materials_with_film(const scenario::Scenario& scenario, const MaterialTable& base,
                                  const Film& film, double t_s,
                                  const std::vector<double>& saturated_partition) {
  MaterialTable table = base;
  for (int s = 0; s < table.species_count(); ++s) {
    SpeciesCoefficients vehicle;  // no film: impermeable
    if (!film.empty()) {
      const TopicalDose& common = *film.front();  // the doses agree on the film itself
      const TopicalDose* dose = film_dose(film, s);
      vehicle.diffusion_um2_per_s =
          dose ? dose->diffusion_um2_per_s : scenario.species[s].diffusion_water_um2_per_s;
      vehicle.partition = (dose ? dose->partition : 1.0) * common.remaining_fraction(t_s);
      if (s < static_cast<int>(saturated_partition.size()))
        vehicle.partition = std::max(vehicle.partition, saturated_partition[s]);
      // Hydration opens the stratum corneum, where the tissue has one (a wound bed has none).
      if (const auto sc = scenario.tissue.materials().layer_named("stratum_corneum"); sc && common.occluded)
        table.at(*sc, s).diffusion_um2_per_s *= common.hydration_factor;
    }
    table.at(TissueMaterials::vehicle, s) = vehicle;
  }
  return table;
}

void TopicalFilms::set_coefficients(MaterialTable& table, const scenario::Scenario& scenario,
                                    const SkinState& skin, double t_s) const {
  table = materials_with_film(scenario, table, film_on(skin), t_s, skin.film_saturated_partition);
}

bool TopicalFilms::fixes_top() const {
  for (const auto& dose : doses)
    if (dose.constant) return true;
  return false;
}

std::string TopicalFilms::ensemble_conflict(const Delivery& first_kind, bool any_fixed_top) const {
  // Finite films set only their member's own lanes; a constant film fixes the top boundary,
  // whose kind every member shares at every stop.
  if (!any_fixed_top) return "";
  const auto& first = static_cast<const TopicalFilms&>(first_kind).doses;
  bool same = doses.size() == first.size();
  for (std::size_t d = 0; same && d < doses.size(); ++d)
    same = doses[d].at_s == first[d].at_s && doses[d].wipe_off_s == first[d].wipe_off_s &&
           doses[d].constant == first[d].constant;
  return same ? "" : "the timing of the [[topical]] films, with a constant-concentration film,";
}

}  // namespace skinrd::delivery
