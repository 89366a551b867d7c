#include "host/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace skinrd {

double SpeciesLedger::stored() const {
  return std::accumulate(stored_by_layer.begin(), stored_by_layer.end(), 0.0);
}

double SpeciesLedger::balance_residual() const {
  const double scale = std::max(std::abs(inputs()), std::abs(stored()));
  if (scale == 0) return 0;
  return std::abs(inputs() - outputs() - stored()) / scale;
}

}  // namespace skinrd
