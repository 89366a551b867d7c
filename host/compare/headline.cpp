#include "host/compare/headline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <tuple>

namespace skinrd::compare {
namespace {

std::string g3(double value) {
  if (std::isnan(value)) return "nan";  // printf may write "-nan"
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}
std::string layer_words(std::string name) {
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

}  // namespace

const run::SpeciesSummary::Layer* target_layer_of(const ComparedRow& row, const std::string& target) {
  for (const auto& layer : row.summary.layers)
    if (layer.name == target) return &layer;
  return nullptr;
}

Headline headline(const Comparison& comparison, const SpeciesInfo& s) {
  Headline h;
  h.species = s.key;
  auto key = [&](std::size_t i) {
    const ComparedRow& row = comparison.rows[i];
    const auto* layer = target_layer_of(row, s.target_layer);
    // NaN (a run gone wrong) ranks last, and keeps the order strict.
    auto rank = [](double v) { return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v; };
    return std::make_tuple(rank(row.summary.exposure_target_s), rank(row.summary.time_above_ec_target_s),
                           rank(layer ? layer->auc_conc_s : 0.0));
  };
  for (std::size_t i = 0; i < comparison.rows.size(); ++i)
    if (comparison.rows[i].species == s.key) h.ranked.push_back(i);
  std::stable_sort(h.ranked.begin(), h.ranked.end(), [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
  if (h.ranked.empty()) return h;
  h.reached_ec = std::get<0>(key(h.ranked.front())) > 0;
  const std::string target = layer_words(s.target_layer);
  const ComparedRow& best = comparison.rows[h.ranked.front()];
  const auto* peak = target_layer_of(best, s.target_layer);
  std::string sentence = s.key + ": ";
  if (h.reached_ec)
    sentence += best.run_label + " gave the " + target + " the most exposure at or above EC (" +
                g3(s.effective_concentration) + " " + s.concentration_unit + "): " +
                g3(best.summary.exposure_target_s / 3600) + " h, " +
                g3(best.summary.time_above_ec_target_s / 3600) + " h with at least half the layer above it";
  else
    sentence += "no run brought any of the " + target + " to EC (" + g3(s.effective_concentration) + " " +
                s.concentration_unit + "); ranked by the layer's AUC, " + best.run_label + " leads";
  if (peak)
    sentence += ", peak " + g3(peak->peak_mean_concentration) + " " + s.concentration_unit + " at " +
                g3(peak->peak_time_s / 3600) + " h";
  sentence += ", " + g3(100 * best.summary.fraction_delivered) + " % of " +
              g3(best.summary.dose_applied) + " " + s.amount_unit + " applied delivered";
  if (best.summary.plasma_cmax > 0)
    sentence += ", systemic Cmax " + g3(best.summary.plasma_cmax) + " " + s.concentration_unit;
  if (h.ranked.size() > 1) {
    sentence += "; then ";
    for (std::size_t n = 1; n < h.ranked.size(); ++n) {
      const ComparedRow& row = comparison.rows[h.ranked[n]];
      const auto* layer = target_layer_of(row, s.target_layer);
      sentence += (n > 1 ? ", " : "") + row.run_label + " (" +
                  (h.reached_ec ? g3(row.summary.exposure_target_s / 3600) + " h"
                                : "AUC " + g3(layer ? layer->auc_conc_s / 3600 : 0.0) + " " +
                                      s.concentration_unit + " h") + ")";
    }
  }
  h.sentence = sentence + ".";
  return h;
}

}  // namespace skinrd::compare
