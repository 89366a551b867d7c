#include "host/run/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace skinrd::run {
namespace {

// peak = max(peak, value), except that NaN sticks: a run gone wrong does not report the
// finite values before it (std::max drops a NaN). True when peak took the value.
bool raise_to(double& peak, double value) {
  if (std::isnan(peak)) return false;
  if (std::isnan(value) || value > peak) return peak = value, true;
  return false;
}

}  // namespace

SpeciesSummary summarise(const std::vector<OutputRecord>& records, const std::string& target_layer,
                         const std::string& amount_unit, const std::string& concentration_unit) {
  SpeciesSummary summary;
  if (records.empty()) return summary;
  summary.species = records.front().ledger.species;
  summary.amount_unit = amount_unit;
  summary.concentration_unit = concentration_unit;
  summary.target_layer = target_layer;
  for (const auto& layer : records.front().layers) summary.layers.push_back({layer.name});
  for (std::size_t n = 0; n < records.size(); ++n) {
    const OutputRecord& r = records[n];
    raise_to(summary.dose, r.ledger.inputs());
    const double dose = r.ledger.applied();  // fractions are of what was applied
    raise_to(summary.dose_applied, dose);
    raise_to(summary.max_ledger_residual, r.ledger_residual);
    raise_to(summary.max_penetration_depth_um, r.penetration_depth_um);
    double epidermis = 0, dermis = 0;
    for (std::size_t l = 0; l < r.layers.size(); ++l) {
      const LayerRecord& layer = r.layers[l];
      const double total = layer.free + layer.bound + layer.internalised;
      if (layer.name == "viable_epidermis") epidermis += total;
      if (layer.name == "papillary_dermis" || layer.name == "reticular_dermis") dermis += total;
      auto& s = summary.layers[l];
      if (raise_to(s.peak_mean_concentration, layer.mean_free_concentration)) s.peak_time_s = r.time_s;
      if (n > 0) {  // trapezoids between output times
        const OutputRecord& previous = records[n - 1];
        const double dt = r.time_s - previous.time_s;
        s.auc_conc_s += 0.5 * dt * (layer.mean_free_concentration +
                                    previous.layers[l].mean_free_concentration);
        if (layer.name == target_layer) {
          const double f0 = previous.layers[l].fraction_at_or_above_ec, f1 = layer.fraction_at_or_above_ec;
          summary.exposure_target_s += 0.5 * dt * (f0 + f1);
          // Time with at least half the layer above EC, crossing times interpolated linearly.
          const bool a = f0 >= 0.5, b = f1 >= 0.5;
          if (std::isnan(f0 + f1)) summary.time_above_ec_target_s += f0 + f1;  // NaN sticks
          else if (a && b) summary.time_above_ec_target_s += dt;
          else if (a != b) summary.time_above_ec_target_s += dt * (a ? (f0 - 0.5) : (f1 - 0.5)) / std::abs(f1 - f0);
        }
      }
    }
    if (dose > 0 || std::isnan(dose)) {
      if (raise_to(summary.peak_fraction_viable_epidermis, epidermis / dose))
        summary.peak_fraction_viable_epidermis_time_s = r.time_s;
      if (raise_to(summary.peak_fraction_dermis, dermis / dose))
        summary.peak_fraction_dermis_time_s = r.time_s;
    }
  }
  const SpeciesLedger& last = records.back().ledger;
  const double applied = summary.dose_applied;
  if (applied > 0 || std::isnan(applied)) {
    summary.fraction_delivered = summary.dose / applied;
    summary.fraction_degraded = last.degraded / applied;
    summary.fraction_cleared = last.cleared / applied;
    summary.fraction_internalised = last.stored_internalised() / applied;
    summary.fraction_removed = last.removed / applied;
    summary.fraction_lost_bottom = last.lost_bottom / applied;
    summary.fraction_left_in_device = (last.removed + last.in_device) / applied;
  }
  const body::BodyRecord& body = records.back().body;
  summary.plasma_cmax = body.plasma_peak_concentration;
  summary.plasma_tmax_s = body.plasma_peak_time_s;
  summary.plasma_auc_conc_s = body.plasma_auc_conc_s;
  if (applied > 0 || std::isnan(applied))
    summary.fraction_receptor = (body.receptor_amount + body.collected) / applied;
  return summary;
}

}  // namespace skinrd::run
