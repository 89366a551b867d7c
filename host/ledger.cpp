#include "host/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace skinrd {

namespace {
double total(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0);
}
}  // namespace

double SpeciesLedger::stored_free() const { return total(free_by_layer); }
double SpeciesLedger::stored_bound() const { return total(bound_by_layer); }
double SpeciesLedger::stored_internalised() const { return total(internalised_by_layer); }

double SpeciesLedger::balance_residual() const {
  const double scale = std::max(std::abs(inputs()), std::abs(stored()));
  if (scale == 0) return 0;
  return std::abs(inputs() - outputs() - stored()) / scale;
}

}  // namespace skinrd
