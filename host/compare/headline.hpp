#pragma once
// The headline of a comparison: per species the runs ranked by the scenario's target metric
// (exposure of the target layer at or above EC, then time above EC), in one sentence.
#include <string>
#include <vector>

#include "host/compare/comparison.hpp"

namespace skinrd::compare {

struct Headline {
  std::string species, sentence;
  std::vector<std::size_t> ranked;  // indices into Comparison::rows, best first
  bool reached_ec = false;          // some run had part of the target layer at EC; else ranked by its AUC
};

Headline headline(const Comparison& comparison, const SpeciesInfo& species);
// The target layer's summary in a row (peak, AUC); null when the run lacks the layer.
const run::SpeciesSummary::Layer* target_layer_of(const ComparedRow& row, const std::string& target);

}  // namespace skinrd::compare
