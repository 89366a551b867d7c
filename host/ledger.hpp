#pragma once
// Where every amount of a species is: stored per layer, and each transfer tallied as it
// happened. Amounts are in concentration unit × µm³ (ng/mL × µm³ = 1e-12 ng).
#include <string>
#include <vector>

namespace skinrd {

struct SpeciesLedger {
  std::string species;
  std::vector<std::string> layer_names;
  std::vector<double> stored_by_layer;  // integrated from the field now

  // Transfers since t = 0, each tallied directly as it happened.
  double dosed = 0;            // placed into the field by the host (initial field, doses)
  double entered_top = 0;      // through a fixed-concentration top (net)
  double added_by_source = 0;  // volumetric sources (net)
  double degraded = 0;
  double cleared = 0;          // to blood/lymph
  double lost_bottom = 0;      // into a perfect-sink bottom

  double stored() const;
  double inputs() const { return dosed + entered_top + added_by_source; }
  double outputs() const { return degraded + cleared + lost_bottom; }
  // |inputs − outputs − stored| / max(|inputs|, |stored|): zero to rounding when every
  // amount is accounted for.
  double balance_residual() const;
};

}  // namespace skinrd
