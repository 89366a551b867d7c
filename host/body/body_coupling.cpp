#include "host/body/body_coupling.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "host/scenario/units.hpp"

namespace skinrd::body {

double body_contact_resistance_s_per_um(const SpeciesCoefficients& medium) {
  const double h = medium.partition * std::sqrt(medium.diffusion_um2_per_s * medium.clearance_per_s);
  return h > 0 ? 1.0 / h : kNoContactResistance_s_per_um;
}

void set_body_contact(MaterialTable& table) {
  for (int s = 0; s < table.species_count(); ++s)
    for (int m = 0; m < table.material_count(); ++m)
      table.at(m, s).bottom_resistance_s_per_um = body_contact_resistance_s_per_um(table.at(m, s));
}

BodyCoupling::BodyCoupling(const scenario::Scenario& scenario, double simulated_area_um2)
    : bottom_(scenario.tissue.bottom_kind) {
  const double treated = scenario.tissue.treated_area_um2;
  scale_ = treated > 0 ? treated / simulated_area_um2 : 1.0;
  const double receptor_um3 = scenario.receptor.volume_per_area_uL_per_cm2 *
                              scenario::kFilmUmPerUL_per_cm2 * simulated_area_um2;
  if (bottom_ == scenario::BottomKind::receptor) {
    replace_every_s_ = scenario.receptor.replace_every_s;
    next_replace_s_ = replace_every_s_;
  }
  for (const scenario::SpeciesEntry& entry : scenario.species) {
    Species s;
    s.systemic = entry.volume_of_distribution_L_per_kg > 0 && entry.elimination_half_life_s > 0;
    if (s.systemic) {
      s.plasma.volume_um3 = entry.volume_of_distribution_L_per_kg * scenario.body.mass_kg * kUm3PerLitre;
      s.plasma.loss_per_s = std::numbers::ln2 / entry.elimination_half_life_s;
    }
    if (bottom_ == scenario::BottomKind::receptor) {
      s.receptor.volume_um3 = receptor_um3;
      // Q/V per area: (uL/cm^2/s) / (uL/cm^2)
      s.receptor.loss_per_s =
          scenario.receptor.flow_uL_per_cm2_s / scenario.receptor.volume_per_area_uL_per_cm2;
    }
    species_.push_back(s);
  }
}

void BodyCoupling::advance(double t_s, const std::vector<SpeciesLedger>& ledgers) {
  const double dt_s = t_s - last_t_s_;
  const bool receptor = bottom_ == scenario::BottomKind::receptor;
  for (std::size_t n = 0; n < species_.size(); ++n) {
    Species& s = species_[n];
    const double cleared = ledgers[n].cleared - s.cleared;
    const double bottom = ledgers[n].lost_bottom - s.lost_bottom;
    s.cleared = ledgers[n].cleared;
    s.lost_bottom = ledgers[n].lost_bottom;
    if (receptor) s.receptor.step(bottom, dt_s, t_s);
    if (s.systemic) s.plasma.step(scale_ * (cleared + (receptor ? 0.0 : bottom)), dt_s, t_s);
  }
  last_t_s_ = t_s;
  if (receptor && replace_every_s_ > 0 && t_s >= next_replace_s_ * (1 - 1e-12)) {
    for (Species& s : species_) s.receptor.empty();
    while (next_replace_s_ <= t_s * (1 + 1e-12)) next_replace_s_ += replace_every_s_;
  }
}

std::vector<double> BodyCoupling::bottom_values() const {
  std::vector<double> values;
  if (bottom_ != scenario::BottomKind::body && bottom_ != scenario::BottomKind::receptor)
    return values;
  for (const Species& s : species_) {
    if (bottom_ == scenario::BottomKind::receptor) values.push_back(s.receptor.concentration());
    // The plasma's concentration as the reference-phase (interstitial fluid) value deep in
    // the body: plasma and interstitial fluid in equilibrium far below the skin.
    else values.push_back(s.systemic ? s.plasma.concentration() : 0.0);
  }
  return values;
}

std::vector<double> BodyCoupling::replacement_times(double duration_s) const {
  std::vector<double> times;
  if (replace_every_s_ > 0)
    for (double t = replace_every_s_; t <= duration_s * (1 + 1e-12); t += replace_every_s_)
      times.push_back(std::min(t, duration_s));
  return times;
}

BodyRecord BodyCoupling::record(int species) const {
  const Species& s = species_[species];
  BodyRecord r;
  r.systemic = s.systemic;
  double left = 0, held = 0;
  if (s.systemic) {
    r.plasma_concentration = s.plasma.concentration();
    r.systemic_amount = s.plasma.amount;
    r.eliminated = s.plasma.removed;
    r.plasma_peak_concentration = s.plasma.peak_amount / s.plasma.volume_um3;
    r.plasma_peak_time_s = s.plasma.peak_time_s;
    r.plasma_auc_conc_s = s.plasma.amount_time_s / s.plasma.volume_um3;
    left += scale_ * (s.cleared + (bottom_ == scenario::BottomKind::receptor ? 0 : s.lost_bottom));
    held += s.plasma.amount + s.plasma.removed;
  }
  if (bottom_ == scenario::BottomKind::receptor) {
    r.receptor_amount = s.receptor.amount;
    r.receptor_concentration = s.receptor.concentration();
    r.collected = s.receptor.removed;
    left += scale_ * s.lost_bottom;
    held += scale_ * (s.receptor.amount + s.receptor.removed);
  }
  r.residual = left != 0 ? std::abs(left - held) / std::abs(left) : 0.0;
  return r;
}

}  // namespace skinrd::body
