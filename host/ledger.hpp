#pragma once
// Where every amount of a species is: stored per layer, and each transfer tallied as it
// happened. Amounts are in concentration unit × µm³ (ng/mL × µm³ = 1e-12 ng).
#include <string>
#include <vector>

namespace skinrd {

struct SpeciesLedger {
  std::string species;
  std::vector<std::string> layer_names;
  // Integrated from the fields now, per layer.
  std::vector<double> free_by_layer, bound_by_layer, internalised_by_layer;

  // Transfers since t = 0, each tallied directly as it happened.
  double dosed = 0;            // placed into the field by the host (initial field, doses)
  double removed = 0;          // taken out by the host (a film wiped off)
  double entered_top = 0;      // through a fixed-concentration top (net)
  double added_by_source = 0;  // volumetric sources (net)
  double degraded = 0;
  double cleared = 0;          // to blood/lymph
  double lost_bottom = 0;      // into a perfect-sink bottom
  double bound_net = 0;        // free → bound (net), a transfer inside the tissue
  double internalised = 0;     // free → internalised, a transfer inside the tissue
  // Outside the balance: what a device holds now that it has not released into the tissue (a
  // patch's payload still in its needles; once the patch is off, what it took away). Set by
  // the run at each record from its device sources, not tallied by the kernels.
  double in_device = 0;

  double stored_free() const;
  double stored_bound() const;
  double stored_internalised() const;
  double stored() const { return stored_free() + stored_bound() + stored_internalised(); }
  double inputs() const { return dosed + entered_top + added_by_source; }  // delivered
  double applied() const { return inputs() + in_device; }  // delivered + still in a device
  double outputs() const { return degraded + cleared + lost_bottom + removed; }
  // |inputs − outputs − stored| / max(|inputs|, |stored|): zero to rounding when every
  // amount is accounted for.
  double balance_residual() const;
};

}  // namespace skinrd
